import { inArray } from 'drizzle-orm';
import type { PersonalDataDeclaration } from '../personal-data.ts';
import { grantsOfKinds } from '../grants/index.ts';
import { vaultDocuments, vaultRequests } from './db.ts';
import { destroyPersonKeys, moveVault } from './keys.ts';
import { CATEGORIES, ORIGINS, type Category, type Origin } from './model.ts';

/**
 * What the vault holds about a person (see ../personal-data.ts). The documents themselves
 * are the person's: they take them all with the vault's own export (Mon espace, one ZIP);
 * the RGPD export lists them without their content. Erasure is crypto-erasure.
 */
export const personalData: PersonalDataDeclaration = {
	capability: 'vault',
	tables: [
		{
			table: 'vault_keys',
			person: 'beneficiary_id',
			holds: 'the person’s keys, wrapped by the master key (never in clear)',
			export: 'not exported: a key is no information about the person, and it opens their documents',
			onRecordDeleted: 'deleted',
			erasure: { cleared: ['wrapped'] },
			anonymisation: 'the same as erasure: the key is destroyed, the documents can no longer be read',
			retention: 'until the person closes their vault or their record is erased'
		},
		{
			table: 'vault_documents',
			person: 'beneficiary_id',
			holds: 'the person’s documents (encrypted, in the blob store), their category, sealed name and type, digest, who deposited them and when',
			export: 'vault (the list, with digests and origin); the documents themselves with the vault’s export in Mon espace',
			onRecordDeleted: 'deleted',
			erasure: { deleted: true },
			anonymisation: 'the same as erasure',
			retention: 'until the person deletes them, closes their vault, or their record is erased'
		},
		{
			table: 'vault_requests',
			person: 'beneficiary_id',
			holds: 'the papers a structure asked the person for, its short note, and which document answered it',
			export: 'vault (its requests: the papers asked for, and which document answered)',
			onRecordDeleted: 'deleted',
			erasure: { deleted: true },
			anonymisation: 'the same as erasure',
			retention: 'until the person closes their vault or their record is erased'
		},
		{
			table: 'vault_presence_codes',
			person: 'beneficiary_id',
			holds: 'the one-time codes sent to open the vault with a professional (hashed)',
			export: 'not exported: a hashed code, spent or expired within 10 minutes; the journal says when the vault was opened',
			onRecordDeleted: 'deleted',
			erasure: { deleted: true },
			anonymisation: 'the same as erasure',
			retention: 'the erasure or merge of the record'
		}
	],
	exportOf: async (db, person) => {
		const rows = await db
			.select()
			.from(vaultDocuments)
			.where(inArray(vaultDocuments.beneficiaryId, [person.id]));
		const shares = await grantsOfKinds(db, [person.id], ['document_share', 'vault_presence']);
		const requests = await db
			.select()
			.from(vaultRequests)
			.where(inArray(vaultRequests.beneficiaryId, [person.id]));
		return {
			vault: {
				documents: rows.map((r) => ({
					category: CATEGORIES[r.category as Category] ?? r.category,
					bytes: r.bytes,
					pages: r.pages,
					sha256: r.sha256,
					origin: ORIGINS[r.origin as Origin] ?? r.origin,
					addedAt: r.createdAt.toISOString(),
					validUntil: r.expiresOn,
					note: 'le nom et le fichier sont dans l’export de votre coffre (Mon espace, « Tout télécharger »)'
				})),
				requests: requests.map((r) => ({
					type: r.docType,
					note: r.note,
					status: r.status,
					askedAt: r.createdAt.toISOString(),
					closedAt: r.closedAt?.toISOString() ?? null
				})),
				shares: shares.map((g) => ({
					kind: g.kind,
					scopes: g.scopes,
					from: g.validFrom.toISOString(),
					until: g.validUntil?.toISOString() ?? null,
					revokedAt: g.revokedAt?.toISOString() ?? null
				}))
			}
		};
	},
	erase: async (tx, person) => {
		await destroyPersonKeys(tx, person.id);
	},
	move: moveVault
};
