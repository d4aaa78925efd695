/**
 * Dashboards: the vouchers counted per campaign, per territory and per place, for the
 * coordination and the funders, and their CSV.
 */
import { MASKED } from '../stats/index.ts';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { can, organisationNames, type Actor } from '../accounts/index.ts';
import { passCampaignFunders, passCampaigns } from './db.ts';
import { spreadsheetCell } from '../web/spreadsheet.ts';
import { placeCards } from '../places/index.ts';
import { PassError, UUID, rowsOf } from './internal.ts';

export interface DashboardRow {
	key: string;
	label: string;
	issued: number;
	distributed: number;
	redeemed: number;
	reimbursed: number;
	expired: number;
	/** value redeemed (redeemed + reimbursed), cents */
	redeemedCents: number;
}

/** The key of the dashboard's territory row for the vouchers not handed out yet. */
export const NOT_HANDED_OUT = 'non-remis';

/**
 * Counts per campaign, per area (of the place that redeemed, or the person's commune when
 * not yet redeemed; the vouchers not handed out yet in a row of their own, so that both
 * tables count every voucher) and per place (the vouchers redeemed there).
 */
export async function dashboard(database: Database, actor: Actor, departmentCode: string, filter: { campaignId?: string; funderId?: string } = {}) {
	const manage = can(actor, 'pass.manage', { departmentCode });
	// a partner sees the campaigns it funds
	const partnerOrgs = actor.memberships.filter((m) => m.role === 'partner' && m.departmentCode === departmentCode).map((m) => m.organisationId);
	if (!manage && !partnerOrgs.length) throw new PassError('forbidden', 'Ces tableaux de bord sont réservés à la coordination et aux financeurs.');
	const funderId = manage ? filter.funderId || null : filter.funderId && partnerOrgs.includes(filter.funderId) ? filter.funderId : null;
	const funderScope = manage ? (funderId ? [funderId] : null) : funderId ? [funderId] : partnerOrgs;
	const campaignId = filter.campaignId && UUID.test(filter.campaignId) ? filter.campaignId : null;
	const scope = sql`v.department_code = ${departmentCode}
		and (${campaignId}::uuid is null or v.campaign_id = ${campaignId}::uuid)
		and (${funderScope ? `{${funderScope.join(',')}}` : null}::uuid[] is null or exists (select 1 from pass_campaign_funders cf where cf.campaign_id = v.campaign_id and cf.funder_id = any(${funderScope ? `{${funderScope.join(',')}}` : null}::uuid[])))`;
	const counts = sql`
		count(*) filter (where v.activated_at is not null)::int as issued,
		count(*) filter (where v.distributed_at is not null)::int as distributed,
		count(*) filter (where v.state in ('redeemed', 'reimbursed'))::int as redeemed,
		count(*) filter (where v.state = 'reimbursed')::int as reimbursed,
		count(*) filter (where v.ended_reason = 'expired')::int as expired,
		coalesce(sum(v.face_value_cents) filter (where v.state in ('redeemed', 'reimbursed')), 0)::int as redeemed_cents`;
	type R = { key: string; label: string; issued: number; distributed: number; redeemed: number; reimbursed: number; expired: number; redeemed_cents: number };
	const map = (rows: R[]): DashboardRow[] =>
		rows.map((r) => ({
			key: r.key,
			label: r.label,
			issued: r.issued,
			distributed: r.distributed,
			redeemed: r.redeemed,
			reimbursed: r.reimbursed,
			expired: r.expired,
			redeemedCents: r.redeemed_cents
		}));
	const db = database.db;
	const [byCampaign, byArea, byPlace, campaigns, funderIds] = await Promise.all([
		db.execute(
			sql`select c.id::text as key, c.name as label, ${counts} from pass_vouchers v join pass_campaigns c on c.id = v.campaign_id where ${scope} group by c.id order by c.valid_until desc, c.name`
		),
		// every voucher, so that the totals agree with the campaigns' (issue 12: "Émis 2" beside "Émis 30"):
		// a voucher has a territory once handed out; the others are one row of their own.
		// One statement across places, beneficiaries and territory (docs/architecture.md, reads across capabilities):
		// each voucher's commune is the redeeming place's, else the person's, and is counted in SQL, not row by row here
		db.execute(sql`
			select case when v.distributed_at is null then ${NOT_HANDED_OUT} else coalesce(a.id::text, '-') end as key,
				case when v.distributed_at is null then 'Pas encore remis à une personne' else coalesce(a.name, 'Hors territoire découpé') end as label, ${counts}
			from pass_vouchers v
			left join places p on p.id = v.redeemed_place_id
			left join beneficiaries b on b.id = v.beneficiary_id
			left join lateral (select ar.id, ar.name from area_municipalities am join areas ar on ar.id = am.area_id
				where am.insee_code = coalesce(p.code_insee, b.commune_code) and ar.department_code = ${departmentCode} order by ar.kind, ar.name limit 1) a on true
			where ${scope}
			group by 1, 2 order by min(case when v.distributed_at is null then 1 else 0 end), 2`),
		db.execute(sql`
			select v.redeemed_place_id as key, '' as label, ${counts}
			from pass_vouchers v
			where ${scope} and v.redeemed_place_id is not null group by v.redeemed_place_id`),
		manage
			? db
					.select({ id: passCampaigns.id, name: passCampaigns.name })
					.from(passCampaigns)
					.where(eq(passCampaigns.departmentCode, departmentCode))
					.orderBy(desc(passCampaigns.validUntil))
			: db
					.selectDistinct({ id: passCampaigns.id, name: passCampaigns.name })
					.from(passCampaigns)
					.innerJoin(passCampaignFunders, eq(passCampaignFunders.campaignId, passCampaigns.id))
					.where(and(eq(passCampaigns.departmentCode, departmentCode), inArray(passCampaignFunders.funderId, partnerOrgs))),
		db
			.selectDistinct({ id: passCampaignFunders.funderId })
			.from(passCampaignFunders)
			.innerJoin(passCampaigns, eq(passCampaigns.id, passCampaignFunders.campaignId))
			.where(and(eq(passCampaigns.departmentCode, departmentCode), manage ? undefined : inArray(passCampaignFunders.funderId, partnerOrgs)))
	]);
	const funderNames = await organisationNames(
		db,
		funderIds.map((f) => f.id)
	);
	const funders = [...funderNames].map(([id, name]) => ({ id, name }));
	// the places' names (places' look-up); the most used first, then by name, 200 at most
	const placeRows = rowsOf<R>(byPlace);
	const cards = await placeCards(
		db,
		placeRows.map((r) => r.key)
	);
	const placesShown = placeRows
		.filter((r) => cards.has(r.key))
		.map((r) => ({ ...r, label: `${cards.get(r.key)!.nom} (${cards.get(r.key)!.commune})` }))
		.sort((a, b) => b.redeemed - a.redeemed || a.label.localeCompare(b.label, 'fr'))
		.slice(0, 200);
	return {
		byCampaign: map(rowsOf<R>(byCampaign)),
		byArea: map(rowsOf<R>(byArea)),
		byPlace: map(placesShown),
		campaigns,
		funders,
		filter: { campaignId, funderId }
	};
}

/** A dashboard row for the CSV: null where a count is masked (pass/steering.ts, shownDashboard). */
type CsvDashboardRow = { label: string } & Record<'issued' | 'distributed' | 'redeemed' | 'reimbursed' | 'expired' | 'redeemedCents', number | null>;

/** The dashboard as CSV (French headers, semicolon for spreadsheets in French); a masked count reads `MASKED`. */
export function dashboardCsv(d: { byCampaign: CsvDashboardRow[]; byArea: CsvDashboardRow[]; byPlace: CsvDashboardRow[] }): string {
	const head = ['Vue', 'Libellé', 'Émis', 'Remis', 'Utilisés', 'Remboursés', 'Expirés', 'Valeur utilisée (€)'];
	const esc = (s: string) => spreadsheetCell(s); // formulas neutralised (issue 11, finding 12)
	const n = (x: number | null) => (x === null ? MASKED : String(x));
	const rows = (view: string, rs: CsvDashboardRow[]) =>
		rs.map((r) =>
			[
				view,
				r.label,
				n(r.issued),
				n(r.distributed),
				n(r.redeemed),
				n(r.reimbursed),
				n(r.expired),
				r.redeemedCents === null ? MASKED : (r.redeemedCents / 100).toFixed(2).replace('.', ',')
			]
				.map((x) => esc(x))
				.join(';')
		);
	return '\ufeff' + [head.join(';'), ...rows('Campagne', d.byCampaign), ...rows('Territoire', d.byArea), ...rows('Lieu', d.byPlace)].join('\r\n') + '\r\n';
}
