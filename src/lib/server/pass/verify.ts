/**
 * What `pass verify` checks beyond the ledger's own arithmetic (ledger.ts, verifyLedger):
 * a ledger that balances proves nothing against someone who writes whole consistent
 * transactions (a fake €1 M contribution with its posting), moves a posting to another
 * place, or undoes a redemption and its posting together. So:
 *
 * - every posting is checked against its source record: a contribution, a voucher, a
 *   statement, a campaign's share: same amounts, same accounts (the funder, the place,
 *   the campaign), same département; a source with no posting, or two, is named;
 * - the ledger is checked against the audit journal (itself anchored outside the
 *   database, audit/checkpoint.ts): every contribution, share paid, redemption and
 *   payment has its journal entry with the same amounts, place and funder, and every such
 *   journal entry has its record in the state it says (a voucher the journal says
 *   redeemed but whose row says distributed is named);
 * - the journal entries relied on carry the application's seal (an entry forged with the
 *   tampering has none: audit/checkpoint.ts);
 * - no accompaniment holds more vouchers than its participants.
 *
 * The ledger tables themselves are append-only (migration 0014). Each query names at most
 * 100 rows.
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { formatCode } from './code.ts';
import { euros } from '../../components/format.ts';
import { seal } from '../audit/index.ts';
import { derivedKey } from '../security/secret.ts';

type Rows<T> = { rows: T[] };

/** The lines of an entry as one comparable text: `account=amount` sorted by account, comma-separated. */
const SIGNATURE = sql.raw(
	`(select string_agg(l.account || '=' || l.amount_cents::text, ',' order by l.account, l.amount_cents) from pass_ledger_lines l where l.entry_id = e.id)`
);

export async function verifySources(db: DbOrTx): Promise<string[]> {
	const breaches: string[] = [];
	const q = async <T>(s: ReturnType<typeof sql>) => ((await db.execute(s)) as unknown as Rows<T>).rows;
	const cents = (v: string | number | null) => euros(Number(v ?? 0));

	// ——— seats: one voucher per participant ———
	for (const r of await q<{ id: string; participants: number; n: number }>(sql`
		select a.id, a.participants, count(v.id)::int as n from accompaniments a join pass_vouchers v on v.accompaniment_id = a.id
		group by a.id having count(v.id) > a.participants limit 100`))
		breaches.push(`accompaniment ${r.id} has ${r.participants} participant${r.participants > 1 ? 's' : ''} but ${r.n} vouchers`);

	// ——— postings against their source records ———
	// the kinds and what they refer to
	for (const r of await q<{ id: number; kind: string; ref_type: string; ref_id: string }>(sql`
		select e.id, e.kind, e.ref_type, e.ref_id from pass_ledger_entries e
		where (e.kind, e.ref_type) not in (('contribution', 'contribution'), ('commitment', 'campaign'), ('activation', 'campaign'),
			('redemption', 'voucher'), ('reimbursement', 'statement'), ('credit_back', 'voucher'))
		limit 100`))
		breaches.push(`ledger entry ${r.id} (${r.kind}) refers to a ${r.ref_type}, which that kind never does`);

	// contributions: cash debited and the funder credited by the amount received, once
	for (const r of await q<{ id: number; ref_id: string; found: boolean; dep_ok: boolean; sig: string | null; expected: string | null }>(sql`
		select e.id, e.ref_id, c.id is not null as found, coalesce(c.department_code = e.department_code, false) as dep_ok, ${SIGNATURE} as sig,
			'cash=' || c.amount_cents::text || ',funder:' || c.funder_id::text || '=' || (-c.amount_cents)::text as expected
		from pass_ledger_entries e left join pass_contributions c on c.id::text = e.ref_id
		where e.kind = 'contribution' and (c.id is null or c.department_code <> e.department_code
			or ${SIGNATURE} is distinct from 'cash=' || c.amount_cents::text || ',funder:' || c.funder_id::text || '=' || (-c.amount_cents)::text)
		limit 100`))
		breaches.push(
			!r.found
				? `ledger entry ${r.id} (contribution) refers to contribution ${r.ref_id}, which does not exist`
				: !r.dep_ok
					? `ledger entry ${r.id} (contribution) is in another département than contribution ${r.ref_id}`
					: `ledger entry ${r.id} (contribution) posts ${r.sig} but contribution ${r.ref_id} says ${r.expected}`
		);
	for (const r of await q<{ id: string; amount: string; n: number }>(sql`
		select c.id, c.amount_cents::text as amount, count(e.id)::int as n from pass_contributions c
		left join pass_ledger_entries e on e.kind = 'contribution' and e.ref_id = c.id::text
		group by c.id having count(e.id) <> 1 limit 100`))
		breaches.push(`contribution ${r.id} (${cents(r.amount)}) has ${r.n} ledger postings`);

	// redemptions: the voucher's campaign owes its face value to the place where it was redeemed
	for (const r of await q<{ id: number; ref_id: string; code: string | null; sig: string | null; expected: string | null; dep_ok: boolean }>(sql`
		select e.id, e.ref_id, v.code, ${SIGNATURE} as sig, coalesce(v.department_code = e.department_code, false) as dep_ok,
			'campaign:' || v.campaign_id::text || ':outstanding=' || v.face_value_cents::text || ',place:' || v.redeemed_place_id || ':payable=' || (-v.face_value_cents)::text as expected
		from pass_ledger_entries e left join pass_vouchers v on v.id::text = e.ref_id
		where e.kind = 'redemption' and (v.id is null or v.department_code <> e.department_code
			or ${SIGNATURE} is distinct from 'campaign:' || v.campaign_id::text || ':outstanding=' || v.face_value_cents::text || ',place:' || v.redeemed_place_id || ':payable=' || (-v.face_value_cents)::text)
		limit 100`))
		breaches.push(
			!r.code
				? `ledger entry ${r.id} (redemption) refers to voucher ${r.ref_id}, which does not exist`
				: !r.dep_ok
					? `ledger entry ${r.id} (redemption) is in another département than voucher ${formatCode(r.code)}`
					: `ledger entry ${r.id} (redemption of voucher ${formatCode(r.code)}) posts ${r.sig} but the voucher says ${r.expected ?? 'it was redeemed nowhere'}`
		);

	// payments: a paid statement's total leaves the cash for the statement's place
	for (const r of await q<{ id: number; ref_id: string; found: boolean; sig: string | null; expected: string | null }>(sql`
		select e.id, e.ref_id, s.id is not null as found, ${SIGNATURE} as sig,
			'cash=' || (-s.total_cents)::text || ',place:' || s.place_id || ':payable=' || s.total_cents::text as expected
		from pass_ledger_entries e left join pass_statements s on s.id::text = e.ref_id
		where e.kind = 'reimbursement' and (s.id is null or s.paid_at is null or s.department_code <> e.department_code
			or ${SIGNATURE} is distinct from 'cash=' || (-s.total_cents)::text || ',place:' || s.place_id || ':payable=' || s.total_cents::text)
		limit 100`))
		breaches.push(
			!r.found
				? `ledger entry ${r.id} (reimbursement) refers to statement ${r.ref_id}, which does not exist`
				: `ledger entry ${r.id} (reimbursement of statement ${r.ref_id}) posts ${r.sig} but the statement says ${r.expected ?? 'it is unpaid'}`
		);
	for (const r of await q<{ id: string; n: number }>(sql`
		select s.id, count(e.id)::int as n from pass_statements s
		left join pass_ledger_entries e on e.kind = 'reimbursement' and e.ref_id = s.id::text
		group by s.id having count(e.id) <> (case when s.paid_at is not null and s.total_cents > 0 then 1 else 0 end) limit 100`))
		breaches.push(`statement ${r.id} has ${r.n} payment postings`);

	// commitments: the funder's share, from its account to the campaign's budget (memo: the funder)
	for (const r of await q<{ id: number; ref_id: string; sig: string | null; expected: string | null }>(sql`
		select e.id, e.ref_id, ${SIGNATURE} as sig,
			'campaign:' || cf.campaign_id::text || ':budget=' || (-cf.share_cents)::text || ',funder:' || cf.funder_id::text || '=' || cf.share_cents::text as expected
		from pass_ledger_entries e left join pass_campaign_funders cf on cf.campaign_id::text = e.ref_id and cf.funder_id::text = e.memo
		where e.kind = 'commitment' and (cf.campaign_id is null or cf.paid_at is null
			or ${SIGNATURE} is distinct from 'campaign:' || cf.campaign_id::text || ':budget=' || (-cf.share_cents)::text || ',funder:' || cf.funder_id::text || '=' || cf.share_cents::text)
		limit 100`))
		breaches.push(
			`ledger entry ${r.id} (commitment to campaign ${r.ref_id}) posts ${r.sig} but the campaign's share says ${r.expected ?? 'no paid share of that funder'}`
		);

	// activations and credit-backs stay within their campaign's accounts (and its funders')
	for (const r of await q<{ id: number; kind: string; account: string }>(sql`
		select e.id, e.kind, l.account from pass_ledger_entries e join pass_ledger_lines l on l.entry_id = e.id
		left join pass_vouchers v on e.kind = 'credit_back' and v.id::text = e.ref_id
		where (e.kind = 'activation' and l.account not in ('campaign:' || e.ref_id || ':budget', 'campaign:' || e.ref_id || ':outstanding'))
			or (e.kind = 'credit_back' and (v.id is null or (l.account <> 'campaign:' || v.campaign_id::text || ':outstanding'
				and not exists (select 1 from pass_campaign_funders cf where cf.campaign_id = v.campaign_id and l.account = 'funder:' || cf.funder_id::text))))
		limit 100`))
		breaches.push(`ledger entry ${r.id} (${r.kind}) posts to ${r.account}, an account foreign to its ${r.kind === 'activation' ? 'campaign' : 'voucher'}`);

	// ——— the ledger against the journal ———
	// the journal entries relied on must be the application's: sealed with the instance's key
	// (audit/service.ts), unless older than the first sealed entry (written before seals existed)
	const sealKey = derivedKey('audit-entries');
	const [first] = await q<{ seq: string | null }>(sql`select min(seq)::text as seq from audit_log where mac is not null`);
	const sealedFrom = first?.seq == null ? null : Number(first.seq);
	let unsealed = 0;
	for (const r of await q<{ seq: string; action: string; target_id: string | null; hash: string; mac: string | null }>(sql`
		select seq::text, action, target_id, hash, mac from audit_log
		where action in ('pass.contribution.recorded', 'pass.share.paid', 'pass.voucher.redeemed', 'pass.statement.paid') order by audit_log.seq`)) {
		const seq = Number(r.seq);
		const ok = r.mac === null ? sealedFrom === null || seq < sealedFrom : r.mac === seal(sealKey, seq, r.hash);
		if (!ok && unsealed++ < 100)
			breaches.push(
				`journal entry #${seq} (${r.action} ${r.target_id ?? ''}) ${r.mac === null ? 'has no seal' : 'has a bad seal'}: not written by the application`
			);
	}

	const J = (action: string, targetType: string) => sql`(select target_id, count(*)::int as n, min(seq) as seq, (array_agg(details order by seq))[1] as details
		from audit_log where action = ${action} and target_type = ${targetType} group by target_id)`;

	// contributions
	for (const r of await q<{
		id: string | null;
		target: string | null;
		amount: string | null;
		n: number | null;
		seq: string | null;
		j_amount: string | null;
		funder_ok: boolean;
	}>(sql`
		with j as ${J('pass.contribution.recorded', 'pass_contribution')}
		select c.id, j.target_id as target, c.amount_cents::text as amount, j.n, j.seq::text, j.details->>'amountCents' as j_amount,
			coalesce(j.details->>'funderId' = c.funder_id::text, false) as funder_ok
		from pass_contributions c full join j on j.target_id = c.id::text
		where c.id is null or j.target_id is null or j.n <> 1 or (j.details->>'amountCents')::bigint is distinct from c.amount_cents or j.details->>'funderId' is distinct from c.funder_id::text
		limit 100`))
		breaches.push(
			!r.id
				? `the journal records contribution ${r.target} (entry #${r.seq}), which does not exist`
				: !r.target
					? `contribution ${r.id} (${cents(r.amount)}) has no journal entry`
					: r.n !== 1
						? `contribution ${r.id} has ${r.n} journal entries`
						: `contribution ${r.id} says ${cents(r.amount)}${r.funder_ok ? '' : ' from another funder'} but its journal entry #${r.seq} says ${cents(r.j_amount)}`
		);

	// shares paid
	for (const r of await q<{
		campaign: string | null;
		funder: string | null;
		target: string | null;
		share: string | null;
		paid: boolean;
		seq: string | null;
	}>(sql`
		with j as (select target_id, details->>'funderId' as funder_id, (details->>'shareCents')::bigint as share, count(*)::int as n, min(seq) as seq
			from audit_log where action = 'pass.share.paid' and target_type = 'pass_campaign' group by target_id, details->>'funderId', details->>'shareCents'),
		cf as (select * from pass_campaign_funders where paid_at is not null)
		select cf.campaign_id::text as campaign, coalesce(cf.funder_id::text, j.funder_id) as funder, j.target_id as target, cf.share_cents::text as share,
			cf.campaign_id is not null as paid, j.seq::text
		from cf full join j on j.target_id = cf.campaign_id::text and j.funder_id = cf.funder_id::text and j.share = cf.share_cents
		where cf.campaign_id is null or j.target_id is null or j.n <> 1
		limit 100`))
		breaches.push(
			r.paid
				? `funder ${r.funder}'s share of campaign ${r.campaign} (${cents(r.share)}) is paid but has no matching journal entry`
				: `the journal records funder ${r.funder}'s share of campaign ${r.target} paid (entry #${r.seq}) but no such share is paid`
		);

	// redemptions: every redeemed voucher journaled as redeemed at its place, and every journaled redemption a redeemed voucher
	for (const r of await q<{
		code: string | null;
		target: string;
		state: string | null;
		n: number | null;
		seq: string | null;
		j_place: string | null;
		place: string | null;
		j_cents: string | null;
		cents: number | null;
	}>(sql`
		with j as ${J('pass.voucher.redeemed', 'pass_voucher')},
		v as (select id, code, state, redeemed_place_id, face_value_cents from pass_vouchers where state in ('redeemed', 'reimbursed') or redeemed_at is not null)
		select coalesce(v.code, (select code from pass_vouchers x where x.id::text = j.target_id)) as code, coalesce(v.id::text, j.target_id) as target,
			coalesce(v.state, (select state from pass_vouchers x where x.id::text = j.target_id)) as state, j.n, j.seq::text,
			j.details->>'placeId' as j_place, v.redeemed_place_id as place, j.details->>'faceValueCents' as j_cents, v.face_value_cents as cents
		from v full join j on j.target_id = v.id::text
		where v.id is null or j.target_id is null or j.n <> 1 or j.details->>'placeId' is distinct from v.redeemed_place_id
			or (j.details->>'faceValueCents')::int is distinct from v.face_value_cents
		limit 100`)) {
		const name = r.code ? `voucher ${formatCode(r.code)}` : `voucher ${r.target}`;
		breaches.push(
			r.n === null
				? `${name} is ${r.state} but the journal has no redemption of it`
				: !r.place && r.j_place
					? `${name}: the journal says redeemed (entry #${r.seq}, at place ${r.j_place}) but it is ${r.state ?? 'missing'}`
					: r.n !== 1
						? `${name} is redeemed ${r.n} times in the journal`
						: r.j_place !== r.place
							? `${name} was redeemed at place ${r.j_place} (journal entry #${r.seq}) but says place ${r.place}`
							: `${name} is worth ${cents(r.cents)} but its redemption (journal entry #${r.seq}) says ${cents(r.j_cents)}`
		);
	}

	// payments of statements
	for (const r of await q<{ id: string | null; target: string | null; total: string | null; n: number | null; seq: string | null; j_total: string | null }>(sql`
		with j as ${J('pass.statement.paid', 'pass_statement')},
		s as (select id, total_cents from pass_statements where paid_at is not null)
		select s.id, j.target_id as target, s.total_cents::text as total, j.n, j.seq::text, j.details->>'totalCents' as j_total
		from s full join j on j.target_id = s.id::text
		where s.id is null or j.target_id is null or j.n <> 1 or (j.details->>'totalCents')::bigint is distinct from s.total_cents
		limit 100`))
		breaches.push(
			!r.id
				? `the journal records statement ${r.target} paid (entry #${r.seq}) but it is not paid`
				: !r.target
					? `statement ${r.id} is paid (${cents(r.total)}) but the journal has no payment of it`
					: r.n !== 1
						? `statement ${r.id} is paid ${r.n} times in the journal`
						: `statement ${r.id} was paid ${cents(r.total)} but its journal entry #${r.seq} says ${cents(r.j_total)}`
		);

	return breaches;
}
