/**
 * The coffre-fort numérique (issue 15), in the browser: the person keeps a paper from their
 * phone without JavaScript at 320 px (a photo taken with the camera input, or a PDF),
 * finds it, shares it with the structure that follows them, downloads everything in one
 * ZIP; the structure's prescriber sees only what is shared, opens the vault with the person
 * present (a code sent to their phone), adds a scan for them, asks for another paper; the
 * person sees each access in their journal. Every page passes axe (with JavaScript: axe
 * hangs without), is private, and fits 320 px.
 *
 * The data comes from e2e/serve.mjs ("vault" in e2e-seed.json): Victor Coffre, followed by
 * the CCAS de Marmande (the demo prescriber's structure), with a mobile.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import JSZip from 'jszip';
import { test, expect, type Browser, type Page, type Response } from '@playwright/test';
import { expectNoAxeViolations } from './helpers.ts';
import { statePath } from './accounts.ts';
import { tinyJpeg, tinyPdf } from '../test/vault-files.ts';

interface VaultSeed {
	person: { id: string; firstName: string; phone: string; phoneE164: string };
	/** Victor's referral to the médiathèque (the demo mediator's place) */
	referralId: string;
}
const dataDir = () => process.env.E2E_DATA_DIR!;
const seed = (): VaultSeed => {
	const s = JSON.parse(readFileSync(join(dataDir(), 'e2e-seed.json'), 'utf8')).vault;
	expect(s, 'e2e/serve.mjs seeds the vault (needs the demo territory)').toBeTruthy();
	return s;
};
const smsMessages = async (to: string): Promise<{ text: string }[]> => {
	const { messages } = JSON.parse(readFileSync(join(dataDir(), 'e2e-sms.json'), 'utf8'));
	const r = await fetch(`${messages}?to=${encodeURIComponent(to)}`);
	return r.json();
};
const lastCode = async (to: string, before: number) => {
	// the first message with a code after `before` (another SMS to the person, e.g. their referral's, may come in between)
	const codeIn = async () =>
		(await smsMessages(to))
			.slice(before)
			.map((m) => /\b(\d{6})\b/.exec(m.text)?.[1])
			.find(Boolean);
	await expect.poll(codeIn, { message: 'a code reaches the SMS provider', timeout: 30_000 }).toBeTruthy();
	return (await codeIn())!;
};

async function signIn(page: Page, s: VaultSeed, from = '/mon-espace/documents') {
	const before = (await smsMessages(s.person.phoneE164)).length;
	await page.goto(from);
	await expect(page).toHaveURL(/\/mon-espace\/connexion\?retour=/);
	await page.getByLabel('Votre numéro de portable ou votre adresse e-mail').fill(s.person.phone);
	await page.getByRole('button', { name: 'Recevoir un code' }).click();
	await page.getByLabel(/^Le code à 6 chiffres/).fill(await lastCode(s.person.phoneE164, before));
	await page.getByRole('button', { name: 'Entrer', exact: true }).click();
	await expect(page).toHaveURL(new RegExp(`${from}$`));
}

/** Victor's session, kept after his first sign-in: each code asked counts against the address's limit, shared by the whole browser suite. */
const victorState = () => join(dataDir(), 'victor-state.json');
async function victor(browser: Browser, width = 320) {
	const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width, height: 700 }, storageState: victorState() });
	return { ctx, phone: await ctx.newPage() };
}

async function fits(page: Page, what: string) {
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow, `horizontal overflow on ${what}`).toBeLessThanOrEqual(0);
}
function isPrivate(res: Response | null, what: string) {
	expect(res, what).toBeTruthy();
	expect(res!.headers()['cache-control'], what).toBe('private, no-store');
}

test.describe.configure({ mode: 'serial' });

test('Victor keeps his papers from his phone, without JavaScript: a photo, a PDF, a share, everything in one ZIP', async ({ browser }) => {
	const s = seed();
	const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 700 } });
	const phone = await ctx.newPage();
	await signIn(phone, s);
	await ctx.storageState({ path: victorState() });
	await expect(phone.getByRole('heading', { level: 1 })).toHaveText('Mes documents');
	await expect(phone.getByText('Votre coffre est vide.')).toBeVisible();
	await fits(phone, 'the empty vault');

	// a photo from the camera input: the form works without JavaScript
	await phone.getByRole('link', { name: 'Ajouter un document' }).click();
	await expect(phone.getByRole('heading', { level: 1 })).toHaveText('Ajouter un document');
	await expect(phone.locator('input[name="photos"]')).toHaveAttribute('capture', 'environment');
	await fits(phone, 'the deposit form');
	// nothing chosen: said in French, nothing written
	await phone.getByRole('button', { name: 'Ajouter à mon coffre' }).click();
	await expect(phone.getByRole('alert')).toContainText('Choisissez le type de document');
	const photo = await tinyJpeg();
	await phone.getByLabel('Quel document').selectOption({ label: 'Carte d’identité' });
	await phone.locator('input[name="photos"]').setInputFiles({ name: 'IMG_2041.jpg', mimeType: 'image/jpeg', buffer: photo });
	await phone.getByLabel(/^Valable jusqu’au/).fill('2031-03-14');
	await phone.getByRole('button', { name: 'Ajouter à mon coffre' }).click();
	await expect(phone).toHaveURL(/\/mon-espace\/documents\?ajoute=1$/);
	await expect(phone.getByRole('status')).toContainText('votre document est dans votre coffre');

	// a PDF that is really a web page is refused by content, in French
	await phone.getByRole('link', { name: 'Ajouter un document' }).click();
	await phone.getByLabel('Quel document').selectOption({ label: 'Avis d’imposition' });
	await phone
		.locator('input[name="fichier"]')
		.setInputFiles({ name: 'avis.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html><body>%PDF-1.4</body></html>') });
	await phone.getByRole('button', { name: 'Ajouter à mon coffre' }).click();
	await expect(phone.getByRole('alert')).toBeVisible();
	await expect(phone.getByLabel('Quel document')).toHaveValue('avis_imposition');
	const pdf = tinyPdf('Avis d impot 2026 de Victor');
	await phone.locator('input[name="fichier"]').setInputFiles({ name: 'avis.pdf', mimeType: 'application/pdf', buffer: pdf });
	await phone.getByLabel(/^Un nom pour le retrouver/).fill('Impôts 2026');
	await phone.getByRole('button', { name: 'Ajouter à mon coffre' }).click();
	await expect(phone.getByRole('status')).toContainText('votre document est dans votre coffre');
	await expect(phone.locator('.vault-card')).toHaveCount(2);
	await expect(phone.locator('.vault-card').first()).toContainText('Impôts 2026');
	await fits(phone, 'the vault with two documents');

	// the PDF comes back byte for byte, saved (never shown in the site's origin)
	await phone.getByRole('link', { name: 'Impôts 2026' }).click();
	await expect(phone.getByRole('heading', { level: 1 })).toHaveText('Impôts 2026');
	const [download] = await Promise.all([phone.waitForEvent('download'), phone.getByRole('link', { name: 'Télécharger' }).click()]);
	const saved = join(dataDir(), 'victor-impots.pdf');
	await download.saveAs(saved);
	expect(readFileSync(saved).equals(pdf)).toBe(true);
	expect(execFileSync('pdftotext', [saved, '-'], { encoding: 'utf8' })).toContain('Avis d impot 2026');

	// shared with the CCAS, for the tax category
	await phone.getByLabel('Avec quelle structure').selectOption({ label: 'CCAS de Marmande' });
	await phone.getByLabel(/^Tous mes documents « Impôts »/).check();
	await phone.getByRole('button', { name: 'Partager' }).click();
	await expect(phone.getByRole('status')).toContainText('la structure peut voir');
	await expect(phone.locator('main')).toContainText('CCAS de Marmande');
	await fits(phone, 'a document');

	// the identity card ends in 2031: Victor wants his worker at the CCAS reminded too
	await phone.goto('/mon-espace/documents');
	await phone.getByRole('link', { name: 'Carte d’identité' }).click();
	await expect(phone.getByRole('heading', { name: 'Rappels avant la fin de validité' })).toBeVisible();
	const worker = phone.getByLabel('Prévenir aussi').locator('option', { hasText: 'CCAS de Marmande' }).first();
	const workerLabel = (await worker.textContent())!.trim();
	await phone.getByLabel('Prévenir aussi').selectOption({ label: workerLabel });
	await phone.getByRole('button', { name: 'Enregistrer' }).click();
	await expect(phone.getByRole('status')).toContainText('C’est enregistré');
	await expect(phone.getByLabel('Prévenir aussi')).toHaveValue((await worker.getAttribute('value'))!);
	await fits(phone, 'the reminders of a document');

	// everything in one request: the originals, the manifest with their digests, the journal
	const [zipped] = await Promise.all([
		phone.waitForEvent('download'),
		phone.goto('/mon-espace/documents').then(() => phone.getByRole('link', { name: 'Tout télécharger' }).click())
	]);
	const zipFile = join(dataDir(), 'victor-coffre.zip');
	await zipped.saveAs(zipFile);
	const zip = await JSZip.loadAsync(readFileSync(zipFile));
	const manifest = JSON.parse(await zip.file('manifeste.json')!.async('string'));
	expect(manifest.documents.map((d: { type: string }) => d.type).sort()).toEqual(['Avis d’imposition', 'Carte d’identité']);
	expect(zip.file('journal.json')).toBeTruthy();

	// axe on each page, with JavaScript (the same session)
	const axeCtx = await browser.newContext({ storageState: await ctx.storageState() });
	const axe = await axeCtx.newPage();
	for (const path of ['/mon-espace/documents', '/mon-espace/documents/ajouter', '/mon-espace/documents/fermer']) {
		isPrivate(await axe.goto(path), path);
		await expectNoAxeViolations(axe, path);
	}
	await axe.goto('/mon-espace/documents');
	await axe.getByRole('link', { name: 'Impôts 2026' }).click();
	await expectNoAxeViolations(axe, 'a document');
	await axe.goto('/mon-espace/documents');
	await axe.getByRole('link', { name: 'Carte d’identité' }).click();
	await expectNoAxeViolations(axe, 'a document with an end of validity');
	await axeCtx.close();
	await ctx.close();
	writeFileSync(join(dataDir(), 'vault-e2e.json'), JSON.stringify({ done: true }));
});

test('the CCAS sees only what Victor shared; with him present (a code on his phone) it opens his vault, adds a scan, asks for a paper', async ({ browser }) => {
	const s = seed();
	const pro = await browser.newContext({ storageState: statePath('prescriber'), viewport: { width: 1280, height: 900 } });
	const page = await pro.newPage();
	const res = await page.goto(`/espace/personnes/${s.person.id}/coffre`);
	isPrivate(res, 'the professional’s view');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Coffre-fort numérique de Victor Coffre');
	// the tax category was shared, not the identity card
	await expect(page.getByRole('link', { name: 'Impôts 2026', exact: true })).toBeVisible();
	await expect(page.getByRole('link', { name: 'Carte d’identité', exact: true })).toHaveCount(0);
	await expectNoAxeViolations(page, 'the vault seen by a professional');
	// opening it: the same bytes, and a line in Victor's journal
	const [shared] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Impôts 2026', exact: true }).click()]);
	const sharedFile = join(dataDir(), 'ccas-impots.pdf');
	await shared.saveAs(sharedFile);
	expect(execFileSync('pdftotext', [sharedFile, '-'], { encoding: 'utf8' })).toContain('Avis d impot 2026');

	// Victor is at the counter: the code goes to his phone, he reads it out
	const before = (await smsMessages(s.person.phoneE164)).length;
	await page.getByRole('button', { name: 'Envoyer le code à la personne' }).click();
	await expect(page.locator('main')).toContainText('au 06 •• •• •• 09');
	// a reload sends no other code: the field waits for the one sent
	const codesSent = async () => (await smsMessages(s.person.phoneE164)).filter((m) => m.text.includes('ouvrir votre coffre')).length;
	await expect.poll(codesSent).toBeGreaterThan(0);
	const sentOnce = await codesSent();
	await page.reload();
	await expect(page.locator('main')).toContainText('au 06 •• •• •• 09');
	await page.waitForTimeout(500);
	expect(await codesSent()).toBe(sentOnce);
	await page.getByLabel('Le code à 6 chiffres reçu par la personne').fill(await lastCode(s.person.phoneE164, before));
	await page.getByRole('button', { name: 'Ouvrir le coffre' }).click();
	await expect(page.getByRole('status').first()).toContainText('Coffre ouvert avec la personne');
	await expect(page.getByRole('link', { name: 'Carte d’identité', exact: true })).toBeVisible();

	// a scan at the counter
	await page.getByLabel('Quel document').first().selectOption({ label: 'Attestation CAF' });
	await page.locator('input[name="fichier"]').setInputFiles({ name: 'scan.pdf', mimeType: 'application/pdf', buffer: tinyPdf('Attestation CAF de Victor') });
	await page.getByRole('button', { name: 'Ajouter au coffre de la personne' }).click();
	await expect(page.getByRole('status').first()).toContainText('le document est dans le coffre de la personne');

	// the paper scanned joins Victor's appointment at the médiathèque, once he says yes
	await page.goto(`/espace/orientations/${s.referralId}`);
	await page.getByRole('link', { name: 'Joindre des papiers de son coffre à cette orientation' }).click();
	await page.getByLabel(/^Attestation CAF/).check();
	await page.getByRole('button', { name: 'Joindre ces papiers' }).click();
	await expect(page.getByRole('alert').first()).toContainText(/cochez la case/i);
	await page.getByLabel(/^Attestation CAF/).check();
	await page.getByLabel(/^La personne, présente, accepte que/).check();
	await page.getByRole('button', { name: 'Joindre ces papiers' }).click();
	await expect(page.getByRole('status').first()).toContainText('le lieu peut voir ces papiers');
	await expect(page.locator('main')).toContainText('Papiers déjà joints');
	await expectNoAxeViolations(page, 'papers joined at the counter');
	await page.goto(`/espace/personnes/${s.person.id}/coffre`);

	// a paper asked for that Victor has with him: shared for 30 days only once he has said yes
	await page.getByLabel('Quel document').last().selectOption({ label: 'Avis d’imposition' });
	await page.getByRole('button', { name: 'Envoyer la demande' }).click();
	await expect(page.getByRole('status').first()).toContainText('la personne a reçu votre demande');
	const provide = page.getByLabel('Document à fournir pour « Avis d’imposition »');
	await provide.selectOption({ label: 'Impôts 2026 (Avis d’imposition)' });
	await page.getByRole('button', { name: 'Fournir ce document' }).click();
	await expect(page.getByRole('alert').first()).toContainText('cochez la case');
	await provide.selectOption({ label: 'Impôts 2026 (Avis d’imposition)' });
	await page.getByLabel('La personne, présente, accepte de partager ce document avec CCAS de Marmande pendant 30 jours').check();
	await page.getByRole('button', { name: 'Fournir ce document' }).click();
	await expect(page.getByRole('status').first()).toContainText('partagé avec votre structure pendant 30 jours');
	await expectNoAxeViolations(page, 'a paper provided at the counter');

	// ask for another paper, then close
	await page.getByLabel('Quel document').last().selectOption({ label: 'Justificatif de domicile' });
	await page.getByRole('button', { name: 'Envoyer la demande' }).click();
	await expect(page.getByRole('status').first()).toContainText('la personne a reçu votre demande');
	await page.getByRole('button', { name: 'Refermer le coffre' }).click();
	await expect(page.getByRole('status').first()).toContainText('Le coffre est refermé');
	await expect(page.getByRole('link', { name: 'Carte d’identité', exact: true })).toHaveCount(0);
	await expectNoAxeViolations(page, 'the vault after closing');
	await pro.close();

	// Victor sees the paper asked for, the scan added, and every access in his journal
	const { ctx, phone } = await victor(browser);
	await phone.goto('/mon-espace/documents');
	await expect(phone.locator('main')).toContainText('CCAS de Marmande vous demande');
	await expect(phone.locator('main')).toContainText('Justificatif de domicile');
	await expect(phone.locator('.vault-card')).toHaveCount(3);
	await expect(phone.locator('main')).toContainText('CCAS de Marmande, avec votre accord');
	await phone.goto('/mon-espace/journal');
	await expect(phone.locator('main')).toContainText('Sacha Prescripteur (CCAS de Marmande) a consulté un document de votre coffre (« Impôts »)');
	await expect(phone.locator('main')).toContainText('Sacha Prescripteur (CCAS de Marmande) a ouvert votre coffre avec vous, grâce à votre code');
	await expect(phone.locator('main')).toContainText('Sacha Prescripteur (CCAS de Marmande) a ajouté un document à votre coffre (« Ressources »)');
	await expect(phone.locator('main')).toContainText(
		'Sacha Prescripteur (CCAS de Marmande) a partagé avec CCAS de Marmande le document demandé, avec votre accord, au guichet'
	);
	await expect(phone.locator('main')).toContainText(
		/Sacha Prescripteur \(CCAS de Marmande\) a joint un document de votre coffre à votre orientation vers .+, avec votre accord, au guichet/
	);
	await fits(phone, 'the journal');
	await ctx.close();
});

test('Victor joins a paper to his appointment at the médiathèque, without JavaScript at 320 px; its mediator opens it; Victor stops it', async ({
	browser
}) => {
	const s = seed();
	const { ctx, phone } = await victor(browser);
	await phone.goto('/mon-espace/orientations');
	await phone.getByRole('link', { name: 'Joindre des documents pour ce rendez-vous' }).click();
	await expect(phone).toHaveURL(new RegExp(`/mon-espace/orientations/${s.referralId}/documents$`));
	await expect(phone.getByRole('heading', { level: 1 })).toHaveText('Joindre des documents pour votre rendez-vous');
	await fits(phone, 'the documents of a referral');
	// nothing ticked: said in French
	await phone.getByRole('button', { name: 'Joindre ces documents' }).click();
	await expect(phone.getByRole('alert')).toContainText('Cochez au moins un document');
	await phone.getByLabel(/^Impôts 2026/).check();
	await phone.getByRole('button', { name: 'Joindre ces documents' }).click();
	await expect(phone.getByRole('status')).toContainText('le lieu peut voir vos documents');
	await expect(phone.locator('main')).toContainText('Impôts 2026');
	await fits(phone, 'a document joined');
	// « Qui voit mes documents »: the médiathèque
	await phone.goto('/mon-espace/documents');
	await expect(phone.locator('main')).toContainText('pour votre orientation vers ce lieu');

	// axe, with JavaScript (the same session)
	const axeCtx = await browser.newContext({ storageState: await ctx.storageState() });
	const axe = await axeCtx.newPage();
	const path = `/mon-espace/orientations/${s.referralId}/documents`;
	isPrivate(await axe.goto(path), path);
	await expectNoAxeViolations(axe, 'the documents of a referral');
	await axeCtx.close();

	// the médiathèque's mediator sees it on the referral's page and opens it
	const pro = await browser.newContext({ storageState: statePath('mediator'), viewport: { width: 1280, height: 900 } });
	const page = await pro.newPage();
	await page.goto(`/espace/orientations/${s.referralId}`);
	await expect(page.getByRole('heading', { name: 'Documents joints par la personne' })).toBeVisible();
	const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Impôts 2026' }).click()]);
	const saved = join(dataDir(), 'mediatheque-impots.pdf');
	await file.saveAs(saved);
	expect(execFileSync('pdftotext', [saved, '-'], { encoding: 'utf8' })).toContain('Avis d impot 2026');
	await expectNoAxeViolations(page, 'a referral with a document joined');

	// Victor stops it: the médiathèque no longer sees it
	await phone.goto(path);
	await phone.getByRole('button', { name: /^Ne plus partager.*Impôts 2026$/ }).click();
	await expect(phone.getByRole('status')).toContainText('le lieu ne voit plus ce document');
	await page.reload();
	// the paper joined at the counter stays; this one is gone
	await expect(page.getByRole('link', { name: 'Impôts 2026' })).toHaveCount(0);
	await expect(page.getByRole('link', { name: 'Attestation CAF' })).toHaveCount(1);
	await phone.goto('/mon-espace/journal');
	await expect(phone.locator('main')).toContainText('Vous avez joint un document de votre coffre à votre orientation vers');
	await pro.close();
	await ctx.close();
});

test('a document over 60 MB is refused in French before it is read; a body of unknown length is refused outside the uploads', async ({ browser, baseURL }) => {
	const { ctx, phone: page } = await victor(browser, 1280);
	await page.goto('/mon-espace/documents/ajouter');
	const big = await page.request.post('/mon-espace/documents/ajouter', {
		headers: { origin: baseURL! },
		multipart: { type: 'cv', fichier: { name: 'gros.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(61 * 1024 * 1024, 32) } },
		maxRedirects: 0
	});
	expect(big.status()).toBe(413);
	expect(await big.text()).toContain('trop lourd (60\u00a0Mo au plus en une fois)');
	// the same form's ordinary size still passes the edge (and is answered by the route)
	const small = await page.request.post('/mon-espace/documents/ajouter', {
		headers: { origin: baseURL!, accept: 'text/html' },
		multipart: { type: 'cv', fichier: { name: 'cv.pdf', mimeType: 'application/pdf', buffer: tinyPdf('CV de Victor') } },
		maxRedirects: 0
	});
	expect(small.status()).toBe(303);
	// a form elsewhere sent without its length (chunked): refused, not read up to the uploads' limit
	const chunks = new ReadableStream({
		start(c) {
			c.enqueue(new TextEncoder().encode('contact=' + 'a'.repeat(2_000_000)));
			c.close();
		}
	});
	const res = await fetch(`${baseURL}/mon-espace/connexion?/code`, {
		method: 'POST',
		body: chunks,
		// @ts-expect-error -- Node's fetch needs it for a streamed body
		duplex: 'half',
		headers: { origin: baseURL!, 'content-type': 'application/x-www-form-urlencoded' }
	});
	expect(res.status).toBe(413);
	await ctx.close();
});
