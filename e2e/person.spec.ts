/**
 * The referral loop's public pages (issue 4), without an account and without JavaScript:
 * a place answers by the link it got by e-mail (once: the link is then spent), the person
 * sees their referrals by their own link or by a one-time code, and cancels one after
 * confirming. Every page scanned by axe (in a context with JavaScript: axe hangs without).
 * Since issue 11 the person's link is stored server-side and replaced by each new message
 * (the seeded one, from their latest e-mail, stops when the place answers): the tests that
 * come after an answer sign the person in by a code sent by SMS.
 *
 * The data comes from e2e/serve.mjs ("person" in e2e-seed.json): Marie Testeuse, followed
 * by the CAF, referred three times to places without an account. The code sent by SMS is
 * read from the SMS provider's stand-in (e2e/sms-provider.mjs, started by serve.mjs).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, type Browser, type Page, type Response } from '@playwright/test';
import { expectNoAxeViolations } from './helpers.ts';

interface SeededReferral {
	id: string;
	/** "/orientation/<token>" */
	answerLink: string;
}
interface PersonSeed {
	name: string;
	email: string;
	phone: string;
	prescriber: { name: string; email: string; organisation: string };
	placeByLink: { id: string; nom: string; commune: string };
	otherPlace: { id: string; nom: string; commune: string };
	referralToAccept: SeededReferral;
	referralToDecline: SeededReferral;
	referralToWithdraw: SeededReferral;
	/** "/mes-orientations/<token>", from the person's latest e-mail when the seed ran */
	personLink: string;
}

const dataDir = () => process.env.E2E_DATA_DIR!;
const person = (): PersonSeed => {
	const p = JSON.parse(readFileSync(join(dataDir(), 'e2e-seed.json'), 'utf8')).person;
	expect(p, 'e2e/serve.mjs seeds the person (needs the demo territory)').toBeTruthy();
	return p;
};
const smsMessages = async (to: string): Promise<{ text: string }[]> => {
	const { messages } = JSON.parse(readFileSync(join(dataDir(), 'e2e-sms.json'), 'utf8'));
	const r = await fetch(`${messages}?to=${encodeURIComponent(to)}`);
	return r.json();
};
/** The person asks for a code for their mobile on /mes-orientations (now Mon espace's sign-in), reads it in the SMS (sent just after the answer) and types it. */
async function signInBySms(page: Page, s: PersonSeed) {
	const before = (await smsMessages(s.phone)).length;
	await page.goto('/mes-orientations');
	await page.getByLabel('Votre numéro de portable ou votre adresse e-mail').fill('06 47 12 34 56');
	await page.getByRole('button', { name: 'Recevoir un code' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Saisissez votre code');
	await expect.poll(async () => (await smsMessages(s.phone)).length, { message: 'the code reaches the SMS provider', timeout: 30_000 }).toBeGreaterThan(before);
	const sms = (await smsMessages(s.phone)).at(-1)!.text;
	const code = /\b(\d{6})\b/.exec(sms)?.[1];
	expect(code, `a 6-digit code in "${sms}"`).toBeTruthy();
	await page.getByLabel(/^Le code à 6 chiffres/).fill(code!);
	await page.getByRole('button', { name: 'Entrer', exact: true }).click();
	// the old address leads back to the person's referrals in Mon espace
	await expect(page).toHaveURL(/\/mon-espace\/orientations$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mes orientations');
}

/** the same token with its last two characters changed */
const tampered = (link: string) => link.slice(0, -2) + (link.endsWith('xx') ? 'yy' : 'xx');

async function noHorizontalScroll(page: Page, what: string) {
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow, `horizontal overflow on ${what}`).toBeLessThanOrEqual(0);
}

/**
 * Private pages: not cached, not indexed, and the token in the address never sent as a
 * Referer to another site (same-origin: no-referrer would make the browser send
 * `Origin: null` with the page's own forms, which SvelteKit refuses as cross-site).
 */
async function expectPrivate(page: Page, res: Response | null, what: string) {
	expect(res, what).toBeTruthy();
	const h = res!.headers();
	expect(h['cache-control'], `${what}: cache-control`).toBe('private, no-store');
	expect(h['referrer-policy'], `${what}: referrer-policy`).toBe('same-origin');
	await expect(page.locator('meta[name="robots"]')).toHaveAttribute('content', 'noindex');
}

/** A phone without JavaScript, and a desktop with it for axe. */
async function contexts(browser: Browser) {
	const phoneCtx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
	const axeCtx = await browser.newContext();
	return { phone: await phoneCtx.newPage(), axe: await axeCtx.newPage(), close: async () => (await phoneCtx.close(), await axeCtx.close()) };
}

/** a date a week from now, as a datetime-local field takes it, at 14:30 */
function nextWeekAt1430(): string {
	const d = new Date(Date.now() + 7 * 86_400_000);
	const p = (n: number) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T14:30`;
}

test('a place without an account accepts by its link, without JavaScript; the link then says it has served; a changed link is refused; the person’s link is replaced', async ({
	browser
}) => {
	const s = person();
	const link = s.referralToAccept.answerLink;
	const { phone, axe, close } = await contexts(browser);

	// the person's link (their latest e-mail) opens their page, and leaves the address bar
	await phone.goto(s.personLink);
	await expect(phone).toHaveURL(/\/mon-espace$/);
	await expect(phone.getByRole('heading', { level: 1 })).toHaveText('Mon espace');
	await phone.goto('/mon-espace/acces');
	await expect(phone.locator('main li').filter({ hasText: 'Lien reçu par e-mail' })).toContainText('(celui que vous venez d’utiliser)');
	// a link opens Mon espace, not the vault: the documents ask for a code, a passkey or the recovery sheet
	await phone.goto('/mon-espace/documents');
	await expect(phone).toHaveURL(/\/mon-espace\/connexion\?coffre=1&retour=%2Fmon-espace%2Fdocuments$/);
	await expect(phone.getByRole('status')).toContainText('Pour ouvrir vos documents, entrez avec un code reçu maintenant');

	// axe on the page before the answer (nothing sent)
	await axe.goto(link);
	await expectNoAxeViolations(axe, 'the answer page');

	const res = await phone.goto(link);
	await expectPrivate(phone, res, 'the answer page');
	await expect(phone.getByRole('heading', { level: 1 })).toHaveText(
		`Orientation ${/^[aeiouyhàâéèêîôû]/i.test(s.name) ? 'd’' : 'de '}${s.name} vers ${s.placeByLink.nom}`
	);
	// everything shared: contact, reason, diagnostic; who sends it
	await expect(phone.getByText(s.email, { exact: true })).toBeVisible();
	await expect(phone.getByRole('link', { name: '06 47 12 34 56' })).toBeVisible();
	await expect(phone.getByText('Créer son espace Ameli')).toBeVisible();
	await expect(phone.getByRole('heading', { name: /^Son diagnostic numérique/ })).toBeVisible();
	// shared with the "health" consent (e2e/serve.mjs gives it with this referral)
	await expect(phone.getByText('Lit ou écrit difficilement')).toBeVisible();
	await expect(phone.getByText(s.prescriber.email)).toBeVisible();
	await expect(phone.locator('main')).toContainText(s.prescriber.name);
	await noHorizontalScroll(phone, 'the answer page');

	await phone.getByLabel(/^Date et heure du rendez-vous/).fill(nextWeekAt1430());
	await phone.getByRole('button', { name: 'Accepter l’orientation' }).click();
	await expect(phone.getByRole('heading', { level: 1 })).toHaveText('Merci, votre réponse est enregistrée');
	await expect(phone.getByRole('status')).toContainText('Vous acceptez de recevoir la personne');
	await expect(phone.getByText(/nouveau lien par e-mail/)).toBeVisible();
	await noHorizontalScroll(phone, 'the confirmation');
	// Post/Redirect/Get: reloading the confirmation shows it again, and does not answer again
	await phone.reload();
	await expect(phone.getByRole('status')).toContainText('Vous acceptez de recevoir la personne');

	// the same link again: spent
	const again = await phone.goto(link);
	expect(again?.status()).toBe(410);
	await expect(phone.getByText('Ce lien a déjà servi pour répondre.')).toBeVisible();
	await expect(phone.locator('main').getByRole('button')).toHaveCount(0);
	await axe.goto(link);
	await expectNoAxeViolations(axe, 'a spent link');

	// a link changed by hand
	const bad = await phone.goto(tampered(link));
	expect(bad?.status()).toBe(404);
	await expect(phone.getByText('Ce lien n’est pas valide.')).toBeVisible();
	await axe.goto(tampered(link));
	await expectNoAxeViolations(axe, 'an invalid link');

	// the person got a new e-mail: the link they had is replaced, and the page it opened is closed
	await phone.goto('/mes-orientations');
	await expect(phone.getByLabel('Votre numéro de portable ou votre adresse e-mail')).toBeVisible();
	const replaced = await phone.goto(s.personLink);
	expect(replaced?.status()).toBe(410);
	await expect(phone.getByRole('heading', { level: 1 })).toHaveText('Ce lien ne marche plus');
	await expect(phone.getByText(/remplacé par un lien plus récent/)).toBeVisible();
	await axe.goto(s.personLink);
	await expectNoAxeViolations(axe, 'a replaced person link');

	// the person sees the appointment, in Paris time
	await signInBySms(phone, s);
	const card = phone.locator('li.card').filter({ hasText: 'Acceptée\u00a0: le lieu vous attend' });
	await expect(card).toContainText(`Orientation vers ${s.placeByLink.nom}`);
	await expect(card).toContainText(/Votre rendez-vous\s: le \S+ \d+(?:er)? \S+ à 14 h 30/);
	await close();
});

test('a place declines (the form, a missing reason, the confirmation), with no axe violation; the contact is hidden when the consent does not share it', async ({
	page
}) => {
	const s = person();
	await page.goto(s.referralToDecline.answerLink);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(
		`Orientation ${/^[aeiouyhàâéèêîôû]/i.test(s.name) ? 'd’' : 'de '}${s.name} vers ${s.placeByLink.nom}`
	);
	await expect(page.getByText(s.email)).toHaveCount(0);
	await expect(page.getByText(/n’a pas accepté de partager son téléphone/)).toBeVisible();
	// her reading difficulty is health data: shown only with the "health" consent (not given here)
	await expect(page.getByText('Lit ou écrit difficilement')).toHaveCount(0);
	await page.getByLabel(/^Un mot pour la structure/).fill('Essayez l’espace numérique de Villeneuve.');
	await page.getByRole('button', { name: 'Refuser l’orientation' }).click();
	await expect(page.getByRole('alert')).toContainText('Choisissez la raison du refus.');
	// the note is still there
	await expect(page.getByLabel(/^Un mot pour la structure/)).toHaveValue('Essayez l’espace numérique de Villeneuve.');
	await expectNoAxeViolations(page, 'the answer page with an error');
	await page
		.getByRole('group', { name: /^Pourquoi \?/ })
		.getByLabel('Plus de place disponible')
		.check();
	await page.getByRole('button', { name: 'Refuser l’orientation' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Merci, votre réponse est enregistrée');
	await expect(page.getByRole('status')).toContainText('Vous ne pouvez pas recevoir la personne');
	await expectNoAxeViolations(page, 'the confirmation');
});

test('the person signs in and cancels a referral after confirming, without JavaScript', async ({ browser }) => {
	const s = person();
	const phoneCtx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
	const phone = await phoneCtx.newPage();
	const cardOf = (page: Page) => page.locator('li.card').filter({ has: page.getByRole('heading', { name: `Orientation vers ${s.otherPlace.nom}` }) });
	// their link was replaced when the places answered (test above): a code by SMS opens the page
	await signInBySms(phone, s);
	// the same session in a context with JavaScript, for axe
	const axeCtx = await browser.newContext({ storageState: await phoneCtx.storageState() });
	const axe = await axeCtx.newPage();
	const close = async () => (await phoneCtx.close(), await axeCtx.close());

	// axe on the list and on the confirmation step (which changes nothing)
	await axe.goto('/mes-orientations');
	await expectNoAxeViolations(axe, 'the person’s page');
	await cardOf(axe).getByRole('button', { name: 'Annuler cette orientation' }).click();
	await expect(axe.getByRole('alert')).toContainText('Voulez-vous vraiment annuler cette orientation\u00a0?');
	await expectNoAxeViolations(axe, 'the cancel confirmation');
	await axe.getByRole('link', { name: 'Non, la garder' }).click();
	await expect(cardOf(axe).getByRole('button', { name: 'Annuler cette orientation' })).toBeVisible();

	const res = await phone.goto('/mes-orientations');
	await expectPrivate(phone, res, 'the person’s page');
	await expect(phone.getByRole('heading', { level: 1 })).toHaveText('Mes orientations');
	const card = cardOf(phone);
	await expect(card).toContainText('Envoyée\u00a0: le lieu va vous contacter');
	await expect(card).toContainText(s.otherPlace.commune);
	await expect(card.getByRole('table')).toContainText('Lundi');
	await expect(card).toContainText(`Envoyée par ${s.prescriber.organisation}`);
	await noHorizontalScroll(phone, 'the person’s page');

	await card.getByRole('button', { name: 'Annuler cette orientation' }).click();
	await expect(phone.getByRole('alert')).toContainText('Voulez-vous vraiment annuler cette orientation\u00a0?');
	await noHorizontalScroll(phone, 'the cancel confirmation');
	await cardOf(phone).getByRole('button', { name: 'Oui, annuler cette orientation' }).click();
	await expect(phone.getByRole('status')).toContainText('Votre orientation est annulée');
	await expect(cardOf(phone)).toContainText('Annulée');
	await expect(cardOf(phone).getByRole('button')).toHaveCount(0);

	await close();

	// a link changed by hand: said plainly, with the code form instead (someone not signed in)
	const { phone: other, axe: otherAxe, close: closeOther } = await contexts(browser);
	const bad = await other.goto(tampered(s.personLink));
	expect(bad?.status()).toBe(404);
	await expect(other.getByText(/Ce lien n’est pas valide/)).toBeVisible();
	await otherAxe.goto(tampered(s.personLink));
	await expectNoAxeViolations(otherAxe, 'an invalid person link');
	await other.getByLabel('Votre numéro de portable ou votre adresse e-mail').fill(s.email);
	await other.getByRole('button', { name: 'Recevoir un code' }).click();
	await expect(other).toHaveURL(/\/mon-espace\/connexion\?\/code$/);
	await expect(other.getByRole('heading', { level: 1 })).toHaveText('Saisissez votre code');
	await closeOther();
});

test('the one-time code: the same answer for a known or unknown address; the code sent by SMS opens the page; log out', async ({ browser }) => {
	const s = person();
	const { phone, axe, close } = await contexts(browser);
	const contactField = () => phone.getByLabel('Votre numéro de portable ou votre adresse e-mail');
	const ask = async (contact: string) => {
		await phone.goto('/mes-orientations');
		await contactField().fill(contact);
		await phone.getByRole('button', { name: 'Recevoir un code' }).click();
	};

	await axe.goto('/mes-orientations');
	await expectNoAxeViolations(axe, '/mes-orientations');
	await axe.getByRole('button', { name: 'Recevoir un code' }).click();
	await expect(axe.getByRole('alert')).toContainText('Écrivez votre numéro de portable');
	await expectNoAxeViolations(axe, '/mes-orientations with an error');

	const res = await phone.goto('/mes-orientations');
	await expectPrivate(phone, res, '/mes-orientations');
	await noHorizontalScroll(phone, '/mes-orientations');

	// a known address and an unknown one get the same answer
	await ask(s.email);
	await expect(phone.getByRole('heading', { level: 1 })).toHaveText('Saisissez votre code');
	const known = await phone.getByRole('status').innerText();
	await ask('personne.inconnue@exemple.test');
	await expect(phone.getByRole('heading', { level: 1 })).toHaveText('Saisissez votre code');
	expect(await phone.getByRole('status').innerText()).toBe(known);
	await expect(phone.getByLabel(/^Le code à 6 chiffres/)).toHaveAttribute('autocomplete', 'one-time-code');
	await expect(phone.getByLabel(/^Le code à 6 chiffres/)).toHaveAttribute('inputmode', 'numeric');
	await noHorizontalScroll(phone, 'the code step');

	// by SMS, to the mobile the CAF recorded
	const before = (await smsMessages(s.phone)).length;
	await ask('06 47 12 34 56');
	await expect(phone.getByRole('status')).toContainText('par SMS');
	await expect.poll(async () => (await smsMessages(s.phone)).length, { message: 'the code reaches the SMS provider', timeout: 30_000 }).toBeGreaterThan(before);
	const sms = (await smsMessages(s.phone)).at(-1)!.text;
	const code = /\b(\d{6})\b/.exec(sms)?.[1];
	expect(code, `a 6-digit code in "${sms}"`).toBeTruthy();

	await phone.getByLabel(/^Le code à 6 chiffres/).fill(code === '000000' ? '111111' : '000000');
	await phone.getByRole('button', { name: 'Entrer', exact: true }).click();
	await expect(phone.getByRole('alert')).toContainText('Ce code n’est pas le bon');
	await expect(phone.getByLabel(/^Le code à 6 chiffres/)).toHaveAttribute('aria-invalid', 'true');
	await phone.getByLabel(/^Le code à 6 chiffres/).fill(`${code!.slice(0, 3)} ${code!.slice(3)}`);
	await phone.getByRole('button', { name: 'Entrer', exact: true }).click();
	await expect(phone).toHaveURL(/\/mon-espace\/orientations$/);
	await expect(phone.getByRole('heading', { level: 1 })).toHaveText('Mes orientations');
	await expect(phone.locator('li.card').filter({ hasText: `Orientation vers ${s.otherPlace.nom}` })).toBeVisible();
	await noHorizontalScroll(phone, 'the person’s page after the code');

	const cookie = (await phone.context().cookies()).find((c) => c.name === 'maillage_personne');
	expect(cookie, 'the session cookie').toBeTruthy();
	expect(cookie).toMatchObject({ httpOnly: true, path: '/', sameSite: 'Lax' });
	expect(cookie!.expires - Date.now() / 1000).toBeLessThanOrEqual(30 * 60 + 5);

	// axe on the page as signed in: the same cookie in a context with JavaScript
	const signedIn = await browser.newContext({ storageState: await phone.context().storageState() });
	const signedInPage = await signedIn.newPage();
	await signedInPage.goto('/mes-orientations');
	await expect(signedInPage.getByRole('heading', { level: 1 })).toHaveText('Mes orientations');
	await expectNoAxeViolations(signedInPage, '/mes-orientations signed in');
	await signedIn.close();

	const beforeLogout = await phone.context().storageState();
	await phone.getByRole('button', { name: 'Se déconnecter' }).click();
	await expect(phone.getByRole('status')).toContainText('Vous êtes déconnecté(e).');
	await phone.goto('/mes-orientations');
	await expect(contactField()).toBeVisible();
	// the session ended server-side: the cookie kept from before the logout opens nothing
	const replay = await browser.newContext({ storageState: beforeLogout, javaScriptEnabled: false });
	const replayPage = await replay.newPage();
	await replayPage.goto('/mes-orientations');
	await expect(replayPage.getByLabel('Votre numéro de portable ou votre adresse e-mail')).toBeVisible();
	await expect(replayPage.getByRole('heading', { level: 1 })).toHaveText('Entrer dans mon espace');
	await replay.close();
	await close();
});
