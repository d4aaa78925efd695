/**
 * Issue 11, finding 7: the audit journal could be cut or rewritten unseen by the
 * database's owner (who can disable the append-only triggers). Each attack is done as
 * the owner with raw SQL; `verifyAudit` (what `maillage audit verify` prints) must name
 * it, thanks to the signed checkpoints kept outside the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { createEmptyTestDatabase } from '../db.ts';
import type { Database } from '../../src/lib/server/db/client.ts';
import { journal, verifyChain, chainHash, AuditIntegrityError, formatAuditReport, makeCheckpoint, verifyAudit } from '../../src/lib/server/audit/index.ts';

let dir: string;
beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'maillage-checkpoints-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const entry = (n: number) => ({
	actor: { kind: 'system' as const },
	action: 'place.updated',
	targetType: 'place',
	targetId: `lieu-${n}`,
	departmentCode: '47',
	details: { fields: ['nom'], n }
});

/** A journal of 40 entries, checkpointed into a file of its own. */
async function journalOf40(name: string): Promise<{ db: Database; file: string }> {
	const db = await createEmptyTestDatabase();
	const file = join(dir, `${name}.jsonl`);
	for (let i = 1; i <= 40; i++) await journal(db.db, entry(i));
	const r = await makeCheckpoint(db, { file });
	expect(r).toMatchObject({ written: true, checked: 40, checkpoint: { seq: 40 } });
	expect((await verifyAudit(db, { file })).ok).toBe(true);
	return { db, file };
}

/** As the table's owner: the append-only trigger switched off for the time of the tampering. */
async function asOwner(db: Database, fn: () => Promise<unknown>) {
	await db.db.execute(sql`alter table audit_log disable trigger audit_log_no_update_delete`);
	try {
		await fn();
	} finally {
		await db.db.execute(sql`alter table audit_log enable trigger audit_log_no_update_delete`);
	}
}

describe('issue 11, finding 7: the audit journal cannot be cut or rewritten unseen', () => {
	it('names a deleted entry by its sequence number', async () => {
		const { db, file } = await journalOf40('deleted');
		try {
			await asOwner(db, () => db.db.execute(sql`delete from audit_log where seq = 17`));
			const r = await verifyAudit(db, { file });
			expect(r.ok).toBe(false);
			expect(r.problems).toContain('entry #17 is missing');
			expect(formatAuditReport(r)).toMatch(
				/^audit journal: 39 entries \(#1 to #40\); 1 checkpoint, the latest at entry #40 .*: 1 problem\n {2}- entry #17 is missing\n$/
			);
		} finally {
			await db.close();
		}
	});

	it('detects the last 25 entries cut (the chain alone says intact)', async () => {
		const { db, file } = await journalOf40('cut');
		try {
			await asOwner(db, () => db.db.execute(sql`delete from audit_log where seq > 15`));
			// what the chain alone says: intact
			expect((await verifyChain(db)).ok).toBe(true);
			const r = await verifyAudit(db, { file });
			expect(r.ok).toBe(false);
			expect(r.problems).toEqual([
				expect.stringMatching(/^the journal ends at entry #15 but the checkpoint of .* covers entry #40: entries #16 to #40 were removed \(tail cut\)$/)
			]);
		} finally {
			await db.close();
		}
	});

	it('detects an entry edited and every hash after it recomputed (the chain alone says intact)', async () => {
		const { db, file } = await journalOf40('recomputed');
		try {
			// a later checkpoint too: the one at #40 still holds and bounds the rewritten stretch
			for (let i = 41; i <= 50; i++) await journal(db.db, entry(i));
			await makeCheckpoint(db, { file });
			await asOwner(db, async () => {
				await db.db.execute(sql`update audit_log set target_id = 'lieu-autre' where seq = 45`);
				// recompute the chain from there, as an attacker who read the code would
				const rows = (await db.db.execute(sql`select * from audit_log where seq >= 44 order by seq`)) as unknown as { rows: Record<string, unknown>[] };
				let prev = rows.rows[0].hash as string;
				for (const r of rows.rows.slice(1)) {
					const hash = chainHash(prev, {
						at: new Date(r.at as string),
						actorKind: r.actor_kind as string,
						actorId: (r.actor_id as string) ?? null,
						action: r.action as string,
						targetType: r.target_type as string,
						targetId: (r.target_id as string) ?? null,
						departmentCode: (r.department_code as string) ?? null,
						ip: (r.ip as string) ?? null,
						beforeDigest: (r.before_digest as string) ?? null,
						afterDigest: (r.after_digest as string) ?? null,
						details: r.details
					});
					await db.db.execute(sql`update audit_log set prev_hash = ${prev}, hash = ${hash} where id = ${r.id as number}`);
					prev = hash;
				}
			});
			expect((await verifyChain(db)).ok).toBe(true);
			const r = await verifyAudit(db, { file });
			expect(r.ok).toBe(false);
			// the checkpoint names the stretch; the seals (which need the instance secret) name each rewritten entry
			expect(r.problems).toEqual([
				'entries #45 to #50 have bad seals (6): forged, or written with another instance secret',
				expect.stringMatching(
					/^entry #50 does not match the checkpoint of .*: the chain was rewritten after entry #40 \(still matching the checkpoint of .*\) up to there$/
				)
			]);
		} finally {
			await db.close();
		}
	});

	it('detects a forged checkpoint, a removed one, and a checkpoint of another key', async () => {
		const { db, file } = await journalOf40('forged');
		try {
			for (let i = 41; i <= 45; i++) await journal(db.db, entry(i));
			await makeCheckpoint(db, { file });
			const [first, second] = (await readFile(file, 'utf8')).trim().split('\n');
			// cut the tail, then rewrite the latest checkpoint to match: the signature cannot follow
			await asOwner(db, () => db.db.execute(sql`delete from audit_log where seq > 40`));
			const forged = { ...JSON.parse(second), seq: 40, hash: JSON.parse(first).hash };
			await writeFile(file, `${first}\n${JSON.stringify(forged)}\n`);
			let r = await verifyAudit(db, { file });
			expect(r.problems).toEqual([expect.stringMatching(/^checkpoint line 2 \(entry #40, .*\) has a bad signature: forged or altered$/)]);
			// the first checkpoint removed, the second kept: the file's own chain shows it
			await writeFile(file, `${second}\n`);
			r = await verifyAudit(db, { file });
			expect(r.problems).toEqual(
				expect.arrayContaining([
					expect.stringMatching(/^checkpoint line 1 \(entry #45, .*\) does not follow the line before it/),
					expect.stringMatching(/entries #41 to #45 were removed \(tail cut\)/)
				])
			);
			// a line signed by someone else
			await writeFile(file, `${first}\n`);
			await appendFile(file, JSON.stringify({ ...JSON.parse(second), key: '0123456789abcdef' }) + '\n');
			r = await verifyAudit(db, { file });
			expect(r.problems).toEqual([expect.stringMatching(/^checkpoint line 2 .* is signed with another key/)]);
		} finally {
			await db.close();
		}
	});

	it("names an entry appended behind the application's back (a valid chain hash, but no seal)", async () => {
		const { db, file } = await journalOf40('appended');
		try {
			const [head] = (
				(await db.db.execute(sql`select seq, hash from audit_log order by seq desc limit 1`)) as unknown as { rows: { seq: string; hash: string }[] }
			).rows;
			const at = new Date();
			const fake = {
				at,
				actorKind: 'system',
				actorId: null,
				action: 'pass.contribution.recorded',
				targetType: 'pass_contribution',
				targetId: 'faux',
				departmentCode: '47',
				ip: null,
				beforeDigest: null,
				afterDigest: null,
				details: { amountCents: 100_000_000 }
			};
			const hash = chainHash(head.hash, fake);
			// an INSERT: the append-only triggers do not even need to be disabled
			await db.db.execute(sql`insert into audit_log (seq, at, actor_kind, action, target_type, target_id, department_code, details, prev_hash, hash)
				values (41, ${at.toISOString()}, 'system', 'pass.contribution.recorded', 'pass_contribution', 'faux', '47', ${JSON.stringify(fake.details)}::jsonb, ${head.hash}, ${hash})`);
			expect((await verifyChain(db)).ok).toBe(true);
			expect((await verifyAudit(db, { file })).problems).toEqual([
				expect.stringMatching(/^entry #41 \(id \d+\) has no seal: it was not written by the application$/)
			]);
			await expect(makeCheckpoint(db, { file })).rejects.toBeInstanceOf(AuditIntegrityError);
			// a made-up seal does no better
			await asOwner(db, () => db.db.execute(sql`update audit_log set mac = ${'0'.repeat(64)} where seq = 41`));
			expect((await verifyAudit(db, { file })).problems).toEqual([expect.stringMatching(/^entry #41 \(id \d+\) has a bad seal/)]);
		} finally {
			await db.close();
		}
	});

	it('accepts the unsealed entries written before the seals existed, and none after them', async () => {
		const db = await createEmptyTestDatabase();
		const file = join(dir, 'legacy.jsonl');
		try {
			for (let i = 1; i <= 4; i++) await journal(db.db, entry(i));
			// entries #1 and #2 as migration 0014 leaves older entries: no seal
			await asOwner(db, () => db.db.execute(sql`update audit_log set mac = null where seq <= 2`));
			expect(await makeCheckpoint(db, { file })).toMatchObject({ written: true, checkpoint: { seq: 4, sealedFrom: 3 } });
			expect((await verifyAudit(db, { file })).ok).toBe(true);
			await asOwner(db, () => db.db.execute(sql`update audit_log set mac = null where seq >= 3`));
			expect((await verifyAudit(db, { file })).problems).toEqual(['entries #3 to #4 have no seal (2): they were not written by the application']);
		} finally {
			await db.close();
		}
	});

	it('checkpoints only what is new, and numbers entries without gaps across rolled-back writes', async () => {
		const db = await createEmptyTestDatabase();
		const file = join(dir, 'incremental.jsonl');
		try {
			await journal(db.db, entry(1));
			await expect(
				db.db.transaction(async (tx) => {
					await journal(tx, entry(2));
					throw new Error('rolled back');
				})
			).rejects.toThrow('rolled back');
			await journal(db.db, entry(3));
			const seqs = ((await db.db.execute(sql`select seq from audit_log order by id`)) as unknown as { rows: { seq: number | string }[] }).rows.map((r) =>
				Number(r.seq)
			);
			expect(seqs).toEqual([1, 2]);
			expect(await makeCheckpoint(db, { file })).toMatchObject({ written: true, checked: 2 });
			expect(await makeCheckpoint(db, { file })).toMatchObject({ written: false, checked: 0 });
			await journal(db.db, entry(4));
			expect(await makeCheckpoint(db, { file })).toMatchObject({ written: true, checked: 1, checkpoint: { seq: 3 } });
			let r = await verifyAudit(db, { file });
			expect(r).toMatchObject({ ok: true, entries: 3, checkpoints: { lines: 2, valid: 2 } });
			expect(formatAuditReport(r)).toMatch(/^audit journal: 3 entries \(#1 to #3\), chain intact; 2 checkpoints, the latest at entry #3 \(.*\) matches\n$/);
			// no checkpoint signs a journal tampered with since the latest one
			await journal(db.db, entry(5));
			await journal(db.db, entry(6));
			await asOwner(db, () => db.db.execute(sql`delete from audit_log where seq = 4`));
			const refused = await makeCheckpoint(db, { file }).catch((e) => e);
			expect(refused).toBeInstanceOf(AuditIntegrityError);
			expect(refused.problems).toEqual(['entry #4 is missing']);
			r = await verifyAudit(db, { file });
			expect(r.problems).toEqual(['entry #4 is missing']);
		} finally {
			await db.close();
		}
	});
});
