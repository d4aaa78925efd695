/**
 * La Coop's export of activities as the Coop gives it (issue 14, item 8): an .xlsx workbook,
 * taken as it is, no spreadsheet in between. Its builder (buildAccompagnementsWorksheet.ts at
 * COOP_COMMIT) writes one sheet, « Activités »: lines about the export and its filters, an
 * empty line, then the table (an Excel table « Activités »), « Date » a date cell shown
 * dd/mm/yyyy, « Durée (min) » a number, several values in a cell one a line.
 *
 * The workbook is read safely (web/workbook.ts), its sheet found (« Activités », else the
 * first visible sheet holding the table), its header row found by the Coop's column names as
 * in a CSV, and its rows written as the CSV a spreadsheet would save: the day as 21/11/2026,
 * numbers as they are. That text goes through readCoopCsv, the one reader: a workbook and
 * its CSV give the same activities, refusals and line numbers (the sheet's rows), and the
 * text is what the « Importer » step carries, so both steps read the same.
 */
import { stringify } from 'csv-stringify/sync';
import { normalizeKey } from '../../text/keys.ts';
import { BINARY } from '../web/spreadsheet.ts';
import { looksLikeWorkbook, readWorkbook, sheetDate, type CellPlain, type WorkbookProblem } from '../web/workbook.ts';
import { COLUMN_KEYS } from './coop.ts';
import { COOP_MAX_BYTES, COOP_MAX_LINES, HEADER_WITHIN, NOT_A_COOP_FILE, REQUIRED_COLUMNS, isCoopHeader, readCoopCsv, type CoopRead } from './coop-read.ts';

/**
 * A workbook inflates to at most this. The Coop's export of 5,040 lines (its layout, exceljs)
 * is 544 KB zipped and 6 MB inflated; exceljs holds about twelve times the inflated size in
 * memory while reading (75 MB there). A zip bomb stops here.
 */
export const COOP_MAX_INFLATED = 10 * 1024 * 1024;

const fr = new Intl.NumberFormat('fr-FR');
const AGAIN = 'Exportez-le à nouveau depuis la Coop («\u00a0Mes activités\u00a0», «\u00a0Exporter\u00a0»), puis importez ce fichier tel quel.';

/** Why a workbook is not read, in French. */
export const WORKBOOK_ERRORS: Record<WorkbookProblem, string> = {
	corrupt: `Ce classeur Excel (.xlsx) est abîmé ou incomplet\u00a0: il ne peut pas être lu. ${AGAIN}`,
	'not-a-workbook': 'Ce fichier compressé n’est pas un classeur Excel (.xlsx)\u00a0: importez l’export de la Coop (.xlsx) ou un fichier CSV.',
	opendocument:
		'C’est un classeur LibreOffice (.ods)\u00a0: enregistrez-le au format «\u00a0Excel 2007-365 (.xlsx)\u00a0» ou «\u00a0CSV\u00a0», puis importez ce fichier.',
	binary:
		'C’est un classeur Excel binaire (.xlsb)\u00a0: enregistrez-le au format «\u00a0Classeur Excel (.xlsx)\u00a0» ou «\u00a0CSV UTF-8\u00a0», puis importez ce fichier.',
	macros: `Ce classeur contient des macros (.xlsm)\u00a0: il n’est pas accepté. L’export de la Coop n’en contient pas\u00a0; ${AGAIN.charAt(0).toLowerCase()}${AGAIN.slice(1)}`,
	legacy:
		'C’est un classeur Excel ancien (.xls) ou protégé par un mot de passe\u00a0: enregistrez-le au format «\u00a0Classeur Excel (.xlsx)\u00a0», sans mot de passe, ou «\u00a0CSV UTF-8\u00a0», puis importez ce fichier.',
	'too-large': `Ce classeur est trop volumineux une fois décompressé (plus de ${fr.format(COOP_MAX_INFLATED / 1024 / 1024)}\u00a0Mo)\u00a0: exportez de la Coop une période plus courte (un trimestre, par exemple), puis importez chaque fichier.`
};

/** Columns whose numbers are days (a date cell that lost its format is its serial number). */
const DAY_COLUMNS = new Set<string>(['Date', 'Enregistré le', 'Dernière modification le']);
/** Read by nobody (coop-read.ts leaves them): left empty in the text. */
const UNREAD = new Set<string>(['Bénéficiaire', 'Notes supplémentaires']);

/** What the CSV reader would take for a binary file (controls a cell may hold): dropped, they show as nothing. */
const CONTROLS = new RegExp(BINARY.source, 'g');

/** A cell as a spreadsheet saves it in CSV: dates as the sheet shows them, numbers as they are, nothing a CSV reader would take for binary. */
function cellText(value: CellPlain, date1904: boolean, dayColumn = false): string {
	if (value === null) return '';
	if (value instanceof Date) return sheetDate(value, date1904) ?? '';
	if (typeof value === 'number' && dayColumn && value >= 1 && value < 2_958_466) return sheetDate(value, date1904) ?? String(value);
	return String(value).replace(CONTROLS, '');
}

/** The Coop's .xlsx → the same reading as its CSV. */
async function readCoopWorkbook(bytes: Uint8Array, today: string): Promise<CoopRead> {
	const read = await readWorkbook(bytes, { maxInflatedBytes: COOP_MAX_INFLATED, maxRows: COOP_MAX_LINES + HEADER_WITHIN });
	if (read.problem !== null) return { error: WORKBOOK_ERRORS[read.problem] };

	// « Activités » first (the Coop's), then the others in their order: the first holding the table
	const sheets = [...read.sheets].sort((a, b) => Number(normalizeKey(b.name) === 'activites') - Number(normalizeKey(a.name) === 'activites'));
	let found: { rows: CellPlain[][]; header: number } | null = null;
	for (const s of sheets) {
		const header = s.rows.slice(0, HEADER_WITHIN).findIndex((r) => isCoopHeader(r.map((v) => cellText(v, read.date1904))));
		if (header >= 0) {
			found = { rows: s.rows, header };
			break;
		}
	}
	if (!found) return { error: NOT_A_COOP_FILE(REQUIRED_COLUMNS) };
	const { rows, header } = found;
	if (rows.length > COOP_MAX_LINES + HEADER_WITHIN)
		return {
			error: `Le tableau du classeur compte plus de ${fr.format(COOP_MAX_LINES)}\u00a0lignes\u00a0: ${fr.format(COOP_MAX_LINES)}\u00a0au plus par import. Exportez de la Coop une période plus courte, puis importez chaque fichier.`
		};

	const columns = rows[header].map((v) => COLUMN_KEYS.get(normalizeKey(cellText(v, read.date1904))));
	const records = rows.map((r, i) => {
		// the lines about the export: one line each in the text, so that the table's lines keep the sheet's numbers
		if (i < header) return r.map((v) => cellText(v, read.date1904).replace(/[\r\n]+/g, ' '));
		if (i === header) return r.map((v) => cellText(v, read.date1904));
		// the person's name and the notes are never read: they do not travel to the « Importer » step either
		return r.map((v, c) => (columns[c] && UNREAD.has(columns[c]) ? '' : cellText(v, read.date1904, DAY_COLUMNS.has(columns[c] ?? ''))));
	});
	const text = stringify(records, { delimiter: ';', record_delimiter: '\n', quoted_match: /[\r\n]/ });
	// the « Importer » step carries this text in the form: the same bound as a CSV sent
	const size = Buffer.byteLength(text, 'utf8');
	if (size > COOP_MAX_BYTES)
		return {
			error: `Le tableau de ce classeur fait ${fr.format(Math.ceil(size / 1024))}\u00a0Ko de texte\u00a0: ${fr.format(COOP_MAX_BYTES / 1024)}\u00a0Ko au plus par import. Exportez de la Coop une période plus courte (un trimestre, par exemple), puis importez chaque fichier.`
		};
	return readCoopCsv(text, today);
}

/**
 * The Coop's export as uploaded: its .xlsx as it is, or a CSV (saved by a spreadsheet, or
 * ours), or the text the « Importer » step carries. Bytes above COOP_MAX_BYTES are refused
 * before anything is unzipped.
 */
export async function readCoopFile(input: Uint8Array | string, today: string): Promise<CoopRead> {
	if (typeof input === 'string' || !input.byteLength || input.byteLength > COOP_MAX_BYTES || !looksLikeWorkbook(input)) return readCoopCsv(input, today);
	return readCoopWorkbook(input, today);
}
