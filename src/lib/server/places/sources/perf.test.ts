/**
 * ~100,000 rows must parse at well over 20,000 rows/s. The real files are repeated to reach
 * that size (every row keeps its real content: free-text hours, multi-line quotes, lookups).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedDataDir } from '../../paths.ts';
import type { MunicipalityLookup } from '../types.ts';
import { parseSourceFile } from './index.ts';
import { testMunicipalityLookup } from './test-lookup.ts';

const ROWS = 100_000;
const MIN_ROWS_PER_SECOND = 20_000;

let lookup: MunicipalityLookup;
beforeAll(() => {
	lookup = testMunicipalityLookup();
});

function repeatCsv(file: string): string {
	const text = readFileSync(join(sharedDataDir(), file), 'utf8');
	const nl = text.indexOf('\n');
	const body = text.slice(nl + 1).replace(/\n?$/, '\n');
	const perCopy = body.split('\n').length - 1;
	return text.slice(0, nl + 1) + body.repeat(Math.ceil(ROWS / perCopy));
}

function repeatJson(file: string): string {
	const items = JSON.parse(readFileSync(join(sharedDataDir(), file), 'utf8')) as unknown[];
	const out: unknown[] = [];
	while (out.length < ROWS) out.push(...items);
	return JSON.stringify(out.slice(0, ROWS));
}

/** Best of two runs (the machine may be busy). */
function rate(fileName: string, content: Buffer): { rows: number; perSecond: number } {
	let best = 0;
	let rows = 0;
	for (let i = 0; i < 2; i++) {
		const t0 = performance.now();
		const p = parseSourceFile(fileName, content, { municipalities: lookup, today: '2025-01-15' });
		const ms = performance.now() - t0;
		rows = p.records.length + p.rejected.length;
		best = Math.max(best, (rows / ms) * 1000);
	}
	return { rows, perSecond: Math.round(best) };
}

describe('throughput on ~100,000 rows', () => {
	it.each([
		['reseaux/france-services-20221201.csv', 'csv'],
		['reseaux/aidants-connect-structures-2024-02.csv', 'csv'],
		['reseaux/conseillers-numeriques-structures-20230405.csv', 'csv'],
		['lieux/conseillers-numeriques-lieux-2022.json', 'json'],
		['lieux/gironde-33-departement.json', 'json']
	])('%s', (file, kind) => {
		// as the importer receives it: the file's bytes
		const content = Buffer.from(kind === 'csv' ? repeatCsv(file) : repeatJson(file));
		const r = rate(file, content);
		console.log(`${file}: ${r.rows} rows, ${r.perSecond} rows/s`);
		expect(r.rows).toBeGreaterThanOrEqual(ROWS * 0.9);
		expect(r.perSecond).toBeGreaterThan(MIN_ROWS_PER_SECOND);
	});
});
