/**
 * The Pass Numérique's double-entry ledger: posting a balanced transaction, the accounts'
 * balances, and the check of the fund's invariants (`npx maillage pass verify`; the checks
 * against the source records and the journal are in verify.ts).
 */
import { sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import { formatCode } from './code.ts';
import { verifySources } from './verify.ts';
import { ACCOUNT, sumsToZero, type LedgerKind, type Line } from './model.ts';
import { monthBounds, monthOf, parisDay } from '../../time.ts';
import { monthLabel } from '../../components/format.ts';
import { rowsOf } from './internal.ts';
import { organisationNames } from '../accounts/index.ts';

/** Posts a balanced transaction (one statement: the entry and its lines). */
export async function post(
	tx: DbOrTx,
	t: { departmentCode: string; kind: LedgerKind; refType: string; refId: string; memo?: string | null; lines: Line[] }
): Promise<void> {
	if (!t.lines.length || !sumsToZero(t.lines)) throw new Error(`ledger: unbalanced ${t.kind} transaction`);
	const accounts = `{${t.lines.map((l) => l.account).join(',')}}`;
	const amounts = `{${t.lines.map((l) => l.amountCents).join(',')}}`;
	await tx.execute(sql`
		with e as (
			insert into pass_ledger_entries (department_code, kind, ref_type, ref_id, memo)
			values (${t.departmentCode}, ${t.kind}, ${t.refType}, ${t.refId}, ${t.memo ?? null})
			returning id
		)
		insert into pass_ledger_lines (entry_id, account, amount_cents)
		select e.id, l.account, l.amount from e, unnest(${accounts}::text[], ${amounts}::bigint[]) as l(account, amount)`);
}

/** Balances of the accounts (debit positive), optionally those starting with a prefix. */
export async function balances(db: DbOrTx, departmentCode: string | null, prefix?: string): Promise<Map<string, number>> {
	const rows = rowsOf<{ account: string; balance: string }>(
		await db.execute(sql`
			select l.account, sum(l.amount_cents)::text as balance
			from pass_ledger_lines l join pass_ledger_entries e on e.id = l.entry_id
			where (${departmentCode}::text is null or e.department_code = ${departmentCode})
				and (${prefix ?? null}::text is null or l.account like ${(prefix ?? '') + '%'})
			group by l.account`)
	);
	return new Map(rows.map((r) => [r.account, Number(r.balance)]));
}

export async function balanceOf(db: DbOrTx, account: string): Promise<number> {
	const [r] = rowsOf<{ b: string | null }>(await db.execute(sql`select sum(amount_cents)::text as b from pass_ledger_lines where account = ${account}`));
	return Number(r?.b ?? 0);
}

/** What a funder paid in and has not committed yet (its account's credit balance). */
export async function funderAvailable(db: DbOrTx, funderId: string): Promise<number> {
	return -(await balanceOf(db, ACCOUNT.funder(funderId))) || 0;
}

// ——— verification of the ledger's invariants ———

export interface VerifyReport {
	ok: boolean;
	checked: { entries: number; lines: number; vouchers: number; statements: number };
	breaches: string[];
}

/**
 * Checks the fund's invariants and names every breach: each transaction sums to zero
 * (so all balances sum to zero); each voucher is in exactly one known state, with what
 * that state requires; the campaigns' outstanding accounts equal the value of their
 * vouchers in circulation; the places' payables equal their redeemed, unreimbursed
 * vouchers; each redeemed voucher has exactly one redemption posting and, once its month
 * is over, is on exactly one statement whose totals match; no account is overdrawn; and
 * (verify.ts) every posting matches its source record, the ledger matches the journal,
 * no accompaniment holds more vouchers than its participants.
 */
export async function verifyLedger(database: Database, today = parisDay()): Promise<VerifyReport> {
	const db = database.db;
	const breaches: string[] = [];
	const q = async <T>(s: ReturnType<typeof sql>) => rowsOf<T>(await db.execute(s));
	// fresh statistics: the checks join whole tables, a plan made on stale counts can be quadratic
	await db.execute(sql`analyze pass_vouchers, pass_ledger_entries, pass_ledger_lines, pass_statements, pass_campaigns`);
	const [counts] = await q<{ entries: number; lines: number; vouchers: number; statements: number }>(sql`
		select (select count(*)::int from pass_ledger_entries) as entries, (select count(*)::int from pass_ledger_lines) as lines,
			(select count(*)::int from pass_vouchers) as vouchers, (select count(*)::int from pass_statements) as statements`);

	for (const r of await q<{ id: number; kind: string; sum: string; n: number }>(sql`
		select e.id, e.kind, coalesce(sum(l.amount_cents), 0)::text as sum, count(l.id)::int as n
		from pass_ledger_entries e left join pass_ledger_lines l on l.entry_id = e.id group by e.id having coalesce(sum(l.amount_cents), 0) <> 0 or count(l.id) < 2`))
		breaches.push(`ledger entry ${r.id} (${r.kind}) is unbalanced: its ${r.n} lines sum to ${r.sum} cents`);
	const [total] = await q<{ s: string }>(sql`select coalesce(sum(amount_cents), 0)::text as s from pass_ledger_lines`);
	if (Number(total.s) !== 0) breaches.push(`the balances sum to ${total.s} cents, not 0`);

	for (const r of await q<{ account: string; b: string }>(sql`
		select account, sum(amount_cents)::text as b from pass_ledger_lines group by account
		having (account = 'cash' and sum(amount_cents) < 0) or (account <> 'cash' and sum(amount_cents) > 0)`))
		breaches.push(`account ${r.account} is overdrawn: balance ${r.b} cents`);

	const states = `{created,activated,distributed,redeemed,reimbursed,expired,cancelled,credited_back}`;
	for (const r of await q<{ id: string; code: string; state: string; why: string }>(sql`
		select id, code, state, case
			when state <> all(${states}::text[]) then 'an unknown state'
			when state <> 'created' and activated_at is null and not (state = 'cancelled') then 'no activation date'
			when state = 'created' and activated_at is not null then 'an activation date while created'
			when state in ('distributed', 'redeemed', 'reimbursed') and distributed_at is null then 'no distribution'
			when state in ('redeemed', 'reimbursed') and (redeemed_at is null or redeemed_place_id is null) then 'no redemption'
			when state in ('created', 'activated', 'distributed') and redeemed_at is not null then 'a redemption while ' || state
			when state = 'reimbursed' and (reimbursed_at is null or statement_id is null) then 'no reimbursement'
			when state in ('expired', 'cancelled', 'credited_back') and ended_at is null then 'no end date'
			when state = 'credited_back' and credited_back_at is null then 'no credit-back date'
			when statement_id is not null and state not in ('redeemed', 'reimbursed') then 'a statement while ' || state
		end as why
		from pass_vouchers
		where state <> all(${states}::text[])
			or (state <> 'created' and activated_at is null and state <> 'cancelled')
			or (state = 'created' and activated_at is not null)
			or (state in ('distributed', 'redeemed', 'reimbursed') and distributed_at is null)
			or (state in ('redeemed', 'reimbursed') and (redeemed_at is null or redeemed_place_id is null))
			or (state in ('created', 'activated', 'distributed') and redeemed_at is not null)
			or (state = 'reimbursed' and (reimbursed_at is null or statement_id is null))
			or (state in ('expired', 'cancelled', 'credited_back') and ended_at is null)
			or (state = 'credited_back' and credited_back_at is null)
			or (statement_id is not null and state not in ('redeemed', 'reimbursed'))
		limit 100`))
		breaches.push(`voucher ${formatCode(r.code)} is ${r.state} with ${r.why}`);

	// redemption postings: exactly one per redeemed voucher, none for others
	for (const r of await q<{ code: string; state: string; n: number }>(sql`
		with r as (select ref_id, count(*)::int as n from pass_ledger_entries where ref_type = 'voucher' and kind = 'redemption' group by ref_id)
		select v.code, v.state, coalesce(r.n, 0) as n from pass_vouchers v left join r on r.ref_id = v.id::text
		where coalesce(r.n, 0) <> (case when v.state in ('redeemed', 'reimbursed') or (v.redeemed_at is not null) then 1 else 0 end)
		limit 100`))
		breaches.push(`voucher ${formatCode(r.code)} (${r.state}) has ${r.n} redemption postings`);
	for (const r of await q<{ code: string; state: string; n: number }>(sql`
		with r as (select ref_id, count(*)::int as n from pass_ledger_entries where ref_type = 'voucher' and kind = 'credit_back' group by ref_id)
		select v.code, v.state, coalesce(r.n, 0) as n from pass_vouchers v left join r on r.ref_id = v.id::text
		where coalesce(r.n, 0) <> (case when v.state = 'credited_back' then 1 else 0 end)
		limit 100`))
		breaches.push(`voucher ${formatCode(r.code)} (${r.state}) has ${r.n} credit-back postings`);

	// outstanding per campaign = value of activated vouchers not yet redeemed nor credited back
	for (const r of await q<{ name: string; ledger: string; vouchers: string }>(sql`
		select c.name,
			coalesce((select -sum(amount_cents) from pass_ledger_lines where account = 'campaign:' || c.id::text || ':outstanding'), 0)::text as ledger,
			coalesce((select sum(face_value_cents) from pass_vouchers v where v.campaign_id = c.id and v.activated_at is not null and v.state in ('activated', 'distributed', 'expired', 'cancelled')), 0)::text as vouchers
		from pass_campaigns c`))
		if (r.ledger !== r.vouchers) breaches.push(`campaign « ${r.name} »: outstanding account ${r.ledger} cents, vouchers in circulation ${r.vouchers} cents`);

	// payable per place = value redeemed and not reimbursed
	for (const r of await q<{ account: string; ledger: string; vouchers: string }>(sql`
		with l as (select account, -sum(amount_cents) as b from pass_ledger_lines where account like 'place:%' group by account),
		v as (select 'place:' || redeemed_place_id || ':payable' as account, sum(face_value_cents) as b from pass_vouchers where state = 'redeemed' group by redeemed_place_id)
		select coalesce(l.account, v.account) as account, coalesce(l.b, 0)::text as ledger, coalesce(v.b, 0)::text as vouchers
		from l full join v on v.account = l.account where coalesce(l.b, 0) <> coalesce(v.b, 0)`))
		breaches.push(`${r.account}: ledger owes ${r.ledger} cents, redeemed unreimbursed vouchers are worth ${r.vouchers} cents`);

	// statements: redeemed in a finished month ⇒ on one statement of that month and place; totals match
	const monthStart = monthBounds(monthOf(today)).start.toISOString();
	for (const r of await q<{ code: string }>(sql`
		select code from pass_vouchers where state in ('redeemed', 'reimbursed') and statement_id is null and redeemed_at < ${monthStart} limit 100`))
		breaches.push(`voucher ${formatCode(r.code)} was redeemed in a finished month and is on no statement`);
	for (const r of await q<{ code: string }>(sql`
		select v.code from pass_vouchers v join pass_statements s on s.id = v.statement_id
		where s.place_id <> v.redeemed_place_id or to_char(v.redeemed_at at time zone 'Europe/Paris', 'YYYY-MM') <> to_char(s.month, 'YYYY-MM') limit 100`))
		breaches.push(`voucher ${formatCode(r.code)} is on a statement of another place or month`);
	for (const r of await q<{ id: string; month: string; count: number; total: string; n: number; sum: string }>(sql`
		select s.id, s.month::text, s.voucher_count as count, s.total_cents::text as total, count(v.id)::int as n, coalesce(sum(v.face_value_cents), 0)::text as sum
		from pass_statements s left join pass_vouchers v on v.statement_id = s.id group by s.id
		having s.voucher_count <> count(v.id) or s.total_cents <> coalesce(sum(v.face_value_cents), 0)`))
		breaches.push(`statement ${r.id} (${monthLabel(r.month)}) says ${r.count} vouchers / ${r.total} cents but holds ${r.n} / ${r.sum}`);
	for (const r of await q<{ id: string; ledger: string; total: string }>(sql`
		select s.id, coalesce((select sum(l.amount_cents) from pass_ledger_entries e join pass_ledger_lines l on l.entry_id = e.id
			where e.kind = 'reimbursement' and e.ref_id = s.id::text and l.account = 'cash'), 0)::text as ledger,
			(case when s.paid_at is null then 0 else s.total_cents end)::text as total
		from pass_statements s
		where coalesce((select -sum(l.amount_cents) from pass_ledger_entries e join pass_ledger_lines l on l.entry_id = e.id
			where e.kind = 'reimbursement' and e.ref_id = s.id::text and l.account = 'cash'), 0) <> (case when s.paid_at is null then 0 else s.total_cents end)`))
		breaches.push(`statement ${r.id}: paid ${r.total} cents but the ledger's reimbursement is ${-Number(r.ledger)} cents`);

	// each funder's paid shares are on the ledger as commitments
	const shares = await q<{ funder_id: string; campaign: string; share: string; posted: string }>(sql`
		select cf.funder_id, c.name as campaign, cf.share_cents::text as share,
			coalesce((select sum(l.amount_cents) from pass_ledger_entries e join pass_ledger_lines l on l.entry_id = e.id
				where e.kind = 'commitment' and e.ref_id = c.id::text and l.account = 'funder:' || cf.funder_id::text), 0)::text as posted
		from pass_campaign_funders cf join pass_campaigns c on c.id = cf.campaign_id
		where coalesce((select sum(l.amount_cents) from pass_ledger_entries e join pass_ledger_lines l on l.entry_id = e.id
			where e.kind = 'commitment' and e.ref_id = c.id::text and l.account = 'funder:' || cf.funder_id::text), 0) <> (case when cf.paid_at is null then 0 else cf.share_cents end)`);
	const funders = await organisationNames(
		db,
		shares.map((r) => r.funder_id)
	);
	for (const r of shares)
		breaches.push(`${funders.get(r.funder_id) ?? r.funder_id}'s share of « ${r.campaign} » (${r.share} cents) is posted as ${r.posted} cents`);

	// every posting against its source record, the ledger against the journal, the seats (verify.ts)
	breaches.push(...(await verifySources(db)));

	return { ok: breaches.length === 0, checked: counts, breaches };
}
