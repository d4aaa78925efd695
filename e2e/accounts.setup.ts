/**
 * Each persona accepts their invitation in the browser, as a newcomer would, and sets up
 * the second factor when their role asks for it; their session is kept for the specs.
 */
import { test as setup, expect } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { PASSWORD, PERSONAS, seed, secretPath, statePath, totpNow } from './accounts.ts';
import { expectNoAxeViolations } from './helpers.ts';

for (const persona of PERSONAS) {
	setup(`account: ${persona}`, async ({ page }) => {
		const inv = seed().invitations[persona];
		await page.goto(`/invitation/${inv.token}`);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Rejoindre l’espace professionnel');
		await page.getByLabel('Choisissez un mot de passe').fill(PASSWORD);
		await page.getByLabel('Le même mot de passe, une seconde fois').fill(PASSWORD);
		await page.getByRole('button', { name: 'Créer mon compte' }).click();
		{
			await expect(page).toHaveURL(/\/compte\/double-authentification/);
			if (persona === 'place_manager') {
				// the enrolment page, as a newcomer sees it: accessible
				await expect(page.getByRole('img', { name: /QR code/ })).toBeVisible();
				await expectNoAxeViolations(page, 'TOTP enrolment');
			}
			const secret = (await page.locator('code').first().innerText()).replace(/\s+/g, '');
			writeFileSync(secretPath(persona), secret);
			await page.getByLabel('Le code à 6 chiffres affiché par l’application').fill(totpNow(secret));
			await page.getByRole('button', { name: 'Activer' }).click();
			await expect(page.getByRole('heading', { name: 'Vos codes de secours' })).toBeVisible();
			await page.getByRole('link', { name: 'J’ai noté mes codes, continuer' }).click();
			await expect(page).toHaveURL(/\/espace$/);
		}
		if (persona === 'coordinator_before_code') {
			// logged in with the password only: the code page is where they stand
			await page.getByRole('button', { name: 'Se déconnecter' }).click();
			await page.getByLabel('Adresse e-mail').fill(inv.email);
			await page.getByLabel('Mot de passe').fill(PASSWORD);
			await page.getByRole('button', { name: 'Se connecter' }).click();
			await expect(page).toHaveURL(/\/connexion\/code/);
		}
		await page.context().storageState({ path: statePath(persona) });
	});
}
