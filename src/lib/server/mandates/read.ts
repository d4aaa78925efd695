/**
 * What the pages show of mandates: the structure's view of a person's mandates and of one
 * mandate (to confirm it, end a theme, record a procedure, print the attestation), the
 * person's own list (Mon espace: who, which themes, until when, how signed, every use), and
 * the public check of an attestation (/mandat/<token>: valid until when, or not, nothing else).
 */
import { and, desc, eq, inArray, ne } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import { organisationsWhere, organisationNames, type Actor } from '../accounts/index.ts';
import { HELPERS } from '../permissions/index.ts';
import { fullName, loadBeneficiary, uncheckedRecord } from '../beneficiaries/index.ts';
import { grantInForce, grantsOfMandates, type Grant } from '../grants/index.ts';
import { mandates, mandateUses, type Mandate, type MandateUse } from './db.ts';
import {
	MANDATE_DURATIONS,
	VAULT_CATEGORY_LABELS,
	vaultCategoriesOf,
	MANDATE_METHODS,
	MANDATE_THEMES,
	REPRESENTATIVE_KINDS,
	USE_KINDS,
	isTheme,
	mandateEnd,
	personSummary,
	themeOfScopes,
	type MandateContent,
	type MandateDuration
} from './model.ts';
import { codeChannels } from './sign.ts';
import { mandateFor, tokenHash, verificationToken } from './common.ts';

export type MandateState = 'prepared' | 'cancelled' | 'in_force' | 'revoked' | 'expired';
export const STATE_LABELS: Record<MandateState, string> = {
	prepared: 'À confirmer par la personne',
	cancelled: 'Abandonné',
	in_force: 'En cours',
	revoked: 'Arrêté',
	expired: 'Terminé'
};

export interface ThemeView {
	key: string;
	label: string;
	inForce: boolean;
	/** when this theme was withdrawn (before the end) */
	revokedAt: Date | null;
	revokedBy: string | null;
}

export interface UseView {
	id: string;
	at: Date;
	theme: string;
	kind: string;
	label: string;
	structure: string;
}

export interface MandateView {
	id: string;
	beneficiaryId: string;
	organisationId: string;
	structure: string;
	state: MandateState;
	stateLabel: string;
	duration: string;
	durationLabel: string;
	method: string | null;
	methodLabel: string | null;
	validFrom: Date | null;
	validUntil: Date | null;
	signedAt: Date | null;
	createdAt: Date;
	representative: { kind: string; label: string; name: string } | null;
	/** the vault's categories the person opened to the structure with this mandate (empty: none) */
	vaultCategories: string[];
	themes: ThemeView[];
	uses: UseView[];
	digest: string | null;
}

function stateOf(m: Mandate, grants: readonly Grant[], now: Date): MandateState {
	if (m.status === 'prepared' || m.status === 'cancelled') return m.status;
	if (grants.some((g) => grantInForce(g, now))) return 'in_force';
	return m.validUntil && m.validUntil <= now && !m.revokedAt ? 'expired' : 'revoked';
}

async function views(db: DbOrTx, rows: readonly Mandate[], now: Date): Promise<MandateView[]> {
	const ids = rows.map((m) => m.id);
	const [grants, uses, names] = await Promise.all([
		grantsOfMandates(db, ids),
		ids.length ? db.select().from(mandateUses).where(inArray(mandateUses.mandateId, ids)).orderBy(desc(mandateUses.at)) : Promise.resolve([] as MandateUse[]),
		organisationNames(
			db,
			rows.map((m) => m.organisationId)
		)
	]);
	return rows.map((m) => {
		const own = grants.filter((g) => g.mandateId === m.id);
		const state = stateOf(m, own, now);
		const structure = names.get(m.organisationId) ?? '';
		return {
			id: m.id,
			beneficiaryId: m.beneficiaryId,
			organisationId: m.organisationId,
			structure,
			state,
			stateLabel: STATE_LABELS[state],
			duration: m.duration,
			durationLabel: MANDATE_DURATIONS[m.duration as MandateDuration] ?? m.duration,
			method: m.method,
			methodLabel: m.method ? (MANDATE_METHODS[m.method as keyof typeof MANDATE_METHODS] ?? m.method) : null,
			validFrom: m.validFrom,
			validUntil: m.validUntil,
			signedAt: m.signedAt,
			createdAt: m.createdAt,
			representative: m.representativeKind
				? {
						kind: m.representativeKind,
						label: REPRESENTATIVE_KINDS[m.representativeKind as keyof typeof REPRESENTATIVE_KINDS] ?? m.representativeKind,
						name: m.representativeName ?? ''
					}
				: null,
			vaultCategories: m.vaultAccess ? vaultCategoriesOf(m.themes).map((c) => VAULT_CATEGORY_LABELS[c] ?? c) : [],
			themes: m.themes.filter(isTheme).map((key) => {
				const g = own.find((x) => themeOfScopes(x.scopes) === key);
				return {
					key,
					label: MANDATE_THEMES[key],
					inForce: !!g && grantInForce(g, now),
					revokedAt: g?.revokedAt ?? null,
					revokedBy: g?.revokedBy ?? null
				};
			}),
			uses: uses
				.filter((u) => u.mandateId === m.id)
				.map((u) => ({
					id: u.id,
					at: u.at,
					theme: isTheme(u.theme) ? MANDATE_THEMES[u.theme] : u.theme,
					kind: USE_KINDS[u.kind as keyof typeof USE_KINDS] ?? u.kind,
					label: u.label,
					structure
				})),
			digest: m.digest
		};
	});
}

/** The mandates of a person held by the actor's structures (the record's page), newest first; the structures the actor may prepare one for. */
export async function mandatesOfRecord(database: Database, actor: Actor, beneficiaryId: string, now = new Date()) {
	const b = await loadBeneficiary(database.db, actor, beneficiaryId, 'read');
	const orgs = [...organisationsWhere(actor, HELPERS)];
	const rows = orgs.length
		? await database.db
				.select()
				.from(mandates)
				.where(and(eq(mandates.beneficiaryId, b.id), inArray(mandates.organisationId, orgs), ne(mandates.status, 'cancelled')))
				.orderBy(desc(mandates.createdAt))
		: [];
	const names = await organisationNames(database.db, orgs);
	return {
		person: { id: b.id, name: fullName(b), anonymised: !!b.anonymisedAt },
		structures: orgs.map((id) => ({ id, name: names.get(id) ?? '' })).sort((a, c) => a.name.localeCompare(c.name, 'fr')),
		mandates: await views(database.db, rows, now)
	};
}

/** One mandate for a helper of its structure: its view, the summary the person reads before confirming, where a code can go. */
export async function mandateDetail(database: Database, actor: Actor, mandateId: string, now = new Date()) {
	const m = await mandateFor(database.db, actor, mandateId);
	const [view] = await views(database.db, [m], now);
	const b = await uncheckedRecord(database.db, m.beneficiaryId);
	const person = b ? fullName(b) : 'La personne';
	// a prepared mandate would end this long after a confirmation now
	const until = m.validUntil ?? mandateEnd(m.duration as MandateDuration, now);
	return {
		mandate: view,
		person,
		summary: personSummary({
			structure: view.structure,
			person,
			themes: m.themes,
			duration: m.duration,
			until,
			representative: m.representativeKind ? { kind: m.representativeKind, name: m.representativeName ?? '' } : null
		}),
		codeChannels: m.status === 'prepared' && b ? codeChannels(m, b) : [],
		codeSent: m.status === 'prepared' && !!m.codeHash ? m.codeChannel : null
	};
}

/** The person's own mandates (Mon espace): every one signed, in force first. */
export async function personMandates(db: DbOrTx, beneficiaryIds: readonly string[], now = new Date()): Promise<MandateView[]> {
	if (!beneficiaryIds.length) return [];
	const rows = await db
		.select()
		.from(mandates)
		.where(and(inArray(mandates.beneficiaryId, [...beneficiaryIds]), eq(mandates.status, 'signed')))
		.orderBy(desc(mandates.signedAt));
	const all = await views(db, rows, now);
	return [...all.filter((v) => v.state === 'in_force'), ...all.filter((v) => v.state !== 'in_force')];
}

/** The public check of an attestation: valid (until when) or not. Unknown, revoked and ended tokens answer the same. */
export async function checkAttestation(
	db: DbOrTx,
	token: string,
	now = new Date()
): Promise<{ valid: true; until: Date; duration: string } | { valid: false }> {
	if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { valid: false };
	const [m] = await db
		.select()
		.from(mandates)
		.where(eq(mandates.tokenHash, tokenHash(token)));
	if (!m || m.status !== 'signed' || !m.validUntil) return { valid: false };
	const live = (await grantsOfMandates(db, [m.id])).some((g) => grantInForce(g, now));
	return live ? { valid: true, until: m.validUntil, duration: m.duration } : { valid: false };
}

/** What the attestation prints: the signed content, its digest, the link of its QR code. */
export async function attestationData(database: Database, actor: Actor, mandateId: string, origin: string) {
	const m = await mandateFor(database.db, actor, mandateId);
	if (m.status !== 'signed' || !m.content || !m.digest) return null;
	const token = verificationToken(m);
	return {
		content: m.content as MandateContent,
		digest: m.digest,
		link: `${origin}/mandat/${token}`,
		departmentCode: m.departmentCode,
		beneficiaryId: m.beneficiaryId
	};
}
