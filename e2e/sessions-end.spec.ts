/**
 * Ending every session of an account, run after every other spec (the `last` project of
 * playwright.config.ts): the partner's sessions all end here, and the specs that read the
 * steering space or the Pass dashboards as that partner keep the session the setup opened.
 */
import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { PASSWORD, seed, secretPath, totpNow } from './accounts.ts';

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	async function login(page: Page, who: 'partner') {
		const secret = readFileSync(secretPath(who), 'utf8');
		await page.goto('/connexion');
		await page.getByLabel('Adresse e-mail').fill(seed().invitations[who].email);
		await page.getByLabel('Mot de passe').fill(PASSWORD);
		await page.getByRole('button', { name: 'Se connecter' }).click();
		await expect(page).toHaveURL(/\/connexion\/code/);
		await page.waitForTimeout(((30 - (Math.floor(Date.now() / 1000) % 30)) % 30) * 1000 + 500);
		await page.getByLabel('Code à 6 chiffres').fill(totpNow(secret));
		await page.getByRole('button', { name: 'Valider' }).click();
	}

	test('logs in, logs out everywhere', async ({ page }) => {
		await login(page, 'partner');
		await expect(page).toHaveURL(/\/espace$/);
		await page.goto('/compte');
		await expect(page.getByRole('table')).toContainText('(cet appareil)');
		await page.getByRole('button', { name: 'Se déconnecter partout, y compris ici' }).click();
		await expect(page).toHaveURL(/\/connexion\?deconnecte/);
		await expect(page.getByRole('status')).toHaveText('Vous êtes déconnecté.');
		await page.goto('/compte');
		await expect(page).toHaveURL(/\/connexion\?retour=%2Fcompte/);
	});
});
