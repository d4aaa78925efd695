/**
 * The partner (issue 12, item 12): the CAF's account logs in with its password and reads
 * its own figures before the second factor — its contribution to the fund, the campaign it
 * funds, its agents' referrals counted by outcome, nothing personal — on the demo
 * territory's seed (e2e/serve.mjs); anything else asks for the code, then opens.
 */
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { expectNoAxeViolations } from './helpers.ts';
import { PASSWORD, seed, secretPath, totpNow } from './accounts.ts';

test('the CAF reads its figures before the code, the rest of its space after', async ({ page }) => {
	const s = seed();
	await page.goto('/connexion');
	await page.getByLabel('Adresse e-mail').fill(s.invitations.partner.email);
	await page.getByLabel('Mot de passe').fill(PASSWORD);
	await page.getByRole('button', { name: 'Se connecter' }).click();
	await expect(page).toHaveURL(/\/connexion\/code/);

	// before the code: the figures, nothing personal
	await page.getByRole('link', { name: 'Consulter seulement les chiffres de votre structure, sans code' }).click();
	await expect(page).toHaveURL(/\/espace\/partenaire$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Les chiffres de CAF de Lot-et-Garonne');
	await expect(page.getByRole('heading', { name: 'Vous consultez ces chiffres sans code de vérification' })).toBeVisible();
	await expect(page.locator('.figures')).toContainText(/Versé au fonds\s*5\s000\s€/);
	const contributions = page.getByRole('table', { name: /Vos versements au fonds/ });
	await expect(contributions).toContainText(/CAF47-PN-\d{4}/);
	const campaigns = page.getByRole('table', { name: /Campagnes du Pass Numérique financées par CAF de Lot-et-Garonne/ });
	await expect(campaigns.getByRole('rowheader')).toContainText(s.pass!.campaign.name);
	await expect(campaigns).toContainText('(versée)');
	const referrals = page.getByRole('table', { name: 'Orientations envoyées par CAF de Lot-et-Garonne, selon leur issue' });
	await expect(referrals.getByRole('rowheader', { name: 'Acceptée' })).toBeVisible();
	// the seed's three referrals of the CAF: a small count is never shown, nor the total that would give it back
	await expect(referrals.locator('tfoot')).toContainText('masqué');
	await expect(page.locator('#chiffres-masques')).toContainText('un nombre entre 1 et 4 n’est jamais affiché');
	await expect(page.locator('#chiffres-masques')).toContainText('en retirant du total les autres nombres de sa colonne');
	for (const t of await page.locator('main table td').allInnerTexts()) {
		const n = Number(t.replace(/\s/g, ''));
		if (Number.isInteger(n)) expect(n === 0 || n >= 5, `a count of ${t} shown`).toBe(true);
	}
	// in a column, never one masked count alone beside a shown total
	for (const col of [0, 1]) {
		const column = (await referrals
			.locator('tbody tr')
			.evaluateAll((rows, c) => rows.map((r) => r.querySelectorAll('td')[c]?.textContent?.trim()), col)) as string[];
		const total = (await referrals.locator('tfoot td').nth(col).innerText()).trim();
		if (total !== 'masqué') expect(column.filter((x) => x === 'masqué').length).not.toBe(1);
	}
	const text = await page.locator('main').innerText();
	expect(text).not.toContain('Marie');
	expect(text).not.toContain('Testeuse');
	for (const width of [390, 1280]) {
		await page.setViewportSize({ width, height: 844 });
		await expectNoAxeViolations(page, `/espace/partenaire before the code at ${width} px`);
	}
	// the Pass dashboard is figures too
	await page.getByRole('link', { name: s.pass!.campaign.name }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tableau de bord du Pass Numérique');

	// anything else: the code first
	await page.goto('/espace');
	await expect(page).toHaveURL(/\/connexion\/code/);
	const secret = readFileSync(secretPath('partner'), 'utf8');
	// a code not yet used (the setup used the current one): wait for the next step if needed
	await page.waitForTimeout(((30 - (Math.floor(Date.now() / 1000) % 30)) % 30) * 1000 + 500);
	await page.getByLabel('Code à 6 chiffres').fill(totpNow(secret));
	await page.getByRole('button', { name: 'Valider' }).click();
	await expect(page).toHaveURL(/\/espace$/);
	await page.getByRole('link', { name: 'Les chiffres de votre structure' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Les chiffres de CAF de Lot-et-Garonne');
	await expect(page.getByRole('heading', { name: 'Vous consultez ces chiffres sans code de vérification' })).toHaveCount(0);
	await expectNoAxeViolations(page, '/espace/partenaire after the code');
});

test('another role does not see a partner’s page', async ({ browser }) => {
	const { statePath } = await import('./accounts.ts');
	for (const who of ['prescriber', 'coordinator'] as const) {
		const ctx = await browser.newContext({ storageState: statePath(who) });
		const res = await ctx.request.get('/espace/partenaire', { maxRedirects: 0 });
		expect(res.status(), who).toBe(403);
		await ctx.close();
	}
});
