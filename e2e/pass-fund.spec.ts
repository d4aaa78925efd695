/**
 * The Pass Numérique fund and campaigns in the browser: the coordinator records the CAF's
 * contribution, creates a campaign with a CAF share, generates two booklets, records the
 * share as paid (the vouchers are activated), entrusts the booklets to the CCAS and
 * downloads them as a PDF; axe on the hub, the fund, the campaigns, the new campaign form
 * and the campaign's page. Without JavaScript, the fund's form and the campaign's form
 * answer an empty submission in French, keep what was typed, then work. A partner sees
 * its dashboard link in the hub and the campaign its organisation funds, read-only.
 *
 * Everything is created through the pages, under names no other run uses: the e2e seed's
 * own campaign is neither needed nor touched.
 */
import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectNoAxeViolations } from './helpers.ts';
import { statePath } from './accounts.ts';

const RUN = Date.now().toString(36);
const CAMPAIGN = `Pass Numérique test ${RUN}`;
const CAF = 'CAF de Lot-et-Garonne';
const CCAS = 'CCAS de Marmande';

const h1 = (page: Page) => page.getByRole('heading', { level: 1 });
/** the count of one state in the campaign's "Pass par état" table */
const stateCount = (page: Page, label: string) =>
	page
		.getByRole('table', { name: /Nombre de pass de la campagne/ })
		.locator('tr', { has: page.getByRole('rowheader', { name: label, exact: true }) })
		.getByRole('cell');

test.describe.serial('the coordinator runs the fund', () => {
	test.use({ storageState: statePath('coordinator') });
	let campaignPath = '';

	test('the hub, then the fund: records the CAF’s contribution', async ({ page }) => {
		await page.goto('/espace');
		await page.getByRole('link', { name: 'Pass Numérique', exact: true }).click();
		await expect(h1(page)).toHaveText('Pass Numérique');
		for (const name of ['Fonds', 'Campagnes', 'Lieux qualifiés', 'Relevés', 'Alertes', 'Tableau de bord'])
			await expect(page.getByRole('link', { name, exact: true }), name).toBeVisible();
		await expect(page.getByText(/aucune alerte à examiner|\d+ alertes? à examiner/)).toBeVisible();
		await expectNoAxeViolations(page, '/espace/pass (coordinator)');

		await page.getByRole('link', { name: 'Fonds', exact: true }).click();
		await expect(h1(page)).toHaveText(/^Fonds du Pass Numérique/);
		await expectNoAxeViolations(page, '/espace/pass/fonds');
		await page.getByLabel('Partenaire qui verse').selectOption({ label: CAF });
		await page.getByLabel(/^Montant/).fill('1 000');
		await expect(page.getByLabel(/^Reçue le/)).toHaveValue(/^\d{4}-\d{2}-\d{2}$/);
		await page.getByLabel(/^Référence de la convention/).fill(`CONV-${RUN}`);
		await page.getByRole('button', { name: 'Enregistrer la contribution' }).click();
		await expect(page).toHaveURL(/enregistree=1/);
		await expect(page.getByRole('status')).toContainText('La contribution est enregistrée.');
		const row = page.getByRole('table', { name: /Contributions des partenaires/ }).getByRole('row', { name: new RegExp(`CONV-${RUN}`) });
		await expect(row).toContainText(CAF);
		await expect(row).toContainText('1 000 €');
		await expect(page.getByRole('table', { name: /Ce que chaque financeur/ }).getByRole('rowheader', { name: CAF, exact: true })).toBeVisible();
	});

	test('creates a campaign, generates booklets, records the share as paid, entrusts and prints them', async ({ page }) => {
		await page.goto('/espace/pass/campagnes');
		await expect(h1(page)).toHaveText(/^Campagnes du Pass Numérique/);
		await expectNoAxeViolations(page, '/espace/pass/campagnes');
		await page.getByRole('link', { name: 'Créer une campagne' }).click();
		await expect(h1(page)).toHaveText(/^Nouvelle campagne/);
		// the defaults: 10 €, carnets of 10, until 31 December, a month's tolerance
		await expect(page.getByLabel(/^Valeur d’un pass/)).toHaveValue('10');
		await expect(page.getByRole('group', { name: 'Pass par carnet' }).getByLabel('10 pass')).toBeChecked();
		await expect(page.locator('#campagne-fin')).toHaveValue(/^\d{4}-12-31$/);
		await expect(page.getByLabel(/^Tolérance/)).toHaveValue('31');
		await expectNoAxeViolations(page, '/espace/pass/campagnes/nouvelle');

		await page.getByLabel(/^Nom de la campagne/).fill(CAMPAIGN);
		await page.getByRole('group', { name: 'Pass par carnet' }).getByLabel('5 pass').check();
		await page.getByLabel('Financeur 1', { exact: true }).selectOption({ label: CAF });
		await page.getByLabel('Montant de la part 1', { exact: true }).fill('100');
		await page.getByRole('button', { name: 'Créer la campagne' }).click();
		await expect(h1(page)).toHaveText(CAMPAIGN);
		await expect(page.getByRole('status')).toContainText('La campagne est créée.');
		campaignPath = new URL(page.url()).pathname;

		// two booklets of 5: created, waiting for the funding
		await page.getByLabel(/^Nombre de carnets/).fill('2');
		await page.getByRole('button', { name: 'Créer les carnets' }).click();
		await expect(page.getByRole('status')).toContainText('Carnets n° 1 à 2 créés\u00a0: 10 pass.');
		await expect(stateCount(page, 'Créés')).toHaveText('10');
		await expect(stateCount(page, 'Activés')).toHaveText('0');

		// the CAF's share paid from its contribution: the campaign is funded, its vouchers activated
		await page.getByRole('button', { name: `Enregistrer le versement de ${CAF}` }).click();
		await expect(page.getByRole('status')).toContainText('la campagne est financée, 10 pass activés');
		await expect(stateCount(page, 'Créés')).toHaveText('0');
		await expect(stateCount(page, 'Activés')).toHaveText('10');
		await expect(page.getByRole('button', { name: /Enregistrer le versement/ })).toHaveCount(0);

		// entrusted to the CCAS
		await page.getByLabel('Structure', { exact: true }).selectOption({ label: CCAS });
		await page.getByLabel('Du n°', { exact: true }).fill('1');
		await page.getByLabel('au n°', { exact: true }).fill('2');
		await page.getByRole('button', { name: 'Confier les carnets' }).click();
		await expect(page.getByRole('status')).toContainText(`2 carnets confiés à ${CCAS}.`);
		const booklets = page.getByRole('table', { name: /^Carnets/ });
		await expect(booklets.getByRole('row', { name: new RegExp(`^1 ${CCAS}`) })).toBeVisible();
		await expect(booklets.getByRole('row', { name: new RegExp(`^2 ${CCAS}`) })).toBeVisible();
		await expectNoAxeViolations(page, 'the campaign’s page');

		// the booklets to print, A4
		const href = await page.getByRole('link', { name: 'Imprimer les carnets (A4, à découper)' }).getAttribute('href');
		expect(href).toBe(`${campaignPath}/carnets.pdf?format=a4`);
		const pdf = await page.request.get(href!);
		expect(pdf.status()).toBe(200);
		expect(pdf.headers()['content-type']).toBe('application/pdf');
		expect(pdf.headers()['content-disposition']).toMatch(/^attachment; filename="pass-.+-a4\.pdf"$/);
		expect(pdf.headers()['cache-control']).toMatch(/\bno-store\b/);
		const body = await pdf.body();
		expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
		// where to use them (issue 12, item 7): the slip of each booklet, read as a person would (poppler, zbar)
		const dir = mkdtempSync(join(tmpdir(), 'maillage-e2e-carnets-'));
		writeFileSync(join(dir, 'carnets.pdf'), body);
		const printed = execFileSync('pdftotext', ['-enc', 'UTF-8', join(dir, 'carnets.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
		const places = `${new URL(page.url()).origin}/lieux?pass=1`;
		expect(printed).toMatch(/Où utiliser vos pass\s\?/);
		expect(printed).toContain('Dans les lieux qui acceptent le Pass Numérique. Scannez ce QR code pour voir les plus proches de chez vous.');
		expect(printed).toMatch(/Proposé par : Département de Lot-et-Garonne\. Financé par : CAF de Lot-et-Garonne\./);
		expect(printed).toContain('Carnet n° 1 — 5 pass de 10 €');
		expect(printed).toContain('Carnet n° 2 — 5 pass de 10 €');
		execFileSync('pdftoppm', ['-r', '150', '-png', '-f', '2', '-l', '2', join(dir, 'carnets.pdf'), join(dir, 'slips')]);
		const decoded = execFileSync(
			'zbarimg',
			[
				'--raw',
				'-q',
				...readdirSync(dir)
					.filter((f) => f.startsWith('slips'))
					.map((f) => join(dir, f))
			],
			{ encoding: 'utf8' }
		)
			.split('\n')
			.filter(Boolean);
		expect(decoded).toEqual([places, places]);
		expect(printed).toContain(places);
		rmSync(dir, { recursive: true, force: true });
		// a range, in A6; a range with no booklet is a 404
		const a6 = await page.request.get(`${campaignPath}/carnets.pdf?format=a6&de=2&a=2`);
		expect(a6.status()).toBe(200);
		expect((await a6.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
		expect((await page.request.get(`${campaignPath}/carnets.pdf?format=a4&de=50&a=60`)).status()).toBe(404);

		// the list counts them
		await page.goto('/espace/pass/campagnes');
		const row = page.getByRole('row', { name: new RegExp(CAMPAIGN) });
		await expect(row).toContainText('Financée');
	});

	test('a partner: the hub shows its dashboard, the campaign its organisation funds is read-only', async ({ browser, baseURL }) => {
		expect(campaignPath, 'the campaign made by the previous test').not.toBe('');
		const context = await browser.newContext({ baseURL, storageState: statePath('partner'), locale: 'fr-FR', timezoneId: 'Europe/Paris' });
		const page = await context.newPage();
		await page.goto('/espace/pass');
		await expect(h1(page)).toHaveText('Pass Numérique');
		await expect(page.getByRole('link', { name: 'Tableau de bord', exact: true })).toBeVisible();
		await expect(page.getByRole('link', { name: 'Fonds', exact: true })).toHaveCount(0);
		await expectNoAxeViolations(page, '/espace/pass (partner)');

		await page.goto(campaignPath);
		await expect(h1(page)).toHaveText(CAMPAIGN);
		await expect(stateCount(page, 'Activés')).toHaveText('10');
		await expect(page.locator('main form')).toHaveCount(0);
		await expect(page.getByRole('button')).toHaveCount(0);
		await expect(page.getByRole('link', { name: /Imprimer les carnets/ })).toHaveCount(0);
		await expectNoAxeViolations(page, 'the campaign’s page (partner)');
		// printing stays the coordinators'
		expect((await page.request.get(`${campaignPath}/carnets.pdf?format=a4`, { maxRedirects: 0 })).status()).toBe(403);
		await context.close();
	});
});

test.describe('without JavaScript', () => {
	test.use({ storageState: statePath('coordinator'), javaScriptEnabled: false });

	test('the fund’s form: French errors for an empty form, then the contribution is recorded', async ({ page }) => {
		await page.goto('/espace/pass/fonds');
		await page.getByRole('button', { name: 'Enregistrer la contribution' }).click();
		await expect(page).toHaveTitle(/^Erreur\s: /);
		const alert = page.getByRole('alert');
		await expect(alert).toContainText('Le formulaire contient 3 erreurs');
		await expect(alert.getByRole('link', { name: 'Choisissez le partenaire qui verse la contribution.' })).toHaveAttribute('href', '#fonds-financeur');
		await expect(alert.getByRole('link', { name: /Indiquez un montant en euros/ })).toHaveAttribute('href', '#fonds-montant');
		await expect(alert.getByRole('link', { name: 'Indiquez la référence de la convention.' })).toHaveAttribute('href', '#fonds-convention');
		await expect(page.getByLabel(/^Montant/)).toHaveAttribute('aria-invalid', 'true');

		await page.getByLabel(/^Montant/).fill('250,50');
		await page.getByRole('button', { name: 'Enregistrer la contribution' }).click();
		await expect(page.getByRole('alert')).toContainText('Le formulaire contient 2 erreurs');
		// what was typed is kept
		await expect(page.getByLabel(/^Montant/)).toHaveValue('250,50');
		await page.getByLabel('Partenaire qui verse').selectOption({ label: CAF });
		await page.getByLabel(/^Référence de la convention/).fill(`SANS-JS-${RUN}`);
		await page.getByRole('button', { name: 'Enregistrer la contribution' }).click();
		await expect(page.getByRole('status')).toContainText('La contribution est enregistrée.');
		await expect(page.getByRole('row', { name: new RegExp(`SANS-JS-${RUN}`) })).toContainText('250,50 €');
	});

	test('the campaign’s form: French errors for an empty form, what was chosen kept, then created', async ({ page }) => {
		await page.goto('/espace/pass/campagnes/nouvelle');
		await page.getByRole('group', { name: 'Pass par carnet' }).getByLabel('5 pass').check();
		await page
			.getByRole('group', { name: /^Publics/ })
			.getByLabel('Seniors')
			.check();
		await page.getByRole('button', { name: 'Créer la campagne' }).click();
		await expect(page).toHaveTitle(/^Erreur\s: /);
		const alert = page.getByRole('alert');
		await expect(alert).toContainText('Le formulaire contient 2 erreurs');
		await expect(alert.getByRole('link', { name: 'Donnez un nom à la campagne (3 caractères au moins).' })).toHaveAttribute('href', '#campagne-nom');
		await expect(alert.getByRole('link', { name: 'Indiquez au moins un financeur et sa part.' })).toHaveAttribute('href', '#part-0-financeur');
		await expect(page.getByRole('group', { name: 'Pass par carnet' }).getByLabel('5 pass')).toBeChecked();
		await expect(page.getByRole('group', { name: /^Publics/ }).getByLabel('Seniors')).toBeChecked();

		const name = `${CAMPAIGN} sans JS`;
		await page.getByLabel(/^Nom de la campagne/).fill(name);
		await page.getByLabel('Financeur 1', { exact: true }).selectOption({ label: CAF });
		await page.getByLabel('Montant de la part 1', { exact: true }).fill('50');
		await page.getByLabel('Financeur 2', { exact: true }).selectOption({ label: CCAS });
		await page.getByLabel('Montant de la part 2', { exact: true }).fill('50');
		await page.getByRole('button', { name: 'Créer la campagne' }).click();
		await expect(h1(page)).toHaveText(name);
		await expect(page.getByRole('status')).toContainText('La campagne est créée.');
		await expect(page.getByText('Seniors', { exact: true })).toBeVisible();
		await expect(page.locator('dd', { hasText: 'pass possibles' })).toContainText('10 pass possibles');

		// the CCAS never paid into the fund: its share cannot be recorded as paid
		await page.getByRole('button', { name: `Enregistrer le versement de ${CCAS}` }).click();
		await expect(page.getByRole('alert')).toContainText(`Les contributions de ${CCAS} ne couvrent pas sa part`);
		await expect(page.getByRole('button', { name: `Enregistrer le versement de ${CCAS}` })).toBeVisible();
	});
});

test.describe('the hub for the care teams', () => {
	test('a prescriber: how many pass their structure can still hand out, and where to do it', async ({ browser, baseURL }) => {
		const context = await browser.newContext({ baseURL, storageState: statePath('prescriber') });
		const page = await context.newPage();
		await page.goto('/espace/pass');
		await expect(h1(page)).toHaveText('Pass Numérique');
		await expect(page.getByRole('heading', { name: 'Remettre des pass' })).toBeVisible();
		// the seed entrusted booklets to the prescriber's structure
		await expect(page.getByText(/Votre structure a encore \d+ pass à remettre \(\d+ carnets?\)/)).toBeVisible();
		await expect(page.getByRole('link', { name: 'Remettre des pass à une personne' })).toHaveAttribute('href', '/espace/pass/remettre');
		// coordination is not theirs
		await expect(page.getByRole('link', { name: 'Fonds', exact: true })).toHaveCount(0);
		await expectNoAxeViolations(page, '/espace/pass (prescriber)');
		await context.close();
	});

	test('a mediator: redeem a pass, their place’s statements and latest redemptions', async ({ browser, baseURL }) => {
		const context = await browser.newContext({ baseURL, storageState: statePath('mediator') });
		const page = await context.newPage();
		await page.goto('/espace/pass');
		await expect(page.getByRole('link', { name: 'Encaisser un pass' })).toHaveAttribute('href', '/espace/pass/encaisser');
		await expect(page.getByRole('heading', { name: 'Vos derniers relevés' })).toBeVisible();
		await expect(page.getByRole('heading', { name: 'Derniers pass encaissés' })).toBeVisible();
		await expect(page.getByRole('link', { name: 'Remettre des pass à une personne' })).toHaveCount(0);
		await expectNoAxeViolations(page, '/espace/pass (mediator)');
		await context.close();
	});
});
