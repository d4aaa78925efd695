/**
 * Documents joined to a referral (issue 15, item 7): the person chooses papers of their vault
 * for a referral still open; the receiving place reads them — its team in its space, a
 * place without an account through the referral's signed link — until the referral ends,
 * when they stop being shared in the same transaction (answer.ts calls followReferralShares).
 * The grants themselves are the vault's (vault/referral-shares.ts).
 */
import { eq } from 'drizzle-orm';
import type { Database, Tx } from '../db/client.ts';
import type { Actor } from '../accounts/index.ts';
import { placeCard } from '../places/index.ts';
import { CareError } from '../beneficiaries/index.ts';
import {
	documentsForProfessional,
	openDocument,
	referralDocuments,
	shareWithReferral,
	type JoinedDocument,
	type OpenMode,
	type ReferralFacts,
	type ReferralGrantee
} from '../vault/index.ts';
import { referrals } from './db.ts';
import { OPEN, STATUS_LABELS, documentsJoinable, referralHorizon, type ReferralStatus } from './model.ts';
import { checkAnswerLink, lockReferral, referenceOf, sideOf, LINK_MESSAGES, UUID, type Referral } from './core.ts';

/** Who receives the documents joined to this referral: the structure it was sent to, or the place by its link. */
export const granteeOf = (r: Pick<Referral, 'id' | 'toOrganisationId' | 'placeId' | 'departmentCode'>): ReferralGrantee => ({
	id: r.id,
	granteeOrganisationId: r.toOrganisationId,
	placeId: r.placeId,
	departmentCode: r.departmentCode
});

type PersonSession = { beneficiaryIds: readonly string[]; ip?: string | null };

const NOT_FOUND = 'Cette orientation n’existe pas.';
const ENDED = 'Cette orientation est terminée\u00a0: vous ne pouvez plus y joindre de documents.';
/** A place without an account nor an e-mail: the prescriber tells it; it has no page to read documents on. */
const OFFLINE =
	'Ce lieu ne reçoit pas les orientations par internet\u00a0: il ne pourrait pas voir vos documents. Apportez vos papiers le jour du rendez-vous.';

/** Why documents cannot be joined to this referral now, or null. */
function cannotJoin(r: Referral, now: Date): string | null {
	if (!OPEN.includes(r.status as ReferralStatus)) return ENDED;
	if (!documentsJoinable({ status: r.status as ReferralStatus, delivery: r.delivery, toOrganisationId: r.toOrganisationId })) return OFFLINE;
	const until = referralHorizon({ status: r.status as ReferralStatus, sentAt: r.sentAt, statusAt: r.statusAt });
	return until && until > now ? null : ENDED;
}

async function personsReferral(database: Database, session: PersonSession, referralId: string): Promise<Referral> {
	const [r] = UUID.test(referralId) ? await database.db.select().from(referrals).where(eq(referrals.id, referralId)) : [];
	if (!r || !session.beneficiaryIds.includes(r.beneficiaryId)) throw new CareError('not_found', NOT_FOUND);
	return r;
}

export interface ReferralDocumentsView {
	id: string;
	reference: string;
	placeName: string;
	statusLabel: string;
	/** why documents cannot be joined now (ended, or a place that does not receive referrals online); null: they can */
	closedBecause: string | null;
	/** the documents stay shared until then at most */
	until: Date | null;
	joined: JoinedDocument[];
}

/** The person's page « Joindre des documents pour ce rendez-vous »: the referral and what is joined to it. */
export async function personReferralDocuments(
	database: Database,
	session: PersonSession,
	referralId: string,
	now = new Date()
): Promise<ReferralDocumentsView> {
	const r = await personsReferral(database, session, referralId);
	const place = await placeCard(database.db, r.placeId);
	return {
		id: r.id,
		reference: referenceOf(r.id),
		placeName: place?.nom ?? 'le lieu',
		statusLabel: STATUS_LABELS[r.status as ReferralStatus],
		closedBecause: cannotJoin(r, now),
		until: referralHorizon({ status: r.status as ReferralStatus, sentAt: r.sentAt, statusAt: r.statusAt }),
		joined: await referralDocuments(database, { kind: 'person', beneficiaryIds: session.beneficiaryIds }, granteeOf(r), now)
	};
}

/**
 * The person joins documents of their vault to one of their referrals still open: shared
 * with the receiving place until the referral's horizon at most, and ended with it. The
 * referral is locked and checked again in the transaction that writes the grants.
 */
export async function joinDocuments(
	database: Database,
	session: PersonSession,
	referralId: string,
	documentIds: readonly string[],
	now = new Date()
): Promise<{ shared: number }> {
	const r = await personsReferral(database, session, referralId);
	const why = cannotJoin(r, now);
	if (why) throw new CareError('conflict', why);
	return shareWithReferral(
		database,
		{ kind: 'person', beneficiaryIds: session.beneficiaryIds, ip: session.ip },
		await factsOf(database, r),
		documentIds,
		now,
		recheckOpen(r)
	);
}

/** What the vault hands to join documents to this referral. */
async function factsOf(database: Database, r: Referral): Promise<ReferralFacts> {
	const place = await placeCard(database.db, r.placeId);
	return {
		...granteeOf(r),
		placeName: place?.nom ?? 'le lieu',
		senderOrganisationId: r.fromOrganisationId,
		until: referralHorizon({ status: r.status as ReferralStatus, sentAt: r.sentAt, statusAt: r.statusAt })!
	};
}

const recheckOpen = (r: Referral) => async (tx: Tx) => {
	const locked = await lockReferral(tx, r.id);
	if (!locked || locked.status !== r.status) throw new CareError('conflict', 'Cette orientation vient de changer. Rechargez la page, puis réessayez.');
};

export interface CounterDocuments {
	/** why documents cannot be joined now, or null */
	closedBecause: string | null;
	placeName: string;
	documents: { id: string; title: string; typeLabel: string; joined: boolean }[];
}

/**
 * At the counter: the professional who sent the referral, with the person's vault open to
 * them (the person's code), sees the person's papers and which are joined to this referral;
 * null when they are not the sender's side or the vault is not open with the person.
 */
export async function counterReferralDocuments(database: Database, actor: Actor, referralId: string, now = new Date()): Promise<CounterDocuments | null> {
	const [r] = UUID.test(referralId) ? await database.db.select().from(referrals).where(eq(referrals.id, referralId)) : [];
	if (!r || (await sideOf(database.db, actor, r)) !== 'sender') return null;
	const v = await documentsForProfessional(database, { kind: 'professional', actor }, r.beneficiaryId, now);
	if (!v.presence) return null;
	const joined = new Set((await referralDocuments(database, { kind: 'person', beneficiaryIds: [r.beneficiaryId] }, granteeOf(r), now)).map((d) => d.id));
	const place = await placeCard(database.db, r.placeId);
	return {
		closedBecause: cannotJoin(r, now),
		placeName: place?.nom ?? 'le lieu',
		documents: v.documents.map((d) => ({ id: d.id, title: d.title, typeLabel: d.typeLabel, joined: joined.has(d.id) }))
	};
}

/**
 * At the counter, the professional joins papers of the person's vault to the referral they
 * sent, once the person, present, says yes: the same shares as the person's own (until the
 * referral's end), recorded as given at the counter and shown in the person's journal.
 */
export async function joinDocumentsAtCounter(
	database: Database,
	actor: Actor,
	p: { referralId: string; documentIds: readonly string[]; personAgrees: boolean; ip?: string | null },
	now = new Date()
): Promise<{ shared: number }> {
	const [r] = UUID.test(p.referralId) ? await database.db.select().from(referrals).where(eq(referrals.id, p.referralId)) : [];
	if (!r || (await sideOf(database.db, actor, r)) !== 'sender') throw new CareError('not_found', NOT_FOUND);
	const why = cannotJoin(r, now);
	if (why)
		throw new CareError('conflict', why.replace('vous ne pouvez plus', 'on ne peut plus').replace('Apportez vos papiers', 'La personne apportera ses papiers'));
	return shareWithReferral(
		database,
		{ kind: 'professional', actor, ip: p.ip, beneficiaryId: r.beneficiaryId, personAgrees: p.personAgrees },
		await factsOf(database, r),
		p.documentIds,
		now,
		recheckOpen(r)
	);
}

/** The documents the person joined, as the place's team sees them on the referral's page (none for the sender's side). */
export async function teamReferralDocuments(database: Database, actor: Actor, referralId: string, now = new Date()): Promise<JoinedDocument[]> {
	const [r] = UUID.test(referralId) ? await database.db.select().from(referrals).where(eq(referrals.id, referralId)) : [];
	if (!r || (await sideOf(database.db, actor, r)) !== 'place') return [];
	return referralDocuments(database, { kind: 'professional', actor }, granteeOf(r), now);
}

/** The referral of a valid link (the same rules as its page: spent by an answer, expired with the referral). */
async function linkReferral(database: Database, token: string): Promise<Referral> {
	const c = await checkAnswerLink(database.db, token);
	if (!c.ok) throw new CareError(c.reason === 'invalid' ? 'not_found' : 'conflict', LINK_MESSAGES[c.reason]);
	const [r] = await database.db.select().from(referrals).where(eq(referrals.id, c.referralId));
	if (!r) throw new CareError('not_found', LINK_MESSAGES.invalid);
	return r;
}

/** The documents joined to the referral, for a place without an account on its link's page (nothing once it has ended). */
export async function linkReferralDocuments(database: Database, token: string, now = new Date()): Promise<JoinedDocument[]> {
	const r = await linkReferral(database, token);
	if (!OPEN.includes(r.status as ReferralStatus)) return [];
	return referralDocuments(database, { kind: 'link', placeId: r.placeId, referralId: r.id }, granteeOf(r), now);
}

/** A place without an account opens a joined document through its link: checked by the vault against the grant to the place, journaled. */
export async function openDocumentByLink(database: Database, token: string, documentId: string, mode: Exclude<OpenMode, 'thumbnail'>, ip?: string | null) {
	const r = await linkReferral(database, token);
	return openDocument(database, { kind: 'link', placeId: r.placeId, referralId: r.id, ip }, documentId, mode);
}
