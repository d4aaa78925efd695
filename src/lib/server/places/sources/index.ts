/**
 * Reading place files of every known format into records shaped like the national standard.
 *
 * `parseSourceFile` detects the format from the CONTENT (JSON keys or CSV header; the file
 * name only gives the default source name and, for network lists, the data's date), then
 * hands the file to one adapter per format. Adapters map values faithfully to the standard's
 * field names and vocabularies; validation (phones, e-mails, URLs, SIRET, hours, vocabularies)
 * happens afterwards in places/model.ts.
 */
import { isUtf8 } from 'node:buffer';
import { basename } from 'node:path';
import type { ParsedFile, SourceRecord } from '../types.ts';
import { LIST_FIELDS } from '../vocabulary.ts';
import { Fidelity } from './fidelity.ts';
import { parseAidantsConnect, AIDANTS_CONNECT_COLUMNS } from './aidants-connect.ts';
import { dateFromFileName, foldKey, type AdapterContext, type ParseContext, type SourceRecordWithExtra } from './common.ts';
import { parseConseillersNumeriquesStructures, CNFS_STRUCTURES_COLUMNS } from './conseillers-numeriques-structures.ts';
import { asDataInclusion, dataInclusionFidelity, dataInclusionHalf, parseDataInclusion, type DataInclusionInput } from './data-inclusion.ts';
import { readHeader } from './csv.ts';
import { parseFibre64, FIBRE64_COLUMNS } from './fibre64.ts';
import { parseFranceServices, FRANCE_SERVICES_COLUMNS } from './france-services.ts';
import { parseGironde, GIRONDE_COLUMNS } from './gironde.ts';
import { V0_SERVICE_LABELS } from './mappings.ts';
import { looksStandard, looksV0, parseStandardCsv, parseStandardJson } from './standard.ts';

export type { ParseContext, SourceRecordWithExtra } from './common.ts';

export const FORMATS = [
	'standard-csv',
	'standard-json',
	'v0-csv',
	'v0-json',
	'france-services-csv',
	'gironde-33',
	'fibre64',
	'aidants-connect-csv',
	'conseillers-numeriques-structures-csv',
	'data-inclusion-json'
] as const;

export type SourceFormat = (typeof FORMATS)[number];

const LIST_FIELD_SET = new Set<string>(LIST_FIELDS);

/** ParsedFile whose records may carry the source's own extra columns. */
export interface ParsedSourceFile extends ParsedFile {
	format: SourceFormat;
	records: SourceRecordWithExtra[];
	/** what happened to each value read, per field of the file */
	fidelity: Fidelity;
	/** YYYY-MM-DD read from the file name, if any */
	fileDate: string | null;
}

const FORMAT_HELP =
	'known formats: standard-csv / standard-json (national standard v1.0.2, our export), ' +
	'v0-csv / v0-json (schema v0 and older exports), france-services-csv (ANCT France Services list), ' +
	'gironde-33 (Gironde Département JSON), fibre64 (Fibre 64 survey JSON), ' +
	'aidants-connect-csv (Aidants Connect structures), conseillers-numeriques-structures-csv (structures hosting conseillers numériques), ' +
	'data-inclusion-json (data·inclusion v1: {"structures": [...], "services": [...]}, or structures with their "services" inside)';

class UnknownFormatError extends Error {
	constructor(fileName: string, detail: string) {
		super(`Unknown place file format for "${fileName}" (${detail}); ${FORMAT_HELP}`);
		this.name = 'UnknownFormatError';
	}
}

/** Bytes → text: UTF-8 (BOM removed), or Windows-1252 when the bytes are not valid UTF-8. */
export function decodeContent(content: Buffer | string): string {
	return new Content(content).text();
}

const HEAD_BYTES = 256 * 1024;

/** A file's content, decoded only as far as needed (CSV bytes go to the parser as they are). */
class Content {
	private readonly raw: Buffer | string;
	private readonly utf8: boolean;
	private decoded?: string;

	constructor(raw: Buffer | string) {
		this.raw = raw;
		this.utf8 = typeof raw === 'string' || isUtf8(raw);
	}

	text(): string {
		if (this.decoded === undefined) {
			const raw = this.raw;
			const t = typeof raw === 'string' ? raw : new TextDecoder(this.utf8 ? 'utf-8' : 'windows-1252').decode(raw);
			this.decoded = stripBom(t);
		}
		return this.decoded;
	}

	/** The beginning of the text (format detection). */
	head(): string {
		if (this.decoded !== undefined || typeof this.raw === 'string' || !this.utf8 || this.raw.length <= HEAD_BYTES) return this.text().slice(0, HEAD_BYTES);
		return stripBom(new TextDecoder('utf-8').decode(this.raw.subarray(0, HEAD_BYTES)));
	}

	/** What the CSV parser reads: the UTF-8 bytes themselves, else the decoded text. */
	csv(): string | Buffer {
		return typeof this.raw !== 'string' && this.utf8 ? this.raw : this.text();
	}
}

function stripBom(t: string): string {
	return t.charCodeAt(0) === 0xfeff ? t.slice(1) : t;
}

interface Sniffed {
	format: SourceFormat;
	items?: unknown[];
	delimiter?: string;
	dataInclusion?: DataInclusionInput;
}

const JSON_START_RE = /^\s*[[{]/;
const SAMPLE = 200;

function sniff(fileName: string, content: Content): Sniffed {
	const head = content.head();
	if (!head.trim()) throw new UnknownFormatError(fileName, 'empty file');
	if (JSON_START_RE.test(head)) {
		let data: unknown;
		try {
			data = JSON.parse(content.text());
		} catch (e) {
			throw new UnknownFormatError(fileName, `invalid JSON: ${(e as Error).message}`);
		}
		const dataInclusion = asDataInclusion(data);
		if (dataInclusion) return { format: 'data-inclusion-json', dataInclusion };
		const half = dataInclusionHalf(data);
		if (half)
			throw new UnknownFormatError(
				fileName,
				`data·inclusion ${half} without their ${half === 'structures' ? 'services' : 'structures'}: put both arrays in one file, {"structures": [...], "services": [...]}, e.g. jq -s '{structures: .[0], services: .[1]}' structures.json services.json`
			);
		const items = Array.isArray(data)
			? data
			: data && typeof data === 'object' && Array.isArray((data as { data?: unknown }).data)
				? (data as { data: unknown[] }).data
				: undefined;
		if (!items) throw new UnknownFormatError(fileName, 'JSON that is neither an array of records nor {"data": [...]}');
		const keys = new Set<string>();
		const services: unknown[] = [];
		for (const item of items.slice(0, SAMPLE)) {
			if (item && typeof item === 'object' && !Array.isArray(item)) {
				for (const k of Object.keys(item)) keys.add(k);
				services.push((item as Record<string, unknown>).services);
			}
		}
		if (!items.length) return { format: 'standard-json', items };
		if (GIRONDE_COLUMNS.every((c) => keys.has(c))) return { format: 'gironde-33', items };
		if (FIBRE64_COLUMNS.every((c) => keys.has(c))) return { format: 'fibre64', items };
		if (looksStandard(keys)) return { format: looksV0(keys, services) ? 'v0-json' : 'standard-json', items };
		throw new UnknownFormatError(fileName, `JSON records with keys ${[...keys].slice(0, 12).join(', ')}`);
	}
	const { header, delimiter } = readHeader(head);
	const names = new Set(header.map((h) => foldKey(h)));
	const has = (cols: readonly string[]) => cols.every((c) => names.has(foldKey(c)));
	if (has(FRANCE_SERVICES_COLUMNS)) return { format: 'france-services-csv', delimiter };
	if (has(AIDANTS_CONNECT_COLUMNS)) return { format: 'aidants-connect-csv', delimiter };
	if (has(CNFS_STRUCTURES_COLUMNS)) return { format: 'conseillers-numeriques-structures-csv', delimiter };
	if (looksStandard(header)) {
		const v0 = looksV0(header, []) || V0_SERVICE_LABELS.some((l) => head.includes(l));
		return { format: v0 ? 'v0-csv' : 'standard-csv', delimiter };
	}
	throw new UnknownFormatError(fileName, header.length > 1 ? `CSV with columns ${header.slice(0, 12).join(', ')}` : 'neither JSON nor a CSV with a header');
}

/** The format of a file, from its content. Throws an Error listing the known formats if none fits. */
export function detectFormat(fileName: string, content: Buffer | string): SourceFormat {
	return sniff(fileName, new Content(content)).format;
}

/** "data/lieux/gironde-33-departement.json" → "gironde-33-departement". */
export function baseNameOf(fileName: string): string {
	return basename(fileName).replace(/\.(csv|json|txt|tsv)$/i, '');
}

/**
 * Reads a place file of any known format: records mapped to the standard's field names
 * (with their row, source, stable source id, location precision and French warnings),
 * and the rows that could not be mapped at all with French reasons.
 */
export function parseSourceFile(fileName: string, raw: Buffer | string, ctx: ParseContext): ParsedSourceFile {
	const content = new Content(raw);
	const s = sniff(fileName, content);
	const baseName = baseNameOf(fileName);
	const actx: AdapterContext = {
		fileName,
		baseName,
		municipalities: ctx.municipalities,
		today: ctx.today ?? new Date().toISOString().slice(0, 10),
		fileDate: dateFromFileName(baseName),
		fidelity: new Fidelity()
	};
	const csv = () => ({ data: content.csv(), delimiter: s.delimiter! });
	let parsed: ParsedFile;
	switch (s.format) {
		case 'standard-json':
		case 'v0-json':
			parsed = parseStandardJson(s.items!, s.format, actx);
			break;
		case 'standard-csv':
		case 'v0-csv':
			parsed = parseStandardCsv(csv(), s.format, actx);
			break;
		case 'gironde-33':
			parsed = parseGironde(s.items!, actx);
			break;
		case 'fibre64':
			parsed = parseFibre64(s.items!, actx);
			break;
		case 'france-services-csv':
			parsed = parseFranceServices(csv(), actx);
			break;
		case 'aidants-connect-csv':
			parsed = parseAidantsConnect(csv(), actx);
			break;
		case 'conseillers-numeriques-structures-csv':
			parsed = parseConseillersNumeriquesStructures(csv(), actx);
			break;
		case 'data-inclusion-json':
			parsed = parseDataInclusion(s.dataInclusion!);
			break;
	}
	// the formats of one producer (a network's list, a survey) are mapped column by column in
	// their adapter, which records what it drops; what reaches the standard is counted here
	if (!s.format.startsWith('standard') && !s.format.startsWith('v0')) countMapped(parsed.records, actx.fidelity);
	if (s.format === 'data-inclusion-json') dataInclusionFidelity(parsed.records, actx.fidelity);
	return { ...parsed, fidelity: actx.fidelity, fileDate: actx.fileDate } as ParsedSourceFile;
}

/** Each value a network's or survey's adapter put in a standard field, as mapped to that field. */
function countMapped(records: readonly SourceRecord[], fidelity: Fidelity): void {
	const counts = new Map<string, number>();
	for (const r of records)
		for (const [field, value] of Object.entries(r.record)) {
			if (value === undefined || value === null || value === '' || field === 'id' || field === 'source') continue;
			const n = LIST_FIELD_SET.has(field) ? String(value).split('|').filter(Boolean).length : 1;
			counts.set(field, (counts.get(field) ?? 0) + n);
		}
	for (const [field, n] of counts) fidelity.mappedCount(field, n);
}
