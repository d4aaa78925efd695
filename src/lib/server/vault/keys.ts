/**
 * The person's key (decision 0016): created on their first document, wrapped by the current
 * master key; read through the owner's connection only (the request role has no privilege
 * on vault_keys, like on credentials). Rotating the master key rewraps these keys and
 * nothing else; destroying one (erasure, closing the vault) makes the person's documents
 * unreadable for good.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { and, asc, eq, isNotNull, ne, sql } from 'drizzle-orm';
import type { Database, Tx } from '../db/client.ts';
import { vaultKeys } from './db.ts';
import { newDataKey, unwrapKey, wrapKey, VaultKeyError, type MasterKeys } from './store/keys.ts';

const personAad = (keyId: string) => `vault-person-key:${keyId}`;
export const documentKeyAad = (documentId: string) => `vault-document:${documentId}`;
export const metaAad = (documentId: string) => `vault-meta:${documentId}`;
export const blobAad = (documentId: string) => `vault-blob:${documentId}`;
export const thumbAad = (documentId: string) => `vault-thumb:${documentId}`;

/**
 * The person's key in clear, for the length of one operation: their first live key (the one
 * new documents are wrapped with), created when `create` and absent. Null when the person
 * has no live key (and `create` is false). Call it
 * before opening the operation's transaction: on the embedded database the owner's
 * connection is the same single connection.
 */
export async function personKey(database: Database, keys: MasterKeys, beneficiaryId: string, create: boolean): Promise<{ id: string; key: Buffer } | null> {
	const owner = database.privileged.db;
	const live = () =>
		owner
			.select()
			.from(vaultKeys)
			.where(and(eq(vaultKeys.beneficiaryId, beneficiaryId), isNotNull(vaultKeys.wrapped)))
			.orderBy(asc(vaultKeys.createdAt), asc(vaultKeys.id))
			.limit(1);
	let [row] = await live();
	if (!row) {
		// none yet, or all destroyed (a vault closed by the person): a new vault starts with a new key
		if (!create) return null;
		const id = randomUUID();
		const fresh = newDataKey();
		const { keyId, wrapped } = await keys.wrap(fresh, personAad(id));
		fresh.fill(0);
		await owner.insert(vaultKeys).values({ id, beneficiaryId, masterKeyId: keyId, wrapped: wrapped.toString('base64') });
		[row] = await live();
	}
	return { id: row.id, key: await keys.unwrap(row.masterKeyId, Buffer.from(row.wrapped!, 'base64'), personAad(row.id)) };
}

/** A given key of the person (the one a document names), in clear; null when destroyed or unknown. */
export async function keyById(database: Database, keys: MasterKeys, id: string): Promise<Buffer | null> {
	const [row] = await database.privileged.db.select().from(vaultKeys).where(eq(vaultKeys.id, id));
	if (!row?.wrapped) return null;
	return keys.unwrap(row.masterKeyId, Buffer.from(row.wrapped, 'base64'), personAad(row.id));
}

/** A new document key, and its wrapped form to store beside the document. */
export function newDocumentKey(person: Buffer, documentId: string): { key: Buffer; wrapped: string } {
	const key = newDataKey();
	return { key, wrapped: wrapKey(person, key, documentKeyAad(documentId)).toString('base64') };
}

export function documentKey(person: Buffer, documentId: string, wrapped: string): Buffer {
	return unwrapKey(person, Buffer.from(wrapped, 'base64'), documentKeyAad(documentId));
}

/** The title and type the person sees, sealed with the document's key. */
export function sealMeta(key: Buffer, documentId: string, meta: { title: string; type: string }): string {
	return wrapKey(key, Buffer.from(JSON.stringify(meta), 'utf8'), metaAad(documentId)).toString('base64');
}

export function openMeta(key: Buffer, documentId: string, sealed: string): { title: string; type: string } {
	return JSON.parse(unwrapKey(key, Buffer.from(sealed, 'base64'), metaAad(documentId)).toString('utf8'));
}

/**
 * Crypto-erasure, in the caller's transaction (the request's, under row-level security):
 * the person's documents' rows go and their keys are overwritten, through the function of
 * migration 0028 (the request role has no privilege on the keys). Returns how many keys
 * were destroyed. The blobs left in the store can no longer be read; the monthly job
 * removes them.
 */
export async function destroyPersonKeys(tx: Tx, beneficiaryId: string): Promise<number> {
	const res = (await tx.execute(sql`select maillage_vault_erase(${beneficiaryId}::uuid) as n`)) as unknown as { rows: { n: number }[] };
	return Number(res.rows[0]?.n ?? 0);
}

/** A merge: the other record's keys and documents move to the kept one (nothing re-encrypted). */
export async function moveVault(tx: Tx, fromId: string, toId: string): Promise<void> {
	await tx.execute(sql`select maillage_vault_move(${fromId}::uuid, ${toId}::uuid)`);
}

/**
 * Master key rotation: every person's key still wrapped by another master key is rewrapped
 * by the current one. Documents are not touched (their keys are wrapped by the person's).
 */
export async function rewrapPersonKeys(database: Database, keys: MasterKeys, now = new Date()): Promise<{ rewrapped: number; current: string }> {
	const owner = database.privileged.db;
	const current = keys.currentId();
	const rows = await owner
		.select()
		.from(vaultKeys)
		.where(and(ne(vaultKeys.masterKeyId, current), isNotNull(vaultKeys.wrapped)));
	let rewrapped = 0;
	for (const r of rows) {
		const aad = personAad(r.id);
		const plain = await keys.unwrap(r.masterKeyId, Buffer.from(r.wrapped!, 'base64'), aad);
		const { keyId, wrapped } = await keys.wrap(plain, aad);
		plain.fill(0);
		const done = await owner
			.update(vaultKeys)
			.set({ masterKeyId: keyId, wrapped: wrapped.toString('base64'), rotatedAt: now })
			.where(and(eq(vaultKeys.id, r.id), eq(vaultKeys.masterKeyId, r.masterKeyId)))
			.returning({ id: vaultKeys.id });
		rewrapped += done.length;
	}
	return { rewrapped, current };
}

/**
 * A name in the blob store: the hour it was written (so that the purge of orphans leaves a
 * deposit under way alone) and 128 random bits; nothing of the person nor the document.
 */
export const blobName = (now = new Date()) => `v1/${now.toISOString().slice(0, 13).replace(/[-T]/g, '')}/${randomBytes(16).toString('hex')}`;

/** The hour a blob was written, from its name (null for a name of another form). */
export function blobHour(name: string): Date | null {
	const m = /^v1\/(\d{4})(\d{2})(\d{2})(\d{2})\//.exec(name);
	return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4])) : null;
}

export { VaultKeyError };
