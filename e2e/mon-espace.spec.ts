/**
 * Mon espace (issue 15), in the browser: the person signs in without a password (a code by
 * SMS, a code of the printed recovery sheet, a passkey), every page works without
 * JavaScript at 320 px, passes axe (with JavaScript: axe hangs without), is private, and
 * shows the person's own data only. Nothing opens without the person's session, not even a
 * professional's.
 *
 * The data comes from e2e/serve.mjs ("monEspace" in e2e-seed.json): Alice and Bruno
 * Espace, each with a mobile and one referral; Jeanne Passe (vouchers, no phone) with a
 * recovery sheet.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { test, expect, type Browser, type Page, type Response } from '@playwright/test';
import { expectNoAxeViolations } from './helpers.ts';
import { statePath } from './accounts.ts';

interface Someone {
	id: string;
	firstName: string;
	phone: string;
	phoneE164: string;
	place: string;
}
interface SpaceSeed {
	alice: Someone;
	bruno: Someone;
	jeanne: { id: string; recoveryCodes: string[] };
}

const dataDir = () => process.env.E2E_DATA_DIR!;
const space = (): SpaceSeed => {
	const s = JSON.parse(readFileSync(join(dataDir(), 'e2e-seed.json'), 'utf8')).monEspace;
	expect(s, 'e2e/serve.mjs seeds Mon espace (needs the demo territory)').toBeTruthy();
	return s;
};
const smsMessages = async (to: string): Promise<{ text: string }[]> => {
	const { messages } = JSON.parse(readFileSync(join(dataDir(), 'e2e-sms.json'), 'utf8'));
	const r = await fetch(`${messages}?to=${encodeURIComponent(to)}`);
	return r.json();
};

const PAGES = [
	['/mon-espace', 'Mon espace'],
	['/mon-espace/orientations', 'Mes orientations'],
	['/mon-espace/pass', 'Mes Pass Numérique'],
	['/mon-espace/acces', 'Qui voit mes informations'],
	['/mon-espace/journal', 'Journal'],
	['/mon-espace/securite', 'Sécurité']
] as const;

/** The person asks for a code on the sign-in page (reached from `from`), reads the SMS and types it. */
async function signInBySms(page: Page, who: Someone, from = '/mon-espace') {
	const before = (await smsMessages(who.phoneE164)).length;
	await page.goto(from);
	await expect(page).toHaveURL(/\/mon-espace\/connexion\?retour=/);
	await page.getByLabel('Votre numéro de portable ou votre adresse e-mail').fill(who.phone);
	await page.getByRole('button', { name: 'Recevoir un code' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Saisissez votre code');
	await expect
		.poll(async () => (await smsMessages(who.phoneE164)).length, { message: 'the code reaches the SMS provider', timeout: 30_000 })
		.toBeGreaterThan(before);
	const code = /\b(\d{6})\b/.exec((await smsMessages(who.phoneE164)).at(-1)!.text)?.[1];
	expect(code, 'a 6-digit code').toBeTruthy();
	await page.getByLabel(/^Le code à 6 chiffres/).fill(code!);
	await page.getByRole('button', { name: 'Entrer', exact: true }).click();
	await expect(page).toHaveURL(new RegExp(`${from.replace(/[/?]/g, '\\$&')}$`));
}

async function noHorizontalScroll(page: Page, what: string) {
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow, `horizontal overflow on ${what}`).toBeLessThanOrEqual(0);
}

function expectPrivate(res: Response | null, what: string) {
	expect(res, what).toBeTruthy();
	const h = res!.headers();
	expect(h['cache-control'], `${what}: cache-control`).toBe('private, no-store');
	expect(h['referrer-policy'], `${what}: referrer-policy`).toBe('same-origin');
}

async function phoneAndAxe(browser: Browser, width = 320) {
	const phoneCtx = await browser.newContext({ javaScriptEnabled: false, viewport: { width, height: 700 } });
	return { phoneCtx, phone: await phoneCtx.newPage() };
}

test('without the person’s session, every page of Mon espace leads to the sign-in page; a professional’s session opens none', async ({ browser }) => {
	const anon = await browser.newContext({ javaScriptEnabled: false });
	const page = await anon.newPage();
	for (const [path] of PAGES) {
		await page.goto(path);
		await expect(page, path).toHaveURL(new RegExp(`/mon-espace/connexion\\?retour=${encodeURIComponent(path)}$`));
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Entrer dans mon espace');
	}
	// a sign-in link that would lead elsewhere leads home to Mon espace instead (after signing in): the form keeps only a path of Mon espace
	await page.goto('/mon-espace/connexion?retour=%2F%2Fevil.example%2Fmon-espace');
	await expect(page.locator('input[name="retour"]').first()).toHaveValue('/mon-espace');
	await anon.close();

	const pro = await browser.newContext({ storageState: statePath('prescriber'), javaScriptEnabled: false });
	const proPage = await pro.newPage();
	await proPage.goto('/mon-espace/journal');
	await expect(proPage).toHaveURL(/\/mon-espace\/connexion\?retour=/);
	await pro.close();
});

test('Alice signs in by SMS code without JavaScript at 320 px; every page is hers only, private, readable and passes axe; she logs out', async ({
	browser
}) => {
	const s = space();
	const { phoneCtx, phone } = await phoneAndAxe(browser);
	await signInBySms(phone, s.alice, '/mon-espace/pass');
	const axeCtx = await browser.newContext({ storageState: await phoneCtx.storageState() });
	const axe = await axeCtx.newPage();
	for (const [path, title] of PAGES) {
		const res = await phone.goto(path);
		expectPrivate(res, path);
		await expect(phone.getByRole('heading', { level: 1 }), path).toHaveText(title);
		await expect(phone.locator('meta[name="robots"]')).toHaveAttribute('content', 'noindex');
		await expect(phone.locator('main')).toContainText('Bonjour Alice');
		await expect(phone.getByRole('navigation', { name: 'Mon espace' }).getByRole('button', { name: 'Se déconnecter' })).toBeVisible();
		await noHorizontalScroll(phone, path);
		await axe.goto(path);
		await expectNoAxeViolations(axe, path);
	}
	// her referral, not Bruno's
	await phone.goto('/mon-espace/orientations');
	await expect(phone.locator('li.card')).toHaveCount(1);
	await expect(phone.locator('li.card')).toContainText(`Orientation vers ${s.alice.place}`);
	// her consent, said in her words; her journal says who did what
	await phone.goto('/mon-espace/acces');
	await expect(phone.getByText('votre téléphone et votre adresse e-mail')).toBeVisible();
	await phone.goto('/mon-espace/journal');
	await expect(phone.locator('main')).toContainText(`Élise Espace (CCAS d’Agen) vous a orienté(e) vers ${s.alice.place}.`);
	await expect(phone.locator('main')).toContainText('Vous vous êtes connecté(e) avec un code reçu par SMS ou e-mail.');

	// withdraw the consent, in two steps
	await phone.goto('/mon-espace/acces');
	await phone.getByRole('button', { name: /^Arrêter ce partage/ }).click();
	await expect(phone.getByRole('alert')).toContainText('Voulez-vous vraiment arrêter ce partage');
	await phone.getByRole('button', { name: 'Oui, arrêter ce partage' }).click();
	await expect(phone.getByRole('status')).toContainText('ce partage est arrêté');
	await expect(phone.locator('li.card')).toContainText('Vous l’avez retiré');

	await phone.getByRole('button', { name: 'Se déconnecter' }).click();
	await expect(phone.getByRole('status')).toContainText('Vous êtes déconnecté(e).');
	await axe.goto('/mon-espace');
	await expect(axe).toHaveURL(/\/mon-espace\/connexion/);
	await phoneCtx.close();
	await axeCtx.close();
});

test('Jeanne, without a phone, enters with a code of her recovery sheet; sees her Pass; prints a new sheet that replaces the old', async ({ browser }) => {
	const s = space();
	const { phoneCtx, phone } = await phoneAndAxe(browser);
	await phone.goto('/mon-espace/connexion');
	await phone.getByLabel('Un code de votre feuille de secours').fill('AAAA-AAAA-AAAA');
	await phone.getByRole('button', { name: 'Entrer avec ce code' }).click();
	await expect(phone.getByRole('alert')).toContainText('Ce code ne marche pas');
	await phone.getByLabel('Un code de votre feuille de secours').fill(s.jeanne.recoveryCodes[0].toLowerCase());
	await phone.getByRole('button', { name: 'Entrer avec ce code' }).click();
	await expect(phone).toHaveURL(/\/mon-espace$/);
	await expect(phone.getByRole('heading', { level: 1 })).toHaveText('Mon espace');
	await noHorizontalScroll(phone, 'the home');

	await phone.goto('/mon-espace/pass');
	await expect(phone.getByRole('heading', { name: /^À utiliser/ })).toBeVisible();
	await expect(phone.getByText('Déjà utilisé', { exact: false }).first()).toBeVisible();
	await expect(phone.getByRole('link', { name: 'Voir les lieux qui acceptent le Pass Numérique' })).toHaveAttribute('href', '/lieux?pass=1');
	await noHorizontalScroll(phone, 'Mes Pass');

	// the sheet she printed: 7 codes left; a new one
	await phone.goto('/mon-espace/securite');
	await expect(phone.getByText('Il reste 7 codes non utilisés.')).toBeVisible();
	const [download] = await Promise.all([phone.waitForEvent('download'), phone.getByRole('button', { name: 'Imprimer une nouvelle feuille' }).click()]);
	const file = join(dataDir(), 'feuille-jeanne.pdf');
	await download.saveAs(file);
	const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
	expect(text).toContain('Ma feuille de secours');
	const codes = text.match(/\b[34679ACDEFGHJKMNPQRTWXY]{4}-[34679ACDEFGHJKMNPQRTWXY]{4}-[34679ACDEFGHJKMNPQRTWXY]{4}\b/g) ?? [];
	expect(new Set(codes).size).toBe(8);
	await phoneCtx.close();

	// the old sheet's codes no longer open anything; the new ones do
	const other = await browser.newContext({ javaScriptEnabled: false });
	const p = await other.newPage();
	await p.goto('/mon-espace/connexion');
	await p.getByLabel('Un code de votre feuille de secours').fill(s.jeanne.recoveryCodes[1]);
	await p.getByRole('button', { name: 'Entrer avec ce code' }).click();
	await expect(p.getByRole('alert')).toContainText('Ce code ne marche pas');
	await p.getByLabel('Un code de votre feuille de secours').fill(codes[0]!);
	await p.getByRole('button', { name: 'Entrer avec ce code' }).click();
	await expect(p).toHaveURL(/\/mon-espace$/);
	await other.close();
});

test('Bruno adds a passkey and signs in with it (a virtual authenticator, on localhost)', async ({ browser, baseURL }) => {
	const s = space();
	// browsers refuse an IP address as a passkey's site: the same server, reached as localhost
	const local = baseURL!.replace('127.0.0.1', 'localhost');
	const ctx = await browser.newContext({ baseURL: local, viewport: { width: 1280, height: 900 } });
	const page = await ctx.newPage();
	const cdp = await ctx.newCDPSession(page);
	await cdp.send('WebAuthn.enable');
	await cdp.send('WebAuthn.addVirtualAuthenticator', {
		options: {
			protocol: 'ctap2',
			transport: 'internal',
			hasResidentKey: true,
			hasUserVerification: true,
			isUserVerified: true,
			automaticPresenceSimulation: true
		}
	});
	await signInBySms(page, s.bruno, '/mon-espace/securite');
	await page.getByLabel('Le nom de cette clé').fill('Mon téléphone');
	await page.getByRole('button', { name: 'Ajouter une clé d’accès' }).click();
	await expect(page.getByRole('status').first()).toContainText('la clé « Mon téléphone » est ajoutée');
	await expectNoAxeViolations(page, 'the security page with a passkey');
	await page.getByRole('button', { name: 'Se déconnecter' }).click();
	await expect(page).toHaveURL(/\/mon-espace\/connexion\?deconnecte=1$/);
	await page.getByRole('button', { name: 'Entrer avec ma clé d’accès' }).click();
	await expect(page).toHaveURL(/\/mon-espace$/);
	await page.goto('/mon-espace/journal');
	await expect(page.locator('main')).toContainText('Vous vous êtes connecté(e) avec une clé d’accès.');
	await ctx.close();
});
