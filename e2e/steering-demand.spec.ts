/**
 * The steering space's demand, outcomes and partners pages (issue 16, items 3, 4, 5, 8) on
 * the demo territory's twelve months of activity: the coordinator reads figures by EPCI,
 * masked (no count of 1 to 4 anywhere), downloads a table as CSV, changes the period without
 * JavaScript; the CAF (a partner) reads its own structure only; a prescriber is refused; axe
 * at 390 and 1280 px.
 */
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
		for (const width of [390, 1280]) {
			await page.setViewportSize({ width, height: 844 });
			await expectNoAxeViolations(page, `/pilotage/demande at ${width} px`);
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
		for (const width of [390, 1280]) {
			await page.setViewportSize({ width, height: 844 });
			await expectNoAxeViolations(page, `/pilotage/resultats at ${width} px`);
		}
		await page.goto('/pilotage/partenaires?departement=47');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Partenaires');
		await expect(page.getByRole('table', { name: /Fonds Pass Numérique/ }).getByRole('rowheader', { name: 'CAF de Lot-et-Garonne' })).toBeVisible();
		await expect(page.getByRole('table', { name: /Démarches du champ/ })).toContainText('Social – Santé');
		await expectNoSmallCount(page);
		await expectNoAxeViolations(page, '/pilotage/partenaires at 1280 px');
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
