/**
 * The set-up accompaniment of a device handed over (issue 18, items 4 and 5) in the browser:
 * the médiathèque's place manager hands a laptop over without JavaScript, proposing a referral
 * to the médiathèque's place — a refusal in French first, then the referral sent; the place's
 * team (the mediator) finds it in its referrals; the coordinators' steering page and the
 * open-data table of devices given. Axe at 390 and 1280 px on the handover form, the steering
 * page and the open-data page.
 */
import { test, expect, type Page } from '@playwright/test';
import { axeAtBothWidths, expectNoAxeViolations } from './helpers.ts';
import { seed, statePath } from './accounts.ts';

const h1 = (page: Page) => page.getByRole('heading', { level: 1 });

test('a handover with a referral, the place’s inbox, the steering page and the open data', async ({ browser }) => {
	const s = seed();
	test.skip(!s.equipment || !s.places, 'the equipment seed needs the demo data');
	const device = `/espace/materiel/appareils/${s.equipment!.deviceId}`;

	// the form, with JavaScript, for axe
	const scripted = await browser.newContext({ storageState: statePath('place_manager') });
	const axePage = await scripted.newPage();
	await axePage.goto(device);
	await expect(axePage.getByRole('heading', { name: `Remettre l’appareil (demande ${s.equipment!.reference})` })).toBeVisible();
	await axeAtBothWidths(axePage, `${device} (handover form)`);

	// the handover, without JavaScript
	const context = await browser.newContext({ javaScriptEnabled: false, storageState: statePath('place_manager') });
	const page = await context.newPage();
	await page.goto(device);
	await page.getByLabel('Reçu signé sur papier').check();
	await page.getByLabel('Orientation vers un lieu du réseau pour la prise en main').check();
	await page.getByRole('button', { name: 'Enregistrer la remise' }).click();
	await expect(page).toHaveTitle(/^Erreur/);
	await expect(page.getByText('Choisissez le lieu de la prise en main.').first()).toBeVisible();
	await page.getByLabel('Reçu signé sur papier').check();
	await page.getByLabel('Orientation vers un lieu du réseau pour la prise en main').check();
	await page.getByLabel('Lieu de la prise en main').selectOption({ label: s.places!.mediatheque.nom });
	await page.getByRole('checkbox', { name: /^Identité/ }).check();
	await page.getByLabel('Accord oral, confirmé par le professionnel').check();
	await page.getByRole('button', { name: 'Enregistrer la remise' }).click();
	await expect(page.getByText('La remise est enregistrée.')).toBeVisible();
	const setup = page.locator('#prise-en-main + dl');
	await expect(setup).toContainText(s.places!.mediatheque.nom);
	await expect(setup).toContainText('Envoyée');
	await expect(setup).toContainText('En attente');
	await context.close();
	await axeAtBothWidths(axePage, `${device} (handed over)`);
	await scripted.close();

	// the place's team finds it among its referrals
	const team = await browser.newContext({ storageState: statePath('mediator') });
	const inbox = await team.newPage();
	await inbox.goto('/espace/orientations');
	await expect(inbox.getByText(/Yasmine/).first()).toBeVisible();
	await team.close();

	// the coordinators' steering page
	const steering = await browser.newContext({ storageState: statePath('coordinator') });
	const pilotage = await steering.newPage();
	await pilotage.goto('/pilotage/materiel?departement=47');
	await expect(h1(pilotage)).toHaveText('Matériel reconditionné');
	await expect(pilotage.getByRole('heading', { name: 'Prise en main', level: 2 })).toBeVisible();
	await axeAtBothWidths(pilotage, '/pilotage/materiel');
	await steering.close();

	// the open data: the devices given per area, a table and its CSV
	const open = await browser.newContext();
	const donnees = await open.newPage();
	await donnees.goto('/donnees');
	await expect(donnees.getByRole('heading', { name: 'Appareils reconditionnés donnés, par territoire' })).toBeVisible();
	const csv = await donnees.request.get('/donnees/pilotage/47/materiel-appareils-remis.csv');
	expect(csv.status()).toBe(200);
	expect(await csv.text()).toContain('Territoire');
	// axe at both widths (the page's embed snippet of the national map is code, not prose: donnees.spec.ts checks it so too)
	for (const width of [390, 1280]) {
		await donnees.setViewportSize({ width, height: 900 });
		await expectNoAxeViolations(donnees, `/donnees (equipment, ${width} px)`);
	}
	await open.close();
});
