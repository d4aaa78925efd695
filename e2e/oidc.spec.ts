/**
 * OpenID Connect (ProConnect-compatible) end to end, against a local oidc-provider
 * (e2e/oidc-provider.mjs): discovery, authorization code with PKCE, state, nonce, acr,
 * user info; linking to an invitation or an existing account by e-mail.
 */
import { test, expect, type Page } from '@playwright/test';
import { expectNoAxeViolations } from './helpers.ts';
import { seed } from './accounts.ts';

async function proconnect(page: Page, email: string) {
	await page.goto('/connexion');
	await page.getByRole('link', { name: 'S’identifier avec ProConnect' }).click();
	await expect(page.getByRole('heading', { name: 'Identification de test' })).toBeVisible();
	await page.getByLabel('Adresse e-mail').fill(email);
	await page.getByRole('button', { name: 'Continuer' }).click();
}

test('an invited agent signs in with ProConnect; with a plain acr the second factor is still asked', async ({ page }) => {
	await page.goto('/connexion');
	await expectNoAxeViolations(page, '/connexion with ProConnect');
	await proconnect(page, 'agent.oidc@caf47.test');
	await expect(page).toHaveURL(/\/compte\/double-authentification/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Double authentification');
});

test('a login the provider vouches with a second factor (eidas2) goes straight in', async ({ page }) => {
	await proconnect(page, 'mfa.agent@caf47.test');
	await expect(page).toHaveURL(/\/espace$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bonjour Alex Agent');
	await page.goto('/compte');
	await expect(page.getByText('Partenaire (opérateur) à CAF de Lot-et-Garonne (47)')).toBeVisible();
});

test('an existing account is linked by its e-mail and keeps its second factor', async ({ page }) => {
	await proconnect(page, seed().invitations.coordinator.email);
	await expect(page).toHaveURL(/\/connexion\/code/);
});

test('an identity whose e-mail the provider has not verified is linked to nothing (issue 11)', async ({ page }) => {
	await proconnect(page, 'unverified.agent@caf47.test');
	await expect(page).toHaveURL(/\/connexion\?erreur=email/);
	await expect(page.getByRole('alert')).toContainText('adresse e-mail vérifiée');
});

test('an address with neither account nor invitation is told what to do', async ({ page }) => {
	await proconnect(page, 'inconnu@ailleurs.test');
	await expect(page).toHaveURL(/\/connexion\?erreur=no-account/);
	await expect(page.getByRole('alert')).toContainText('Aucun compte ni invitation ne correspond');
	await expectNoAxeViolations(page, '/connexion with an error');
});

test('a callback without the attempt’s cookie (forged, replayed, too late) is refused', async ({ page }) => {
	await page.goto('/connexion/proconnect/retour?code=abc&state=xyz');
	await expect(page).toHaveURL(/\/connexion\?erreur=expired/);
	await expect(page.getByRole('alert')).toContainText('Recommencez');
});
