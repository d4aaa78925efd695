/**
 * Records of the people helped: create (with duplicate detection), read and edit within
 * the holding organisation or through a consent, consents, merge, RGPD export and
 * erasure, anonymisation after 24 months without activity. Every write is journaled;
 * journal details never hold the person's data (only which fields changed).
 */
import { and, desc, eq, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Database, DbOrTx, Tx } from '../db/client.ts';
import { journal, changedFields, type AuditActor } from '../audit/index.ts';
import { can, fieldErrors, type Actor, clearKeysNaming } from '../accounts/index.ts';
import { organisations, users } from '../accounts/db.ts';
import { auditLog } from '../audit/db.ts';
import { places } from '../places/db.ts';
import { referrals } from '../referral/db.ts';
import { STATUS_LABELS } from '../referral/model.ts';
import { accompaniments } from '../accompaniments/db.ts';
import { municipalityLookup, resolveWhere } from '../territory/index.ts';
import { beneficiaries, consents, consentRequests, assessments, personCodes, personLinks } from './db.ts';
import { purgeMessagesOf } from '../mail/service.ts';
import { endAllAccess } from './person-access.ts';
import {
	beneficiaryInput,
	consentInput,
	duplicateScore,
	nameKeyOf,
	retentionCutoff,
	CONSENT_METHODS,
	CONSENT_SCOPES,
	CONSENT_STATUSES,
	ACCESSIBILITY_NEEDS,
	LANGUAGES,
	contactLabel,
	NO_CONTACT,
	DUPLICATE_THRESHOLD,
	fullName,
	normalizeName,
	scopedPerson,
	personIp,
	type ConsentInput,
	type ConsentScope
} from './model.ts';

export * from './model.ts';

export type Beneficiary = typeof beneficiaries.$inferSelect;
export type Consent = typeof consents.$inferSelect;

export class CareError extends Error {
	constructor(
		public code: 'forbidden' | 'not_found' | 'invalid' | 'conflict',
		message: string,
		public fields: Record<string, string> = {}
	) {
		super(message);
	}
}

const CARE_ROLES = ['prescriber', 'mediator'];
const userActor = (actor: Actor): AuditActor => ({ kind: 'user', id: actor.userId });

/** The organisations whose records the actor holds (prescriber or mediator there). */
export function holdingOrganisations(actor: Actor): string[] {
	return [...new Set(actor.memberships.filter((m) => CARE_ROLES.includes(m.role)).map((m) => m.organisationId))];
}
/** The organisations through which a consent can open a record to the actor. */
function receivingOrganisations(actor: Actor): string[] {
	return [...new Set(actor.memberships.filter((m) => [...CARE_ROLES, 'place_manager'].includes(m.role)).map((m) => m.organisationId))];
}

/** A consent opens something only when in force: given (not pending an SMS answer, nor refused) and not withdrawn. */
export const inForce = () => and(eq(consents.status, 'in_force'), isNull(consents.withdrawnAt))!;

function activeConsentFor(orgIds: string[]): SQL {
	return sql`exists (select 1 from ${consents} c where c.beneficiary_id = ${beneficiaries.id} and c.status = 'in_force' and c.withdrawn_at is null
		and c.with_organisation_id in (${sql.join(
			orgIds.map((o) => sql`${o}::uuid`),
			sql`, `
		)}))`;
}

/** The records the actor may read: held by their organisations, or opened to them by a consent. */
export function visibleTo(actor: Actor): SQL {
	const own = holdingOrganisations(actor);
	const recv = receivingOrganisations(actor);
	const parts: SQL[] = [];
	if (own.length) parts.push(inArray(beneficiaries.organisationId, own));
	if (recv.length) parts.push(activeConsentFor(recv));
	return parts.length ? and(isNull(beneficiaries.mergedInto), or(...parts))! : sql`false`;
}

/** Organisations an active consent opens the record to. */
async function consentedOrganisations(db: DbOrTx, beneficiaryId: string): Promise<string[]> {
	const rows = await db
		.select({ o: consents.withOrganisationId })
		.from(consents)
		.where(and(eq(consents.beneficiaryId, beneficiaryId), inForce()));
	return [...new Set(rows.map((r) => r.o).filter((o): o is string => !!o))];
}

/** The record if the actor may read (or write) it; otherwise not_found (no hint that it exists). */
export async function loadBeneficiary(db: DbOrTx, actor: Actor, id: string, need: 'read' | 'write' = 'read'): Promise<Beneficiary> {
	if (!/^[0-9a-f-]{36}$/i.test(id)) throw new CareError('not_found', 'Cette personne n’existe pas, ou vous n’y avez pas accès.');
	const [b] = await db.select().from(beneficiaries).where(eq(beneficiaries.id, id));
	if (!b || b.mergedInto) throw new CareError('not_found', 'Cette personne n’existe pas, ou vous n’y avez pas accès.');
	const consented = await consentedOrganisations(db, id);
	if (!can(actor, need === 'read' ? 'beneficiary.read' : 'beneficiary.write', { organisationId: b.organisationId, consentedOrganisationIds: consented }))
		throw new CareError('not_found', 'Cette personne n’existe pas, ou vous n’y avez pas accès.');
	return b;
}

/** Marks activity on a record: its 24-month clock starts again. */
export async function touchBeneficiary(db: DbOrTx, id: string, now = new Date()): Promise<void> {
	await db.update(beneficiaries).set({ lastActivityAt: now }).where(eq(beneficiaries.id, id));
}

async function resolveCommune(database: Database, text: string | null, departmentCodes: string[]): Promise<{ code: string | null; name: string | null }> {
	if (!text) return { code: null, name: null };
	const r = await resolveWhere(database, text, { departmentCodes });
	if (r.status === 'found' && r.point.inseeCode) {
		const m = (await municipalityLookup(database)).byInsee(r.point.inseeCode);
		return { code: r.point.inseeCode, name: m?.name ?? r.point.label };
	}
	if (r.status === 'ambiguous')
		throw new CareError('invalid', 'Vérifiez la commune.', {
			commune: `Plusieurs communes s’appellent « ${text} »\u00a0: ajoutez le code postal. Exemple\u00a0: ${text} 47000`
		});
	throw new CareError('invalid', 'Vérifiez la commune.', {
		commune: `Nous ne trouvons pas la commune « ${text} ». Vérifiez l’orthographe, ou indiquez le code postal.`
	});
}

async function parseForm(database: Database, raw: unknown, departmentCode: string) {
	const parsed = beneficiaryInput.safeParse(raw);
	if (!parsed.success) {
		// the checks across fields run only once every field is valid: say the missing name at once too
		const r = (raw ?? {}) as Record<string, unknown>;
		const errors = fieldErrors(parsed.error.issues);
		if (!String(r.firstName ?? '').trim() && !String(r.pseudonym ?? '').trim())
			errors.firstName ??= 'Indiquez au moins un prénom, ou un pseudonyme si la personne préfère.';
		throw new CareError('invalid', 'Le formulaire contient des erreurs.', errors);
	}
	const v = parsed.data;
	const commune = await resolveCommune(database, v.commune, [departmentCode]);
	return {
		firstName: v.firstName,
		lastName: v.lastName,
		pseudonym: v.pseudonym,
		birthYear: v.birthYear,
		communeCode: commune.code,
		communeName: commune.name,
		phone: v.phone,
		email: v.email,
		preferredContact: v.preferredContact,
		language: v.language,
		accessibilityNeeds: v.accessibilityNeeds,
		accessibilityNote: v.accessibilityNote,
		nameKey: nameKeyOf(v)
	};
}

export interface DuplicateMatch {
	id: string;
	name: string;
	birthYear: number | null;
	communeName: string | null;
	score: number;
	reasons: string[];
}

/** Records of the same organisation that may be the same person. */
export async function findDuplicates(
	db: DbOrTx,
	organisationId: string,
	c: {
		nameKey: string | null;
		phone: string | null;
		email: string | null;
		birthYear: number | null;
		communeCode: string | null;
		firstName: string | null;
		lastName: string | null;
		pseudonym: string | null;
	},
	exceptId?: string
): Promise<DuplicateMatch[]> {
	const keys: SQL[] = [];
	if (c.nameKey) keys.push(eq(beneficiaries.nameKey, c.nameKey));
	if (c.phone) keys.push(eq(beneficiaries.phone, c.phone));
	if (c.email) keys.push(eq(beneficiaries.email, c.email));
	if (!keys.length) return [];
	const rows = await db
		.select()
		.from(beneficiaries)
		.where(and(eq(beneficiaries.organisationId, organisationId), isNull(beneficiaries.mergedInto), isNull(beneficiaries.anonymisedAt), or(...keys)))
		.limit(50);
	return rows
		.filter((r) => r.id !== exceptId)
		.map((r) => ({ r, s: duplicateScore(c, r) }))
		.filter((x) => x.s.score >= DUPLICATE_THRESHOLD)
		.sort((a, b) => b.s.score - a.s.score)
		.map(({ r, s }) => ({ id: r.id, name: fullName(r), birthYear: r.birthYear, communeName: r.communeName, score: s.score, reasons: s.reasons }));
}

export type CreateResult = { status: 'created'; id: string } | { status: 'duplicates'; candidates: DuplicateMatch[] };

/**
 * Creates a record held by `organisationId`. When it looks like a record the organisation
 * already holds, nothing is written and the candidates come back, unless `confirmNew`.
 */
export async function createBeneficiary(
	database: Database,
	actor: Actor,
	input: { organisationId: string; form: unknown; confirmNew?: boolean },
	ip?: string | null
): Promise<CreateResult> {
	const m = actor.memberships.find((x) => x.organisationId === input.organisationId);
	if (!m || !can(actor, 'beneficiary.create', { organisationId: input.organisationId }))
		throw new CareError('forbidden', 'Seuls les prescripteurs et les médiateurs d’une structure peuvent enregistrer une personne.');
	const values = await parseForm(database, input.form, m.departmentCode);
	if (!input.confirmNew) {
		const candidates = await findDuplicates(database.db, input.organisationId, values);
		if (candidates.length) return { status: 'duplicates', candidates };
	}
	return database.db.transaction(async (tx) => {
		const [row] = await tx
			.insert(beneficiaries)
			.values({ ...values, organisationId: input.organisationId, departmentCode: m.departmentCode, createdBy: actor.userId })
			.returning({ id: beneficiaries.id });
		await journal(tx, {
			actor: userActor(actor),
			action: 'beneficiary.created',
			targetType: 'beneficiary',
			targetId: row.id,
			departmentCode: m.departmentCode,
			ip,
			after: values
		});
		return { status: 'created' as const, id: row.id };
	});
}

export async function updateBeneficiary(database: Database, actor: Actor, id: string, form: unknown, ip?: string | null): Promise<void> {
	const b = await loadBeneficiary(database.db, actor, id, 'write');
	if (b.anonymisedAt) throw new CareError('conflict', 'Ce dossier a été anonymisé\u00a0: il ne peut plus être modifié.');
	const values = await parseForm(database, form, b.departmentCode);
	await database.db.transaction(async (tx) => {
		await tx
			.update(beneficiaries)
			.set({ ...values, updatedAt: new Date(), lastActivityAt: new Date() })
			.where(eq(beneficiaries.id, id));
		await journal(tx, {
			actor: userActor(actor),
			action: 'beneficiary.updated',
			targetType: 'beneficiary',
			targetId: id,
			departmentCode: b.departmentCode,
			ip,
			before: b,
			after: values,
			details: { fields: changedFields(b as unknown as Record<string, unknown>, values as unknown as Record<string, unknown>) }
		});
	});
}

export interface BeneficiaryListItem {
	id: string;
	name: string;
	communeName: string | null;
	birthYear: number | null;
	organisationName: string;
	held: boolean;
	updatedAt: Date;
	anonymised: boolean;
}

/** The records the actor may read, most recently updated first; `q` searches the name. */
export async function listBeneficiaries(database: Database, actor: Actor, opts: { q?: string; limit?: number } = {}): Promise<BeneficiaryListItem[]> {
	const q = normalizeName(opts.q);
	const own = new Set(holdingOrganisations(actor));
	const rows = await database.db
		.select({ b: beneficiaries, organisationName: organisations.name })
		.from(beneficiaries)
		.innerJoin(organisations, eq(organisations.id, beneficiaries.organisationId))
		.where(and(visibleTo(actor), q ? sql`${beneficiaries.nameKey} like ${'%' + q.replace(/[%_]/g, '') + '%'}` : undefined))
		.orderBy(desc(beneficiaries.updatedAt))
		.limit(opts.limit ?? 100);
	return rows.map(({ b, organisationName }) => ({
		id: b.id,
		name: fullName(b),
		communeName: b.communeName,
		birthYear: b.birthYear,
		organisationName,
		held: own.has(b.organisationId),
		updatedAt: b.updatedAt,
		anonymised: !!b.anonymisedAt
	}));
}

export interface ConsentView {
	id: string;
	purpose: string;
	scope: ConsentScope[];
	scopeLabels: string[];
	withOrganisation: string | null;
	withPlace: string | null;
	method: string;
	methodLabel: string;
	givenAt: Date;
	/** see CONSENT_STATUSES; only 'in_force' opens anything */
	status: string;
	statusLabel: string;
	withdrawnAt: Date | null;
	withdrawnBy: string | null;
}

export async function consentsOf(db: DbOrTx, beneficiaryId: string): Promise<ConsentView[]> {
	const rows = await db
		.select({ c: consents, org: organisations.name, place: places.nom })
		.from(consents)
		.leftJoin(organisations, eq(organisations.id, consents.withOrganisationId))
		.leftJoin(places, eq(places.id, consents.withPlaceId))
		.where(eq(consents.beneficiaryId, beneficiaryId))
		.orderBy(desc(consents.givenAt));
	return rows.map(({ c, org, place }) => ({
		id: c.id,
		purpose: c.purpose,
		scope: c.scope as ConsentScope[],
		scopeLabels: (c.scope as ConsentScope[]).map((s) => CONSENT_SCOPES[s] ?? s),
		withOrganisation: org,
		withPlace: place,
		method: c.method,
		methodLabel: CONSENT_METHODS[c.method as keyof typeof CONSENT_METHODS] ?? c.method,
		givenAt: c.givenAt,
		status: c.status,
		statusLabel: CONSENT_STATUSES[c.status as keyof typeof CONSENT_STATUSES] ?? c.status,
		withdrawnAt: c.withdrawnAt,
		withdrawnBy: c.withdrawnBy
	}));
}

/** A record and what the actor may see of it: the full record for its holders; what the consents cover for the others. */
export async function beneficiaryDetail(database: Database, actor: Actor, id: string, ip?: string | null) {
	const b = await loadBeneficiary(database.db, actor, id, 'read');
	// who read the record is part of what the person can ask for (their export lists it)
	await journal(database.db, {
		actor: userActor(actor),
		action: 'beneficiary.viewed',
		targetType: 'beneficiary',
		targetId: id,
		departmentCode: b.departmentCode,
		ip
	});
	const held = holdingOrganisations(actor).includes(b.organisationId);
	const [holder] = await database.db.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, b.organisationId));
	const allConsents = await consentsOf(database.db, id);
	// what the consents given to the actor's organisations cover
	const recv = new Set(receivingOrganisations(actor));
	const consentRows = held
		? []
		: await database.db
				.select({ scope: consents.scope })
				.from(consents)
				.where(and(eq(consents.beneficiaryId, id), inForce(), inArray(consents.withOrganisationId, [...recv])));
	const scope = new Set<string>(held ? Object.keys(CONSENT_SCOPES) : consentRows.flatMap((r) => r.scope));
	// another structure sees only the fields of the scopes it was given (SCOPE_FIELDS)
	const p = scopedPerson(b, [...scope]);
	return {
		record: {
			id: b.id,
			firstName: p.firstName,
			lastName: p.lastName,
			pseudonym: p.pseudonym,
			birthYear: held ? b.birthYear : null,
			communeName: p.communeName,
			communeCode: p.communeCode,
			phone: p.phone,
			email: p.email,
			preferredContact: p.preferredContact ?? 'none',
			preferredContactLabel: contactLabel(p.preferredContact),
			language: p.language ?? 'fr',
			languageLabel: p.language ? (LANGUAGES[p.language as keyof typeof LANGUAGES] ?? p.language) : '',
			accessibilityNeeds: p.accessibilityNeeds,
			accessibilityLabels: p.accessibilityNeeds.map((n) => ACCESSIBILITY_NEEDS[n as keyof typeof ACCESSIBILITY_NEEDS] ?? n),
			accessibilityNote: p.accessibilityNote,
			organisationId: b.organisationId,
			departmentCode: b.departmentCode,
			createdAt: b.createdAt,
			updatedAt: b.updatedAt,
			lastActivityAt: b.lastActivityAt,
			anonymisedAt: b.anonymisedAt
		},
		holder: holder?.name ?? '',
		held,
		scope: [...scope] as ConsentScope[],
		consents: held ? allConsents : allConsents.filter((c) => c.status === 'in_force' && !c.withdrawnAt && c.withOrganisation),
		canWrite: held
	};
}

// ——— consents ———

/**
 * Records a consent in the caller's transaction (a referral records its own). Given by SMS
 * reply, it is recorded 'pending' and opens nothing until the person answers OUI: the
 * caller asks them (consent-sms.ts requestConsentBySms) in the same transaction.
 */
export async function recordConsent(
	tx: Tx,
	actor: Actor,
	c: {
		beneficiary: Beneficiary;
		recordedByOrganisationId: string;
		withOrganisationId: string | null;
		withPlaceId: string | null;
		purpose: string;
		input: unknown;
	},
	ip?: string | null
): Promise<{ id: string; input: ConsentInput }> {
	const parsed = consentInput.safeParse(c.input);
	if (!parsed.success) throw new CareError('invalid', 'Le consentement n’est pas complet.', fieldErrors(parsed.error.issues));
	const [row] = await tx
		.insert(consents)
		.values({
			beneficiaryId: c.beneficiary.id,
			scope: parsed.data.scope,
			withOrganisationId: c.withOrganisationId,
			withPlaceId: c.withPlaceId,
			purpose: c.purpose,
			method: parsed.data.method,
			status: parsed.data.method === 'sms' ? 'pending' : 'in_force',
			recordedBy: actor.userId,
			recordedByOrganisationId: c.recordedByOrganisationId
		})
		.returning({ id: consents.id });
	await touchBeneficiary(tx, c.beneficiary.id);
	await journal(tx, {
		actor: userActor(actor),
		action: 'consent.recorded',
		targetType: 'beneficiary',
		targetId: c.beneficiary.id,
		departmentCode: c.beneficiary.departmentCode,
		ip,
		details: {
			consentId: row.id,
			scope: parsed.data.scope,
			method: parsed.data.method,
			withOrganisationId: c.withOrganisationId,
			pending: parsed.data.method === 'sms'
		}
	});
	return { id: row.id, input: parsed.data };
}

/**
 * Withdraws a consent: by the person (on their page: `beneficiaryIds` are theirs) or by a
 * professional of the holding organisation. Access through it ends at once.
 */
export async function withdrawConsent(database: Database, by: { actor: Actor } | { person: string[] }, consentId: string, ip?: string | null): Promise<void> {
	await database.db.transaction(async (tx) => {
		const [c] = await tx.select().from(consents).where(eq(consents.id, consentId));
		if (!c) throw new CareError('not_found', 'Ce consentement n’existe pas.');
		const [b] = await tx.select().from(beneficiaries).where(eq(beneficiaries.id, c.beneficiaryId));
		if ('actor' in by) {
			if (!can(by.actor, 'beneficiary.write', { organisationId: b.organisationId })) throw new CareError('not_found', 'Ce consentement n’existe pas.');
		} else if (!by.person.includes(c.beneficiaryId)) throw new CareError('not_found', 'Ce consentement n’existe pas.');
		if (c.withdrawnAt) return;
		// a consent that was never in force (waiting for an SMS answer, refused…) has nothing to withdraw
		if (c.status !== 'in_force')
			throw new CareError(
				'conflict',
				c.status === 'pending' ? 'Ce consentement attend la réponse de la personne par SMS\u00a0: annulez la demande.' : 'Ce consentement n’est pas en cours.'
			);
		await tx
			.update(consents)
			.set({ withdrawnAt: new Date(), withdrawnBy: 'actor' in by ? 'professional' : 'person' })
			.where(eq(consents.id, consentId));
		await touchBeneficiary(tx, b.id);
		await journal(tx, {
			actor: 'actor' in by ? userActor(by.actor) : { kind: 'person' },
			action: 'consent.withdrawn',
			targetType: 'beneficiary',
			targetId: b.id,
			departmentCode: b.departmentCode,
			// the person's own address: its network only
			ip: 'actor' in by ? ip : personIp(ip),
			details: { consentId }
		});
	});
}

// ——— merge ———

/**
 * Merges `dropId` into `keepId` (two records of the same organisation): consents,
 * assessments, referrals, accompaniments and codes move to the kept record; its empty
 * fields take the other's values; the other is emptied and points to the kept one.
 */
export async function mergeBeneficiaries(database: Database, actor: Actor, keepId: string, dropId: string, ip?: string | null): Promise<void> {
	if (keepId === dropId) throw new CareError('invalid', 'Choisissez deux dossiers différents.');
	const keep = await loadBeneficiary(database.db, actor, keepId, 'write');
	const drop = await loadBeneficiary(database.db, actor, dropId, 'write');
	if (keep.organisationId !== drop.organisationId || !holdingOrganisations(actor).includes(keep.organisationId))
		throw new CareError('forbidden', 'Seuls deux dossiers de votre structure peuvent être fusionnés.');
	if (keep.anonymisedAt || drop.anonymisedAt) throw new CareError('conflict', 'Un dossier anonymisé ne peut pas être fusionné.');
	const fill: Partial<Beneficiary> = {};
	for (const k of ['firstName', 'lastName', 'pseudonym', 'birthYear', 'communeCode', 'communeName', 'phone', 'email', 'accessibilityNote'] as const)
		if (keep[k] == null && drop[k] != null) (fill as Record<string, unknown>)[k] = drop[k];
	const needs = [...new Set([...keep.accessibilityNeeds, ...drop.accessibilityNeeds])];
	await database.db.transaction(async (tx) => {
		// the other capabilities' rows that point to the person move with them
		await tx.update(consents).set({ beneficiaryId: keepId }).where(eq(consents.beneficiaryId, dropId));
		await tx.update(consentRequests).set({ beneficiaryId: keepId }).where(eq(consentRequests.beneficiaryId, dropId));
		await tx.update(assessments).set({ beneficiaryId: keepId }).where(eq(assessments.beneficiaryId, dropId));
		await tx.update(personCodes).set({ beneficiaryId: keepId }).where(eq(personCodes.beneficiaryId, dropId));
		await tx.update(personLinks).set({ beneficiaryId: keepId }).where(eq(personLinks.beneficiaryId, dropId));
		await tx.update(referrals).set({ beneficiaryId: keepId }).where(eq(referrals.beneficiaryId, dropId));
		await tx.update(accompaniments).set({ beneficiaryId: keepId }).where(eq(accompaniments.beneficiaryId, dropId));
		const lastActivityAt = keep.lastActivityAt > drop.lastActivityAt ? keep.lastActivityAt : drop.lastActivityAt;
		await tx
			.update(beneficiaries)
			.set({ ...fill, accessibilityNeeds: needs, nameKey: nameKeyOf({ ...keep, ...fill }), updatedAt: new Date(), lastActivityAt })
			.where(eq(beneficiaries.id, keepId));
		await tx
			.update(beneficiaries)
			.set({ ...EMPTY_IDENTITY, mergedInto: keepId, updatedAt: new Date() })
			.where(eq(beneficiaries.id, dropId));
		await journal(tx, {
			actor: userActor(actor),
			action: 'beneficiary.merged',
			targetType: 'beneficiary',
			targetId: keepId,
			departmentCode: keep.departmentCode,
			ip,
			before: { keep, drop },
			details: { mergedId: dropId, filled: Object.keys(fill) }
		});
	});
}

// ——— retention, erasure ———

const EMPTY_IDENTITY = {
	firstName: null,
	lastName: null,
	pseudonym: null,
	birthYear: null,
	phone: null,
	email: null,
	accessibilityNote: null,
	accessibilityNeeds: [] as string[],
	nameKey: null
};

/**
 * Empties a record in place: identity and contact, free texts of its referrals, the
 * answers of its assessments (their levels stay, unlinked from anyone), codes; consents
 * in force are withdrawn. The commune stays (counts per commune stay true). What
 * outlives the record elsewhere goes with it: every message to or about the person in the
 * outbox (sent, or pending: then never sent), the throttle counters naming their phone or
 * e-mail, their links (revoked) and sessions (ended). The journal keeps ids, never names:
 * past entries are not rewritten (hash chain); entries by the person keep only their
 * network (personIp).
 */
async function anonymise(tx: Tx, b: Beneficiary, now: Date): Promise<void> {
	await purgeMessagesOf(tx, { beneficiaryId: b.id, addresses: [b.phone, b.email] });
	await clearKeysNaming(tx, [b.phone, b.email]);
	await endAllAccess(tx, b.id, now);
	await tx
		.update(beneficiaries)
		.set({ ...EMPTY_IDENTITY, preferredContact: NO_CONTACT, anonymisedAt: now, updatedAt: now })
		.where(eq(beneficiaries.id, b.id));
	await tx
		.update(consents)
		.set({ withdrawnAt: now, withdrawnBy: 'system' })
		.where(and(eq(consents.beneficiaryId, b.id), eq(consents.status, 'in_force'), isNull(consents.withdrawnAt)));
	// requests still waiting for an SMS answer are cancelled (a later OUI opens nothing); the number they went to is forgotten
	await tx
		.update(consents)
		.set({ status: 'cancelled' })
		.where(and(eq(consents.beneficiaryId, b.id), eq(consents.status, 'pending')));
	await tx
		.update(consentRequests)
		.set({ phone: '', referral: null, closedAt: sql`coalesce(${consentRequests.closedAt}, ${now.toISOString()}::timestamptz)` })
		.where(eq(consentRequests.beneficiaryId, b.id));
	await tx.update(referrals).set({ reason: '', declineNote: null }).where(eq(referrals.beneficiaryId, b.id));
	await tx.update(assessments).set({ answers: {} }).where(eq(assessments.beneficiaryId, b.id));
	await tx.delete(personCodes).where(eq(personCodes.beneficiaryId, b.id));
}

/** Erasure on request (RGPD art. 17), by the holding organisation. */
export async function eraseBeneficiary(database: Database, actor: Actor, id: string, ip?: string | null): Promise<void> {
	const b = await loadBeneficiary(database.db, actor, id, 'write');
	if (!holdingOrganisations(actor).includes(b.organisationId)) throw new CareError('forbidden', 'Seule la structure qui tient le dossier peut l’effacer.');
	if (b.anonymisedAt) return;
	await database.db.transaction(async (tx) => {
		await anonymise(tx, b, new Date());
		await journal(tx, {
			actor: userActor(actor),
			action: 'beneficiary.erased',
			targetType: 'beneficiary',
			targetId: id,
			departmentCode: b.departmentCode,
			ip,
			before: b
		});
	});
}

/** The scheduled job: anonymises the records without activity for 24 months. */
export async function anonymiseInactive(database: Database, now = new Date(), batch = 500): Promise<number> {
	const cutoff = retentionCutoff(now);
	let total = 0;
	for (;;) {
		const stale = await database.db
			.select()
			.from(beneficiaries)
			.where(and(isNull(beneficiaries.anonymisedAt), isNull(beneficiaries.mergedInto), lt(beneficiaries.lastActivityAt, cutoff)))
			.limit(batch);
		if (!stale.length) return total;
		await database.db.transaction(async (tx) => {
			for (const b of stale) await anonymise(tx, b, now);
			await journal(
				tx,
				...stale.map((b) => ({
					actor: { kind: 'system' } as AuditActor,
					action: 'beneficiary.anonymised',
					targetType: 'beneficiary',
					targetId: b.id,
					departmentCode: b.departmentCode,
					details: { reason: 'inactive-24-months' }
				}))
			);
		});
		total += stale.length;
	}
}

// ——— export (RGPD art. 15 and 20) ———

const AUDIT_LABELS: Record<string, string> = {
	'beneficiary.created': 'Création du dossier',
	'beneficiary.updated': 'Modification du dossier',
	'beneficiary.merged': 'Fusion de deux dossiers',
	'beneficiary.exported': 'Export du dossier',
	'beneficiary.viewed': 'Consultation du dossier',
	'consent.recorded': 'Consentement enregistré',
	'consent.withdrawn': 'Consentement retiré',
	'consent.requested': 'Accord demandé par SMS',
	'consent.request_resent': 'Demande d’accord renvoyée par SMS',
	'consent.request_cancelled': 'Demande d’accord par SMS annulée',
	'consent.confirmed': 'Accord donné par SMS',
	'consent.refused': 'Accord refusé par SMS',
	'consent.expired': 'Demande d’accord expirée sans réponse',
	'assessment.recorded': 'Diagnostic enregistré',
	'referral.sent': 'Orientation envoyée',
	'referral.transition': 'Orientation mise à jour',
	'referral.viewed': 'Consultation de l’orientation',
	'referral.reminded': 'Rappel envoyé au lieu',
	'person.code_sent': 'Code envoyé pour voir vos orientations',
	'accompaniment.recorded': 'Accompagnement enregistré'
};

/** Everything the platform holds about the person, as plain JSON (the readable PDF is made from it). */
export async function exportRecord(database: Database, actor: Actor, id: string, instanceName: string, ip?: string | null) {
	const b = await loadBeneficiary(database.db, actor, id, 'write');
	if (!holdingOrganisations(actor).includes(b.organisationId)) throw new CareError('forbidden', 'Seule la structure qui tient le dossier peut l’exporter.');
	const db = database.db;
	const [holder] = await db.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, b.organisationId));
	const consentRows = await consentsOf(db, id);
	const assessmentRows = await db.select().from(assessments).where(eq(assessments.beneficiaryId, id)).orderBy(assessments.createdAt);
	const referralRows = await db
		.select({ r: referrals, place: places.nom })
		.from(referrals)
		.innerJoin(places, eq(places.id, referrals.placeId))
		.where(eq(referrals.beneficiaryId, id))
		.orderBy(referrals.sentAt);
	const accRows = await db
		.select({ a: accompaniments, place: places.nom })
		.from(accompaniments)
		.leftJoin(places, eq(places.id, accompaniments.placeId))
		.where(eq(accompaniments.beneficiaryId, id))
		.orderBy(accompaniments.date);
	const referralIds = referralRows.map((x) => x.r.id);
	const journalRows = await db
		.select({ at: auditLog.at, action: auditLog.action, actorId: auditLog.actorId, actorKind: auditLog.actorKind })
		.from(auditLog)
		.where(
			or(
				and(eq(auditLog.targetType, 'beneficiary'), eq(auditLog.targetId, id)),
				referralIds.length ? and(eq(auditLog.targetType, 'referral'), inArray(auditLog.targetId, referralIds)) : undefined
			)
		)
		.orderBy(auditLog.id);
	// the organisation of each professional who acted, not their name
	const actorIds = [...new Set(journalRows.map((j) => j.actorId).filter((x): x is string => !!x))];
	const orgOf = new Map<string, string>();
	if (actorIds.length) {
		const rows =
			await db.execute(sql`select m.user_id, string_agg(distinct o.name, ', ') as names from memberships m join organisations o on o.id = m.organisation_id
			where m.user_id in (${sql.join(
				actorIds.map((a) => sql`${a}::uuid`),
				sql`, `
			)}) group by m.user_id`);
		for (const r of (rows as unknown as { rows: { user_id: string; names: string }[] }).rows) orgOf.set(r.user_id, r.names);
	}
	const data = {
		format: 'maillage-dossier-v1' as const,
		generatedAt: new Date().toISOString(),
		instanceName,
		holder: { organisation: holder?.name ?? '', contact: null },
		person: {
			firstName: b.firstName,
			lastName: b.lastName,
			pseudonym: b.pseudonym,
			birthYear: b.birthYear,
			commune: b.communeName,
			phone: b.phone,
			email: b.email,
			preferredContact: contactLabel(b.preferredContact),
			language: LANGUAGES[b.language as keyof typeof LANGUAGES] ?? b.language,
			accessibilityNeeds: b.accessibilityNeeds.map((n) => ACCESSIBILITY_NEEDS[n as keyof typeof ACCESSIBILITY_NEEDS] ?? n),
			// held about them, so given back to them (it was missing from the export)
			accessibilityNote: b.accessibilityNote,
			createdAt: b.createdAt.toISOString(),
			updatedAt: b.updatedAt.toISOString()
		},
		consents: consentRows.map((c) => ({
			purpose: c.purpose,
			scope: c.scopeLabels,
			withOrganisation: c.withOrganisation ?? c.withPlace,
			method: c.methodLabel,
			givenAt: c.givenAt.toISOString(),
			status: c.statusLabel,
			withdrawnAt: c.withdrawnAt?.toISOString() ?? null
		})),
		assessments: assessmentRows.map((a) => {
			const r = a.result as { profile?: Record<string, string | null>; services?: string[] };
			return {
				date: a.createdAt.toISOString(),
				version: a.version,
				levels: Object.fromEntries(Object.entries(r.profile ?? {}).filter(([, v]) => v)) as Record<string, string>,
				needs: r.services ?? []
			};
		}),
		referrals: referralRows.map(({ r, place }) => ({
			sentAt: r.sentAt.toISOString(),
			place,
			status: STATUS_LABELS[r.status as keyof typeof STATUS_LABELS] ?? r.status,
			appointmentAt: r.appointmentAt?.toISOString() ?? null,
			reason: r.reason
		})),
		accompaniments: accRows.map(({ a, place }) => ({ date: a.date, place, themes: a.themes, durationMinutes: a.durationMinutes })),
		journal: journalRows.map((j) => ({
			at: j.at.toISOString(),
			action: AUDIT_LABELS[j.action] ?? j.action,
			organisation:
				j.actorKind === 'person'
					? 'Vous'
					: j.actorKind === 'system'
						? 'Traitement automatique'
						: j.actorKind === 'link'
							? 'Le lieu, par son lien'
							: (j.actorId && orgOf.get(j.actorId)) || null
		}))
	};
	await journal(database.db, {
		actor: userActor(actor),
		action: 'beneficiary.exported',
		targetType: 'beneficiary',
		targetId: id,
		departmentCode: b.departmentCode,
		ip
	});
	return data;
}

export type RecordExportData = Awaited<ReturnType<typeof exportRecord>>;

/** The name of the professional, for pages that show who did what. */
export async function userNames(db: DbOrTx, ids: string[]): Promise<Map<string, string>> {
	if (!ids.length) return new Map();
	const rows = await db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, ids));
	return new Map(rows.map((r) => [r.id, r.name]));
}

// ——— assessment with the person ———

/** Records an assessment made by a professional with the person (the questionnaire of assessment/). */
export async function recordAssessment(database: Database, actor: Actor, beneficiaryId: string, raw: Record<string, unknown>, ip?: string | null) {
	const { checkAnswers, assess } = await import('../assessment/service.ts');
	const b = await loadBeneficiary(database.db, actor, beneficiaryId, 'write');
	if (b.anonymisedAt) throw new CareError('conflict', 'Ce dossier a été anonymisé.');
	const checked = checkAnswers(raw);
	if (!checked.ok) throw new CareError('invalid', 'Répondez à chaque question.', checked.errors);
	const result = assess(checked.answers);
	const membership = actor.memberships.find((m) => m.organisationId === b.organisationId);
	return database.db.transaction(async (tx) => {
		const [row] = await tx
			.insert(assessments)
			.values({
				beneficiaryId,
				organisationId: membership?.organisationId ?? b.organisationId,
				version: result.version,
				answers: checked.answers,
				result,
				createdBy: actor.userId
			})
			.returning({ id: assessments.id, createdAt: assessments.createdAt });
		await touchBeneficiary(tx, beneficiaryId);
		await journal(tx, {
			actor: userActor(actor),
			action: 'assessment.recorded',
			targetType: 'beneficiary',
			targetId: beneficiaryId,
			departmentCode: b.departmentCode,
			ip,
			details: { assessmentId: row.id, version: result.version }
		});
		return { id: row.id, createdAt: row.createdAt, result };
	});
}

/** The assessments of a record, newest first (for its holders). */
export async function assessmentsOf(database: Database, actor: Actor, beneficiaryId: string) {
	const b = await loadBeneficiary(database.db, actor, beneficiaryId, 'read');
	if (!holdingOrganisations(actor).includes(b.organisationId)) return [];
	const rows = await database.db.select().from(assessments).where(eq(assessments.beneficiaryId, beneficiaryId)).orderBy(desc(assessments.createdAt));
	return rows.map((a) => ({
		id: a.id,
		createdAt: a.createdAt,
		version: a.version,
		answers: a.answers as Record<string, string | string[]>,
		result: a.result as import('../assessment/service.ts').Assessment
	}));
}
