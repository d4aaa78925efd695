/**
 * The closed loop in the browser (issue 4): a prescriber records a new person and refers
 * them in at most 3 screens; the place's mediator accepts, records the accompaniment,
 * which honours the referral; the prescriber sees it. Axe on every page on the way.
 */
import { test, expect, type Page, type Locator } from '@playwright/test';
import { statePath, seed } from './accounts.ts';
import { expectNoAxeViolations } from './helpers.ts';

const group = (page: Page, name: string | RegExp): Locator => page.getByRole('group', { name });

test('prescriber → place → accepted → accompaniment → honoured → prescriber sees it', async ({ browser }) => {
	const place = seed().places!.mediatheque;
	const who = `Loop${Date.now().toString(36)}`;
	const prescriberCtx = await browser.newContext({ storageState: statePath('prescriber') });
	const p = await prescriberCtx.newPage();

	// screen 1: the new person
	await p.goto('/espace/personnes/nouvelle');
	const screens = [new URL(p.url()).pathname];
	p.on('framenavigated', (f) => {
		if (f === p.mainFrame()) screens.push(new URL(f.url()).pathname);
	});
	await expectNoAxeViolations(p, 'new person form');
	await p.locator('#p-prenom').fill('Jeanne');
	await p.locator('#p-nom').fill(who);
	await p.locator('#p-commune').fill(place.commune);
	await p.locator('#p-courriel').fill('jeanne@personne.test');
	await group(p, 'Elle préfère être contactée').getByLabel('Par e-mail').check();
	await p.getByRole('button', { name: 'Enregistrer et orienter la personne' }).click();

	// screen 2: where and why, with consent
	await expect(p.getByRole('heading', { level: 1 })).toHaveText(`Orienter Jeanne ${who}`);
	await expectNoAxeViolations(p, 'referral form');
	await group(p, /^Vers quel lieu/).getByLabel(new RegExp(place.nom)).check();
	await p.getByLabel(/^Pourquoi l’orienter/).fill('Créer son espace Ameli et télécharger une attestation.');
	await group(p, 'Comment a-t-elle donné son accord ?').getByLabel('Accord oral, confirmé par le professionnel').check();
	await p.getByRole('button', { name: 'Envoyer l’orientation' }).click();

	// screen 3: sent
	await expect(p.getByRole('status')).toContainText('L’orientation est envoyée');
	const referralPath = new URL(p.url()).pathname;
	expect(new Set(screens).size, `screens: ${screens.join(' → ')}`).toBeLessThanOrEqual(3);
	await expectNoAxeViolations(p, 'referral sent');
	const sheet = await p.request.get(`${referralPath}/fiche.pdf`);
	expect(sheet.headers()['content-type']).toBe('application/pdf');

	// the place: the inbox, accept with an appointment
	const mediatorCtx = await browser.newContext({ storageState: statePath('mediator') });
	const m = await mediatorCtx.newPage();
	await m.goto('/espace/orientations');
	await expectNoAxeViolations(m, 'inbox');
	await m.getByRole('link', { name: new RegExp(`Jeanne ${who.charAt(0)}\\.`) }).first().click();
	await expect(m.getByRole('heading', { level: 1 })).toContainText(`Jeanne ${who}`);
	await expect(m.getByText('Créer son espace Ameli')).toBeVisible();
	await expectNoAxeViolations(m, 'received referral');
	await m.getByLabel(/^Rendez-vous/).fill('2030-01-15T14:30');
	await m.getByRole('button', { name: 'Accepter l’orientation' }).click();
	await expect(m.getByRole('status')).toContainText('L’orientation est acceptée');
	await expect(m.getByText(/rendez-vous le .*15 janvier 2030/)).toBeVisible();

	// the accompaniment closes it
	await m.getByRole('link', { name: 'Enregistrer l’accompagnement' }).click();
	await expectNoAxeViolations(m, 'accompaniment for the referred person');
	await group(m, /^Thèmes/).getByLabel('Santé', { exact: true }).check();
	await m.getByRole('button', { name: 'Enregistrer l’accompagnement' }).click();
	await expect(m.getByRole('status')).toContainText('L’orientation de cette personne vers votre lieu est close : elle est venue.');

	// the prescriber sees it
	await p.goto('/espace/orientations?boite=envoyees&statut=honoured');
	await expectNoAxeViolations(p, 'sent referrals');
	await expect(p.getByRole('row', { name: new RegExp(`Jeanne ${who.charAt(0)}\\.`) })).toContainText('Honorée');
	await p.goto(referralPath);
	await expect(p.getByText('Honorée', { exact: true })).toBeVisible();

	// the person's record: their rights
	await p.getByRole('link', { name: 'Voir sa fiche' }).click();
	await expectNoAxeViolations(p, 'person record');
	const exported = await p.request.get(`${new URL(p.url()).pathname}/export.json`);
	const data = await exported.json();
	expect(data.person.lastName).toBe(who);
	expect(data.referrals[0].status).toBe('Honorée');
	await prescriberCtx.close();
	await mediatorCtx.close();
});

test('the people list and a record are refused to other organisations', async ({ browser }) => {
	const ctx = await browser.newContext({ storageState: statePath('mediator') });
	const page = await ctx.newPage();
	await page.goto('/espace/personnes');
	await expectNoAxeViolations(page, 'people list');
	const res = await page.goto('/espace/personnes/00000000-0000-4000-8000-000000000000');
	expect(res?.status()).toBe(404);
	await ctx.close();
});
