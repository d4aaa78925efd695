/**
 * Issue 15, the second wall for the vault (PostgreSQL): a professional's request, as the
 * request role under row-level security, sees a document's row only under a grant of the
 * person that covers it and reaches them; it never touches the persons' keys; a refused
 * attempt is still journaled for the person.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { onPostgres } from '../db.ts';
import { openWorld, type World } from '../world.ts';
import type { Database } from '../../src/lib/server/db/client.ts';
import { APP_ROLE } from '../../src/lib/server/db/request-pool.ts';
import { runInScope } from '../../src/lib/server/db/request-scope.ts';
import { scopeOf, type Actor } from '../../src/lib/server/accounts/index.ts';
import { auditLog } from '../../src/lib/server/audit/db.ts';
import { depositDocument, documentsForProfessional, openDocument, setVaultRuntime, shareDocuments } from '../../src/lib/server/vault/index.ts';
import { fileBlobStore } from '../../src/lib/server/vault/store/blobs.ts';
import { loadMasterKeys } from '../../src/lib/server/vault/store/keys.ts';
import { tinyPdf } from '../vault-files.ts';

describe.skipIf(!onPostgres())('issue 15: the vault behind row-level security', () => {
	let w: World;
	let request: Database;
	let dir: string;
	let prescriber: Actor;
	let stranger: Actor;
	let coordinator: Actor;
	let person: string;
	let doc: string;
	const as = <T>(actor: Actor, fn: () => Promise<T>) => runInScope(fn, { departments: scopeOf(actor), userId: actor.userId, owner: '', voucherCode: '' });

	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'vault-rls-'));
		setVaultRuntime({ keys: loadMasterKeys({ env: {}, dataDir: dir, create: true }), blobs: fileBlobStore(join(dir, 'blobs')) });
		w = await openWorld({ places: false });
		request = await w.requestDatabase(4);
		const ccas = await w.organisation('CCAS de Nérac', 'ccas');
		const other = await w.organisation('Espace de vie sociale', 'association');
		const cd47 = await w.organisation('Département de Lot-et-Garonne', 'departement');
		prescriber = await w.member('pat@ccas.test', ccas, 'prescriber');
		stranger = await w.member('sam@evs.test', other, 'mediator');
		coordinator = await w.member('cam@cd47.test', cd47, 'coordinator');
		person = await w.person(prescriber, ccas, { firstName: 'Odette' });
		const me = { kind: 'person' as const, beneficiaryIds: [person] };
		doc = (await depositDocument(w.db, me, { type: 'avis_imposition', parts: [tinyPdf('x')] })).id;
		await shareDocuments(w.db, me, { category: 'impots', organisationId: ccas });
	}, 120_000);

	afterAll(async () => {
		setVaultRuntime(null);
		await w?.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it('the request role has no privilege on the keys', async () => {
		const err = await w.db.db
			.transaction(async (tx) => {
				await tx.execute(sql.raw(`set local role ${APP_ROLE}`));
				await tx.execute(sql`select * from vault_keys`);
			})
			.then(
				() => 'read',
				(e) => (e as Error & { cause?: Error }).cause?.message ?? (e as Error).message
			);
		expect(err).toMatch(/permission denied/);
	});

	it('the structure the person shared with reads the document through the request pool', async () => {
		const seen = await as(prescriber, () => documentsForProfessional(request, { kind: 'professional', actor: prescriber }, person));
		expect(seen.documents.map((d) => d.id)).toEqual([doc]);
		const opened = await as(prescriber, () => openDocument(request, { kind: 'professional', actor: prescriber }, doc, 'view'));
		let n = 0;
		for await (const c of opened.stream) n += (c as Buffer).length;
		expect(n).toBe(opened.bytes);
	});

	it('another structure and a coordinator see no row, even by a query of their own, and their attempts are journaled', async () => {
		for (const who of [stranger, coordinator]) {
			const rows = await as(who, () => request.db.execute(sql`select id from vault_documents`));
			expect((rows as unknown as { rows: unknown[] }).rows).toEqual([]);
			await expect(as(who, () => openDocument(request, { kind: 'professional', actor: who }, doc, 'view'))).rejects.toThrow(/pas accès/);
		}
		const refused = await w.db.db.select().from(auditLog).where(eq(auditLog.action, 'vault.access_refused'));
		expect(refused.map((r) => r.actorId).sort()).toEqual([stranger.userId, coordinator.userId].sort());
	});
});
