/**
 * The roadmap's actions: created, edited, deleted (with confirmation) and followed with
 * dated progress notes by the département's coordinators; read by them and its partners.
 * Each write is one transaction with its journal entry: bad input writes nothing.
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database, Tx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { can, fieldErrors, organisationInDepartment, userNames, type Actor } from '../accounts/index.ts';
import { parisDay } from '../../time.ts';
import {
	strategyActionFundings,
	strategyActionIndicators,
	strategyActionNotes,
	strategyActions,
	strategyAxes,
	strategyDecisions,
	type StrategyAction
} from './db.ts';
import {
	actionInput,
	areaKeysOf,
	checkActionExtras,
	effectiveStatus,
	fundingBalance,
	INDICATORS,
	isIndicator,
	isUuid,
	noteInput,
	type ActionStatus,
	type IndicatorKey
} from './model.ts';
import { StrategyError, mustManage, mustRead, orgNames, resolveCommunes, territoryOf, userActor, type Territory } from './internal.ts';

const INCOMPLETE = 'L’action n’est pas complète.';

export async function loadAction(database: Database, id: string): Promise<StrategyAction> {
	if (!isUuid(id)) throw new StrategyError('not_found', 'Cette action n’existe pas.');
	const [a] = await database.db.select().from(strategyActions).where(eq(strategyActions.id, id));
	if (!a) throw new StrategyError('not_found', 'Cette action n’existe pas.');
	return a;
}

interface CheckedAction {
	row: Omit<typeof strategyActions.$inferInsert, 'departmentCode' | 'createdBy' | 'updatedBy'>;
	fundings: { funderId: string; amountCents: number }[];
	indicators: { key: IndicatorKey; target: number | null; targetDate: string | null }[];
}

/** The form checked against the département (its organisations, axes, areas, EPCIs and communes): every field error at once. */
async function checkAction(database: Database, tx: Tx, departmentCode: string, input: unknown, t: Territory): Promise<CheckedAction> {
	const parsed = actionInput.safeParse(input);
	const fields: Record<string, string> = parsed.success ? {} : fieldErrors(parsed.error.issues);
	if (!parsed.success) throw new StrategyError('invalid', INCOMPLETE, fields);
	const v = parsed.data;
	const extras = checkActionExtras(v);
	Object.assign(fields, extras.fields);
	const inDepartment = async (id: string) => !!(await organisationInDepartment(tx, id, departmentCode));
	if (!(await inDepartment(v.pilotId))) fields.pilotId = 'Choisissez une structure du département.';
	for (const id of v.partnerIds) if (!(await inDepartment(id))) fields.partnerIds = 'Choisissez des structures du département.';
	for (const f of extras.fundings) if (isUuid(f.funderId) && !(await inDepartment(f.funderId))) fields.fundings = 'Choisissez des financeurs du département.';
	if (v.axisId) {
		const [axis] = await tx
			.select({ id: strategyAxes.id })
			.from(strategyAxes)
			.where(and(eq(strategyAxes.id, v.axisId), eq(strategyAxes.departmentCode, departmentCode)));
		if (!axis) fields.axisId = 'Choisissez un axe de la feuille de route.';
	}
	const areaIds = [...new Set(v.areaIds)];
	if (areaIds.some((id) => !t.areaCommunes.has(id))) fields.areaIds = 'Choisissez des territoires de ce département.';
	const epciCodes = [...new Set(v.epciCodes)];
	if (epciCodes.some((c) => !t.labels.has(`epci:${c}`))) fields.epciCodes = 'Choisissez des intercommunalités du département.';
	const communes = resolveCommunes(t, v.communes);
	if (communes.unknown.length)
		fields.communes = `${communes.unknown.length > 1 ? 'Ces communes ne sont' : 'Cette commune n’est'} pas du département\u00a0: ${communes.unknown.slice(0, 5).join(', ')}. Écrivez leur nom ou leur code Insee.`;
	if (!v.wholeDepartment && !areaIds.length && !epciCodes.length && !communes.codes.length)
		fields.areas = 'Dites où porte l’action\u00a0: tout le département, ou des territoires, intercommunalités ou communes.';
	if (Object.keys(fields).length) throw new StrategyError('invalid', INCOMPLETE, fields);
	return {
		row: {
			title: v.title,
			description: v.description,
			axisId: v.axisId,
			pilotOrganisationId: v.pilotId,
			partnerOrganisationIds: [...new Set(v.partnerIds)].filter((id) => id !== v.pilotId),
			wholeDepartment: v.wholeDepartment,
			areaIds: v.wholeDepartment ? [] : areaIds,
			epciCodes: v.wholeDepartment ? [] : epciCodes,
			communeCodes: v.wholeDepartment ? [] : communes.codes,
			budgetCents: v.budget,
			dueDate: v.dueDate,
			status: v.status
		},
		fundings: extras.fundings,
		indicators: extras.indicators
	};
}

async function writeExtras(tx: Tx, actionId: string, c: CheckedAction) {
	await tx.delete(strategyActionFundings).where(eq(strategyActionFundings.actionId, actionId));
	await tx.delete(strategyActionIndicators).where(eq(strategyActionIndicators.actionId, actionId));
	if (c.fundings.length)
		await tx.insert(strategyActionFundings).values(c.fundings.map((f) => ({ actionId, funderOrganisationId: f.funderId, amountCents: f.amountCents })));
	if (c.indicators.length)
		await tx.insert(strategyActionIndicators).values(c.indicators.map((i) => ({ actionId, indicator: i.key, target: i.target, targetDate: i.targetDate })));
}

export async function createAction(database: Database, actor: Actor, departmentCode: string, input: unknown, ip?: string | null): Promise<string> {
	mustManage(actor, departmentCode);
	const t = await territoryOf(database, departmentCode);
	return database.db.transaction(async (tx) => {
		const c = await checkAction(database, tx, departmentCode, input, t);
		const [row] = await tx
			.insert(strategyActions)
			.values({ ...c.row, departmentCode, createdBy: actor.userId, updatedBy: actor.userId })
			.returning({ id: strategyActions.id });
		await writeExtras(tx, row.id, c);
		await journal(tx, {
			actor: userActor(actor),
			action: 'strategy.action.created',
			targetType: 'strategy_action',
			targetId: row.id,
			departmentCode,
			ip,
			details: { title: c.row.title, status: c.row.status, dueDate: c.row.dueDate }
		});
		return row.id;
	});
}

/** The fields whose value changed (for the journal: names, never the texts). */
function changed(before: StrategyAction, after: CheckedAction['row'], extras: { fundings: boolean; indicators: boolean }): string[] {
	const keys = [
		'title',
		'description',
		'axisId',
		'pilotOrganisationId',
		'partnerOrganisationIds',
		'wholeDepartment',
		'areaIds',
		'epciCodes',
		'communeCodes',
		'budgetCents',
		'dueDate',
		'status'
	] as const;
	const out: string[] = keys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
	if (extras.fundings) out.push('fundings');
	if (extras.indicators) out.push('indicators');
	return out;
}

export async function updateAction(database: Database, actor: Actor, id: string, input: unknown, ip?: string | null): Promise<void> {
	const current = await loadAction(database, id);
	mustManage(actor, current.departmentCode);
	const t = await territoryOf(database, current.departmentCode);
	await database.db.transaction(async (tx) => {
		const [before] = await tx.select().from(strategyActions).where(eq(strategyActions.id, id)).for('update');
		if (!before) throw new StrategyError('not_found', 'Cette action n’existe pas.');
		const c = await checkAction(database, tx, before.departmentCode, input, t);
		const [oldFundings, oldIndicators] = await Promise.all([
			tx.select().from(strategyActionFundings).where(eq(strategyActionFundings.actionId, id)).orderBy(asc(strategyActionFundings.funderOrganisationId)),
			tx.select().from(strategyActionIndicators).where(eq(strategyActionIndicators.actionId, id)).orderBy(asc(strategyActionIndicators.indicator))
		]);
		const sameFundings =
			JSON.stringify(oldFundings.map((f) => [f.funderOrganisationId, Number(f.amountCents)])) ===
			JSON.stringify([...c.fundings].sort((a, b) => (a.funderId < b.funderId ? -1 : 1)).map((f) => [f.funderId, f.amountCents]));
		const sameIndicators =
			JSON.stringify(oldIndicators.map((i) => [i.indicator, i.target, i.targetDate])) ===
			JSON.stringify([...c.indicators].sort((a, b) => (a.key < b.key ? -1 : 1)).map((i) => [i.key, i.target, i.targetDate]));
		const fields = changed(before, c.row, { fundings: !sameFundings, indicators: !sameIndicators });
		if (!fields.length) return;
		await tx
			.update(strategyActions)
			.set({ ...c.row, updatedBy: actor.userId, updatedAt: new Date() })
			.where(eq(strategyActions.id, id));
		await writeExtras(tx, id, c);
		await journal(tx, {
			actor: userActor(actor),
			action: 'strategy.action.updated',
			targetType: 'strategy_action',
			targetId: id,
			departmentCode: before.departmentCode,
			ip,
			details: { title: c.row.title, fields, ...(before.status !== c.row.status ? { from: before.status, to: c.row.status } : {}) }
		});
	});
}

/** Deletes an action, its fundings, indicators and notes; the decisions that named it no longer do. `confirmed`: the box ticked. */
export async function deleteAction(database: Database, actor: Actor, id: string, confirmed: boolean, ip?: string | null): Promise<string> {
	const current = await loadAction(database, id);
	mustManage(actor, current.departmentCode);
	if (!confirmed)
		throw new StrategyError('invalid', 'Cochez la case pour confirmer la suppression.', { confirm: 'Cochez la case pour confirmer la suppression.' });
	await database.db.transaction(async (tx) => {
		await tx
			.update(strategyDecisions)
			.set({ actionIds: sql`array_remove(${strategyDecisions.actionIds}, ${id}::uuid)` })
			.where(and(eq(strategyDecisions.departmentCode, current.departmentCode), sql`${id}::uuid = any(${strategyDecisions.actionIds})`));
		await tx.delete(strategyActions).where(eq(strategyActions.id, id));
		await journal(tx, {
			actor: userActor(actor),
			action: 'strategy.action.deleted',
			targetType: 'strategy_action',
			targetId: id,
			departmentCode: current.departmentCode,
			ip,
			details: { title: current.title }
		});
	});
	return current.departmentCode;
}

/** Adds a dated progress note to the action's history. */
export async function addActionNote(database: Database, actor: Actor, id: string, input: unknown, ip?: string | null): Promise<void> {
	const current = await loadAction(database, id);
	mustManage(actor, current.departmentCode);
	const parsed = noteInput.safeParse(input);
	if (!parsed.success) throw new StrategyError('invalid', 'Le point d’avancement n’est pas complet.', fieldErrors(parsed.error.issues));
	const v = parsed.data;
	if (v.notedOn > parisDay())
		throw new StrategyError('invalid', 'Le point d’avancement n’est pas complet.', { notedOn: 'Un point d’avancement est daté d’aujourd’hui ou d’avant.' });
	await database.db.transaction(async (tx) => {
		await tx.insert(strategyActionNotes).values({ actionId: id, notedOn: v.notedOn, body: v.body, authorId: actor.userId });
		await tx.update(strategyActions).set({ updatedAt: new Date(), updatedBy: actor.userId }).where(eq(strategyActions.id, id));
		await journal(tx, {
			actor: userActor(actor),
			action: 'strategy.action.noted',
			targetType: 'strategy_action',
			targetId: id,
			departmentCode: current.departmentCode,
			ip,
			details: { title: current.title, notedOn: v.notedOn }
		});
	});
}

/** Fundings and indicators of these actions, in two queries. */
export async function extrasOf(database: Database, ids: readonly string[]) {
	const fundings = new Map<string, { funderId: string; amountCents: number }[]>();
	const indicators = new Map<string, { key: IndicatorKey; target: number | null; targetDate: string | null }[]>();
	if (!ids.length) return { fundings, indicators };
	const [f, i] = await Promise.all([
		database.db
			.select()
			.from(strategyActionFundings)
			.where(inArray(strategyActionFundings.actionId, [...ids])),
		database.db
			.select()
			.from(strategyActionIndicators)
			.where(inArray(strategyActionIndicators.actionId, [...ids]))
	]);
	for (const r of f) {
		if (!fundings.has(r.actionId)) fundings.set(r.actionId, []);
		fundings.get(r.actionId)!.push({ funderId: r.funderOrganisationId, amountCents: Number(r.amountCents) });
	}
	const order = Object.keys(INDICATORS);
	for (const r of i.filter((x) => isIndicator(x.indicator)).sort((a, b) => order.indexOf(a.indicator) - order.indexOf(b.indicator))) {
		if (!indicators.has(r.actionId)) indicators.set(r.actionId, []);
		indicators.get(r.actionId)!.push({ key: r.indicator as IndicatorKey, target: r.target, targetDate: r.targetDate });
	}
	return { fundings, indicators };
}

/** One action as its page shows it, with its history and the decisions that concern it. */
export async function actionDetail(database: Database, actor: Actor, id: string, today = parisDay()) {
	const a = await loadAction(database, id);
	mustRead(actor, a.departmentCode);
	const [t, extras, notes, axis, decisions] = await Promise.all([
		territoryOf(database, a.departmentCode),
		extrasOf(database, [id]),
		database.db
			.select()
			.from(strategyActionNotes)
			.where(eq(strategyActionNotes.actionId, id))
			.orderBy(desc(strategyActionNotes.notedOn), desc(strategyActionNotes.createdAt)),
		a.axisId ? database.db.select({ label: strategyAxes.label }).from(strategyAxes).where(eq(strategyAxes.id, a.axisId)) : Promise.resolve([]),
		database.db
			.select({
				id: strategyDecisions.id,
				meetingId: strategyDecisions.meetingId,
				body: strategyDecisions.body,
				status: strategyDecisions.status,
				dueDate: strategyDecisions.dueDate
			})
			.from(strategyDecisions)
			.where(and(eq(strategyDecisions.departmentCode, a.departmentCode), sql`${id}::uuid = any(${strategyDecisions.actionIds})`))
	]);
	const fundings = extras.fundings.get(id) ?? [];
	const names = await orgNames(database.db, [a.pilotOrganisationId, ...a.partnerOrganisationIds, ...fundings.map((f) => f.funderId)]);
	const authors = await userNames(
		database.db,
		notes.map((n) => n.authorId).filter((x): x is string => !!x)
	);
	return {
		action: a,
		manage: can(actor, 'strategy.manage', { departmentCode: a.departmentCode }),
		shownStatus: effectiveStatus(a.status as ActionStatus, a.dueDate, today),
		axis: axis[0]?.label ?? null,
		pilot: names.get(a.pilotOrganisationId) ?? 'Structure inconnue',
		partners: a.partnerOrganisationIds.map((p) => names.get(p) ?? 'Structure inconnue'),
		areas: a.wholeDepartment ? [] : areaKeysOf(a).map((k) => t.labels.get(k) ?? k),
		communesText: a.communeCodes.map((c) => t.labels.get(`commune:${c}`) ?? c).join(', '),
		fundings: fundings.map((f) => ({ ...f, name: names.get(f.funderId) ?? 'Structure inconnue' })),
		balance: fundingBalance(a.budgetCents, fundings),
		indicators: extras.indicators.get(id) ?? [],
		notes: notes.map((n) => ({ id: n.id, notedOn: n.notedOn, body: n.body, author: (n.authorId && authors.get(n.authorId)) || null })),
		decisions,
		territory: t
	};
}
