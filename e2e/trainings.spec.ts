/**
 * Training the helpers (issue 17) in the browser, on the demo's catalogue (trainings/demo.ts):
 * - anyone filters the catalogue without JavaScript (audience, theme, area, month: a GET
 *   form), opens a session, and sees it on its place's page;
 * - a helper without an account registers with 4 fields (errors in French first), reads the
 *   e-mail the server queued (its control socket: the instance has no SMTP here) and
 *   confirms with its link, all without JavaScript; then cancels;
 * - a professional registers in one click: a seat on the webinar (its link shown), the
 *   waiting list on the full Thursday (the message before and after), and cancels;
 * - the coordinator creates a training and a session, lists the registrants, downloads them;
 * - a structure that trains (the CAF) lists the sessions it runs and opens their attendance.
 * Axe on every page at 390 and 1280 px, and the French typography of the text.
 */
import { test, expect, type Browser, type Page } from '@playwright/test';
import { gzipSync } from 'node:zlib';
import { axeAtBothWidths } from './helpers.ts';
import { statePath } from './accounts.ts';
import { outbox } from './outbox.ts';

const RUN = Date.now().toString(36);
const h1 = (page: Page) => page.getByRole('heading', { level: 1 });
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

/** The link of the latest e-mail of this kind to this address. */
async function linkIn(to: string, template: string): Promise<string> {
	let link: string | undefined;
	await expect
		.poll(
			async () => {
				const m = (await outbox(to)).filter((x) => x.template === template).at(-1);
				link = /https?:\/\/\S+\/formations\/inscription\/[A-Za-z0-9_-]{32}/.exec(m?.text ?? '')?.[0];
				return !!link;
			},
			{ message: `a ${template} e-mail to ${to}` }
		)
		.toBe(true);
	return new URL(link!).pathname;
}

/** The catalogue's sessions, by title and link. */
async function sessions(page: Page, query = '') {
	await page.goto(`/formations${query}`);
	return page.locator('.result h3 a').evaluateAll((as) => as.map((a) => ({ title: a.textContent!.trim(), href: a.getAttribute('href')! })));
}

async function noJs(browser: Browser) {
	const context = await browser.newContext({ javaScriptEnabled: false });
	return { context, page: await context.newPage() };
}

test('the catalogue filters without JavaScript: audience, theme, area, month; a session’s page and its place’s', async ({ browser, page }) => {
	const { context, page: p } = await noJs(browser);
	await p.goto('/formations');
	await expect(h1(p)).toHaveText('Formations pour les aidants');
	expect(await p.locator('script').count(), 'no script on the catalogue').toBe(0);
	const all = await p.locator('.result h3').allInnerTexts();
	expect(all.filter((t) => t.startsWith('Les jeudis de l’inclusion numérique')).length).toBeGreaterThanOrEqual(2);
	expect(all).toContain('Webinaire\u00a0: la prime d’activité en ligne sur caf.fr');

	await p.getByLabel('Thème').selectOption({ label: 'Dispositifs du territoire (Pass Numérique, réseau des lieux)' });
	await p.getByRole('button', { name: 'Filtrer' }).click();
	await expect(p).toHaveURL(/theme=local_schemes/);
	await expect(h1(p)).toHaveText('1 session trouvée');
	await expect(p.locator('.result')).toContainText('Table ronde du forum');
	await expect(p.locator('.result')).toContainText('Forum de la vie numérique & citoyenne');

	await p.goto('/formations');
	await p.getByLabel('Public').selectOption({ label: 'Personnes accompagnées (webinaire ouvert à tous)' });
	await p.getByRole('button', { name: 'Filtrer' }).click();
	await expect(p.locator('.result h3')).toHaveText(['Webinaire\u00a0: la prime d’activité en ligne sur caf.fr']);
	// 3 relays in the demo; a fourth while trainings-relays.spec.ts runs on the same server
	await expect(p.locator('.result')).toContainText(/En ligne, et en groupe dans [34] lieux/);

	// the month of the webinar, from the filter's own choices
	const month = (await p.locator('#filtre-mois option').nth(1).getAttribute('value'))!;
	await p.goto(`/formations?mois=${month}&public=partner_agents`);
	await expect(p.getByLabel('Mois')).toHaveValue(month);
	await expect(p.getByLabel('Public')).toHaveValue('partner_agents');

	// an area: the intercommunality of Agen holds the first Thursday
	await p.goto('/formations');
	const agen = await p.locator('#filtre-territoire option', { hasText: /Agen/ }).first().getAttribute('value');
	await p.getByLabel(/^Territoire/).selectOption(agen!);
	await p.getByRole('button', { name: 'Filtrer' }).click();
	await expect.poll(() => new URL(p.url()).searchParams.get('territoire')).toBe(agen);
	await expect(p.locator('.result').first()).toBeVisible();
	await expect(p.locator('.result', { hasText: 'Les jeudis' }).first()).toContainText('Agen');

	await p.goto('/formations?theme=security&mois=2099-01');
	await expect(p.getByText('Aucune session ne correspond à ces filtres')).toBeVisible();
	await p.getByRole('link', { name: 'Effacer les filtres' }).click();
	await expect(h1(p)).toHaveText('Formations pour les aidants');

	// a session's page, then its place's page
	const first = (await sessions(p)).find((s) => s.title.startsWith('Les jeudis'))!;
	await p.goto(first.href);
	await expect(h1(p)).toContainText('Les jeudis de l’inclusion numérique');
	await expect(p.locator('dl')).toContainText('Campus Numérique 47');
	const placeLink = p.locator('dd a[href^="/lieux/"]').first();
	const placeName = (await placeLink.innerText()).trim();
	await placeLink.click();
	await expect(h1(p)).toHaveText(placeName);
	await expect(p.getByRole('region', { name: 'Formations pour les aidants dans ce lieu' })).toContainText('Les jeudis de l’inclusion numérique');
	await context.close();

	// axe: the catalogue, filtered, empty, and a session's page
	await page.goto('/formations');
	await axeAtBothWidths(page, '/formations');
	await page.goto('/formations?theme=local_schemes');
	await axeAtBothWidths(page, '/formations filtered');
	await page.goto('/formations?theme=security&mois=2099-01');
	await axeAtBothWidths(page, '/formations without result');
	await page.goto(first.href);
	await axeAtBothWidths(page, 'a session’s page');
});

test('the catalogue and a session’s page weigh at most 30 KB gzip, their stylesheets included (no script)', async ({ page, request }) => {
	const first = (await sessions(page))[0];
	for (const path of ['/formations', first.href]) {
		await page.goto(path);
		const sheets = await page.locator('link[rel="stylesheet"]').evaluateAll((ls) => ls.map((l) => l.getAttribute('href')!));
		let bytes = gzipSync(await (await request.get(path)).body()).length;
		for (const href of sheets) bytes += gzipSync(await (await request.get(href)).body()).length;
		test.info().annotations.push({ type: 'weight', description: `${path}: ${(bytes / 1024).toFixed(1)} KB gzip` });
		expect(bytes, `${path}: ${bytes} bytes gzip`).toBeLessThanOrEqual(30 * 1024);
	}
});

test('a helper without an account registers with 4 fields, confirms by the e-mail’s link and cancels, without JavaScript', async ({ browser, page }) => {
	const email = `ines.${RUN}@exemple.fr`;
	const second = (await sessions(page)).filter((s) => s.title.startsWith('Les jeudis'))[1];
	const { context, page: p } = await noJs(browser);
	await p.goto(second.href);
	await expect(p.getByRole('heading', { name: 'S’inscrire' })).toBeVisible();
	await p.getByRole('button', { name: 'M’inscrire' }).click();
	await expect(p.getByRole('alert')).toContainText('Le formulaire contient 4 erreurs');
	await expect(p.getByText('Indiquez votre prénom.').first()).toBeVisible();
	await p.getByLabel('Prénom').fill('Inès');
	await p.getByLabel('Nom', { exact: true }).fill('Duval');
	await p.getByLabel(/^Adresse e-mail/).fill('pas une adresse');
	await p.getByLabel('Vous êtes').selectOption({ label: 'Bénévole' });
	await p.getByRole('button', { name: 'M’inscrire' }).click();
	await expect(p.getByRole('alert')).toContainText('Le formulaire contient 1 erreur');
	await expect(p.getByLabel('Prénom')).toHaveValue('Inès');
	await p.getByLabel(/^Adresse e-mail/).fill(email);
	await p.getByRole('button', { name: 'M’inscrire' }).click();
	await expect(p.getByRole('status')).toContainText('Presque fini');

	const link = await linkIn(email, 'training-confirm');
	await p.goto(link);
	await expect(h1(p)).toHaveText('Votre inscription');
	await expect(p.getByText('Bonjour Inès, confirmez votre inscription')).toBeVisible();
	await p.getByRole('button', { name: 'Confirmer mon inscription' }).click();
	await expect(p.getByRole('status')).toContainText('Votre inscription est enregistrée.');
	await expect(p.getByText('vous êtes inscrit à cette session')).toBeVisible();
	expect((await outbox(email)).map((m) => m.template)).toEqual(['training-confirm', 'training-confirmed']);
	await p.getByRole('button', { name: 'Annuler mon inscription' }).click();
	await expect(p.getByRole('status')).toContainText('Votre inscription est annulée.');
	await expect(p.getByText('Cette inscription est annulée.')).toBeVisible();
	await context.close();

	// axe: the form with its errors, the link's page
	await page.goto(second.href);
	await page.getByRole('button', { name: 'M’inscrire' }).click();
	await expect(page.getByRole('alert')).toContainText('erreurs');
	await axeAtBothWidths(page, 'the registration form with errors');
	await page.goto(link);
	await axeAtBothWidths(page, 'the registration’s link');
});

test.describe('a professional with an account', () => {
	test.use({ storageState: statePath('prescriber') });

	test('registers in one click: a seat on the webinar (its link shown), the waiting list on the full Thursday, then cancels', async ({ page }) => {
		const list = await sessions(page);
		const webinar = list.find((s) => s.title.startsWith('Webinaire'))!;
		await page.goto(webinar.href);
		await expect(page.getByText('Avec votre compte professionnel')).toContainText('travailleur.social@ccas.test');
		await page.getByRole('button', { name: 'M’inscrire' }).click();
		await expect(page.getByRole('status')).toContainText('Votre inscription est confirmée.');
		await expect(page.getByRole('link', { name: 'https://visio.demo.invalid/prime-activite' })).toBeVisible();
		await linkIn('travailleur.social@ccas.test', 'training-confirmed');
		await axeAtBothWidths(page, 'a session with a seat');

		const full = list.find((s) => s.title.startsWith('Les jeudis'))!;
		await page.goto(full.href);
		await expect(page.getByRole('heading', { name: 'Cette session est complète.' })).toBeVisible();
		await axeAtBothWidths(page, 'a full session');
		await page.getByRole('button', { name: 'M’inscrire sur la liste d’attente' }).click();
		await expect(page.getByRole('status')).toContainText('vous êtes sur la liste d’attente');
		await expect(page.getByText('Vous êtes sur la liste d’attente, en position 3.')).toBeVisible();
		await linkIn('travailleur.social@ccas.test', 'training-waiting');
		await page.goto('/espace/formations');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Formations des aidants');
		await expect(page.locator('main')).toContainText('liste d’attente (position 3)');
		await axeAtBothWidths(page, '/espace/formations (my registrations)');
		// my calendar feed: the address shown, read as a calendar application would (no session), renewed without JavaScript
		const feed = await page.getByLabel('Adresse de mon agenda de formations').inputValue();
		const path = new URL(feed).pathname;
		expect(path).toMatch(/^\/formations\/agenda\/[A-Za-z0-9_-]{32}\.ics$/);
		const ics = await page.request.fetch(path, { headers: { cookie: '' } });
		expect(ics.status()).toBe(200);
		expect(ics.headers()['content-type']).toBe('text/calendar; charset=utf-8');
		expect(await ics.text()).toContain('SUMMARY:Webinaire');
		await page.getByRole('button', { name: 'Renouveler l’adresse de mon agenda' }).click();
		await expect(page.getByRole('status')).toContainText('L’adresse est renouvelée');
		expect(await page.getByLabel('Adresse de mon agenda de formations').inputValue()).not.toBe(feed);
		expect((await page.request.fetch(path)).status()).toBe(404);
		await axeAtBothWidths(page, '/espace/formations (my calendar renewed)');
		await page.goto(full.href);
		await page.getByRole('button', { name: 'Annuler mon inscription' }).click();
		await expect(page.getByRole('status')).toContainText('Votre inscription est annulée.');
		await expect(page.getByRole('button', { name: 'M’inscrire sur la liste d’attente' })).toBeVisible();
	});
});

test.describe('the coordinator organises', () => {
	test.use({ storageState: statePath('coordinator') });

	test('creates a training and a session, sees the registrants of a session, downloads them', async ({ page }) => {
		const title = `Sécurité numérique des aidants ${RUN}`;
		await page.goto('/espace/formations');
		await page.getByRole('link', { name: 'Créer une formation' }).click();
		await expect(h1(page)).toHaveText('Nouvelle formation');
		await axeAtBothWidths(page, '/espace/formations/nouvelle');
		await page.getByRole('button', { name: 'Créer la formation' }).click();
		await expect(page.getByRole('alert')).toContainText('erreurs');
		await axeAtBothWidths(page, '/espace/formations/nouvelle with errors');
		await page.getByLabel('Structure qui organise').selectOption({ label: 'Département de Lot-et-Garonne' });
		await page.getByLabel('Titre', { exact: true }).fill(title);
		await page.getByLabel(/^Objectifs/).fill('Protéger les comptes et les papiers des personnes que l’on aide.');
		await page.getByRole('checkbox', { name: 'Bénévoles' }).check();
		await page.getByLabel('Thème').selectOption({ label: 'Sécurité numérique et données personnelles' });
		await page.getByRole('radio', { name: 'Sur place' }).check();
		await page.getByLabel(/^Nom de la structure qui forme/).fill('Campus Numérique 47');
		await page.getByRole('button', { name: 'Créer la formation' }).click();
		await expect(h1(page)).toHaveText(title);
		await expect(page.getByRole('status')).toContainText('La formation est créée.');
		await axeAtBothWidths(page, 'a training’s page');

		await page.getByRole('link', { name: 'Ajouter une session' }).click();
		await expect(h1(page)).toContainText('Nouvelle session');
		await axeAtBothWidths(page, 'a new session');
		await page.getByLabel('Demi-journée 1, jour').fill(inDays(60));
		await page.locator('#session-lieu').selectOption({ index: 1 });
		await page.getByLabel(/^Nombre de places/).fill('8');
		await page.getByRole('button', { name: 'Créer la session' }).click();
		await expect(page.getByRole('status')).toContainText('La session est créée.');
		await expect(page.getByText('8 places restantes sur 8')).toBeVisible();
		await expect(page.getByText('Personne n’est encore inscrit.')).toBeVisible();
		await page.goto('/formations?theme=security');
		await expect(page.locator('.result h3')).toContainText([title]);

		// the full Thursday of the demo: its registrants, and their file
		const full = (await sessions(page)).find((s) => s.title.startsWith('Les jeudis'))!;
		await page.goto(full.href);
		await page.getByRole('link', { name: 'Gérer cette session et voir les inscrits' }).click();
		await expect(page.getByRole('heading', { name: /^Inscrits \(\d+\)$/ })).toBeVisible();
		await expect(page.getByRole('table')).toContainText('Liste d’attente (position 1)');
		await axeAtBothWidths(page, 'a session’s registrants');
		const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Télécharger la liste/ }).click()]);
		const stream = await download.createReadStream();
		let csv = '';
		for await (const chunk of stream) csv += chunk;
		expect(csv.startsWith('\ufeffNom;Prénom;E-mail;Profil;Structure;État;Rang en liste d’attente;Inscription;Compte professionnel\r\n')).toBe(true);
		expect(csv).toContain('Aidant 13;Démo;aidant-13@demo.invalid');
	});
});

test('a structure that trains lists the sessions it runs, their registrants counted, and opens their attendance, without JavaScript', async ({ browser }) => {
	// the CAF trains the demo's relayed webinar (the Département organises it); the partner's account is of the CAF
	const context = await browser.newContext({ javaScriptEnabled: false, storageState: statePath('partner') });
	const page = await context.newPage();
	const scripted = await browser.newContext({ storageState: statePath('partner') });
	await page.goto('/espace/formations');
	await expect(page.getByRole('heading', { name: 'Les sessions que ma structure anime' })).toBeVisible();
	const item = page.locator('.result', { hasText: 'Formation assurée par CAF de Lot-et-Garonne' }).first();
	await expect(item).toContainText(/Aucun inscrit|\d+ inscrits? (sur|\(places)/);
	// not an organiser: the attendance, not the session's settings
	await expect(item.getByRole('link', { name: /^Inscrits et réglages/ })).toHaveCount(0);
	await axeAtBothWidths(page, '/espace/formations (the sessions my structure runs)', await scripted.newPage());
	await item.getByRole('link', { name: /^Présences et feuilles d’émargement/ }).click();
	await expect(h1(page)).toContainText('Présences et attestations');
	await context.close();
	await scripted.close();
});
