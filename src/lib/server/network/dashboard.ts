/**
 * The coordinator's home (issue 12, item 11): what waits for them and the network this
 * month, in counts only — nothing personal (no name, no record), read through the request's
 * database (row-level security scopes it to the coordinator's départements on PostgreSQL,
 * and every query filters on them too).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { departmentsWith, type Actor } from '../accounts/index.ts';
import { STATUS_LABELS, type ReferralStatus } from '../referral/index.ts';
import { monthLabel } from '../../components/format.ts';
import { monthOf, parisDay } from '../../time.ts';

/** a referral still unanswered this many days after it was sent is overdue (the clock's first reminder) */
export const OVERDUE_DAYS = 10;

export interface CoordinatorDashboard {
	departments: string[];
	waiting: {
		claims: number;
		reports: number;
		placesApproximate: number;
		placesWithoutHours: number;
		placesWithoutContact: number;
		placesWithoutManager: number;
		referralsOverdue: number;
		invitationsWaiting: number;
		invitationsExpired: number;
	};
	month: {
		label: string;
		referrals: { status: string; label: string; count: number }[];
		accompaniments: number;
		byArea: { area: string; count: number }[];
		byTheme: { theme: string; count: number }[];
	};
}

const n = (v: unknown) => Number(v ?? 0);

/** null when the actor coordinates nothing (the page then shows no coordination block). */
export async function coordinatorDashboard(database: Database, actor: Actor, now = new Date()): Promise<CoordinatorDashboard | null> {
	const deps = actor.isAdmin ? null : departmentsWith(actor, ['coordinator']);
	if (deps && !deps.length) return null;
	const list =
		deps ??
		(await database.query<{ code: string }>(sql`select distinct department_code as code from places where department_code is not null`)).map((r) => r.code);
	if (!list.length) return null;
	const inDeps = (col: SQL) =>
		sql`${col} in (${sql.join(
			list.map((d) => sql`${d}`),
			sql`, `
		)})`;
	const monthStart = sql`(date_trunc('month', ${now.toISOString()}::timestamptz at time zone 'Europe/Paris') at time zone 'Europe/Paris')`;
	const monthStartDate = sql`(date_trunc('month', ${now.toISOString()}::timestamptz at time zone 'Europe/Paris'))::date`;

	const [w] = await database.query<Record<string, unknown>>(sql`
		select
			(select count(*)::int from place_claims c join places p on p.id = c.place_id where c.status = 'pending' and ${inDeps(sql`p.department_code`)}) as claims,
			(select count(*)::int from place_error_reports r join places p on p.id = r.place_id where r.status = 'open' and ${inDeps(sql`p.department_code`)}) as reports,
			(select count(*)::int from places p where ${inDeps(sql`p.department_code`)} and p.closure is distinct from 'permanent' and p.location_precision = 'municipality') as approximate,
			(select count(*)::int from places p where ${inDeps(sql`p.department_code`)} and p.closure is distinct from 'permanent' and coalesce(p.horaires, '') = '') as no_hours,
			(select count(*)::int from places p where ${inDeps(sql`p.department_code`)} and p.closure is distinct from 'permanent' and coalesce(p.telephone, '') = '' and cardinality(p.courriels) = 0) as no_contact,
			(select count(*)::int from places p where ${inDeps(sql`p.department_code`)} and p.closure is distinct from 'permanent' and not exists (
				select 1 from organisation_places op join memberships m on m.organisation_id = op.organisation_id and m.role = 'place_manager' where op.place_id = p.id)) as no_manager,
			(select count(*)::int from referrals r where r.status in ('sent', 'under_study') and r.sent_at <= ${now.toISOString()}::timestamptz - make_interval(days => ${OVERDUE_DAYS})
				and (${inDeps(sql`r.department_code`)} or ${inDeps(sql`r.place_department_code`)})) as overdue,
			(select count(*)::int from invitations i join organisations o on o.id = i.organisation_id where ${inDeps(sql`o.department_code`)}
				and i.used_at is null and i.revoked_at is null and i.expires_at > ${now.toISOString()}::timestamptz) as inv_waiting,
			(select count(*)::int from invitations i join organisations o on o.id = i.organisation_id where ${inDeps(sql`o.department_code`)}
				and i.used_at is null and i.revoked_at is null and i.expires_at <= ${now.toISOString()}::timestamptz and i.email not like 'expiree-%') as inv_expired
	`);
	const referralRows = await database.query<{ status: string; count: unknown }>(sql`
		select status, count(*)::int as count from referrals r
		where r.sent_at >= ${monthStart} and (${inDeps(sql`r.department_code`)} or ${inDeps(sql`r.place_department_code`)})
		group by status`);
	const [acc] = await database.query<{ count: unknown }>(
		sql`select count(*)::int as count from accompaniments a where a.date >= ${monthStartDate} and ${inDeps(sql`a.department_code`)}`
	);
	const byTheme = await database.query<{ theme: string; count: unknown }>(sql`
		select t.theme, count(*)::int as count from accompaniments a cross join lateral unnest(a.themes) as t(theme)
		where a.date >= ${monthStartDate} and ${inDeps(sql`a.department_code`)} group by t.theme order by count(*) desc, t.theme`);
	// areas (bassins de vie, pôles…) when the département has some, else the place's commune
	const byArea = await database.query<{ area: string; count: unknown }>(sql`
		select coalesce(
			(select string_agg(ar.name, ', ' order by ar.name) from area_municipalities am join areas ar on ar.id = am.area_id where am.insee_code = p.code_insee),
			p.commune, 'Lieu inconnu') as area, count(*)::int as count
		from accompaniments a left join places p on p.id = a.place_id
		where a.date >= ${monthStartDate} and ${inDeps(sql`a.department_code`)}
		group by 1 order by count(*) desc, 1 limit 30`);
	const order = Object.keys(STATUS_LABELS);
	return {
		departments: list,
		waiting: {
			claims: n(w.claims),
			reports: n(w.reports),
			placesApproximate: n(w.approximate),
			placesWithoutHours: n(w.no_hours),
			placesWithoutContact: n(w.no_contact),
			placesWithoutManager: n(w.no_manager),
			referralsOverdue: n(w.overdue),
			invitationsWaiting: n(w.inv_waiting),
			invitationsExpired: n(w.inv_expired)
		},
		month: {
			label: monthLabel(monthOf(parisDay(now))),
			referrals: referralRows
				.map((r) => ({ status: r.status, label: STATUS_LABELS[r.status as ReferralStatus] ?? r.status, count: n(r.count) }))
				.sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status)),
			accompaniments: n(acc?.count),
			byArea: byArea.map((r) => ({ area: r.area, count: n(r.count) })),
			byTheme: byTheme.map((r) => ({ theme: r.theme, count: n(r.count) }))
		}
	};
}
