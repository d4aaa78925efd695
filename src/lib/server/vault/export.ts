/**
 * Everything in one request (L.103, criterion 5; issue 15, item 4.5): a ZIP of the
 * originals, a JSON manifest (metadata, digests, origin) and the vault's journal, streamed
 * document after document (never the whole vault in memory). The export is journaled.
 */
import { PassThrough, type Readable } from 'node:stream';
import { ZipArchive } from 'archiver';
import { inArray } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal, entriesWithDetails } from '../audit/index.ts';
import { uncheckedRecord } from '../beneficiaries/index.ts';
import { userNames } from '../accounts/index.ts';
import { vaultDocuments } from './db.ts';
import { openDocument, personDocuments } from './documents.ts';
import { auditIp, type VaultActor } from './access.ts';
import { exportFileName } from './model.ts';

type Person = Extract<VaultActor, { kind: 'person' }>;

/** `label`: the journal's French label of an action (journal/ passes it: the vault does not depend on the journal's reading). */
export async function exportVault(
	database: Database,
	who: Person,
	label: (action: string) => string,
	now = new Date()
): Promise<{ stream: Readable; fileName: string; documents: number }> {
	const docs = (await personDocuments(database, who.beneficiaryIds)).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
	const rows = who.beneficiaryIds.length
		? await database.db
				.select({ id: vaultDocuments.id })
				.from(vaultDocuments)
				.where(inArray(vaultDocuments.beneficiaryId, [...who.beneficiaryIds]))
		: [];
	if (rows.length !== docs.length) throw new Error('vault export: a document could not be opened');
	const first = who.beneficiaryIds[0];
	const record = first ? await uncheckedRecord(database.db, first) : undefined;
	await journal(database.db, {
		actor: { kind: 'person' },
		action: 'vault.exported',
		targetType: 'beneficiary',
		targetId: first ?? null,
		departmentCode: record?.departmentCode,
		ip: auditIp(who),
		details: { documents: docs.length, bytes: docs.reduce((n, d) => n + d.bytes, 0) }
	});
	const entries = await entriesWithDetails(database.db, who.beneficiaryIds, 'vault.');
	const names = await userNames(
		database.db,
		entries.map((e) => e.actorId)
	);
	const files = docs.map((d, i) => ({ d, file: `documents/${exportFileName(i + 1, d.title, d.mime)}` }));
	const manifest = {
		format: 'maillage-coffre-fort/1',
		generatedAt: now.toISOString(),
		documents: files.map(({ d, file }) => ({
			file,
			id: d.id,
			title: d.title,
			type: d.typeLabel,
			category: d.categoryLabel,
			mime: d.mime,
			bytes: d.bytes,
			pages: d.pages,
			sha256: d.sha256,
			origin: d.originLabel,
			depositedBy: d.depositedBy,
			addedAt: d.createdAt.toISOString(),
			validUntil: d.expiresOn
		}))
	};
	const journalLines = entries.map((e) => ({
		at: e.at.toISOString(),
		action: e.action,
		what: label(e.action),
		by: e.actorKind === 'person' ? 'vous' : e.actorKind === 'user' ? (names.get(e.actorId ?? '') ?? 'un professionnel') : 'le service',
		documentId: typeof (e.details as Record<string, unknown> | null)?.documentId === 'string' ? (e.details as Record<string, string>).documentId : null
	}));
	const zip = new ZipArchive({ zlib: { level: 1 } });
	const out = new PassThrough();
	zip.on('error', (e) => out.destroy(e));
	zip.pipe(out);
	zip.append(JSON.stringify(manifest, null, 2), { name: 'manifeste.json', date: now });
	zip.append(JSON.stringify(journalLines, null, 2), { name: 'journal.json', date: now });
	zip.append(README, { name: 'LISEZ-MOI.txt', date: now });
	// one document at a time: each is opened (decrypted, its digest checked) only when the archive reaches it
	void (async () => {
		try {
			for (const { d, file } of files) {
				const opened = await openDocument(database, who, d.id, 'download', now, { journaled: false });
				await new Promise<void>((resolve, reject) => {
					opened.stream.once('error', reject);
					zip.once('entry', () => resolve());
					// PDFs and JPEGs are compressed already: stored as they are (deflating them doubled the export's time for nothing)
					zip.append(opened.stream, { name: file, date: d.createdAt, store: true });
				});
			}
			await zip.finalize();
		} catch (e) {
			zip.abort();
			out.destroy(e as Error);
		}
	})();
	const day = now.toISOString().slice(0, 10);
	return { stream: out, fileName: `mon-coffre-${day}.zip`, documents: docs.length };
}

const README = `Votre coffre-fort numérique, exporté en entier.

- documents/ : vos documents, tels que vous les avez déposés (PDF ou photo).
- manifeste.json\u00a0: pour chaque document, son nom, son type, sa catégorie, sa taille,
  son empreinte SHA-256 (qui prouve qu’il n’a pas été modifié), qui l’a déposé et quand.
- journal.json\u00a0: toutes les opérations faites sur votre coffre (dépôts, lectures,
  partages, téléchargements), avec leur date et leur auteur.

Ces fichiers sont à vous\u00a0: gardez-les en lieu sûr, ils contiennent vos papiers.
`;
