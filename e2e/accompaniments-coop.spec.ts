/**
 * Issue 14, item 8, in the browser: the mediator of the seed's médiathèque reaches the Coop
 * page from the accompaniments, checks then imports the Coop's export of activities as the
 * Coop gives it, an .xlsx workbook (test/fixtures/coop/coop-workbook.ts: the Coop's layout,
 * from activites-coop.csv, its dates moved to the last weeks and its ids new to this run),
 * imports it again and then its CSV (nothing new), sees a bad workbook refused row by row and
 * a broken one refused in French, and downloads their accompaniments in the Coop's columns
 * and as its API v1 JSON. Without JavaScript too. axe on every state (in a context with JavaScript: axe hangs without);
 * screenshots at 390 and 1280 px in test-results/coop/.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test, expect, type Page } from '@playwright/test';
import { expectNoAxeViolations } from './helpers.ts';
import { statePath } from './accounts.ts';
import { coopWorkbook } from '../test/fixtures/coop/coop-workbook.ts';

const FIXTURE = readFileSync(new URL('../test/fixtures/coop/activites-coop.csv', import.meta.url), 'utf8');
const COOP_HEADER =
	'Date;Enregistré le;Dernière modification le;Type;Participants;Bénéficiaire;Canaux d’accompagnement;Nom du lieu;Adresse;Commune;Code postal;Code Insee;Durée (min);Nom de l’atelier;Matériel numérique utilisé;Thématique(s) d’accompagnement;Tags;Nom de la démarche administrative;Niveau d’autonomie (ou de l’atelier);Bénéficiaire réorienté;Structure de redirection;Commune du bénéficiaire;Code postal du bénéficiaire;Code Insee du bénéficiaire;Genre du bénéficiaire;Tranche d’âge du bénéficiaire;Statut du bénéficiaire;Notes supplémentaires;ID CRA';

/** The fixture's CSV with new ids (a file of this run only) and its days moved so that the last one is two days ago. */
function coopCsv(): string {
	const ids = [...new Set(FIXTURE.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g))];
	let text = FIXTURE;
	for (const id of ids) text = text.replaceAll(id, randomUUID());
	const shift = Math.round((Date.now() - 2 * 86_400_000 - Date.parse('2026-11-18T12:00:00Z')) / 86_400_000);
	text = text.replace(/(\d\d)\/(\d\d)\/(\d{4})/g, (_, d, m, y) => {
		const day = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d), 12) + shift * 86_400_000);
		return `${String(day.getUTCDate()).padStart(2, '0')}/${String(day.getUTCMonth() + 1).padStart(2, '0')}/${day.getUTCFullYear()}`;
	});
	return text;
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Chooses the file as the Coop names its export (.xlsx), or a CSV, then « Vérifier ». */
const verify = async (page: Page, buffer: Buffer, name = 'coop-numerique_accompagnements_2026-11-20.xlsx') => {
	await page.getByLabel(/^Fichier exporté de la Coop/).setInputFiles({ name, mimeType: name.endsWith('.csv') ? 'text/csv' : XLSX, buffer });
	await page.getByRole('button', { name: 'Vérifier, sans rien enregistrer' }).click();
};

async function shots(page: Page, name: string) {
	for (const width of [390, 1280]) {
		await page.setViewportSize({ width, height: 900 });
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
		expect(overflow, `horizontal overflow at ${width} px (${name})`).toBeLessThanOrEqual(0);
		await page.screenshot({ path: `test-results/coop/${name}-${width}.png`, fullPage: true });
	}
}

test.describe('a mediator and La Coop', () => {
	test.use({ storageState: statePath('mediator') });

	test('checks, imports once, is refused a bad file, and downloads in the Coop’s words', async ({ page }) => {
		await page.goto('/espace/accompagnements');
		await page.getByRole('link', { name: 'La Coop de la médiation numérique' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('La Coop de la médiation numérique');
		await expectNoAxeViolations(page, 'the Coop page');
		await shots(page, 'page');

		// the file input takes the Coop's workbook and a CSV
		await expect(page.getByLabel(/^Fichier exporté de la Coop/)).toHaveAttribute('accept', /\.xlsx/);
		await expect(page.getByText('Enregistrer sous')).toHaveCount(0);

		// check the Coop's workbook as it is: six activities to create, what has no equivalent here
		const csvText = coopCsv();
		const file = await coopWorkbook(csvText);
		await verify(page, file);
		const reportBox = page.locator('#rapport');
		await expect(reportBox.getByRole('heading', { level: 3 })).toHaveText('Vérification\u00a0: 6 accompagnements à créer, 0 déjà présent');
		await expect(reportBox).toContainText('12 lignes lues');
		await expect(page.getByRole('table', { name: /Ce que maillage ne reprend pas/ })).toContainText('Associations');
		await expectNoAxeViolations(page, 'the Coop page, checked');
		await shots(page, 'checked');

		// import, then the same workbook again, then its CSV: nothing new
		await page.getByRole('button', { name: 'Importer ces 6 accompagnements' }).click();
		await expect(page).toHaveURL(/\/espace\/accompagnements\/coop\?importe=6-0/);
		await expect(page.getByRole('status')).toContainText('6 accompagnements importés.');
		await expectNoAxeViolations(page, 'the Coop page, imported');
		// « Voir vos accompagnements » opens the file's period: the oldest imported activity is on the list
		await page.getByRole('link', { name: /^Voir vos accompagnements du / }).click();
		await expect(page.getByRole('table', { name: /^Accompagnements du / })).toContainText('Prendre rendez-vous chez le médecin en ligne');
		await page.goBack();
		for (const [again, name] of [
			[file, undefined],
			[Buffer.from(csvText, 'utf8'), 'activites.csv']
		] as const) {
			await verify(page, again, name);
			await expect(reportBox.getByRole('heading', { level: 3 })).toHaveText('Vérification\u00a0: 0 accompagnement à créer, 6 déjà présents');
			await expect(reportBox).toContainText('Tout est déjà là');
			await expect(page.getByRole('button', { name: /^Importer/ })).toHaveCount(0);
		}

		// a bad workbook: each line by its row in the sheet, and why; nothing written
		const bad = await coopWorkbook(coopCsv().replace(';30;;Ordinateur;', ';trente;;Ordinateur;').replace('Navigation sur internet\nE-mail', 'Cuisine'));
		await verify(page, bad);
		await expect(page).toHaveTitle(/^Erreur\s: /);
		await expect(reportBox.getByRole('heading', { level: 3 })).toHaveText('1 ligne à corriger\u00a0: rien n’a été enregistré');
		const row = page.getByRole('table', { name: 'Les lignes à corriger dans le fichier' }).getByRole('row').nth(1);
		await expect(row).toContainText('23');
		await expect(row).toContainText('Durée « trente »\u00a0: un nombre entier de minutes, de 1 à 600.');
		await expect(row).toContainText('Thématique « Cuisine »\u00a0: elle n’est pas dans la liste de la Coop.');
		await expectNoAxeViolations(page, 'the Coop page, a bad file');
		await shots(page, 'refused');

		// a workbook cut short: said in French, nothing of the library's words
		await verify(page, file.subarray(0, file.length - 300));
		await expect(page.getByRole('alert')).toContainText('Ce classeur Excel (.xlsx) est abîmé ou incomplet');
		await expectNoAxeViolations(page, 'the Coop page, a broken workbook');

		// the downloads: the Coop's columns, the imported activities with their Coop ids
		await page.goto('/espace/accompagnements/coop?du=' + new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10));
		const csvLink = page.getByRole('link', { name: 'Télécharger au format de la Coop' });
		const csv = await page.request.get((await csvLink.getAttribute('href'))!);
		expect(csv.status()).toBe(200);
		expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
		expect(csv.headers()['content-disposition']).toMatch(/^attachment; filename="coop-numerique_accompagnements_\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d\.csv"$/);
		const text = (await csv.text()).replace(/^\ufeff/, '');
		expect(text.split('\r\n')[0]).toBe(COOP_HEADER);
		const firstId = csvText.match(/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/)![0];
		expect(text).toContain(firstId);
		expect(text).not.toContain('Zorglub');
		const json = await page.request.get((await page.getByRole('link', { name: 'Télécharger pour un outil' }).getAttribute('href'))!);
		expect(json.headers()['content-type']).toBe('application/json; charset=utf-8');
		const doc = await json.json();
		expect(doc.data.find((d: { id: string }) => d.id === firstId)?.attributes).toMatchObject({ type: 'individuel', type_lieu: 'lieu_activite', duree: 30 });
	});
});

test.describe('without JavaScript', () => {
	test.use({ storageState: statePath('mediator'), javaScriptEnabled: false });

	test('the workbook is checked and imported all the same', async ({ page }) => {
		await page.goto('/espace/accompagnements/coop');
		await verify(page, await coopWorkbook(coopCsv()));
		await expect(page.locator('#rapport').getByRole('heading', { level: 3 })).toHaveText('Vérification\u00a0: 6 accompagnements à créer, 0 déjà présent');
		await page.getByRole('button', { name: 'Importer ces 6 accompagnements' }).click();
		await expect(page.getByRole('status')).toContainText('6 accompagnements importés.');
	});
});
