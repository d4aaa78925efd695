/**
 * Issue 11, finding 8: the ledger accepted consistent tampering. A fake balanced €1 M
 * contribution, a redemption's payment moved to another place, an undone redemption (the
 * code spendable again) all passed `pass verify`. The ledger tables are now append-only
 * in the database, and `verify` checks every posting against its source record and the
 * ledger against the audit journal. Each tampering is done as the database's owner, with
 * raw SQL, the append-only triggers switched off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase } from '../db.ts';
import type { Database } from '../../src/lib/server/db/client.ts';
import { checkCode, formatCode, redeem, verifyLedger } from '../../src/lib/server/pass/index.ts';
import { euros } from '../../src/lib/components/format.ts';
import { chainHash } from '../../src/lib/server/audit/index.ts';
import { passWorld, TODAY } from './pass-world.ts';

let db: Database;
let w: Awaited<ReturnType<typeof passWorld>>;
beforeAll(async () => {
	db = await createTestDatabase();
	w = await passWorld(db);
});
afterAll(async () => db?.close());

const failure = (q: Promise<unknown>) =>
	q.then(
		() => 'accepted',
		(e: Error & { cause?: Error }) => e.cause?.message ?? e.message
	);
const rows = async <T>(q: ReturnType<typeof sql>) => ((await db.db.execute(q)) as unknown as { rows: T[] }).rows;

/** As the tables' owner: the ledger's append-only triggers off for the time of the tampering. */
async function asOwner(fn: () => Promise<unknown>) {
	const triggers = ['pass_ledger_entries', 'pass_ledger_lines'];
	for (const t of triggers) await db.db.execute(sql.raw(`alter table ${t} disable trigger ${t}_no_update_delete`));
	try {
		await fn();
	} finally {
		for (const t of triggers) await db.db.execute(sql.raw(`alter table ${t} enable trigger ${t}_no_update_delete`));
	}
}

describe('issue 11, finding 8: the ledger does not accept consistent tampering', () => {
	let codes: string[];
	beforeAll(async () => {
		codes = (await w.campaign(1)).slice(0, 3);
		await w.handOut(codes);
		for (const code of codes) await redeem(db, w.mediator, { code, accompanimentId: await w.accompaniment(1) });
		expect((await verifyLedger(db)).breaches).toEqual([]);
	});

	it('is append-only: the database refuses UPDATE, DELETE and TRUNCATE of postings', async () => {
		for (const t of ['pass_ledger_entries', 'pass_ledger_lines']) {
			expect(await failure(db.db.execute(sql.raw(`update ${t} set id = id`)))).toMatch(new RegExp(`${t} is append-only \\(UPDATE refused\\)`));
			expect(await failure(db.db.execute(sql.raw(`delete from ${t}`)))).toMatch(new RegExp(`${t} is append-only \\(DELETE refused\\)`));
			expect(await failure(db.db.execute(sql.raw(`truncate ${t} cascade`)))).toMatch(/is append-only \(TRUNCATE refused\)/);
		}
		expect((await verifyLedger(db)).breaches).toEqual([]);
	});

	it('names a fake balanced €1 M contribution, a payment moved to another place and an undone redemption', async () => {
		// 1. €1 M "received" from the CAF: a contribution and its balanced posting, no journal entry
		const [fake] = await rows<{ id: string }>(sql`
			insert into pass_contributions (department_code, funder_id, amount_cents, received_on, agreement_ref)
			values ('47', ${w.caf}, 100000000, ${TODAY}, 'FAUX-1') returning id`);
		await db.db.execute(sql`
			with e as (insert into pass_ledger_entries (department_code, kind, ref_type, ref_id) values ('47', 'contribution', 'contribution', ${fake.id}) returning id)
			insert into pass_ledger_lines (entry_id, account, amount_cents) select e.id, l.a, l.c from e, (values ('cash', 100000000), (${'funder:' + w.caf}, -100000000)) as l(a, c)`);

		// 2. the first redemption's payment moved to another place: the posting and the voucher, consistently
		const [moved] = await rows<{ id: string; entry: number }>(sql`
			select v.id, e.id::int as entry from pass_vouchers v join pass_ledger_entries e on e.kind = 'redemption' and e.ref_id = v.id::text where v.code = ${codes[0]}`);
		await asOwner(async () => {
			await db.db.execute(
				sql`update pass_ledger_lines set account = ${`place:${w.otherPlace}:payable`} where entry_id = ${moved.entry} and account like 'place:%'`
			);
			await db.db.execute(sql`update pass_vouchers set redeemed_place_id = ${w.otherPlace} where id = ${moved.id}`);
		});

		// 3. the second redemption undone: the voucher handed out again, its posting gone
		const [undone] = await rows<{ id: string; entry: number }>(sql`
			select v.id, e.id::int as entry from pass_vouchers v join pass_ledger_entries e on e.kind = 'redemption' and e.ref_id = v.id::text where v.code = ${codes[1]}`);
		await asOwner(async () => {
			await db.db.execute(sql`delete from pass_ledger_lines where entry_id = ${undone.entry}`);
			await db.db.execute(sql`delete from pass_ledger_entries where id = ${undone.entry}`);
			await db.db.execute(
				sql`update pass_vouchers set state = 'distributed', redeemed_at = null, redeemed_by = null, redeemed_place_id = null, redeemed_organisation_id = null, accompaniment_id = null where id = ${undone.id}`
			);
		});
		// the code is spendable again, as far as its row says
		expect((await checkCode(db, w.mediator, { code: codes[1] })).redeemable).toBe(true);

		const report = await verifyLedger(db);
		if (process.env.SECURITY_FIGURES) console.log(report.breaches.join('\n'));
		expect(report.ok).toBe(false);
		const [journal] = await rows<{ seq: string }>(sql`select seq::text from audit_log where action = 'pass.voucher.redeemed' and target_id = ${undone.id}`);
		expect(report.breaches.sort()).toEqual(
			[
				`contribution ${fake.id} (${euros(100_000_000)}) has no journal entry`,
				`voucher ${formatCode(codes[0])} was redeemed at place ${w.lacepede} (journal entry #${(await rows<{ seq: string }>(sql`select seq::text from audit_log where action = 'pass.voucher.redeemed' and target_id = ${moved.id}`))[0].seq}) but says place ${w.otherPlace}`,
				`voucher ${formatCode(codes[1])}: the journal says redeemed (entry #${journal.seq}, at place ${w.lacepede}) but it is distributed`
			].sort()
		);
	});

	it('names a journal entry forged to cover a fake contribution (no seal)', async () => {
		const [fake] = await rows<{ id: string }>(sql`
			insert into pass_contributions (department_code, funder_id, amount_cents, received_on, agreement_ref)
			values ('47', ${w.caf}, 50000000, ${TODAY}, 'FAUX-2') returning id`);
		await db.db.execute(sql`
			with e as (insert into pass_ledger_entries (department_code, kind, ref_type, ref_id) values ('47', 'contribution', 'contribution', ${fake.id}) returning id)
			insert into pass_ledger_lines (entry_id, account, amount_cents) select e.id, l.a, l.c from e, (values ('cash', 50000000), (${'funder:' + w.caf}, -50000000)) as l(a, c)`);
		// its journal entry, chained after the head (a hash anyone can compute), but unsealed
		const [head] = await rows<{ seq: string; hash: string }>(sql`select seq::text, hash from audit_log order by audit_log.seq desc limit 1`);
		const details = { funderId: w.caf, amountCents: 50_000_000, agreementRef: 'FAUX-2' };
		const at = new Date();
		const hash = chainHash(head.hash, {
			at,
			actorKind: 'system',
			actorId: null,
			action: 'pass.contribution.recorded',
			targetType: 'pass_contribution',
			targetId: fake.id,
			departmentCode: '47',
			ip: null,
			beforeDigest: null,
			afterDigest: null,
			details
		});
		const seq = Number(head.seq) + 1;
		await db.db.execute(sql`insert into audit_log (seq, at, actor_kind, action, target_type, target_id, department_code, details, prev_hash, hash)
			values (${seq}, ${at.toISOString()}, 'system', 'pass.contribution.recorded', 'pass_contribution', ${fake.id}, '47', ${JSON.stringify(details)}::jsonb, ${head.hash}, ${hash})`);
		const breaches = (await verifyLedger(db)).breaches;
		expect(breaches).toContain(`journal entry #${seq} (pass.contribution.recorded ${fake.id}) has no seal: not written by the application`);
		expect(breaches.some((b) => b.includes(`contribution ${fake.id}`) && b.includes('no journal entry'))).toBe(false);
	});

	it('names a posting whose source record does not exist', async () => {
		await db.db.execute(sql`
			with e as (insert into pass_ledger_entries (department_code, kind, ref_type, ref_id) values ('47', 'contribution', 'contribution', 'x') returning id)
			insert into pass_ledger_lines (entry_id, account, amount_cents) select e.id, l.a, l.c from e, (values ('cash', 500), ('funder:x', -500)) as l(a, c)`);
		expect((await verifyLedger(db)).breaches).toEqual(
			expect.arrayContaining([expect.stringMatching(/^ledger entry \d+ \(contribution\) refers to contribution x, which does not exist$/)])
		);
	});
});
