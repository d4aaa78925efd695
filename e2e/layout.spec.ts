import { test, expect } from '@playwright/test';
import { firstPlacePath } from './helpers.ts';

const PAGES = ['/', '/lieux', '/lieux?ou=Agen', '/accessibilite', '/donnees', '/plan-du-site'];

test('no horizontal scroll at 320 px', async ({ page }) => {
	await page.setViewportSize({ width: 320, height: 640 });
	const place = await firstPlacePath(page);
	for (const path of [...PAGES, place]) {
		await page.goto(path);
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
		expect(overflow, `horizontal overflow on ${path}`).toBeLessThanOrEqual(0);
	}
});

test('on a small screen, the filters are folded and open on demand', async ({ page }) => {
	await page.setViewportSize({ width: 375, height: 700 });
	await page.goto('/lieux?ou=Agen');
	const free = page.getByLabel('Gratuit', { exact: true });
	await expect(free).toBeHidden();
	await page.getByText('Filtres', { exact: true }).click();
	await expect(free).toBeVisible();
});

test('on a wide screen, the filters are shown', async ({ page }) => {
	await page.setViewportSize({ width: 1280, height: 900 });
	await page.goto('/lieux?ou=Agen');
	await expect(page.getByLabel('Gratuit', { exact: true })).toBeVisible();
});

test('keyboard: the skip link is the first Tab stop and moves focus to the main content', async ({ page }) => {
	for (const path of ['/', '/lieux?ou=Agen']) {
		await page.goto(path);
		await page.keyboard.press('Tab');
		const skip = page.getByRole('link', { name: 'Aller au contenu' });
		await expect(skip).toBeFocused();
		await expect(skip).toBeVisible();
		await page.keyboard.press('Enter');
		await expect(page.locator('main#contenu')).toBeFocused();
	}
});

test('pages are JavaScript-free, with no inline style or script (strict CSP)', async ({ request }) => {
	for (const path of [...PAGES, '/lieux?ou=Agen&vue=carte']) {
		const res = await request.get(path);
		expect(res.status()).toBe(200);
		const html = await res.text();
		const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
		if (path.includes('vue=carte')) expect(scripts).toEqual(['<script type="module" src="/carte.js">']);
		else expect(scripts, `scripts on ${path}`).toEqual([]);
		// an attribute inside a tag: a code sample shown on the page (the national map's embed code on /donnees) is text, escaped
		expect(html, `style attribute on ${path}`).not.toMatch(/<[^>]+\sstyle=/);
		expect(html).not.toMatch(/<style[\s>]/);
		const csp = res.headers()['content-security-policy'] ?? '';
		expect(csp).toContain("script-src 'self'");
	}
});

test('the theme is a stylesheet from our origin, with the instance colours', async ({ request }) => {
	const html = await (await request.get('/')).text();
	const href = /<link rel="stylesheet" href="(\/theme\.css\?v=[^"]+)"/.exec(html)?.[1];
	expect(href).toBeTruthy();
	const res = await request.get(href!.replace(/&amp;/g, '&'));
	expect(res.headers()['content-type']).toContain('text/css');
	expect(await res.text()).toMatch(/--primary:#[0-9a-f]{6}/);
});

test('print: filters and navigation are hidden, result links show their address', async ({ page }) => {
	await page.goto('/lieux?ou=Agen');
	await page.emulateMedia({ media: 'print' });
	await expect(page.locator('.search-form')).toBeHidden();
	await expect(page.locator('.nav')).toBeHidden();
	await expect(page.locator('.print-only').first()).toBeVisible();
	const after = await page
		.locator('#resultats li h3 a')
		.first()
		.evaluate((a) => getComputedStyle(a, '::after').content);
	expect(after).toContain('/lieux/');
});
