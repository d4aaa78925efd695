/**
 * Cells of the CSV files meant for spreadsheets (the Pass dashboard, statements): a value
 * starting with = + - @, a tab or a carriage return would be run as a formula when the file
 * is opened (issue 11, finding 12: `=HYPERLINK(…)` came out live). Such a text gets a
 * leading apostrophe, the OWASP rule, which spreadsheets show as plain text; numbers
 * ("-12,50") stay numbers. The national places CSV is not one of these: see
 * docs/decisions/0005-csv-formulas.md.
 *
 * Also the other way: the bytes of a CSV a spreadsheet saved, decoded (UTF-8, else the
 * Windows-1252 of French Excel), for every importer of such files.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^[+-]?\d[\d\u00a0\u202f .,]*$/;

/** The text neutralised for a spreadsheet (not yet quoted). */
export function neutraliseFormula(value: string): string {
	return FORMULA_START.test(value) && !NUMBER.test(value) ? `'${value}` : value;
}

/** One cell of a `;`-separated CSV for spreadsheets: neutralised, then quoted when needed (RFC 4180). */
export function spreadsheetCell(value: string, separator = ';'): string {
	const v = neutraliseFormula(value);
	return v.includes(separator) || /["\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

// ——— reading a CSV a spreadsheet wrote ———

export const NOT_UTF8_WARNING = 'Le fichier n’était pas en UTF-8\u00a0: lu comme Windows-1252 (Excel). Vérifiez les accents.';
export const UNREADABLE =
	'Ce fichier ne peut pas être lu comme un tableau CSV (caractères illisibles)\u00a0: dans votre tableur, enregistrez-le au format « CSV UTF-8 », puis importez ce fichier.';
/** C0 controls except \t \n \r, DEL, C1 controls (what Windows-1252 gives for its unassigned bytes): a binary file */
export const BINARY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffd]/;

/**
 * The file's bytes as text: UTF-8 (a byte order mark dropped), else Windows-1252, what Excel
 * writes for « CSV (séparateur : point-virgule) » in France, with a warning. A binary file
 * (controls, bytes no encoding explains) is refused with a French message: never an exception.
 */
export function decodeCsvBytes(bytes: Uint8Array): { text: string; warning: string | null; error: null } | { text: null; warning: null; error: string } {
	const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
	let text: string;
	let warning: string | null = null;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(body);
	} catch {
		text = new TextDecoder('windows-1252').decode(body);
		warning = NOT_UTF8_WARNING;
	}
	if (BINARY.test(text)) return { text: null, warning: null, error: UNREADABLE };
	return { text, warning, error: null };
}
