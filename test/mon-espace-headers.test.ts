/**
 * Mon espace's layout sets the private headers (cache-control, referrer-policy,
 * x-robots-tag) for every page under it; SvelteKit refuses a header set twice
 * (`header_already_set`) with a 500. « Mes mandats » did, and every visit failed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = 'src/routes/(public)/mon-espace';
const LAYOUT_HEADERS = ['cache-control', 'referrer-policy', 'x-robots-tag'];

function files(dir: string): string[] {
	return readdirSync(dir).flatMap((f) => {
		const p = join(dir, f);
		return statSync(p).isDirectory() ? files(p) : /^\+(page|layout)\.server\.ts$/.test(f) && p !== join(ROOT, '+layout.server.ts') ? [p] : [];
	});
}

describe('Mon espace: the private headers are set once', () => {
	it('no page under the layout sets again a header the layout sets', () => {
		const layout = readFileSync(join(ROOT, '+layout.server.ts'), 'utf8');
		expect(layout).toContain('setHeaders(PRIVATE_HEADERS)');
		const offenders = files(ROOT).filter((f) => {
			const src = readFileSync(f, 'utf8');
			return /setHeaders\(/.test(src) && (/PRIVATE_HEADERS|HEADERS\b/.test(src) || LAYOUT_HEADERS.some((h) => src.includes(`'${h}'`)));
		});
		expect(offenders).toEqual([]);
	});
});
