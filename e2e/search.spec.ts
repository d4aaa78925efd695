import { test, expect } from '@playwright/test';
import { expectNoAxeViolations } from './helpers.ts';
import { statePath } from './accounts.ts';

/**
 * Issue 12, items 4–7, on the demo territory's real data (Lot-et-Garonne, loaded by
 * e2e/serve.mjs): useful places first, a distance on every result, the instance's
 * département first, the area covered, numbered pages, the Pass Numérique filter, a
 * person reading on a phone.
 */

test.describe('on a phone (390 × 844)', () => {
	test.use({ viewport: { width: 390, height: 844 } });

	test('the first result is on the first screen, with its distance, and the page passes axe', async ({ page }) => {
		await page.goto('/lieux?ou=Agen');
		const first = page.locator('#resultats > li').first();
		await expect(first).toBeVisible();
		const box = (await first.locator('h3').boundingBox())!;
		expect(box.y + box.height, 'the first result’s name within the first screen').toBeLessThanOrEqual(844);
		// a complete place first: an exact position, known hours
		await expect(first).not.toContainText('Position approximative');
		await expect(first).not.toContainText('Horaires non renseignés');
		// a distance (or « dans la commune ») on every result
		const metas = await page.locator('#resultats > li .result__meta').allTextContents();
		expect(metas.length).toBeGreaterThan(10);
		for (const m of metas) expect(m).toMatch(/à (environ )?[\d,]+\s?k?m|dans la commune/);
		await expectNoAxeViolations(page, '/lieux?ou=Agen at 390 px');
	});

	test('« Villeneuve »: Villeneuve-sur-Lot, its complete places first, not the one set at the commune’s centre with nothing known', async ({ page }) => {
		await page.goto('/lieux?ou=Villeneuve');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Lieux près de Villeneuve-sur-Lot (47)');
		for (const r of (await page.locator('#resultats > li').all()).slice(0, 2)) {
			await expect(r).toContainText(/47300\s*Villeneuve-sur-Lot/i);
			await expect(r).not.toContainText('Position approximative');
			await expect(r).not.toContainText('Horaires non renseignés');
		}
	});

	test('a place’s page: distance from the search, directions, the claim link; hours fit two lines a day', async ({ page }) => {
		await page.goto('/lieux?ou=Agen');
		await page.locator('#resultats > li h3 a').first().click();
		await expect(page.getByText(/^À [\d,]+\s?k?m d’Agen|^Dans la commune recherchée/)).toBeVisible();
		await expect(page.getByRole('link', { name: 'sur OpenStreetMap' })).toHaveAttribute('href', /^https:\/\/www\.openstreetmap\.org\/directions\?route=/);
		await expect(page.getByRole('link', { name: /application de cartes/ })).toHaveAttribute('href', /^geo:-?\d/);
		await expect(page.getByRole('link', { name: 'Demandez à le gérer' })).toHaveAttribute('href', /^\/espace\/lieux\?lieu=/);
		const rows = page.locator('table.table--hours tbody tr');
		if (await rows.count()) {
			for (const cell of await page.locator('table.table--hours tbody td').all()) {
				const h = (await cell.boundingBox())!.height;
				const line = await cell.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight) || 24);
				expect(h, 'opening hours: two lines a day at most').toBeLessThanOrEqual(2 * line + 20);
			}
		}
		await expectNoAxeViolations(page, 'a place’s page at 390 px');
	});
});

test.describe('on a wide screen (1280)', () => {
	test.use({ viewport: { width: 1280, height: 900 } });

	test('Agen: complete places first, axe clean', async ({ page }) => {
		await page.goto('/lieux?ou=Agen');
		const first = page.locator('#resultats > li').first();
		await expect(first).not.toContainText('Position approximative');
		await expect(first).not.toContainText('Horaires non renseignés');
		await expectNoAxeViolations(page, '/lieux?ou=Agen at 1280 px');
	});

	test('"Villeneuve" is Villeneuve-sur-Lot; "Paris" says which area the site covers', async ({ page }) => {
		await page.goto('/lieux?ou=Villeneuve');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Villeneuve-sur-Lot/);
		await page.goto('/lieux?ou=Paris');
		await expect(page.getByText(/Ce site couvre\s:\sLot-et-Garonne \(47\)/).first()).toBeVisible();
		await expect(page.locator('#resultats')).toHaveCount(0);
		await expectNoAxeViolations(page, '/lieux?ou=Paris');
	});

	test('the count and the pages agree', async ({ page }) => {
		await page.goto('/lieux?ou=Agen');
		const lead = await page.locator('p.lead').first().textContent();
		const total = Number(/(\d+)\s+lieux à moins de 30/.exec(lead!.replace(/\u202f/g, ''))![1]);
		const nav = page.getByRole('navigation', { name: 'Pages de résultats' });
		const numbers = await nav.locator('.pagination__page').allTextContents();
		expect(numbers.length).toBe(Math.ceil(total / 20));
		await nav.locator('.pagination__page').last().click();
		// The last page is reached when « Page suivante » is gone; count its places only then
		// (with JavaScript the click navigates on the client, the list is not replaced at once).
		await expect(page.getByRole('link', { name: 'Page suivante' })).toHaveCount(0);
		await expect(page.locator('#resultats > li')).toHaveCount(total - (numbers.length - 1) * 20);
		await expect(page.getByRole('link', { name: 'Page précédente' })).toBeVisible();
	});
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });

	test('pages, previous page and the Pass Numérique filter work', async ({ page }) => {
		await page.goto('/lieux?ou=Agen');
		await page.getByRole('link', { name: 'Page suivante' }).click();
		await expect(page).toHaveURL(/page=2/);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(/page 2 sur \d+/);
		await page.getByRole('link', { name: 'Page précédente' }).click();
		await expect(page).not.toHaveURL(/page=/);
		await expect(page.locator('#resultats > li')).toHaveCount(20);

		// the filter, from the form (folded on a phone)
		await page.getByText('Filtres', { exact: true }).click();
		await page.getByLabel('Accepte le Pass Numérique').check();
		await page.getByRole('button', { name: 'Rechercher' }).last().click();
		await expect(page).toHaveURL(/pass=1/);
		await expect(page.getByLabel('Accepte le Pass Numérique')).toBeChecked();
		// the médiathèque of the seed is qualified; whatever is listed accepts the pass
		const items = page.locator('#resultats > li');
		const n = await items.count();
		for (let i = 0; i < n; i++) await expect(items.nth(i)).toContainText('Accepte le Pass Numérique');
	});

	test('the home page links to « Mes orientations »', async ({ page }) => {
		await page.goto('/');
		await expect(page.getByRole('link', { name: 'retrouvez vos orientations' })).toHaveAttribute('href', '/mon-espace');
	});
});

test.describe('a professional table on a phone (390 × 844)', () => {
	test.use({ viewport: { width: 390, height: 844 }, storageState: statePath('coordinator') });
	test('reflows into one block per row, each cell labelled with its column', async ({ page }) => {
		await page.goto('/admin/organisations');
		const table = page.locator('.table-wrap .table').first();
		await expect(table).toBeVisible();
		const firstCell = table.locator('tbody tr').first().locator('td').first();
		await expect(firstCell).toHaveAttribute('data-label', /\S/);
		expect(await firstCell.evaluate((td) => getComputedStyle(td).display)).toBe('block');
		const label = await firstCell.evaluate((td) => getComputedStyle(td, '::before').content);
		expect(label).toContain(await firstCell.getAttribute('data-label'));
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		await expectNoAxeViolations(page, '/admin/organisations at 390 px');
	});
});
