/**
 * A partner's own figures (issue 12, item 12): what a funder such as the CAF sees of its
 * part in the network — its contributions to the Pass Numérique fund, the campaigns it
 * funds, and its agents' referrals counted by outcome. Aggregates only: no person, no
 * name, no place of a person; counts under 5 are never shown, nor recomputable from a total
 * (DOMAIN.md, steering; the rule in stats/small-counts.ts). So
 * these pages are open to a partner before the second factor (access.ts, `aggregate`).
 */
import type { Database } from '../db/client.ts';
import { can, organisationById, organisationSummaries, type Actor } from '../accounts/index.ts';
import { STATUS_LABELS, referralCountsFrom, type ReferralStatus } from '../referral/index.ts';
import { MASKED, shownNestedColumns } from '../stats/index.ts';
import { dashboard, funderFigures, PassError, type FunderFigures } from '../pass/index.ts';
import { shownDashboard } from '../pass/index.ts';
import { DomainError } from '../errors.ts';

/** A refusal of the partner's page (the one error model, ../errors.ts). */
export class PartnerError extends DomainError<'forbidden' | 'not_found'> {
	constructor(code: PartnerError['code'], message: string) {
		super(code, message);
	}
}

export { SMALL_COUNT, MASKED } from '../stats/index.ts';

/**
 * The referrals' table as the page shows it: each column (the last 12 months, since the
 * start) protected by the small-counts rule (stats/small-counts.ts): the counts from 1 to 4
 * masked, and as many more as it takes so that no masked count comes back from the total,
 * nor a small count of referrals older than 12 months from the difference of the two columns.
 */
export function shownReferrals(o: Pick<PartnerOverview, 'referrals'>): {
	rows: { status: ReferralStatus; label: string; lastYear: string; total: string }[];
	totals: { lastYear: string; total: string };
} {
	// the last 12 months are part of all time: the difference (before) is protected too
	const { part: lastYear, whole: total } = shownNestedColumns(
		o.referrals.map((r) => r.lastYear),
		o.referrals.map((r) => r.total)
	);
	return {
		rows: o.referrals.map((r, i) => ({ status: r.status, label: r.label, lastYear: lastYear.cells[i], total: total.cells[i] })),
		totals: { lastYear: lastYear.total, total: total.total }
	};
}

/** The organisations where the actor holds the partner role (name and département). */
export async function partnerOrganisations(database: Database, actor: Actor): Promise<{ id: string; name: string; departmentCode: string }[]> {
	const ids = [...new Set(actor.memberships.filter((m) => m.role === 'partner').map((m) => m.organisationId))];
	if (!ids.length) return [];
	const found = await organisationSummaries(database.db, ids);
	return [...found.values()].filter((o) => o.active).map(({ id, name, departmentCode }) => ({ id, name, departmentCode }));
}

const CAMPAIGN_STATUS: Record<string, string> = { draft: 'En préparation', funded: 'Financée, pass actifs', closed: 'Close' };

/** The order outcomes are shown in: where the referral went, from waiting to ended. */
const STATUS_ORDER: ReferralStatus[] = ['sent', 'under_study', 'accepted', 'honoured', 'declined', 'no_show', 'expired', 'withdrawn'];

export interface PartnerOverview {
	organisation: { id: string; name: string; departmentCode: string };
	fund: FunderFigures['fund'];
	contributions: FunderFigures['contributions'];
	campaigns: {
		id: string;
		name: string;
		validFrom: string;
		validUntil: string;
		status: string;
		shareCents: number;
		paid: boolean;
		issued: number;
		distributed: number;
		redeemed: number;
		expired: number;
	}[];
	referrals: { status: ReferralStatus; label: string; lastYear: number; total: number }[];
	referralTotals: { lastYear: number; total: number };
}

/**
 * Everything the partner page shows for one of the actor's partner organisations.
 * `can(actor, 'partner.read')`: the partner of that organisation, or a coordinator of its département.
 */
export async function partnerOverview(database: Database, actor: Actor, organisationId: string, now = new Date()): Promise<PartnerOverview> {
	const db = database.db;
	const found = await organisationById(db, organisationId);
	if (!found) throw new PartnerError('not_found', 'Cette structure n’existe pas.');
	const org = { id: found.id, name: found.name, departmentCode: found.departmentCode };
	if (!can(actor, 'partner.read', { organisationId: org.id, departmentCode: org.departmentCode }))
		throw new PartnerError('forbidden', 'Ces chiffres sont réservés aux partenaires de cette structure.');

	const yearAgo = new Date(now.getTime() - 365 * 24 * 3600 * 1000);
	const [{ fund, contributions, campaigns }, byStatus] = await Promise.all([funderFigures(db, org.id), referralCountsFrom(db, org.id, yearAgo)]);
	const counted = new Map(byStatus.map((r) => [r.status, r]));
	const rows = STATUS_ORDER.map((status) => ({
		status,
		label: STATUS_LABELS[status],
		lastYear: counted.get(status)?.lastYear ?? 0,
		total: counted.get(status)?.total ?? 0
	}));
	return {
		organisation: org,
		fund,
		contributions,
		campaigns: campaigns.map((c) => ({
			id: c.id,
			name: c.name,
			validFrom: c.validFrom,
			validUntil: c.validUntil,
			status: CAMPAIGN_STATUS[c.status] ?? c.status,
			shareCents: c.shareCents,
			paid: !!c.paidAt,
			issued: c.issued,
			distributed: c.distributed,
			redeemed: c.redeemed,
			expired: c.expired
		})),
		referrals: rows,
		referralTotals: { lastYear: rows.reduce((s, r) => s + r.lastYear, 0), total: rows.reduce((s, r) => s + r.total, 0) }
	};
}

/**
 * The campaigns' counts as the page shows them: the same as the Pass dashboard shows this
 * funder (shownDashboard, small counts masked), so that the two pages cannot be set one
 * against the other to give a masked count back.
 */
export async function shownPartnerCampaigns(
	database: Database,
	actor: Actor,
	o: Pick<PartnerOverview, 'organisation' | 'campaigns'>
): Promise<Map<string, { issued: string; distributed: string; redeemed: string; expired: string }>> {
	const nf = new Intl.NumberFormat('fr-FR');
	const cell = (n: number | null) => (n === null ? MASKED : nf.format(n));
	const d = await dashboard(database, actor, o.organisation.departmentCode, { funderId: o.organisation.id }).catch((e) => {
		if (e instanceof PassError) return null;
		throw e;
	});
	const shown = new Map(d ? shownDashboard(d, false).byCampaign.map((r) => [r.key, r]) : []);
	return new Map(
		o.campaigns.map((c) => {
			const r = shown.get(c.id);
			// not in the dashboard: a campaign without a voucher yet (0 everywhere), or a reader the dashboard refuses (all masked but 0)
			const count = (k: 'issued' | 'distributed' | 'redeemed' | 'expired') => cell(r ? r[k] : d || !c[k] ? c[k] : null);
			return [c.id, { issued: count('issued'), distributed: count('distributed'), redeemed: count('redeemed'), expired: count('expired') }];
		})
	);
}
