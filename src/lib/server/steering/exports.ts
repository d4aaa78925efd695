/**
 * Steering (issue 16): every table of the steering space as a CSV for spreadsheets, from one
 * route (`/pilotage/export/<table id>.csv?departement=…&periode=…&niveau=…`). A registry maps the
 * first word of a table's id (`offre-…`, `fragilite-…`) to the use case that builds that
 * section's tables with the reader's rights; a section adds its line here, the route does not
 * change. Cells are written as the page shows them, formulas neutralised (decision 0005),
 * masked cells as `masqué`.
 */
import type { Database } from '../db/client.ts';
import type { Actor } from '../accounts/index.ts';
import { MASKED } from '../stats/index.ts';
import { DomainError } from '../errors.ts';
import { spreadsheetCell } from '../web/spreadsheet.ts';
import { parisDay } from '../../time.ts';
import { isMasked, type SteeringCell, type SteeringColumn, type SteeringTable } from './model.ts';
import { fragilitySection, offerSection } from './offer.ts';

/** The tables of one section, built for the reader (already masked where they hold persons). */
export type SectionTables = (
	database: Database,
	actor: Actor,
	params: URLSearchParams,
	today: string
) => Promise<{ departmentCode: string; periodKey: string; tables: SteeringTable[] }>;

const tablesOf = async <T extends { context: { query: { departmentCode: string; period: { key: string } } } }>(
	section: Promise<T>,
	pick: (s: T) => SteeringTable[]
) => {
	const s = await section;
	return { departmentCode: s.context.query.departmentCode, periodKey: s.context.query.period.key, tables: pick(s) };
};

/** By the first word of the table ids: the section that builds them. */
export const STEERING_SECTIONS: Record<string, SectionTables> = {
	offre: (database, actor, params, today) => tablesOf(offerSection(database, actor, params, today), (s) => s.offer.blocks.map((b) => b.table)),
	fragilite: (database, actor, params, today) => tablesOf(fragilitySection(database, actor, params, today), (s) => s.fragility.blocks.map((b) => b.table))
};

const nf = (digits: number) => (n: number) =>
	n
		.toFixed(digits)
		.replace(/\.?0+$/, '')
		.replace('.', ',');

/** A cell as a spreadsheet reads it: decimal comma, no thousands separator, a ratio as a percentage. */
export function csvValue(cell: SteeringCell, kind: SteeringColumn['kind']): string {
	if (cell == null) return '';
	if (isMasked(cell)) return MASKED;
	if (typeof cell === 'string') return cell;
	switch (kind) {
		case 'percent':
			return nf(1)(cell * 100);
		case 'cents':
			return (cell / 100).toFixed(2).replace('.', ',');
		case 'per10k':
		case 'km':
			return nf(1)(cell);
		case 'score':
			return nf(2)(cell);
		default:
			return nf(3)(cell);
	}
}

/** The table as a CSV for spreadsheets (BOM, `;`, CRLF): the title, the columns, the rows, the total, the notes. */
export function steeringCsv(table: SteeringTable): string {
	const line = (cells: string[]) => cells.map((c) => spreadsheetCell(c)).join(';');
	const row = (cells: SteeringCell[]) => line(cells.map((c, i) => csvValue(c, table.columns[i].kind)));
	const lines = [line(table.columns.map((c) => c.label)), ...table.rows.map(row), ...(table.total ? [row(table.total)] : [])];
	const notes = [table.title, ...(table.notes ?? [])].map((n) => line([n]));
	return '\ufeff' + [...lines, '', ...notes].join('\r\n') + '\r\n';
}

/** One table of the steering space as a CSV, with the reader's rights; 404 for an unknown table. */
export async function steeringExport(
	database: Database,
	actor: Actor,
	tableId: string,
	params: URLSearchParams,
	today = parisDay()
): Promise<{ fileName: string; body: string }> {
	const section = STEERING_SECTIONS[tableId.split('-')[0]];
	if (!section || !/^[a-z0-9-]+$/.test(tableId)) throw new DomainError('not_found', 'Ce tableau n’existe pas.');
	const built = await section(database, actor, params, today);
	const table = built.tables.find((t) => t.id === tableId);
	if (!table) throw new DomainError('not_found', 'Ce tableau n’existe pas.');
	return { fileName: `${table.id}-${built.departmentCode}-${built.periodKey}.csv`, body: steeringCsv(table) };
}
