/**
 * The steering space's demand, outcomes and partners pages (issue 16, items 3, 4, 5, 8) on
 * the demo territory's twelve months of activity: the coordinator reads figures by EPCI,
 * masked (no count of 1 to 4 anywhere), downloads a table as CSV, changes the period without
 * JavaScript; the CAF (a partner) reads its own structure only; a prescriber is refused; axe
 * at 390 and 1280 px. Each chart (issue 16, item 7: server-drawn SVG, no JavaScript) is named,
 * has its summary and links to the table of its figures; masked figures are hatched and said,
 * never drawn as a number; no horizontal scroll at 390 px; each SVG ≤ 100 KB gzipped.
 */
import { gzipSync } from 'node:zlib';
import { test, expect, type Page } from '@playwright/test';
import { expectNoAxeViolations } from './helpers.ts';
import { statePath } from './accounts.ts';

/** No shown count of 1 to 4 in the page's tables (percentages and euros aside). */
async function expectNoSmallCount(page: Page) {
	for (const t of await page.locator('main table td').allInnerTexts()) {
		if (/%|€|jour/.test(t)) continue;
		const n = Number(t.replace(/\s/g, ''));
		if (Number.isInteger(n)) expect(n === 0 || n >= 5, `a count of ${t} shown`).toBe(true);
	}
}

/** A chart: its SVG named `name`, its summary, its link to the table `table` of the same figures. */
async function expectChart(page: Page, name: string | RegExp, table: string | RegExp) {
	const svg = page.getByRole('img', { name, exact: typeof name === 'string' });
	await expect(svg).toBeVisible();
	const figure = page.locator('figure.chart').filter({ has: svg });
	await expect(figure.locator('.chart__summary')).toHaveText(/\S.{20,}\./);
	const href = await figure.getByRole('link', { name: 'Voir les chiffres de ce graphique dans le tableau' }).getAttribute('href');
	expect(href).toMatch(/^#tableau-/);
	await expect(page.locator(href!).getByRole('table')).toHaveAccessibleName(table);
	return figure;
}

/** No horizontal scroll on a phone. */
async function expectNoHorizontalScroll(page: Page) {
	expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
}

/** Each chart's SVG (and a map's legend) at most 100 KB gzipped. */
async function expectSmallSvgs(page: Page) {
	const svgs = await page.locator('figure.chart svg[role="img"]').evaluateAll((l) => l.map((e) => e.outerHTML));
	expect(svgs.length).toBeGreaterThan(0);
	for (const svg of svgs) expect(gzipSync(svg).length).toBeLessThanOrEqual(100 * 1024);
}

test.describe('the coordinator', () => {
	test.use({ storageState: statePath('coordinator') });

	test('reads the demand by EPCI, masked, and downloads a table', async ({ page }) => {
		await page.goto('/pilotage/demande?departement=47&niveau=epci');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Demande');
		const byArea = page.getByRole('table', { name: 'Orientations envoyées, par lieu de résidence de la personne' });
		await expect(byArea.getByRole('rowheader', { name: /^CA Agglomération d.Agen$/ })).toBeVisible();
		await expect(byArea.locator('tfoot td').first()).toHaveText(/^\d[\d\s\u202f]*$/);
		await expect(page.getByRole('table', { name: 'Autonomie mesurée au diagnostic, par axe (personnes)' })).toBeVisible();
		await expect(page.getByText(/^Au total [\d\s\u202f]+ orientations/).first()).toBeVisible();
		await expectNoSmallCount(page);
		// the charts: two maps by intercommunality of residence (masked ones hatched, said in the legend), bars
		for (const [what, table] of [
			['Diagnostics', 'Diagnostics d’autonomie numérique, par lieu de résidence'],
			['Orientations envoyées', 'Orientations envoyées, par lieu de résidence de la personne']
		]) {
			const map = await expectChart(page, `${what} par intercommunalité de résidence`, table);
			await expect(map.locator('.chart__summary')).toHaveText(/^Sur \d+ intercommunalités, de \d+ à [\d\s\u202f]+ .*Les 3 plus demandeuses\u00a0: /);
			// a masked unit: its shape hatched (a square where it has none), never a circle
			const hatched = map.locator('g[fill$="-masque-fond)"] > path, g[fill$="-masque)"] > rect');
			if (await hatched.count()) {
				await expect(map).toContainText('masqué (moins de 5\u00a0personnes)');
				await expect(hatched.first().locator('title')).toHaveText(/masqué$/);
			}
		}
		const autonomy = await expectChart(page, 'Autonomie mesurée au diagnostic, par axe', 'Autonomie mesurée au diagnostic, par axe (personnes)');
		await expect(autonomy.getByRole('list', { name: 'Légende' })).toContainText('Avec guidage');
		await expectChart(page, 'Besoins exprimés au diagnostic', 'Besoins exprimés au diagnostic (plusieurs réponses possibles)');
		await expectChart(page, 'Orientations envoyées, par type de structure d’origine', 'Orientations envoyées, par type de structure d’origine');
		for (const width of [390, 1280]) {
			await page.setViewportSize({ width, height: 844 });
			await expectNoAxeViolations(page, `/pilotage/demande at ${width} px`);
			if (width === 390) await expectNoHorizontalScroll(page);
		}
		const csv = await page.request.get('/pilotage/export/demande-orientations-territoire.csv?departement=47&niveau=epci');
		expect(csv.status()).toBe(200);
		expect(csv.headers()['content-type']).toContain('text/csv');
		expect(csv.headers()['content-disposition']).toMatch(/demande-orientations-territoire-47-\d{4}\.csv/);
		const body = await csv.text();
		expect(body).toContain('Intercommunalité;Orientations (personnes)');
		expect(body).toMatch(/\r\nTotal;\d+\r\n/);
		expect((await page.request.get('/pilotage/export/demande-nope.csv?departement=47')).status()).toBe(404);
	});

	test('reads the outcomes and the partners', async ({ page }) => {
		await page.goto('/pilotage/resultats?departement=47&niveau=epci');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Résultats');
		const funnel = page.getByRole('table', { name: 'Parcours des orientations dans la période' });
		await expect(funnel.getByRole('rowheader', { name: 'Honorées (la personne est venue)' })).toBeVisible();
		// drawn too: the funnel as an SVG, named, with its summary
		await expect(page.getByRole('img', { name: 'Parcours des orientations dans la période' })).toBeVisible();
		await expect(page.getByRole('table', { name: 'Délai de première réponse des lieux (médiane et 9e décile)' })).toContainText(/jour/);
		await expect(page.getByRole('heading', { name: 'Accompagnements', level: 2 })).toBeVisible();
		await expect(page.getByRole('heading', { name: 'Pass Numérique', level: 2 })).toBeVisible();
		await expectNoSmallCount(page);
		// the charts: the months of the period, the time to first answer, the honoured rate on a map, the themes
		const months = await expectChart(page, 'Orientations envoyées et honorées, mois par mois', 'Orientations envoyées et honorées, mois par mois');
		await expect(months.locator('.chart__summary')).toHaveText(/^Envoyées, de janvier \d{4} à .* au plus haut/);
		await expectChart(page, 'Premières réponses des lieux, par délai', 'Délai de première réponse des lieux');
		const rate = await expectChart(
			page,
			'Taux d’orientations honorées par intercommunalité de résidence',
			'Orientations honorées parmi celles closes dans la période, par lieu de résidence'
		);
		await expect(rate).toContainText(/Orange\u00a0: sous le taux d’ensemble \([\d,]+\u00a0%\)/);
		await expectChart(page, 'Accompagnements, par thème', 'Accompagnements, par thème (plusieurs thèmes possibles)');
		for (const width of [390, 1280]) {
			await page.setViewportSize({ width, height: 844 });
			await expectNoAxeViolations(page, `/pilotage/resultats at ${width} px`);
			if (width === 390) await expectNoHorizontalScroll(page);
		}
		await page.goto('/pilotage/partenaires?departement=47');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Partenaires');
		await expect(page.getByRole('table', { name: /Fonds Pass Numérique/ }).getByRole('rowheader', { name: 'CAF de Lot-et-Garonne' })).toBeVisible();
		await expect(page.getByRole('table', { name: /Démarches du champ/ })).toContainText('Social – Santé');
		await expectNoSmallCount(page);
		// bars per partner: contributions and what the fund paid, referrals sent and honoured
		const fund = await expectChart(page, 'Apports reçus et payé par le fonds, par partenaire', /^Fonds Pass Numérique/);
		await expect(fund.locator('.chart__summary')).toHaveText(/^(CAF de Lot-et-Garonne\u00a0: apports reçus \d|Sur \d+ partenaires, apports reçus de \d)/);
		await expectChart(page, 'Orientations envoyées et honorées, par partenaire', /^Orientations envoyées par les agents des partenaires/);
		for (const width of [390, 1280]) {
			await page.setViewportSize({ width, height: 844 });
			await expectNoAxeViolations(page, `/pilotage/partenaires at ${width} px`);
			if (width === 390) await expectNoHorizontalScroll(page);
		}
	});
});

test.describe('without JavaScript', () => {
	test.use({ storageState: statePath('coordinator'), javaScriptEnabled: false, viewport: { width: 390, height: 844 } });

	test('the filter changes the period and the level', async ({ page }) => {
		await page.goto('/pilotage/resultats?departement=47');
		const quarter = await page.locator('#pilotage-periode optgroup[label="Trimestres"] option').nth(1).getAttribute('value');
		await page.getByLabel('Période', { exact: true }).selectOption(quarter!);
		await page.getByLabel('Découpage', { exact: true }).selectOption('departement');
		await page.getByRole('button', { name: 'Afficher' }).click();
		await expect(page).toHaveURL(new RegExp(`periode=${quarter}`));
		await expect(page).toHaveURL(/niveau=departement/);
		await expect(page.getByRole('table', { name: /Orientations honorées parmi celles closes dans la période, par lieu de résidence/ })).toContainText(
			'Lot-et-Garonne'
		);
	});

	test('the charts are drawn on the server, by commune too, each SVG under 100 KB gzipped', async ({ page }) => {
		for (const path of ['/pilotage/demande', '/pilotage/resultats', '/pilotage/partenaires']) {
			await page.goto(`${path}?departement=47&niveau=commune`);
			expect(await page.locator('script').count(), path).toBe(0);
			expect(await page.locator('figure.chart svg[role="img"]').count(), path).toBeGreaterThan(1);
			await expectSmallSvgs(page);
			await expectNoHorizontalScroll(page);
		}
		await page.goto('/pilotage/demande?departement=47&niveau=commune');
		await expect(page.getByRole('img', { name: 'Orientations envoyées par commune de résidence' })).toBeVisible();
		// no map at the département's level (one unit), the bars still
		await page.goto('/pilotage/demande?departement=47&niveau=departement');
		await expect(page.getByRole('img', { name: /de résidence$/ })).toHaveCount(0);
		await expect(page.getByRole('img', { name: 'Besoins exprimés au diagnostic' })).toBeVisible();
	});
});

test.describe('the partner', () => {
	test.use({ storageState: statePath('partner') });

	test('reads its own structure only', async ({ page }) => {
		await page.goto('/pilotage/partenaires?departement=47');
		await expect(page.getByText('Vous voyez ce qui concerne votre structure.')).toBeVisible();
		const fund = page.getByRole('table', { name: /Fonds Pass Numérique/ });
		await expect(fund.getByRole('rowheader')).toHaveText(['CAF de Lot-et-Garonne']);
		await page.goto('/pilotage/demande?departement=47');
		const text = await page.locator('main').innerText();
		expect(text).not.toContain('CCAS de Marmande');
		expect(text).not.toContain('Mission locale');
		await expectNoSmallCount(page);
		await expectNoAxeViolations(page, '/pilotage/demande for a partner');
	});
});

test('a prescriber is refused', async ({ browser }) => {
	const ctx = await browser.newContext({ storageState: statePath('prescriber') });
	for (const path of ['/pilotage/demande', '/pilotage/resultats', '/pilotage/partenaires', '/pilotage/export/demande-besoins.csv'])
		expect((await ctx.request.get(path, { maxRedirects: 0 })).status(), path).toBe(403);
	await ctx.close();
});
