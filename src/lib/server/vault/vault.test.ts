/**
 * The coffre-fort numérique (issue 15): the five criteria of L.103 on the embedded database
 * (and on PostgreSQL where DATABASE_URL is set): integrity and origin, traceability,
 * exclusive access (refusals journaled), export in one request; crypto-erasure, the
 * database-and-storage copy without the master key, master key rotation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes, randomUUID as randomUUIDv4 } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, desc, eq, like, sql } from 'drizzle-orm';
import JSZip from 'jszip';
import { openWorld, type World } from '../../../../test/world.ts';
import type { Actor } from '../accounts/index.ts';
import { auditLog } from '../audit/db.ts';
import { outbox } from '../mail/db.ts';
import { eraseBeneficiary } from '../privacy/index.ts';
import { DomainError } from '../errors.ts';
import {
	askPresence,
	checkIntegrity,
	chooseReminderContact,
	closeVault,
	closePresence,
	confirmPresence,
	deleteDocument,
	depositDocument,
	documentsForProfessional,
	exportVault,
	openDocument,
	personDocuments,
	personShares,
	provideRequest,
	reminderContacts,
	requestDocument,
	remindExpiringDocuments,
	revokeShare,
	rewrapPersonKeys,
	setVaultRuntime,
	shareDocuments,
	QUOTA_BYTES,
	type VaultActor
} from './index.ts';
import { fileBlobStore } from './store/blobs.ts';
import { loadMasterKeys, rotateMasterKeyFile } from './store/keys.ts';
import { vaultDocuments, vaultKeys } from './db.ts';
import { mandateUses } from '../mandates/db.ts';
import { confirmOnScreen, prepareMandate, revokeTheme } from '../mandates/index.ts';
import { tinyJpeg, tinyPdf } from '../../../../test/vault-files.ts';

const text = async (s: NodeJS.ReadableStream) => {
	const parts: Buffer[] = [];
	for await (const c of s) parts.push(c as Buffer);
	return Buffer.concat(parts);
};
const code = async (p: Promise<unknown>) => {
	try {
		await p;
		return 'ok';
	} catch (e) {
		if (e instanceof DomainError) return e.code;
		throw e;
	}
};

describe('the vault (issue 15)', () => {
	let w: World;
	let dir: string;
	let keyFile: string;
	let ccas: string;
	let assoc: string;
	let other: string;
	let prescriber: Actor;
	let mediator: Actor;
	let stranger: Actor;
	let coordinator: Actor;
	let admin: Actor;
	let personId: string;
	let me: VaultActor;
	const pdf = tinyPdf('Avis d’imposition 2026 — revenu fiscal de référence 12345');
	let jpeg: Buffer;

	const runtime = () => ({ keys: loadMasterKeys({ env: { VAULT_MASTER_KEY_FILE: keyFile }, dataDir: dir }), blobs: fileBlobStore(join(dir, 'blobs')) });
	const refusals = async () => (await w.db.db.select().from(auditLog).where(eq(auditLog.action, 'vault.access_refused'))).length;

	beforeAll(async () => {
		jpeg = await tinyJpeg();
		dir = mkdtempSync(join(tmpdir(), 'vault-'));
		keyFile = join(dir, 'keys', 'vault-master.json');
		setVaultRuntime({
			keys: loadMasterKeys({ env: { VAULT_MASTER_KEY_FILE: keyFile }, dataDir: dir, create: true }),
			blobs: fileBlobStore(join(dir, 'blobs'))
		});
		w = await openWorld({ places: false });
		ccas = await w.organisation('CCAS de Nérac', 'ccas');
		assoc = await w.organisation('Association Lien numérique');
		other = await w.organisation('Espace de vie sociale', 'association');
		const cd47 = await w.organisation('Département de Lot-et-Garonne', 'departement');
		prescriber = await w.member('pat@ccas.test', ccas, 'prescriber');
		mediator = await w.member('lou@lien.test', assoc, 'mediator');
		await w.member('max@lien.test', assoc, 'mediator');
		stranger = await w.member('sam@evs.test', other, 'mediator');
		coordinator = await w.member('cam@cd47.test', cd47, 'coordinator');
		admin = { ...(await w.member('root@cd47.test', cd47, 'partner')), isAdmin: true };
		personId = await w.person(prescriber, ccas, { firstName: 'Odette', lastName: 'Garrigues', phone: '06 99 88 77 66' });
		me = { kind: 'person', beneficiaryIds: [personId], ip: '192.0.2.10' };
	}, 120_000);

	afterAll(async () => {
		setVaultRuntime(null);
		await w?.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it('criteria 1 and 2: a deposit records its digest and its origin, and is journaled; a read gives back the same bytes', async () => {
		const { id } = await depositDocument(w.db, me, { type: 'avis_imposition', title: 'Impôts 2026', parts: [pdf] });
		const [doc] = await personDocuments(w.db, [personId]);
		expect(doc).toMatchObject({ id, title: 'Impôts 2026', typeLabel: 'Avis d’imposition', categoryLabel: 'Impôts', origin: 'person', mime: 'application/pdf' });
		expect(doc.sha256).toBe(createHash('sha256').update(pdf).digest('hex'));
		const opened = await openDocument(w.db, me, id, 'download');
		expect((await text(opened.stream)).equals(pdf)).toBe(true);
		const actions = (
			await w.db.db
				.select()
				.from(auditLog)
				.where(and(eq(auditLog.targetId, personId), like(auditLog.action, 'vault.%')))
		).map((e) => e.action);
		expect(actions).toEqual(['vault.document_added', 'vault.document_downloaded']);
	});

	it('criterion 4: nobody else reads a document without a grant — the holding structure, another structure, a coordinator, the administrator — and each attempt is journaled', async () => {
		const [doc] = await personDocuments(w.db, [personId]);
		const before = await refusals();
		for (const who of [prescriber, mediator, stranger, coordinator, admin]) {
			expect(await code(openDocument(w.db, { kind: 'professional', actor: who }, doc.id, 'view'))).toBe('not_found');
			expect((await documentsForProfessional(w.db, { kind: 'professional', actor: who }, personId)).documents).toEqual([]);
		}
		expect(await refusals()).toBe(before + 5);
	});

	it('a share per category opens those documents to the structure’s team until revoked, and no other structure', async () => {
		const { id: jpg } = await depositDocument(w.db, me, { type: 'carte_identite', parts: [jpeg] });
		// the person may share with the structures they know: the one holding their record here
		expect(await code(shareDocuments(w.db, me as never, { category: 'identite', organisationId: assoc }))).toBe('invalid');
		const { id: share } = await shareDocuments(w.db, me as never, { category: 'identite', organisationId: ccas });
		const pro = { kind: 'professional' as const, actor: prescriber };
		const list = await documentsForProfessional(w.db, pro, personId);
		expect(list.documents.map((d) => d.id)).toEqual([jpg]); // identity only: the tax notice stays closed
		const photo = await text((await openDocument(w.db, pro, jpg, 'view')).stream);
		// the photo as kept: re-encoded, its location and the owner's name gone
		expect(photo.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))).toBe(true);
		expect(photo.includes('Garrigues')).toBe(false);
		expect(jpeg.includes('Garrigues')).toBe(true);
		const [pdfDoc] = (await personDocuments(w.db, [personId])).filter((d) => d.type === 'avis_imposition');
		expect(await code(openDocument(w.db, pro, pdfDoc.id, 'view'))).toBe('not_found');
		expect(await code(openDocument(w.db, { kind: 'professional', actor: mediator }, jpg, 'view'))).toBe('not_found');
		expect((await personShares(w.db, [personId]))[0]).toMatchObject({ id: share, to: 'CCAS de Nérac', inForce: true });
		await revokeShare(w.db, me as never, share);
		expect(await code(openDocument(w.db, pro, jpg, 'view'))).toBe('not_found');
		expect((await personShares(w.db, [personId]))[0].inForce).toBe(false);
	});

	it('a share ends by itself at its end date', async () => {
		const day = new Date('2026-12-07T10:00:00Z');
		const { id: share } = await shareDocuments(w.db, me as never, { category: 'identite', organisationId: ccas, until: '2026-12-08' }, day);
		const [jpg] = (await personDocuments(w.db, [personId])).filter((d) => d.category === 'identite');
		const pro = { kind: 'professional' as const, actor: prescriber };
		expect((await openDocument(w.db, pro, jpg.id, 'view', new Date('2026-12-08T22:00:00Z'))).document.id).toBe(jpg.id);
		// the end of 8 December, Paris time
		expect(await code(openDocument(w.db, pro, jpg.id, 'view', new Date('2026-12-08T23:00:01Z')))).toBe('not_found');
		await revokeShare(w.db, me as never, share);
	});

	it('the person present: a code sent to their phone opens the vault to this professional only, who can then add a scan', async () => {
		const pro = { kind: 'professional' as const, actor: prescriber };
		expect(await code(depositDocument(w.db, pro, { beneficiaryId: personId, type: 'attestation_caf', parts: [pdf] }))).toBe('forbidden');
		const sent = await askPresence(w.db, { actor: prescriber }, { beneficiaryId: personId, instanceName: 'maillage 47' });
		expect(sent.sentTo).toBe('au 06 •• •• •• 66');
		const [sms] = await w.db.db.select().from(outbox).where(eq(outbox.to, '+33699887766')).orderBy(desc(outbox.createdAt)).limit(1);
		const given = /(\d{6})/.exec(sms.text)![1];
		expect(await code(confirmPresence(w.db, { actor: prescriber }, { beneficiaryId: personId, code: given === '000000' ? '111111' : '000000' }))).toBe(
			'invalid'
		);
		await confirmPresence(w.db, { actor: prescriber }, { beneficiaryId: personId, code: given });
		const seen = await documentsForProfessional(w.db, pro, personId);
		expect(seen.presence).not.toBeNull();
		expect(seen.documents.length).toBe(2);
		// a colleague of the same structure is not the professional the person confirmed
		const mate = await w.member('alex@ccas.test', ccas, 'prescriber');
		expect((await documentsForProfessional(w.db, { kind: 'professional', actor: mate }, personId)).documents).toEqual([]);
		const { id } = await depositDocument(w.db, pro, {
			beneficiaryId: personId,
			type: 'attestation_caf',
			expiresOn: '2027-06-30',
			remindMe: true,
			parts: [pdf]
		});
		const added = (await personDocuments(w.db, [personId])).find((d) => d.id === id)!;
		// the person asked, at the counter, that this professional be reminded too before the paper's end
		expect(added).toMatchObject({ origin: 'professional', depositedBy: 'CCAS de Nérac', expiresOn: '2027-06-30', remindUserId: prescriber.userId });
		// a paper asked for and provided at the counter: shared for 30 days only with the person's yes
		const asked = await requestDocument(
			w.db,
			{ actor: prescriber },
			{ beneficiaryId: personId, type: 'attestation_caf', origin: 'https://maillage.test', instanceName: 'maillage 47' }
		);
		expect(await code(provideRequest(w.db, pro, { requestId: asked.id, documentId: id }))).toBe('invalid');
		await provideRequest(w.db, pro, { requestId: asked.id, documentId: id, personAgrees: true });
		const share = (await personShares(w.db, [personId])).find((x) => x.documentId === id && x.kind === 'document_share');
		expect(share?.inForce).toBe(true);
		await closePresence(w.db, { actor: prescriber }, personId);
		expect((await documentsForProfessional(w.db, pro, personId)).documents.map((d) => d.id)).toEqual([id]);
		await deleteDocument(w.db, me as never, id);
	});

	it('before a paper’s end: the person is reminded at 90, 30 and 7 days, and so is the professional they chose among the teams that follow them', async () => {
		const links = { origin: 'https://maillage.test', instanceName: 'maillage 47' };
		const sent = async (template: string) => (await w.db.db.select().from(outbox).where(eq(outbox.template, template))).length;
		const day0 = new Date('2026-12-07T08:00:00Z');
		const { id } = await depositDocument(w.db, me, { type: 'carte_identite', expiresOn: '2027-03-07', parts: [pdf] }, day0);
		// whom the person may choose: the helpers of the structures that follow them, not another structure's
		const contacts = await reminderContacts(w.db, [personId]);
		expect(contacts.map((c) => c.userId)).toContain(prescriber.userId);
		expect(contacts.find((c) => c.userId === prescriber.userId)?.label).toBe('pat (CCAS de Nérac)');
		expect(contacts.map((c) => c.userId)).not.toContain(stranger.userId);
		expect(await code(chooseReminderContact(w.db, me as never, id, stranger.userId!))).toBe('invalid');
		await chooseReminderContact(w.db, me as never, id, prescriber.userId!);
		const [person0, pro0] = [await sent('vault-expiry'), await sent('vault-expiry-pro')];
		// 90 days before: the person, and Pat
		expect(await remindExpiringDocuments(w.db, links, day0)).toBe(1);
		expect([await sent('vault-expiry'), await sent('vault-expiry-pro')]).toEqual([person0 + 1, pro0 + 1]);
		const [mail] = await w.db.db.select().from(outbox).where(eq(outbox.template, 'vault-expiry-pro')).orderBy(desc(outbox.createdAt)).limit(1);
		expect(mail.to).toBe('pat@ccas.test');
		expect(mail.text).toContain('Carte d’identité');
		expect(mail.text).not.toContain('Odette');
		// once each
		expect(await remindExpiringDocuments(w.db, links, new Date('2026-12-08T08:00:00Z'))).toBe(0);
		// the person changes their mind: nobody but them at 30 days
		await chooseReminderContact(w.db, me as never, id, null);
		expect(await remindExpiringDocuments(w.db, links, new Date('2027-02-05T08:00:00Z'))).toBe(1);
		expect([await sent('vault-expiry'), await sent('vault-expiry-pro')]).toEqual([person0 + 2, pro0 + 1]);
		const choices = await w.db.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'vault.reminder_contact_set'), eq(auditLog.targetId, personId)));
		expect(choices.map((c) => (c.details as { organisationId: string | null }).organisationId)).toEqual([ccas, null]);
		// a document of another person is not theirs to change
		expect(await code(chooseReminderContact(w.db, { kind: 'person', beneficiaryIds: [randomUUIDv4()] } as never, id, null))).toBe('not_found');
		await deleteDocument(w.db, me as never, id);
	});

	it('a mandate the person opened their vault to lets its helpers see and add the papers of its themes only, each use recorded; without it, nothing', async () => {
		const pro = { kind: 'professional' as const, actor: prescriber };
		// a mandate for housing, without the vault: nothing opens
		const plain = await prepareMandate(w.db, prescriber, personId, { organisationId: ccas, themes: ['logement'], duration: '1m' });
		await confirmOnScreen(w.db, prescriber, plain, { personAgrees: true, professionalAttests: true });
		expect((await documentsForProfessional(w.db, pro, personId)).documents).toEqual([]);
		// for money and taxes, with the vault: the tax notice, not the identity card
		const withVault = await prepareMandate(w.db, prescriber, personId, { organisationId: ccas, themes: ['argent'], duration: '1m', vaultAccess: true });
		await confirmOnScreen(w.db, prescriber, withVault, { personAgrees: true, professionalAttests: true });
		const seen = await documentsForProfessional(w.db, pro, personId);
		expect(seen.documents.map((d) => d.category)).toEqual(['impots']);
		expect((await text((await openDocument(w.db, pro, seen.documents[0].id, 'view')).stream)).equals(pdf)).toBe(true);
		const [identity] = (await personDocuments(w.db, [personId])).filter((d) => d.category === 'identite');
		expect(await code(openDocument(w.db, pro, identity.id, 'view'))).toBe('not_found');
		// a helper adds a CAF certificate (ressources), not an identity card
		const { id: added } = await depositDocument(w.db, pro, { beneficiaryId: personId, type: 'attestation_caf', parts: [pdf] });
		expect(await code(depositDocument(w.db, pro, { beneficiaryId: personId, type: 'carte_identite', parts: [pdf] }))).toBe('forbidden');
		const uses = await w.db.db.select().from(mandateUses).where(eq(mandateUses.mandateId, withVault));
		expect(uses.map((u) => u.kind).sort()).toEqual(['vault', 'vault']);
		// the person withdraws the theme: closed at once
		await revokeTheme(w.db, { kind: 'person', session: { id: 's', beneficiaryIds: [personId], via: 'code', linkId: null } }, withVault, 'argent');
		expect((await documentsForProfessional(w.db, pro, personId)).documents).toEqual([]);
		await deleteDocument(w.db, me as never, added);
	});

	it('the counter sends a person a few codes an hour, not more, whoever asks', async () => {
		const other = await w.person(prescriber, ccas, { firstName: 'Rose', phone: '06 11 22 33 44' });
		for (let i = 0; i < 5; i++) await askPresence(w.db, { actor: prescriber }, { beneficiaryId: other, instanceName: 'maillage 47' });
		expect(await code(askPresence(w.db, { actor: prescriber }, { beneficiaryId: other, instanceName: 'maillage 47' }))).toBe('throttled');
		// an hour later, again
		const later = new Date(Date.now() + 3_700_000);
		expect(await code(askPresence(w.db, { actor: prescriber }, { beneficiaryId: other, instanceName: 'maillage 47' }, later))).toBe('ok');
	});

	it('criterion 1: the monthly check names a document whose stored bytes were changed, and a read of it fails', async () => {
		const [doc] = await w.db.db.select().from(vaultDocuments).where(eq(vaultDocuments.beneficiaryId, personId)).limit(1);
		const file = join(dir, 'blobs', `${doc.blob}.blob`);
		const original = readFileSync(file);
		const tampered = Buffer.from(original);
		tampered[tampered.length - 40] ^= 0xff;
		writeFileSync(file, tampered);
		const report = await checkIntegrity(w.db, { beneficiaryId: personId });
		expect(report.failed).toEqual([{ id: doc.id, reason: 'unreadable' }]);
		await expect(text((await openDocument(w.db, me, doc.id, 'download')).stream)).rejects.toThrow();
		writeFileSync(file, original);
		expect((await checkIntegrity(w.db, { beneficiaryId: personId })).failed).toEqual([]);
		const actions = (await w.db.db.select().from(auditLog).where(eq(auditLog.action, 'vault.integrity_failed'))).length;
		expect(actions).toBe(1);
	});

	it('criterion 5: everything in one request — the originals, a manifest with their digests and origin, and the journal', async () => {
		const out = await exportVault(w.db, me as never, (a) => a);
		const zip = await JSZip.loadAsync(await text(out.stream));
		const manifest = JSON.parse(await zip.file('manifeste.json')!.async('string'));
		expect(manifest.documents).toHaveLength(2);
		for (const d of manifest.documents) {
			const bytes = await zip.file(d.file)!.async('nodebuffer');
			expect(createHash('sha256').update(bytes).digest('hex')).toBe(d.sha256);
		}
		const journalLines = JSON.parse(await zip.file('journal.json')!.async('string'));
		expect(journalLines.map((l: { action: string }) => l.action)).toContain('vault.shared');
		expect(journalLines.map((l: { action: string }) => l.action)).toContain('vault.exported');
	});

	it('master key rotation rewraps the persons’ keys and leaves the documents’ bytes untouched', async () => {
		const files = () => Object.fromEntries(walk(join(dir, 'blobs')).map((f) => [f, createHash('sha256').update(readFileSync(f)).digest('hex')]));
		const before = files();
		const { newId } = rotateMasterKeyFile(keyFile);
		setVaultRuntime(runtime());
		const r = await rewrapPersonKeys(w.db, runtime().keys);
		expect(r).toMatchObject({ current: newId });
		expect(r.rewrapped).toBeGreaterThan(0);
		expect(files()).toEqual(before);
		const keysNow = await w.db.db.select().from(vaultKeys);
		expect(keysNow.every((k) => k.masterKeyId === newId)).toBe(true);
		// the old master key is no longer needed: a key set holding only the new one reads everything
		const onlyNew = JSON.parse(readFileSync(keyFile, 'utf8'));
		onlyNew.keys = { [newId]: onlyNew.keys[newId] };
		writeFileSync(keyFile, JSON.stringify(onlyNew));
		setVaultRuntime(runtime());
		const [doc] = await personDocuments(w.db, [personId]);
		expect((await text((await openDocument(w.db, me, doc.id, 'view')).stream)).length).toBe(doc.bytes);
	});

	it('the quota holds when two documents arrive at once: the second is refused, nothing of it stored', async () => {
		const [big] = await w.db.db.select().from(vaultDocuments).where(eq(vaultDocuments.beneficiaryId, personId)).limit(1);
		const used = Number(
			(
				await w.db.db
					.select({ n: sql<string>`sum(${vaultDocuments.bytes})` })
					.from(vaultDocuments)
					.where(eq(vaultDocuments.beneficiaryId, personId))
			)[0].n
		);
		// room for one more of these PDFs, not two
		const room = Math.floor(pdf.length * 1.5);
		await w.db.db
			.update(vaultDocuments)
			.set({ bytes: big.bytes + QUOTA_BYTES - used - room })
			.where(eq(vaultDocuments.id, big.id));
		try {
			const before = (await personDocuments(w.db, [personId])).length;
			const results = await Promise.allSettled([
				depositDocument(w.db, me, { type: 'autre', title: 'Un', parts: [pdf] }),
				depositDocument(w.db, me, { type: 'autre', title: 'Deux', parts: [pdf] })
			]);
			expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
			const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
			expect(refused.reason).toMatchObject({ code: 'payload_too_large' });
			expect(String(refused.reason.message)).toContain('Le coffre est plein');
			const after = await personDocuments(w.db, [personId]);
			expect(after.length).toBe(before + 1);
			await deleteDocument(w.db, me as never, after.find((d) => d.title === 'Un' || d.title === 'Deux')!.id);
		} finally {
			await w.db.db.update(vaultDocuments).set({ bytes: big.bytes }).where(eq(vaultDocuments.id, big.id));
		}
	});

	it('a copy of the database and of the storage, without the master key, shows no document and no document’s name', async () => {
		await depositDocument(w.db, me, { type: 'autre', category: 'sante', title: 'Compte rendu cardiologie Dr Zebulon', parts: [pdf] });
		const dump = w.db.pglite
			? Buffer.from(await (await w.db.pglite.dumpDataDir('none')).arrayBuffer())
			: Buffer.from(JSON.stringify(await w.db.query(sql`select * from vault_documents`)));
		const storage = Buffer.concat(walk(join(dir, 'blobs')).map((f) => readFileSync(f)));
		for (const copy of [dump, storage]) {
			expect(copy.includes('Zebulon')).toBe(false);
			expect(copy.includes('revenu fiscal')).toBe(false);
			expect(copy.includes(pdf.subarray(0, 200))).toBe(false);
			expect(copy.includes(jpeg.subarray(100, 300))).toBe(false);
		}
	});

	it('closing the vault destroys its documents and its keys, and a new vault can start afresh', async () => {
		const other = await w.person(prescriber, ccas, { firstName: 'Henri' });
		const him = { kind: 'person' as const, beneficiaryIds: [other] };
		const { id } = await depositDocument(w.db, him, { type: 'cv', parts: [pdf] });
		const [row] = await w.db.db.select().from(vaultDocuments).where(eq(vaultDocuments.id, id));
		expect(await closeVault(w.db, him)).toEqual({ documents: 1 });
		expect(await personDocuments(w.db, [other])).toEqual([]);
		expect((await w.db.db.select().from(vaultKeys).where(eq(vaultKeys.beneficiaryId, other))).every((k) => k.wrapped === null)).toBe(true);
		expect(() => statSync(join(dir, 'blobs', `${row.blob}.blob`))).toThrow();
		const closed = await w.db.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'vault.closed'), eq(auditLog.targetId, other)));
		expect(closed).toHaveLength(1);
		await depositDocument(w.db, him, { type: 'cv', parts: [pdf] });
		expect(await personDocuments(w.db, [other])).toHaveLength(1);
	});

	it('erasing the person destroys their keys: their documents can no longer be read, even from the stored bytes', async () => {
		const rows = await w.db.db.select().from(vaultDocuments).where(eq(vaultDocuments.beneficiaryId, personId));
		expect(rows.length).toBeGreaterThan(0);
		await eraseBeneficiary(w.db, prescriber, personId);
		expect(await w.db.db.select().from(vaultDocuments).where(eq(vaultDocuments.beneficiaryId, personId))).toEqual([]);
		const keys = await w.db.db.select().from(vaultKeys).where(eq(vaultKeys.beneficiaryId, personId));
		expect(keys.length).toBeGreaterThan(0);
		expect(keys.every((k) => k.wrapped === null && k.destroyedAt)).toBe(true);
		// the stored bytes are still there until the purge, and nothing in the database nor the key file opens them
		expect(statSync(join(dir, 'blobs', `${rows[0].blob}.blob`)).size).toBeGreaterThan(0);
		expect(await personDocuments(w.db, [personId])).toEqual([]);
		expect(await code(depositDocument(w.db, me, { type: 'cv', parts: [pdf] }))).not.toBe('ok');
	});
});

function walk(d: string): string[] {
	return readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
}

void randomBytes;
