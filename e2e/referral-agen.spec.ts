/**
 * Issue 12, item 1, on the demo territory's real data: a person of Agen with no assessment
 * can be referred. The place that receives referrals (France services Agen Léon Blum, run
 * by an organisation: e2e/serve.mjs) comes first; any place is found by its name; more
 * than one page of places; a place without an account can be chosen, the prescriber
 * telling it themselves. Consent boxes are never ticked beforehand; every error shows at
 * once. Axe at 390 and 1280 px.
 */
import { test, expect, type Page, type Locator } from '@playwright/test';
import { statePath, seed } from './accounts.ts';
import { expectNoAxeViolations } from './helpers.ts';

const group = (page: Page, name: string | RegExp): Locator => page.getByRole('group', { name });
const FS = 'France services Agen Léon Blum';

async function newPersonInAgen(p: Page, who: string) {
	await p.goto('/espace/personnes/nouvelle');
	await p.locator('#p-prenom').fill('Awa');
	await p.locator('#p-nom').fill(who);
	await p.locator('#p-commune').fill('Agen');
	await p.locator('#p-courriel').fill(`${who.toLowerCase()}@personne.test`);
	await p.getByRole('button', { name: 'Enregistrer et orienter la personne' }).click();
	await expect(p.getByRole('heading', { level: 1 })).toHaveText(`Orienter Awa ${who}`);
}

test('a person of Agen without an assessment is referred to the place that receives referrals', async ({ browser }) => {
	expect(seed()).toHaveProperty('referral');
	const ctx = await browser.newContext({ storageState: statePath('prescriber'), viewport: { width: 1280, height: 900 } });
	const p = await ctx.newPage();
	const who = `Agen${Date.now().toString(36)}`;
	await newPersonInAgen(p, who);
	await expect(p.getByText('Pas encore de diagnostic\u00a0: il est facultatif.')).toBeVisible();

	// the place that receives referrals comes first, with a distance; every place can be chosen
	const places = group(p, /^Vers quel lieu/);
	const radios = places.getByRole('radio');
	await expect(radios).toHaveCount(10);
	await expect(radios.first()).toHaveAccessibleName(new RegExp(`^${FS}.*\\((à \\d|dans la commune)`));
	await expect(radios.first()).toHaveAccessibleDescription(/Reçoit les orientations sur la plateforme/);
	for (const r of await radios.all()) await expect(r).toBeEnabled();
	// nothing ticked beforehand
	const consent = group(p, 'Elle accepte que le lieu reçoive');
	await expect(consent.getByRole('checkbox')).toHaveCount(4);
	await expect(consent.getByRole('checkbox', { checked: true })).toHaveCount(0);
	await expect(p.locator('#o-joindre')).toHaveCount(0);
	await expectNoAxeViolations(p, 'referral form, Agen, 1280 px');

	// more than one page of places
	await p.getByRole('link', { name: 'Voir plus de lieux' }).click();
	await expect(radios).toHaveCount(20);

	// every error at once, with a summary linking to the fields
	await p.getByRole('button', { name: 'Envoyer l’orientation' }).click();
	const summary = p.getByRole('alert').filter({ hasText: 'Le formulaire contient' });
	await expect(summary).toContainText('4 erreurs');
	await expect(summary.getByRole('link')).toHaveCount(4);
	await expectNoAxeViolations(p, 'referral form with its errors');

	// found by its name
	await p.getByLabel(/^Nom du lieu, commune ou code postal/).fill('Léon Blum');
	await p.getByRole('button', { name: 'Chercher' }).click();
	await expect(radios.first()).toHaveAccessibleName(new RegExp(`^${FS}`));

	await places.getByLabel(new RegExp(`^${FS}`)).check();
	await p.getByLabel(/^Pourquoi l’orienter/).fill('Créer son espace Ameli et demander la complémentaire santé.');
	for (const box of [/^Identité/, /^Coordonnées/, /^Motif/]) await consent.getByLabel(box).check();
	await group(p, 'Comment a-t-elle donné son accord\u00a0?').getByLabel('Signature sur place').check();
	await p.getByRole('button', { name: 'Envoyer l’orientation' }).click();
	await expect(p.getByRole('status')).toContainText('L’orientation est envoyée');
	await expect(p.getByRole('heading', { level: 1 })).toContainText(FS);
	await expectNoAxeViolations(p, 'referral sent');
	await ctx.close();
});

test('a place without an account can be chosen: the prescriber tells it themselves', async ({ browser }) => {
	const ctx = await browser.newContext({ storageState: statePath('prescriber'), viewport: { width: 390, height: 844 } });
	const p = await ctx.newPage();
	const who = `Sanscompte${Date.now().toString(36)}`;
	await newPersonInAgen(p, who);
	await expectNoAxeViolations(p, 'referral form, Agen, 390 px');

	const places = group(p, /^Vers quel lieu/);
	// the places that receive referrals come first: further down, one that receives nothing online
	const offlineChoices = places.locator('.place-choice').filter({ hasText: 'Ne reçoit pas d’orientation en ligne' });
	for (let i = 0; i < 8 && !(await offlineChoices.count()); i++) await p.getByRole('link', { name: 'Voir plus de lieux' }).click();
	const choice = offlineChoices.first();
	const offline = choice.getByRole('radio');
	await expect(offline).toBeEnabled();
	const name = (await choice.locator('label strong').textContent()) ?? '';
	await offline.check();
	await p.getByLabel(/^Pourquoi l’orienter/).fill('Apprendre à envoyer un document par e-mail.');
	await group(p, 'Elle accepte que le lieu reçoive').getByLabel(/^Identité/).check();
	await group(p, 'Comment a-t-elle donné son accord\u00a0?').getByLabel('Accord oral, confirmé par le professionnel').check();
	await p.getByRole('button', { name: 'Envoyer l’orientation' }).click();
	// asked to say they will tell the place; what was typed is kept
	await expect(p.getByRole('alert').filter({ hasText: 'Le formulaire contient 1 erreur' })).toContainText('Je préviens le lieu moi-même');
	await expect(p.getByLabel(/^Pourquoi l’orienter/)).toHaveValue('Apprendre à envoyer un document par e-mail.');
	await expect(group(p, 'Elle accepte que le lieu reçoive').getByLabel(/^Identité/)).toBeChecked();
	await expectNoAxeViolations(p, 'referral form, place without an account, error');
	await p.getByLabel('Je préviens le lieu moi-même').check();
	await p.getByRole('button', { name: 'Envoyer l’orientation' }).click();
	await expect(p.getByRole('status')).toContainText('L’orientation est enregistrée\u00a0: prévenez le lieu vous-même');
	await expect(p.getByRole('heading', { level: 1 })).toContainText(name.trim());
	await expectNoAxeViolations(p, 'referral recorded, the prescriber tells the place');
	await ctx.close();
});
