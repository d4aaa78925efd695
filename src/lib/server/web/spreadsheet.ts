/**
 * Cells of the CSV files meant for spreadsheets (the Pass dashboard, statements): a value
 * starting with = + - @, a tab or a carriage return would be run as a formula when the file
 * is opened (issue 11, finding 12: `=HYPERLINK(…)` came out live). Such a text gets a
 * leading apostrophe, the OWASP rule, which spreadsheets show as plain text; numbers
 * ("-12,50") stay numbers. The national places CSV is not one of these: see
 * docs/decisions/0005-csv-formulas.md.
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
