/**
 * Issue 12, item 17: a mediator downloads their place's accompaniments (the list's period)
 * as a CSV for a spreadsheet. The médiathèque's accompaniments of today are seeded by
 * e2e/serve.mjs (Pass Numérique block).
 */
import { test, expect } from '@playwright/test';
import { statePath } from './accounts.ts';

test('a mediator downloads the accompaniments of the period as CSV', async ({ browser }) => {
	const ctx = await browser.newContext({ storageState: statePath('mediator') });
	const page = await ctx.newPage();
	await page.goto('/espace/accompagnements');
	const link = page.getByRole('link', { name: 'Télécharger ces accompagnements' });
	await expect(link).toBeVisible();
	const res = await page.request.get((await link.getAttribute('href'))!);
	expect(res.status()).toBe(200);
	expect(res.headers()['content-type']).toBe('text/csv; charset=utf-8');
	expect(res.headers()['content-disposition']).toMatch(/^attachment; filename="accompagnements-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv"$/);
	const text = await res.text();
	const lines = text
		.replace(/^\ufeff/, '')
		.trim()
		.split('\r\n');
	expect(lines[0]).toBe(
		'Date;Type;Personne ou atelier;Participants;Durée (minutes);Thèmes;Démarches;Autonomie;Lieu;Où;Médiateur ou médiatrice;Orientation honorée'
	);
	expect(lines.some((l) => l.includes('Atelier\u00a0: mes démarches en ligne'))).toBe(true);
	await ctx.close();
});
