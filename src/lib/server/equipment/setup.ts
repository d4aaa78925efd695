/**
 * The set-up accompaniment of a device handed over (issue 18, item 4; decision 0023): a
 * referral to a place of the network, or an appointment at one (the referral accepted with its
 * time), whose outcome is read from the referral's own life; an accompaniment outside the
 * network, whose outcome the team types; or none, the person declined. Pages read it here.
 */
import { eq, inArray } from 'drizzle-orm';
import type { Database, DbOrTx, Tx } from '../db/client.ts';
import { can, placesRunBy, type Actor } from '../accounts/index.ts';
import { getPlace, placeNames } from '../places/index.ts';
import { referralCandidates, referralOutcomes, STATUS_LABELS, type ReferralStatus } from '../referral/index.ts';
import { parisDay } from '../../time.ts';
import { equipmentHandovers } from './db.ts';
import { ACCOMPANIMENT_OUTCOMES, ACCOMPANIMENT_PROPOSALS, outcomeOfReferral, type AccompanimentOutcome, type AccompanimentProposal } from './model.ts';

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
			kindLabel: ACCOMPANIMENT_PROPOSALS[h.accompaniment as AccompanimentProposal] ?? h.accompaniment,
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
