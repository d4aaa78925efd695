/**
 * A steering table as CSV for spreadsheets (French headers, `;`, BOM, decimal commas): the
 * table as the page shows it, masked cells reading « masqué », every text cell neutralised
 * against formulas (docs/decisions/0005-csv-formulas.md). Its notes and the period follow the
 * figures, so that a file taken to a committee says what it counts.
 */
import { spreadsheetCell } from '../web/spreadsheet.ts';
import { MASKED } from '../stats/index.ts';
import { isMasked, type SteeringCell, type SteeringColumn, type SteeringTable } from './model.ts';

const decimal = (n: number, digits: number) => n.toFixed(digits).replace('.', ',');

function cellText(c: SteeringCell, kind: SteeringColumn['kind']): string {
	if (c === null) return '';
	if (isMasked(c)) return MASKED;
	if (typeof c === 'string') return c;
	switch (kind) {
		case 'percent':
			return decimal(c * 100, 1);
		case 'cents':
			return decimal(c / 100, 2);
		case 'km':
		case 'score':
		case 'per10k':
			return decimal(c, 1);
		default:
			return String(c);
	}
}

const heading = (c: SteeringColumn) => (c.kind === 'percent' ? `${c.label} (%)` : c.kind === 'cents' ? `${c.label} (€)` : c.label);

export function steeringCsv(t: SteeringTable, context: { departmentName: string; periodLabel: string; levelLabel?: string }): string {
	const line = (cells: string[]) => cells.map((x) => spreadsheetCell(x)).join(';');
	const rows = [
		line(t.columns.map(heading)),
		...t.rows.map((r) => line(r.map((c, i) => cellText(c, t.columns[i]?.kind ?? 'text')))),
		...(t.total ? [line(t.total.map((c, i) => cellText(c, t.columns[i]?.kind ?? 'text')))] : []),
		'',
		line([`${t.title} — ${context.departmentName}, ${context.periodLabel}${context.levelLabel ? `, par ${context.levelLabel.toLowerCase()}` : ''}`]),
		line([`« ${MASKED} »\u00a0: moins de 5 personnes, ou un chiffre qui permettrait de les retrouver par différence.`]),
		...(t.notes ?? []).map((n) => line([n]))
	];
	return `\ufeff${rows.join('\r\n')}\r\n`;
}

/** « pilotage-demande-orientations-structure-47-2026.csv » */
export function steeringCsvName(t: SteeringTable, departmentCode: string, periodKey: string): string {
	return `pilotage-${t.id}-${departmentCode}-${periodKey}.csv`.replace(/[^a-zA-Z0-9.-]/g, '-');
}
