import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createEmptyTestDatabase, onPostgres } from '../../../../test/db.ts';
import type { Database } from '../db/client.ts';
import { journal, searchJournal, verifyChain } from './service.ts';
import { canonicalJson, changedFields, digest } from './model.ts';

let db: Database;
beforeAll(async () => {
	db = await createEmptyTestDatabase();
});
afterAll(async () => db?.close());

const entry = (n: number, departmentCode = '47') => ({
	actor: { kind: 'user' as const, id: '00000000-0000-4000-8000-00000000000' + (n % 10) },
	action: 'place.updated',
	targetType: 'place',
	targetId: `lieu-${n}`,
	departmentCode,
	ip: '192.0.2.1',
	before: { nom: 'Avant', n },
	after: { nom: 'Après', n },
	details: { fields: ['nom'], n }
});

describe('canonical JSON and digests', () => {
	it('does not depend on key order', () => {
		expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
		expect(digest({ a: 1, b: 2 })).toBe(digest({ b: 2, a: 1 }));
		expect(digest(null)).toBeNull();
	});
	it('names the fields an update changed, without their values', () => {
		expect(changedFields({ nom: 'A', tel: '1', x: [1] }, { nom: 'B', tel: '1', x: [1], y: 2 })).toEqual(['nom', 'y']);
	});
});

describe('the audit journal', () => {
	it('chains entries and verifies the chain', async () => {
		for (let i = 0; i < 5; i++) await journal(db.db, entry(i));
		await journal(db.db, entry(5, '33'), entry(6, '33'));
		const r = await verifyChain(db);
		expect(r).toEqual({ ok: true, checked: 7, firstBroken: null });
		const rows = (await searchJournal(db, { departmentCodes: null })).rows;
		expect(rows).toHaveLength(7);
		// newest first, each entry's prevHash is the previous entry's hash
		for (let i = 0; i < rows.length - 1; i++) expect(rows[i].prevHash).toBe(rows[i + 1].hash);
		// digests only, never the states themselves
		expect(rows[0].beforeDigest).toMatch(/^[0-9a-f]{64}$/);
		expect(JSON.stringify(rows)).not.toContain('Avant');
	});

	it('keeps concurrent writers in one chain', async () => {
		await Promise.all(Array.from({ length: 20 }, (_, i) => journal(db.db, entry(100 + i))));
		expect((await verifyChain(db)).ok).toBe(true);
	});

	it('is append-only: the database refuses UPDATE, DELETE and TRUNCATE', async () => {
		// Drizzle wraps the database's error: its cause is PostgreSQL's message
		const failure = (q: Promise<unknown>) =>
			q.then(
				() => 'accepted',
				(e: Error & { cause?: Error }) => e.cause?.message ?? e.message
			);
		expect(await failure(db.db.execute(sql`update audit_log set action = 'x'`))).toMatch(/append-only \(UPDATE refused\)/);
		expect(await failure(db.db.execute(sql`delete from audit_log`))).toMatch(/append-only \(DELETE refused\)/);
		expect(await failure(db.db.execute(sql`truncate audit_log`))).toMatch(/append-only \(TRUNCATE refused\)/);
		expect((await verifyChain(db)).ok).toBe(true);
	});

	it('rolls back with the write it journals', async () => {
		const before = (await verifyChain(db)).checked;
		await expect(
			db.db.transaction(async (tx) => {
				await journal(tx, entry(999));
				throw new Error('the write failed');
			})
		).rejects.toThrow('the write failed');
		expect((await verifyChain(db)).checked).toBe(before);
	});

	it('lets a coordinator search their département only', async () => {
		const mine = await searchJournal(db, { departmentCodes: ['33'] });
		expect(mine.rows.map((r) => r.targetId).sort()).toEqual(['lieu-5', 'lieu-6']);
		expect((await searchJournal(db, { departmentCodes: [] })).rows).toEqual([]);
		const page = await searchJournal(db, { departmentCodes: ['47'], limit: 3 });
		expect(page.rows).toHaveLength(3);
		const next = await searchJournal(db, { departmentCodes: ['47'], limit: 3, before: page.next! });
		expect(next.rows[0].id).toBeLessThan(page.rows[2].id);
		expect((await searchJournal(db, { departmentCodes: null, targetId: 'lieu-3' })).rows).toHaveLength(1);
		expect((await searchJournal(db, { departmentCodes: null, action: 'place.' })).rows.length).toBeGreaterThan(20);
	});

	it('names the first entry edited behind its back (superuser, triggers disabled)', async () => {
		const { rows } = await searchJournal(db, { departmentCodes: null, targetId: 'lieu-3' });
		const victim = rows[0].id;
		// what an attacker with the superuser's rights does: switch the triggers off, edit
		if (onPostgres()) {
			await db.db.transaction(async (tx) => {
				await tx.execute(sql`set local session_replication_role = replica`);
				await tx.execute(sql`update audit_log set target_id = 'lieu-autre' where id = ${victim}`);
			});
		} else {
			await db.db.execute(sql`alter table audit_log disable trigger audit_log_no_update_delete`);
			await db.db.execute(sql`update audit_log set target_id = 'lieu-autre' where id = ${victim}`);
			await db.db.execute(sql`alter table audit_log enable trigger audit_log_no_update_delete`);
		}
		const r = await verifyChain(db);
		expect(r.ok).toBe(false);
		expect(r.firstBroken).toEqual({ id: victim, reason: expect.stringContaining('this entry was changed') });
	});

	it('names the entry after one deleted', async () => {
		const fresh = await createEmptyTestDatabase();
		try {
			for (let i = 0; i < 4; i++) await journal(fresh.db, entry(i));
			const ids = (await searchJournal(fresh, { departmentCodes: null })).rows.map((r) => r.id).reverse();
			await fresh.db.execute(sql`alter table audit_log disable trigger audit_log_no_update_delete`);
			await fresh.db.execute(sql`delete from audit_log where id = ${ids[1]}`);
			await fresh.db.execute(sql`alter table audit_log enable trigger audit_log_no_update_delete`);
			const r = await verifyChain(fresh);
			expect(r.firstBroken).toEqual({ id: ids[2], reason: expect.stringContaining('changed or removed') });
		} finally {
			await fresh.close();
		}
	});
});
