/**
 * One funder's part in the Pass Numérique, for its partner page (../partner/): its
 * contributions, what its fund holds, and the campaigns it funds with their vouchers
 * counted. Counts and amounts only; the caller checks who may read them.
 */
import { desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { passCampaignFunders, passCampaigns, passContributions, passVouchers } from './db.ts';
import { ACCOUNT } from './model.ts';
import { rowsOf } from './internal.ts';

export interface FunderFigures {
	fund: { contributedCents: number; committedCents: number; creditedBackCents: number; availableCents: number };
	contributions: { id: string; receivedOn: string; amountCents: number; agreementRef: string; restrictions: string | null; correctsId: string | null }[];
	/** newest first; `status` is the campaign's code (draft, funded, closed) */
	campaigns: {
		id: string;
		name: string;
		validFrom: string;
		validUntil: string;
		status: string;
		shareCents: number;
		paidAt: Date | null;
		issued: number;
		distributed: number;
		redeemed: number;
		expired: number;
	}[];
}

export async function funderFigures(db: DbOrTx, funderId: string): Promise<FunderFigures> {
	const funderAccount = ACCOUNT.funder(funderId);
	const [contributions, fundRows, campaigns] = await Promise.all([
		db
			.select({
				id: passContributions.id,
				receivedOn: passContributions.receivedOn,
				amountCents: passContributions.amountCents,
				agreementRef: passContributions.agreementRef,
				restrictions: passContributions.restrictions,
				correctsId: passContributions.correctsId
			})
			.from(passContributions)
			.where(eq(passContributions.funderId, funderId))
			.orderBy(desc(passContributions.receivedOn), desc(passContributions.createdAt)),
		db.execute(sql`
			select
				coalesce((select sum(amount_cents) from pass_contributions where funder_id = ${funderId}::uuid), 0)::text as contributed,
				coalesce((select sum(share_cents) from pass_campaign_funders where funder_id = ${funderId}::uuid and paid_at is not null), 0)::text as committed,
				coalesce((select -sum(l.amount_cents) from pass_ledger_lines l join pass_ledger_entries e on e.id = l.entry_id where l.account = ${funderAccount} and e.kind = 'credit_back'), 0)::text as credited,
				coalesce((select sum(l.amount_cents) from pass_ledger_lines l where l.account = ${funderAccount}), 0)::text as balance`),
		db
			.select({
				id: passCampaigns.id,
				name: passCampaigns.name,
				validFrom: passCampaigns.validFrom,
				validUntil: passCampaigns.validUntil,
				status: passCampaigns.status,
				shareCents: passCampaignFunders.shareCents,
				paidAt: passCampaignFunders.paidAt,
				issued: sql<number>`(select count(*) from ${passVouchers} v where v.campaign_id = ${passCampaigns.id} and v.activated_at is not null)::int`,
				distributed: sql<number>`(select count(*) from ${passVouchers} v where v.campaign_id = ${passCampaigns.id} and v.distributed_at is not null)::int`,
				redeemed: sql<number>`(select count(*) from ${passVouchers} v where v.campaign_id = ${passCampaigns.id} and v.state in ('redeemed', 'reimbursed'))::int`,
				expired: sql<number>`(select count(*) from ${passVouchers} v where v.campaign_id = ${passCampaigns.id} and v.ended_reason = 'expired')::int`
			})
			.from(passCampaignFunders)
			.innerJoin(passCampaigns, eq(passCampaigns.id, passCampaignFunders.campaignId))
			.where(eq(passCampaignFunders.funderId, funderId))
			.orderBy(desc(passCampaigns.validUntil), passCampaigns.name)
	]);
	const [f] = rowsOf<{ contributed: string; committed: string; credited: string; balance: string }>(fundRows);
	return {
		fund: {
			contributedCents: Number(f.contributed),
			committedCents: Number(f.committed),
			creditedBackCents: Number(f.credited),
			availableCents: -Number(f.balance) || 0
		},
		contributions,
		campaigns
	};
}
