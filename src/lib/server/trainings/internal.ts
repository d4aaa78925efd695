/**
 * What the trainings' files share: the error every use case throws, the journal's actor,
 * loading a training or a session, who organises what, and the choices the organisers'
 * forms offer (their structures, the places of their département, the events). Imports no
 * topic file of trainings/.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import { activeOrganisationsOf, can, departmentsWith, organisationsWhere, type Actor } from '../accounts/index.ts';
import { getInstanceSettings } from '../territory/index.ts';
import { placesOf } from '../places/index.ts';
import { DomainError } from '../errors.ts';
import { publicOrigin } from '../web/origin.ts';
import { trainingEvents, trainingSessions, trainingSlots, trainings, type Training, type TrainingSession } from './db.ts';
import { isUuid, sortSlots } from './model.ts';

/** A refusal of the trainings' use cases (the one error model, ../errors.ts). */
export class TrainingError extends DomainError<'unauthenticated' | 'forbidden' | 'not_found' | 'invalid' | 'conflict' | 'throttled'> {
	constructor(code: TrainingError['code'], message: string, fields: Record<string, string> = {}) {
		super(code, message, { fields });
	}
}

export const userActor = (a: Actor) => ({ kind: 'user' as const, id: a.userId });

export const NO_TRAINING = 'Cette formation n’existe pas.';
export const NO_SESSION = 'Cette session de formation n’existe pas, ou elle n’est pas publiée.';

export async function loadTraining(db: DbOrTx, id: string): Promise<Training> {
	if (!isUuid(id)) throw new TrainingError('not_found', NO_TRAINING);
	const [t] = await db.select().from(trainings).where(eq(trainings.id, id));
	if (!t) throw new TrainingError('not_found', NO_TRAINING);
	return t;
}

export async function loadSession(db: DbOrTx, id: string): Promise<TrainingSession> {
	if (!isUuid(id)) throw new TrainingError('not_found', NO_SESSION);
	const [s] = await db.select().from(trainingSessions).where(eq(trainingSessions.id, id));
	if (!s) throw new TrainingError('not_found', NO_SESSION);
	return s;
}

/** The slots of these sessions, in order, by session. */
export async function slotsOf(db: DbOrTx, sessionIds: readonly string[]) {
	const out = new Map<string, { id: string; day: string; half: string; startTime: string; endTime: string }[]>();
	if (!sessionIds.length) return out;
	const rows = await db
		.select()
		.from(trainingSlots)
		.where(inArray(trainingSlots.sessionId, [...new Set(sessionIds)]))
		.orderBy(asc(trainingSlots.day), asc(trainingSlots.startTime));
	for (const r of rows) {
		if (!out.has(r.sessionId)) out.set(r.sessionId, []);
		out.get(r.sessionId)!.push({ id: r.id, day: r.day, half: r.half, startTime: r.startTime, endTime: r.endTime });
	}
	for (const [k, v] of out) out.set(k, sortSlots(v));
	return out;
}

export const mayManage = (actor: Actor | null, t: { departmentCode: string; organiserOrganisationId: string }) =>
	can(actor, 'training.manage', { departmentCode: t.departmentCode, organisationId: t.organiserOrganisationId });

export function mustManage(actor: Actor, t: { departmentCode: string; organiserOrganisationId: string }) {
	if (!mayManage(actor, t))
		throw new TrainingError('forbidden', 'Seules la coordination du département et la structure qui organise la formation peuvent la modifier.');
}

/** The départements and structures for which the actor organises: a coordinator's département (every structure of it), a manager's structures. */
export async function organiserScope(
	database: Database,
	actor: Actor
): Promise<{ departments: string[]; organisations: { id: string; name: string; departmentCode: string }[] }> {
	const departments = actor.isAdmin ? (await getInstanceSettings(database)).departmentCodes : departmentsWith(actor, ['coordinator']);
	const managed = organisationsWhere(actor, ['place_manager']);
	const organisations: { id: string; name: string; departmentCode: string }[] = [];
	for (const d of departments) for (const o of await activeOrganisationsOf(database.db, d)) organisations.push({ id: o.id, name: o.name, departmentCode: d });
	const managedDepartments = [...new Set(actor.memberships.filter((m) => managed.has(m.organisationId)).map((m) => m.departmentCode))].filter(
		(d) => !departments.includes(d)
	);
	for (const d of managedDepartments)
		for (const o of await activeOrganisationsOf(database.db, d)) if (managed.has(o.id)) organisations.push({ id: o.id, name: o.name, departmentCode: d });
	return {
		departments: [...new Set([...departments, ...managedDepartments])].sort(),
		organisations: organisations
			.filter((o) => can(actor, 'training.manage', { departmentCode: o.departmentCode, organisationId: o.id }))
			.sort((a, b) => a.name.localeCompare(b.name, 'fr'))
	};
}

/** The places a session may be held at: the département's (the directory's), by commune then name. */
export async function placeChoices(database: Database, departmentCode: string) {
	const rows = await placesOf(database.db, { departmentCodes: [departmentCode], limit: 5000 });
	return rows
		.map((p) => ({ id: p.id, label: `${p.commune} – ${p.nom}` }))
		.sort((a, b) => a.label.localeCompare(b.label, 'fr'))
		.slice(0, 2000);
}

/** The events of a département (for the session's form). */
export async function eventChoices(db: DbOrTx, departmentCode: string) {
	return db
		.select({ id: trainingEvents.id, title: trainingEvents.title, startsOn: trainingEvents.startsOn })
		.from(trainingEvents)
		.where(and(eq(trainingEvents.departmentCode, departmentCode)))
		.orderBy(asc(trainingEvents.startsOn));
}

/** The links the registrants' e-mails carry: the public address (ORIGIN, never the request's) and the instance's name. */
export async function mailLinks(database: Database): Promise<{ origin: string; instanceName: string }> {
	return { origin: publicOrigin(), instanceName: (await getInstanceSettings(database)).name };
}
