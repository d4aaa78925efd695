/**
 * A steering table's cells as people read them: on the pages and in the PDF (French
 * numbers, units), in the CSV for spreadsheets (numbers a French spreadsheet reads as
 * numbers: decimal comma, no thousands separator), in the XLSX (real numbers with a format).
 * A masked cell reads « masqué » everywhere (stats/, one word whatever the reason).
 */
import { MASKED } from '../stats/index.ts';
import { formatDate } from '../../components/format.ts';
import { isMasked, type SteeringCell, type SteeringColumn } from './model.ts';

const INT = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const ONE = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const EUROS = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });

/** The cell as a page or a PDF shows it: « 1 234 », « 12,5 % », « 3,2 km », « 1 200 € », « masqué », « — ». */
export function cellText(column: Pick<SteeringColumn, 'kind'>, cell: SteeringCell): string {
	if (isMasked(cell)) return MASKED;
	if (cell === null || cell === undefined || cell === '') return '—';
	if (typeof cell === 'string') return column.kind === 'day' && /^\d{4}-\d{2}-\d{2}$/.test(cell) ? (formatDate(cell) ?? cell) : cell;
	switch (column.kind) {
		case 'percent':
			return `${ONE.format(cell * 100)}\u00a0%`;
		case 'per10k':
		case 'score':
			return ONE.format(cell);
		case 'km':
			return `${ONE.format(cell)}\u00a0km`;
		case 'days':
			return `${ONE.format(cell)}\u00a0j`;
		case 'cents':
			return EUROS.format(cell / 100);
		default:
			return INT.format(cell);
	}
}

/** The cell for a CSV opened by a French spreadsheet: a bare number with a decimal comma, the text as it is (neutralised by the writer). */
export function cellCsv(column: Pick<SteeringColumn, 'kind'>, cell: SteeringCell): string {
	if (isMasked(cell)) return MASKED;
	if (cell === null || cell === undefined) return '';
	if (typeof cell === 'string') return cell;
	const n = column.kind === 'percent' ? cell * 100 : column.kind === 'cents' ? cell / 100 : cell;
	const rounded = column.kind === 'count' || column.kind === 'persons' ? Math.round(n) : Math.round(n * 100) / 100;
	return String(rounded).replace('.', ',');
}

/** The column's heading with its unit, for the files (the pages say the unit in the cell). */
export function headingWithUnit(column: SteeringColumn): string {
	const unit = { percent: '%', per10k: 'pour 10 000 habitants', km: 'km', days: 'jours', cents: '€' }[column.kind as string];
	return unit && !column.label.includes(unit) ? `${column.label} (${unit})` : column.label;
}
