/**
 * The legal pages (issue 12, item 14): public, linked from every page's footer (public and
 * professional), readable without JavaScript, accessible at 390 and 1280 px; what they
 * say of the publisher and the DPO comes from the instance's settings.
 */
import { test, expect } from '@playwright/test';
import { expectNoAxeViolations } from './helpers.ts';
import { statePath } from './accounts.ts';

const PAGES = [
	['/mentions-legales', 'Mentions légales'],
	['/donnees-personnelles', 'Vos données personnelles'],
	['/cookies', 'Cookies'],
	['/accessibilite', 'Déclaration d’accessibilité']
] as const;

for (const [path, title] of PAGES) {
	test(`axe at 390 and 1280 px: ${path}`, async ({ page }) => {
		for (const width of [390, 1280]) {
			await page.setViewportSize({ width, height: 844 });
			await page.goto(path);
			await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
			await expectNoAxeViolations(page, `${path} at ${width} px`);
		}
	});
}

test('no horizontal scroll at 320 px on the legal pages', async ({ page }) => {
	await page.setViewportSize({ width: 320, height: 640 });
	for (const [path] of PAGES) {
		await page.goto(path);
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
		expect(overflow, `horizontal overflow on ${path}`).toBeLessThanOrEqual(0);
	}
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });
	test('from the footer of the home page to each legal page', async ({ page }) => {
		for (const [path, title] of PAGES) {
			await page.goto('/');
			const footer = page.locator('footer');
			const name =
				path === '/accessibilite'
					? /^Accessibilité/
					: path === '/mentions-legales'
						? 'Mentions légales'
						: path === '/cookies'
							? 'Cookies'
							: 'Données personnelles';
			await footer.getByRole('link', { name }).click();
			await expect(page).toHaveURL(new RegExp(`${path}$`));
			await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
		}
		await page.goto('/donnees-personnelles');
		await expect(page.getByRole('heading', { name: 'Vos droits' })).toBeVisible();
		await expect(page.locator('main')).toContainText('anonymisé après 24 mois sans activité');
		await expect(page.locator('main')).toContainText('www.cnil.fr/fr/plaintes');
		// the DPO not set yet read « …de l’instance.. Nous vous répondons » (acceptance walk)
		expect(await page.locator('main').innerText()).not.toMatch(/[^.]\.\.[^.]/);
	});
});

test('the footer of a professional page links them too', async ({ browser }) => {
	const ctx = await browser.newContext({ storageState: statePath('coordinator') });
	const page = await ctx.newPage();
	await page.goto('/espace');
	for (const name of ['Mentions légales', 'Données personnelles', 'Cookies']) await expect(page.locator('footer').getByRole('link', { name })).toBeVisible();
	await ctx.close();
});

test.describe('the administrator fills the legal settings in', () => {
	test.use({ storageState: statePath('admin') });
	test('publisher, DPO and accessibility contact appear on the pages', async ({ page }) => {
		await page.goto('/admin/instance');
		await page.getByLabel(/Contact du délégué à la protection des données/).fill('dpo@');
		await page.getByRole('button', { name: 'Enregistrer' }).click();
		await expect(page.getByRole('alert')).toContainText('adresse e-mail invalide');
		// what was typed is kept
		await expect(page.getByLabel(/Contact du délégué à la protection des données/)).toHaveValue('dpo@');
		await page.getByLabel(/Éditeur du site/).fill('Département de Lot-et-Garonne\nHôtel du Département, 1633 avenue du Général Leclerc, 47922 Agen Cedex 9');
		await page.getByLabel(/Directeur ou directrice de la publication/).fill('La présidence du Conseil départemental');
		await page.getByLabel(/Hébergeur/).fill('Hébergeur de test\n1 rue du Serveur, 47000 Agen');
		await page.getByLabel(/Contact du délégué à la protection des données/).fill('dpo@cd47.test');
		await page.getByLabel(/Contact pour l’accessibilité/).fill('accessibilite@cd47.test');
		await page.getByRole('button', { name: 'Enregistrer' }).click();
		await expect(page.getByRole('status')).toContainText('Les réglages sont enregistrés.');

		await page.goto('/donnees-personnelles');
		await expect(page.locator('main')).toContainText('Le responsable du traitement est\u00a0: Département de Lot-et-Garonne.');
		await expect(page.getByRole('link', { name: 'dpo@cd47.test' }).first()).toHaveAttribute('href', 'mailto:dpo@cd47.test');
		await expect(page.locator('main')).toContainText('écrivez au délégué à la protection des données\u00a0: dpo@cd47.test. Nous vous répondons');
		await page.goto('/mentions-legales');
		await expect(page.locator('main')).toContainText('Hébergeur de test');
		await expect(page.locator('main')).toContainText('La présidence du Conseil départemental');
		await page.goto('/accessibilite');
		await expect(page.getByRole('link', { name: 'accessibilite@cd47.test' })).toHaveAttribute('href', 'mailto:accessibilite@cd47.test');
	});
});
