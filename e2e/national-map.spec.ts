import { test, expect, type Page } from '@playwright/test';
import { createRequire } from 'node:module';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

/**
 * Issue 14, item 6: the national map's web component (npm @gouvfr-anct/cartographie-nationale
 * 5.22.0, a devDependency) on a page of another site, pointed at our feed, renders every
 * place of it. The page lives at another origin, answered here (so the feed is read across
 * origins, as a reuser's page would); the component's files come from node_modules, its map
 * style is an empty local one (no tiles), and any other outside request is refused and
 * reported.
 */

const COMPONENT = dirname(createRequire(import.meta.url).resolve('@gouvfr-anct/cartographie-nationale/package.json'));
/** the reuser's site (a made-up name: its page is answered here) */
const SITE = 'https://carte.reutilisateur.test';
/** the component fetches its assets from jsDelivr (its own default path) */
const CDN = /^https:\/\/cdn\.jsdelivr\.net\/npm\/@gouvfr-anct\/cartographie-nationale@[^/]+/;
/** a map style with no source: a plain background, no tile nor font to fetch */
const EMPTY_STYLE = { version: 8, sources: {}, layers: [{ id: 'fond', type: 'background', paint: { 'background-color': '#f8f4f0' } }] };

const pageWith = (source: string) => `<!doctype html>
<html lang="fr">
	<head><meta charset="utf-8"><title>Carte des lieux</title><base href="/"><link href="/styles.css" rel="stylesheet"></head>
	<body class="vh-100">
		<fr-mediation-numerique-cartographie source="${source}"></fr-mediation-numerique-cartographie>
		<script src="/cartographie.js" type="module"></script>
	</body>
</html>`;

/** a file of the component's package, never outside it */
function componentFile(path: string): string | null {
	const file = normalize(join(COMPONENT, decodeURIComponent(path)));
	return file.startsWith(COMPONENT + '/') && existsSync(file) && statSync(file).isFile() ? file : null;
}

/** Serves the reuser's page (ours, or the given one) and the component; lets requests to our server through; refuses and lists the rest. */
async function hostComponent(page: Page, baseURL: string, source: string, html = pageWith(source)) {
	const refused: string[] = [];
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	page.on('console', (m) => {
		if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text());
	});
	// our test server is on the loopback: Chromium lets another site's page reach it only with
	// this permission (on the internet, a reuser's page and our server are both public: no prompt)
	await page.context().grantPermissions(['local-network-access'], { origin: SITE });
	await page.route('**/*', async (route) => {
		const url = route.request().url();
		const { origin, pathname } = new URL(url);
		if (origin === new URL(baseURL).origin) return route.continue();
		if (origin === SITE) {
			if (pathname === '/') return route.fulfill({ contentType: 'text/html; charset=utf-8', body: html });
			const file = componentFile(pathname);
			if (file) return route.fulfill({ path: file });
		}
		if (CDN.test(url)) {
			const path = url.replace(CDN, '').split('?')[0];
			if (path === '/assets/data/map-style.json') return route.fulfill({ json: EMPTY_STYLE });
			const file = componentFile(path);
			if (file) return route.fulfill({ path: file });
		}
		refused.push(url);
		return route.abort('blockedbyclient');
	});
	await page.goto(SITE + '/');
	return { refused, errors };
}

/** the numbers a list of « 12 résultats » texts adds up to */
const total = (texts: string[]) => texts.reduce((n, t) => n + Number(/(\d+)/.exec(t)?.[1] ?? NaN), 0);

test('the national map’s component renders every place of our feed, and no other request leaves the page', async ({ page, baseURL }) => {
	const res = await page.request.get('/api/v1/cartographie-nationale.json');
	expect(res.ok()).toBe(true);
	const feed: { id: string }[] = await res.json();
	const excluded = Number(res.headers()['x-lieux-exclus']);
	expect(feed.length).toBeGreaterThan(30); // the instance’s territory (Lot-et-Garonne in the demo)
	expect(excluded).toBeGreaterThan(0); // the demo has places without any service: left out, counted

	const { refused, errors } = await hostComponent(page, baseURL!, `${baseURL}/api/v1/cartographie-nationale.json`);
	// the list by region: one entry per region, « N résultats » each
	const regions = page.locator('article', { has: page.getByRole('heading', { level: 2 }) });
	await expect(page.getByRole('heading', { level: 1, name: 'Résultats par région' })).toBeAttached({ timeout: 30_000 });
	await expect(regions.first()).toContainText('résultats');
	await expect(regions.filter({ hasText: 'Nouvelle-Aquitaine' })).toHaveCount(1);
	expect(total(await regions.locator('.text-muted').allTextContents()), 'places counted in the list by region').toBe(feed.length);
	// the map: one marker per region, with its count
	const markers = page.locator('.marker-group');
	await expect(markers.first()).toBeVisible();
	expect(total(await markers.allTextContents()), 'places counted on the map’s markers').toBe(feed.length);
	expect(await markers.count()).toBe(await regions.count());

	expect(errors, 'errors in the page').toEqual([]);
	expect(refused, 'requests to other sites').toEqual([]);
});

test('pointed at the search API (an object with paging), the same component shows nothing: why the feed exists', async ({ page, baseURL }) => {
	const { errors } = await hostComponent(page, baseURL!, `${baseURL}/api/v1/places`);
	await expect.poll(() => errors.join('\n'), { timeout: 30_000 }).toMatch(/\.map is not a function/);
	await expect(page.locator('.marker-group')).toHaveCount(0);
	await expect(page.getByText(/\d+ résultats/)).toHaveCount(0);
});

test('« Données ouvertes » gives the feed to reusers, with the number of places it holds and leaves out', async ({ page }) => {
	await page.goto('/donnees');
	await expect(page.getByRole('heading', { level: 2, name: 'Sur la carte nationale' })).toBeVisible();
	await expect(page.locator('pre code')).toContainText(/source="https?:\/\/[^"]+\/api\/v1\/cartographie-nationale\.json"/);
	// the counts (of at most 5 minutes ago: other tests change places) add up
	const int = (s: string) => Number(s.replace(/\D/g, ''));
	const text = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
	const [, shown, all] = /([\d\s]+) lieux sur ([\d\s]+) y figurent\./.exec(text) ?? [];
	const [, left] = /([\d\s]+) lieux sont laissés de côté/.exec(text) ?? [];
	expect(int(shown) + int(left)).toBe(int(all));
	expect(int(left)).toBeGreaterThan(0);
	await expect(page.getByRole('listitem').filter({ hasText: 'aucun service' })).toContainText(/\(\d[\d\s]* lieux?\)/);
	await expect(page.getByRole('link', { name: 'Les lieux laissés de côté et leurs motifs (JSON)' })).toHaveAttribute(
		'href',
		'/api/v1/cartographie-nationale/exclus.json'
	);
});

test('the code given on « Données ouvertes », pasted as it is in another site’s page, shows the map with every place', async ({ page, baseURL }) => {
	await page.goto('/donnees');
	const embed = await page.locator('pre code').innerText();
	const feed: unknown[] = await (await page.request.get('/api/v1/cartographie-nationale.json')).json();
	const html = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Mon site</title></head><body><h1>Les lieux près de chez vous</h1>\n${embed}\n</body></html>`;
	const { errors } = await hostComponent(page, baseURL!, '', html);
	const markers = page.locator('.marker-group');
	await expect(markers.first()).toBeVisible({ timeout: 30_000 });
	expect(total(await markers.allTextContents())).toBe(feed.length);
	// the map has the height the code gives it, not the few pixels of its toolbar
	const map = await page.locator('fr-mediation-numerique-cartographie').boundingBox();
	expect(map?.height).toBeGreaterThanOrEqual(500);
	expect(errors, 'errors in the page').toEqual([]);
});
