/**
 * The steering committees: meetings (the next one first, then those held), their agenda,
 * minutes and the organisations present, and their decisions followed until done. The
 * département's coordinators write; its coordinators and partners read.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Database, Tx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { can, fieldErrors, organisationInDepartment, type Actor } from '../accounts/index.ts';
import { parisDay } from '../../time.ts';
import { formatDate } from '../../components/format.ts';
import { strategyActions, strategyDecisions, strategyMeetings, type StrategyDecision, type StrategyMeeting } from './db.ts';
import {
	DECISION_STATUS_LABELS,
	MEETING_KIND_SHORT,
	decisionInput,
	decisionOpen,
	decisionStatus,
	decisionStatusInput,
	isUuid,
	meetingInput,
	orderMeetings,
	type DecisionStatus,
	type MeetingKind
} from './model.ts';
import { StrategyError, mustManage, mustRead, orgNames, organisationsOf, pickDepartment, userActor } from './internal.ts';

export async function loadMeeting(database: Database, id: string): Promise<StrategyMeeting> {
	if (!isUuid(id)) throw new StrategyError('not_found', 'Cette réunion n’existe pas.');
	const [m] = await database.db.select().from(strategyMeetings).where(eq(strategyMeetings.id, id));
	if (!m) throw new StrategyError('not_found', 'Cette réunion n’existe pas.');
	return m;
}

async function checkMeeting(tx: Tx, departmentCode: string, input: unknown) {
	const parsed = meetingInput.safeParse(input);
	const fields: Record<string, string> = parsed.success ? {} : fieldErrors(parsed.error.issues);
	if (parsed.success)
		for (const id of parsed.data.presentIds)
			if (!(await organisationInDepartment(tx, id, departmentCode))) fields.presentIds = 'Choisissez des structures du département.';
	if (!parsed.success || Object.keys(fields).length) throw new StrategyError('invalid', 'La réunion n’est pas complète.', fields);
	const v = parsed.data;
	return {
		kind: v.kind,
		heldOn: v.heldOn,
		startTime: v.startTime,
		mode: v.mode,
		location: v.location,
		presentOrganisationIds: [...new Set(v.presentIds)],
		agenda: v.agenda,
		minutes: v.minutes
	};
}

export async function createMeeting(database: Database, actor: Actor, departmentCode: string, input: unknown, ip?: string | null): Promise<string> {
	mustManage(actor, departmentCode);
	return database.db.transaction(async (tx) => {
		const v = await checkMeeting(tx, departmentCode, input);
		const [row] = await tx
			.insert(strategyMeetings)
			.values({ ...v, departmentCode, createdBy: actor.userId, updatedBy: actor.userId })
			.returning({ id: strategyMeetings.id });
		await journal(tx, {
			actor: userActor(actor),
			action: 'strategy.meeting.created',
			targetType: 'strategy_meeting',
			targetId: row.id,
			departmentCode,
			ip,
			details: { kind: v.kind, heldOn: v.heldOn }
		});
		return row.id;
	});
}

export async function updateMeeting(database: Database, actor: Actor, id: string, input: unknown, ip?: string | null): Promise<void> {
	const m = await loadMeeting(database, id);
	mustManage(actor, m.departmentCode);
	await database.db.transaction(async (tx) => {
		const v = await checkMeeting(tx, m.departmentCode, input);
		const fields = (Object.keys(v) as (keyof typeof v)[]).filter((k) => JSON.stringify(v[k]) !== JSON.stringify(m[k]));
		if (!fields.length) return;
		await tx
			.update(strategyMeetings)
			.set({ ...v, updatedBy: actor.userId, updatedAt: new Date() })
			.where(eq(strategyMeetings.id, id));
		await journal(tx, {
			actor: userActor(actor),
			action: 'strategy.meeting.updated',
			targetType: 'strategy_meeting',
			targetId: id,
			departmentCode: m.departmentCode,
			ip,
			details: { kind: v.kind, heldOn: v.heldOn, fields }
		});
	});
}

export async function deleteMeeting(database: Database, actor: Actor, id: string, confirmed: boolean, ip?: string | null): Promise<string> {
	const m = await loadMeeting(database, id);
	mustManage(actor, m.departmentCode);
	if (!confirmed)
		throw new StrategyError('invalid', 'Cochez la case pour confirmer la suppression.', { confirm: 'Cochez la case pour confirmer la suppression.' });
	await database.db.transaction(async (tx) => {
		await tx.delete(strategyMeetings).where(eq(strategyMeetings.id, id));
		await journal(tx, {
			actor: userActor(actor),
			action: 'strategy.meeting.deleted',
			targetType: 'strategy_meeting',
			targetId: id,
			departmentCode: m.departmentCode,
			ip,
			details: { kind: m.kind, heldOn: m.heldOn }
		});
	});
	return m.departmentCode;
}

// ——— decisions ———

async function checkDecision(tx: Tx, departmentCode: string, input: unknown) {
	const parsed = decisionInput.safeParse(input);
	const fields: Record<string, string> = parsed.success ? {} : fieldErrors(parsed.error.issues);
	if (parsed.success) {
		const v = parsed.data;
		if (v.ownerId && !(await organisationInDepartment(tx, v.ownerId, departmentCode))) fields.ownerId = 'Choisissez une structure du département.';
		if (v.actionIds.length) {
			const found = await tx
				.select({ id: strategyActions.id })
				.from(strategyActions)
				.where(and(inArray(strategyActions.id, v.actionIds), eq(strategyActions.departmentCode, departmentCode)));
			if (found.length !== new Set(v.actionIds).size) fields.actionIds = 'Choisissez des actions de la feuille de route.';
		}
	}
	if (!parsed.success || Object.keys(fields).length) throw new StrategyError('invalid', 'La décision n’est pas complète.', fields);
	return parsed.data;
}

export async function addDecision(database: Database, actor: Actor, meetingId: string, input: unknown, ip?: string | null): Promise<string> {
	const m = await loadMeeting(database, meetingId);
	mustManage(actor, m.departmentCode);
	return database.db.transaction(async (tx) => {
		const v = await checkDecision(tx, m.departmentCode, input);
		const [row] = await tx
			.insert(strategyDecisions)
			.values({
				meetingId,
				departmentCode: m.departmentCode,
				body: v.body,
				ownerOrganisationId: v.ownerId,
				dueDate: v.dueDate,
				actionIds: [...new Set(v.actionIds)],
				status: v.status,
				doneOn: v.status === 'done' ? parisDay() : null
			})
			.returning({ id: strategyDecisions.id });
		await journal(tx, {
			actor: userActor(actor),
			action: 'strategy.decision.recorded',
			targetType: 'strategy_decision',
			targetId: row.id,
			departmentCode: m.departmentCode,
			ip,
			details: { meetingId, kind: m.kind, heldOn: m.heldOn, organisationId: v.ownerId }
		});
		return row.id;
	});
}

async function loadDecision(database: Database, id: string): Promise<StrategyDecision> {
	if (!isUuid(id)) throw new StrategyError('not_found', 'Cette décision n’existe pas.');
	const [d] = await database.db.select().from(strategyDecisions).where(eq(strategyDecisions.id, id));
	if (!d) throw new StrategyError('not_found', 'Cette décision n’existe pas.');
	return d;
}

/** Moves a decision along (à faire → en cours → faite, or abandonnée); « faite » is dated today. */
export async function setDecisionStatus(database: Database, actor: Actor, id: string, input: unknown, ip?: string | null): Promise<string> {
	const d = await loadDecision(database, id);
	mustManage(actor, d.departmentCode);
	const parsed = decisionStatusInput.safeParse(input);
	if (!parsed.success) throw new StrategyError('invalid', 'Choisissez l’état de la décision.', fieldErrors(parsed.error.issues));
	const status = parsed.data.status;
	if (status === d.status) return d.meetingId;
	await database.db.transaction(async (tx) => {
		await tx
			.update(strategyDecisions)
			.set({ status, doneOn: status === 'done' ? parisDay() : null, updatedAt: new Date() })
			.where(eq(strategyDecisions.id, id));
		await journal(tx, {
			actor: userActor(actor),
			action: 'strategy.decision.updated',
			targetType: 'strategy_decision',
			targetId: id,
			departmentCode: d.departmentCode,
			ip,
			details: { meetingId: d.meetingId, from: d.status, to: status }
		});
	});
	return d.meetingId;
}

export async function deleteDecision(database: Database, actor: Actor, id: string, ip?: string | null): Promise<string> {
	const d = await loadDecision(database, id);
	mustManage(actor, d.departmentCode);
	await database.db.transaction(async (tx) => {
		await tx.delete(strategyDecisions).where(eq(strategyDecisions.id, id));
		await journal(tx, {
			actor: userActor(actor),
			action: 'strategy.decision.deleted',
			targetType: 'strategy_decision',
			targetId: id,
			departmentCode: d.departmentCode,
			ip,
			details: { meetingId: d.meetingId }
		});
	});
	return d.meetingId;
}

// ——— reading ———

const meetingTitle = (m: { kind: string; heldOn: string }) => `${MEETING_KIND_SHORT[m.kind as MeetingKind] ?? 'Réunion'} du ${formatDate(m.heldOn)}`;

/** The meetings of a département (the next first, then those held) and the decisions still to follow. */
export async function meetingsOverview(database: Database, actor: Actor, asked: string | null, today = parisDay()) {
	const { departmentCode, departments } = await pickDepartment(database, actor, asked);
	const [meetings, decisions] = await Promise.all([
		database.db.select().from(strategyMeetings).where(eq(strategyMeetings.departmentCode, departmentCode)),
		database.db.select().from(strategyDecisions).where(eq(strategyDecisions.departmentCode, departmentCode)).orderBy(asc(strategyDecisions.createdAt))
	]);
	const byMeeting = new Map<string, StrategyDecision[]>();
	for (const d of decisions) {
		if (!byMeeting.has(d.meetingId)) byMeeting.set(d.meetingId, []);
		byMeeting.get(d.meetingId)!.push(d);
	}
	const names = await orgNames(
		database.db,
		decisions.map((d) => d.ownerOrganisationId)
	);
	const view = (m: StrategyMeeting) => {
		const ds = byMeeting.get(m.id) ?? [];
		return {
			id: m.id,
			kind: m.kind as MeetingKind,
			heldOn: m.heldOn,
			startTime: m.startTime,
			mode: m.mode,
			location: m.location,
			present: m.presentOrganisationIds.length,
			decisions: ds.length,
			openDecisions: ds.filter((d) => decisionOpen(d.status as DecisionStatus)).length
		};
	};
	const { upcoming, past } = orderMeetings(meetings, today);
	const meetingById = new Map(meetings.map((m) => [m.id, m]));
	const toFollow = decisions
		.filter((d) => decisionOpen(d.status as DecisionStatus))
		.map((d) => {
			const m = meetingById.get(d.meetingId)!;
			const shown = decisionStatus(d.status as DecisionStatus, d.dueDate, today);
			return {
				id: d.id,
				meetingId: d.meetingId,
				meeting: meetingTitle(m),
				meetingKind: m.kind as MeetingKind,
				meetingOn: m.heldOn,
				body: d.body,
				owner: d.ownerOrganisationId ? (names.get(d.ownerOrganisationId) ?? 'Structure inconnue') : null,
				dueDate: d.dueDate,
				shownStatus: shown,
				statusLabel: DECISION_STATUS_LABELS[shown]
			};
		})
		.sort((a, b) => (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999') || a.meetingOn.localeCompare(b.meetingOn));
	return {
		departmentCode,
		departments,
		manage: can(actor, 'strategy.manage', { departmentCode }),
		upcoming: upcoming.map(view),
		past: past.map(view),
		toFollow
	};
}

/** One meeting with its decisions, as its page (and its printed version) shows it. */
export async function meetingDetail(database: Database, actor: Actor, id: string, today = parisDay()) {
	const m = await loadMeeting(database, id);
	mustRead(actor, m.departmentCode);
	const decisions = await database.db.select().from(strategyDecisions).where(eq(strategyDecisions.meetingId, id)).orderBy(asc(strategyDecisions.createdAt));
	const actionIds = [...new Set(decisions.flatMap((d) => d.actionIds))];
	const [names, actions] = await Promise.all([
		orgNames(database.db, [...m.presentOrganisationIds, ...decisions.map((d) => d.ownerOrganisationId)]),
		actionIds.length
			? database.db
					.select({ id: strategyActions.id, title: strategyActions.title })
					.from(strategyActions)
					.where(and(inArray(strategyActions.id, actionIds), eq(strategyActions.departmentCode, m.departmentCode)))
			: Promise.resolve([])
	]);
	const titles = new Map(actions.map((a) => [a.id, a.title]));
	return {
		meeting: m,
		manage: can(actor, 'strategy.manage', { departmentCode: m.departmentCode }),
		upcoming: m.heldOn >= today,
		present: m.presentOrganisationIds.map((o) => names.get(o) ?? 'Structure inconnue').sort((a, b) => a.localeCompare(b, 'fr')),
		decisions: decisions.map((d) => {
			const shown = decisionStatus(d.status as DecisionStatus, d.dueDate, today);
			return {
				id: d.id,
				body: d.body,
				ownerId: d.ownerOrganisationId,
				owner: d.ownerOrganisationId ? (names.get(d.ownerOrganisationId) ?? 'Structure inconnue') : null,
				dueDate: d.dueDate,
				status: d.status as DecisionStatus,
				shownStatus: shown,
				doneOn: d.doneOn,
				actions: d.actionIds.filter((a) => titles.has(a)).map((a) => ({ id: a, title: titles.get(a)! }))
			};
		})
	};
}

/** What the meeting's and the decisions' forms offer: the département's organisations and actions. */
export async function meetingFormChoices(database: Database, actor: Actor, departmentCode: string) {
	mustManage(actor, departmentCode);
	const [organisations, actions] = await Promise.all([
		organisationsOf(database, departmentCode),
		database.db
			.select({ id: strategyActions.id, title: strategyActions.title })
			.from(strategyActions)
			.where(eq(strategyActions.departmentCode, departmentCode))
			.orderBy(asc(strategyActions.dueDate), asc(strategyActions.title))
	]);
	return { organisations, actions: actions.map((a) => ({ value: a.id, label: a.title })) };
}
