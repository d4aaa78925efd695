/**
 * The set-up accompaniment of a device handed over (issue 18, item 4; decision 0023): a
 * referral to a place of the network, or an appointment at one (the referral accepted with its
 * time), whose outcome is read from the referral's own life; an accompaniment outside the
 * network, whose outcome the team types; or none, the person declined. Pages read it here.
 */
import { and, eq, gte, inArray, lt, min } from 'drizzle-orm';
import type { Database, DbOrTx, Tx } from '../db/client.ts';
import { can, placesRunBy, type Actor } from '../accounts/index.ts';
import { getPlace, placeNames } from '../places/index.ts';
import { prepareHandoverReferral, referralCandidates, referralOutcomes, STATUS_LABELS, type Links, type ReferralStatus } from '../referral/index.ts';
import { DomainError } from '../errors.ts';
import { parisDay, parseParisLocal } from '../../time.ts';
import { equipmentHandovers, equipmentRequests, type EquipmentRequest } from './db.ts';
import { journal } from '../audit/index.ts';
import { EquipmentError, NO_DEVICE, NO_REQUEST, addEvent, loadDevice, userActor } from './internal.ts';
import {
	ACCOMPANIMENT_OUTCOMES,
	ACCOMPANIMENT_KINDS,
	outcomeOfReferral,
	type AccompanimentOutcome,
	type AccompanimentProposal,
	type HandoverInput,
	isUuid,
	pastDayError
} from './model.ts';

type Handover = Pick<
	typeof equipmentHandovers.$inferSelect,
	'id' | 'accompaniment' | 'accompanimentPlaceId' | 'referralId' | 'accompanimentOutcome' | 'accompanimentOn'
>;

export interface SetupView {
	kind: AccompanimentProposal;
	kindLabel: string;
	place: string | null;
	/** the referral's status, as the place's team and the prescriber read it */
	referralStatus: string | null;
	appointmentAt: Date | null;
	outcome: AccompanimentOutcome;
	outcomeLabel: string;
	/** the day it was done (YYYY-MM-DD), when done */
	doneOn: string | null;
	/** typed by hand: an accompaniment outside the network, or one recorded before the referrals */
	typed: boolean;
}

/** The set-up accompaniment of each handover, with its referral's outcome (one query for all of them). */
export async function setupViews(db: DbOrTx, handovers: readonly Handover[]): Promise<Map<string, SetupView>> {
	const refs = await referralOutcomes(
		db,
		handovers.map((h) => h.referralId).filter((x): x is string => !!x)
	);
	const names = await placeNames(
		db,
		handovers.map((h) => h.accompanimentPlaceId)
	);
	const out = new Map<string, SetupView>();
	for (const h of handovers) {
		const r = h.referralId ? refs.get(h.referralId) : undefined;
		const outcome: AccompanimentOutcome = r ? outcomeOfReferral(r.status) : (h.accompanimentOutcome as AccompanimentOutcome);
		out.set(h.id, {
			kind: h.accompaniment as AccompanimentProposal,
			kindLabel: ACCOMPANIMENT_KINDS[h.accompaniment as AccompanimentProposal] ?? h.accompaniment,
			place: h.accompanimentPlaceId ? (names.get(h.accompanimentPlaceId) ?? null) : null,
			referralStatus: r ? (STATUS_LABELS[r.status as ReferralStatus] ?? r.status) : null,
			appointmentAt: r?.appointmentAt ?? null,
			outcome,
			outcomeLabel: ACCOMPANIMENT_OUTCOMES[outcome] ?? outcome,
			doneOn: outcome !== 'done' ? null : r ? (r.honouredOn ?? parisDay(r.statusAt)) : h.accompanimentOn,
			typed: !r
		});
	}
	return out;
}

/**
 * Before a person's requests are unlinked from them (erasure, retention): each handover's
 * referral outcome is written on the handover and the link to the referral (which names the
 * person) is cleared, so that the steering's figures still add up and nothing leads back.
 */
export async function freezeSetups(tx: Tx, requestIds: readonly string[]): Promise<void> {
	if (!requestIds.length) return;
	const rows = await tx
		.select()
		.from(equipmentHandovers)
		.where(inArray(equipmentHandovers.requestId, [...requestIds]));
	const linked = rows.filter((h) => h.referralId);
	if (!linked.length) return;
	const views = await setupViews(tx, linked);
	for (const h of linked) {
		const v = views.get(h.id)!;
		await tx
			.update(equipmentHandovers)
			.set({ referralId: null, accompanimentOutcome: v.outcome, accompanimentOn: v.doneOn })
			.where(eq(equipmentHandovers.id, h.id));
	}
}

/** The handovers of requests (newest first), for a page that shows their accompaniment. */
export async function handoversOfRequests(db: DbOrTx, requestIds: readonly string[]) {
	if (!requestIds.length) return [];
	return db
		.select()
		.from(equipmentHandovers)
		.where(inArray(equipmentHandovers.requestId, [...requestIds]))
		.orderBy(equipmentHandovers.handedOverAt);
}

/**
 * The places a handover may propose for the set-up: the places of the actor's structures that
 * hold the device first (an appointment is taken there), then the places of the network nearest
 * the device's place that receive referrals online (a team, or an e-mail for a signed link).
 */
export async function setupPlaceChoices(
	database: Database,
	actor: Actor,
	device: { refurbisherOrganisationId: string; placeId: string | null; departmentCode: string },
	limit = 30
): Promise<{ own: { id: string; name: string }[]; network: { id: string; name: string }[] }> {
	const orgs = actor.memberships.filter((m) => can(actor, 'equipment.allocate', { organisationId: m.organisationId })).map((m) => m.organisationId);
	const ownIds = [...new Set((await placesRunBy(database.db, orgs)).map((p) => p.placeId))];
	const ownNames = await placeNames(database.db, ownIds);
	const own = ownIds.map((id) => ({ id, name: ownNames.get(id) ?? id })).sort((a, b) => a.name.localeCompare(b.name, 'fr'));
	const from = device.placeId ? await getPlace(database, device.placeId) : null;
	const point = from?.latitude != null && from.longitude != null ? { latitude: from.latitude, longitude: from.longitude } : null;
	const found = await referralCandidates(database, { point, text: '', limit, departmentCodes: [device.departmentCode] });
	const network = found.items
		.filter((c) => c.receives && !ownIds.includes(c.id) && c.closure?.kind !== 'permanent')
		.map((c) => ({ id: c.id, name: `${c.nom} (${`${c.codePostal} ${c.commune}`.trim()})` }));
	return { own, network };
}

/** The referral (or appointment) a handover proposes, checked before anything is written; its errors under the handover form's field names. */
export async function prepareSetup(database: Database, actor: Actor, head: EquipmentRequest, v: HandoverInput, now: Date, links?: Links) {
	if (!links) throw new Error('handOver: the site’s links are needed to send a referral');
	if (!head.beneficiaryId)
		throw new EquipmentError('conflict', 'La personne n’est plus liée à cette demande\u00a0: proposez un accompagnement hors du réseau.');
	let appointmentAt: Date | null = null;
	if (v.accompaniment === 'appointment') {
		const at = parseParisLocal(String(v.appointmentAt ?? '').trim());
		if (!at || Number.isNaN(at.getTime()))
			throw new EquipmentError('invalid', 'La remise n’est pas complète.', {
				appointmentAt: 'La date du rendez-vous n’est pas valide. Exemple\u00a0: 10/12/2026 à 14:30'
			});
		if (at.getTime() < now.getTime() - 3_600_000 || at.getTime() > now.getTime() + 366 * 86_400_000)
			throw new EquipmentError('invalid', 'La remise n’est pas complète.', {
				appointmentAt: 'Le rendez-vous se prend après la remise, dans l’année qui vient.'
			});
		appointmentAt = at;
	}
	try {
		return await prepareHandoverReferral(database, actor, {
			beneficiaryId: head.beneficiaryId,
			placeId: v.accompanimentPlaceId ?? '',
			reason: v.accompanimentReason ?? '',
			consent: { method: v.consentMethod ?? '', scope: v.consentScope ?? [] },
			appointmentAt
		});
	} catch (e) {
		if (e instanceof DomainError && e.code === 'invalid') {
			const names: Record<string, string> = { placeId: 'accompanimentPlaceId', reason: 'accompanimentReason', method: 'consentMethod', scope: 'consentScope' };
			throw new EquipmentError('invalid', 'La remise n’est pas complète.', Object.fromEntries(Object.entries(e.fields).map(([k, m]) => [names[k] ?? k, m])));
		}
		if (e instanceof DomainError) throw new EquipmentError(e.code === 'forbidden' ? 'forbidden' : 'conflict', e.message);
		throw e;
	}
}

/** The outcome of a set-up accompaniment outside the network (or recorded before decision 0023), typed by the refurbisher's team. */
export async function recordAccompanimentOutcome(
	database: Database,
	actor: Actor,
	handoverId: string,
	outcome: 'done' | 'not_done' | 'declined',
	on: string | null,
	ip?: string | null
): Promise<void> {
	if (!isUuid(handoverId)) throw new EquipmentError('not_found', NO_REQUEST);
	if (!['done', 'not_done', 'declined'].includes(outcome))
		throw new EquipmentError('invalid', 'Le suivi n’est pas complet.', { outcome: 'Indiquez si l’accompagnement a eu lieu.' });
	const wrongDay = on === null ? null : pastDayError(on);
	if (wrongDay) throw new EquipmentError('invalid', 'Le suivi n’est pas complet.', { on: wrongDay });
	const [h] = await database.db.select().from(equipmentHandovers).where(eq(equipmentHandovers.id, handoverId));
	if (!h) throw new EquipmentError('not_found', NO_REQUEST);
	const d = await loadDevice(database.db, h.deviceId);
	if (!can(actor, 'equipment.allocate', { organisationId: d.refurbisherOrganisationId })) throw new EquipmentError('not_found', NO_DEVICE);
	if (on !== null && on < parisDay(h.handedOverAt))
		throw new EquipmentError('invalid', 'Le suivi n’est pas complet.', { on: 'L’accompagnement a lieu après la remise de l’appareil.' });
	// a referral's outcome is the place's to say (its inbox, or the accompaniment it records): never typed here
	if (h.referralId) throw new EquipmentError('conflict', 'Cet accompagnement est une orientation\u00a0: son résultat vient du lieu qui reçoit la personne.');
	await database.db.transaction(async (tx) => {
		await tx.update(equipmentHandovers).set({ accompanimentOutcome: outcome, accompanimentOn: on }).where(eq(equipmentHandovers.id, h.id));
		await addEvent(tx, d, { kind: 'accompaniment', actor, requestId: h.requestId, details: { outcome } });
		await journal(tx, {
			actor: userActor(actor),
			action: 'equipment.accompaniment.recorded',
			targetType: 'equipment_device',
			targetId: d.id,
			departmentCode: d.departmentCode,
			ip,
			details: { requestId: h.requestId, outcome }
		});
	});
}

export interface HandoverFigure {
	/** Paris days */
	handedDay: string;
	requestedDay: string;
	areaId: number | null;
	/** the request's first handover (an exchange under warranty is a second device, not a second wait) */
	first: boolean;
	accompaniment: AccompanimentProposal;
	/** the set-up done (the referral honoured, or typed done), on that day */
	done: boolean;
	doneOn: string | null;
}

/**
 * The handovers of a département between two instants, with their request's day and area and
 * their set-up's outcome: counts only leave with them (the steering's figures, masked there).
 * Nothing names a person. The département's readers of the equipment (its coordinators).
 */
export async function handoverFigures(database: Database, actor: Actor, departmentCode: string, from: Date, to: Date): Promise<HandoverFigure[]> {
	if (!can(actor, 'equipment.read', { departmentCode })) throw new EquipmentError('forbidden', 'Ces chiffres sont réservés à la coordination du département.');
	const rows = await database.db
		.select({ h: equipmentHandovers, requestedAt: equipmentRequests.requestedAt, areaId: equipmentRequests.areaId })
		.from(equipmentHandovers)
		.innerJoin(equipmentRequests, eq(equipmentRequests.id, equipmentHandovers.requestId))
		.where(and(eq(equipmentHandovers.departmentCode, departmentCode), gte(equipmentHandovers.handedOverAt, from), lt(equipmentHandovers.handedOverAt, to)));
	if (!rows.length) return [];
	const firsts = await database.db
		.select({ requestId: equipmentHandovers.requestId, at: min(equipmentHandovers.handedOverAt) })
		.from(equipmentHandovers)
		.where(inArray(equipmentHandovers.requestId, [...new Set(rows.map((r) => r.h.requestId))]))
		.groupBy(equipmentHandovers.requestId);
	const firstAt = new Map(firsts.map((f) => [f.requestId, f.at ? new Date(f.at).getTime() : 0]));
	const views = await setupViews(
		database.db,
		rows.map((r) => r.h)
	);
	return rows.map((r) => {
		const v = views.get(r.h.id)!;
		return {
			handedDay: parisDay(r.h.handedOverAt),
			requestedDay: parisDay(r.requestedAt),
			areaId: r.areaId,
			first: r.h.handedOverAt.getTime() <= (firstAt.get(r.h.requestId) ?? 0),
			accompaniment: v.kind,
			done: v.outcome === 'done',
			doneOn: v.doneOn
		};
	});
}
