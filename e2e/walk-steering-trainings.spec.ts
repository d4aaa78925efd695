/**
 * What the acceptance walk of the steering space and the trainings found, each fixed:
 * - the steering charts' text was about 11 px on a phone (the drawing scaled down to the
 *   page's width): now ≥ 14 px at 390 px, measured as the browser draws it;
 * - the registration's own link (`/formations/inscription/{token}`, the key that cancels it)
 *   was served cacheable and indexable, unlike every other page opened by a link of the person's.
 */
import { test, expect, type Page } from '@playwright/test';
import { statePath } from './accounts.ts';
import { outbox } from './outbox.ts';

/** The smallest text of the page's charts as drawn (font size × the drawing's scale), in CSS px. */
async function smallestChartText(page: Page): Promise<{ px: number; text: string }> {
	const sizes = await page.locator('figure.chart svg text').evaluateAll((ts) =>
		ts
			.filter((t) => t.getBoundingClientRect().width > 0)
			.map((t) => {
				const svg = (t as SVGTextElement).ownerSVGElement!;
				const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
				return { px: parseFloat(getComputedStyle(t).fontSize) * scale, text: t.textContent ?? '' };
			})
	);
	expect(sizes.length, 'charts with text on the page').toBeGreaterThan(0);
	return sizes.reduce((a, b) => (b.px < a.px ? b : a));
}

test.describe('the steering charts on a phone', () => {
	test.use({ storageState: statePath('coordinator'), viewport: { width: 390, height: 844 } });

	for (const section of ['demande', 'resultats', 'partenaires', 'fragilite']) {
		test(`/pilotage/${section}: chart text ≥ 14 px at 390 px, ≤ 22 px at 1280 px`, async ({ page }) => {
			await page.goto(`/pilotage/${section}?departement=47&niveau=epci`);
			const phone = await smallestChartText(page);
			expect(phone.px, `« ${phone.text} » at 390 px`).toBeGreaterThanOrEqual(14);
			await page.setViewportSize({ width: 1280, height: 800 });
			const largest = await page.locator('figure.chart svg text').evaluateAll((ts) =>
				Math.max(
					...ts.map((t) => {
						const svg = (t as SVGTextElement).ownerSVGElement!;
						return (parseFloat(getComputedStyle(t).fontSize) * svg.getBoundingClientRect().width) / svg.viewBox.baseVal.width;
					})
				)
			);
			expect(largest, 'chart text on a wide screen').toBeLessThanOrEqual(22);
		});
	}
});

test('a registration’s link is never cached, indexed nor sent to another site, its page’s forms still post', async ({ browser, page }) => {
	const email = `walk.${Date.now().toString(36)}@exemple.fr`;
	await page.goto('/formations');
	const href = await page.locator('.result h3 a', { hasText: 'Webinaire' }).first().getAttribute('href');
	const context = await browser.newContext({ javaScriptEnabled: false });
	const p = await context.newPage();
	await p.goto(href!);
	await p.getByLabel('Prénom').fill('Zoé');
	await p.getByLabel('Nom', { exact: true }).fill('Walk');
	await p.getByLabel(/^Adresse e-mail/).fill(email);
	await p.getByLabel('Vous êtes').selectOption({ index: 1 });
	await p.getByRole('button', { name: /M’inscrire/ }).click();
	await expect(p.getByRole('status')).toContainText('Presque fini');
	let link = '';
	await expect
		.poll(async () => {
			const m = (await outbox(email)).find((x) => x.template === 'training-confirm');
			link = /https?:\/\/\S+(\/formations\/inscription\/[A-Za-z0-9_-]{32})/.exec(m?.text ?? '')?.[1] ?? '';
			return link;
		})
		.not.toBe('');
	const response = (await p.goto(link))!;
	const headers = response.headers();
	expect(headers['cache-control']).toContain('no-store');
	expect(headers['x-robots-tag']).toBe('noindex');
	expect(headers['referrer-policy']).toBe('same-origin');
	// the page's own forms still pass the CSRF check under that referrer policy
	await p.getByRole('button', { name: 'Confirmer mon inscription' }).click();
	await expect(p.getByRole('status')).toContainText('Votre inscription est enregistrée.');
	await p.getByRole('button', { name: 'Annuler mon inscription' }).click();
	await expect(p.getByRole('status')).toContainText('Votre inscription est annulée.');
	// an unknown link: a 404, not a 500
	const unknown = await p.request.get('/formations/inscription/' + 'A'.repeat(32));
	expect(unknown.status()).toBe(404);
	await context.close();
});
