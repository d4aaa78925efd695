/**
 * The journal in French (issue 12, item 13), as the coordinator of Lot-et-Garonne reads it
 * on the demo territory's seed: sentences with names (never a person's: "une personne"),
 * filters chosen from lists, the CSV export (and its own line in the journal).
 */
import { test, expect } from '@playwright/test';
import { expectNoAxeViolations } from './helpers.ts';
import { seed, statePath } from './accounts.ts';

test.use({ storageState: statePath('coordinator') });

test('sentences with names, filters from lists, CSV', async ({ page }) => {
	const s = seed();
	// the Pass family (the seed writes many lines: the contribution is not always on the first page)
	await page.goto('/admin/journal?action=pass.');
	const list = page.locator('.journal');
	await expect(list).toContainText(/Camille Coordination a enregistré une contribution de CAF de Lot-et-Garonne au fonds\u00a0: 5\s000\s€\./);
	await page.goto('/admin/journal');
	for (const width of [390, 1280]) {
		await page.setViewportSize({ width, height: 844 });
		await expectNoAxeViolations(page, `/admin/journal at ${width} px`);
	}

	// on a phone: the filters folded under « Filtrer le journal », the first entry on the first screen; no developer command
	await page.setViewportSize({ width: 390, height: 844 });
	await expect(page.locator('main')).toContainText(
		'Le journal est protégé\u00a0: personne ne peut modifier ni effacer une action écrite, et toute modification serait détectée.'
	);
	await expect(page.locator('main')).not.toContainText('npx maillage');
	await expect(page.locator('details.journal-filters')).not.toHaveAttribute('open', /.*/);
	await expect(page.getByLabel('Structure')).toBeHidden();
	await expect(list.locator('.journal__sentence').first()).toBeInViewport();
	await page.getByText('Filtrer le journal', { exact: true }).click();

	// a structure and an action, chosen in the lists
	await page.getByLabel('Structure').selectOption({ label: 'CAF de Lot-et-Garonne' });
	await page.getByLabel('Action', { exact: true }).selectOption({ label: 'Orientation envoyée' });
	await page.getByLabel('Période').selectOption({ label: 'Cette année' });
	await page.getByRole('button', { name: 'Filtrer', exact: true }).click();
	await expect(page).toHaveURL(new RegExp(`structure=${s.organisations.caf47}`));
	// filters chosen: the box is open and says how many
	await expect(page.locator('details.journal-filters > summary')).toHaveText('Filtrer le journal (3 filtres choisis)');
	await expect(page.locator('details.journal-filters')).toHaveAttribute('open', '');
	const sentences = await list.locator('.journal__sentence').allInnerTexts();
	expect(sentences.length).toBeGreaterThanOrEqual(3);
	for (const t of sentences) expect(t).toMatch(/^Paule Prescriptrice a orienté une personne vers .+ \(.+\)\.$/);
	expect(await page.locator('main').innerText()).not.toContain('Testeuse');
	await expect(page.getByLabel('Structure')).toHaveValue(s.organisations.caf47);

	// the CSV of these filters
	const href = await page.getByRole('link', { name: 'Télécharger ces actions pour un tableur (CSV)' }).getAttribute('href');
	expect(href).toContain(`structure=${s.organisations.caf47}`);
	const csv = await page.request.get(href!);
	expect(csv.status()).toBe(200);
	expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
	const body = await csv.text();
	expect(body.startsWith('\ufeffDate;Auteur;Action;Ce qui a été fait;Détails;Département;Adresse IP\r\n')).toBe(true);
	expect(body).toContain('Paule Prescriptrice;Orientation envoyée;Paule Prescriptrice a orienté une personne vers');
	expect(body).not.toContain('Testeuse');

	// the export is itself in the journal
	await page.goto('/admin/journal?action=journal.exported');
	await expect(list.locator('.journal__sentence').first()).toHaveText(/^Camille Coordination a exporté le journal \(\d+ lignes?\)\.$/);

	// a value that is not in a list: a French message, no 500
	await page.goto('/admin/journal?auteur=quelqu-un&periode=siecle');
	await expect(page.getByRole('alert')).toContainText('Choisissez la personne dans la liste.');
	await expect(page.getByRole('alert')).toContainText('Choisissez la période dans la liste.');
	await expectNoAxeViolations(page, '/admin/journal with errors');
});
