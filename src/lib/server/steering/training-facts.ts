/**
 * The trainings' facts (issue 17, item 7), written by the steering refresh with the others
 * (facts.ts calls this file; docs/decisions/0022-training-survey.md):
 *
 * - `training_person`: a registrant present at one half-day of a session at least, once per
 *   session (a person trained at two sessions counts twice, as a person referred twice
 *   does). Commune: their structure's (the first place it runs), else the relay place's, else
 *   an on-site session's place; structure: theirs (none without an account); dim_a: the
 *   profile they registered with; `amount_cents` holds the minutes of the half-days they
 *   attended (hours received).
 * - `training_session`: a session with someone present, by theme (dim_a) and format (dim_b);
 *   structure: the organiser; commune: the session's place; `n` 1, `amount_cents` the
 *   minutes of its half-days with someone present (hours delivered).
 * - `training_satisfaction`: the survey's answers by question (dim_a) and score (dim_b), in
 *   the month they were given (the day only is kept); structure: the organiser.
 *
 * Which month: a half-day's attendance counts in the month of its day when recorded before
 * that month's publication, else in the month it was recorded in (as an accompaniment); a
 * person or a session counts in the first month of its attendance. So a published month's
 * figures do not move when attendance is recorded late.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';

export const TRAINING_FACT_KINDS = {
	training_person: 'registrants present at a session (commune and structure of their structure, dim_a: profile), amount_cents: minutes attended',
	training_session: 'sessions held (commune of the place, organiser; dim_a: theme, dim_b: format), amount_cents: minutes delivered',
	training_satisfaction: 'satisfaction answers (organiser; dim_a: question, dim_b: score 1–5)'
} as const;

/** What the pages read of them (figures.ts FACT_DIMENSIONS). */
export const TRAINING_FACT_DIMENSIONS = {
	training_person: ['commune', 'org', 'a'],
	training_session: ['a'],
	training_satisfaction: ['a', 'b']
} as const;

const parisMonth = (col: SQL) => sql`to_char((${col} AT TIME ZONE 'Europe/Paris'), 'YYYY-MM-01')`;
/** the month a present half-day counts in (see above) */
const rowMonth = sql`case when ta.recorded_at < ((date_trunc('month', sl.day) + interval '1 month 4 days')::timestamp AT TIME ZONE 'Europe/Paris')
	then to_char(sl.day, 'YYYY-MM-01') else ${parisMonth(sql`ta.recorded_at`)} end`;
const minutes = sql`(extract(epoch from (sl.end_time::time - sl.start_time::time)) / 60)::int`;

/** The months whose training sources changed since `since` (to union into the refresh's list). */
export const trainingChangedMonths = (dept: string, since: Date) => sql`
	select ${rowMonth} from training_attendance ta join training_slots sl on sl.id = ta.slot_id where ta.department_code = ${dept} and ta.recorded_at > ${since}
	union select ${parisMonth(sql`ta.recorded_at`)} from training_attendance ta where ta.department_code = ${dept} and ta.recorded_at > ${since}
	union select to_char(answered_on, 'YYYY-MM-01') from training_satisfaction where department_code = ${dept} and answered_on >= (${since}::timestamptz AT TIME ZONE 'Europe/Paris')::date`;

/** The first instant of the trainings' sources (for a full refresh). */
export const trainingFirst = (dept: string) => sql`
	(select min(sl.day)::timestamptz from training_attendance ta join training_slots sl on sl.id = ta.slot_id where ta.department_code = ${dept}),
	(select min(answered_on)::timestamptz from training_satisfaction where department_code = ${dept})`;

/** Writes one month's training facts (the month's rows were deleted with the others). */
export async function writeTrainingMonth(
	tx: Tx,
	dept: string,
	month: string,
	head: (kind: keyof typeof TRAINING_FACT_KINDS) => SQL,
	ins: (q: SQL) => Promise<unknown>
) {
	const next = sql`(${month}::date + interval '1 month')::date`;
	// the present half-days of the sessions with one counted in this month (all their rows: a person or a session counts in its first month)
	const att = sql`with att as (
		select ta.registration_id, ta.slot_id, sl.session_id, ${minutes} as minutes, ${rowMonth} as m
		from training_attendance ta join training_slots sl on sl.id = ta.slot_id
		where ta.department_code = ${dept} and ta.present and sl.session_id in (
			select sl2.session_id from training_attendance ta2 join training_slots sl2 on sl2.id = ta2.slot_id
			where ta2.department_code = ${dept} and ta2.present
				and ((sl2.day >= ${month}::date and sl2.day < ${next}) or (ta2.recorded_at >= ${month}::date::timestamp AT TIME ZONE 'Europe/Paris' and ta2.recorded_at < ${next}::timestamp AT TIME ZONE 'Europe/Paris'))))`;
	await ins(sql`${att}, reg as (
			select registration_id, min(m) as m, sum(minutes) as minutes from att group by registration_id)
		select ${head('training_person')},
			coalesce(
				(select min(p.code_insee) from organisation_places op join places p on p.id = op.place_id where op.organisation_id = r.organisation_id),
				(select p.code_insee from training_relays tr join places p on p.id = tr.place_id where tr.id = r.relay_id),
				case when t.format = 'on_site' then s.commune_code end, ''),
			coalesce(r.organisation_id::text, ''), r.profile, '', count(*)::int, count(*)::int, sum(reg.minutes)::bigint
		from reg join training_registrations r on r.id = reg.registration_id
		join training_sessions s on s.id = r.session_id join trainings t on t.id = s.training_id
		where reg.m = ${month} group by 4, 5, 6`);
	await ins(sql`${att}, slot as (select session_id, slot_id, min(m) as m, min(minutes) as minutes from att group by 1, 2),
			ses as (select session_id, min(m) as m, sum(minutes) as minutes from slot group by 1)
		select ${head('training_session')}, coalesce(s.commune_code, ''), t.organiser_organisation_id::text, t.theme, t.format, count(*)::int, 0, sum(ses.minutes)::bigint
		from ses join training_sessions s on s.id = ses.session_id join trainings t on t.id = s.training_id
		where ses.m = ${month} group by 4, 5, 6, 7`);
	await ins(sql`select ${head('training_satisfaction')}, coalesce(s.commune_code, ''), t.organiser_organisation_id::text, q.key, q.value, count(*)::int, count(*)::int, 0
		from training_satisfaction a join training_sessions s on s.id = a.session_id join trainings t on t.id = s.training_id
		cross join lateral jsonb_each_text(a.scores) q
		where a.department_code = ${dept} and a.answered_on >= ${month}::date and a.answered_on < ${next} and q.value in ('1', '2', '3', '4', '5')
		group by 4, 5, 6, 7`);
}
