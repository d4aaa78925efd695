/**
 * How the steering pages of figures draw their tables (issue 16, item 7): the chart of a
 * table (`TableChart`, drawn by SteeringSections.svelte from the table's own masked cells),
 * the referrals month by month for the line chart, and the words of their titles. The maps'
 * figures are maps.ts's `unitChart`.
 */
import type { TableChart } from '../../components/charts/types.ts';
import { ratio, type BuiltTable, type TableSpec, type YearFacts } from './figures.ts';
import { isMasked, levelLabel, MASKED_CELL, type Level, type Period, type SteeringTable } from './model.ts';
import { monthlyTable, type MonthlyTable } from './monthly.ts';
import { unitChart } from './maps.ts';

/** A bar chart of a table: a bar per row of `columns[0]`, or a group per row (or per column, `byColumn`) when several. */
export function bars(
	title: string,
	measure: string,
	unit: [string, string],
	opts: { columns?: number[]; feminine?: boolean; byColumn?: boolean; sort?: boolean; highest?: string; highestOne?: string } = {}
): TableChart {
	return { kind: 'bars', title, measure, unit, ...opts, columns: opts.columns ?? [1] };
}

/** « par intercommunalité », « par bassin de vie »: the level in a title. */
export const byLevelWords = (level: Level) => `par ${levelLabel(level).toLowerCase()}`;

/** The persons of a table by unit of residence on a map (the demand): a circle per unit, masked units hatched. */
export function residenceMap(built: BuiltTable, what: string, measure: string, level: Level): TableChart | undefined {
	const feminine = level.kind === 'commune' || level.kind === 'epci';
	return unitChart(built, {
		title: `${what} ${byLevelWords(level)} de résidence`,
		value: 'persons',
		measure,
		highest: feminine ? 'les plus demandeuses' : 'les plus demandeurs',
		highestOne: feminine ? 'la plus demandeuse' : 'le plus demandeur'
	});
}

/**
 * The honoured rate by unit on a map (the outcomes; `built`'s cells: closed, honoured), as the
 * table's rate column says it (masked where it is), diverging around the whole's rate.
 */
export function honouredMap(built: BuiltTable, level: Level): TableChart | undefined {
	const whole = built.table.total?.[3];
	return unitChart(
		built,
		{
			title: `Taux d’orientations honorées ${byLevelWords(level)} de résidence`,
			value: 'percent',
			measure: 'd’orientations honorées',
			reference: typeof whole === 'number' ? whole : null,
			referenceLabel: 'le taux d’ensemble'
		},
		([closed, honoured]) => {
			const rate = closed !== null || honoured !== null ? ratio(honoured, closed) : MASKED_CELL;
			return typeof rate === 'number' ? rate : rate === null ? null : 'masked';
		}
	);
}

/** The referrals sent and honoured, month by month: the funnel's rows read month by month (its masking). */
export function referralMonths(funnel: TableSpec, facts: YearFacts, period: Period): MonthlyTable {
	return monthlyTable(funnel, facts, period, {
		id: 'resultats-orientations-mois',
		title: 'Orientations envoyées et honorées, mois par mois',
		rows: [
			{ key: 'sent', label: 'Envoyées' },
			{ key: 'honoured', label: 'Honorées' }
		],
		notes: ['Chaque mois se lit comme le parcours des orientations de ce mois-là (mêmes chiffres, mêmes cases masquées).']
	});
}

const nf = new Intl.NumberFormat('fr-FR');

/** A table by month in one sentence: for each column, its highest month; the masked months. */
export function monthsSummary(t: SteeringTable): string {
	if (!t.rows.length) return 'Aucun mois publié dans cette période.';
	const parts = t.columns.slice(1).map((c, i) => {
		let best: { month: string; v: number } | null = null;
		for (const r of t.rows) {
			const v = r[i + 1];
			if (typeof v === 'number' && (!best || v > best.v)) best = { month: String(r[0]), v };
		}
		const label = c.label.toLowerCase();
		return best ? `${label}\u00a0: au plus ${nf.format(best.v)} en ${best.month}` : `${label}\u00a0: aucun mois montré`;
	});
	const masked = t.rows.reduce((s, r) => s + r.filter((c) => isMasked(c)).length, 0);
	if (masked) parts.push(`${nf.format(masked)} case${masked > 1 ? 's' : ''} masquée${masked > 1 ? 's' : ''}`);
	return `${parts.join('\u00a0; ')}.`.replace(/^./, (c) => c.toUpperCase());
}
