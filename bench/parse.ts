/**
 * Parse rate of each source format on ~100,000 rows (the real files repeated: every row
 * keeps its real content), and validation rate of standard records (parseStandardRecord).
 * These were timed unit tests; speed belongs here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDataDir } from '../src/lib/server/paths.ts';
import { parseSourceFile, parseStandardRecord, testMunicipalityLookup } from '../src/lib/server/places/index.ts';
import type { StandardRecord } from '../src/lib/server/places/index.ts';

const ROWS = 100_000;
const FILES: [string, 'csv' | 'json'][] = [
	['reseaux/france-services-20221201.csv', 'csv'],
	['reseaux/aidants-connect-structures-2024-02.csv', 'csv'],
	['reseaux/conseillers-numeriques-structures-20230405.csv', 'csv'],
	['lieux/conseillers-numeriques-lieux-2022.json', 'json'],
	['lieux/gironde-33-departement.json', 'json']
];

function repeat(file: string, kind: 'csv' | 'json'): string {
	const text = readFileSync(join(sharedDataDir(), file), 'utf8');
	if (kind === 'json') {
		const items = JSON.parse(text) as unknown[];
		const out: unknown[] = [];
		while (out.length < ROWS) out.push(...items);
		return JSON.stringify(out.slice(0, ROWS));
	}
	const nl = text.indexOf('\n');
	const body = text.slice(nl + 1).replace(/\n?$/, '\n');
	return text.slice(0, nl + 1) + body.repeat(Math.ceil(ROWS / (body.split('\n').length - 1)));
}

export function parseBench(log: (m: string) => void) {
	const lookup = testMunicipalityLookup();
	const out: Record<string, unknown> = {};
	for (const [file, kind] of FILES) {
		const content = Buffer.from(repeat(file, kind));
		let best = 0;
		let rows = 0;
		for (let i = 0; i < 2; i++) {
			const t0 = performance.now();
			const p = parseSourceFile(file, content, { municipalities: lookup, today: '2025-01-15' });
			rows = p.records.length + p.rejected.length;
			best = Math.max(best, (rows / (performance.now() - t0)) * 1000);
		}
		out[file] = { rows, rowsPerSecond: Math.round(best) };
		log(`[parse] ${file}: ${rows} rows, ${Math.round(best)} rows/s`);
	}
	const records = JSON.parse(repeat('lieux/charente-16-schema-v1.json', 'json')).slice(0, 5000) as StandardRecord[];
	for (const r of records) parseStandardRecord(r, { today: '2025-01-15' });
	const t0 = performance.now();
	let n = 0;
	while (performance.now() - t0 < 2000) {
		for (const r of records) parseStandardRecord(r, { today: '2025-01-15' });
		n += records.length;
	}
	out.validation = { rowsPerSecond: Math.round((n / (performance.now() - t0)) * 1000) };
	log(`[parse] validation (parseStandardRecord): ${JSON.stringify(out.validation)}`);
	return out;
}
