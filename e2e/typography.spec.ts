/**
 * French typography and formats on every page a user reaches (issue 12, item 15).
 *
 * Each persona (and an anonymous visitor) starts from its home pages and follows the
 * same-origin links it is shown, breadth first (GET only, no downloads, no logout), up to
 * a bound; the visible text of each page (document.body.innerText) is scanned for:
 * - « : », « ; », « ? », « ! » without a non-breaking space before them;
 * - a word or number glued to "(" ("lieu(x)"-style plural marks excepted);
 * - a phone number in international format ("+33…") instead of "05 53 67 48 14";
 * - a table cell without data-label (on a phone it would show a value without its column).
 * The scan covers pages added later without listing them here.
 */
import { test, expect, type Page } from '@playwright/test';
import { PERSONAS, statePath, type Persona } from './accounts.ts';
import { typographyFaults } from './typography.ts';

const MAX_PAGES = 40;
const START: Record<Persona | 'anonymous', string[]> = {
	anonymous: ['/', '/lieux?ou=Agen', '/diagnostic', '/connexion', '/mot-de-passe-oublie', '/plan-du-site', '/accessibilite', '/donnees'],
	...(Object.fromEntries(PERSONAS.map((p) => [p, ['/espace', '/compte']])) as Record<Persona, string[]>)
};
/** links never followed: they act, download, leave, or repeat a page with other data */
const SKIP = /^\/(deconnexion|api\/|vendor\/)|\.(csv|xlsx|pdf|json|geojson|ics|svg|png|js|css)(\?|$)|[?&](page|apres|curseur|cursor|vue)=/;

/** a path with its record ids replaced: "/lieux/:id" */
const shape = (path: string) =>
	path
		.split('/')
		.map((seg) => (seg.length >= 8 && /\d/.test(seg) ? ':id' : seg))
		.join('/');

async function crawl(page: Page, start: string[]): Promise<Map<string, string[]>> {
	const faults = new Map<string, string[]>();
	const queue = [...start];
	const seen = new Set<string>(queue);
	const shapes = new Set<string>();
	let visited = 0;
	while (queue.length > 0 && visited < MAX_PAGES) {
		const path = queue.shift()!;
		const response = await page.goto(path);
		visited++;
		if (!response || !(response.headers()['content-type'] ?? '').includes('text/html')) continue;
		// code samples (the embed code on /donnees, API addresses) are not French text
		const text = await page.evaluate(() => {
			let t = document.body.innerText;
			for (const c of document.querySelectorAll<HTMLElement>('pre, code')) t = t.replace(c.innerText, ' ');
			return t;
		});
		const found = typographyFaults(text);
		// on a phone a table reflows and each cell shows its column's name (data-label; an empty
		// one marks a cell that says itself what it is, e.g. « pas d’adresse : à trouver »)
		const unlabelled = await page.$$eval('.table-wrap .table:not(.table--keep) td:not([data-label])', (tds) =>
			tds.map((td) => `cell without its column's name: ${(td.textContent ?? '').trim().slice(0, 30)}`)
		);
		found.push(...unlabelled.slice(0, 3));
		if (found.length > 0) faults.set(path, found);
		const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href));
		for (const href of hrefs) {
			const url = new URL(href);
			if (url.origin !== new URL(page.url()).origin) continue;
			const p = url.pathname + url.search;
			if (SKIP.test(p) || seen.has(p)) continue;
			// one record of each kind is enough: /espace/personnes/<id> stands for all
			const s = shape(url.pathname);
			if (s.includes(':id') && shapes.has(s)) continue;
			shapes.add(s);
			seen.add(p);
			queue.push(p);
		}
	}
	return faults;
}

for (const who of ['anonymous', ...PERSONAS] as const) {
	test(`French typography on the pages ${who} reaches`, async ({ browser }) => {
		test.setTimeout(180_000);
		// without JavaScript: the text is the server's (every page renders there), and a page loads
		// without hydrating, several times faster on the CI's two cores
		const context = await browser.newContext({ storageState: who === 'anonymous' ? undefined : statePath(who), javaScriptEnabled: false });
		const page = await context.newPage();
		const faults = await crawl(page, START[who]);
		await context.close();
		expect(Object.fromEntries(faults), `typography faults seen by ${who}`).toEqual({});
	});
}
