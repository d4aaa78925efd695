import { expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { typographyFaults } from './typography.ts';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Runs axe on the page (JS-enabled context only: axe hangs without JavaScript) and expects no violation. */
export async function expectNoAxeViolations(page: Page, what: string) {
	const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
	const summary = results.violations.map(
		(v) => `${v.id} (${v.impact}): ${v.help}\n` + v.nodes.map((n) => `    ${n.target.join(' ')} — ${n.failureSummary?.split('\n').join(' ')}`).join('\n')
	);
	expect(summary, `axe violations on ${what}`).toEqual([]);
}

/** The first place of a search, as a path ("/lieux/…"). */
export async function firstPlacePath(page: Page, search = '/lieux?ou=Agen'): Promise<string> {
	await page.goto(search);
	const href = await page.locator('#resultats li h3 a').first().getAttribute('href');
	expect(href, 'a place in the results').toBeTruthy();
	return new URL(href!, 'http://x').pathname;
}

/** A place manager asks to manage a place found by its name (« Mes lieux »), and sees the claim sent. */
export async function claimPlace(manager: Page, placeName: string) {
	await manager.goto('/espace/lieux');
	await manager.getByLabel('Nom du lieu ou commune').fill(placeName);
	await manager.getByRole('button', { name: 'Chercher' }).click();
	await manager
		.getByRole('button', { name: `Demander à gérer ${placeName}`, exact: true })
		.first()
		.click();
	await expect(manager.getByRole('status')).toContainText('Votre demande est envoyée.');
}

/**
 * A page as its users meet it, at a phone's width (390 px) and a laptop's (1280 px): no axe
 * violation at either, no horizontal scroll on the phone, the French typography of its text,
 * and every cell of a stacking table labelled (data-label: the phone shows each row as a card).
 * `scripted`: the same page in a context with JavaScript (axe needs it), when `page` has none.
 */
export async function axeAtBothWidths(page: Page, what: string, scripted?: Page) {
	if (scripted) {
		const u = new URL(page.url());
		await scripted.goto(u.pathname + u.search);
		page = scripted;
	}
	for (const width of [390, 1280]) {
		await page.setViewportSize({ width, height: 900 });
		await expectNoAxeViolations(page, `${what} at ${width} px`);
		if (width === 390)
			expect(
				await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
				`${what}: no horizontal scroll at 390 px`
			).toBeLessThanOrEqual(0);
	}
	const faults = typographyFaults(await page.evaluate(() => document.body.innerText));
	faults.push(
		...(await page.$$eval('.table-wrap .table:not(.table--keep) td:not([data-label])', (tds) => tds.map((td) => `cell without data-label: ${td.textContent}`)))
	);
	expect(faults, `typography of ${what}`).toEqual([]);
}
