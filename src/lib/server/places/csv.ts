/**
 * CSV of the national standard: export (UTF-8, comma, header = the schema's fields in its
 * order, lists joined with `|`, RFC 4180: CRLF line ends, a field is quoted when it holds a
 * comma, a double quote, CR or LF, and its quotes are doubled) and import (`,` or `;`
 * detected, BOM stripped).
 */
import { stringify } from 'csv-stringify/sync';
import { parse } from 'csv-parse/sync';
import type { PlaceFields, StandardRecord } from './types.ts';
import { STANDARD_FIELDS } from './vocabulary.ts';
import { toStandardRecord } from './model.ts';

export const CSV_RECORD_DELIMITER = '\r\n';
export const CSV_MEDIA_TYPE = 'text/csv; charset=utf-8';

const STRINGIFY_OPTIONS = {
	header: true,
	columns: STANDARD_FIELDS as unknown as string[],
	record_delimiter: CSV_RECORD_DELIMITER,
	// RFC 4180: CR and LF inside a field need quotes too (csv-stringify only checks the record delimiter)
	quoted_match: /[\r\n]/
};

/** The whole export as one string. */
export function placesToCsv(places: PlaceFields[]): string {
	const rows = places.map(toStandardRecord);
	if (rows.length === 0) return csvHeader();
	return stringify(rows, STRINGIFY_OPTIONS);
}

const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

function field(s: string): string {
	return NEEDS_QUOTES.test(s) ? '"' + s.replace(QUOTE, '""') + '"' : s;
}

const HEADER = STANDARD_FIELDS.map(field).join(',') + CSV_RECORD_DELIMITER;

/** Streaming export: the header line (with its line end)… */
export function csvHeader(): string {
	return HEADER;
}

/** …then one line per place (with its line end). csvHeader() + csvRow(p)… equals placesToCsv. */
export function csvRow(place: PlaceFields): string {
	const rec = toStandardRecord(place);
	let line = '';
	for (let i = 0; i < STANDARD_FIELDS.length; i++) line += (i ? ',' : '') + field(rec[STANDARD_FIELDS[i]]);
	return line + CSV_RECORD_DELIMITER;
}

/** The delimiter of a CSV text: `;` when its first line has more semicolons than commas (outside quotes), tab likewise, else `,`. */
export function detectDelimiter(text: string): ',' | ';' | '\t' {
	let commas = 0;
	let semicolons = 0;
	let tabs = 0;
	let inQuotes = false;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c === 34) inQuotes = !inQuotes;
		else if (!inQuotes) {
			if (c === 10 || c === 13) break;
			if (c === 44) commas++;
			else if (c === 59) semicolons++;
			else if (c === 9) tabs++;
		}
	}
	if (tabs > commas && tabs > semicolons) return '\t';
	return semicolons > commas ? ';' : ',';
}

/**
 * Reads a CSV file of the standard (or close to it): BOM stripped, delimiter detected,
 * header names trimmed, empty lines skipped, short rows allowed (missing cells absent).
 * Rows are keyed by the header's names as written. Throws (csv-parse's error, with its line
 * number) on a malformed file.
 */
export function parseStandardCsv(text: string): { headers: string[]; rows: StandardRecord[] } {
	const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	let headers: string[] = [];
	const rows = parse(src, {
		delimiter: detectDelimiter(src),
		bom: true,
		columns: (h: string[]) => {
			headers = h.map((x) => String(x ?? '').trim());
			return headers.map((x, i) => x || `colonne_${i + 1}`);
		},
		skip_empty_lines: true,
		relax_column_count: true,
		trim: false
	}) as StandardRecord[];
	return { headers, rows };
}
