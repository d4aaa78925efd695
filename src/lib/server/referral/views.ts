/**
 * Reading referrals: the team views (received by the actor's places, or sent by their
 * organisations), one referral's detail (what the consent lets the place see), the
 * referrals on a person's record, and what the person sees on their own page.
 */
import { and, asc, desc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { organisationNames, placesRunByArray, userContacts, type Actor } from '../accounts/index.ts';
import { placeCard, placeCards } from '../places/index.ts';
import { grantInForce, grantsById, scopesInForce } from '../grants/index.ts';
import {
	CareError,
	holdingOrganisations,
	loadBeneficiary,
	notAnonymised,
	recordReadable,
	revealedFields,
	scopedPerson,
	shortName,
	uncheckedAssessment,
	uncheckedNames,
	uncheckedRecord,
	SCOPE_FIELDS
} from '../beneficiaries/index.ts';
import { referrals, referralEvents } from './db.ts';
import {
	allowedEvents,
	documentsJoinable,
	AWAITING,
	DECLINE_REASONS,
	REFERRAL_STATUSES,
	REMINDER_DAYS,
	STATUS_LABELS,
	type DeclineReason,
	type EventType,
	type ReferralStatus
} from './model.ts';
import { checkAnswerLink, referenceOf, sideOf, DAY, LINK_MESSAGES, PLACE_TEAM, UUID, type Delivery, type Referral, type Side } from './core.ts';

export interface InboxItem {
	id: string;
	reference: string;
	personName: string;
	placeName: string;
	placeCommune: string;
	fromOrganisation: string;
	status: ReferralStatus;
	statusLabel: string;
	sentAt: Date;
	ageDays: number;
	overdue: boolean;
	appointmentAt: Date | null;
}

export interface TeamView {
	items: InboxItem[];
	counts: Record<ReferralStatus, number>;
	/** waiting for an answer, by age */
	waiting: { under10: number; from10to19: number; from20: number };
	total: number;
	page: number;
	pages: number;
}

const PAGE_SIZE = 50;

/**
 * The sender of a referral from another département: the reader's connection does not read
 * that département's structures (row-level security), so their name is not shown.
 */
const OTHER_DEPARTMENT = 'Une structure d’un autre département';

/** Places run by the organisations where the actor is in the place's team. */
function receivedCondition(actor: Actor): SQL {
	const orgs = [...new Set(actor.memberships.filter((m) => PLACE_TEAM.includes(m.role)).map((m) => m.organisationId))];
	if (!orgs.length) return sql`false`;
	// `= any(array(…))`: the places are listed once and both indexes are combined (an `in (select …)` under
	// an `or` read all the referrals: p95 85 → 37 ms for the busiest of 400 organisations, 100,000 referrals)
	return or(inArray(referrals.toOrganisationId, orgs), sql`${referrals.placeId} = any(${placesRunByArray(orgs)})`)!;
}

function sentCondition(actor: Actor): SQL {
	const orgs = holdingOrganisations(actor);
	return orgs.length ? inArray(referrals.fromOrganisationId, orgs) : sql`false`;
}

/**
 * The team views: referrals received by the actor's places, or sent by their
 * organisations; overdue first (waiting for more than 10 days), then waiting, then the
 * others by last change; counts by status and by age.
 */
export async function teamReferrals(
	database: Database,
	actor: Actor,
	opts: { box: 'received' | 'sent'; status?: string | null; page?: number; now?: Date }
): Promise<TeamView> {
	const now = opts.now ?? new Date();
	const where = opts.box === 'received' ? receivedCondition(actor) : sentCondition(actor);
	const status = opts.status && (REFERRAL_STATUSES as readonly string[]).includes(opts.status) ? opts.status : null;
	const db = database.db;
	const overdueAt = new Date(now.getTime() - REMINDER_DAYS[0] * DAY);
	const [countRows, waitingRows] = await Promise.all([
		db
			.select({ status: referrals.status, n: sql<number>`count(*)::int` })
			.from(referrals)
			.where(where)
			.groupBy(referrals.status),
		db
			.select({
				under10: sql<number>`count(*) filter (where ${referrals.sentAt} > ${overdueAt.toISOString()}::timestamptz)::int`,
				from10to19: sql<number>`count(*) filter (where ${referrals.sentAt} <= ${overdueAt.toISOString()}::timestamptz and ${referrals.sentAt} > ${new Date(now.getTime() - 20 * DAY).toISOString()}::timestamptz)::int`,
				from20: sql<number>`count(*) filter (where ${referrals.sentAt} <= ${new Date(now.getTime() - 20 * DAY).toISOString()}::timestamptz)::int`
			})
			.from(referrals)
			.where(and(where, inArray(referrals.status, AWAITING as ReferralStatus[])))
	]);
	const counts = Object.fromEntries(REFERRAL_STATUSES.map((s) => [s, 0])) as Record<ReferralStatus, number>;
	for (const c of countRows) counts[c.status as ReferralStatus] = c.n;
	const total = status ? counts[status as ReferralStatus] : Object.values(counts).reduce((a, b) => a + b, 0);
	const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
	const page = Math.min(Math.max(1, opts.page ?? 1), pages);
	const awaiting = sql`${referrals.status} in ('sent', 'under_study')`;
	const rows = await db
		.select({
			r: {
				id: referrals.id,
				status: referrals.status,
				sentAt: referrals.sentAt,
				appointmentAt: referrals.appointmentAt,
				delivery: referrals.delivery,
				beneficiaryId: referrals.beneficiaryId,
				placeId: referrals.placeId,
				consentId: referrals.consentId,
				fromOrganisationId: referrals.fromOrganisationId
			}
		})
		.from(referrals)
		// the rows whose person the connection reads, as the inner join on the record kept them
		.where(and(where, status ? eq(referrals.status, status) : undefined, recordReadable(referrals.beneficiaryId)))
		.orderBy(
			sql`case when ${awaiting} and ${referrals.sentAt} <= ${overdueAt.toISOString()}::timestamptz then 0 when ${awaiting} then 1 else 2 end`,
			sql`case when ${awaiting} then ${referrals.sentAt} end asc`,
			desc(referrals.statusAt)
		)
		.limit(PAGE_SIZE)
		.offset((page - 1) * PAGE_SIZE);
	// the page's people and places in one query each: the actor's side sees these referrals (the conditions above)
	const [names, cards, consents, senders] = await Promise.all([
		uncheckedNames(
			db,
			rows.map(({ r }) => r.beneficiaryId)
		),
		placeCards(
			db,
			rows.map(({ r }) => r.placeId)
		),
		grantsById(
			db,
			rows.map(({ r }) => r.consentId)
		),
		organisationNames(
			db,
			rows.map(({ r }) => r.fromOrganisationId)
		)
	]);
	// the place's team sees the person's first name while the referral's consent is in force and covers it, as on the referral's page
	const named = (consentId: string) => {
		const g = consents.get(consentId);
		return !!g && grantInForce(g) && revealedFields(g.scopes).has('firstName');
	};
	return {
		items: rows.map(({ r }) => {
			const b = names.get(r.beneficiaryId);
			const place = cards.get(r.placeId)!;
			const waiting = AWAITING.includes(r.status as ReferralStatus);
			return {
				id: r.id,
				reference: referenceOf(r.id),
				personName: b && named(r.consentId) ? shortName(b) : 'La personne',
				placeName: place.nom,
				placeCommune: place.commune,
				fromOrganisation: senders.get(r.fromOrganisationId) ?? OTHER_DEPARTMENT,
				status: r.status as ReferralStatus,
				statusLabel: STATUS_LABELS[r.status as ReferralStatus],
				sentAt: r.sentAt,
				ageDays: Math.floor((now.getTime() - r.sentAt.getTime()) / DAY),
				overdue: waiting && r.sentAt <= overdueAt,
				appointmentAt: r.appointmentAt
			};
		}),
		counts,
		waiting: waitingRows[0] ?? { under10: 0, from10to19: 0, from20: 0 },
		total,
		page,
		pages
	};
}

export interface ReferralDetail {
	id: string;
	reference: string;
	side: Side | 'link';
	status: ReferralStatus;
	statusLabel: string;
	reason: string | null;
	sentAt: Date;
	appointmentAt: Date | null;
	declineReason: string | null;
	declineNote: string | null;
	place: {
		id: string;
		nom: string;
		adresse: string;
		codePostal: string;
		commune: string;
		telephone: string | null;
		courriels: string[];
		horaires: string | null;
	};
	from: { organisation: string; prescriber: string | null; prescriberEmail: string | null };
	person: {
		id: string;
		name: string;
		fullName: string;
		commune: string | null;
		phone: string | null;
		email: string | null;
		preferredContact: string | null;
		language: string | null;
		accessibilityNeeds: string[];
		accessibilityNote: string | null;
	};
	scope: string[];
	assessment: { profile: Record<string, string | null>; services: string[]; urgency: string | null; at: Date } | null;
	timeline: { at: Date; type: string; actorKind: string; toStatus: string; toStatusLabel: string }[];
	actions: EventType[];
	beneficiaryId: string;
	honouredByAccompanimentId: string | null;
	/** the day of the accompaniment that honoured it (YYYY-MM-DD), not the appointment's */
	honouredOn: string | null;
	/** how it reached the place ('prescriber': the prescriber tells the place themselves) */
	delivery: Delivery;
}

async function detailOf(db: DbOrTx, r: Referral, side: Side | 'link'): Promise<ReferralDetail> {
	// the side (or the place's link) was checked on the referral by the caller
	const b = (await uncheckedRecord(db, r.beneficiaryId))!;
	const place = (await placeCard(db, r.placeId))!;
	const from = (await organisationNames(db, [r.fromOrganisationId])).get(r.fromOrganisationId) ?? OTHER_DEPARTMENT;
	const prescriber = r.prescriberId ? (await userContacts(db, [r.prescriberId])).get(r.prescriberId) : undefined;
	// the sender sees what they hold; the place what the consent covers (nothing once withdrawn, nor before it is in force)
	const scope = side === 'sender' ? (Object.keys(SCOPE_FIELDS) as string[]) : await scopesInForce(db, r.consentId);
	// every field through the one table of what each scope reveals (beneficiaries/model.ts SCOPE_FIELDS)
	const shown = revealedFields(scope);
	const p = scopedPerson(b, scope);
	const has = (s: 'assessment' | 'referral_reason') => shown.has(s === 'assessment' ? 'assessment' : 'reason');
	let assessment: ReferralDetail['assessment'] = null;
	if (r.assessmentId && has('assessment')) {
		const a = await uncheckedAssessment(db, r.assessmentId);
		if (a) {
			const res = a.result as { profile: Record<string, string | null>; services: string[]; urgency: string | null };
			assessment = { profile: res.profile, services: res.services, urgency: res.urgency, at: a.createdAt };
		}
	}
	const events = await db.select().from(referralEvents).where(eq(referralEvents.referralId, r.id)).orderBy(asc(referralEvents.at), asc(referralEvents.id));
	const actor: 'place' | 'prescriber' = side === 'sender' ? 'prescriber' : 'place';
	return {
		id: r.id,
		reference: referenceOf(r.id),
		side,
		status: r.status as ReferralStatus,
		statusLabel: STATUS_LABELS[r.status as ReferralStatus],
		reason: has('referral_reason') ? r.reason : null,
		sentAt: r.sentAt,
		appointmentAt: r.appointmentAt,
		declineReason: r.declineReason ? DECLINE_REASONS[r.declineReason as DeclineReason] : null,
		declineNote: r.declineNote,
		place: { ...place, courriels: place.courriels ?? [] },
		from: { organisation: from, prescriber: prescriber?.name ?? null, prescriberEmail: prescriber?.email ?? null },
		person: {
			id: b.id,
			name: p.name,
			fullName: p.fullName,
			commune: p.communeName,
			phone: p.phone,
			email: p.email,
			preferredContact: p.preferredContact,
			language: p.language,
			accessibilityNeeds: p.accessibilityNeeds,
			accessibilityNote: p.accessibilityNote
		},
		scope,
		assessment,
		timeline: events.map((e) => ({
			at: e.at,
			type: e.type,
			actorKind: e.actorKind,
			toStatus: e.toStatus,
			toStatusLabel: STATUS_LABELS[e.toStatus as ReferralStatus]
		})),
		actions: allowedEvents(r.status as ReferralStatus, actor),
		beneficiaryId: b.id,
		honouredByAccompanimentId: r.honouredByAccompanimentId,
		// the accompaniment's day, else (honoured before the day was kept) the day it was recorded
		honouredOn:
			r.honouredOn ??
			(r.status === 'honoured'
				? (events
						.findLast((e) => e.toStatus === 'honoured')
						?.at.toISOString()
						.slice(0, 10) ?? null)
				: null),
		delivery: r.delivery as Delivery
	};
}

export async function referralDetail(database: Database, actor: Actor, id: string, ip?: string | null): Promise<ReferralDetail> {
	const notFound = new CareError('not_found', 'Cette orientation n’existe pas, ou vous n’y avez pas accès.');
	if (!UUID.test(id)) throw notFound;
	const [r] = await database.db.select().from(referrals).where(eq(referrals.id, id));
	const side = r ? await sideOf(database.db, actor, r) : null;
	if (!r || !side) throw notFound;
	await journal(database.db, {
		actor: { kind: 'user', id: actor.userId },
		action: 'referral.viewed',
		targetType: 'referral',
		targetId: id,
		departmentCode: r.departmentCode,
		ip
	});
	return detailOf(database.db, r, side);
}

export async function referralByLink(
	database: Database,
	token: string
): Promise<{ ok: true; detail: ReferralDetail } | { ok: false; reason: 'invalid' | 'expired' | 'used'; message: string }> {
	const c = await checkAnswerLink(database.db, token);
	if (!c.ok) return { ...c, message: LINK_MESSAGES[c.reason] };
	const [r] = await database.db.select().from(referrals).where(eq(referrals.id, c.referralId));
	return { ok: true, detail: await detailOf(database.db, r, 'link') };
}

/** The referrals of one person, for their record's page (the actor already reads the record). */
export async function referralsOfBeneficiary(database: Database, actor: Actor, beneficiaryId: string) {
	await loadBeneficiary(database.db, actor, beneficiaryId, 'read');
	const rows = await database.db
		.select()
		.from(referrals)
		.where(and(eq(referrals.beneficiaryId, beneficiaryId), or(sentCondition(actor), receivedCondition(actor))))
		.orderBy(desc(referrals.sentAt));
	const cards = await placeCards(
		database.db,
		rows.map((r) => r.placeId)
	);
	return rows.map((r) => ({
		id: r.id,
		reference: referenceOf(r.id),
		placeName: cards.get(r.placeId)!.nom,
		placeCommune: cards.get(r.placeId)!.commune,
		status: r.status as ReferralStatus,
		statusLabel: STATUS_LABELS[r.status as ReferralStatus],
		sentAt: r.sentAt,
		appointmentAt: r.appointmentAt
	}));
}

/** What the person sees of their referrals: never the decline reason nor the professionals' names. */
export async function personReferrals(database: Database, beneficiaryIds: string[]) {
	if (!beneficiaryIds.length) return [];
	const ids = await notAnonymised(database.db, beneficiaryIds);
	if (!ids.length) return [];
	const rows = await database.db
		.select({
			r: {
				id: referrals.id,
				status: referrals.status,
				sentAt: referrals.sentAt,
				appointmentAt: referrals.appointmentAt,
				delivery: referrals.delivery,
				placeId: referrals.placeId,
				toOrganisationId: referrals.toOrganisationId,
				fromOrganisationId: referrals.fromOrganisationId
			}
		})
		.from(referrals)
		.where(inArray(referrals.beneficiaryId, ids))
		.orderBy(desc(referrals.sentAt));
	const PERSON_STATUS: Record<ReferralStatus, string> = {
		sent: 'Envoyée\u00a0: le lieu va vous contacter',
		under_study: 'Le lieu étudie votre demande',
		accepted: 'Acceptée\u00a0: le lieu vous attend',
		declined: 'Le lieu ne peut pas vous recevoir',
		honoured: 'Vous êtes venu(e)',
		no_show: 'Vous n’êtes pas venu(e)',
		expired: 'Le lieu n’a pas répondu',
		withdrawn: 'Annulée'
	};
	const [cards, senders] = await Promise.all([
		placeCards(
			database.db,
			rows.map(({ r }) => r.placeId)
		),
		organisationNames(
			database.db,
			rows.map(({ r }) => r.fromOrganisationId)
		)
	]);
	// what the person's page shows of the place (its e-mails aside)
	const placeOf = (id: string) => {
		const { id: placeId, nom, adresse, codePostal, commune, telephone, horaires } = cards.get(id)!;
		return { id: placeId, nom, adresse, codePostal, commune, telephone, horaires };
	};
	return rows.map(({ r }) => ({
		id: r.id,
		reference: referenceOf(r.id),
		status: r.status as ReferralStatus,
		// the place has no account and no e-mail: the prescriber tells it, the place does not call first
		statusLabel:
			r.status === 'sent' && r.delivery === 'prescriber'
				? 'Envoyée\u00a0: la structure qui vous oriente prévient le lieu'
				: PERSON_STATUS[r.status as ReferralStatus],
		sentAt: r.sentAt,
		appointmentAt: r.appointmentAt,
		place: placeOf(r.placeId),
		from: senders.get(r.fromOrganisationId) ?? OTHER_DEPARTMENT,
		canWithdraw: allowedEvents(r.status as ReferralStatus, 'person').includes('withdraw'),
		canJoinDocuments: documentsJoinable({ status: r.status as ReferralStatus, delivery: r.delivery, toOrganisationId: r.toOrganisationId })
	}));
}

/**
 * Where referrals stand, by id, for a capability that holds their ids on its own rows and
 * authorised its reader there (equipment/setup.ts: the set-up accompaniment of a device
 * handed over): the status and its days only, nothing of the person.
 */
export async function referralOutcomes(
	db: DbOrTx,
	ids: readonly string[]
): Promise<Map<string, { status: string; statusAt: Date; honouredOn: string | null; appointmentAt: Date | null }>> {
	if (!ids.length) return new Map();
	const rows = await db
		.select({
			id: referrals.id,
			status: referrals.status,
			statusAt: referrals.statusAt,
			honouredOn: referrals.honouredOn,
			appointmentAt: referrals.appointmentAt
		})
		.from(referrals)
		.where(inArray(referrals.id, [...new Set(ids)]));
	return new Map(rows.map((r) => [r.id, { status: r.status, statusAt: r.statusAt, honouredOn: r.honouredOn, appointmentAt: r.appointmentAt }]));
}
