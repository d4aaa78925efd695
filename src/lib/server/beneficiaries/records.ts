/**
 * Records of the people helped: create (with duplicate detection), edit, list, and read
 * within the holding organisation or through a consent (what another structure sees is
 * what the consents cover). Every write is journaled; journal details never hold the
 * person's data (only which fields changed).
 */
import { and, desc, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import { journal, changedFields } from '../audit/index.ts';
import { can, fieldErrors, organisationNames, type Actor } from '../accounts/index.ts';
import { municipalityLookup, resolveWhere } from '../territory/index.ts';
import { beneficiaries } from './db.ts';
import { scopesGrantedTo, scopesGrantedToEach } from '../grants/index.ts';
import { CareError, holdingOrganisations, loadBeneficiary, receivingOrganisations, userActor, visibleTo } from './access.ts';
import { consentsOf } from './consents.ts';
import {
	beneficiaryInput,
	duplicateScore,
	nameKeyOf,
	CONSENT_SCOPES,
	ACCESSIBILITY_NEEDS,
	LANGUAGES,
	contactLabel,
	DUPLICATE_THRESHOLD,
	fullName,
	normalizeName,
	scopedPerson,
	type ConsentScope
} from './model.ts';

async function resolveCommune(database: Database, text: string | null, departmentCodes: string[]): Promise<{ code: string | null; name: string | null }> {
	if (!text) return { code: null, name: null };
	const r = await resolveWhere(database, text, { departmentCodes });
	if (r.status === 'found' && r.point.inseeCode) {
		const m = (await municipalityLookup(database)).byInsee(r.point.inseeCode);
		return { code: r.point.inseeCode, name: m?.name ?? r.point.label };
	}
	if (r.status === 'ambiguous')
		throw new CareError('invalid', 'Vérifiez la commune.', {
			// examples the search reads back (the candidates' own labels), not a made-up postcode
			commune: `Plusieurs communes s’appellent « ${text} »\u00a0: précisez laquelle, par exemple ${r.candidates
				.slice(0, 3)
				.map((c) => `« ${c.label} »`)
				.join(' ou ')}.`
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
	const records = await database.db
		.select()
		.from(beneficiaries)
		.where(and(visibleTo(actor), q ? sql`${beneficiaries.nameKey} like ${'%' + q.replace(/[%_]/g, '') + '%'}` : undefined))
		.orderBy(desc(beneficiaries.updatedAt))
		.limit(opts.limit ?? 100);
	const names = await organisationNames(
		database.db,
		records.map((b) => b.organisationId)
	);
	// a record another structure opened to the actor shows what its grants cover, as its page does (the birth year is in no scope)
	const others = records.filter((b) => !own.has(b.organisationId)).map((b) => b.id);
	const granted = await scopesGrantedToEach(database.db, others, receivingOrganisations(actor), actor.userId);
	return records.map((b) => {
		const shown = own.has(b.organisationId) ? null : scopedPerson(b, [...(granted.get(b.id) ?? [])]);
		return {
			id: b.id,
			name: shown ? shown.fullName : fullName(b),
			communeName: shown ? shown.communeName : b.communeName,
			birthYear: shown ? null : b.birthYear,
			organisationName: names.get(b.organisationId) ?? '',
			held: own.has(b.organisationId),
			updatedAt: b.updatedAt,
			anonymised: !!b.anonymisedAt
		};
	});
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
	const holder = { name: (await organisationNames(database.db, [b.organisationId])).get(b.organisationId) };
	const allConsents = await consentsOf(database.db, id);
	// what the consents given to the actor's organisations cover
	const scope = held ? new Set<string>(Object.keys(CONSENT_SCOPES)) : await scopesGrantedTo(database.db, id, receivingOrganisations(actor), actor.userId);
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
