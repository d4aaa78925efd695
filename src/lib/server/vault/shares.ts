/**
 * The person shares documents (issue 15, item 4.4): one document or a whole category, with a
 * structure, until a date (30 days by default, a year at most), revocable at once. A share
 * is a grant of kind 'document_share' (decision 0014): the same rule and the same policies
 * read it; it opens those documents only, never the person's record.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Database, Tx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { grantInForce, grantsOfKinds, insertGrant, revokeGrant, grantById, type Grant } from '../grants/index.ts';
import { organisationNames } from '../accounts/index.ts';
import { placeCards } from '../places/index.ts';
import { uncheckedRecord } from '../beneficiaries/index.ts';
import { DomainError } from '../errors.ts';
import { addDays, parisDay, parisMidnight } from '../../time.ts';
import { vaultDocuments } from './db.ts';
import { auditIp, referralOfGrant, type VaultActor } from './access.ts';
import { CATEGORIES, SHARE_DAYS, VAULT_GRANT_KINDS, isCategory, scopeForCategory, scopeForDocument, type Category } from './model.ts';

type Person = Extract<VaultActor, { kind: 'person' }>;

export interface ShareInput {
	/** one document, or */
	documentId?: string | null;
	/** a whole category */
	category?: string | null;
	organisationId: string;
	/** last day of the share, 'YYYY-MM-DD' (Paris): it ends at the end of that day */
	until?: string | null;
}

export interface ShareView {
	id: string;
	kind: 'document_share' | 'vault_presence';
	to: string;
	what: string;
	documentId: string | null;
	category: Category | null;
	since: Date;
	until: Date | null;
	inForce: boolean;
	revokedAt: Date | null;
}

/** The structures the person may share with: those that hold one of their records, or to which they gave a consent or a share. */
export async function shareTargets(database: Database, beneficiaryIds: readonly string[]): Promise<{ id: string; name: string }[]> {
	const ids = new Set<string>();
	for (const b of beneficiaryIds) {
		const r = await uncheckedRecord(database.db, b);
		if (r?.organisationId) ids.add(r.organisationId);
	}
	for (const g of await grantsOfKinds(database.db, beneficiaryIds, ['consent', 'document_share']))
		if (g.granteeOrganisationId) ids.add(g.granteeOrganisationId);
	const names = await organisationNames(database.db, [...ids]);
	return [...names].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name, 'fr'));
}

export async function shareDocuments(database: Database, who: Person, input: ShareInput, now = new Date()): Promise<{ id: string }> {
	const fields: Record<string, string> = {};
	const targets = await shareTargets(database, who.beneficiaryIds);
	const target = targets.find((t) => t.id === input.organisationId);
	if (!target) fields.organisationId = 'Choisissez la structure dans la liste.';
	const today = parisDay(now);
	const last = input.until || addDays(today, SHARE_DAYS.default);
	const max = addDays(today, SHARE_DAYS.max);
	if (!/^\d{4}-\d{2}-\d{2}$/.test(last) || Number.isNaN(Date.parse(`${last}T00:00:00Z`))) fields.until = 'Écrivez la date de fin au format jj/mm/aaaa.';
	else if (last < today) fields.until = 'Cette date est déjà passée\u00a0: choisissez aujourd’hui ou plus tard.';
	else if (last > max) fields.until = `Un partage dure un an au plus\u00a0: choisissez une date avant le ${max.split('-').reverse().join('/')}.`;
	let scope: string | null = null;
	let beneficiaryId: string | null = null;
	let category: string | null = null;
	if (input.documentId) {
		const [d] = /^[0-9a-f-]{36}$/i.test(input.documentId) ? await database.db.select().from(vaultDocuments).where(eq(vaultDocuments.id, input.documentId)) : [];
		if (!d || !who.beneficiaryIds.includes(d.beneficiaryId)) throw new DomainError('not_found', 'Ce document n’existe pas, ou vous n’y avez pas accès.');
		scope = scopeForDocument(d.id);
		beneficiaryId = d.beneficiaryId;
		category = d.category;
	} else if (isCategory(input.category)) {
		scope = scopeForCategory(input.category);
		category = input.category;
		const [d] = await database.db
			.select({ b: vaultDocuments.beneficiaryId })
			.from(vaultDocuments)
			.where(and(inArray(vaultDocuments.beneficiaryId, [...who.beneficiaryIds]), eq(vaultDocuments.category, input.category)))
			.limit(1);
		beneficiaryId = d?.b ?? who.beneficiaryIds[0] ?? null;
	} else fields.category = 'Choisissez ce que vous partagez\u00a0: un document, ou une catégorie.';
	if (Object.keys(fields).length || !scope || !beneficiaryId)
		throw new DomainError('invalid', 'Le partage n’a pas été fait. Corrigez ce qui est indiqué.', { fields });
	const record = await uncheckedRecord(database.db, beneficiaryId);
	if (!record) throw new DomainError('not_found', 'Reconnectez-vous pour continuer.');
	const validUntil = parisMidnight(addDays(last, 1));
	return database.db.transaction(async (tx) => {
		const id = await insertGrant(tx, {
			kind: 'document_share',
			beneficiaryId: beneficiaryId!,
			granteeOrganisationId: target!.id,
			scopes: [scope!],
			purpose: input.documentId ? 'Voir ce document' : `Voir les documents « ${CATEGORIES[category as Category]} »`,
			method: 'code',
			status: 'in_force',
			validFrom: now,
			validUntil,
			evidence: { from: 'mon-espace' },
			recordedBy: null,
			recordedByOrganisationId: target!.id
		});
		await journal(tx, {
			actor: { kind: 'person' },
			action: 'vault.shared',
			targetType: 'beneficiary',
			targetId: beneficiaryId!,
			departmentCode: record.departmentCode,
			ip: auditIp(who),
			details: { grantId: id, organisationId: target!.id, scope, until: last }
		});
		return { id };
	});
}

/** The person ends a share (or closes the vault a professional opened with them): at once. */
export async function revokeShare(database: Database, who: Person, grantId: string, now = new Date()): Promise<void> {
	await database.db.transaction(async (tx) => {
		const g = /^[0-9a-f-]{36}$/i.test(grantId) ? await grantById(tx, grantId, true) : null;
		if (!g || !who.beneficiaryIds.includes(g.beneficiaryId) || !(VAULT_GRANT_KINDS as readonly string[]).includes(g.kind))
			throw new DomainError('not_found', 'Ce partage n’existe pas, ou il est déjà terminé.');
		if (g.revokedAt) return;
		await revokeGrant(tx, g.id, { by: 'person' }, now);
		const record = await uncheckedRecord(tx, g.beneficiaryId);
		await journal(tx, {
			actor: { kind: 'person' },
			action: 'vault.share_revoked',
			targetType: 'beneficiary',
			targetId: g.beneficiaryId,
			departmentCode: record?.departmentCode,
			ip: auditIp(who),
			details: { grantId: g.id, kind: g.kind }
		});
	});
}

/** A deleted document's own shares end with it (in the caller's transaction). */
export async function revokeDocumentShares(tx: Tx, beneficiaryId: string, documentId: string, now: Date): Promise<void> {
	const scope = scopeForDocument(documentId);
	for (const g of await grantsOfKinds(tx, [beneficiaryId], ['document_share']))
		if (!g.revokedAt && g.scopes.length === 1 && g.scopes[0] === scope) await revokeGrant(tx, g.id, { by: 'system' }, now);
}

/** Every share and presence of the person, newest first, in force or not (the last 50). */
export async function personShares(database: Database, beneficiaryIds: readonly string[], now = new Date()): Promise<ShareView[]> {
	const list = (await grantsOfKinds(database.db, beneficiaryIds, VAULT_GRANT_KINDS)).slice(0, 50);
	const names = await organisationNames(
		database.db,
		list.flatMap((g) => [g.granteeOrganisationId, g.recordedByOrganisationId])
	);
	// a place without an account, reading the documents joined to a referral through its link
	const placeIds = [...new Set(list.flatMap((g) => (g.granteePlaceId && !g.granteeOrganisationId ? [g.granteePlaceId] : [])))];
	const places = placeIds.length ? await placeCards(database.db, placeIds) : new Map<string, { nom: string }>();
	for (const [id, p] of places) names.set(`place:${id}`, p.nom);
	return list.map((g) => shareView(g, names, now));
}

function shareView(g: Grant, names: Map<string, string>, now: Date): ShareView {
	const forReferral = referralOfGrant(g) !== null;
	const scope = g.scopes[0] ?? '';
	const documentId = scope.startsWith('document:') ? scope.slice(9) : null;
	const category = scope.startsWith('category:') && isCategory(scope.slice(9)) ? (scope.slice(9) as Category) : null;
	const org =
		(g.granteeOrganisationId ? names.get(g.granteeOrganisationId) : g.granteePlaceId ? names.get(`place:${g.granteePlaceId}`) : undefined) ??
		names.get(g.recordedByOrganisationId) ??
		'une structure';
	return {
		id: g.id,
		kind: g.kind as ShareView['kind'],
		to: g.kind === 'vault_presence' ? `Un professionnel de ${org}, avec vous` : org,
		what:
			g.kind === 'vault_presence'
				? 'Tout votre coffre, le temps du rendez-vous'
				: category
					? `Les documents « ${CATEGORIES[category]} »`
					: forReferral
						? 'Un document, pour votre orientation vers ce lieu'
						: 'Un document',
		documentId,
		category,
		since: g.validFrom,
		until: g.validUntil,
		inForce: grantInForce(g, now),
		revokedAt: g.revokedAt
	};
}
