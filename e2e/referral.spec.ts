/**
 * The closed loop in the browser (issue 4): a prescriber records a new person and refers
 * them in at most 3 screens; the place's mediator accepts, records the accompaniment,
 * which honours the referral; the prescriber sees it. Axe on every page on the way.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, type Page, type Locator } from '@playwright/test';
import { statePath, seed } from './accounts.ts';
import { expectNoAxeViolations } from './helpers.ts';

const group = (page: Page, name: string | RegExp): Locator => page.getByRole('group', { name });
const literally = (s: string) => new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

test('prescriber → place → accepted → accompaniment → honoured → prescriber sees it', async ({ browser }) => {
	// many pages, each checked by axe: more than the default minute on a loaded machine
	test.slow();
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
	await group(p, /^Vers quel lieu/)
		.getByLabel(new RegExp(place.nom))
		.check();
	await p.getByLabel(/^Pourquoi l’orienter/).fill('Créer son espace Ameli et télécharger une attestation.');
	// consent is given box by box: nothing is ticked beforehand
	const consent = group(p, 'Elle accepte que le lieu reçoive');
	await expect(consent.getByRole('checkbox', { checked: true })).toHaveCount(0);
	for (const box of [/^Identité/, /^Coordonnées/, /^Motif/]) await consent.getByLabel(box).check();
	await group(p, 'Comment a-t-elle donné son accord\u00a0?').getByLabel('Accord oral, confirmé par le professionnel').check();
	await p.getByRole('button', { name: 'Envoyer l’orientation' }).click();

	// screen 3: sent
	await expect(p.getByRole('status')).toContainText('L’orientation est envoyée');
	const referralPath = new URL(p.url()).pathname;
	expect(new Set(screens).size, `screens: ${screens.join(' → ')}`).toBeLessThanOrEqual(3);
	await expectNoAxeViolations(p, 'referral sent');
	const sheet = await p.request.get(`${referralPath}/fiche.pdf`);
	expect(sheet.headers()['content-type']).toBe('application/pdf');
	// printed by the prescriber for the person: a link of its own to their page, with its QR code
	const personLinkIn = /\/mes-orientations\/[A-Za-z0-9_-]{20,}/;
	const sheetRaw = (await sheet.body()).toString('latin1');
	expect(sheetRaw, 'the person’s sheet carries their link').toMatch(personLinkIn);
	expect(sheetRaw, 'the person’s sheet carries a QR code').toMatch(/\/Subtype\s*\/Image/);

	// the place: the inbox, accept with an appointment
	const mediatorCtx = await browser.newContext({ storageState: statePath('mediator') });
	const m = await mediatorCtx.newPage();
	await m.goto('/espace/orientations');
	await expectNoAxeViolations(m, 'inbox');
	await m
		.getByRole('link', { name: new RegExp(`Jeanne ${who.charAt(0)}\\.`) })
		.first()
		.click();
	await expect(m.getByRole('heading', { level: 1 })).toContainText(`Jeanne ${who}`);
	await expect(m.getByText('Créer son espace Ameli')).toBeVisible();
	await expectNoAxeViolations(m, 'received referral');
	// the place's printed sheet carries no access of the person's: neither their link nor a QR code (issue 11)
	const placeSheet = await m.request.get(`${new URL(m.url()).pathname}/fiche.pdf`);
	expect(placeSheet.headers()['content-type']).toBe('application/pdf');
	const placeSheetRaw = (await placeSheet.body()).toString('latin1');
	expect(placeSheetRaw, 'the place’s sheet carries no person link').not.toMatch(personLinkIn);
	expect(placeSheetRaw, 'the place’s sheet carries no QR code').not.toMatch(/\/Subtype\s*\/Image/);
	await m.getByLabel(/^Rendez-vous/).fill('2030-01-15T14:30');
	await m.getByRole('button', { name: 'Accepter l’orientation' }).click();
	await expect(m.getByRole('status')).toContainText('L’orientation est acceptée');
	// Post/Redirect/Get: reloading shows the page again, it does not accept again
	expect(new URL(m.url()).searchParams.get('fait')).toBe('accept');
	await m.reload();
	await expect(m.getByRole('status')).toContainText('L’orientation est acceptée');
	await expect(m.getByText(/rendez-vous le .*15 janvier 2030/)).toBeVisible();

	// the accompaniment closes it
	await m.getByRole('link', { name: 'Enregistrer l’accompagnement' }).click();
	await expectNoAxeViolations(m, 'accompaniment for the referred person');
	await group(m, /^Thèmes/)
		.getByLabel('Santé', { exact: true })
		.check();
	await m.getByRole('button', { name: 'Enregistrer l’accompagnement' }).click();
	await expect(m.getByRole('status')).toContainText('L’orientation de cette personne vers votre lieu est close\u00a0: elle est venue.');

	// the prescriber sees it
	await p.goto('/espace/orientations?boite=envoyees&statut=honoured');
	await expectNoAxeViolations(p, 'sent referrals');
	await expect(p.getByRole('row', { name: new RegExp(`Jeanne ${who.charAt(0)}\\.`) })).toContainText('Honorée');
	await p.goto(referralPath);
	await expect(p.getByText('Honorée', { exact: true })).toBeVisible();

	// the person's record: their rights
	await p.getByRole('link', { name: 'Voir sa fiche' }).click();
	await expectNoAxeViolations(p, 'person record');
	// the sheet printed for her is one of the links that open her page, listed on the record
	await expect(p.getByText(/lien de la feuille imprimée, jusqu’au/)).toBeVisible();
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

/** The SMS provider's stand-in (e2e/sms-provider.mjs, started by e2e/serve.mjs). */
const smsStandIn = (): { messages: string; reply: string } => JSON.parse(readFileSync(join(process.env.E2E_DATA_DIR!, 'e2e-sms.json'), 'utf8'));

test('consent by SMS reply: the prescriber asks, the person answers OUI, the referral leaves (without JavaScript)', async ({ browser }) => {
	const place = seed().places!.mediatheque;
	const who = `Sms${Date.now().toString(36)}`;
	// a metropolitan mobile (06 12 …): a random 06 number can be in Réunion's or Mayotte's ranges (+262) or unassigned
	const mobile = `0612${String(Date.now()).slice(-6)}`;
	const e164 = `+33${mobile.slice(1)}`;
	const noJs = await browser.newContext({ storageState: statePath('prescriber'), javaScriptEnabled: false });
	const p = await noJs.newPage();

	await p.goto('/espace/personnes/nouvelle');
	await p.locator('#p-prenom').fill('Rosa');
	await p.locator('#p-nom').fill(who);
	await p.locator('#p-commune').fill(place.commune);
	await p.locator('#p-tel').fill(mobile);
	await group(p, 'Elle préfère être contactée').getByLabel('Par SMS').check();
	await p.getByRole('button', { name: 'Enregistrer et orienter la personne' }).click();
	await expect(p.getByRole('heading', { level: 1 })).toHaveText(`Orienter Rosa ${who}`);
	await group(p, /^Vers quel lieu/)
		.getByLabel(new RegExp(place.nom))
		.check();
	await p.getByLabel(/^Pourquoi l’orienter/).fill('Déclarer ses revenus en ligne.');
	for (const box of [/^Identité/, /^Coordonnées/, /^Motif/]) await group(p, 'Elle accepte que le lieu reçoive').getByLabel(box).check();
	const bySms = group(p, 'Comment a-t-elle donné son accord\u00a0?').getByLabel('Réponse par SMS');
	await expect(bySms).toHaveAccessibleDescription(/Elle répond OUI ou NON\. L’orientation part dès qu’elle répond OUI/);
	await bySms.check();
	await p.getByRole('button', { name: 'Envoyer l’orientation' }).click();

	// the record: the request waits, the referral is not sent
	await expect(p.getByRole('heading', { level: 1 })).toHaveText(`Rosa ${who}`);
	await expect(p.getByRole('status')).toContainText('Le SMS est envoyé à la personne. L’orientation partira dès qu’elle répondra OUI.');
	await expect(p.getByText(`${place.nom}\u00a0: pas encore envoyée, en attente de son accord par SMS`)).toBeVisible();
	// the consent is given to the organisation that runs the place
	const row = p.getByRole('row', { name: /^Médiathèque de Nérac/ }).filter({ hasText: '(réponse par sms)' });
	await expect(row).toContainText('En attente de la réponse par SMS, envoyée le');
	await expect(row.getByRole('button', { name: /^Annuler la demande/ })).toBeVisible();
	const recordPath = new URL(p.url()).pathname;

	// axe on the record with the request waiting (a context with JavaScript: axe hangs without)
	const jsCtx = await browser.newContext({ storageState: statePath('prescriber') });
	const a = await jsCtx.newPage();
	await a.goto(recordPath);
	await expectNoAxeViolations(a, 'record with a consent asked by SMS');

	// the person's phone gets the SMS; they answer OUI with its reference
	const { messages, reply } = smsStandIn();
	let text = '';
	await expect
		.poll(
			async () => {
				const list = (await (await fetch(`${messages}?to=${encodeURIComponent(e164)}`)).json()) as { text: string }[];
				text = list.find((m) => /OUI \d{4}/.test(m.text))?.text ?? '';
				return text;
			},
			{ timeout: 30_000 }
		)
		.toMatch(
			/^CCAS de Marmande vous demande votre accord pour transmettre .* à .*, pour vous y orienter\. Répondez OUI (\d{4}) pour accepter, NON \1 pour refuser\./
		);
	const ref = /OUI (\d{4})/.exec(text)![1];
	const answered = await fetch(reply, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ from: e164, text: `Oui ${ref}` })
	});
	expect((await answered.json()).status).toBe(200);

	// the record now shows the consent in force and the referral sent
	await p.goto(recordPath);
	await expect(row).toContainText('En cours');
	await expect(row).not.toContainText('En attente');
	await expect(p.getByRole('link', { name: literally(place.nom) })).toBeVisible();
	await expect(p.getByText(/en attente de son accord par SMS/)).toHaveCount(0);
	await a.goto(recordPath);
	await expectNoAxeViolations(a, 'record with the consent given by SMS');
	await noJs.close();
	await jsCtx.close();
});
