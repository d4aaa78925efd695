/**
 * The steering space's home, offer and fragility pages (issue 16, items 1 and 2) on the demo
 * territory (Lot-et-Garonne's places and communes): the coordinator reads the key figures and
 * the tables, downloads a table as CSV; without JavaScript one filter form changes the level,
 * the period and the minimum opening, and changing one keeps the others; the CAF's partner reads them too;
 * a prescriber is refused. axe at 390 and 1280 px on each page.
 */
import { test, expect, type Page } from '@playwright/test';
import { axeAtBothWidths } from './helpers.ts';
import { statePath } from './accounts.ts';

const h1 = (page: Page) => page.getByRole('heading', { level: 1 });

test.describe('the coordinator of Lot-et-Garonne', () => {
	test.use({ storageState: statePath('coordinator') });

	test('reads the home page’s key figures, then the offer and the fragility, and downloads a table', async ({ page }) => {
		await page.goto('/pilotage');
		await expect(h1(page)).toHaveText('Pilotage de la stratégie d’inclusion numérique');
		await expect(page.locator('main')).toContainText(/Lot-et-Garonne compte [\d\s\u202f]+ lieux de médiation numérique aujourd’hui/);
		const offer = page.getByRole('region', { name: 'Offre' });
		await expect(offer.getByText('Lieux pour 10\u00a0000 habitants')).toBeVisible();
		await expect(page.getByRole('link', { name: 'Demande' }).first()).toBeVisible();
		await axeAtBothWidths(page, '/pilotage');
		// the printable report of the département, and of one intercommunality
		const report = await page.request.get((await page.getByRole('link', { name: /^Rapport de Lot-et-Garonne/ }).getAttribute('href'))!);
		expect(report.status()).toBe(200);
		expect(report.headers()['content-type']).toBe('application/pdf');
		const zone = await page
			.getByLabel(/Ou le rapport d’un territoire/)
			.locator('option')
			.first()
			.getAttribute('value');
		const one = await page.request.get(`/pilotage/rapport.pdf?departement=47&niveau=epci&zone=${encodeURIComponent(zone!)}`);
		expect(one.status()).toBe(200);
		expect(one.headers()['content-disposition']).toMatch(/attachment; filename="rapport-47-.+\.pdf"/);

		await page.getByRole('link', { name: /Voir l’offre en détail/ }).click();
		await expect(h1(page)).toHaveText('Offre de médiation numérique');
		const byService = page.getByRole('table', { name: /Lieux de médiation numérique par service, Lot-et-Garonne/ });
		await expect(byService.getByRole('rowheader', { name: 'Aide aux démarches administratives' })).toBeVisible();
		const total = Number((await byService.locator('tfoot td').first().innerText()).replace(/\D/g, ''));
		expect(total, 'the demo territory’s places').toBeGreaterThan(50);
		await expect(
			page.getByRole('table', { name: /Population à moins de 5, 10 et 15 km d’un lieu, par intercommunalité \(distance à vol d’oiseau\)/ })
		).toBeVisible();
		await expect(page.getByRole('heading', { name: 'Zones blanches' })).toBeVisible();
		// the maps beside the tables: server-drawn SVG, named, with their summary
		const map = page.getByRole('img', { name: 'Lieux pour 10\u00a0000 habitants' });
		await expect(map).toBeVisible();
		expect(await map.locator('path').count(), 'one shape per intercommunality at least').toBeGreaterThan(5);
		await expect(page.locator('main')).toContainText(/Sur \d+ intercommunalités, de [\d,]+ à [\d,]+ pour 10\u00a0000 habitants/);
		await axeAtBothWidths(page, '/pilotage/offre');

		const href = await page
			.getByRole('region', { name: 'Lieux par service' })
			.getByRole('link', { name: /Télécharger ce tableau/ })
			.getAttribute('href');
		expect(href).toMatch(/^\/pilotage\/export\/offre-services\.csv\?departement=47&periode=\d{4}&niveau=epci&demi_journees=5$/);
		const book = await page.request.get((await page.getByRole('link', { name: /classeur XLSX/ }).getAttribute('href'))!);
		expect(book.status()).toBe(200);
		expect(book.headers()['content-type']).toContain('spreadsheetml');
		const csv = await page.request.get(href!);
		expect(csv.status()).toBe(200);
		expect(csv.headers()['content-type']).toContain('text/csv');
		expect(csv.headers()['content-disposition']).toMatch(/attachment; filename="offre-services-47-\d{4}\.csv"/);
		const text = await csv.text();
		expect(text.startsWith('\ufeffService;Lieux;Lieux pour 10 000 habitants\r\n')).toBe(true);
		expect(text).toContain(`Tous les lieux (un lieu compte une fois);${total};`);

		await page.getByRole('navigation', { name: 'Sections du pilotage' }).getByRole('link', { name: 'Fragilité' }).click();
		await expect(h1(page)).toHaveText('Fragilité numérique de la population');
		const ifn = page.getByRole('table', { name: 'Indice de fragilité numérique et ses cinq indicateurs, par intercommunalité' });
		await expect(ifn.locator('tfoot')).toContainText('Lot-et-Garonne');
		await expect(ifn.getByRole('rowheader').first()).not.toBeEmpty();
		await axeAtBothWidths(page, '/pilotage/fragilite');
	});
});

test.describe('the coordinator, without JavaScript', () => {
	test.use({ storageState: statePath('coordinator'), javaScriptEnabled: false });

	test('changes the level, the period and the minimum opening in one form: changing one keeps the others', async ({ page }) => {
		await page.goto('/pilotage/offre');
		const year = Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric' }).format(new Date()));
		// one form for every filter of the page
		await expect(page.locator('form[method="get"]').filter({ has: page.getByRole('button', { name: 'Afficher' }) })).toHaveCount(1);
		const filters = page.locator('form').filter({ has: page.getByLabel('Découpage') });
		await filters.getByLabel('Découpage').selectOption('commune');
		await filters.getByLabel('Période').selectOption(String(year - 1));
		await filters.getByLabel('Compter les lieux ouverts au moins').selectOption('3');
		await filters.getByRole('button', { name: 'Afficher' }).click();
		await expect(page).toHaveURL(new RegExp(`periode=${year - 1}&niveau=commune&demi_journees=3`));
		await expect(page.getByRole('table', { name: `Lieux par commune, pour 10 000 habitants, au 31 décembre ${year - 1}` })).toBeVisible();
		await expect(page.locator('.steering-scope')).toContainText(`Lot-et-Garonne, ${year - 1}, par commune`);
		const access = page.getByRole('table', { name: /Population à moins de 5, 10 et 15 km d’un lieu, par commune/ });
		await expect(access.getByRole('columnheader', { name: 'À moins de 10 km d’un lieu ouvert au moins 3 demi-journées par semaine (%)' })).toBeAttached();
		await expect(access.getByRole('rowheader', { name: 'Agen', exact: true })).toBeVisible();

		// the period changed alone: the minimum opening stays, in the URL, the form and the workbook's link
		await filters.getByLabel('Période').selectOption(String(year));
		await filters.getByRole('button', { name: 'Afficher' }).click();
		await expect(page).toHaveURL(new RegExp(`periode=${year}&niveau=commune&demi_journees=3`));
		await expect(filters.getByLabel('Compter les lieux ouverts au moins')).toHaveValue('3');
		expect(await page.getByRole('link', { name: /classeur XLSX/ }).getAttribute('href')).toContain('demi_journees=3');
		// and the other way round: the opening changed alone keeps the period and the level
		await filters.getByLabel('Compter les lieux ouverts au moins').selectOption('7');
		await filters.getByRole('button', { name: 'Afficher' }).click();
		await expect(page).toHaveURL(new RegExp(`periode=${year}&niveau=commune&demi_journees=7`));
	});
});

test.describe('the CAF’s partner', () => {
	test.use({ storageState: statePath('partner') });

	test('reads the offer and the fragility of its département and downloads a table', async ({ page }) => {
		await page.goto('/pilotage/fragilite?niveau=departement');
		await expect(h1(page)).toHaveText('Fragilité numérique de la population');
		await expect(page.getByRole('table', { name: /Population fragile éloignée de tout lieu, par département/ })).toBeVisible();
		const res = await page.request.get('/pilotage/export/fragilite-territoires.csv?niveau=departement');
		expect(res.status()).toBe(200);
		expect(await res.text()).toContain('Département;Population (habitants);Indice de fragilité numérique (0 à 10)');
		await page.goto('/pilotage/offre');
		await expect(page.getByRole('heading', { name: 'Population proche d’un lieu' })).toBeVisible();
		expect((await page.request.get('/pilotage/export/offre-inconnue.csv')).status()).toBe(404);
	});
});

test('a prescriber is refused the steering space', async ({ browser }) => {
	const ctx = await browser.newContext({ storageState: statePath('prescriber') });
	for (const path of ['/pilotage', '/pilotage/offre', '/pilotage/fragilite', '/pilotage/export/offre-services.csv'])
		expect((await ctx.request.get(path, { maxRedirects: 0 })).status(), path).toBe(403);
	await ctx.close();
});
