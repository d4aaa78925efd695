/**
 * « Pièce demandée » (issue 15, item 7): a professional who follows the person (who may read
 * their record) asks for a paper; the person gets a message and provides it from Mon espace
 * (a document of their vault, or a new one), or a helper does it with them at the counter.
 * Providing it shares that document with the structure that asked, for SHARE_DAYS.default.
 */
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { can, organisationNames, type Actor } from '../accounts/index.ts';
import { loadBeneficiary, uncheckedRecord } from '../beneficiaries/index.ts';
import { insertGrant } from '../grants/index.ts';
import { queueSms, toGsm7 } from '../sms/index.ts';
import { plainMail, queueMail } from '../mail/index.ts';
import { DomainError } from '../errors.ts';
import { addDays, parisDay, parisMidnight } from '../../time.ts';
import { vaultDocuments, vaultRequests } from './db.ts';
import { auditActor, auditIp, presenceGrant, vaultGrantsOf, type VaultActor } from './access.ts';
import { DOCUMENT_TYPES, SHARE_DAYS, isDocumentType, scopeForDocument, type DocumentType } from './model.ts';

export const REQUEST_NOTE_MAX = 300;

export interface RequestView {
	id: string;
	beneficiaryId: string;
	organisation: string;
	organisationId: string;
	type: DocumentType;
	typeLabel: string;
	note: string | null;
	status: 'open' | 'provided' | 'cancelled';
	documentId: string | null;
	createdAt: Date;
	closedAt: Date | null;
}

type Pro = { actor: Actor; ip?: string | null };

export async function requestDocument(
	database: Database,
	pro: Pro,
	p: { beneficiaryId: string; type: string; note?: string | null; organisationId?: string | null; origin: string; instanceName: string },
	now = new Date()
): Promise<{ id: string }> {
	const b = await loadBeneficiary(database.db, pro.actor, p.beneficiaryId, 'read');
	const organisationId =
		p.organisationId ?? pro.actor.memberships.find((m) => can(pro.actor, 'vault.open_with_person', { organisationId: m.organisationId }))?.organisationId;
	if (!organisationId || !can(pro.actor, 'vault.open_with_person', { organisationId }))
		throw new DomainError('forbidden', 'Votre rôle ne permet pas de demander un document à une personne.');
	const fields: Record<string, string> = {};
	if (!isDocumentType(p.type)) fields.type = 'Choisissez le document demandé dans la liste.';
	const note = (p.note ?? '').replace(/\s+/g, ' ').trim();
	if (note.length > REQUEST_NOTE_MAX) fields.note = `Le message est trop long (${REQUEST_NOTE_MAX} caractères au plus).`;
	if (Object.keys(fields).length) throw new DomainError('invalid', 'La demande n’a pas été envoyée. Corrigez ce qui est indiqué.', { fields });
	const names = await organisationNames(database.db, [organisationId]);
	const org = names.get(organisationId) ?? 'Une structure';
	const label = DOCUMENT_TYPES[p.type as DocumentType].label;
	const text = `${p.instanceName}\u00a0: ${org} vous demande ce document\u00a0: ${label}. Ajoutez-le dans votre coffre\u00a0: ${p.origin}/mon-espace/documents`; // typography: gsm
	return database.db.transaction(async (tx) => {
		const [row] = await tx
			.insert(vaultRequests)
			.values({
				beneficiaryId: b.id,
				departmentCode: b.departmentCode,
				organisationId,
				requestedBy: pro.actor.userId,
				docType: p.type,
				note: note || null,
				createdAt: now
			})
			.returning({ id: vaultRequests.id });
		let sent = false;
		if (b.phone)
			try {
				await queueSms(database, tx, { to: b.phone, text: toGsm7(text), template: 'vault-request' });
				sent = true;
			} catch {
				/* not a mobile number: by e-mail below */
			}
		if (!sent && b.email) await queueMail(database, tx, plainMail(b.email, `${org} vous demande un document`, ['Bonjour,', text], null, 'vault-request'));
		await journal(tx, {
			actor: { kind: 'user', id: pro.actor.userId },
			action: 'vault.document_requested',
			targetType: 'beneficiary',
			targetId: b.id,
			departmentCode: b.departmentCode,
			ip: pro.ip ?? null,
			details: { requestId: row.id, organisationId, type: p.type }
		});
		return { id: row.id };
	});
}

async function views(database: Database, rows: (typeof vaultRequests.$inferSelect)[]): Promise<RequestView[]> {
	const names = await organisationNames(
		database.db,
		rows.map((r) => r.organisationId)
	);
	return rows.map((r) => {
		const type = (isDocumentType(r.docType) ? r.docType : 'autre') as DocumentType;
		return {
			id: r.id,
			beneficiaryId: r.beneficiaryId,
			organisation: names.get(r.organisationId) ?? 'une structure',
			organisationId: r.organisationId,
			type,
			typeLabel: DOCUMENT_TYPES[type].label,
			note: r.note,
			status: r.status as RequestView['status'],
			documentId: r.documentId,
			createdAt: r.createdAt,
			closedAt: r.closedAt
		};
	});
}

/** The person's requests (open first, then the last closed ones). */
export async function personRequests(database: Database, beneficiaryIds: readonly string[]): Promise<RequestView[]> {
	if (!beneficiaryIds.length) return [];
	const rows = await database.db
		.select()
		.from(vaultRequests)
		.where(inArray(vaultRequests.beneficiaryId, [...beneficiaryIds]))
		.orderBy(desc(vaultRequests.createdAt))
		.limit(50);
	return (await views(database, rows)).sort((a, b) => Number(b.status === 'open') - Number(a.status === 'open'));
}

/** The requests of the professional's structures about a person they follow. */
export async function requestsForProfessional(database: Database, pro: Pro, beneficiaryId: string): Promise<RequestView[]> {
	const orgs = pro.actor.memberships.map((m) => m.organisationId);
	if (!orgs.length) return [];
	const rows = await database.db
		.select()
		.from(vaultRequests)
		.where(and(eq(vaultRequests.beneficiaryId, beneficiaryId), inArray(vaultRequests.organisationId, orgs)))
		.orderBy(desc(vaultRequests.createdAt))
		.limit(50);
	return views(database, rows);
}

/**
 * Provides a paper for a request: a document of the person's vault, shared with the
 * structure that asked. By the person, or by the professional who has the vault open with them.
 */
export async function provideRequest(
	database: Database,
	who: VaultActor,
	p: { requestId: string; documentId: string; personAgrees?: boolean },
	now = new Date()
): Promise<void> {
	const uuid = /^[0-9a-f-]{36}$/i;
	const [req] = uuid.test(p.requestId) ? await database.db.select().from(vaultRequests).where(eq(vaultRequests.id, p.requestId)) : [];
	const [doc] = uuid.test(p.documentId) ? await database.db.select().from(vaultDocuments).where(eq(vaultDocuments.id, p.documentId)) : [];
	const gone = new DomainError('not_found', 'Cette demande n’existe pas, ou elle est déjà close.');
	if (!req || req.status !== 'open') throw gone;
	if (who.kind === 'person' && !who.beneficiaryIds.includes(req.beneficiaryId)) throw gone;
	if (who.kind === 'professional' && !presenceGrant(await vaultGrantsOf(database.db, req.beneficiaryId), who.actor, now))
		throw new DomainError('forbidden', 'Ouvrez d’abord le coffre avec la personne\u00a0: elle confirme avec un code.');
	if (!doc || doc.beneficiaryId !== req.beneficiaryId)
		throw new DomainError('invalid', 'Choisissez un document de la liste.', { fields: { document: 'Choisissez un document de la liste.' } });
	// the counter's opening lasts 30 minutes; sharing a paper for 30 days is the person's own decision, said at the counter
	if (who.kind === 'professional' && !p.personAgrees)
		throw new DomainError('invalid', 'Le document n’est pas partagé : cochez la case quand la personne, présente, a dit qu’elle accepte.', {
			fields: { accord: 'Cochez la case quand la personne, présente, a dit qu’elle accepte.' }
		});
	const record = await uncheckedRecord(database.db, req.beneficiaryId);
	const until = addDays(parisDay(now), SHARE_DAYS.default);
	await database.db.transaction(async (tx) => {
		const grantId = await insertGrant(tx, {
			kind: 'document_share',
			beneficiaryId: req.beneficiaryId,
			granteeOrganisationId: req.organisationId,
			scopes: [scopeForDocument(doc.id)],
			purpose: 'Voir le document demandé',
			method: who.kind === 'person' ? 'code' : 'signature',
			status: 'in_force',
			validFrom: now,
			validUntil: parisMidnight(addDays(until, 1)),
			evidence: {
				requestId: req.id,
				from: who.kind === 'person' ? 'mon-espace' : 'presence',
				...(who.kind === 'professional' ? { personAgreedAtCounter: true } : {})
			},
			recordedBy: who.kind === 'professional' ? who.actor.userId : null,
			recordedByOrganisationId: req.organisationId
		});
		await tx
			.update(vaultRequests)
			.set({ status: 'provided', documentId: doc.id, grantId, closedAt: now })
			.where(and(eq(vaultRequests.id, req.id), eq(vaultRequests.status, 'open')));
		await journal(tx, {
			actor: auditActor(who),
			action: 'vault.request_provided',
			targetType: 'beneficiary',
			targetId: req.beneficiaryId,
			departmentCode: record?.departmentCode,
			ip: auditIp(who),
			details: { requestId: req.id, documentId: doc.id, grantId, organisationId: req.organisationId }
		});
	});
}

/** The structure that asked withdraws its request. */
export async function cancelRequest(database: Database, pro: Pro, requestId: string, now = new Date()): Promise<void> {
	const [req] = /^[0-9a-f-]{36}$/i.test(requestId) ? await database.db.select().from(vaultRequests).where(eq(vaultRequests.id, requestId)) : [];
	if (!req || !pro.actor.memberships.some((m) => m.organisationId === req.organisationId)) throw new DomainError('not_found', 'Cette demande n’existe pas.');
	if (req.status !== 'open') return;
	await database.db.transaction(async (tx) => {
		await tx.update(vaultRequests).set({ status: 'cancelled', closedAt: now }).where(eq(vaultRequests.id, req.id));
		await journal(tx, {
			actor: { kind: 'user', id: pro.actor.userId },
			action: 'vault.request_cancelled',
			targetType: 'beneficiary',
			targetId: req.beneficiaryId,
			departmentCode: req.departmentCode,
			ip: pro.ip ?? null,
			details: { requestId: req.id }
		});
	});
}
