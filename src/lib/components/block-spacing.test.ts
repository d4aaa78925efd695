/**
 * Svelte 5 drops the spaces at the edges of a block's text: `{formatDateTime(a)}{#if b} · traité{/if}`
 * renders « 17 h 23· traité ». A space there must be written `{' '}` (or `&nbsp;`).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const OPENING = /\{(?:#if|:else|#each)[^}]*\} +(?=[^\s{<])/;
const CLOSING = /[^\s>}] +\{(?:\/if|:else|\/each)[^}]*\}/;

function svelteFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const p = join(dir, name);
		return statSync(p).isDirectory() ? svelteFiles(p) : p.endsWith('.svelte') ? [p] : [];
	});
}

describe('spaces at the edges of a block', () => {
	it('are written so that Svelte keeps them', () => {
		const bad: string[] = [];
		for (const f of svelteFiles('src'))
			readFileSync(f, 'utf8')
				.split('\n')
				.forEach((line, i) => {
					if (OPENING.test(line) || CLOSING.test(line)) bad.push(`${f}:${i + 1}: ${line.trim().slice(0, 120)}`);
				});
		expect(bad).toEqual([]);
	});
});
