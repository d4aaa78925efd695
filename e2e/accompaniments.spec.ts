/**
 * Accompaniments in the browser: the mediator of the seed's médiathèque records an
 * individual accompaniment and a workshop on a 320 px phone without JavaScript, finds
 * them in the list with the totals, and repeats the last one. Both pages scanned by axe
 * (in a context with JavaScript: axe hangs without).
 *
 * Other specs may record for the same médiathèque meanwhile, and its place may be claimed
 * by another spec at any moment: the totals are compared with what they were before, and
 * the place is left to the form's default.
 */
import { test, expect, type Page } from '@playwright/test';
import { expectNoAxeViolations } from './helpers.ts';
import { statePath } from './accounts.ts';

/** a title no other run or spec uses */
const WORKSHOP = `Découvrir sa messagerie ${Date.now().toString(36)}`;

async function noHorizontalScroll(page: Page, what: string) {
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow, `horizontal overflow on ${what}`).toBeLessThanOrEqual(0);
}

/** The summary's figures (0 when the period has none yet). */
async function totals(page: Page) {
	const dd = (term: string) => page.locator('dl.profile dt', { hasText: term }).locator('xpath=following-sibling::dd[1]');
	if (!(await page.locator('dl.profile').count())) return { count: 0, individual: 0, collective: 0, people: 0 };
	const counts = (await dd('Accompagnements').innerText()).match(/^(\d+)\s: (\d+) individuels?, (\d+) ateliers?/);
	expect(counts, 'the summary counts the accompaniments').toBeTruthy();
	const people = Number((await dd('Personnes accompagnées').innerText()).match(/^\d+/)![0]);
	return { count: Number(counts![1]), individual: Number(counts![2]), collective: Number(counts![3]), people };
}

const submit = (page: Page) => page.getByRole('button', { name: 'Enregistrer l’accompagnement' }).click();
const group = (page: Page, name: string | RegExp) => page.getByRole('group', { name, exact: typeof name === 'string' });

test.describe('a mediator on a small phone, without JavaScript', () => {
	test.use({ storageState: statePath('mediator'), javaScriptEnabled: false, viewport: { width: 320, height: 640 } });

	test('records an individual accompaniment and a workshop, finds them with the totals, repeats the last one', async ({ page }) => {
		await page.goto('/espace/accompagnements');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Accompagnements');
		await noHorizontalScroll(page, '/espace/accompagnements');
		const before = await totals(page);

		// an individual accompaniment: the defaults are there, a theme is missing
		await page.getByRole('link', { name: 'Enregistrer un accompagnement' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Enregistrer un accompagnement');
		await noHorizontalScroll(page, 'the form');
		await expect(group(page, 'Type').getByLabel('Individuel\u00a0: une personne')).toBeChecked();
		await expect(group(page, 'Durée').getByLabel('30 min', { exact: true })).toBeChecked();
		await expect(group(page, 'Où').getByLabel('Lieu d’activité')).toBeChecked();
		await expect(page.getByLabel(/^Date/)).toHaveValue(/^\d{4}-\d{2}-\d{2}$/);
		await expect(page.getByLabel(/^Pour qui/)).toHaveValue('');
		await group(page, 'Durée').getByLabel('45 min', { exact: true }).check();
		await submit(page);
		await expect(page).toHaveTitle(/^Erreur\s: /);
		await expect(page.getByRole('alert')).toContainText('Le formulaire contient 1 erreur');
		await expect(page.getByRole('alert').getByRole('link', { name: 'Cochez au moins un thème.' })).toHaveAttribute('href', '#acc-themes-0');
		await noHorizontalScroll(page, 'the form with an error');
		// what was chosen is still there
		await expect(group(page, 'Durée').getByLabel('45 min', { exact: true })).toBeChecked();
		await group(page, /^Thèmes/)
			.getByLabel('E-mail', { exact: true })
			.check();
		await group(page, /^Démarches administratives/)
			.getByLabel('Social – Santé')
			.check();
		await group(page, /^Matériel utilisé/)
			.getByLabel('Téléphone', { exact: true })
			.check();
		await group(page, /^Autonomie atteinte/)
			.getByLabel('Autonome', { exact: true })
			.check();
		// the anonymous profile is folded: it opens without JavaScript
		await page.getByText('Profil de la personne anonyme (facultatif)').click();
		await page.getByLabel(/^Tranche d’âge/).selectOption({ label: '60 à 69 ans' });
		await page.getByLabel(/^Genre/).selectOption({ label: 'Femme' });
		await submit(page);
		await expect(page).toHaveURL(/\/espace\/accompagnements\?enregistre=1/);
		await expect(page.getByRole('status')).toContainText('L’accompagnement est enregistré.');

		// a workshop: too many people in a breakdown, then right
		await page.getByRole('link', { name: 'Enregistrer un accompagnement' }).click();
		await group(page, 'Type').getByLabel('Collectif\u00a0: un atelier').check();
		await group(page, 'Durée').getByLabel('1 h 30', { exact: true }).check();
		await group(page, /^Thèmes/)
			.getByLabel('E-mail', { exact: true })
			.check();
		await group(page, /^Thèmes/)
			.getByLabel('Navigation sur internet')
			.check();
		await page.getByLabel(/^Titre de l’atelier/).fill(WORKSHOP);
		await group(page, /^Niveau/)
			.getByLabel('Débutant')
			.check();
		await page.getByLabel(/^Nombre de participants/).fill('6');
		await page.getByText('Répartition des participants (facultatif)').click();
		await group(page, 'Participants par genre').getByLabel('Femme', { exact: true }).fill('4');
		await group(page, 'Participants par genre').getByLabel('Homme', { exact: true }).fill('3');
		await group(page, 'Participants par tranche d’âge').getByLabel('70 ans et plus').fill('5');
		await submit(page);
		await expect(page.getByRole('alert')).toContainText('Répartition par genre\u00a0: elle compte 7 personnes, mais l’atelier a 6 participants.');
		await noHorizontalScroll(page, 'the workshop form with an error');
		// the breakdown stays open with what was typed
		await expect(group(page, 'Participants par genre').getByLabel('Homme', { exact: true })).toHaveValue('3');
		await expect(page.getByLabel(/^Titre de l’atelier/)).toHaveValue(WORKSHOP);
		await group(page, 'Participants par genre').getByLabel('Homme', { exact: true }).fill('2');
		await submit(page);
		await expect(page.getByRole('status')).toContainText('L’accompagnement est enregistré.');

		// both in the list, with the totals
		const workshop = page.getByRole('row').filter({ hasText: WORKSHOP });
		await expect(workshop).toContainText('Collectif');
		await expect(workshop).toContainText('6 participants');
		await expect(workshop).toContainText('1 h 30');
		// themes in the national vocabulary's order
		await expect(workshop).toContainText('Navigation sur internet, E-mail');
		await expect(workshop).toContainText('Lou Médiation');
		const individual = page.getByRole('row').filter({ hasText: 'Personne anonyme' }).filter({ hasText: '45 min' }).first();
		await expect(individual).toContainText('E-mail, Aide aux démarches administratives, Social – Santé');
		const after = await totals(page);
		expect(after.count - before.count).toBeGreaterThanOrEqual(2);
		expect(after.individual - before.individual).toBeGreaterThanOrEqual(1);
		expect(after.collective - before.collective).toBeGreaterThanOrEqual(1);
		// one person, and the workshop's six
		expect(after.people - before.people).toBeGreaterThanOrEqual(7);
		await expect(page.locator('dl.profile')).toContainText('Temps passé');
		await expect(page.locator('dl.profile')).toContainText(/Autonome\s: [1-9]/);
		await noHorizontalScroll(page, 'the list with its table');

		// repeat the last one: the workshop, without its counts
		await page.getByRole('link', { name: 'Reprendre le dernier accompagnement' }).click();
		await expect(page.getByRole('heading', { name: 'Le formulaire reprend votre dernier accompagnement' })).toBeVisible();
		await expect(group(page, 'Type').getByLabel('Collectif\u00a0: un atelier')).toBeChecked();
		await expect(group(page, 'Durée').getByLabel('1 h 30', { exact: true })).toBeChecked();
		await expect(group(page, /^Thèmes/).getByLabel('E-mail', { exact: true })).toBeChecked();
		await expect(group(page, /^Thèmes/).getByLabel('Navigation sur internet')).toBeChecked();
		await expect(group(page, /^Thèmes/).getByLabel('Bureautique')).not.toBeChecked();
		await expect(page.getByLabel(/^Titre de l’atelier/)).toHaveValue(WORKSHOP);
		await expect(group(page, /^Niveau/).getByLabel('Débutant')).toBeChecked();
		await expect(page.getByLabel(/^Nombre de participants/)).toHaveValue('');
		await expect(page.getByLabel(/^Pour qui/)).toHaveValue('');
		await expect(group(page, /^Autonomie atteinte/).getByLabel('Non évaluée')).toBeChecked();
		await noHorizontalScroll(page, 'the repeated form');
	});
});

test('both pages have no axe violation, errors and folded parts included', async ({ browser }) => {
	const context = await browser.newContext({ storageState: statePath('mediator') });
	const page = await context.newPage();
	await page.goto('/espace/accompagnements');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Accompagnements');
	await expectNoAxeViolations(page, '/espace/accompagnements');
	await page.goto('/espace/accompagnements/nouveau');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Enregistrer un accompagnement');
	await expectNoAxeViolations(page, '/espace/accompagnements/nouveau');
	// nothing is written: the form has an error (no theme)
	await page.getByRole('group', { name: 'Type', exact: true }).getByLabel('Collectif\u00a0: un atelier').check();
	await page.getByRole('button', { name: 'Enregistrer l’accompagnement' }).click();
	await expect(page.getByRole('alert')).toContainText('Cochez au moins un thème.');
	await page.getByText('Profil de la personne anonyme (facultatif)').click();
	await page.getByText('Répartition des participants (facultatif)').click();
	await expectNoAxeViolations(page, 'the form with errors, every part open');
	await page.goto('/espace/accompagnements/nouveau?reprendre=1');
	await expectNoAxeViolations(page, 'the repeated form');
	await context.close();
});
