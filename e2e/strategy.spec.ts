/**
 * The strategy (issue 16, item 6) in the browser: the coordinator of 47 adds an axis, an
 * action of the roadmap (pilot, funding, indicator and its target, due date) and a note,
 * downloads the roadmap as CSV and XLSX, prepares a steering committee and records a
 * decision linked to the action, then follows it to « Faite ». The CAF's partner reads all
 * of it and can change nothing (no form; a crafted post is refused); the coordinator of 33
 * sees nothing of 47. Axe on every page at 390 and 1280 px. Without JavaScript, the action's
 * and the meeting's forms answer in French field by field, keep what was typed, then work.
 */
import { test, expect, type Page } from '@playwright/test';
import { axeAtBothWidths } from './helpers.ts';
import { statePath } from './accounts.ts';

const RUN = Date.now().toString(36);
const AXIS = `Réseau de proximité ${RUN}`;
const ACTION = `Permanence itinérante ${RUN}`;
const DECISION = `Proposer un itinéraire ${RUN}`;
const CAF = 'CAF de Lot-et-Garonne';
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
const h1 = (page: Page) => page.getByRole('heading', { level: 1 });

let actionPath = '';
let meetingPath = '';

test.describe.serial('the coordinator keeps the roadmap and the committees', () => {
	test.use({ storageState: statePath('coordinator') });

	test('an axis, then an action with its pilot, funding, indicator and due date; a note; the exports', async ({ page }) => {
		await page.goto('/pilotage/feuille-de-route');
		await expect(h1(page)).toHaveText('Feuille de route');
		await expect(page.getByRole('navigation', { name: 'Fil d’Ariane' }).getByRole('link', { name: 'Pilotage' })).toHaveAttribute('href', '/pilotage');
		await page.getByLabel(/^Ajouter un axe/).fill(AXIS);
		await page.getByRole('button', { name: 'Ajouter l’axe' }).click();
		await expect(page.getByRole('status')).toContainText('L’axe a été ajouté.');
		await axeAtBothWidths(page, '/pilotage/feuille-de-route');

		await page.getByRole('link', { name: 'Ajouter une action' }).click();
		await expect(h1(page)).toHaveText('Nouvelle action');
		await axeAtBothWidths(page, '/pilotage/feuille-de-route/nouvelle');
		await page.getByLabel('Titre de l’action').fill(ACTION);
		await page.getByLabel('Axe de la feuille de route (facultatif)').selectOption({ label: AXIS });
		await page.getByLabel('Structure pilote').selectOption({ label: CAF });
		await page.getByLabel('Tout le département').check();
		await page.getByLabel(/^Budget de l’action/).fill('45 000');
		await page.getByLabel('Financeur 1').selectOption({ label: CAF });
		await page.getByLabel('Montant 1').fill('20000');
		await page.getByRole('checkbox', { name: 'Communes sans aucun lieu à moins de 15 km (zones blanches)' }).check();
		await page.getByRole('textbox', { name: /^Cible.*Communes sans aucun lieu/ }).fill('0');
		await page.getByLabel('Échéance').fill(inDays(180));
		await page.getByRole('radio', { name: 'En cours' }).check();
		await page.getByRole('button', { name: 'Ajouter l’action' }).click();

		await expect(h1(page)).toHaveText(ACTION);
		await expect(page.getByRole('status')).toContainText('L’action a été ajoutée à la feuille de route.');
		actionPath = new URL(page.url()).pathname;
		const facts = page.locator('dl.profile');
		await expect(facts).toContainText('En cours');
		await expect(facts).toContainText(CAF);
		await expect(facts).toContainText('Tout le département');
		await expect(facts).toContainText(/45\s000\s€.*20\s000\s€ financés, 25\s000\s€ restent à financer/);
		await expect(page.getByRole('table', { name: /Indicateurs que l’action doit faire bouger/ })).toContainText('0 communes');

		await page.getByLabel('Où en est l’action').fill('Itinéraire proposé aux communes.');
		await page.getByRole('button', { name: 'Ajouter le point' }).click();
		await expect(page.getByRole('status')).toContainText('Le point d’avancement a été ajouté.');
		await expect(page.locator('#historique + ol')).toContainText('Itinéraire proposé aux communes.');
		await axeAtBothWidths(page, 'an action’s page (coordinator)');

		// the roadmap lists it, and the filters find it by axis and by partner
		await page.goto('/pilotage/feuille-de-route');
		await page.getByText('Filtrer les actions').click();
		await page.getByLabel('Axe', { exact: true }).selectOption({ label: AXIS });
		await page.getByRole('button', { name: 'Filtrer' }).click();
		const table = page.getByRole('table', { name: /Actions de la feuille de route/ });
		await expect(table.getByRole('rowheader')).toHaveText([ACTION]);
		const csv = await page.request.get(`/pilotage/feuille-de-route.csv?${new URL(page.url()).searchParams}`);
		expect(csv.status()).toBe(200);
		expect(csv.headers()['content-type']).toContain('text/csv');
		const body = await csv.text();
		expect(body).toContain(`${ACTION};${AXIS};${CAF};`);
		expect(body.trim().split('\r\n')).toHaveLength(2);
		const xlsx = await page.request.get('/pilotage/feuille-de-route.xlsx');
		expect(xlsx.status()).toBe(200);
		expect(xlsx.headers()['content-disposition']).toMatch(/feuille-de-route-47-.*\.xlsx/);
		expect((await xlsx.body()).subarray(0, 2).toString()).toBe('PK');
	});

	test('a committee prepared, held, with a decision on the action followed until done', async ({ page }) => {
		expect(actionPath, 'the action made by the previous test').not.toBe('');
		await page.goto('/pilotage/comites');
		await expect(h1(page)).toHaveText('Comités de pilotage');
		await axeAtBothWidths(page, '/pilotage/comites');
		await page.getByRole('link', { name: 'Préparer une réunion' }).click();
		await expect(h1(page)).toHaveText('Nouvelle réunion');
		await axeAtBothWidths(page, '/pilotage/comites/nouveau');
		await page.getByLabel('Type de réunion').selectOption({ label: 'Comité de pilotage (COPIL)' });
		await page.getByLabel('Date').fill(inDays(-3));
		await page.getByLabel(/^Heure de début/).fill('14h30');
		await page.getByRole('radio', { name: 'Sur place et en visio' }).check();
		await page.getByLabel(/^Lieu ou lien de la visio/).fill('Hôtel du Département, Agen');
		await page
			.getByRole('group', { name: /Structures présentes/ })
			.getByLabel(CAF)
			.check();
		await page.getByLabel(/^Compte rendu/).fill('Les partenaires valident la permanence itinérante.');
		await page.getByRole('button', { name: 'Créer la réunion' }).click();
		await expect(page.getByRole('status')).toContainText('La réunion a été créée.');
		meetingPath = new URL(page.url()).pathname;
		await expect(h1(page)).toHaveText(/^Comité de pilotage \(COPIL\) du /);
		await expect(page.locator('dl.profile')).toContainText('14 h 30');

		await page.getByLabel('Décision', { exact: true }).fill(DECISION);
		await page.getByLabel('Structure qui la porte (facultatif)').selectOption({ label: CAF });
		await page.getByLabel(/^Échéance \(facultatif\)/).fill(inDays(20));
		await page
			.getByRole('group', { name: /Actions de la feuille de route concernées/ })
			.getByLabel(ACTION)
			.check();
		await page.getByRole('button', { name: 'Ajouter la décision' }).click();
		await expect(page.getByRole('status')).toContainText('La décision a été enregistrée.');
		const decision = page.locator('.decisions > li', { hasText: DECISION });
		await expect(decision).toContainText('À faire');
		await expect(decision.getByRole('link', { name: ACTION })).toHaveAttribute('href', actionPath);
		await axeAtBothWidths(page, 'a meeting’s page (coordinator)');

		// the decision to follow, on the committees' page
		await page.goto('/pilotage/comites');
		await expect(page.getByRole('table', { name: /Décisions des comités pas encore faites/ })).toContainText(DECISION);
		await page.goto(meetingPath);
		await page.getByLabel(`État de la décision « ${DECISION} »`).selectOption({ label: 'Faite' });
		await page.getByRole('button', { name: `Changer l’état de la décision « ${DECISION} »` }).click();
		await expect(page.getByRole('status')).toContainText('L’état de la décision a été changé.');
		await expect(page.locator('.decisions > li', { hasText: DECISION })).toContainText(/Faite\s.*Faite le/);
		// the action's page shows the decision; the action is then marked done through its form
		await page.goto(actionPath);
		await expect(page.getByRole('link', { name: DECISION })).toBeVisible();
		await expect(page.getByLabel('Titre de l’action')).toHaveValue(ACTION);
		await expect(page.getByLabel(/^Budget de l’action/)).toHaveValue('45000');
		await page.getByRole('radio', { name: 'Réalisée' }).check();
		await page.getByRole('button', { name: 'Enregistrer l’action' }).click();
		await expect(page.getByRole('status')).toContainText('L’action a été enregistrée.');
		await expect(page.locator('dl.profile')).toContainText('Réalisée');
		// the printable version: the minutes and the decisions, no form
		await page.goto(`${meetingPath}?impression`);
		await expect(page.locator('main form')).toHaveCount(0);
		await expect(page.locator('main')).toContainText('Les partenaires valident la permanence itinérante.');
	});
});

test.describe('the others', () => {
	test('the CAF’s partner reads the roadmap and the committee, and can change nothing', async ({ browser, baseURL }) => {
		test.skip(!actionPath || !meetingPath, 'needs the coordinator’s action and meeting');
		const context = await browser.newContext({ baseURL, storageState: statePath('partner'), locale: 'fr-FR', timezoneId: 'Europe/Paris' });
		const page = await context.newPage();
		await page.goto('/pilotage/feuille-de-route');
		await expect(page.getByRole('table', { name: /Actions de la feuille de route/ })).toContainText(ACTION);
		await expect(page.getByRole('link', { name: 'Ajouter une action' })).toHaveCount(0);
		await expect(page.locator('main form[method="post"]')).toHaveCount(0);
		await axeAtBothWidths(page, '/pilotage/feuille-de-route (partner)');
		await page.goto(actionPath);
		await expect(h1(page)).toHaveText(ACTION);
		await expect(page.getByRole('heading', { name: 'Modifier l’action' })).toHaveCount(0);
		await expect(page.locator('main form')).toHaveCount(0);
		await axeAtBothWidths(page, 'an action’s page (partner)');
		await page.goto(meetingPath);
		await expect(page.locator('.decisions')).toContainText(DECISION);
		await expect(page.locator('main form')).toHaveCount(0);
		await axeAtBothWidths(page, 'a meeting’s page (partner)');
		// a crafted post: refused, nothing changed
		const post = await page.request.post(`${actionPath}?/modifier`, {
			headers: { accept: 'text/html', origin: baseURL! },
			form: { title: 'Détournée', pilotId: '', dueDate: inDays(10), status: 'done', departement: '47' },
			maxRedirects: 0
		});
		expect(post.status()).toBe(403);
		const csv = await page.request.get('/pilotage/feuille-de-route.csv');
		expect(await csv.text()).toContain(ACTION);
		await page.goto(actionPath);
		await expect(h1(page)).toHaveText(ACTION);
		await context.close();
	});

	test('the coordinator of 33 sees nothing of 47; a prescriber no strategy at all', async ({ browser, baseURL }) => {
		test.skip(!actionPath, 'needs the coordinator’s action');
		for (const persona of ['coordinator_other_department', 'prescriber'] as const) {
			const context = await browser.newContext({ baseURL, storageState: statePath(persona) });
			const page = await context.newPage();
			expect((await page.request.get(actionPath, { maxRedirects: 0 })).status()).toBe(403);
			expect((await page.request.get(meetingPath, { maxRedirects: 0 })).status()).toBe(403);
			const list = await page.request.get('/pilotage/feuille-de-route?departement=47', { maxRedirects: 0 });
			if (persona === 'prescriber') expect(list.status()).toBe(403);
			else expect(await list.text()).not.toContain(ACTION);
			await context.close();
		}
	});
});

test.describe('without JavaScript', () => {
	test.use({ storageState: statePath('coordinator'), javaScriptEnabled: false });

	test('the action’s form: French errors field by field, what was typed kept, then the action is added', async ({ page }) => {
		await page.goto('/pilotage/feuille-de-route/nouvelle');
		await page.getByLabel(/^Budget de l’action/).fill('beaucoup');
		await page.getByRole('button', { name: 'Ajouter l’action' }).click();
		await expect(page).toHaveTitle(/^Erreur\s: /);
		const alert = page.getByRole('alert');
		await expect(alert).toContainText('Le formulaire contient 4 erreurs');
		await expect(alert.getByRole('link', { name: 'Donnez un titre à l’action (3 caractères au moins).' })).toHaveAttribute('href', '#action-titre');
		await expect(alert.getByRole('link', { name: 'Choisissez la structure qui pilote l’action.' })).toHaveAttribute('href', '#action-pilote');
		await expect(alert.getByRole('link', { name: 'Indiquez l’échéance (jour, mois, année).' })).toHaveAttribute('href', '#action-echeance');
		await expect(page.getByLabel('Titre de l’action')).toHaveAttribute('aria-invalid', 'true');
		await expect(page.getByLabel(/^Budget de l’action/)).toHaveValue('beaucoup');

		await page.getByLabel('Titre de l’action').fill(`${ACTION} sans JavaScript`);
		await page.getByLabel('Structure pilote').selectOption({ label: CAF });
		await page.getByLabel(/^Budget de l’action/).fill('12 000');
		await page.getByLabel('Échéance').fill(inDays(-1));
		await page.getByRole('button', { name: 'Ajouter l’action' }).click();
		// where it applies is still missing: said, and the rest kept
		await expect(page.getByRole('alert')).toContainText('Dites où porte l’action');
		await expect(page.getByLabel('Titre de l’action')).toHaveValue(`${ACTION} sans JavaScript`);
		await page.getByRole('textbox', { name: /^Communes/ }).fill('Nérac, Mézin');
		await page.getByRole('button', { name: 'Ajouter l’action' }).click();
		await expect(h1(page)).toHaveText(`${ACTION} sans JavaScript`);
		await expect(page.locator('dl.profile')).toContainText('Nérac, Mézin');
		// due yesterday and not done: late
		await expect(page.locator('dl.profile')).toContainText('En retard');

		// deleting asks for the confirmation
		await page.getByRole('button', { name: 'Supprimer l’action' }).click();
		await expect(page.getByRole('alert')).toContainText('Cochez la case pour confirmer la suppression.');
		await page.getByLabel(/^Je confirme la suppression de l’action/).check();
		await page.getByRole('button', { name: 'Supprimer l’action' }).click();
		await expect(page.getByRole('status')).toContainText('L’action a été supprimée.');
		await expect(page.locator('main')).not.toContainText(`${ACTION} sans JavaScript`);
	});

	test('the meeting’s form and a decision, without JavaScript', async ({ page }) => {
		await page.goto('/pilotage/comites/nouveau');
		await page.getByLabel(/^Heure de début/).fill('25h');
		await page.getByRole('button', { name: 'Créer la réunion' }).click();
		const alert = page.getByRole('alert');
		await expect(alert).toContainText('Le formulaire contient 2 erreurs');
		await expect(alert.getByRole('link', { name: 'Indiquez la date de la réunion (jour, mois, année).' })).toHaveAttribute('href', '#reunion-date');
		await expect(alert.getByRole('link', { name: 'Indiquez l’heure, par exemple 14:30.' })).toHaveAttribute('href', '#reunion-heure');
		await page.getByLabel('Date').fill(inDays(40));
		await page.getByLabel(/^Heure de début/).fill('9h30');
		await page.getByLabel(/^Ordre du jour/).fill(`Suivi des décisions ${RUN}`);
		await page.getByRole('button', { name: 'Créer la réunion' }).click();
		await expect(page.getByRole('status')).toContainText('La réunion a été créée.');
		await expect(page.locator('dl.profile')).toContainText('(à venir)');
		await page.getByRole('button', { name: 'Ajouter la décision' }).click();
		await expect(page.getByRole('alert')).toContainText('Écrivez la décision (3 caractères au moins).');
		await page.getByLabel('Décision', { exact: true }).fill(`Chiffrer la permanence ${RUN}`);
		await page.getByRole('button', { name: 'Ajouter la décision' }).click();
		await expect(page.locator('.decisions')).toContainText(`Chiffrer la permanence ${RUN}`);
		// the next meeting is shown first on the committees' page
		await page.goto('/pilotage/comites');
		await expect(page.locator('.panel')).toContainText('Comité de pilotage (COPIL)');
	});
});
