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
const LEAD = 'Les lieux qui reçoivent les orientations en ligne d’abord, puis les plus proches.';

/**
 * Each place is a block of its own: the label (radio, name, address, distance) is one
 * target at least 44 px high, what tells how the place is reached is under it, never
 * beside it, and nothing scrolls sideways.
 */
async function expectReadableChoices(p: Page, what: string) {
	const choices = p.locator('.place-choice');
	expect(await choices.count(), what).toBeGreaterThan(0);
	for (const c of (await choices.all()).slice(0, 10)) {
		const label = (await c.locator('label').boundingBox())!;
		const detail = (await c.locator('.place-choice__detail').boundingBox())!;
		expect(label.height, what).toBeGreaterThanOrEqual(44);
		expect(label.width, what).toBeGreaterThanOrEqual(44);
		expect(detail.y, `${what}: the detail under the name`).toBeGreaterThanOrEqual(label.y + label.height - 1);
		expect(Math.abs(detail.x + detail.width - (label.x + label.width)), what).toBeLessThan(2);
	}
	expect(
		await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
		`${what}: no sideways scroll`
	).toBeLessThanOrEqual(0);
}
const FS = 'France services Agen Léon Blum';

async function newPersonInAgen(p: Page, who: string, { email = true } = {}) {
	await p.goto('/espace/personnes/nouvelle');
	await p.locator('#p-prenom').fill('Awa');
	await p.locator('#p-nom').fill(who);
	await p.locator('#p-commune').fill('Agen');
	if (email) await p.locator('#p-courriel').fill(`${who.toLowerCase()}@personne.test`);
	await p.getByRole('button', { name: 'Enregistrer et orienter la personne' }).click();
	await expect(p.getByRole('heading', { level: 1 })).toHaveText(`Orienter Awa ${who}`);
}

test('a person of Agen without an assessment is referred to the place that receives referrals', async ({ browser }) => {
	test.setTimeout(120_000);
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
	// named by its name, its address and its distance, words apart
	await expect(radios.first()).toHaveAccessibleName(new RegExp(`^${FS} \\d+ .+, 47000 Agen, (à \\d|dans la commune)`));
	// (the markup's line breaks are spaces on screen: \s+ between words)
	await expect(p.locator('#o-lieu-aide')).toHaveText(
		new RegExp(`^\\d+ lieux à moins de 30 km d’Agen \\(47\\)\\. ${LEAD.replace(/[.()]/g, '\\$&').replace(/ /g, '\\s+')}$`)
	);
	await expectReadableChoices(p, 'referral form, Agen, 1280 px');
	// the whole label is the target: a tap at its far right chooses the place
	const firstLabel = places.locator('.place-choice label').first();
	const box = (await firstLabel.boundingBox())!;
	await p.mouse.click(box.x + box.width - 8, box.y + box.height - 8);
	await expect(radios.first()).toBeChecked();
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
	// words apart (it read « 1 lieupour »)
	await expect(p.locator('#o-lieu-aide')).toHaveText(`1 lieu pour « Léon Blum ». ${LEAD}`);

	await places.getByRole('radio', { name: new RegExp(`^${FS}`) }).check();
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
	await expectReadableChoices(p, 'referral form, Agen, 390 px');

	const places = group(p, /^Vers quel lieu/);
	// the places that receive referrals come first: further down, one that receives nothing online
	const offlineChoices = places.locator('.place-choice').filter({ hasText: 'Ne reçoit pas d’orientation en ligne' });
	for (let i = 0; i < 8 && !(await offlineChoices.count()); i++) await p.getByRole('link', { name: 'Voir plus de lieux' }).click();
	// how to tell it, in words apart (it read « prévenez-leau 05… »), its phone when known
	const telling =
		/^Ne reçoit pas d’orientation en ligne\u00a0: si vous le choisissez, cochez « Je préviens le lieu moi-même » et prévenez-le( au 0\d( \d\d){4})?\.$/;
	for (const t of await offlineChoices.locator('.place-choice__receives').allTextContents()) expect(t.replace(/[ \t\n]+/g, ' ').trim()).toMatch(telling);
	const withPhone = offlineChoices.filter({ hasText: /prévenez-le au 0/ });
	for (let i = 0; i < 8 && !(await withPhone.count()); i++) await p.getByRole('link', { name: 'Voir plus de lieux' }).click();
	await expect(withPhone.first().getByRole('radio')).toHaveAccessibleDescription(/et prévenez-le au 0\d( \d\d){4}\./);
	await expectReadableChoices(p, 'referral form, more places, 390 px');
	const choice = offlineChoices.first();
	const offline = choice.getByRole('radio');
	await expect(offline).toBeEnabled();
	const name = (await choice.locator('label strong').textContent()) ?? '';
	await offline.check();
	await p.getByLabel(/^Pourquoi l’orienter/).fill('Apprendre à envoyer un document par e-mail.');
	await group(p, 'Elle accepte que le lieu reçoive')
		.getByLabel(/^Identité/)
		.check();
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

test('a person with no phone nor e-mail is not said to refuse contact', async ({ browser }) => {
	const ctx = await browser.newContext({ storageState: statePath('prescriber'), viewport: { width: 390, height: 844 } });
	const p = await ctx.newPage();
	const who = `Sanscontact${Date.now().toString(36)}`;
	await newPersonInAgen(p, who, { email: false });
	// she is not told of the referral: nothing to reach her with (it said « et la personne aussi (ne souhaite pas être contactée) »)
	await expect(p.getByText(/^Choisissez un lieu, écrivez pourquoi/)).toHaveText(
		'Choisissez un lieu, écrivez pourquoi, et notez l’accord de la personne. Le lieu reçoit l’orientation et répond\u00a0; vous êtes prévenu à chaque étape.'
	);
	await p.getByRole('link', { name: `Awa ${who}` }).click();
	await expect(p.getByRole('heading', { level: 1 })).toContainText(who);
	const dl = p.locator('dl.dl');
	await expect(dl.locator('dt', { hasText: 'Pour la contacter' }).locator('xpath=following-sibling::dd[1]')).toHaveText('Pas de moyen de contact enregistré');
	await expect(p.getByText('Ne souhaite pas être contactée')).toHaveCount(0);
	await expectNoAxeViolations(p, 'person without a way to be contacted');
	await ctx.close();
});
