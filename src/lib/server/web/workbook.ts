/**
 * An uploaded Excel workbook (.xlsx), read safely, for importers that take what national tools
 * export as they are (La Coop de la médiation numérique exports only .xlsx): its visible
 * sheets as rows of plain values, read by exceljs.
 *
 * An .xlsx is a zip of XML files. Before exceljs inflates anything the archive is checked:
 * readable, an Excel workbook (not a Word document, an OpenDocument sheet, an .xlsb), without
 * macros; then every entry is inflated once with a running count and stopped past
 * `maxInflatedBytes` (a zip bomb declares small sizes and inflates a thousandfold: the
 * declared sizes are not believed). exceljs then reads a bounded archive. Whatever fails
 * comes back as a problem (the caller says it in French); exceljs's and the zip library's
 * own messages, which may quote the file, are never shown nor logged.
 */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { log } from '../log.ts';

/** A cell reduced to what a CSV saved by a spreadsheet would say: text, number, boolean, date (the wall clock the sheet shows, as UTC). */
export type CellPlain = string | number | boolean | Date | null;

export interface Sheet {
	name: string;
	/** row 1 first; a row absent from the file is an empty array; a row's cells from column A, absent ones `null` */
	rows: CellPlain[][];
}

export type WorkbookProblem =
	/** not a zip, or a zip that does not read */
	| 'corrupt'
	/** a zip, but not an Excel workbook (a Word document, any archive) */
	| 'not-a-workbook'
	/** an OpenDocument spreadsheet (LibreOffice .ods) */
	| 'opendocument'
	/** an Excel binary workbook (.xlsb) */
	| 'binary'
	/** VBA or Excel 4 macros (.xlsm and the like) */
	| 'macros'
	/** an Excel 97–2003 workbook (.xls), or an .xlsx protected by a password (both OLE compound files) */
	| 'legacy'
	/** more than `maxInflatedBytes` once inflated, or too many entries */
	| 'too-large';

export type WorkbookRead = { problem: WorkbookProblem } | { problem: null; sheets: Sheet[]; date1904: boolean };

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP = [0x50, 0x4b, 0x05, 0x06];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/** A zip (an .xlsx, .xlsm, .ods, .docx…) or an OLE compound file (.xls, a protected .xlsx): what an importer of text must not decode as CSV. */
export const looksLikeWorkbook = (bytes: Uint8Array) => startsWith(bytes, ZIP) || startsWith(bytes, EMPTY_ZIP) || startsWith(bytes, OLE);

/** More entries than any workbook of a table has (the Coop's has 13). */
const MAX_ENTRIES = 500;

/** Inflates one entry, counting and keeping nothing; false as soon as the budget is spent (inflating stops there). */
function inflatesWithin(file: JSZip.JSZipObject, budget: { left: number }): Promise<boolean> {
	return new Promise((resolve, reject) => {
		const stream = file.nodeStream('nodebuffer') as NodeJS.ReadableStream & { destroy?: () => void };
		stream.on('data', (chunk: Buffer) => {
			budget.left -= chunk.length;
			if (budget.left >= 0) return;
			stream.pause();
			stream.removeAllListeners('data');
			stream.destroy?.();
			resolve(false);
		});
		stream.on('end', () => resolve(budget.left >= 0));
		stream.on('error', reject);
	});
}

/** A small XML entry's text (the content types): at most 256 KB read. */
async function smallText(file: JSZip.JSZipObject | null): Promise<string> {
	if (!file) return '';
	const budget = { left: 256 * 1024 };
	if (!(await inflatesWithin(file, budget))) return '';
	return file.async('string');
}

/** exceljs's value of a cell → a plain one: rich text joined, a hyperlink's text, a formula's last result, an error's code. */
export function plainValue(value: ExcelJS.CellValue): CellPlain {
	if (value === null || value === undefined) return null;
	if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
	if ('richText' in value) return value.richText.map((r) => r.text).join('');
	if ('hyperlink' in value) return plainValue(value.text as ExcelJS.CellValue);
	if ('formula' in value || 'sharedFormula' in value) return plainValue((value.result ?? null) as ExcelJS.CellValue);
	if ('error' in value) return value.error;
	return null;
}

async function check(zip: JSZip, maxInflatedBytes: number): Promise<WorkbookProblem | null> {
	const files = Object.values(zip.files).filter((f) => !f.dir);
	if (files.length > MAX_ENTRIES) return 'too-large';
	const names = new Set(files.map((f) => f.name.replace(/^\//, '')));
	if (!names.has('[Content_Types].xml')) {
		// an OpenDocument file names its kind in its first entry
		return /opendocument\.spreadsheet/.test(await smallText(zip.file('mimetype'))) ? 'opendocument' : 'not-a-workbook';
	}
	if (names.has('xl/workbook.bin')) return 'binary';
	const types = await smallText(zip.file('[Content_Types].xml'));
	if (
		[...names].some((n) => /(^|\/)vbaProject\.bin$|^xl\/macrosheets\//i.test(n)) ||
		/macroEnabled|vbaProject|ms-excel\.(macrosheet|intlmacrosheet)/i.test(types)
	)
		return 'macros';
	if (!names.has('xl/workbook.xml') || ![...names].some((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n))) return 'not-a-workbook';
	const budget = { left: maxInflatedBytes };
	for (const f of files) if (!(await inflatesWithin(f, budget))) return 'too-large';
	return null;
}

/**
 * The workbook's visible sheets, in their order, as plain rows. `maxRows` bounds each sheet
 * (a sheet past it comes back cut, with `rows.length === maxRows + 1` so the caller can say so).
 */
export async function readWorkbook(bytes: Uint8Array, opts: { maxInflatedBytes: number; maxRows: number }): Promise<WorkbookRead> {
	if (startsWith(bytes, OLE)) return { problem: 'legacy' };
	if (!startsWith(bytes, ZIP)) return { problem: startsWith(bytes, EMPTY_ZIP) ? 'not-a-workbook' : 'corrupt' };
	const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	let stage = 'zip';
	try {
		const zip = await JSZip.loadAsync(buffer);
		const problem = await check(zip, opts.maxInflatedBytes);
		if (problem) return { problem };
		stage = 'exceljs';
		const workbook = new ExcelJS.Workbook();
		// its types say ArrayBuffer; it hands the bytes to JSZip, which takes a Node Buffer as well
		await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
		const sheets: Sheet[] = [];
		for (const ws of workbook.worksheets) {
			if (ws.state !== 'visible') continue;
			const rows: CellPlain[][] = [];
			const last = Math.min(ws.rowCount, opts.maxRows + 1);
			for (let r = 1; r <= last; r++) {
				const row = ws.findRow(r);
				const cells: CellPlain[] = [];
				// a merged area's other cells are empty, as a spreadsheet saves them in CSV
				row?.eachCell({ includeEmpty: false }, (cell, c) => {
					cells[c - 1] = cell.type === ExcelJS.ValueType.Merge ? null : plainValue(cell.value);
				});
				rows.push(Array.from(cells, (v) => v ?? null));
			}
			sheets.push({ name: ws.name, rows });
		}
		return { problem: null, sheets, date1904: !!workbook.properties?.date1904 };
	} catch (e) {
		// the library's words stay here: they may quote the file
		log('warn', 'workbook unreadable', { stage, error: e instanceof Error ? e.name : typeof e });
		return { problem: 'corrupt' };
	}
}

/**
 * A date cell's day as the sheet shows it (21/11/2026), with the time when it has one
 * (21/11/2026 14:05). A serial number (a date cell that lost its format) is read the same,
 * in the workbook's date system. exceljs turns the serial, a wall-clock day and time without
 * a time zone, into a Date *at that wall clock in UTC*: the UTC fields give back the day the
 * sheet shows (the Coop writes its days, Paris days, at midnight UTC), whatever the server's
 * zone; reading them in local time or converting to Paris would move midnight to the eve.
 */
export function sheetDate(value: Date | number, date1904 = false): string | null {
	const d = typeof value === 'number' ? new Date(Math.round((value - 25569 + (date1904 ? 1462 : 0)) * 86_400_000)) : value;
	if (Number.isNaN(d.getTime())) return null;
	const two = (n: number) => String(n).padStart(2, '0');
	const dayText = `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
	const minutes = d.getUTCHours() * 60 + d.getUTCMinutes();
	return minutes ? `${dayText} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}` : dayText;
}
