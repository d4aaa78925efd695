/**
 * A place manager claims their place, the coordinator accepts, the manager updates the
 * hours (weekday by weekday, with an exceptional closure) and the services; the public
 * page shows it. Without JavaScript, every page scanned by axe.
 */
import { test, expect } from '@playwright/test';
import { claimPlace, expectNoAxeViolations, firstPlacePath } from './helpers.ts';
import { statePath } from './accounts.ts';

test('claim, accept, edit, and the public page is up to date', async ({ browser }) => {
	// the place: the nearest to Nérac
	const anon = await browser.newPage();
	const placePath = await firstPlacePath(anon, '/lieux?ou=N%C3%A9rac');
	await anon.goto(placePath);
	const placeName = ((await anon.getByRole('heading', { level: 1 }).textContent()) ?? '').trim();
	await anon.close();

	const managerCtx = await browser.newContext({ storageState: statePath('place_manager'), javaScriptEnabled: false });
	const manager = await managerCtx.newPage();
	// the place is found by its name (no address to paste), the claim then waits in « Mes lieux »
	await claimPlace(manager, placeName);
	await expect(manager.locator('#demandes + * + ul, #demandes ~ ul').first()).toContainText(placeName);
	await manager.reload();
	await expect(manager.getByText('demande en attente').first()).toBeVisible();

	const coordCtx = await browser.newContext({ storageState: statePath('coordinator'), javaScriptEnabled: false });
	const coord = await coordCtx.newPage();
	await coord.goto('/admin/lieux');
	await coord
		.getByRole('button', { name: /^Accepter la demande pour/ })
		.first()
		.click();
	await expect(coord.getByRole('status')).toContainText('Demande acceptée');
	// Post/Redirect/Get (issue 12, item 16): reloading does not decide again
	expect(new URL(coord.url()).searchParams.get('demande')).toBe('accepted');
	await coordCtx.close();

	// the médiathèque may run other places (the seed gives it one): open this one
	await manager.goto(`/espace/lieux/${placePath.split('/').pop()}`);
	await expect(manager.getByRole('heading', { level: 1 })).toContainText(/^Modifier la page (de |d’|du |des )/);
	// Monday 09:00–12:00 and 14:00–17:30, the rest of the week closed, closed at Christmas
	for (let d = 0; d < 7; d++) for (const i of [0, 1]) for (const w of ['debut', 'fin']) await manager.locator(`#j${d}_${i}_${w}`).fill('');
	await manager.locator('#j0_0_debut').fill('09:00');
	await manager.locator('#j0_0_fin').fill('12:00');
	await manager.locator('#j0_1_debut').fill('14:00');
	await manager.locator('#j0_1_fin').fill('17:30');
	await manager.locator('#fermeture_0_du').fill('2026-12-24');
	await manager.locator('#fermeture_0_au').fill('2026-12-26');
	await manager.locator('#lieu-telephone').fill('12');
	await manager.getByRole('button', { name: 'Enregistrer' }).click();
	await expect(manager.getByRole('alert')).toContainText('Le formulaire contient 1 erreur');
	// what was typed is still there
	await expect(manager.locator('#j0_1_fin')).toHaveValue('17:30');
	await manager.locator('#lieu-telephone').fill('05 53 97 00 00');
	await manager.getByRole('button', { name: 'Enregistrer' }).click();
	await expect(manager.getByRole('status')).toHaveText('C’est enregistré\u00a0: la page du lieu est à jour.');
	// Post/Redirect/Get, and the number as the public reads it, not as stored (+33553970000)
	await expect(manager).toHaveURL(/\?fait=enregistre$/);
	await expect(manager.locator('#lieu-telephone')).toHaveValue('05 53 97 00 00');

	const pub = await browser.newPage();
	await pub.goto(placePath);
	const hours = pub.getByRole('table').first();
	await expect(hours).toContainText('Lundi');
	// French administrative style, non-breaking spaces inside a time and before the dash
	// (« Lundi (aujourd’hui) » on a Monday in Paris)
	await expect(hours).toContainText(/Lundi( \(aujourd’hui\))?9\u00a0h\u00a0– 12\u00a0h et 14\u00a0h\u00a0– 17\u00a0h\u00a030Mardi( \(aujourd’hui\))?Fermé/);
	expect(await hours.locator('td').first().textContent()).toContain('9\u00a0h\u00a0– 12\u00a0h et 14\u00a0h\u00a0– 17\u00a0h\u00a030');
	await expect(pub.getByRole('link', { name: /05 53 97 00 00/ })).toBeVisible();
	await pub.close();
	await managerCtx.close();
});

test('the new pages have no axe violation', async ({ browser }) => {
	const coordCtx = await browser.newContext({ storageState: statePath('coordinator') });
	const coord = await coordCtx.newPage();
	await coord.goto('/admin/lieux');
	await expectNoAxeViolations(coord, '/admin/lieux');
	const anon = await browser.newPage();
	const placePath = await firstPlacePath(anon, '/lieux?ou=Agen');
	await anon.close();
	await coord.goto(`/espace/lieux/${placePath.split('/').pop()}`);
	await expectNoAxeViolations(coord, 'place edit form');
	await coord.locator('#j1_0_debut').fill('18:00');
	await coord.locator('#j1_0_fin').fill('09:00');
	await coord.getByRole('button', { name: 'Enregistrer' }).click();
	await expect(coord.getByRole('alert')).toContainText('Mardi\u00a0: la plage 18:00–09:00 doit finir après son début');
	await expectNoAxeViolations(coord, 'place edit form with errors');
	await coordCtx.close();
	const mgrCtx = await browser.newContext({ storageState: statePath('place_manager') });
	const mgr = await mgrCtx.newPage();
	await mgr.goto('/espace/lieux');
	await expectNoAxeViolations(mgr, '/espace/lieux');
	await mgrCtx.close();
});

test('the search example finds its place, and a place of another département is not offered', async ({ browser }) => {
	const ctx = await browser.newContext({ storageState: statePath('place_manager'), javaScriptEnabled: false });
	const page = await ctx.newPage();
	await page.goto('/espace/lieux');
	await expect(page.getByText('Exemple\u00a0: France services Nérac')).toBeVisible();
	await page.getByLabel('Nom du lieu ou commune').fill('france services nerac');
	await page.getByRole('button', { name: 'Chercher' }).click();
	await expect(page.locator('.claim-results')).toContainText(/France services Nérac/i);
	await page.getByLabel('Nom du lieu ou commune').fill('Bordeaux');
	await page.getByRole('button', { name: 'Chercher' }).click();
	await expect(page.locator('#resultats')).toHaveText('Aucun lieu trouvé');
	await ctx.close();
});
