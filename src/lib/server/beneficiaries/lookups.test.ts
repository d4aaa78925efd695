/**
 * The unchecked lookups (lookups.ts) read a person's record without can(): they are for the
 * capabilities that authorised the act on their own row first, never for a route, where
 * an id comes from the request.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as entry from './index.ts';

const root = resolve(import.meta.dirname, '../../../..');

function walk(dir: string, out: string[] = []): string[] {
	for (const name of readdirSync(dir)) {
		const p = join(dir, name);
		if (statSync(p).isDirectory()) walk(p, out);
		else if (/\.(ts|js|svelte)$/.test(name)) out.push(p);
	}
	return out;
}

describe('the unchecked lookups of a record', () => {
	const unchecked = Object.keys(entry).filter((k) => k.startsWith('unchecked'));

	it('are the ones lookups.ts names so', () => {
		expect(unchecked.sort()).toEqual(['uncheckedAssessment', 'uncheckedNames', 'uncheckedRecord']);
	});

	it('are named by no route', () => {
		const found = walk(join(root, 'src/routes')).flatMap((f) => {
			const text = readFileSync(f, 'utf8');
			return unchecked.filter((name) => new RegExp(`\\b${name}\\b`).test(text)).map((name) => `${f.slice(root.length + 1)}: ${name}`);
		});
		expect(found).toEqual([]);
	});
});
