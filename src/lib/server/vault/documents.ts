/**
 * The documents of a person's vault (issue 15, items 3 and 4): deposit, list, open (read or
 * download, streamed, its digest checked), delete. Every operation is journaled on the
 * person's record, so that the person reads it in Mon espace (criterion 2 of L.103).
 */
import { createHash, randomUUID } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { uncheckedRecord } from '../beneficiaries/index.ts';
import { organisationNames } from '../accounts/index.ts';
import { DomainError } from '../errors.ts';
import { parisDay } from '../../time.ts';
import { vaultDocuments, type VaultDocumentRow } from './db.ts';
import { blobAad, blobName, documentKey, keyById, newDocumentKey, openMeta, personKey, sealMeta, thumbAad } from './keys.ts';
import { vaultRuntime } from './runtime.ts';
import { encryptStream, decryptStream } from './store/cipher.ts';
import { prepareDocument } from './files/prepare.ts';
import { QUOTA_BYTES_PER_PERSON } from './files/limits.ts';
import { revokeDocumentShares } from './shares.ts';
import { recordVaultUse } from './mandate-uses.ts';
import type { Grant } from '../grants/index.ts';
import {
	auditActor,
	auditIp,
	grantFor,
	journalRefusal,
	linkGrantFor,
	mandateGrantFor,
	NOT_FOUND,
	presenceGrant,
	referralOfGrant,
	vaultGrantsOf,
	type PlaceLinkReader,
	type VaultActor
} from './access.ts';
import {
	CATEGORIES,
	DOCUMENT_TYPES,
	ORIGINS,
	TITLE_MAX,
	categoryOf,
	isCategory,
	isDocumentType,
	titleOf,
	type Category,
	type DocumentType,
	type Origin
} from './model.ts';

export interface DepositInput {
	/** the person's record (a professional names it; the person's own vault otherwise) */
	beneficiaryId?: string;
	type: string;
	category?: string | null;
	title?: string | null;
	/** the paper's end of validity, 'YYYY-MM-DD' */
	expiresOn?: string | null;
	/** a professional at the counter: the person wants them reminded too before the paper's end (the person can change it in Mon espace) */
	remindMe?: boolean;
	parts: Buffer[];
}

export interface DocumentView {
	id: string;
	beneficiaryId: string;
	title: string;
	type: DocumentType;
	typeLabel: string;
	category: Category;
	categoryLabel: string;
	mime: string;
	bytes: number;
	pages: number;
	sha256: string;
	origin: Origin;
	originLabel: string;
	depositedBy: string | null;
	createdAt: Date;
	expiresOn: string | null;
	/** the professional the person chose to be reminded too before the paper's end */
	remindUserId: string | null;
	hasThumbnail: boolean;
	integrityFailed: boolean;
}

/** The record the person's own deposits go to: the one that already has documents, else the first of their session. */
async function homeRecord(db: DbOrTx, ids: readonly string[]): Promise<string> {
	if (!ids.length) throw new DomainError('unauthenticated', 'Reconnectez-vous pour continuer.');
	const [row] = await db
		.select({ id: vaultDocuments.beneficiaryId })
		.from(vaultDocuments)
		.where(inArray(vaultDocuments.beneficiaryId, [...ids]))
		.orderBy(asc(vaultDocuments.createdAt))
		.limit(1);
	return row?.id ?? ids[0];
}

function validate(input: DepositInput, today: string): { type: DocumentType; category: Category; title: string; expiresOn: string | null } {
	const fields: Record<string, string> = {};
	if (!isDocumentType(input.type)) fields.type = 'Choisissez le type de document dans la liste.';
	const chosen = input.category ? (isCategory(input.category) ? input.category : null) : null;
	if (input.category && !chosen) fields.category = 'Choisissez une catégorie dans la liste.';
	const title = (input.title ?? '').replace(/\s+/g, ' ').trim();
	if (title.length > TITLE_MAX) fields.title = `Le nom est trop long (${TITLE_MAX} caractères au plus).`;
	let expiresOn: string | null = null;
	if (input.expiresOn) {
		if (!/^\d{4}-\d{2}-\d{2}$/.test(input.expiresOn) || Number.isNaN(Date.parse(`${input.expiresOn}T00:00:00Z`)))
			fields.expiresOn = 'Écrivez la date de fin de validité au format jj/mm/aaaa.';
		else if (input.expiresOn < today)
			fields.expiresOn = 'Cette date est déjà passée\u00a0: ce papier n’est plus valable. Laissez vide si vous voulez le garder quand même.';
		else if (input.expiresOn > '2100-12-31') fields.expiresOn = 'Cette date est trop loin\u00a0: vérifiez l’année.';
		else expiresOn = input.expiresOn;
	}
	if (!input.parts.length) fields.file = 'Ajoutez une photo ou un fichier PDF.';
	if (Object.keys(fields).length) throw new DomainError('invalid', 'Le document n’a pas été ajouté. Corrigez ce qui est indiqué.', { fields });
	const type = input.type as DocumentType;
	return { type, category: categoryOf(type, chosen), title: titleOf(title, type), expiresOn };
}

async function usedBytes(db: DbOrTx, beneficiaryId: string): Promise<number> {
	const [r] = await db
		.select({ n: sql<string>`coalesce(sum(${vaultDocuments.bytes}), 0)` })
		.from(vaultDocuments)
		.where(eq(vaultDocuments.beneficiaryId, beneficiaryId));
	return Number(r?.n ?? 0);
}

const put = async (name: string, key: Buffer, aad: string, bytes: Buffer) => {
	await vaultRuntime().blobs.put(name, Readable.from([bytes]).pipe(encryptStream(key, aad)));
};

/**
 * Puts a document in the vault: the person in their session, or a professional while the
 * person is present (a grant naming them). The bytes are checked by content, photos
 * re-encoded without their metadata, several photos made one PDF (files/), then encrypted
 * with a key of their own and stored; the row and the journal entry commit together, and
 * the stored blobs are removed when they don't.
 */
export async function depositDocument(database: Database, who: VaultActor, input: DepositInput, now = new Date()): Promise<{ id: string }> {
	const v = validate(input, parisDay(now));
	const db = database.db;
	let beneficiaryId: string;
	let depositor: { origin: Origin; userId: string | null; organisationId: string | null; grantId: string | null };
	let depositGrant: Grant | null = null;
	if (who.kind === 'person') {
		beneficiaryId = input.beneficiaryId && who.beneficiaryIds.includes(input.beneficiaryId) ? input.beneficiaryId : await homeRecord(db, who.beneficiaryIds);
		depositor = { origin: 'person', userId: null, organisationId: null, grantId: null };
	} else {
		if (!input.beneficiaryId) throw new DomainError('not_found', NOT_FOUND);
		beneficiaryId = input.beneficiaryId;
		const list = await vaultGrantsOf(db, beneficiaryId);
		// the person present at the counter, or a mandate they opened their vault to, for this category
		const g = presenceGrant(list, who.actor, now) ?? mandateGrantFor(list, who.actor, v.category, now);
		if (!g)
			throw new DomainError(
				'forbidden',
				'Pour déposer un document dans le coffre de la personne, ouvrez-le d’abord avec elle\u00a0: elle confirme avec un code.'
			);
		depositGrant = g;
		depositor = { origin: 'professional', userId: who.actor.userId, organisationId: g.granteeOrganisationId ?? g.recordedByOrganisationId, grantId: g.id };
	}
	const record = await uncheckedRecord(database.privileged.db, beneficiaryId);
	if (!record || record.anonymisedAt || record.mergedInto) throw new DomainError('not_found', NOT_FOUND);
	const prepared = await prepareDocument(input.parts);
	const full = () =>
		new DomainError(
			'payload_too_large',
			`Le coffre est plein (${Math.round(QUOTA_BYTES_PER_PERSON / 1024 / 1024)} Mo au plus). Supprimez des documents dont vous n’avez plus besoin, puis réessayez.`
		);
	// a first answer before encrypting and storing anything; checked again under the person's lock below
	if ((await usedBytes(database.privileged.db, beneficiaryId)) + prepared.bytes.length > QUOTA_BYTES_PER_PERSON) throw full();
	const person = (await personKey(database, vaultRuntime().keys, beneficiaryId, true))!;
	const id = randomUUID();
	const { key, wrapped } = newDocumentKey(person.key, id);
	person.key.fill(0);
	const blob = blobName();
	const thumbBlob = blobName();
	const sha256 = createHash('sha256').update(prepared.bytes).digest('hex');
	try {
		await put(blob, key, blobAad(id), prepared.bytes);
		await put(thumbBlob, key, thumbAad(id), prepared.thumbnail);
		await db.transaction(async (tx) => {
			// two deposits at once for one person: the second waits for the first to commit, then counts it
			await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`vault-quota:${beneficiaryId}`}))`);
			// every document of the person counts, whatever this reader may see: the owner's handle (another
			// connection on a server, which reads what is committed; this very transaction when it is the owner's)
			const used = await usedBytes(database.privileged === database ? tx : database.privileged.db, beneficiaryId);
			if (used + prepared.bytes.length > QUOTA_BYTES_PER_PERSON) throw full();
			await tx.insert(vaultDocuments).values({
				id,
				beneficiaryId,
				departmentCode: record.departmentCode,
				category: v.category,
				sealedMeta: sealMeta(key, id, { title: v.title, type: v.type }),
				mime: prepared.type,
				bytes: prepared.bytes.length,
				pages: prepared.pages,
				sha256,
				keyId: person.id,
				wrappedKey: wrapped,
				blob,
				thumbBlob,
				origin: depositor.origin,
				depositedByUserId: depositor.userId,
				depositedByOrganisationId: depositor.organisationId,
				depositedUnderGrantId: depositor.grantId,
				expiresOn: v.expiresOn,
				// the professional who scanned a paper with the person, when the person asked them to be reminded too
				remindUserId: depositor.origin === 'professional' && input.remindMe ? depositor.userId : null,
				createdAt: now
			});
			await journal(tx, {
				actor: auditActor(who),
				action: 'vault.document_added',
				targetType: 'beneficiary',
				targetId: beneficiaryId,
				departmentCode: record.departmentCode,
				ip: auditIp(who),
				details: { documentId: id, category: v.category, origin: depositor.origin, bytes: prepared.bytes.length, pages: prepared.pages, sha256 }
			});
			if (who.kind === 'professional')
				await recordVaultUse(
					tx,
					who.actor,
					depositGrant,
					{ beneficiaryId, departmentCode: record.departmentCode, label: 'Document ajouté au coffre' },
					who.ip,
					now
				);
		});
	} catch (e) {
		const blobs = vaultRuntime().blobs;
		await Promise.allSettled([blobs.delete(blob), blobs.delete(thumbBlob)]);
		throw e;
	} finally {
		key.fill(0);
	}
	return { id };
}

function view(row: VaultDocumentRow, key: Buffer, names: Map<string, string>): DocumentView {
	const meta = openMeta(key, row.id, row.sealedMeta);
	const type = (isDocumentType(meta.type) ? meta.type : 'autre') as DocumentType;
	const category = (isCategory(row.category) ? row.category : 'autre') as Category;
	const origin = row.origin as Origin;
	return {
		id: row.id,
		beneficiaryId: row.beneficiaryId,
		title: meta.title,
		type,
		typeLabel: DOCUMENT_TYPES[type].label,
		category,
		categoryLabel: CATEGORIES[category],
		mime: row.mime,
		bytes: row.bytes,
		pages: row.pages,
		sha256: row.sha256,
		origin,
		originLabel: ORIGINS[origin],
		depositedBy: row.depositedByOrganisationId ? (names.get(row.depositedByOrganisationId) ?? null) : null,
		createdAt: row.createdAt,
		expiresOn: row.expiresOn,
		remindUserId: row.remindUserId,
		hasThumbnail: !!row.thumbBlob,
		integrityFailed: !!row.integrityFailedAt
	};
}

/** Rows to views: one person key per record, one document key per row, all in memory for this call only. */
export async function documentViews(database: Database, rows: VaultDocumentRow[]): Promise<DocumentView[]> {
	const names = await organisationNames(
		database.db,
		rows.map((r) => r.depositedByOrganisationId)
	);
	const out: DocumentView[] = [];
	const byKey = new Map<string, VaultDocumentRow[]>();
	for (const r of rows) byKey.set(r.keyId, [...(byKey.get(r.keyId) ?? []), r]);
	for (const [keyId, list] of byKey) {
		const person = await keyById(database, vaultRuntime().keys, keyId);
		if (!person) continue;
		for (const r of list) {
			const k = documentKey(person, r.id, r.wrappedKey);
			out.push(view(r, k, names));
			k.fill(0);
		}
		person.fill(0);
	}
	return out.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

/** The person's documents (all their records'), newest first. */
export async function personDocuments(database: Database, beneficiaryIds: readonly string[]): Promise<DocumentView[]> {
	if (!beneficiaryIds.length) return [];
	const rows = await database.db
		.select()
		.from(vaultDocuments)
		.where(inArray(vaultDocuments.beneficiaryId, [...beneficiaryIds]));
	return documentViews(database, rows);
}

/**
 * The documents a professional may open now: those a grant of the person in force covers
 * (on PostgreSQL the policy vault_documents_granted says the same; here it is checked again).
 */
export async function documentsForProfessional(
	database: Database,
	who: Extract<VaultActor, { kind: 'professional' }>,
	beneficiaryId: string,
	now = new Date()
): Promise<{ documents: DocumentView[]; presence: { until: Date | null } | null }> {
	const grantsList = await vaultGrantsOf(database.db, beneficiaryId);
	const rows = await database.db.select().from(vaultDocuments).where(eq(vaultDocuments.beneficiaryId, beneficiaryId));
	const allowed = rows.filter((r) => grantFor(grantsList, who.actor, r, now));
	const presence = presenceGrant(grantsList, who.actor, now);
	return { documents: await documentViews(database, allowed), presence: presence ? { until: presence.validUntil } : null };
}

export type OpenMode = 'view' | 'download' | 'thumbnail';

/** Recomputes the digest while the bytes go out; a mismatch ends the stream with an error instead of its last bytes. */
class DigestCheck extends Transform {
	private hash = createHash('sha256');
	constructor(
		private readonly expected: string,
		private readonly onMismatch: () => void
	) {
		super();
	}
	_transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
		this.hash.update(chunk);
		cb(null, chunk);
	}
	_flush(cb: TransformCallback) {
		const got = this.hash.digest('hex');
		if (got === this.expected) cb();
		else {
			this.onMismatch();
			cb(new Error('vault document digest mismatch'));
		}
	}
}

/**
 * Opens a document: checks who may, journals the read (a thumbnail for the person only, not
 * journaled), and returns the decrypted bytes as a stream whose digest is checked on the way.
 */
export async function openDocument(
	database: Database,
	who: VaultActor | PlaceLinkReader,
	documentId: string,
	mode: OpenMode,
	now = new Date(),
	opts: { journaled?: boolean } = {}
): Promise<{ document: DocumentView; stream: Readable; mime: string; bytes: number | null }> {
	if (!/^[0-9a-f-]{36}$/i.test(documentId)) throw new DomainError('not_found', NOT_FOUND);
	const [row] = await database.db.select().from(vaultDocuments).where(eq(vaultDocuments.id, documentId));
	if (!row) {
		// on PostgreSQL the policy hides a document no grant covers: the attempt is still journaled for the person
		if (who.kind !== 'person') {
			const [hidden] = await database.privileged.db
				.select({ id: vaultDocuments.id, beneficiaryId: vaultDocuments.beneficiaryId, departmentCode: vaultDocuments.departmentCode })
				.from(vaultDocuments)
				.where(eq(vaultDocuments.id, documentId));
			if (hidden) return journalRefusal(database.db, who, hidden, mode);
		}
		throw new DomainError('not_found', NOT_FOUND);
	}
	let grantId: string | null = null;
	let usedGrant: Grant | null = null;
	let referralId: string | null = null;
	if (who.kind === 'person') {
		if (!who.beneficiaryIds.includes(row.beneficiaryId)) throw new DomainError('not_found', NOT_FOUND);
	} else {
		if (mode === 'thumbnail') throw new DomainError('not_found', NOT_FOUND);
		const list = await vaultGrantsOf(database.db, row.beneficiaryId);
		const g = who.kind === 'link' ? linkGrantFor(list, who, row, now) : grantFor(list, who.actor, row, now);
		if (!g) return journalRefusal(database.db, who, row, mode);
		grantId = g.id;
		usedGrant = g;
		referralId = referralOfGrant(g);
	}
	const person = await keyById(database, vaultRuntime().keys, row.keyId);
	if (!person) throw new DomainError('not_found', NOT_FOUND);
	const key = documentKey(person, row.id, row.wrappedKey);
	person.fill(0);
	const [document] = await documentViews(database, [row]);
	if (mode !== 'thumbnail' && opts.journaled !== false)
		await database.db.transaction(async (tx) => {
			await journal(tx, {
				actor: auditActor(who),
				action: mode === 'download' ? 'vault.document_downloaded' : 'vault.document_viewed',
				targetType: 'beneficiary',
				targetId: row.beneficiaryId,
				departmentCode: row.departmentCode,
				ip: auditIp(who),
				details: { documentId: row.id, category: row.category, ...(grantId ? { grantId } : {}), ...(referralId ? { referralId } : {}) }
			});
			// under a mandate: a use of it, shown to the person
			if (who.kind === 'professional')
				await recordVaultUse(
					tx,
					who.actor,
					usedGrant,
					{ beneficiaryId: row.beneficiaryId, departmentCode: row.departmentCode, label: 'Document du coffre consulté' },
					who.ip,
					now
				);
		});
	const blobs = vaultRuntime().blobs;
	if (mode === 'thumbnail') {
		if (!row.thumbBlob) throw new DomainError('not_found', NOT_FOUND);
		const stream = (await blobs.get(row.thumbBlob)).pipe(decryptStream(key, thumbAad(row.id)));
		return { document, stream, mime: 'image/jpeg', bytes: null };
	}
	const source = await blobs.get(row.blob);
	const decrypt = decryptStream(key, blobAad(row.id));
	const check = new DigestCheck(row.sha256, () => void markIntegrityFailure(database, row, now));
	source.on('error', (e) => decrypt.destroy(e));
	decrypt.on('error', (e) => {
		void markIntegrityFailure(database, row, now);
		check.destroy(e);
	});
	return { document, stream: source.pipe(decrypt).pipe(check), mime: row.mime, bytes: row.bytes };
}

/** A document whose bytes no longer match: marked, journaled (the monthly check and every read call it). */
export async function markIntegrityFailure(
	database: Database,
	row: Pick<VaultDocumentRow, 'id' | 'beneficiaryId' | 'departmentCode'>,
	now: Date
): Promise<void> {
	await database.privileged.db.transaction(async (tx) => {
		const done = await tx
			.update(vaultDocuments)
			.set({ integrityFailedAt: now })
			.where(and(eq(vaultDocuments.id, row.id), sql`${vaultDocuments.integrityFailedAt} is null`))
			.returning({ id: vaultDocuments.id });
		if (done.length)
			await journal(tx, {
				actor: { kind: 'system' },
				action: 'vault.integrity_failed',
				targetType: 'beneficiary',
				targetId: row.beneficiaryId,
				departmentCode: row.departmentCode,
				details: { documentId: row.id }
			});
	});
}

/** The person deletes a document: the row and its shares go in one transaction, then its blobs. */
export async function deleteDocument(database: Database, who: Extract<VaultActor, { kind: 'person' }>, documentId: string, now = new Date()): Promise<void> {
	if (!/^[0-9a-f-]{36}$/i.test(documentId)) throw new DomainError('not_found', NOT_FOUND);
	const row = await database.db.transaction(async (tx) => {
		const [r] = await tx.select().from(vaultDocuments).where(eq(vaultDocuments.id, documentId)).for('update');
		if (!r || !who.beneficiaryIds.includes(r.beneficiaryId)) throw new DomainError('not_found', NOT_FOUND);
		await tx.delete(vaultDocuments).where(eq(vaultDocuments.id, documentId));
		await revokeDocumentShares(tx, r.beneficiaryId, documentId, now);
		await journal(tx, {
			actor: { kind: 'person' },
			action: 'vault.document_deleted',
			targetType: 'beneficiary',
			targetId: r.beneficiaryId,
			departmentCode: r.departmentCode,
			ip: auditIp(who),
			details: { documentId, category: r.category }
		});
		return r;
	});
	const blobs = vaultRuntime().blobs;
	await Promise.allSettled([blobs.delete(row.blob), row.thumbBlob ? blobs.delete(row.thumbBlob) : Promise.resolve()]);
}

/** How many documents the person keeps, and how many papers they are asked for (Mon espace's home: counts only, nothing decrypted). */
export async function vaultSummary(database: Database, beneficiaryIds: readonly string[]): Promise<{ documents: number; expiringSoon: number }> {
	if (!beneficiaryIds.length) return { documents: 0, expiringSoon: 0 };
	const today = parisDay();
	const [r] = await database.db
		.select({
			documents: sql<number>`count(*)::int`,
			expiringSoon: sql<number>`count(*) filter (where ${vaultDocuments.expiresOn} between ${today}::date and ${today}::date + 30)::int`
		})
		.from(vaultDocuments)
		.where(inArray(vaultDocuments.beneficiaryId, [...beneficiaryIds]));
	return { documents: Number(r?.documents ?? 0), expiringSoon: Number(r?.expiringSoon ?? 0) };
}
