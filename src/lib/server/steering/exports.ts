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
import { isMasked, levelLabel, type SteeringCell, type SteeringColumn, type SteeringTable } from './model.ts';
import type { SteeringContext } from './context.ts';
import { tablesXlsx } from './files.ts';
import { steeringReportPdf } from '../documents/index.ts';
import { cellText } from '../../components/steering-cells.ts';
import { fragilitySection, offerSection } from './offer.ts';
import { demandSections } from './demand.ts';
import { outcomeSections } from './outcomes.ts';
import { partnerSections } from './partners.ts';
import { trainingSections } from './trainings.ts';
import { equipmentSections } from './equipment.ts';
import type { SteeringSection } from './sections.ts';

/** The tables of one section, built for the reader (already masked where they hold persons), each with its sentence. */
export type SectionTables = (
	database: Database,
	actor: Actor,
	params: URLSearchParams,
	today: string
) => Promise<{ context: SteeringContext; tables: SteeringTable[]; summaries: Record<string, string> }>;

const tablesOf = async <T extends { context: SteeringContext }>(section: Promise<T>, pick: (s: T) => { table: SteeringTable; summary: string }[]) => {
	const s = await section;
	const blocks = pick(s);
	return { context: s.context, tables: blocks.map((b) => b.table), summaries: Object.fromEntries(blocks.map((b) => [b.table.id, b.summary])) };
};

/** The pages of figures about people (demand, outcomes, partners): their sections' tables, already masked. */
const fromSections = async (built: Promise<{ reader: { context: SteeringContext }; sections: SteeringSection[] }>) => {
	const { reader, sections } = await built;
	const shown = sections.flatMap((s) => s.tables);
	return { context: reader.context, tables: shown.map((t) => t.table), summaries: Object.fromEntries(shown.map((t) => [t.table.id, t.summary])) };
};
/** The instant a Paris day stands for (today: now, for the figures of the day). */
export const instantOf = (today: string) => (today === parisDay() ? new Date() : new Date(`${today}T12:00:00Z`));

/** By the first word of the table ids: the section that builds them (in the order of the report). */
export const STEERING_SECTIONS: Record<string, SectionTables> = {
	offre: (database, actor, params, today) => tablesOf(offerSection(database, actor, params, today), (s) => s.offer.blocks),
	fragilite: (database, actor, params, today) => tablesOf(fragilitySection(database, actor, params, today), (s) => s.fragility.blocks),
	demande: (database, actor, params, today) => fromSections(demandSections(database, actor, params, instantOf(today))),
	resultats: (database, actor, params, today) => fromSections(outcomeSections(database, actor, params, instantOf(today))),
	partenaires: (database, actor, params, today) => fromSections(partnerSections(database, actor, params, instantOf(today))),
	formations: (database, actor, params, today) => fromSections(trainingSections(database, actor, params, instantOf(today))),
	materiel: (database, actor, params, today) => fromSections(equipmentSections(database, actor, params, instantOf(today)))
};

/** The sections' titles, in the workbook's name and the report's headings. */
export const SECTION_TITLES: Record<string, string> = {
	offre: 'Offre de médiation numérique',
	fragilite: 'Fragilité numérique de la population',
	demande: 'Demande',
	resultats: 'Résultats',
	partenaires: 'Partenaires',
	formations: 'Formation des aidants',
	materiel: 'Matériel reconditionné'
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
	return { fileName: `${table.id}-${built.context.query.departmentCode}-${built.context.query.period.key}.csv`, body: steeringCsv(table) };
}

/** More columns than an A4 page can show legibly: the table is left to the workbook. */
const REPORT_MAX_COLUMNS = 8;

/** « Lot-et-Garonne, 2026 (en cours), par intercommunalité » */
export const scopeLine = (c: SteeringContext) =>
	`${c.departments.find((d) => d.code === c.query.departmentCode)?.name ?? c.query.departmentCode}, ${c.query.period.label}${c.query.period.ongoing ? ' (en cours)' : ''}, par ${levelLabel(c.query.level).toLowerCase()}`;

/** Every table of a section as one workbook (a sheet each), with the reader's rights; 404 for an unknown section. */
export async function steeringWorkbook(
	database: Database,
	actor: Actor,
	sectionKey: string,
	params: URLSearchParams,
	instanceName: string,
	today = parisDay()
): Promise<{ fileName: string; body: Buffer }> {
	const section = Object.hasOwn(STEERING_SECTIONS, sectionKey) ? STEERING_SECTIONS[sectionKey] : null;
	if (!section) throw new DomainError('not_found', 'Ce tableau n’existe pas.');
	const built = await section(database, actor, params, today);
	const q = built.context.query;
	return {
		fileName: `${sectionKey}-${q.departmentCode}-${q.period.key}.xlsx`,
		body: await tablesXlsx(built.tables, { scope: scopeLine(built.context), instanceName })
	};
}

/**
 * The printable report (PDF) of the département, or of one of its units (an area, an EPCI, a
 * commune: `?zone=<its name>`), for the period and level asked for: every section, its
 * sentences and its tables; a table by unit keeps that unit's row and the total.
 */
export async function steeringReport(
	database: Database,
	actor: Actor,
	params: URLSearchParams,
	instanceName: string,
	today = parisDay()
): Promise<{ fileName: string; body: Buffer }> {
	const built = await Promise.all(Object.entries(STEERING_SECTIONS).map(async ([key, build]) => ({ key, ...(await build(database, actor, params, today)) })));
	const context = built[0].context;
	const q = context.query;
	const zone = (params.get('zone') ?? '').trim().slice(0, 200);
	const byUnit = (t: SteeringTable) => t.columns[0]?.label === levelLabel(q.level);
	const units = new Set(built.flatMap((b) => b.tables.filter(byUnit).flatMap((t) => t.rows.map((r) => String(r[0])))));
	if (zone && !units.has(zone)) throw new DomainError('not_found', 'Ce territoire n’est pas dans ce découpage.');
	const dept = context.departments.find((d) => d.code === q.departmentCode)?.name ?? q.departmentCode;
	const text = (t: SteeringTable, cells: SteeringTable['rows'][number]) => t.columns.map((c, i) => cellText(cells[i] ?? null, c.kind) ?? '—');
	const body = await steeringReportPdf({
		instanceName,
		title: `Rapport ${q.period.kind === 'year' ? 'annuel ' : ''}${q.period.label}${q.period.ongoing ? ' (en cours)' : ''}`,
		scope: zone ? `${zone} (${dept})` : `${dept}, par ${levelLabel(q.level).toLowerCase()}`,
		summary: [],
		sections: built.map((b) => ({
			heading: SECTION_TITLES[b.key] ?? b.key,
			summary: [],
			tables: b.tables.map((t) => {
				const rows = zone && byUnit(t) ? t.rows.filter((r) => String(r[0]) === zone) : t.rows;
				if (t.columns.length > REPORT_MAX_COLUMNS)
					return {
						title: t.title,
						headers: [],
						rows: [],
						omitted: `Ce tableau a ${t.columns.length} colonnes, trop pour une page\u00a0: il est dans le classeur de la section et dans son fichier CSV.`
					};
				return {
					title: t.title,
					headers: t.columns.map((c) => c.label),
					rows: [...rows.map((r) => text(t, r)), ...(t.total ? [text(t, t.total)] : [])],
					notes: [b.summaries[t.id], ...(t.notes ?? [])].filter((n): n is string => !!n)
				};
			})
		}))
	});
	const slug = zone
		? `-${zone
				.normalize('NFD')
				.replace(/[^\w]+/g, '-')
				.replace(/^-|-$/g, '')
				.toLowerCase()}`
		: '';
	return { fileName: `rapport-${q.departmentCode}${slug}-${q.period.key}.pdf`, body };
}
