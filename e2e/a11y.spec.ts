import { test, expect } from '@playwright/test';
import { expectNoAxeViolations, firstPlacePath } from './helpers.ts';

// axe needs JavaScript in the browser (the pages themselves don't).
const PAGES = [
	'/',
	'/lieux',
	'/lieux?ou=Agen',
	'/lieux?ou=Agen&gratuit=1&service=Aide+aux+d%C3%A9marches+administratives',
	'/lieux?ou=zzzzqqqq',
	'/lieux?ou=Saint-Martin',
	'/lieux?ou=Agen&vue=carte',
	'/accessibilite',
	'/donnees',
	'/plan-du-site',
	'/une-page-qui-n-existe-pas',
	'/lieux/ce-lieu-n-existe-pas'
];

for (const path of PAGES) {
	test(`axe: ${path}`, async ({ page }) => {
		await page.goto(path);
		if (path.includes('vue=carte')) await expect(page.locator('.leaflet-marker-icon').first()).toBeVisible();
		await expectNoAxeViolations(page, path);
	});
}

test('axe: a place page, and its report form with errors and after success', async ({ page }) => {
	const path = await firstPlacePath(page);
	await page.goto(path);
	await expectNoAxeViolations(page, path);

	await page.getByLabel('Votre adresse e-mail').fill('pas-une-adresse');
	await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
	await expect(page.getByRole('alert')).toContainText('Le formulaire contient 2 erreurs');
	await expectNoAxeViolations(page, `${path} (erreurs)`);

	await page.getByLabel(/Votre message/).fill('Le numéro de téléphone a changé.');
	await page.getByLabel('Votre adresse e-mail').fill('');
	await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
	await expect(page.getByText('Merci, votre signalement a été transmis')).toBeVisible();
	await expectNoAxeViolations(page, `${path} (envoyé)`);
});
