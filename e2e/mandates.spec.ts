/**
 * Mandates in the browser (issue 15, item 8): a prescriber of the CCAS records a person,
 * prepares a mandate, the person confirms it on the screen; the attestation's QR code leads
 * to /mandat/<token>, which says valid or not and nothing else, and lets its holder end the
 * mandate in two steps; the person, signed in with a code sent to their phone, sees their
 * mandates in Mon espace and withdraws a theme. Axe on every page (with JavaScript), the
 * pages used without JavaScript at 390 px.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import { expectNoAxeViolations } from './helpers.ts';
import { statePath } from './accounts.ts';

const smsMessages = async (to: string): Promise<{ text: string }[]> => {
	const { messages } = JSON.parse(readFileSync(join(process.env.E2E_DATA_DIR!, 'e2e-sms.json'), 'utf8'));
	return (await fetch(`${messages}?to=${encodeURIComponent(to)}`)).json();
};

async function noHorizontalScroll(page: Page, what: string) {
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow, `horizontal overflow on ${what}`).toBeLessThanOrEqual(0);
}

/** The prescriber (no JavaScript, 390 px) records a person and prepares a mandate; returns the person's page and the mandate's page. */
async function recordAndPrepare(p: Page, who: string, phone: string): Promise<{ personPath: string; mandatePath: string }> {
	await p.goto('/espace/personnes/nouvelle');
	await p.locator('#p-prenom').fill('Rosa');
	await p.locator('#p-nom').fill(who);
	await p.locator('#p-commune').fill('Nérac');
	await p.locator('#p-tel').fill(phone);
	await p.getByRole('button', { name: /^Enregistrer seulement|^Enregistrer quand même/ }).click();
	await expect(p.getByRole('heading', { level: 1 })).toHaveText(`Rosa ${who}`);
	const personPath = new URL(p.url()).pathname;
	await p.getByRole('link', { name: 'Voir ses mandats, ou en préparer un' }).click();
	await expect(p.getByRole('heading', { level: 1 })).toHaveText(`Mandats de Rosa ${who}`);
	// nothing chosen: the errors say what to fix, in French
	await p.getByRole('button', { name: 'Préparer le mandat' }).click();
	await expect(p.getByText('Choisissez au moins un domaine.').first()).toBeVisible();
	await p.getByLabel('Logement').check();
	await p.getByLabel('Argent – Impôts').check();
	await p.getByLabel('6 mois').check();
	await p.getByRole('button', { name: 'Préparer le mandat' }).click();
	await expect(p.getByRole('heading', { level: 1 })).toHaveText('À lire par la personne');
	return { personPath, mandatePath: new URL(p.url()).pathname };
}

test('a helper prepares a mandate, the person confirms on the screen; the attestation’s page says valid, then ends it in two steps', async ({ browser }) => {
	test.slow();
	const who = `Mandat${Date.now().toString(36)}`;
	const ctx = await browser.newContext({ storageState: statePath('prescriber'), javaScriptEnabled: false, viewport: { width: 390, height: 800 } });
	const p = await ctx.newPage();
	const { mandatePath } = await recordAndPrepare(p, who, '06 47 55 44 33');
	await noHorizontalScroll(p, 'the person’s screen');
	await expect(p.getByText('Vous autorisez')).toContainText('à faire pour vous les démarches de ces domaines');
	await expect(p.locator('main li').filter({ hasText: 'Logement' })).toHaveCount(1);

	// the person ticks, the professional forgets to attest: said, nothing signed
	await p.getByLabel('J’ai lu. Je suis d’accord pour donner ce mandat.').check();
	await p.getByRole('button', { name: 'Je confirme le mandat' }).click();
	await expect(p.getByText('Cochez cette case pour attester').first()).toBeVisible();
	await p.getByLabel(/^J’atteste que la personne/).check();
	await p.getByRole('button', { name: 'Je confirme le mandat' }).click();
	await expect(p.getByRole('status')).toContainText('Le mandat est confirmé');
	await expect(p.getByRole('heading', { level: 1 })).toContainText(`Mandat de Rosa ${who} à `);

	// a procedure done for the person, then one theme withdrawn by the structure
	await p.getByLabel('Ce qui a été fait').fill('Demande d’aide au logement');
	await p.getByRole('button', { name: 'Noter la démarche' }).click();
	await expect(p.getByRole('status')).toContainText('La démarche est notée');
	await expect(p.locator('main table')).toContainText('Demande d’aide au logement');
	await noHorizontalScroll(p, 'the mandate’s page');

	// the attestation: a PDF with its QR code's address
	const pdf = await p.request.get(`${mandatePath}/attestation.pdf`);
	expect(pdf.headers()['content-type']).toBe('application/pdf');
	const raw = (await pdf.body()).toString('latin1');
	const token = /\/mandat\/([A-Za-z0-9_-]{20,})/.exec(raw)?.[1];
	expect(token, 'the attestation carries the address of its check').toBeTruthy();
	expect(raw, 'the attestation carries a QR code').toMatch(/\/Subtype\s*\/Image/);

	// axe on the pro pages (with JavaScript)
	const axeCtx = await browser.newContext({ storageState: statePath('prescriber') });
	const a = await axeCtx.newPage();
	await a.goto(mandatePath);
	await expectNoAxeViolations(a, 'the mandate’s page');
	await a.goto(mandatePath.replace(/\/[^/]+$/, ''));
	await expectNoAxeViolations(a, 'the person’s mandates');

	// the public check: valid, until when; no name, no theme, no structure
	const anon = await (await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 800 } })).newPage();
	const res = await anon.goto(`/mandat/${token}`);
	expect(res!.headers()['cache-control']).toBe('private, no-store');
	expect(res!.headers()['x-robots-tag']).toBe('noindex');
	await expect(anon.locator('main')).toContainText('Ce mandat est en cours, jusqu’au');
	for (const secret of [who, 'Rosa', 'Logement', 'Argent', 'CCAS']) await expect(anon.locator('main')).not.toContainText(secret);
	await noHorizontalScroll(anon, 'the attestation’s check');
	const axePublic = await axeCtx.newPage();
	await axePublic.goto(`/mandat/${token}`);
	await expectNoAxeViolations(axePublic, 'the attestation’s check');

	// ended in two steps by whoever holds the paper
	await anon.getByRole('button', { name: 'Arrêter ce mandat' }).click();
	await expect(anon.getByText('Vous arrêtez tout le mandat. Confirmez-vous')).toBeVisible();
	await anon.getByRole('button', { name: 'Oui, arrêter le mandat' }).click();
	await expect(anon.getByRole('status')).toContainText('Le mandat est arrêté');
	await anon.goto(`/mandat/${token}`);
	await expect(anon.locator('main')).toContainText('Ce mandat n’est pas en cours.');
	// an unknown token: the same answer
	await anon.goto(`/mandat/${token!.slice(0, -2)}${token!.endsWith('xx') ? 'yy' : 'xx'}`);
	await expect(anon.locator('main')).toContainText('Ce mandat n’est pas en cours.');

	// the structure's page says it
	await p.goto(mandatePath);
	await expect(p.locator('main')).toContainText('Arrêté');
	await ctx.close();
	await axeCtx.close();
});

test('the person sees their mandates in Mon espace and withdraws a theme, without JavaScript', async ({ browser }) => {
	test.slow();
	const who = `Espace${Date.now().toString(36)}`;
	const phone = '06 47 66 55 44';
	const ctx = await browser.newContext({ storageState: statePath('prescriber'), javaScriptEnabled: false });
	const p = await ctx.newPage();
	await recordAndPrepare(p, who, phone);
	await p.getByLabel('J’ai lu. Je suis d’accord pour donner ce mandat.').check();
	await p.getByLabel(/^J’atteste que la personne/).check();
	await p.getByRole('button', { name: 'Je confirme le mandat' }).click();
	await expect(p.getByRole('status')).toContainText('Le mandat est confirmé');
	await ctx.close();

	// without a session: the sign-in page of Mon espace
	const person = await (await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 800 } })).newPage();
	await person.goto('/mon-espace/mandats');
	await expect(person).toHaveURL(/\/mon-espace\/connexion\?retour=/);

	// signed in with a code sent to their phone
	const before = (await smsMessages('+33647665544')).length;
	await person.goto('/mon-espace/connexion?retour=%2Fmon-espace%2Forientations');
	await person.getByLabel('Votre numéro de portable ou votre adresse e-mail').fill(phone);
	await person.getByRole('button', { name: 'Recevoir un code' }).click();
	await expect.poll(async () => (await smsMessages('+33647665544')).length, { timeout: 30_000 }).toBeGreaterThan(before);
	const code = /\b(\d{6})\b/.exec((await smsMessages('+33647665544')).at(-1)!.text)![1];
	await person.getByLabel(/^Le code à 6 chiffres/).fill(code);
	await person.getByRole('button', { name: 'Entrer', exact: true }).click();
	await expect(person.getByRole('heading', { level: 1 })).toHaveText('Mes orientations');

	const res = await person.goto('/mon-espace/mandats');
	expect(res!.headers()['cache-control']).toBe('private, no-store');
	await expect(person.getByRole('heading', { level: 1 })).toHaveText('Mes mandats');
	const section = person.locator('main section').first();
	await expect(section).toContainText('En cours');
	await expect(section).toContainText('confirmé sur l’écran de l’aidant');
	await noHorizontalScroll(person, 'Mes mandats');
	await section.getByRole('button', { name: /^Retirer ce domaine \(Logement/ }).click();
	await expect(person.getByRole('status')).toContainText('ce domaine est retiré du mandat');
	await expect(person.locator('main section').first()).toContainText(/Logement\s*: retiré le/);
	await expect(person.locator('main section').first()).toContainText(/Argent – Impôts\s*: en cours/);

	// ended in two steps
	await person.getByRole('button', { name: /^Arrêter tout ce mandat/ }).click();
	await person.getByRole('button', { name: 'Oui, arrêter' }).click();
	await expect(person.getByRole('status')).toContainText('le mandat est arrêté');
	await expect(person.locator('main section').first()).toContainText('Arrêté');

	// axe, in a context with JavaScript and the same session
	const cookies = await person.context().cookies();
	const axeCtx = await browser.newContext();
	await axeCtx.addCookies(cookies);
	const a = await axeCtx.newPage();
	await a.goto('/mon-espace/mandats');
	await expect(a.getByRole('heading', { level: 1 })).toHaveText('Mes mandats');
	await expectNoAxeViolations(a, 'Mes mandats');
	await axeCtx.close();
});
