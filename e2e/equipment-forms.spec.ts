/**
 * Recording the refurbished equipment's donations (issue 18) in the browser: a coordinator
 * records a donor, its declared stock and a lot with its devices from the hub, without
 * JavaScript — errors field by field with what was typed kept, then success (Post/Redirect/Get);
 * a line in error names the line and writes nothing. Axe at 390 and 1280 px on each form,
 * empty and in error. A form posted from another site is refused.
 */
import { test, expect, type Page } from '@playwright/test';
import { axeAtBothWidths } from './helpers.ts';
import { statePath } from './accounts.ts';

const h1 = (page: Page) => page.getByRole('heading', { level: 1 });
const stamp = `${Date.now().toString(36)}`;

test.describe('a coordinator records the donations', () => {
	test.use({ storageState: statePath('coordinator') });

	test('the forms, empty and in error, are accessible', async ({ page }) => {
		await page.goto('/espace/materiel');
		await page.getByRole('link', { name: 'Enregistrer un donateur' }).click();
		await expect(h1(page)).toHaveText('Nouveau donateur');
		await axeAtBothWidths(page, '/espace/materiel/donateurs/nouveau');
		await page.getByRole('button', { name: 'Enregistrer le donateur' }).click();
		await expect(page.getByRole('heading', { name: /Le formulaire contient 2 erreurs/ })).toBeVisible();
		await axeAtBothWidths(page, '/espace/materiel/donateurs/nouveau (errors)');

		await page.goto('/espace/materiel');
		await page.getByRole('link', { name: 'Enregistrer un lot reçu et ses appareils' }).click();
		await expect(h1(page)).toHaveText('Nouveau lot');
		await axeAtBothWidths(page, '/espace/materiel/lots/nouveau');
		await page.getByLabel(/^Appareils, un par ligne/).fill('frigo;Brandt');
		await page.getByRole('button', { name: 'Enregistrer le lot' }).click();
		await expect(page.getByRole('heading', { name: /Le formulaire contient \d erreurs?/ })).toBeVisible();
		await axeAtBothWidths(page, '/espace/materiel/lots/nouveau (errors)');
	});

	test('without JavaScript: a donor, its stock, a lot — errors, then success', async ({ browser }) => {
		const context = await browser.newContext({ javaScriptEnabled: false, storageState: statePath('coordinator') });
		const page = await context.newPage();
		const name = `Commune de Test ${stamp}`;

		// the donor: errors field by field, what was typed kept
		await page.goto('/espace/materiel/donateurs/nouveau');
		await page.getByLabel('Nom', { exact: true }).fill(name);
		await page.getByLabel(/^Numéro SIRET/).fill('123');
		await page.getByRole('button', { name: 'Enregistrer le donateur' }).click();
		await expect(page).toHaveTitle(/^Erreur/);
		await expect(page.locator('#donateur-type-erreur')).toContainText('Choisissez le type de donateur.');
		await expect(page.locator('#donateur-siret-erreur')).toContainText('SIRET');
		await expect(page.getByLabel('Nom', { exact: true })).toHaveValue(name);
		await expect(page.getByLabel(/^Numéro SIRET/)).toHaveValue('123');
		await page.getByLabel('Type de donateur').selectOption({ label: 'Commune ou intercommunalité' });
		await page.getByLabel(/^Numéro SIRET/).fill('');
		await page.getByRole('button', { name: 'Enregistrer le donateur' }).click();
		await expect(page).toHaveURL(/\/espace\/materiel\/donateurs\/[0-9a-f-]{36}\?fait=cree$/);
		await expect(page.getByText('Le donateur est enregistré.')).toBeVisible();
		await expect(page.locator('main strong', { hasText: name })).toBeVisible();

		// its stock on 1 January
		await page.getByLabel('Appareils réformés en stock au 1er janvier').fill('beaucoup');
		await page.getByRole('button', { name: 'Déclarer le stock' }).click();
		await expect(page.locator('#stock-nombre-erreur')).toContainText('Indiquez un nombre d’appareils');
		await expect(page.getByLabel('Appareils réformés en stock au 1er janvier')).toHaveValue('beaucoup');
		await page.getByLabel('Appareils réformés en stock au 1er janvier').fill('40');
		await page.getByRole('button', { name: 'Déclarer le stock' }).click();
		await expect(page.getByText('Le stock réformé est déclaré.')).toBeVisible();
		await expect(page.locator('dl.facts')).toContainText('40');

		// a lot: a line in error names the line, nothing is written, the lines are kept
		await page.getByRole('link', { name: 'Enregistrer un lot de ce donateur' }).click();
		await expect(h1(page)).toHaveText('Nouveau lot');
		await page.getByLabel('Structure qui reconditionne').selectOption({ label: 'Médiathèque de Nérac' });
		await page.getByLabel(/^Référence du lot/).fill(`LOT-${stamp}`);
		const lines = `portable;Dell;Latitude 5490;SN-${stamp}-1;2019;bon état\nfrigo;Brandt;;;;\nsmartphone;Samsung;A52;SN-${stamp}-2;2021;écran rayé`;
		await page.getByLabel(/^Appareils, un par ligne/).fill(lines);
		await page.getByRole('button', { name: 'Enregistrer le lot' }).click();
		await expect(page.locator('#lot-appareils-erreur')).toContainText(/Ligne 2\s:\stype d’appareil inconnu/);
		await expect(page.getByLabel(/^Appareils, un par ligne/)).toHaveValue(lines);
		await expect(page.getByLabel(/^Référence du lot/)).toHaveValue(`LOT-${stamp}`);
		await page.getByLabel(/^Appareils, un par ligne/).fill(lines.replace('frigo;Brandt', 'écran;Iiyama'));
		await page.getByRole('button', { name: 'Enregistrer le lot' }).click();
		await expect(page).toHaveURL(/\/espace\/materiel\/donateurs\/[0-9a-f-]{36}\?annee=\d{4}&fait=lot&appareils=3$/);
		await expect(page.getByText('Le lot est enregistré (3 appareil(s)).')).toBeVisible();
		await expect(page.getByRole('cell', { name: `SN-${stamp}-2` })).toBeVisible();
		await context.close();
	});

	test('a form posted from another site is refused', async ({ page }) => {
		const cross = await page.request.post('/espace/materiel/donateurs/nouveau', {
			headers: { origin: 'https://evil.example' },
			form: { departmentCode: '47', kind: 'company', name: `Evil ${stamp}` },
			maxRedirects: 0
		});
		expect(cross.status()).toBe(403);
		expect(await cross.text()).toContain('Ce formulaire a été envoyé depuis un autre site');
	});
});
