/**
 * The refurbisher's team (issue 18) end to end on the demo data, without JavaScript: a member
 * of Transnumeric (the demo's refurbisher; its invitation seeded by e2e/serve.mjs) receives a
 * lot from the Commune de Boé and corrects its line, refurbishes a device — tests, the
 * description, an offer refused while the erasure report is missing, the report, the offer —
 * reserves it for the oldest waiting request of the demo, hands it over with a paper receipt,
 * takes it back in exchange for another device under warranty, and reads its history from the
 * donor to the person. The instance's administrator chooses the eligibility proofs accepted.
 * Axe at 390 and 1280 px on each page (in a scripted twin of the page: axe needs JavaScript).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, type Browser, type Page } from '@playwright/test';
import { axeAtBothWidths } from './helpers.ts';
import { PASSWORD, statePath, totpNow } from './accounts.ts';

const h1 = (page: Page) => page.getByRole('heading', { level: 1 });
const stamp = Date.now().toString(36);

/** The refurbisher accepts their invitation (with JavaScript, as a newcomer would), then works without it. */
async function refurbisherContexts(browser: Browser) {
	const seed = JSON.parse(readFileSync(join(process.env.E2E_DATA_DIR!, 'e2e-seed.json'), 'utf8'));
	const invitation = seed.invitations.refurbisher as { email: string; token: string } | undefined;
	expect(invitation, 'e2e/serve.mjs seeds the refurbisher’s invitation (needs the demo)').toBeTruthy();
	const scripted = await browser.newContext();
	const page = await scripted.newPage();
	await page.goto(`/invitation/${invitation!.token}`);
	await page.getByLabel('Choisissez un mot de passe').fill(PASSWORD);
	await page.getByLabel('Le même mot de passe, une seconde fois').fill(PASSWORD);
	await page.getByRole('button', { name: 'Créer mon compte' }).click();
	await expect(page).toHaveURL(/\/compte\/double-authentification/);
	const secret = (await page.locator('code').first().innerText()).replace(/\s+/g, '');
	await page.getByLabel('Le code à 6 chiffres affiché par l’application').fill(totpNow(secret));
	await page.getByRole('button', { name: 'Activer' }).click();
	await page.getByRole('link', { name: 'J’ai noté mes codes, continuer' }).click();
	await expect(page).toHaveURL(/\/espace$/);
	const nojs = await browser.newContext({ javaScriptEnabled: false, storageState: await scripted.storageState() });
	return { nojs: await nojs.newPage(), scripted: page, close: () => Promise.all([nojs.close(), scripted.close()]) };
}

test('the refurbisher receives a lot, refurbishes a device, hands it over and exchanges it, without JavaScript', async ({ browser }) => {
	test.setTimeout(180_000);
	const { nojs: page, scripted, close } = await refurbisherContexts(browser);
	const serial = `E2E-${stamp}`;
	const reference = `BOE-E2E-${stamp}`;

	// a lot received from the Commune de Boé (the refurbisher's own structure chosen for them)
	await page.goto('/espace/materiel');
	await expect(page.getByRole('heading', { level: 2, name: 'Stock de Transnumeric' })).toBeVisible();
	await page.getByRole('link', { name: 'Enregistrer un lot reçu et ses appareils' }).click();
	await page.getByLabel('Donateur', { exact: true }).selectOption({ label: 'Commune de Boé' });
	await page.getByLabel(/^Référence du lot/).fill(reference);
	await page.getByLabel(/^Appareils, un par ligne/).fill(`portable;Dell;Latitude 7490;${serial};2019;chargeur manquant`);
	await page.getByRole('button', { name: 'Enregistrer le lot' }).click();
	await expect(page.getByText('Le lot est enregistré (1 appareil(s)).')).toBeVisible();

	// the lot's line corrected while the device is not yet refurbished
	await page
		.getByRole('row', { name: new RegExp(serial) })
		.getByRole('link', { name: reference })
		.click();
	await expect(h1(page)).toHaveText(`Lot ${reference}`);
	await axeAtBothWidths(page, '/espace/materiel/lots/[id]', scripted);
	await page.getByLabel(/^Modèle/).fill('Latitude 7480');
	await page.getByRole('button', { name: 'Enregistrer les corrections' }).click();
	await expect(page.getByRole('status')).toContainText('Le lot est corrigé\u00a0: 1 appareil(s) corrigé(s).');
	await page.getByRole('link', { name: 'Corriger ce donateur' }).click();
	await expect(h1(page)).toHaveText('Corriger le donateur');
	await axeAtBothWidths(page, '/espace/materiel/donateurs/[id]/modifier', scripted);

	// refurbishing: tests, description, grade, warranty, price
	await page.goto('/espace/materiel?statut=received');
	await page
		.getByRole('row', { name: new RegExp(serial) })
		.getByRole('link', { name: /Latitude 7480/ })
		.click();
	await expect(h1(page)).toHaveText('Ordinateur portable Dell Latitude 7480');
	await page.getByRole('button', { name: 'Commencer le reconditionnement' }).click();
	await expect(page.getByRole('status')).toHaveText(/Le reconditionnement est commencé\./);
	for (const box of await page.locator('form[action="?/tester"] input[type="checkbox"]').all()) await box.check();
	await page.getByRole('button', { name: 'Enregistrer le test' }).click();
	await expect(page.getByRole('status')).toHaveText(/Le test est enregistré\./);
	await page.getByLabel('Processeur').fill('Intel Core i5-8350U');
	await page.getByLabel('Mémoire (Go)').fill('8');
	await page.getByLabel('Stockage (Go)').fill('256');
	await page.getByLabel('Grade').selectOption('B');
	await page.getByLabel('Garantie (mois)').fill('12');
	await page.getByLabel('Prix solidaire (€)').fill('120');
	await page.getByRole('button', { name: 'Enregistrer la fiche' }).click();
	await expect(page.getByRole('status')).toHaveText(/La fiche est enregistrée\./);

	// no offer without the erasure report (décret 2022-190): the refusal is said
	await page.getByRole('button', { name: 'Proposer l’appareil' }).click();
	await expect(page.getByRole('alert')).toContainText('le rapport d’effacement des données manque');
	await axeAtBothWidths(page, '/espace/materiel/appareils/[id] (refurbishing)', scripted);
	await page.getByLabel('Méthode').selectOption({ label: 'Réécriture complète du support' });
	await page.getByLabel(/^Logiciel ou outil/).fill('nwipe 0.36');
	await page.getByLabel('Effacé par').fill('Rémi Reconditionnement');
	await page.getByRole('button', { name: 'Enregistrer le rapport d’effacement' }).click();
	await expect(page.getByRole('status')).toHaveText(/Le rapport d’effacement est enregistré\./);
	await page.getByRole('button', { name: 'Proposer l’appareil' }).click();
	await expect(page.getByRole('status')).toHaveText(/L’appareil est proposé\./);
	await expect(page.locator('dl.facts').first()).toContainText('Disponible');
	await expect(page.locator('dl.facts').first()).toContainText(/120\s€/);

	// a prescriber's request of the demo reserved (the oldest first), handed over with a paper receipt
	await page.getByRole('button', { name: 'Réserver' }).click();
	await expect(page.getByRole('status')).toHaveText(/L’appareil est réservé\./);
	await expect(page.getByRole('heading', { level: 2, name: /^Remettre l’appareil \(demande D-DEMO-/ })).toBeVisible();
	await page.getByLabel('Reçu signé sur papier').check();
	await page.getByLabel('La personne ne souhaite pas d’accompagnement').check();
	await page.getByRole('button', { name: 'Enregistrer la remise' }).click();
	await expect(page.getByRole('status')).toHaveText(/La remise est enregistrée\./);
	await expect(page.locator('dl.facts').first()).toContainText('Remis');

	// brought back under warranty and exchanged for another laptop of the stock
	await page.getByRole('radio', { name: 'Échange sous garantie' }).check();
	await expect(page.getByLabel(/^Appareil d’échange/)).toBeVisible();
	await page.getByRole('button', { name: 'Enregistrer le retour' }).click();
	await expect(page.getByRole('status')).toHaveText(/Le retour est enregistré\./);
	await expect(page.locator('dl.facts').first()).toContainText('Retourné');
	await expect(page.locator('dl.facts').first()).toContainText(`${reference}, donné par Commune de Boé`);

	// the history, from the donor's lot to the person and back
	const history = page.locator('ol.history');
	for (const step of [
		'Reçu dans le lot',
		'Lignes du lot corrigées',
		'Fonctions testées',
		'Données effacées',
		'Proposé',
		'Réservé pour une demande',
		'Remis à la personne',
		'Retourné'
	])
		await expect(history).toContainText(step);
	await axeAtBothWidths(page, '/espace/materiel/appareils/[id] (returned)', scripted);
	// the exchanged laptop is now reserved for the same request
	await page.goto('/espace/materiel?statut=reserved');
	await expect(page.getByRole('table')).toBeVisible();
	await close();
});

test('the instance’s administrator chooses the eligibility proofs, without JavaScript', async ({ browser }) => {
	const scriptedContext = await browser.newContext({ storageState: statePath('admin') });
	const context = await browser.newContext({ javaScriptEnabled: false, storageState: statePath('admin') });
	const page = await context.newPage();
	await page.goto('/admin/instance');
	await page.getByRole('link', { name: 'Justificatifs retenus pour le matériel reconditionné' }).click();
	await expect(h1(page)).toHaveText('Justificatifs du matériel reconditionné');
	const form = page.locator('form').filter({ has: page.locator('input[name="departmentCode"][value="47"]') });
	const boxes = form.getByRole('checkbox');
	const before = await Promise.all((await boxes.all()).map((b) => b.isChecked()));
	for (const b of await boxes.all()) await b.uncheck();
	await form.getByRole('button').click();
	await expect(page.locator('#eligibility-47-erreur')).toContainText('Cochez au moins un justificatif.');
	await axeAtBothWidths(page, '/admin/instance/materiel', await scriptedContext.newPage());
	// what was accepted, saved again
	const all = await boxes.all();
	for (let i = 0; i < all.length; i++) if (before[i]) await all[i].check();
	await form.getByRole('button').click();
	await expect(page.getByRole('status')).toContainText('sont enregistrés');
	await context.close();
	await scriptedContext.close();
});
