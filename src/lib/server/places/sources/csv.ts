/**
 * CSV reading for the adapters: a real parser (csv-parse: quoted fields over several lines,
 * doubled quotes), the delimiter guessed from the header line, rows numbered from 1 (header
 * excluded), and the rows that cannot be read turned into rejections instead of an abort.
 */
import { parse } from 'csv-parse/sync';
import type { Rejection } from '../types.ts';
import { foldKey } from './common.ts';

export interface CsvRow {
	/** 1-based data row number (header excluded; a record spread over several lines counts once) */
	row: number;
	cells: string[];
}

export interface CsvTable {
	delimiter: string;
	header: string[];
	rows: CsvRow[];
	rejected: Rejection[];
	/** a cell by its column's name, compared folded (foldKey: case, accents and punctuation ignored) */
	get(cells: string[], name: string): string | undefined;
}

const CANDIDATES = [',', ';', '\t'] as const;

/** The header line: up to the first line break outside quotes. */
export function headerLine(text: string): string {
	let inQuotes = false;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c === 34) inQuotes = !inQuotes;
		else if ((c === 10 || c === 13) && !inQuotes) return text.slice(0, i);
	}
	return text;
}

/** The most frequent of , ; and tab outside quotes in the header line. */
export function guessDelimiter(line: string): string {
	const counts = [0, 0, 0];
	let inQuotes = false;
	for (let i = 0; i < line.length; i++) {
		const c = line[i];
		if (c === '"') inQuotes = !inQuotes;
		else if (!inQuotes) {
			const k = CANDIDATES.indexOf(c as (typeof CANDIDATES)[number]);
			if (k >= 0) counts[k]++;
		}
	}
	let best = 0;
	for (let k = 1; k < counts.length; k++) if (counts[k] > counts[best]) best = k;
	return CANDIDATES[best];
}

/** Only the header's cells (for format detection, without parsing the whole file). */
export function readHeader(text: string): { delimiter: string; header: string[] } {
	const line = headerLine(text);
	const delimiter = guessDelimiter(line);
	const rows = parse(line, { delimiter, relax_quotes: true, relax_column_count: true }) as string[][];
	return { delimiter, header: (rows[0] ?? []).map((h) => h.trim()) };
}

/** A CSV file's content: UTF-8 bytes are handed to the parser as they are (faster than a string). */
export interface CsvInput {
	data: string | Buffer;
	delimiter: string;
}

/**
 * Parses a whole CSV text or UTF-8 buffer (BOM removed if any). Rows whose number of cells differs
 * from the header's (after dropping empty trailing cells) are rejected: their values would
 * land in the wrong columns.
 */
export function readCsv(data: string | Buffer, delimiter?: string): CsvTable {
	const delim = delimiter ?? guessDelimiter(headerLine(typeof data === 'string' ? data : data.subarray(0, 64 * 1024).toString('utf8')));
	const rejected: Rejection[] = [];
	// parser-skipped records: how many records had been read before each (header included)
	const skippedAfter: number[] = [];
	let records: string[][] = [];
	try {
		records = parse(data, {
			delimiter: delim,
			bom: true,
			relax_quotes: true,
			relax_column_count: true,
			skip_empty_lines: true,
			skip_records_with_error: true,
			on_skip: (err) => {
				const records = typeof err?.records === 'number' ? err.records : 1;
				const lines = typeof err?.lines === 'number' ? err.lines : undefined;
				const before = Math.max(1, records);
				const what = err?.code === 'CSV_QUOTE_NOT_CLOSED' ? 'fin du fichier illisible à partir de cette ligne' : 'ligne illisible';
				rejected.push({ row: before + skippedAfter.length, reasons: [`${what} (${csvErrorFr(err?.code, lines)})`] });
				skippedAfter.push(before);
				return undefined;
			}
		}) as string[][];
	} catch (e) {
		const err = e as { code?: string; records?: number; lines?: number };
		rejected.push({ row: Math.max(1, err.records ?? 1), reasons: [`fichier CSV illisible à partir d’ici (${csvErrorFr(err.code, err.lines)})`] });
	}
	const header = (records[0] ?? []).map((h) => h.trim());
	const width = header.length;
	const rows: CsvRow[] = [];
	let k = 0;
	for (let i = 1; i < records.length; i++) {
		// a data row's number in the file: its rank among parsed rows + the skipped rows before it
		while (k < skippedAfter.length && skippedAfter[k] <= i) k++;
		const row = i + k;
		const cells = records[i];
		let n = cells.length;
		while (n > width && cells[n - 1].trim() === '') n--;
		if (n !== width) {
			rejected.push({ row, reasons: [`ligne mal formée : ${n} colonnes au lieu de ${width}`] });
			continue;
		}
		rows.push({ row, cells: n === cells.length ? cells : cells.slice(0, width) });
	}
	rejected.sort((a, b) => a.row - b.row);
	const col = new Map<string, number>();
	header.forEach((h, i) => col.set(foldKey(h), i));
	const byName = new Map<string, number | undefined>();
	const get = (cells: string[], name: string): string | undefined => {
		let i = byName.get(name);
		if (i === undefined && !byName.has(name)) byName.set(name, (i = col.get(foldKey(name))));
		return i === undefined ? undefined : cells[i];
	};
	return { delimiter: delim, header, rows, rejected, get };
}

function csvErrorFr(code: string | undefined, line: number | undefined): string {
	const where = line ? ` vers la ligne ${line} du fichier` : '';
	switch (code) {
		case 'CSV_QUOTE_NOT_CLOSED':
			return `guillemet ouvert jamais fermé${where}`;
		case 'CSV_INVALID_CLOSING_QUOTE':
			return `guillemet fermant mal placé${where}`;
		case 'INVALID_OPENING_QUOTE':
			return `guillemet ouvrant mal placé${where}`;
		default:
			return `erreur ${code ?? 'inconnue'}${where}`;
	}
}
