import { test, expect } from '@playwright/test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expectNoAxeViolations } from './helpers.ts';

// Issue 14, items 4 and 5: /donnees lists the files for reuse (count, size, date, licence)
// and says which places they leave out; the API is read from other sites by real browsers.
// Issue 16, item 9: the steering figures as open data, the demand and the outcomes masked.
// Issue 17: the trainings' key figures and their tables (helpers trained masked, sessions by theme).

const FILE_NAME = /^\d{8}-lieux-mediation-numerique-[a-z0-9-]+\.(csv|json)$/;

for (const width of [390, 1280])
	test(`axe: /donnees at ${width} px, its tables of the steering figures reflowed`, async ({ page }) => {
		await page.setViewportSize({ width, height: 900 });
		await page.goto('/donnees');
		await expectNoAxeViolations(page, `/donnees (${width} px)`);
		// nothing wider than the screen (the tables reflow on a phone)
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
	});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('the files with their count, size, date and licence, the places left out, a download under its dated name', async ({ page }) => {
		await page.goto('/donnees');
		const files = page.getByRole('table', { name: 'Fichiers à télécharger' });
		const rows = files.locator('tbody tr');
		await expect(rows).toHaveCount(2);
		for (const row of await rows.all()) {
			await expect(row.getByRole('rowheader').getByRole('link')).toHaveText(FILE_NAME);
			await expect(row.locator('td[data-label="Lieux"]')).toHaveText(/^\d[\d\s\u202f]* lieux$/);
			await expect(row.locator('td[data-label="Taille"]')).toHaveText(/^[\d,]+\s(Ko|Mo)$/);
			await expect(row.locator('td[data-label="Mis à jour le"]')).toHaveText(/^\d{1,2}(er)? \p{L}+ \d{4}$/u);
			await expect(row.locator('td[data-label="Licence"]')).toHaveText('Licence Ouverte 2.0');
		}
		// the demo imports the Aidants Connect list: its places alone are not in the files, and the page says so
		await expect(page.locator('#lieux-non-inclus')).toContainText(/^\s*\d[\d\s\u202f]* lieux? (ne sont|n’est) pas dans ces fichiers/);
		await expect(page.locator('#lieux-non-inclus')).toContainText('Aidants Connect');
		const sources = page.getByRole('table', { name: 'Sources des données' });
		await expect(sources.getByRole('row', { name: /Aidants Connect/ }).locator('td[data-label="Licence"]')).toContainText('Pas de licence explicite');

		// the data·inclusion files are found on the same page
		const di = page.getByRole('link', { name: 'les structures et les services dans un seul fichier' });
		await expect(di).toHaveAttribute('href', '/api/v1/data-inclusion');
		await expect(page.getByRole('link', { name: 'les structures', exact: true })).toHaveAttribute('href', '/api/v1/data-inclusion/structures');
		await expect(page.getByRole('link', { name: 'les services', exact: true })).toHaveAttribute('href', '/api/v1/data-inclusion/services');
		const [both] = await Promise.all([page.waitForEvent('download'), di.click()]);
		expect(both.suggestedFilename()).toMatch(/^data-inclusion-\d{4}-\d{2}-\d{2}\.json$/);

		// the trainings of the helpers (issue 17): the year's key figures, and their tables as CSV
		await expect(page.getByRole('table', { name: /^Formations des aidants en \d{4}, Lot-et-Garonne/ })).toBeVisible();
		const trainings = page.getByRole('table', { name: 'Tableaux des formations des aidants, par département' });
		await expect(trainings.getByRole('rowheader')).toHaveCount(3);
		const [sessions] = await Promise.all([page.waitForEvent('download'), trainings.getByRole('link', { name: /^Sessions tenues.*Lot-et-Garonne$/ }).click()]);
		expect(sessions.suggestedFilename()).toMatch(/^formations-sessions.*\.csv$/);

		const link = files.locator('tbody tr').first().getByRole('rowheader').getByRole('link');
		const name = (await link.textContent())!.trim();
		const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
		expect(download.suggestedFilename()).toBe(name);
	});
});

test('a page of another site reads the API: the preflight passes, errors and validators are readable, 304 comes back', async ({ page, baseURL }) => {
	// a page of another origin: another server on this machine (another port), with no policy of ours restricting its scripts
	const elsewhere = createServer((_req, res) =>
		res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Une carte ailleurs</title>')
	);
	await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
	await page.goto(`http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/`);
	const seen = await page.evaluate(async (base) => {
		const bad = await fetch(`${base}/api/v1/places?limit=0`);
		const first = await fetch(`${base}/api/v1/places?ou=Agen&limit=2`);
		const etag = first.headers.get('etag');
		// If-None-Match is not a simple header: the browser sends a preflight first
		const again = await fetch(`${base}/api/v1/places?ou=Agen&limit=2`, { headers: { 'If-None-Match': etag ?? '' }, cache: 'no-store' });
		// the national map's feed says how many places it leaves out, in a header a script reads
		const feed = await fetch(`${base}/api/v1/cartographie-nationale.json`);
		return {
			excluded: feed.headers.get('x-lieux-exclus'),
			bad: { status: bad.status, code: (await bad.json()).error.code },
			first: { status: first.status, etag, lastModified: first.headers.get('last-modified'), link: first.headers.get('link') },
			again: again.status
		};
	}, baseURL);
	elsewhere.close();
	expect(seen.bad).toEqual({ status: 400, code: 'invalid_parameter' });
	expect(seen.first.status).toBe(200);
	expect(seen.first.etag).toMatch(/^W\//);
	expect(seen.first.lastModified).toBeTruthy();
	expect(seen.first.link).toMatch(/rel="next"/);
	expect(seen.again).toBe(304);
	expect(seen.excluded).toMatch(/^\d+$/);
});

test('over HTTP: OPTIONS, HEAD on a download, CORS on a 404', async ({ request }) => {
	const preflight = await request.fetch('/api/v1/places', {
		method: 'OPTIONS',
		headers: { origin: 'https://carte.example.org', 'access-control-request-method': 'GET', 'access-control-request-headers': 'if-modified-since' }
	});
	expect(preflight.status()).toBe(204);
	expect(preflight.headers()['access-control-allow-origin']).toBe('*');
	expect(preflight.headers()['access-control-allow-methods']).toBe('GET, HEAD, OPTIONS');
	expect(preflight.headers()['access-control-allow-headers']).toMatch(/If-Modified-Since/);

	const head = await request.head('/api/v1/telechargements/lieux-mediation-numerique.csv');
	expect(head.status()).toBe(200);
	expect(head.headers()['content-disposition']).toMatch(/^attachment; filename="\d{8}-lieux-mediation-numerique-[a-z0-9-]+\.csv"$/);
	expect(head.headers()['link']).toMatch(/rel="describedby"/);
	expect((await head.body()).length).toBe(0);

	const missing = await request.get('/api/v1/places/ce-lieu-n-existe-pas');
	expect(missing.status()).toBe(404);
	expect(missing.headers()['access-control-allow-origin']).toBe('*');
});

test('the steering figures without persons are open data at a stable address, without an account', async ({ page, request }) => {
	await page.goto('/donnees');
	await expect(page.getByRole('heading', { name: 'Les chiffres de l’offre et de la fragilité, par territoire' })).toBeVisible();
	const link = page.getByRole('link', { name: 'Population à moins de 5, 10 et 15 km d’un lieu (à vol d’oiseau), Lot-et-Garonne' });
	expect(await link.getAttribute('href')).toBe('/donnees/pilotage/47/offre-acces.csv');
	const csv = await request.get('/donnees/pilotage/47/offre-acces.csv');
	expect(csv.status()).toBe(200);
	expect(csv.headers()['content-type']).toContain('text/csv');
	expect(csv.headers()['access-control-allow-origin']).toBe('*');
	const text = await csv.text();
	expect(text.startsWith('\ufeff')).toBe(true);
	expect(text).toContain('Lot-et-Garonne');
	// another period and level, by the same address; a table that is not one is not found
	expect((await request.get('/donnees/pilotage/47/fragilite-territoires.csv?niveau=commune')).status()).toBe(200);
	expect((await request.get('/donnees/pilotage/47/demande-orientations.csv')).status()).toBe(404);
});

test('the demand and the outcomes are open data too: masked, published months only, nothing per structure', async ({ page, request }) => {
	await page.goto('/donnees');
	await expect(page.getByRole('heading', { name: 'Les chiffres de la demande et des résultats, sans donnée personnelle' })).toBeVisible();
	await expect(page.locator('#pilotage-personnes ~ ul').first()).toContainText('Un nombre de 1 à 4 personnes est masqué');
	const tables = page.getByRole('table', { name: 'Tableaux de la demande et des résultats, par département' });
	const link = tables.getByRole('link', { name: 'Orientations envoyées, par lieu de résidence de la personne, Lot-et-Garonne' });
	expect(await link.getAttribute('href')).toBe('/donnees/pilotage/47/demande-orientations-territoire.csv');
	await expect(tables.getByRole('link', { name: /par structure/ })).toHaveCount(0);
	await expect(page.getByText('les tableaux du pilotage aussi')).toBeVisible();
	// the demo's activity: the last published month, by commune (many small counts: « masqué » cells, never 1 to 4)
	const now = new Date();
	const published = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (now.getUTCDate() > 5 ? 1 : 2), 1));
	const month = published.toISOString().slice(0, 7);
	const csv = await request.get(`/donnees/pilotage/47/demande-orientations-territoire.csv?periode=${month}&niveau=commune`);
	expect(csv.status()).toBe(200);
	expect(csv.headers()['access-control-allow-origin']).toBe('*');
	const lines = (await csv.text()).split('\r\n');
	expect(lines[0]).toBe('\ufeffCommune;Orientations (personnes)');
	const cells = lines.slice(1, lines.indexOf('')).map((l) => l.split(';')[1]);
	expect(cells).toContain('masqué');
	expect(cells.filter((c) => /^[1-4]$/.test(c))).toEqual([]);
	// the month under way is not published; a table per structure does not exist; a period that is not one is refused
	const current = await request.get(`/donnees/pilotage/47/resultats-entonnoir.csv?periode=${now.toISOString().slice(0, 7)}`);
	expect(current.status()).toBe(404);
	expect(await current.text()).toContain('Aucun mois de cette période n’est encore publié');
	const byStructure = await request.get('/donnees/pilotage/47/demande-orientations-structure.csv');
	expect(byStructure.status()).toBe(404);
	expect(await byStructure.text()).toContain('Ce jeu de données n’existe pas.');
	expect((await request.get('/donnees/pilotage/47/resultats-genre.csv?periode=2026-T9')).status()).toBe(400);
});
