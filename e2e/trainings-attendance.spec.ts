/**
 * Attendance and attestations of a training (issue 17, item 5) in the browser, on the demo's
 * Thursday already held (trainings/demo.ts), all without JavaScript:
 * - the coordinator downloads a half-day's sign-in sheet (its text read with pdftotext),
 *   ticks the morning on screen and copies the afternoon from the sheet, issues the
 *   attestations, revokes one with a reason;
 * - the holder opens the link of the e-mail, downloads the PDF (its text read, its QR code
 *   decoded with zbarimg: the public check's address) and the Open Badges credential, which
 *   the verification endpoint accepts;
 * - the public check says « Attestation valide » with the minimum, « révoquée » and
 *   « inconnue » with nothing of the person.
 * Axe on every page at 390 and 1280 px, and the French typography of the text.
 */
import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { axeAtBothWidths } from './helpers.ts';
import { statePath } from './accounts.ts';
import { outbox } from './outbox.ts';

const h1 = (page: Page) => page.getByRole('heading', { level: 1 });
const flat = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

async function download(page: Page, link: ReturnType<Page['getByRole']>, dir: string, name: string): Promise<string> {
	const [d] = await Promise.all([page.waitForEvent('download'), link.click()]);
	const file = join(dir, name);
	await d.saveAs(file);
	return file;
}

const pdfText = (file: string) => flat(execFileSync('pdftotext', ['-layout', file, '-']).toString('utf8'));

test.describe.configure({ mode: 'serial' });

test('the coordinator prints the sheet, checks in without JavaScript, issues and revokes; the holder’s PDF carries a QR code to the public check', async ({
	browser
}) => {
	test.setTimeout(300_000);
	const scriptedCoordination = await browser.newContext({ storageState: statePath('coordinator') });
	const axeCoordinator = await scriptedCoordination.newPage();
	const scriptedAnonymous = await browser.newContext();
	const axeAnonymous = await scriptedAnonymous.newPage();
	const dir = mkdtempSync(join(tmpdir(), 'maillage-attestations-'));
	const coordination = await browser.newContext({ javaScriptEnabled: false, storageState: statePath('coordinator') });
	const page = await coordination.newPage();
	await page.goto('/espace/formations');
	await page
		.getByRole('link', { name: /^Les jeudis de l’inclusion numérique/ })
		.first()
		.click();
	await page
		.getByRole('link', { name: /autre demi-journée/ })
		.first()
		.click();
	await page.getByRole('link', { name: 'Présences, feuilles d’émargement et attestations' }).click();
	await expect(h1(page)).toContainText('Présences et attestations');
	await axeAtBothWidths(page, 'a session’s attendance', axeCoordinator);

	// the morning's sign-in sheet: the session, the half-day, one row per person with a seat, a box to sign
	const sheet = pdfText(await download(page, page.getByRole('link', { name: /feuille d’émargement/ }).first(), dir, 'emargement.pdf'));
	expect(sheet).toContain('Feuille d’émargement');
	expect(sheet).toContain('Les jeudis de l’inclusion numérique');
	expect(sheet).toMatch(/9 h 30/);
	for (let i = 1; i <= 6; i++) expect(sheet).toContain(`PARTICIPANT ${i} Démo`);
	expect(sheet).toContain('Signature');

	// the half-days, by the addresses of their sheets
	const slotIds = await page
		.locator('a[href*="/emargement/"]')
		.evaluateAll((as) => as.map((a) => /emargement\/([0-9a-f-]+)\.pdf/.exec(a.getAttribute('href') ?? '')?.[1] ?? ''));
	const here = page.url().split('?')[0];
	// the morning ticked on screen: 1 to 4 present
	await page.goto(`${here}?creneau=${slotIds[0]}`);
	for (let i = 1; i <= 4; i++) await page.getByRole('checkbox', { name: `PARTICIPANT ${i} Démo` }).check();
	await page.getByRole('button', { name: 'Enregistrer les présences' }).click();
	await expect(page.getByRole('status')).toContainText('Les présences de la demi-journée sont enregistrées.');
	await expect(page.getByRole('checkbox', { name: 'PARTICIPANT 1 Démo' })).toBeChecked();
	await expect(page.getByRole('checkbox', { name: 'PARTICIPANT 5 Démo' })).not.toBeChecked();
	// the afternoon copied from the paper sheet: 1 and 5
	await page.goto(`${here}?creneau=${slotIds[1]}`);
	for (const i of [2, 3, 4, 6]) await page.getByRole('checkbox', { name: `PARTICIPANT ${i} Démo` }).uncheck();
	await page.getByRole('checkbox', { name: 'PARTICIPANT 1 Démo' }).check();
	await page.getByRole('checkbox', { name: 'PARTICIPANT 5 Démo' }).check();
	await page.getByRole('radio', { name: 'Reportées de la feuille d’émargement signée' }).check();
	await page.getByRole('button', { name: 'Enregistrer les présences' }).click();
	await expect(page.getByRole('status')).toContainText('Les présences de la demi-journée sont enregistrées.');
	await expect(page.getByText(/Présences enregistrées \(reportée de la feuille d’émargement\)/)).toBeVisible();

	// the attestations, at once: the five people present at a half-day at least
	await page.getByRole('button', { name: 'Délivrer les attestations maintenant' }).click();
	await expect(page.getByRole('status')).toContainText(/Les attestations dues sont délivrées|Aucune nouvelle attestation/);
	const table = page.getByRole('table');
	await expect(table.locator('tbody tr')).toHaveCount(5);
	await expect(table).not.toContainText('Participant 6');
	await axeAtBothWidths(page, 'a session’s attestations', axeCoordinator);
	const revokedNumber = (await table.locator('tr', { hasText: 'Démo Participant 4' }).getByRole('link').textContent())!.trim();
	const reason = page.getByLabel('Raison de la révocation de l’attestation de Démo Participant 4');
	if (await reason.count()) {
		await reason.fill('Partie avant la pause\u00a0: présence notée par erreur');
		await page.getByRole('button', { name: 'Révoquer l’attestation de Démo Participant 4' }).click();
		await expect(page.getByRole('status')).toContainText('L’attestation est révoquée.');
	}
	await expect(table.locator('tr', { hasText: 'Démo Participant 4' })).toContainText('Révoquée');
	await coordination.close();

	// the holder, without an account nor JavaScript: the link of the e-mail
	let link = '';
	await expect
		.poll(async () => {
			const m = (await outbox('participant-1@demo.invalid')).filter((x) => x.template === 'training-attestation').at(-1);
			link = /https?:\/\/\S+\/formations\/inscription\/[A-Za-z0-9_-]{32}\/attestation/.exec(m?.text ?? '')?.[0] ?? '';
			return !!link;
		})
		.toBe(true);
	const holder = await browser.newContext({ javaScriptEnabled: false });
	const own = await holder.newPage();
	await own.goto(new URL(link).pathname);
	await expect(h1(own)).toHaveText('Mon attestation de formation');
	await expect(own.locator('main')).toContainText('5 h 30');
	await axeAtBothWidths(own, 'the holder’s attestation', axeAnonymous);
	const pdf = await download(own, own.getByRole('link', { name: 'L’attestation en PDF' }), dir, 'attestation.pdf');
	const text = pdfText(pdf);
	expect(text).toContain('Attestation de présence à une formation');
	expect(text).toContain('Démo Participant 1');
	expect(text).toContain('5 h 30');
	execFileSync('pdftoppm', ['-png', '-r', '150', pdf, join(dir, 'page')]);
	const png = readdirSync(dir).find((f) => f.startsWith('page') && f.endsWith('.png'))!;
	const qr = execFileSync('zbarimg', ['-q', '--raw', join(dir, png)])
		.toString('utf8')
		.trim();
	expect(qr).toMatch(/\/formations\/attestations\/FORM-\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
	const number = qr.split('/').at(-1)!;
	expect(text).toContain(number);

	// the Open Badges credential, checked by the verification endpoint
	const jwt = await (await own.request.get(`${new URL(link).pathname}/open-badge.jwt`)).text();
	expect(jwt.split('.')).toHaveLength(3);
	const verdict = await (await own.request.post('/formations/attestations/verifier', { data: jwt, headers: { 'content-type': 'application/vc+jwt' } })).json();
	expect(verdict).toMatchObject({ verified: true, status: 'valid', number });
	const forged = await (
		await own.request.post('/formations/attestations/verifier', { data: jwt.slice(0, -4) + 'AAAA', headers: { 'content-type': 'application/vc+jwt' } })
	).json();
	expect(forged).toMatchObject({ verified: false });

	// the public check (the QR code's page): valid with the minimum, revoked and unknown with nothing of the person
	await own.goto(new URL(qr).pathname);
	await expect(h1(own)).toHaveText('Attestation valide');
	const main = own.locator('main');
	await expect(main).toContainText('Démo Participant 1');
	await expect(main).toContainText('Les jeudis de l’inclusion numérique');
	await expect(main).toContainText('5 h 30');
	await expect(main).not.toContainText('@');
	await axeAtBothWidths(own, 'a valid attestation’s check', axeAnonymous);
	await own.goto(`/formations/attestations/${revokedNumber}`);
	await expect(h1(own)).toHaveText('Attestation révoquée');
	await expect(main).not.toContainText('Participant');
	await expect(main).not.toContainText('Partie avant la pause');
	await axeAtBothWidths(own, 'a revoked attestation’s check', axeAnonymous);
	await own.goto('/formations/attestations/FORM-2020-0000-0000-0000');
	await expect(h1(own)).toHaveText('Attestation inconnue');
	await axeAtBothWidths(own, 'an unknown attestation’s check', axeAnonymous);
	await holder.close();
	await scriptedCoordination.close();
	await scriptedAnonymous.close();
});
