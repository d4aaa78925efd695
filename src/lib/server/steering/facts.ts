/**
 * The steering space's pre-aggregation (issue 16; docs/decisions/0018): the sources
 * (assessments, referrals and their events, accompaniments, Pass Numérique vouchers and
 * contributions) counted per département × month × commune × structure × dimension in
 * `steering_facts`, so that a steering page reads a few thousand rows whatever the size of
 * the network.
 *
 * Incremental: each refresh finds the months whose sources changed since the last one (the
 * watermark, less a margin for transactions that committed late) and writes each of them
 * again whole (delete and insert in one transaction): running it twice, or in two
 * processes at once (an advisory lock per département), gives the same rows.
 *
 * Which month a fact counts in never changes once the month is published (publication.ts):
 * an act counts in its own month if it was recorded before that month's publication, else
 * in the month it was recorded in; events (a referral answered, a voucher redeemed) count in
 * the month they happened, which is when they are recorded. So a published month's figures
 * never move, and a refresh only ever rewrites months not yet published.
 *
 * Reads every row of the département: runs as the tables' owner (the scheduled job, the
 * command line), never in a request.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Database, Tx } from '../db/client.ts';
import { rowsOf } from '../db/client.ts';
import { getInstanceSettings } from '../territory/index.ts';
import { monthOf, nextMonth, parisDay, parisMidnight, previousMonth } from '../../time.ts';
import { publicationInstant } from './publication.ts';
import { TRAINING_FACT_KINDS, trainingChangedMonths, trainingFirst, writeTrainingMonth } from './training-facts.ts';

/** Sources changed this long before the last refresh's start are read again (transactions that committed after it). */
export const WATERMARK_MARGIN_MS = 10 * 60_000;
/** a month published within this of the refresh's clock counts as published (the database's clock may differ) */
const CLOCK_MARGIN_MS = 60 * 60_000;

/** The kinds of facts (the `kind` column), with what dim_a and dim_b hold. */
export const FACT_KINDS = {
	assessment: 'assessments (commune of residence, structure)',
	assessment_axis: 'assessments by axis (dim_a) and autonomy level (dim_b)',
	assessment_need: 'needs expressed in assessments (dim_a: the answer to « besoin »)',
	referral_sent: 'referrals sent (commune of residence, origin structure)',
	referral_need: 'referrals sent by need of the linked assessment (dim_a, `non_precise` without one)',
	referral_event: 'referrals moved to a status in the month (dim_a: status, dim_b: decline reason)',
	referral_place: 'referrals per place (commune of the place; dim_a: place, dim_b: `sent` or the status reached)',
	referral_delay: 'first answers of places, by delay bucket (dim_a: lower bound in days)',
	accompaniment: 'accompaniments by kind (dim_a), `persons` the participants',
	accompaniment_theme: 'accompaniments by theme (dim_a)',
	accompaniment_procedure: 'accompaniments by procedure theme (dim_a)',
	accompaniment_autonomy: 'individual accompaniments by autonomy reached (dim_a, empty when not said)',
	accompaniment_profile: 'persons accompanied by gender, age band or status (dim_a), value (dim_b)',
	voucher: 'Pass Numérique vouchers by event (dim_a) and campaign (dim_b), face value in amount_cents',
	voucher_funder: 'the same per funder (organisation_id), value prorated to its share',
	contribution: 'contributions received by the fund (organisation_id: the funder)',
	...TRAINING_FACT_KINDS
} as const;
export type FactKind = keyof typeof FACT_KINDS;

import { DELAY_BUCKETS } from './facts-buckets.ts';
export { DELAY_BUCKETS };

const parisMonth = (col: SQL) => sql`to_char((${col} AT TIME ZONE 'Europe/Paris'), 'YYYY-MM-01')`;
/** the instant an accompaniment's month (of its date) is published (publication.ts), in SQL */
const accompanimentPublication = sql`((date_trunc('month', a.date) + interval '1 month 4 days')::timestamp AT TIME ZONE 'Europe/Paris')`;

/** a referral event that moved it to a status the funnel counts */
const MOVED = sql`e.to_status in ('accepted', 'honoured', 'declined', 'no_show', 'expired', 'withdrawn') and e.to_status is distinct from e.from_status`;

/** The months of a département whose sources changed since `since` (first days, sorted). */
async function changedMonths(tx: Tx, dept: string, since: Date): Promise<string[]> {
	const rows = rowsOf(tx as never)<{ month: string }>(sql`
		select ${parisMonth(sql`a.created_at`)} as month from assessments a join beneficiaries b on b.id = a.beneficiary_id
			where a.created_at > ${since} and b.department_code = ${dept}
		union select ${parisMonth(sql`r.sent_at`)} from referrals r where r.department_code = ${dept} and r.sent_at > ${since}
		union select ${parisMonth(sql`e.at`)} from referral_events e join referrals r on r.id = e.referral_id where e.at > ${since} and r.department_code = ${dept}
		union select case when a.created_at < ${accompanimentPublication} then to_char(a.date, 'YYYY-MM-01') else ${parisMonth(sql`a.created_at`)} end
			from accompaniments a where a.created_at > ${since} and a.department_code = ${dept}
		union select ${parisMonth(sql`ev.at`)} from pass_vouchers v
			cross join lateral (values (v.activated_at), (v.distributed_at), (v.redeemed_at), (v.reimbursed_at), (v.ended_at)) ev(at)
			where v.department_code = ${dept} and ev.at > ${since}
		union select to_char(c.received_on, 'YYYY-MM-01') from pass_contributions c where c.department_code = ${dept} and c.created_at > ${since}
		union ${trainingChangedMonths(dept, since)}`);
	return (await rows).map((r) => r.month);
}

/** Every month a département has sources in, up to the current one. */
async function allMonths(tx: Tx, dept: string, today: string): Promise<string[]> {
	const [r] = await rowsOf(tx as never)<{ first: string | null }>(sql`
		select least(
			(select min(a.created_at) from assessments a join beneficiaries b on b.id = a.beneficiary_id where b.department_code = ${dept}),
			(select min(sent_at) from referrals where department_code = ${dept}),
			(select min(date)::timestamptz from accompaniments where department_code = ${dept}),
			(select min(activated_at) from pass_vouchers where department_code = ${dept}),
			(select min(received_on)::timestamptz from pass_contributions where department_code = ${dept}),
			${trainingFirst(dept)})::text as first`);
	if (!r?.first) return [];
	const out: string[] = [];
	for (let m = monthOf(parisDay(new Date(r.first))); m <= monthOf(today); m = nextMonth(m)) out.push(m);
	return out;
}

/** Writes one month of one département again, whole. */
async function writeMonth(tx: Tx, dept: string, month: string): Promise<void> {
	const next = nextMonth(month);
	const S = parisMidnight(month);
	const E = parisMidnight(next);
	const head = (kind: FactKind) => sql`${dept}, ${month}::date, ${kind}`;
	const ins = (q: SQL) =>
		tx.execute(sql`insert into steering_facts (department_code, month, kind, commune_code, organisation_id, dim_a, dim_b, n, persons, amount_cents) ${q}`);
	// every kind named, so that the primary key (département, kind, month, …) finds the month's rows of each
	const kinds = sql.raw(
		`(${Object.keys(FACT_KINDS)
			.map((k) => `'${k}'`)
			.join(', ')})`
	);
	const thisMonth = sql`department_code = ${dept} and kind in ${kinds} and month = ${month}::date`;
	// the month's sums are sorted in memory, not on disk (a month of Pas-de-Calais: 44,000 rows)
	await tx.execute(sql`set local work_mem = '64MB'`);
	await tx.execute(sql`delete from steering_facts where ${thisMonth}`);
	await tx.execute(sql`delete from steering_facts_summed where ${thisMonth}`);

	// assessments: how many, autonomy per axis, needs
	const assessed = sql`from assessments a join beneficiaries b on b.id = a.beneficiary_id
		where b.department_code = ${dept} and a.created_at >= ${S} and a.created_at < ${E}`;
	const needs = (col: SQL) => sql`jsonb_array_elements_text(case when jsonb_typeof(${col}) = 'array' then ${col} else '[]'::jsonb end)`;
	await ins(sql`select ${head('assessment')}, coalesce(b.commune_code, ''), coalesce(a.organisation_id::text, ''), '', '', count(*)::int, count(*)::int, 0
		${assessed} group by 4, 5`);
	await ins(sql`select ${head('assessment_axis')}, coalesce(b.commune_code, ''), coalesce(a.organisation_id::text, ''), p.key, coalesce(p.value, ''), count(*)::int, count(*)::int, 0
		from assessments a join beneficiaries b on b.id = a.beneficiary_id
		cross join lateral jsonb_each_text(coalesce(a.result -> 'profile', '{}'::jsonb)) p
		where b.department_code = ${dept} and a.created_at >= ${S} and a.created_at < ${E} group by 4, 5, 6, 7`);
	await ins(sql`select ${head('assessment_need')}, coalesce(b.commune_code, ''), coalesce(a.organisation_id::text, ''), nd.v, '', count(*)::int, count(*)::int, 0
		from assessments a join beneficiaries b on b.id = a.beneficiary_id cross join lateral ${needs(sql`a.answers -> 'besoin'`)} nd(v)
		where b.department_code = ${dept} and a.created_at >= ${S} and a.created_at < ${E} group by 4, 5, 6`);

	// referrals sent, by need, moved to a status, per place, first answers
	const sent = sql`from referrals r join beneficiaries b on b.id = r.beneficiary_id where r.department_code = ${dept} and r.sent_at >= ${S} and r.sent_at < ${E}`;
	await ins(
		sql`select ${head('referral_sent')}, coalesce(b.commune_code, ''), r.from_organisation_id::text, '', '', count(*)::int, count(*)::int, 0 ${sent} group by 4, 5`
	);
	await ins(sql`select ${head('referral_need')}, coalesce(b.commune_code, ''), r.from_organisation_id::text, coalesce(nd.v, 'non_precise'), '', count(*)::int, count(*)::int, 0
		from referrals r join beneficiaries b on b.id = r.beneficiary_id
		left join assessments a on a.id = r.assessment_id
		left join lateral ${needs(sql`a.answers -> 'besoin'`)} nd(v) on true
		where r.department_code = ${dept} and r.sent_at >= ${S} and r.sent_at < ${E} group by 4, 5, 6`);
	await ins(sql`select ${head('referral_event')}, coalesce(b.commune_code, ''), r.from_organisation_id::text, e.to_status,
			case when e.to_status = 'declined' then coalesce(r.decline_reason, 'other') else '' end, count(*)::int, count(*)::int, 0
		from referral_events e join referrals r on r.id = e.referral_id join beneficiaries b on b.id = r.beneficiary_id
		where r.department_code = ${dept} and e.at >= ${S} and e.at < ${E} and ${MOVED}
		group by 4, 5, 6, 7`);
	await ins(sql`select ${head('referral_place')}, coalesce(p.code_insee, ''), r.from_organisation_id::text, r.place_id, 'sent', count(*)::int, count(*)::int, 0
		from referrals r left join places p on p.id = r.place_id where r.department_code = ${dept} and r.sent_at >= ${S} and r.sent_at < ${E} group by 4, 5, 6
		union all
		select ${head('referral_place')}, coalesce(p.code_insee, ''), r.from_organisation_id::text, r.place_id, e.to_status, count(*)::int, count(*)::int, 0
		from referral_events e join referrals r on r.id = e.referral_id left join places p on p.id = r.place_id
		where r.department_code = ${dept} and e.at >= ${S} and e.at < ${E} and ${MOVED}
		group by 4, 5, 6, 7`);
	const bucket = sql.raw(
		`case ${[...DELAY_BUCKETS]
			.reverse()
			.map((b) => `when d >= ${b} then '${b}'`)
			.join(' ')} end`
	);
	await ins(sql`select ${head('referral_delay')}, coalesce(b.commune_code, ''), r.from_organisation_id::text, x.bucket, '', count(*)::int, count(*)::int, 0
		from (select e.referral_id, min(e.at) as at from referral_events e
			where e.type in ('study', 'accept', 'decline')
				and e.referral_id in (select x.referral_id from referral_events x join referrals rx on rx.id = x.referral_id
					where rx.department_code = ${dept} and x.at >= ${S} and x.at < ${E} and x.type in ('study', 'accept', 'decline'))
			group by e.referral_id having min(e.at) >= ${S} and min(e.at) < ${E}) f
		join referrals r on r.id = f.referral_id join beneficiaries b on b.id = r.beneficiary_id
		cross join lateral (select extract(epoch from (f.at - r.sent_at)) / 86400 as d) dd
		cross join lateral (select ${bucket} as bucket from (select dd.d) z(d)) x
		where r.department_code = ${dept} group by 4, 5, 6`);

	// accompaniments: counted in the month of their date when recorded before its publication, else in the month recorded
	// two disjoint parts, each read through its own index (department and date; recording time)
	const acc = sql`with ac as (
		select a.*, coalesce(p.code_insee, a.commune_code, '') as commune from accompaniments a left join places p on p.id = a.place_id
		where a.department_code = ${dept} and a.date >= ${month}::date and a.date < ${next}::date and a.created_at < ${publicationInstant(month)}
		union all
		select a.*, coalesce(p.code_insee, a.commune_code, '') as commune from accompaniments a left join places p on p.id = a.place_id
		where a.department_code = ${dept} and a.created_at >= ${S} and a.created_at < ${E} and a.created_at >= ${accompanimentPublication})`;
	await ins(sql`${acc}
		select ${head('accompaniment')}, commune, organisation_id::text, kind, '', count(*)::int, sum(participants)::int, 0 from ac group by 4, 5, 6
		union all select ${head('accompaniment_theme')}, commune, organisation_id::text, t.v, '', count(*)::int, sum(participants)::int, 0 from ac cross join lateral unnest(ac.themes) t(v) group by 4, 5, 6
		union all select ${head('accompaniment_procedure')}, commune, organisation_id::text, t.v, '', count(*)::int, sum(participants)::int, 0 from ac cross join lateral unnest(ac.procedure_themes) t(v) group by 4, 5, 6
		union all select ${head('accompaniment_autonomy')}, commune, organisation_id::text, coalesce(autonomy, ''), '', count(*)::int, count(*)::int, 0 from ac where kind = 'individual' group by 4, 5, 6
		union all select ${head('accompaniment_profile')}, ac.commune, ac.organisation_id::text, d.dim, x.k, sum(x.c)::int, sum(x.c)::int, 0
			from ac cross join (values ('gender', 'gender'), ('age', 'ageBand'), ('status', 'status')) d(dim, jkey)
			cross join lateral (
				select case d.dim when 'gender' then coalesce(ac.gender, 'unknown') when 'age' then coalesce(ac.age_band, 'unknown') else coalesce(ac.social_status, 'unknown') end as k, 1 as c
					where ac.kind = 'individual'
				union all select e.key, e.value::int from jsonb_each_text(coalesce(ac.breakdown -> d.jkey, '{}'::jsonb)) e where ac.kind = 'collective'
				union all select 'unknown', ac.participants - coalesce((select sum(e2.value::int) from jsonb_each_text(coalesce(ac.breakdown -> d.jkey, '{}'::jsonb)) e2), 0)
					where ac.kind = 'collective') x
			where x.c > 0 group by 4, 5, 6, 7`);

	// Pass Numérique: vouchers by event (the commune of the place that redeemed it, else the person's), contributions
	const events = sql`from pass_vouchers v
		left join places p on p.id = v.redeemed_place_id left join beneficiaries b on b.id = v.beneficiary_id
		cross join lateral (values ('issued', v.activated_at), ('distributed', v.distributed_at), ('redeemed', v.redeemed_at), ('reimbursed', v.reimbursed_at),
			('expired', case when v.ended_reason = 'expired' then v.ended_at end)) ev(e, at)`;
	await ins(sql`select ${head('voucher')}, coalesce(p.code_insee, b.commune_code, ''), '', ev.e, v.campaign_id::text, count(*)::int, count(*)::int, sum(v.face_value_cents)::bigint
		${events} where v.department_code = ${dept} and ev.at >= ${S} and ev.at < ${E} group by 4, 5, 6, 7`);
	await ins(sql`select ${head('voucher_funder')}, coalesce(p.code_insee, b.commune_code, ''), cf.funder_id::text, ev.e, v.campaign_id::text, count(*)::int, count(*)::int,
			round(sum(v.face_value_cents::numeric * cf.share_cents / nullif(t.total, 0)))::bigint
		${events} join pass_campaign_funders cf on cf.campaign_id = v.campaign_id
		cross join lateral (select sum(share_cents) as total from pass_campaign_funders where campaign_id = v.campaign_id) t
		where v.department_code = ${dept} and ev.at >= ${S} and ev.at < ${E} group by 4, 5, 6, 7`);
	await ins(sql`select ${head('contribution')}, '', c.funder_id::text, '', '', count(*)::int, 0, sum(c.amount_cents)::bigint
		from pass_contributions c where c.department_code = ${dept} and c.received_on >= ${month}::date and c.received_on < ${next}::date group by 5`);

	// the trainings (training-facts.ts)
	await writeTrainingMonth(tx, dept, month, head, ins);

	// the same facts summed over the communes (what the tables not drawn by commune read)
	await tx.execute(sql`insert into steering_facts_summed (department_code, month, kind, organisation_id, dim_a, dim_b, n, persons, amount_cents)
		select department_code, month, kind, organisation_id, dim_a, dim_b, sum(n), sum(persons), sum(amount_cents) from steering_facts
		where ${thisMonth} group by 1, 2, 3, 4, 5, 6`);
}

export interface RefreshReport {
	departments: { code: string; months: string[] }[];
	ms: number;
}

/**
 * Refreshes the steering figures: every département of the instance (or those given), the
 * months changed since the last refresh (every month with `full`). Idempotent, safe in two
 * processes at once.
 */
export async function refreshSteeringFacts(database: Database, opts: { full?: boolean; departments?: string[]; now?: Date } = {}): Promise<RefreshReport> {
	const t = performance.now();
	const owner = database.privileged;
	const now = opts.now ?? new Date();
	const today = parisDay(now);
	const codes = opts.departments ?? (await getInstanceSettings(owner)).departmentCodes;
	const out: RefreshReport['departments'] = [];
	for (const dept of codes) {
		const lock = sql`select pg_advisory_xact_lock(hashtext(${`steering-refresh:${dept}`}))`;
		// what to write again: read under the lock, so that two processes agree
		const { months, startedAt } = await owner.db.transaction(async (tx) => {
			await tx.execute(lock);
			const [state] = await rowsOf(tx as never)<{ watermark: string }>(sql`select watermark::text from steering_refresh where department_code = ${dept}`);
			const startedAt = new Date((await rowsOf(tx as never)<{ now: string }>(sql`select now()::text as now`))[0].now);
			const since = opts.full || !state ? null : new Date(new Date(state.watermark).getTime() - WATERMARK_MARGIN_MS);
			const found = since ? await changedMonths(tx, dept, since) : await allMonths(tx, dept, today);
			// the months not published yet are always written again (cheap, and nothing missed at the publication's edge)
			const open = [monthOf(today)];
			if (publicationInstant(previousMonth(monthOf(today))) > now) open.push(previousMonth(monthOf(today)));
			return { months: [...new Set([...found, ...(state || !opts.full ? open : [])])].filter((m) => m <= monthOf(today)).sort(), startedAt };
		});
		for (const m of months)
			await owner.db.transaction(async (tx) => {
				await tx.execute(lock);
				await writeMonth(tx, dept, m);
			});
		// figures a page may show were written (a month published by now, with a margin for the database's clock; every month
		// in a full refresh): the pages read the facts again (figures.ts); the month under way alone changes nothing they show
		const shown = !!opts.full || months.some((m) => publicationInstant(m).getTime() <= now.getTime() + CLOCK_MARGIN_MS);
		await owner.db.transaction(async (tx) => {
			await tx.execute(lock);
			await tx.execute(sql`insert into steering_refresh (department_code, watermark, refreshed_at, months, figures_changed_at) values (${dept}, ${startedAt}, now(), ${months.length}, now())
				on conflict (department_code) do update set watermark = greatest(steering_refresh.watermark, excluded.watermark), refreshed_at = excluded.refreshed_at, months = excluded.months,
					figures_changed_at = ${shown ? sql`excluded.figures_changed_at` : sql`steering_refresh.figures_changed_at`}`);
		});
		out.push({ code: dept, months });
	}
	// a full refresh rewrites a département's years at once: the planner's statistics are read
	// again now (a page's read is a hash aggregate of a few hundred thousand rows, not a sort
	// spilled to disk; measured 0.7 s → 0.2 s at national scale), not when autovacuum comes
	if (opts.full) await owner.query(sql`analyze steering_facts, steering_facts_summed`);
	return { departments: out, ms: Math.round(performance.now() - t) };
}

/** When the figures of a département were last refreshed (null: never). */
export async function lastRefresh(database: Database, dept: string): Promise<Date | null> {
	const [r] = await database.query<{ at: string }>(sql`select refreshed_at::text as at from steering_refresh where department_code = ${dept}`);
	return r ? new Date(r.at) : null;
}
