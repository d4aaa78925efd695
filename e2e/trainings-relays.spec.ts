/**
 * Issue 17, relayed webinars, events and the organiser's cancellations, in the browser on the
 * demo's catalogue (trainings/demo.ts), without JavaScript:
 * - the médiathèque's mediator registers its place as a relay of the demo's relayed webinar,
 *   records the group's headcount; the session's and the place's public pages list it; the
 *   coordinator sees it with its headcount;
 * - anyone opens the forum's page from the catalogue, its sessions each with their own
 *   registration; the coordinator creates an event (errors first);
 * - the coordinator creates a session and cancels it: « Annulée » in the catalogue.
 * Axe on every page at 390 and 1280 px, and the French typography of the text.
 */
import { test, expect, type Browser, type Page } from '@playwright/test';
import { axeAtBothWidths } from './helpers.ts';
import { seed, statePath, type Persona } from './accounts.ts';

const RUN = Date.now().toString(36);
const h1 = (page: Page) => page.getByRole('heading', { level: 1 });
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

/** A browser context signed in as this persona (or anonymous): without JavaScript for the flows, with it for axe (axe needs it; the pages carry no script either way). */
async function as(browser: Browser, persona: Persona | null, javaScriptEnabled: boolean) {
	const context = await browser.newContext({ javaScriptEnabled, ...(persona ? { storageState: statePath(persona) } : {}) });
	return { context, page: await context.newPage() };
}

/** The demo's relayed webinar, from the catalogue. */
async function webinarHref(page: Page): Promise<string> {
	await page.goto('/formations');
	const link = page.locator('.result h3 a', { hasText: 'Webinaire' }).first();
	return (await link.getAttribute('href'))!;
}

const itemOf = (page: Page, sessionId: string) => page.locator('.result', { has: page.locator(`a[href="/formations/${sessionId}"]`) });

test('a place’s mediator registers it as a relay and records the group; the public pages list it; the coordinator sees it', async ({ browser }) => {
	const place = seed().places!.mediatheque;
	const js = await as(browser, 'mediator', true);
	const href = await webinarHref(js.page);
	const sessionId = href.split('/').pop()!;
	await js.page.goto('/espace/formations/relais');
	// a run before on the same server: the médiathèque withdrawn first (its relay opens again when
	// registered); only its own relay — the mediator's other places may hold one of the demo's relays,
	// which trainings.spec.ts counts while this spec runs
	const mine = js.page.locator('main ul li', { hasText: `à ${place.nom}` }).getByRole('link', { name: /Webinaire/ });
	if (await mine.count()) {
		await mine.first().click();
		await js.page.getByRole('button', { name: 'Retirer mon lieu des relais' }).click();
	}
	await expect(h1(js.page)).toHaveText('Lieux relais des webinaires');
	await axeAtBothWidths(js.page, '/espace/formations/relais');
	await itemOf(js.page, sessionId)
		.getByLabel(/^Nombre de personnes attendues/)
		.fill('0');
	await itemOf(js.page, sessionId).getByRole('button', { name: 'Inscrire ce lieu comme relais' }).click();
	await expect(js.page.getByRole('alert')).toContainText('Le lieu relais n’est pas complet.');
	await axeAtBothWidths(js.page, 'the relay form with an error');

	// the registration and the headcount without JavaScript
	const { context, page } = await as(browser, 'mediator', false);
	await page.goto('/espace/formations/relais');
	await itemOf(page, sessionId).getByLabel('Lieu qui accueille le groupe').selectOption(place.id);
	await itemOf(page, sessionId)
		.getByLabel(/^Nombre de personnes attendues/)
		.fill('8');
	await itemOf(page, sessionId).getByRole('button', { name: 'Inscrire ce lieu comme relais' }).click();
	await expect(page.getByRole('status')).toContainText('Votre lieu est inscrit comme relais.');
	await page.locator('input[name^="slot-"]').first().fill('7');
	await page.getByRole('button', { name: 'Enregistrer la présence' }).click();
	await expect(page.getByRole('status')).toContainText('La présence du groupe est enregistrée.');
	const relayUrl = new URL(page.url()).pathname;
	// a place that already relays the session is not offered it again (the walk's finding: the form, then « déjà »)
	await page.goto('/espace/formations/relais');
	await expect(itemOf(page, sessionId).getByText(`Déjà relayé chez vous`)).toBeVisible();
	// the médiathèque is no longer offered (the mediator's other places, claimed by other specs, may still be)
	await expect(itemOf(page, sessionId).locator(`select option[value="${place.id}"]`)).toHaveCount(0);
	await page.goto(href);
	await expect(page.locator('main')).toContainText(place.nom);
	await page.goto(`/lieux/${encodeURIComponent(place.id)}`);
	await expect(page.locator('main')).toContainText(/webinaire suivi en groupe dans ce lieu/i);
	await context.close();

	await js.page.goto(relayUrl);
	await expect(js.page.locator('input[name^="slot-"]').first()).toHaveValue('7');
	await axeAtBothWidths(js.page, 'a relay’s page with its headcount');
	await js.context.close();
	const anon = await as(browser, null, true);
	await anon.page.goto(href);
	await axeAtBothWidths(anon.page, 'a relayed webinar’s page with its relays');
	await anon.context.close();

	const coord = await as(browser, 'coordinator', true);
	await coord.page.goto(href);
	await coord.page.getByRole('link', { name: 'Gérer cette session et voir les inscrits' }).click();
	await coord.page.getByRole('link', { name: 'Lieux relais et présence en groupe' }).click();
	await expect(h1(coord.page)).toContainText('Lieux relais');
	await expect(coord.page.getByRole('row', { name: new RegExp(place.nom) })).toContainText('7');
	await axeAtBothWidths(coord.page, 'a session’s relays for its organiser');
	await coord.context.close();

	// withdrawn: the demo's webinar back to its own relays (trainings.spec.ts counts them)
	const again = await as(browser, 'mediator', false);
	await again.page.goto(relayUrl);
	await again.page.getByRole('button', { name: 'Retirer mon lieu des relais' }).click();
	await expect(h1(again.page)).toHaveText('Lieux relais des webinaires');
	await again.page.goto(href);
	await expect(again.page.locator('main')).not.toContainText(place.nom);
	await again.context.close();
});

test('the forum groups its sessions on its page; the coordinator creates an event', async ({ browser }) => {
	const anon = await as(browser, null, false);
	await anon.page.goto('/formations');
	await anon.page.getByRole('link', { name: 'Forum de la vie numérique & citoyenne' }).first().click();
	await expect(h1(anon.page)).toHaveText('Forum de la vie numérique & citoyenne');
	await expect(anon.page.locator('.result h3')).toHaveCount(2);
	await expect(anon.page.getByRole('link', { name: /^S’inscrire à/ })).toHaveCount(2);
	const eventUrl = new URL(anon.page.url()).pathname;
	await anon.context.close();
	const anonJs = await as(browser, null, true);
	await anonJs.page.goto(eventUrl);
	await axeAtBothWidths(anonJs.page, 'an event’s public page');
	await anonJs.context.close();

	const { context, page } = await as(browser, 'coordinator', true);
	await page.goto('/espace/formations/evenements');
	await expect(h1(page)).toHaveText('Événements de formation');
	await axeAtBothWidths(page, '/espace/formations/evenements');
	await page.getByLabel('Titre').fill('ab');
	await page.getByLabel('Premier jour').fill(inDays(70));
	await page.getByRole('button', { name: 'Créer l’événement' }).click();
	await expect(page.getByRole('alert')).toContainText('erreur');
	await axeAtBothWidths(page, 'the event form with errors');
	await page.getByLabel('Titre').fill(`Journée des aidants ${RUN}`);
	await page.getByLabel('Premier jour').fill(inDays(70));
	await page.getByRole('radio', { name: /^Publié/ }).check();
	await page.getByRole('button', { name: 'Créer l’événement' }).click();
	await expect(page.getByRole('status')).toContainText('L’événement est créé.');
	await axeAtBothWidths(page, 'an event for its organiser');
	await page.getByRole('link', { name: 'Voir la page publique de l’événement' }).click();
	await expect(page.getByText('Le programme de l’événement sera bientôt publié.')).toBeVisible();
	await context.close();
});

test('the coordinator cancels a session: « Annulée » in the catalogue', async ({ browser }) => {
	const title = `Session annulée ${RUN}`;
	const { context, page } = await as(browser, 'coordinator', true);
	await page.goto('/espace/formations/nouvelle');
	await page.getByLabel('Structure qui organise').selectOption({ label: 'Département de Lot-et-Garonne' });
	await page.getByLabel('Titre', { exact: true }).fill(title);
	await page.getByLabel(/^Objectifs/).fill('Protéger les comptes et les papiers des personnes que l’on aide.');
	await page.getByRole('checkbox', { name: 'Bénévoles' }).check();
	await page.getByLabel('Thème').selectOption({ label: 'Sécurité numérique et données personnelles' });
	await page.getByRole('radio', { name: 'Sur place' }).check();
	await page.getByLabel(/^Nom de la structure qui forme/).fill('Campus Numérique 47');
	await page.getByRole('button', { name: 'Créer la formation' }).click();
	await page.getByRole('link', { name: 'Ajouter une session' }).click();
	await page.getByLabel('Demi-journée 1, jour').fill(inDays(61));
	await page.locator('#session-lieu').selectOption({ index: 1 });
	await page.getByLabel(/^Nombre de places/).fill('8');
	await page.getByRole('button', { name: 'Créer la session' }).click();
	await expect(page.getByRole('status')).toContainText('La session est créée.');
	await page.getByRole('link', { name: 'Annuler une inscription ou la session' }).click();
	await expect(h1(page)).toContainText('Annulations');
	await axeAtBothWidths(page, 'a session’s cancellations');
	const cancelUrl = new URL(page.url()).pathname;

	// the cancellation without JavaScript
	const nojs = await as(browser, 'coordinator', false);
	await nojs.page.goto(cancelUrl);
	await nojs.page.getByLabel(/^Motif/).fill('Formatrice indisponible');
	await nojs.page.getByRole('button', { name: 'Annuler la session et prévenir les inscrits' }).click();
	await expect(nojs.page.getByRole('status')).toContainText('La session est annulée.');
	await nojs.page.goto('/formations');
	await expect(nojs.page.locator('.result', { has: nojs.page.getByRole('link', { name: title }) })).toContainText('Annulée');
	await nojs.context.close();

	await page.goto(cancelUrl);
	await expect(page.getByText('La session est annulée', { exact: false }).first()).toBeVisible();
	await axeAtBothWidths(page, 'a cancelled session’s cancellations');
	await context.close();
});
