/**
 * The roadmap as a list: the département's actions with their filters (status, axis,
 * partner, area), sorted by due date, the same rows for the CSV and XLSX exports; and the
 * roadmap's axes, an editable list per département.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { can, fieldErrors, type Actor } from '../accounts/index.ts';
import { parisDay } from '../../time.ts';
import { strategyActions, strategyAxes } from './db.ts';
import {
	ACTION_STATUSES,
	STATUS_LABELS,
	areaKeysOf,
	axisInput,
	byDueDate,
	effectiveStatus,
	fundingBalance,
	INDICATORS,
	isUuid,
	matchesFilter,
	parseRoadmapFilter,
	type ActionStatus,
	type IndicatorKey,
	type ShownStatus
} from './model.ts';
import { StrategyError, axesOf, communesOfKeys, mustManage, orgNames, organisationsOf, pickDepartment, territoryOf, userActor } from './internal.ts';
import { extrasOf } from './actions.ts';

export interface RoadmapRow {
	id: string;
	title: string;
	description: string;
	axis: string | null;
	pilot: string;
	partners: string[];
	areas: string[];
	wholeDepartment: boolean;
	budgetCents: number | null;
	fundings: { name: string; amountCents: number }[];
	fundedCents: number;
	missingCents: number | null;
	indicators: { key: string; label: string; unit: string; target: number | null; targetDate: string | null }[];
	dueDate: string;
	status: ActionStatus;
	shownStatus: ShownStatus;
}

/** The roadmap of a département, filtered by `params` (?statut, ?axe, ?partenaire, ?territoire), by due date. */
export async function roadmap(database: Database, actor: Actor, params: URLSearchParams, today = parisDay()) {
	const { departmentCode, departments } = await pickDepartment(database, actor, params.get('departement'));
	const filter = parseRoadmapFilter(params);
	const [rows, axes, t, organisations] = await Promise.all([
		database.db.select().from(strategyActions).where(eq(strategyActions.departmentCode, departmentCode)),
		axesOf(database.db, departmentCode),
		territoryOf(database, departmentCode),
		organisationsOf(database, departmentCode)
	]);
	const extras = await extrasOf(
		database,
		rows.map((r) => r.id)
	);
	const filterCommunes = filter.area ? communesOfKeys(t, [filter.area]) : null;
	const axisLabel = new Map(axes.map((a) => [a.id, a.label]));
	const all = rows.map((r) => {
		const fundings = extras.fundings.get(r.id) ?? [];
		return { r, fundings, communes: communesOfKeys(t, areaKeysOf(r)) };
	});
	const kept = all.filter(({ r, fundings, communes }) =>
		matchesFilter(
			{
				status: r.status as ActionStatus,
				dueDate: r.dueDate,
				axisId: r.axisId,
				pilotOrganisationId: r.pilotOrganisationId,
				partnerOrganisationIds: r.partnerOrganisationIds,
				funderOrganisationIds: fundings.map((f) => f.funderId),
				wholeDepartment: r.wholeDepartment,
				communes
			},
			filter,
			filterCommunes,
			today
		)
	);
	const names = await orgNames(
		database.db,
		kept.flatMap(({ r, fundings }) => [r.pilotOrganisationId, ...r.partnerOrganisationIds, ...fundings.map((f) => f.funderId)])
	);
	const name = (id: string) => names.get(id) ?? 'Structure inconnue';
	const actions: RoadmapRow[] = kept
		.map(({ r, fundings }) => {
			const balance = fundingBalance(r.budgetCents, fundings);
			return {
				id: r.id,
				title: r.title,
				description: r.description,
				axis: r.axisId ? (axisLabel.get(r.axisId) ?? null) : null,
				pilot: name(r.pilotOrganisationId),
				partners: r.partnerOrganisationIds.map(name),
				areas: r.wholeDepartment ? ['Tout le département'] : areaKeysOf(r).map((k) => t.labels.get(k) ?? k),
				wholeDepartment: r.wholeDepartment,
				budgetCents: r.budgetCents,
				fundings: fundings.map((f) => ({ name: name(f.funderId), amountCents: f.amountCents })),
				fundedCents: balance.fundedCents,
				missingCents: balance.missingCents,
				indicators: (extras.indicators.get(r.id) ?? []).map((i) => ({ ...i, label: INDICATORS[i.key].label, unit: INDICATORS[i.key].unit })),
				dueDate: r.dueDate,
				status: r.status as ActionStatus,
				shownStatus: effectiveStatus(r.status as ActionStatus, r.dueDate, today)
			};
		})
		.sort(byDueDate);
	// the figures above the list: every action of the département, whatever the filter
	const counts = Object.fromEntries(([...ACTION_STATUSES, 'late'] as ShownStatus[]).map((s) => [s, 0])) as Record<ShownStatus, number>;
	for (const { r } of all) counts[effectiveStatus(r.status as ActionStatus, r.dueDate, today)]++;
	const budgetCents = all.reduce((s, { r }) => s + (r.status === 'dropped' ? 0 : (r.budgetCents ?? 0)), 0);
	const axisUse = new Map<string, number>();
	for (const { r } of all) if (r.axisId) axisUse.set(r.axisId, (axisUse.get(r.axisId) ?? 0) + 1);
	return {
		departmentCode,
		departments,
		manage: can(actor, 'strategy.manage', { departmentCode }),
		filter,
		filtered: !!(filter.status || filter.axisId || filter.organisationId || filter.area),
		actions,
		total: rows.length,
		counts,
		budgetCents,
		axes: axes.map((a) => ({ ...a, actions: axisUse.get(a.id) ?? 0 })),
		choices: {
			statuses: (Object.keys(STATUS_LABELS) as ShownStatus[]).map((s) => ({ value: s, label: STATUS_LABELS[s] })),
			organisations,
			areas: [...t.areas.map((a) => ({ value: a.key, label: a.label })), ...t.epcis.map((e) => ({ value: e.key, label: e.label }))],
			communes: t.communes.map((c) => ({ value: `commune:${c.code}`, label: c.name })).sort((a, b) => a.label.localeCompare(b.label, 'fr'))
		},
		filterAreaLabel: filter.area ? (t.labels.get(filter.area) ?? null) : null
	};
}

// ——— axes ———

export async function createAxis(database: Database, actor: Actor, departmentCode: string, input: unknown, ip?: string | null): Promise<void> {
	mustManage(actor, departmentCode);
	const parsed = axisInput.safeParse(input);
	if (!parsed.success) throw new StrategyError('invalid', 'L’axe n’a pas de nom.', fieldErrors(parsed.error.issues));
	const label = parsed.data.label;
	await database.db.transaction(async (tx) => {
		const existing = await tx
			.select({ id: strategyAxes.id })
			.from(strategyAxes)
			.where(and(eq(strategyAxes.departmentCode, departmentCode), sql`lower(${strategyAxes.label}) = lower(${label})`));
		if (existing.length) throw new StrategyError('invalid', 'Cet axe existe déjà.', { label: 'Un axe porte déjà ce nom.' });
		const [{ n }] = await tx
			.select({ n: sql<number>`coalesce(max(${strategyAxes.position}), 0)::int` })
			.from(strategyAxes)
			.where(eq(strategyAxes.departmentCode, departmentCode));
		const [row] = await tx
			.insert(strategyAxes)
			.values({ departmentCode, label, position: n + 1 })
			.returning({ id: strategyAxes.id });
		await journal(tx, {
			actor: userActor(actor),
			action: 'strategy.axis.created',
			targetType: 'strategy_axis',
			targetId: row.id,
			departmentCode,
			ip,
			details: { label }
		});
	});
}

async function loadAxis(database: Database, id: string) {
	if (!isUuid(id)) throw new StrategyError('not_found', 'Cet axe n’existe pas.');
	const [a] = await database.db.select().from(strategyAxes).where(eq(strategyAxes.id, id));
	if (!a) throw new StrategyError('not_found', 'Cet axe n’existe pas.');
	return a;
}

export async function renameAxis(database: Database, actor: Actor, id: string, input: unknown, ip?: string | null): Promise<void> {
	const axis = await loadAxis(database, id);
	mustManage(actor, axis.departmentCode);
	const parsed = axisInput.safeParse(input);
	if (!parsed.success) throw new StrategyError('invalid', 'L’axe n’a pas de nom.', fieldErrors(parsed.error.issues));
	const label = parsed.data.label;
	if (label === axis.label) return;
	await database.db.transaction(async (tx) => {
		const clash = await tx
			.select({ id: strategyAxes.id })
			.from(strategyAxes)
			.where(
				and(eq(strategyAxes.departmentCode, axis.departmentCode), sql`lower(${strategyAxes.label}) = lower(${label})`, sql`${strategyAxes.id} <> ${id}::uuid`)
			);
		if (clash.length) throw new StrategyError('invalid', 'Cet axe existe déjà.', { label: 'Un autre axe porte déjà ce nom.' });
		await tx.update(strategyAxes).set({ label }).where(eq(strategyAxes.id, id));
		await journal(tx, {
			actor: userActor(actor),
			action: 'strategy.axis.renamed',
			targetType: 'strategy_axis',
			targetId: id,
			departmentCode: axis.departmentCode,
			ip,
			details: { label, from: axis.label }
		});
	});
}

/** Deletes an axis no action uses (an axis in use is renamed, or its actions moved first). */
export async function deleteAxis(database: Database, actor: Actor, id: string, ip?: string | null): Promise<void> {
	const axis = await loadAxis(database, id);
	mustManage(actor, axis.departmentCode);
	await database.db.transaction(async (tx) => {
		const [{ n }] = await tx
			.select({ n: sql<number>`count(*)::int` })
			.from(strategyActions)
			.where(eq(strategyActions.axisId, id));
		if (n > 0)
			throw new StrategyError(
				'conflict',
				`L’axe « ${axis.label} » porte ${n > 1 ? `${n} actions` : 'une action'}\u00a0: rattachez-${n > 1 ? 'les' : 'la'} à un autre axe avant de le supprimer.`
			);
		await tx.delete(strategyAxes).where(eq(strategyAxes.id, id));
		await journal(tx, {
			actor: userActor(actor),
			action: 'strategy.axis.deleted',
			targetType: 'strategy_axis',
			targetId: id,
			departmentCode: axis.departmentCode,
			ip,
			details: { label: axis.label }
		});
	});
}

/** What the action's form offers: the département's axes, organisations, areas, EPCIs. */
export async function actionFormChoices(database: Database, actor: Actor, asked: string | null) {
	const { departmentCode, departments } = await pickDepartment(database, actor, asked);
	mustManage(actor, departmentCode);
	const [axes, organisations, t] = await Promise.all([
		axesOf(database.db, departmentCode),
		organisationsOf(database, departmentCode),
		territoryOf(database, departmentCode)
	]);
	return {
		departmentCode,
		departments,
		axes: axes.map((a) => ({ value: a.id, label: a.label })),
		organisations,
		areas: t.areas.map((a) => ({ value: String(a.id), label: a.label })),
		epcis: t.epcis.map((e) => ({ value: e.code, label: e.label })),
		indicators: Object.entries(INDICATORS).map(([key, i]) => ({ key, label: i.label, unit: i.unit }))
	};
}

/**
 * For the figures pages: the targets the roadmap sets on each steering indicator of a
 * département (the actions neither done nor dropped, by due date), so that a figure can be
 * shown beside the target it is expected to reach. Read like the roadmap (coordinators, partners).
 */
export async function indicatorTargets(database: Database, actor: Actor, departmentCode: string, today = parisDay()) {
	if (!can(actor, 'strategy.read', { departmentCode })) return new Map<IndicatorKey, IndicatorTarget[]>();
	const rows = await database.db
		.select({ id: strategyActions.id, title: strategyActions.title, status: strategyActions.status, dueDate: strategyActions.dueDate })
		.from(strategyActions)
		.where(eq(strategyActions.departmentCode, departmentCode));
	const live = rows.filter((r) => r.status === 'planned' || r.status === 'in_progress');
	const extras = await extrasOf(
		database,
		live.map((r) => r.id)
	);
	const out = new Map<IndicatorKey, IndicatorTarget[]>();
	for (const r of live.sort(byDueDate))
		for (const i of extras.indicators.get(r.id) ?? []) {
			if (!out.has(i.key)) out.set(i.key, []);
			out.get(i.key)!.push({
				actionId: r.id,
				title: r.title,
				target: i.target,
				targetDate: i.targetDate,
				shownStatus: effectiveStatus(r.status as ActionStatus, r.dueDate, today)
			});
		}
	return out;
}

export interface IndicatorTarget {
	actionId: string;
	title: string;
	target: number | null;
	targetDate: string | null;
	shownStatus: ShownStatus;
}
