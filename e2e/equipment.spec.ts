/**
 * Refurbished equipment (issue 18) in the browser: the hub from the professional's home for
 * a prescriber (ask for a device, the waiting lists), a refurbisher's team (the stock of their
 * structure) and a coordinator (the donors' reports); the requests' page and its waiting list.
 * Axe on every page at 390 and 1280 px; without JavaScript the pages render and the waiting
 * list's choice of area works (a GET form).
 */
import { test, expect, type Page } from '@playwright/test';
import { axeAtBothWidths } from './helpers.ts';
import { statePath } from './accounts.ts';

const h1 = (page: Page) => page.getByRole('heading', { level: 1 });

test.describe('a prescriber asks for a device', () => {
	test.use({ storageState: statePath('prescriber') });

	test('from the home to the requests’ page', async ({ page }) => {
		await page.goto('/espace');
		await page.getByRole('link', { name: 'Matériel reconditionné' }).click();
		await expect(h1(page)).toHaveText('Matériel reconditionné');
		await axeAtBothWidths(page, '/espace/materiel (prescriber)');
		await page.getByRole('link', { name: 'Demander un appareil pour une personne suivie' }).click();
		await expect(h1(page)).toHaveText('Demandes d’appareils');
		await expect(page.getByRole('heading', { name: 'Liste d’attente d’un territoire' })).toBeVisible();
		await axeAtBothWidths(page, '/espace/materiel/demandes');
	});

	test('works without JavaScript', async ({ browser }) => {
		const context = await browser.newContext({ javaScriptEnabled: false, storageState: statePath('prescriber') });
		const page = await context.newPage();
		await page.goto('/espace/materiel/demandes');
		await expect(h1(page)).toHaveText('Demandes d’appareils');
		const areas = page.getByLabel('Territoire', { exact: true });
		if (await areas.count()) {
			await page.getByRole('button', { name: 'Voir la liste d’attente' }).click();
			await expect(page.getByText(/Liste d’attente –|Personne n’attend d’appareil/).first()).toBeVisible();
		}
		await context.close();
	});
});

test.describe('a refurbisher’s team', () => {
	test.use({ storageState: statePath('place_manager') });

	test('sees the stock of their structure', async ({ page }) => {
		await page.goto('/espace/materiel');
		await expect(h1(page)).toHaveText('Matériel reconditionné');
		await expect(page.getByRole('heading', { level: 2, name: /^Stock de / })).toBeVisible();
		await axeAtBothWidths(page, '/espace/materiel (refurbisher)');
	});

	test('without JavaScript', async ({ browser }) => {
		const context = await browser.newContext({ javaScriptEnabled: false, storageState: statePath('place_manager') });
		const page = await context.newPage();
		await page.goto('/espace/materiel?statut=available');
		await expect(page.getByRole('heading', { level: 2, name: /^Stock de / })).toBeVisible();
		await context.close();
	});
});

test.describe('a coordinator', () => {
	test.use({ storageState: statePath('coordinator') });

	test('reads the hub', async ({ page }) => {
		await page.goto('/espace/materiel');
		await expect(h1(page)).toHaveText('Matériel reconditionné');
		await axeAtBothWidths(page, '/espace/materiel (coordinator)');
	});
});
