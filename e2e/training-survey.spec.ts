/**
 * The trainings' satisfaction survey and steering figures (issue 17, items 5 and 7) in the
 * browser, on the demo (trainings/survey-demo.ts: a session ended 2 days ago whose survey was
 * sent to 6 fictitious attendees, one ended 40 days ago with 6 answers):
 * - an attendee opens the e-mail's link without JavaScript, is told in French what is
 *   missing, answers, and the link does not take a second answer; the page weighs at most
 *   30 KB gzip with its stylesheets; axe at 390 and 1280 px;
 * - the coordinator reads the trainings' steering page (tables, masked cells, CSV link),
 *   changes the period without JavaScript; axe at 390 and 1280 px.
 */
import { test, expect, type Page } from '@playwright/test';
import { gzipSync } from 'node:zlib';
import { axeAtBothWidths } from './helpers.ts';
import { statePath } from './accounts.ts';
import { outbox } from './outbox.ts';

const h1 = (page: Page) => page.getByRole('heading', { level: 1 });

/** The survey links sent to the demo's attendees of the recent session. */
async function surveyLinks(): Promise<string[]> {
	const out: string[] = [];
	for (let i = 1; i <= 6; i++) {
		const m = (await outbox(`demo.enquete-recente${i}@exemple.invalid`)).find((x) => x.template === 'training-survey');
		const link = /https?:\/\/\S+(\/formations\/enquete\/[A-Za-z0-9_-]{32})/.exec(m?.text ?? '')?.[1];
		if (link) out.push(link);
	}
	return out;
}

test('an attendee answers the anonymous survey, without JavaScript too, once; the page is light and accessible', async ({ browser, page, request }) => {
	const links = await surveyLinks();
	expect(links).toHaveLength(6);
	// the first link not answered yet (the demo's data outlives a run)
	let link: string | undefined;
	for (const l of links) {
		await page.goto(l);
		if (await page.getByRole('button', { name: 'Envoyer mon avis' }).count()) {
			link = l;
			break;
		}
	}
	test.skip(!link, 'every demo link was answered by earlier runs');
	await expect(h1(page)).toHaveText('Votre avis sur la formation');
	await expect(page.getByText(/L’enquête est anonyme/)).toBeVisible();
	expect(await page.locator('script').count()).toBe(0);
	// weight: the page and its stylesheets
	const sheets = await page.locator('link[rel="stylesheet"]').evaluateAll((ls) => ls.map((l) => l.getAttribute('href')!));
	let bytes = gzipSync(await (await request.get(link!)).body()).length;
	for (const href of sheets) bytes += gzipSync(await (await request.get(href)).body()).length;
	test.info().annotations.push({ type: 'weight', description: `${link}: ${(bytes / 1024).toFixed(1)} KB gzip` });
	console.log(`survey page weight: ${bytes} bytes gzip`);
	expect(bytes).toBeLessThanOrEqual(30 * 1024);
	await axeAtBothWidths(page, 'the survey');

	// without JavaScript: nothing chosen, the errors in French, linked to their questions (nothing written)
	const context = await browser.newContext({ javaScriptEnabled: false });
	const nojs = await context.newPage();
	await nojs.goto(link!);
	await nojs.getByRole('button', { name: 'Envoyer mon avis' }).click();
	await expect(nojs.getByRole('alert').getByText('Le formulaire contient 5 erreurs')).toBeVisible();
	await expect(nojs.getByRole('link', { name: 'Choisissez une réponse de 1 à 5.' }).first()).toHaveAttribute('href', '#contenu-1');
	await context.close();

	// the same with axe on the errors, then answered
	await page.getByRole('button', { name: 'Envoyer mon avis' }).click();
	await expect(page.getByRole('alert').getByText('Le formulaire contient 5 erreurs')).toBeVisible();
	await axeAtBothWidths(page, 'the survey with its errors');
	for (const q of ['contenu', 'clarte', 'organisation', 'utilite', 'global']) await page.locator(`#${q}-4`).check();
	await page.getByLabel(/Un commentaire/).fill('Très utile pour mon accueil.');
	await page.getByRole('button', { name: 'Envoyer mon avis' }).click();
	await expect(page.getByRole('status').getByText('Merci pour votre réponse.')).toBeVisible();
	await axeAtBothWidths(page, 'the survey answered');
	// the link takes no second answer
	await page.goto(link!);
	await expect(page.getByRole('button', { name: 'Envoyer mon avis' })).toHaveCount(0);
	await expect(page.getByText('Merci pour votre réponse.')).toBeVisible();
	// an unknown link: a French 404
	const unknown = await page.goto('/formations/enquete/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
	expect(unknown?.status()).toBe(404);
	await expect(page.getByText('Ce lien ne correspond à aucune enquête de satisfaction.')).toBeVisible();
});

test.describe('the coordinator', () => {
	test.use({ storageState: statePath('coordinator') });

	test('reads the trainings’ steering page, masked, with its CSV, and changes the period without JavaScript', async ({ browser, page }) => {
		await page.goto('/pilotage/formations?departement=47&niveau=epci');
		await expect(h1(page)).toHaveText('Formation des aidants');
		await expect(page.getByRole('navigation', { name: 'Sections du pilotage' }).getByRole('link', { name: 'Formations' })).toHaveAttribute(
			'aria-current',
			'page'
		);
		for (const name of [
			'Aidants formés, par territoire de leur structure',
			'Aidants formés, par profil',
			'Sessions tenues et heures de formation dispensées, par thème',
			'Satisfaction des personnes formées (enquête anonyme, de 1 à 5)'
		])
			await expect(page.getByRole('table', { name })).toBeVisible();
		// no count of 1 to 4 persons in the tables of persons (the first column of figures)
		for (const name of ['Aidants formés, par territoire de leur structure', 'Aidants formés, par profil'])
			for (const t of await page.getByRole('table', { name }).locator('tbody tr td:nth-of-type(1), tfoot td:nth-of-type(1)').allInnerTexts()) {
				const n = Number(t.replace(/\s/g, ''));
				if (Number.isInteger(n)) expect(n === 0 || n >= 5, `a count of ${t} in ${name}`).toBe(true);
			}
		const csv = await page.request.get('/pilotage/export/formations-aidants-profil.csv?departement=47&periode=2026&niveau=epci');
		expect(csv.status()).toBe(200);
		expect(await csv.text()).toContain('Aidants formés (personnes)');
		await axeAtBothWidths(page, '/pilotage/formations');

		const context = await browser.newContext({ javaScriptEnabled: false, storageState: statePath('coordinator') });
		const nojs = await context.newPage();
		await nojs.goto('/pilotage/formations?departement=47');
		const quarter = await nojs.locator('#pilotage-periode optgroup[label="Trimestres"] option').nth(1).getAttribute('value');
		await nojs.getByLabel('Période', { exact: true }).selectOption(quarter!);
		await nojs.getByLabel('Découpage', { exact: true }).selectOption('departement');
		await nojs.getByRole('button', { name: 'Afficher' }).click();
		await expect(nojs).toHaveURL(new RegExp(`periode=${quarter}`));
		await expect(nojs).toHaveURL(/niveau=departement/);
		expect(await nojs.locator('script').count()).toBe(0);
		await expect(nojs.getByRole('table', { name: 'Aidants formés, par territoire de leur structure' })).toBeVisible();
		await context.close();
	});
});
