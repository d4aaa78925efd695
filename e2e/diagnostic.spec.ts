/**
 * The public self-assessment: answered on a phone without JavaScript, a profile on the
 * national scale and nearby places with their reasons; nothing stored.
 */
import { test, expect } from '@playwright/test';
import { expectNoAxeViolations } from './helpers.ts';

test('the questionnaire and the result have no axe violation', async ({ page }) => {
	await page.goto('/diagnostic');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Faire le point sur le numérique');
	await expectNoAxeViolations(page, '/diagnostic');
	await page.getByRole('button', { name: 'Voir mon résultat' }).click();
	await expect(page.getByRole('alert')).toContainText('Indiquez votre commune');
	await expectNoAxeViolations(page, '/diagnostic with an error');
	await page.getByLabel('Où habitez-vous\u00a0?').fill('Agen');
	await page.getByRole('button', { name: 'Voir mon résultat' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Votre résultat');
	await expectNoAxeViolations(page, '/diagnostic result');
	// a closed place says when it opens next, hours written « 9 h », never a bare « Fermé »
	const statuses = await page.locator('.reports > li .status').allTextContents();
	expect(statuses.length).toBeGreaterThan(0);
	for (const s of statuses) {
		expect(s).not.toMatch(/\d:\d\d/);
		expect(s).toMatch(/^(Ouvert maintenant(, ferme .+)?|Fermé( aujourd’hui)?, ouvre (.+ )?à \d{1,2}\u00a0h.*|Fermé temporairement, rouvre le .+)$/);
	}
});

test.describe('on a small phone, without JavaScript', () => {
	test.use({ javaScriptEnabled: false, viewport: { width: 320, height: 640 } });

	test('a person with a phone only, a procedure to do, free, on Saturdays', async ({ page }) => {
		await page.goto('/');
		await page.getByRole('link', { name: 'Faites le point en 12 questions' }).click();
		await page
			.getByRole('group', { name: /Quels appareils/ })
			.getByLabel('Un téléphone avec internet (smartphone)')
			.check();
		await page
			.getByRole('group', { name: /internet chez vous/ })
			.getByLabel('Seulement sur mon téléphone')
			.check();
		await page
			.getByRole('group', { name: /écrire un message/ })
			.getByLabel('Oui, avec de l’aide')
			.check();
		await page
			.getByRole('group', { name: /e-mail/ })
			.getByLabel('Non')
			.check();
		await page
			.getByRole('group', { name: /besoin d’aide/ })
			.getByLabel(/Faire une démarche/)
			.check();
		await page
			.getByRole('group', { name: /vous gêner/ })
			.getByLabel('Je ne suis libre que le samedi')
			.check();
		await page
			.getByRole('group', { name: /vous gêner/ })
			.getByLabel('Je ne peux pas payer')
			.check();
		await page.getByLabel('Où habitez-vous\u00a0?').fill('47000');
		await page.getByRole('button', { name: 'Voir mon résultat' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Votre résultat');
		await expect(page.locator('.profile')).toContainText('Gestes de base Avec guidage');
		await expect(page.locator('.profile')).toContainText('Équipement et connexion Autonome avec guidage en cas de besoin');
		await expect(page.getByRole('listitem').filter({ hasText: 'Aide aux démarches administratives' }).first()).toBeVisible();
		const first = page.locator('.reports > li').first();
		await expect(first).toContainText('Propose\u00a0: Aide aux démarches administratives');
		// free on Saturdays only: a place open on Saturday first, every one open then before those closed then
		await expect(first).toContainText('Ouvert le samedi');
		const cards = await page.locator('.reports > li').allInnerTexts();
		const closedAt = cards.findIndex((t) => t.includes('Fermé le samedi'));
		if (closedAt >= 0) expect(cards.slice(closedAt).some((t) => t.includes('Ouvert le samedi'))).toBe(false);
		await expect(page.getByText('Rien n’a été enregistré.')).toBeVisible();
		// no horizontal scrolling at 320 px
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
	});
});
