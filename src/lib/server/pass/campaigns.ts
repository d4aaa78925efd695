/**
 * Campaigns: created with their funders' shares, funded share by share (their vouchers
 * are then activated), listed and detailed with their counts per state, and the names
 * their booklets carry.
 */
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database, DbOrTx, Tx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { activeOrganisationsOf, can, type Actor, fieldErrors, organisationNames, organisationSummaries } from '../accounts/index.ts';
import { areaNames, communesOfAreas, departmentName } from '../territory/index.ts';
import { passBooklets, passCampaignFunders, passCampaigns, passVouchers } from './db.ts';
import { ACCOUNT, POST, campaignInput, parseEuros, type VoucherState } from './model.ts';
import { euros } from '../../components/format.ts';
import { type Campaign, PassError, userActor, UUID, rowsOf, mustManage, orgInDepartment } from './internal.ts';
import { post, balanceOf, funderAvailable } from './ledger.ts';

export async function createCampaign(
	database: Database,
	actor: Actor,
	departmentCode: string,
	input: unknown,
	shares: { funderId: string; amount: string }[],
	ip?: string | null
): Promise<string> {
	mustManage(actor, departmentCode);
	const parsed = campaignInput.safeParse(input);
	const fields: Record<string, string> = parsed.success ? {} : fieldErrors(parsed.error.issues);
	const given = shares.filter((s) => s.funderId || s.amount.trim());
	const shareCents = given.map((s) => ({ funderId: s.funderId, cents: parseEuros(s.amount) }));
	if (!given.length) fields.shares = 'Indiquez au moins un financeur et sa part.';
	else if (shareCents.some((s) => !s.cents || !UUID.test(s.funderId))) fields.shares = 'Chaque part a un financeur et un montant en euros.';
	else if (new Set(shareCents.map((s) => s.funderId)).size !== shareCents.length) fields.shares = 'Un financeur n’apparaît qu’une fois.';
	if (!parsed.success || Object.keys(fields).length) throw new PassError('invalid', 'La campagne n’est pas complète.', fields);
	const v = parsed.data;
	return database.db.transaction(async (tx) => {
		for (const s of shareCents)
			if (!(await orgInDepartment(tx, s.funderId, departmentCode)))
				throw new PassError('invalid', 'La campagne n’est pas complète.', { shares: 'Choisissez des financeurs de ce département.' });
		const communeCodes = await communesOfAreas(tx, departmentCode, v.areaIds);
		if (communeCodes === null) throw new PassError('invalid', 'La campagne n’est pas complète.', { areaIds: 'Choisissez des territoires de ce département.' });
		const [row] = await tx
			.insert(passCampaigns)
			.values({
				departmentCode,
				name: v.name,
				faceValueCents: v.faceValue,
				bookletSize: v.bookletSize,
				validFrom: v.validFrom,
				validUntil: v.validUntil,
				toleranceDays: v.toleranceDays,
				publics: v.publics,
				areaIds: v.areaIds,
				communeCodes,
				createdBy: actor.userId
			})
			.returning({ id: passCampaigns.id });
		await tx.insert(passCampaignFunders).values(shareCents.map((s) => ({ campaignId: row.id, funderId: s.funderId, shareCents: s.cents! })));
		await journal(tx, {
			actor: userActor(actor),
			action: 'pass.campaign.created',
			targetType: 'pass_campaign',
			targetId: row.id,
			departmentCode,
			ip,
			details: { name: v.name, faceValueCents: v.faceValue, shares: shareCents }
		});
		return row.id;
	});
}

export async function loadCampaign(db: DbOrTx, id: string): Promise<Campaign> {
	if (!UUID.test(id)) throw new PassError('not_found', 'Cette campagne n’existe pas.');
	const [c] = await db.select().from(passCampaigns).where(eq(passCampaigns.id, id));
	if (!c) throw new PassError('not_found', 'Cette campagne n’existe pas.');
	return c;
}

async function campaignShares(db: DbOrTx, campaignId: string) {
	const rows = await db
		.select({
			funderId: passCampaignFunders.funderId,
			shareCents: passCampaignFunders.shareCents,
			paidAt: passCampaignFunders.paidAt
		})
		.from(passCampaignFunders)
		.where(eq(passCampaignFunders.campaignId, campaignId));
	// by the funder's name, in the database's order
	const funders = await organisationSummaries(
		db,
		rows.map((r) => r.funderId)
	);
	const names = new Map([...funders].map(([id, o]) => [id, o.name]));
	const rank = new Map([...names.keys()].map((id, i) => [id, i]));
	return rows
		.filter((r) => names.has(r.funderId))
		.sort((a, b) => rank.get(a.funderId)! - rank.get(b.funderId)!)
		.map((r) => ({ funderId: r.funderId, name: names.get(r.funderId)!, shareCents: r.shareCents, paidAt: r.paidAt }));
}

/** Whether the actor may read a campaign's figures: its coordinators, its funders' partners. */
export async function canReadCampaign(database: Database, actor: Actor, c: Campaign): Promise<boolean> {
	if (can(actor, 'pass.manage', { departmentCode: c.departmentCode })) return true;
	const funders = (await campaignShares(database.db, c.id)).map((s) => s.funderId);
	return can(actor, 'pass.read', { departmentCode: c.departmentCode, funderOrganisationIds: funders });
}

/**
 * Records a funder's share as paid: its available balance must cover it; the share moves
 * to the campaign's budget. When every share is paid, the campaign is funded and its
 * vouchers are activated.
 */
export async function recordSharePaid(
	database: Database,
	actor: Actor,
	campaignId: string,
	funderId: string,
	ip?: string | null
): Promise<{ funded: boolean; activated: number }> {
	return database.db.transaction(async (tx) => {
		const [c] = await tx.select().from(passCampaigns).where(eq(passCampaigns.id, campaignId)).for('update');
		if (!c) throw new PassError('not_found', 'Cette campagne n’existe pas.');
		mustManage(actor, c.departmentCode);
		const [share] = await tx
			.select()
			.from(passCampaignFunders)
			.where(and(eq(passCampaignFunders.campaignId, campaignId), eq(passCampaignFunders.funderId, funderId)));
		if (!share) throw new PassError('not_found', 'Ce financeur n’a pas de part dans cette campagne.');
		if (share.paidAt) return { funded: c.status !== 'draft', activated: 0 };
		// serialise the funder's commitments: two shares paid at once cannot both spend the same money
		await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'pass-funder:' + funderId}))`);
		const available = await funderAvailable(tx, funderId);
		if (available < share.shareCents) {
			const funderName = (await organisationNames(tx, [funderId])).get(funderId);
			throw new PassError(
				'conflict',
				`Les contributions de ${funderName ?? 'ce financeur'} ne couvrent pas sa part\u00a0: il reste ${euros(available)} disponibles pour une part de ${euros(share.shareCents)}. Enregistrez d’abord son versement.`
			);
		}
		await tx
			.update(passCampaignFunders)
			.set({ paidAt: new Date(), paidBy: actor.userId })
			.where(and(eq(passCampaignFunders.campaignId, campaignId), eq(passCampaignFunders.funderId, funderId)));
		await post(tx, {
			departmentCode: c.departmentCode,
			kind: 'commitment',
			refType: 'campaign',
			refId: c.id,
			memo: funderId,
			lines: POST.commitment(funderId, c.id, share.shareCents)
		});
		await journal(tx, {
			actor: userActor(actor),
			action: 'pass.share.paid',
			targetType: 'pass_campaign',
			targetId: c.id,
			departmentCode: c.departmentCode,
			ip,
			details: { funderId, shareCents: share.shareCents }
		});
		const unpaid = await tx
			.select({ n: sql<number>`count(*)::int` })
			.from(passCampaignFunders)
			.where(and(eq(passCampaignFunders.campaignId, campaignId), isNull(passCampaignFunders.paidAt)));
		if (unpaid[0].n > 0 || c.status !== 'draft') return { funded: c.status !== 'draft', activated: 0 };
		await tx.update(passCampaigns).set({ status: 'funded', fundedAt: new Date() }).where(eq(passCampaigns.id, c.id));
		const activated = await activateCreated(tx, c);
		await journal(tx, {
			actor: userActor(actor),
			action: 'pass.campaign.funded',
			targetType: 'pass_campaign',
			targetId: c.id,
			departmentCode: c.departmentCode,
			ip,
			details: { activated }
		});
		return { funded: true, activated };
	});
}

/** Activates a funded campaign's created vouchers, posting their value out of the budget. */
export async function activateCreated(tx: Tx, c: Campaign): Promise<number> {
	const rows = await tx
		.update(passVouchers)
		.set({ state: 'activated', activatedAt: new Date() })
		.where(and(eq(passVouchers.campaignId, c.id), eq(passVouchers.state, 'created')))
		.returning({ id: passVouchers.id, cents: passVouchers.faceValueCents });
	if (!rows.length) return 0;
	const cents = rows.reduce((s, r) => s + r.cents, 0);
	const budget = -(await balanceOf(tx, ACCOUNT.budget(c.id)));
	if (budget < cents) throw new PassError('conflict', `Le budget de la campagne (${euros(budget)}) ne couvre pas ${rows.length} pass (${euros(cents)}).`);
	await post(tx, {
		departmentCode: c.departmentCode,
		kind: 'activation',
		refType: 'campaign',
		refId: c.id,
		memo: `${rows.length} pass`,
		lines: POST.activation(c.id, cents)
	});
	return rows.length;
}

/** The most vouchers a campaign can still have: its shares' total over the face value, minus those made and not cancelled before activation. */
export async function remainingCapacity(db: DbOrTx, c: Campaign): Promise<number> {
	const [{ total }] = rowsOf<{ total: string }>(
		await db.execute(sql`select coalesce(sum(share_cents), 0)::text as total from pass_campaign_funders where campaign_id = ${c.id}`)
	);
	const [{ made }] = rowsOf<{ made: number }>(
		await db.execute(sql`select count(*)::int as made from pass_vouchers where campaign_id = ${c.id} and not (state = 'cancelled' and activated_at is null)`)
	);
	return Math.floor(Number(total) / c.faceValueCents) - made;
}

export type StateCounts = Record<VoucherState, number>;
const zeroCounts = (): StateCounts => ({ created: 0, activated: 0, distributed: 0, redeemed: 0, reimbursed: 0, expired: 0, cancelled: 0, credited_back: 0 });

export async function listCampaigns(database: Database, actor: Actor, departmentCode: string) {
	mustManage(actor, departmentCode);
	const cs = await database.db
		.select()
		.from(passCampaigns)
		.where(eq(passCampaigns.departmentCode, departmentCode))
		.orderBy(desc(passCampaigns.validUntil), asc(passCampaigns.name));
	const counts = await stateCounts(
		database.db,
		cs.map((c) => c.id)
	);
	return cs.map((c) => ({ ...c, counts: counts.get(c.id) ?? zeroCounts() }));
}

async function stateCounts(db: DbOrTx, campaignIds: string[]): Promise<Map<string, StateCounts>> {
	const m = new Map<string, StateCounts>();
	if (!campaignIds.length) return m;
	const rows = await db
		.select({ campaignId: passVouchers.campaignId, state: passVouchers.state, n: sql<number>`count(*)::int` })
		.from(passVouchers)
		.where(inArray(passVouchers.campaignId, campaignIds))
		.groupBy(passVouchers.campaignId, passVouchers.state);
	for (const r of rows) {
		const c = m.get(r.campaignId) ?? zeroCounts();
		c[r.state as VoucherState] = r.n;
		m.set(r.campaignId, c);
	}
	return m;
}

export async function campaignDetail(database: Database, actor: Actor, campaignId: string) {
	const c = await loadCampaign(database.db, campaignId);
	if (!(await canReadCampaign(database, actor, c))) throw new PassError('not_found', 'Cette campagne n’existe pas.');
	const db = database.db;
	const [shares, counts, bookletRows, budget, areaNamesOfCampaign] = await Promise.all([
		campaignShares(db, c.id),
		stateCounts(db, [c.id]),
		db
			.select({
				id: passBooklets.id,
				number: passBooklets.number,
				size: passBooklets.size,
				holderId: passBooklets.holderOrganisationId,
				// qualified by hand: Drizzle writes a column of the query's only table unqualified (see redemption.ts)
				distributed: sql<number>`(select count(*)::int from pass_vouchers v where v.booklet_id = "pass_booklets"."id" and v.distributed_at is not null)`,
				redeemed: sql<number>`(select count(*)::int from pass_vouchers v where v.booklet_id = "pass_booklets"."id" and v.redeemed_at is not null)`
			})
			.from(passBooklets)
			.where(eq(passBooklets.campaignId, c.id))
			.orderBy(asc(passBooklets.number)),
		balanceOf(db, ACCOUNT.budget(c.id)),
		areaNames(db, c.areaIds)
	]);
	const holders = await organisationNames(
		db,
		bookletRows.map((b) => b.holderId)
	);
	const booklets = bookletRows.map(({ id, number, size, holderId, ...b }) => ({
		id,
		number,
		size,
		holder: (holderId && holders.get(holderId)) ?? null,
		holderId,
		...b
	}));
	const capacity = await remainingCapacity(db, c);
	return {
		campaign: c,
		shares,
		counts: counts.get(c.id) ?? zeroCounts(),
		booklets,
		budgetLeftCents: -budget || 0,
		capacity,
		areaNames: areaNamesOfCampaign,
		manage: can(actor, 'pass.manage', { departmentCode: c.departmentCode })
	};
}

/**
 * Who the booklets name (issue 12, item 7): the Département running the campaign (its
 * structure of kind 'departement', else "Département de …") and the campaign's funders.
 * Called after campaignVouchersForPrint, which checks the actor may print.
 */
export async function campaignSponsors(
	database: Database,
	campaignId: string,
	departmentCode: string
): Promise<{ department: string | null; funders: string[] }> {
	const [dep] = await activeOrganisationsOf(database.db, departmentCode, { kind: 'departement' });
	const d = dep ? null : await departmentName(database.db, departmentCode);
	const funders = (await campaignShares(database.db, campaignId)).map((s) => s.name);
	return { department: dep?.name ?? (d ? `Département de ${d}` : null), funders };
}
