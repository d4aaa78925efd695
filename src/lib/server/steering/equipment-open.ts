/**
 * The public count of refurbished devices given per area (issue 18, item 5, open data;
 * decision 0023): the devices handed over each finished year, by area of the request (the
 * waiting lists' areas), read through `maillage_equipment_public_counts` (migration 0042: a
 * function that returns counts only, so that no public page needs the owner's connection).
 *
 * The small-count rule of every open table (../stats/small-counts.ts): a count of 1 to 4 is
 * masked, and other counts of the same year until the year's total no longer tells a masked
 * one by difference (or the total is masked too). Finished years only: a year under way would
 * tell, from one day's file to the next, who was given a device in a small area.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { suppressSmallCounts } from '../stats/index.ts';
import { listAreas } from '../territory/index.ts';
import { parisDay } from '../../time.ts';
import { MASKED_CELL, type SteeringCell, type SteeringTable } from './model.ts';

export const EQUIPMENT_OPEN_TABLE = 'materiel-appareils-remis';
export const EQUIPMENT_OPEN_TITLE = 'Appareils reconditionnés remis aux personnes, par territoire et par année';
const NO_AREA = 'Sans territoire';

/** The table of a département: a row per area with a device given (areas by name, then those without one), a column per finished year, the total row. */
export async function equipmentOpenTable(database: Database, departmentCode: string, today = parisDay()): Promise<SteeringTable> {
	const rows = await database.query<{ area_id: number | null; year: number; handed_over: number }>(
		sql`select area_id, year, handed_over from maillage_equipment_public_counts(${departmentCode})`
	);
	const thisYear = Number(today.slice(0, 4));
	const finished = rows.filter((r) => Number(r.year) < thisYear);
	const years = [...new Set(finished.map((r) => Number(r.year)))].sort((a, b) => a - b);
	const names = new Map((await listAreas(database, departmentCode)).map((a) => [a.id, a.name]));
	const keys = [...new Set(finished.map((r) => (r.area_id === null ? null : Number(r.area_id))))].sort((a, b) =>
		a === null ? 1 : b === null ? -1 : (names.get(a) ?? '').localeCompare(names.get(b) ?? '', 'fr')
	);
	const value = (k: number | null, y: number) =>
		finished.filter((r) => (r.area_id === null ? null : Number(r.area_id)) === k && Number(r.year) === y).reduce((s, r) => s + Number(r.handed_over), 0);
	const cells: SteeringCell[][] = keys.map((k) => [k === null ? NO_AREA : (names.get(k) ?? NO_AREA)]);
	const total: SteeringCell[] = ['Total'];
	for (const y of years) {
		const column = keys.map((k) => value(k, y));
		const s = suppressSmallCounts(column);
		column.forEach((v, i) => cells[i].push(s.hidden[i] ? MASKED_CELL : v));
		total.push(s.totalHidden ? MASKED_CELL : column.reduce((a, b) => a + b, 0));
	}
	return {
		id: EQUIPMENT_OPEN_TABLE,
		title: EQUIPMENT_OPEN_TITLE,
		columns: [{ key: 'territoire', label: 'Territoire', kind: 'text' }, ...years.map((y) => ({ key: String(y), label: String(y), kind: 'persons' as const }))],
		rows: cells,
		total: keys.length ? total : undefined,
		notes: [
			'Le territoire est celui de la liste d’attente où le prescripteur a inscrit la demande. Années terminées seulement.',
			'Un nombre de 1 à 4 est masqué, ainsi que d’autres cases de la même année pour qu’aucune soustraction avec le total ne le redonne.'
		]
	};
}
