/**
 * Pass Numérique: the departmental fund, campaigns, booklets and vouchers, qualification
 * of places, distribution, checking and redemption, monthly statements, expiry and
 * credit-back, and the double-entry ledger that records every movement of money.
 *
 * Money first: every write that moves value posts a balanced ledger transaction in the
 * same database transaction, and is journaled there too. A voucher changes state by one
 * conditional UPDATE (`… WHERE state = 'distributed'`): under any concurrency, one
 * redemption wins and the others find the voucher already used.
 */
import { MASKED } from '../stats/small-counts.ts';
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database, DbOrTx, Tx } from '../db/client.ts';
import { journal } from '../audit/service.ts';
import { can, departmentsWith, countAttempt, lockedUntil, reserveAttempt, type Actor } from '../accounts/service.ts';
import { organisations, users } from '../accounts/db.ts';
import { places } from '../places/db.ts';
import { isValidSiret } from '../places/index.ts';
import { areaMunicipalities, areas, departments } from '../territory/db.ts';
import { getInstanceSettings } from '../territory/service.ts';
import { loadBeneficiary, CareError } from '../beneficiaries/service.ts';
import { referrals } from '../referral/db.ts';
import { accompaniments } from '../accompaniments/db.ts';
import { queueMail } from '../mail/service.ts';
import { plainMail } from '../mail/templates.ts';
import { fieldErrors } from '../accounts/model.ts';
import { log } from '../log.ts';
import { formatCode, newCode, parseCode } from './code.ts';
import { verifySources } from './verify.ts';
import {
	passAlerts,
	passBooklets,
	passCampaignFunders,
	passCampaigns,
	passContributions,
	passQualifications,
	passStatements,
	passVouchers,
	passWarnings
} from './db.ts';
import {
	ACCOUNT,
	FRAUD,
	POST,
	WARNING_DAYS,
	addDays,
	campaignInput,
	contributionInput,
	dayLabel,
	daysBetween,
	euros,
	lastRedemptionDay,
	monthBounds,
	monthLabel,
	monthOf,
	parisDay,
	parseEuros,
	sumsToZero,
	type LedgerKind,
	type Line,
	type VoucherState
} from './model.ts';
import { spreadsheetCell } from '../web/spreadsheet.ts';

export * from './model.ts';
export { formatCode, parseCode, spokenCode } from './code.ts';

export type Campaign = typeof passCampaigns.$inferSelect;
export type Voucher = typeof passVouchers.$inferSelect;
export type Statement = typeof passStatements.$inferSelect;

export class PassError extends Error {
	constructor(
		public code: 'forbidden' | 'not_found' | 'invalid' | 'conflict' | 'throttled',
		message: string,
		public fields: Record<string, string> = {}
	) {
		super(message);
	}

	/** The HTTP status a page or a form answers with. */
	get status(): 400 | 403 | 404 | 409 | 429 {
		return PASS_ERROR_STATUS[this.code];
	}
}

const PASS_ERROR_STATUS = { invalid: 400, forbidden: 403, not_found: 404, conflict: 409, throttled: 429 } as const;

const userActor = (a: Actor) => ({ kind: 'user' as const, id: a.userId });
const SYSTEM = { kind: 'system' as const };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type Rows<T> = { rows: T[] };
const rowsOf = <T>(r: unknown): T[] => (r as Rows<T>).rows;

/**
 * A hot query as a named prepared statement on PostgreSQL (parsed and planned once per
 * connection: planning the redemption's joins costs more than running them), the same
 * text unnamed on PGlite. `on`: the database handle or the transaction.
 */
async function prepared<T>(on: DbOrTx, name: string, text: string, values: unknown[]): Promise<T[]> {
	type Client = { query: (...args: unknown[]) => Promise<{ rows: T[] }>; release?: unknown; totalCount?: unknown };
	const client = (on as unknown as { session: { client: Client } }).session.client;
	// node-postgres: a Pool (outside a transaction) or a PoolClient (inside one)
	const nodePg = typeof client.release === 'function' || typeof client.totalCount === 'number';
	return (await (nodePg ? client.query({ name, text, values }) : client.query(text, values))).rows;
}

// ——— who manages which département ———

/** The actor's organisations where they may do a care team's Pass action (hand out, redeem). */
function organisationsFor(actor: Actor, action: 'pass.redeem' | 'pass.distribute'): string[] {
	return [...new Set(actor.memberships.map((m) => m.organisationId))].filter((id) => can(actor, action, { organisationId: id }));
}

/** The départements whose fund the actor manages: a coordinator's, all the instance's for its administrator. */
export async function managedDepartments(database: Database, actor: Actor): Promise<string[]> {
	if (actor.isAdmin) return (await getInstanceSettings(database)).departmentCodes;
	return departmentsWith(actor, ['coordinator']);
}

function mustManage(actor: Actor, departmentCode: string) {
	if (!can(actor, 'pass.manage', { departmentCode }))
		throw new PassError('forbidden', 'Seule la coordination départementale gère le fonds et les campagnes du Pass Numérique.');
}

// ——— the ledger ———

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

async function balanceOf(db: DbOrTx, account: string): Promise<number> {
	const [r] = rowsOf<{ b: string | null }>(await db.execute(sql`select sum(amount_cents)::text as b from pass_ledger_lines where account = ${account}`));
	return Number(r?.b ?? 0);
}

/** What a funder paid in and has not committed yet (its account's credit balance). */
export async function funderAvailable(db: DbOrTx, funderId: string): Promise<number> {
	return -(await balanceOf(db, ACCOUNT.funder(funderId))) || 0;
}

// ——— the fund: contributions ———

async function orgInDepartment(db: DbOrTx, id: string, departmentCode: string) {
	if (!UUID.test(id)) return null;
	const [o] = await db
		.select()
		.from(organisations)
		.where(and(eq(organisations.id, id), eq(organisations.departmentCode, departmentCode)));
	return o ?? null;
}

export async function recordContribution(database: Database, actor: Actor, departmentCode: string, input: unknown, ip?: string | null): Promise<string> {
	mustManage(actor, departmentCode);
	const parsed = contributionInput.safeParse(input);
	if (!parsed.success) throw new PassError('invalid', 'La contribution n’est pas complète.', fieldErrors(parsed.error.issues));
	const v = parsed.data;
	return database.db.transaction(async (tx) => {
		const funder = await orgInDepartment(tx, v.funderId, departmentCode);
		if (!funder) throw new PassError('invalid', 'La contribution n’est pas complète.', { funderId: 'Choisissez un partenaire de ce département.' });
		const [row] = await tx
			.insert(passContributions)
			.values({
				departmentCode,
				funderId: v.funderId,
				amountCents: v.amount,
				receivedOn: v.receivedOn,
				agreementRef: v.agreementRef,
				restrictions: v.restrictions || null,
				recordedBy: actor.userId
			})
			.returning({ id: passContributions.id });
		await post(tx, {
			departmentCode,
			kind: 'contribution',
			refType: 'contribution',
			refId: row.id,
			memo: `${funder.name} · ${v.agreementRef}`,
			lines: POST.contribution(v.funderId, v.amount)
		});
		await journal(tx, {
			actor: userActor(actor),
			action: 'pass.contribution.recorded',
			targetType: 'pass_contribution',
			targetId: row.id,
			departmentCode,
			ip,
			details: { funderId: v.funderId, amountCents: v.amount, agreementRef: v.agreementRef }
		});
		return row.id;
	});
}

/**
 * Corrects a contribution recorded wrong (issue 12, item 17). The ledger and the journal
 * are append-only: nothing is updated. In one transaction, a reversal — a contribution of
 * the opposite amount naming the one it cancels, posted (funder debited, cash credited)
 * and journaled — then, when a right amount is given, a new contribution. Refused when
 * the funder has already committed the money the reversal would take back.
 */
export async function correctContribution(
	database: Database,
	actor: Actor,
	contributionId: string,
	input: { amount?: string; receivedOn?: string; agreementRef?: string; reason?: string },
	ip?: string | null
): Promise<{ reversalId: string; newId: string | null }> {
	if (!UUID.test(contributionId)) throw new PassError('not_found', 'Cette contribution n’existe pas.');
	const reason = (input.reason ?? '').trim();
	const fields: Record<string, string> = {};
	if (!reason)
		fields.reason =
			'Indiquez pourquoi la contribution est corrigée (gardé au journal). Exemple\u00a0: montant saisi 50\u202f000\u00a0€ au lieu de 5\u202f000\u00a0€';
	else if (reason.length > 300) fields.reason = '300 caractères au plus.';
	const amountText = (input.amount ?? '').trim();
	const newCents = amountText === '' || amountText === '0' ? 0 : parseEuros(amountText);
	if (newCents === null || newCents < 0)
		fields.amount = 'Indiquez le bon montant en euros (par exemple 5\u202f000), ou laissez vide pour seulement annuler la contribution.';
	return database.db.transaction(async (tx) => {
		const [c] = await tx.select().from(passContributions).where(eq(passContributions.id, contributionId)).for('update');
		if (!c) throw new PassError('not_found', 'Cette contribution n’existe pas.');
		mustManage(actor, c.departmentCode);
		if (c.correctsId) throw new PassError('conflict', 'Cette ligne annule déjà une contribution\u00a0: corrigez plutôt la nouvelle contribution.');
		const [already] = await tx.select({ id: passContributions.id }).from(passContributions).where(eq(passContributions.correctsId, c.id));
		if (already) throw new PassError('conflict', 'Cette contribution a déjà été corrigée\u00a0: corrigez la nouvelle contribution enregistrée à sa place.');
		const next = newCents
			? contributionInput.safeParse({
					funderId: c.funderId,
					amount: amountText,
					receivedOn: input.receivedOn || c.receivedOn,
					agreementRef: (input.agreementRef ?? '').trim() || c.agreementRef,
					restrictions: c.restrictions ?? ''
				})
			: null;
		if (next && !next.success) Object.assign(fields, fieldErrors(next.error.issues));
		if (Object.keys(fields).length) throw new PassError('invalid', 'La correction n’est pas complète.', fields);
		if (newCents === c.amountCents)
			throw new PassError('invalid', 'La correction n’est pas complète.', {
				amount: `La contribution est déjà de ${euros(c.amountCents)}\u00a0: indiquez le bon montant, ou laissez vide pour l’annuler.`
			});
		const available = await funderAvailable(tx, c.funderId);
		if (available - c.amountCents + (newCents ?? 0) < 0)
			throw new PassError(
				'conflict',
				`Impossible\u00a0: ${euros(c.amountCents - available)} de cette contribution sont déjà engagés dans des campagnes. Corrigez d’abord la part du financeur dans la campagne, ou indiquez un montant d’au moins ${euros(c.amountCents - available)}.`
			);
		const [funder] = await tx.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, c.funderId));
		const [rev] = await tx
			.insert(passContributions)
			.values({
				departmentCode: c.departmentCode,
				funderId: c.funderId,
				amountCents: -c.amountCents,
				receivedOn: parisDay(),
				agreementRef: c.agreementRef,
				correctsId: c.id,
				correctionReason: reason,
				recordedBy: actor.userId
			})
			.returning({ id: passContributions.id });
		await post(tx, {
			departmentCode: c.departmentCode,
			kind: 'contribution',
			refType: 'contribution',
			refId: rev.id,
			memo: `Annulation · ${funder?.name ?? ''} · ${c.agreementRef}`,
			lines: POST.contribution(c.funderId, c.amountCents).map((l) => ({ ...l, amountCents: -l.amountCents }))
		});
		await journal(tx, {
			actor: userActor(actor),
			action: 'pass.contribution.recorded',
			targetType: 'pass_contribution',
			targetId: rev.id,
			departmentCode: c.departmentCode,
			ip,
			details: { funderId: c.funderId, amountCents: -c.amountCents, agreementRef: c.agreementRef, correctionOf: c.id, reason }
		});
		let newId: string | null = null;
		if (next?.success) {
			const v = next.data;
			const [row] = await tx
				.insert(passContributions)
				.values({
					departmentCode: c.departmentCode,
					funderId: c.funderId,
					amountCents: v.amount,
					receivedOn: v.receivedOn,
					agreementRef: v.agreementRef,
					restrictions: v.restrictions || null,
					recordedBy: actor.userId
				})
				.returning({ id: passContributions.id });
			await post(tx, {
				departmentCode: c.departmentCode,
				kind: 'contribution',
				refType: 'contribution',
				refId: row.id,
				memo: `${funder?.name ?? ''} · ${v.agreementRef} (correction)`,
				lines: POST.contribution(c.funderId, v.amount)
			});
			await journal(tx, {
				actor: userActor(actor),
				action: 'pass.contribution.recorded',
				targetType: 'pass_contribution',
				targetId: row.id,
				departmentCode: c.departmentCode,
				ip,
				details: { funderId: c.funderId, amountCents: v.amount, agreementRef: v.agreementRef, replaces: c.id }
			});
			newId = row.id;
		}
		return { reversalId: rev.id, newId };
	});
}

export interface FunderBalance {
	funderId: string;
	name: string;
	contributedCents: number;
	committedCents: number;
	creditedBackCents: number;
	availableCents: number;
}

/** Per funder: paid in, committed to campaigns, credited back, available. */
export async function funderBalances(database: Database, actor: Actor, departmentCode: string): Promise<FunderBalance[]> {
	mustManage(actor, departmentCode);
	const rows = rowsOf<{ id: string; name: string; contributed: string; committed: string; credited: string; balance: string }>(
		await database.db.execute(sql`
			with f as (
				select distinct funder_id as id from pass_contributions where department_code = ${departmentCode}
				union select cf.funder_id from pass_campaign_funders cf join pass_campaigns c on c.id = cf.campaign_id where c.department_code = ${departmentCode}
			)
			select o.id, o.name,
				coalesce((select sum(amount_cents) from pass_contributions c where c.funder_id = o.id and c.department_code = ${departmentCode}), 0)::text as contributed,
				coalesce((select sum(share_cents) from pass_campaign_funders cf join pass_campaigns c on c.id = cf.campaign_id where cf.funder_id = o.id and cf.paid_at is not null and c.department_code = ${departmentCode}), 0)::text as committed,
				coalesce((select -sum(l.amount_cents) from pass_ledger_lines l join pass_ledger_entries e on e.id = l.entry_id where l.account = 'funder:' || o.id::text and e.kind = 'credit_back'), 0)::text as credited,
				coalesce((select sum(l.amount_cents) from pass_ledger_lines l where l.account = 'funder:' || o.id::text), 0)::text as balance
			from f join organisations o on o.id = f.id
			order by o.name`)
	);
	return rows.map((r) => ({
		funderId: r.id,
		name: r.name,
		contributedCents: Number(r.contributed),
		committedCents: Number(r.committed),
		creditedBackCents: Number(r.credited),
		availableCents: -Number(r.balance) || 0
	}));
}

export async function listContributions(database: Database, actor: Actor, departmentCode: string) {
	mustManage(actor, departmentCode);
	return database.db
		.select({
			id: passContributions.id,
			funderId: passContributions.funderId,
			funder: organisations.name,
			amountCents: passContributions.amountCents,
			receivedOn: passContributions.receivedOn,
			agreementRef: passContributions.agreementRef,
			restrictions: passContributions.restrictions,
			correctsId: passContributions.correctsId,
			correctionReason: passContributions.correctionReason,
			corrected: sql<boolean>`exists (select 1 from pass_contributions r where r.corrects_id = ${passContributions.id})`
		})
		.from(passContributions)
		.innerJoin(organisations, eq(organisations.id, passContributions.funderId))
		.where(eq(passContributions.departmentCode, departmentCode))
		.orderBy(desc(passContributions.receivedOn), desc(passContributions.createdAt));
}

/** The organisations that can fund (every active one of the département; operators first). */
export async function possibleFunders(database: Database, departmentCode: string) {
	return database.db
		.select({ id: organisations.id, name: organisations.name, kind: organisations.kind })
		.from(organisations)
		.where(and(eq(organisations.departmentCode, departmentCode), eq(organisations.active, true)))
		.orderBy(sql`${organisations.kind} not in ('operateur', 'departement')`, asc(organisations.name));
}

// ——— campaigns ———

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
		const communeCodes = await areaCommunes(tx, departmentCode, v.areaIds);
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

/** The communes of the chosen areas (null when one is not of the département). */
async function areaCommunes(db: DbOrTx, departmentCode: string, areaIds: number[]): Promise<string[] | null> {
	if (!areaIds.length) return [];
	const found = await db
		.select({ id: areas.id })
		.from(areas)
		.where(and(inArray(areas.id, areaIds), eq(areas.departmentCode, departmentCode)));
	if (found.length !== new Set(areaIds).size) return null;
	const rows = await db.selectDistinct({ code: areaMunicipalities.inseeCode }).from(areaMunicipalities).where(inArray(areaMunicipalities.areaId, areaIds));
	return rows.map((r) => r.code).sort();
}

export async function loadCampaign(db: DbOrTx, id: string): Promise<Campaign> {
	if (!UUID.test(id)) throw new PassError('not_found', 'Cette campagne n’existe pas.');
	const [c] = await db.select().from(passCampaigns).where(eq(passCampaigns.id, id));
	if (!c) throw new PassError('not_found', 'Cette campagne n’existe pas.');
	return c;
}

async function campaignShares(db: DbOrTx, campaignId: string) {
	return db
		.select({
			funderId: passCampaignFunders.funderId,
			name: organisations.name,
			shareCents: passCampaignFunders.shareCents,
			paidAt: passCampaignFunders.paidAt
		})
		.from(passCampaignFunders)
		.innerJoin(organisations, eq(organisations.id, passCampaignFunders.funderId))
		.where(eq(passCampaignFunders.campaignId, campaignId))
		.orderBy(asc(organisations.name));
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
			const [f] = await tx.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, funderId));
			throw new PassError(
				'conflict',
				`Les contributions de ${f?.name ?? 'ce financeur'} ne couvrent pas sa part\u00a0: il reste ${euros(available)} disponibles pour une part de ${euros(share.shareCents)}. Enregistrez d’abord son versement.`
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
async function activateCreated(tx: Tx, c: Campaign): Promise<number> {
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
async function remainingCapacity(db: DbOrTx, c: Campaign): Promise<number> {
	const [{ total }] = rowsOf<{ total: string }>(
		await db.execute(sql`select coalesce(sum(share_cents), 0)::text as total from pass_campaign_funders where campaign_id = ${c.id}`)
	);
	const [{ made }] = rowsOf<{ made: number }>(
		await db.execute(sql`select count(*)::int as made from pass_vouchers where campaign_id = ${c.id} and not (state = 'cancelled' and activated_at is null)`)
	);
	return Math.floor(Number(total) / c.faceValueCents) - made;
}

/**
 * Generates booklets of the campaign's size, each voucher with a fresh unguessable code.
 * In a funded campaign they are activated at once (the budget must cover them).
 */
export async function generateBooklets(
	database: Database,
	actor: Actor,
	campaignId: string,
	count: number,
	ip?: string | null
): Promise<{ first: number; last: number; vouchers: number }> {
	if (!Number.isInteger(count) || count < 1 || count > 2000)
		throw new PassError('invalid', 'Indiquez un nombre de carnets entre 1 et 2\u202f000.', { count: 'Entre 1 et 2\u202f000 carnets à la fois.' });
	return database.db.transaction(async (tx) => {
		const [c] = await tx.select().from(passCampaigns).where(eq(passCampaigns.id, campaignId)).for('update');
		if (!c) throw new PassError('not_found', 'Cette campagne n’existe pas.');
		mustManage(actor, c.departmentCode);
		if (c.status === 'closed') throw new PassError('conflict', 'Cette campagne est close.');
		const capacity = await remainingCapacity(tx, c);
		const wanted = count * c.bookletSize;
		if (wanted > capacity)
			throw new PassError(
				'conflict',
				capacity >= c.bookletSize
					? `Les parts des financeurs permettent encore ${capacity} pass, soit ${Math.floor(capacity / c.bookletSize)} carnets de ${c.bookletSize}.`
					: 'Les parts des financeurs ne permettent plus de nouveau carnet\u00a0: augmentez le financement de la campagne.',
				{ count: `${Math.floor(capacity / c.bookletSize)} carnets au plus.` }
			);
		const [{ max }] = rowsOf<{ max: number }>(
			await tx.execute(sql`select coalesce(max(number), 0)::int as max from pass_booklets where campaign_id = ${c.id}`)
		);
		const first = max + 1;
		const bookletRows = await tx
			.insert(passBooklets)
			.values(Array.from({ length: count }, (_, i) => ({ campaignId: c.id, departmentCode: c.departmentCode, number: first + i, size: c.bookletSize })))
			.returning({ id: passBooklets.id, number: passBooklets.number });
		const vouchers = bookletRows.flatMap((b) =>
			Array.from({ length: c.bookletSize }, (_, p) => ({
				code: newCode(),
				campaignId: c.id,
				bookletId: b.id,
				position: p + 1,
				departmentCode: c.departmentCode,
				faceValueCents: c.faceValueCents
			}))
		);
		for (let i = 0; i < vouchers.length; i += 1000) {
			const chunk = vouchers.slice(i, i + 1000);
			// a code already taken (one chance in 2^65 per pair) gets a new draw
			for (;;) {
				const inserted = await tx.insert(passVouchers).values(chunk).onConflictDoNothing({ target: passVouchers.code }).returning({ code: passVouchers.code });
				if (inserted.length === chunk.length) break;
				const ok = new Set(inserted.map((r) => r.code));
				chunk.splice(0, chunk.length, ...chunk.filter((v) => !ok.has(v.code)).map((v) => ({ ...v, code: newCode() })));
			}
		}
		const activated = c.status === 'funded' ? await activateCreated(tx, c) : 0;
		await journal(tx, {
			actor: userActor(actor),
			action: 'pass.booklets.generated',
			targetType: 'pass_campaign',
			targetId: c.id,
			departmentCode: c.departmentCode,
			ip,
			details: { first, last: first + count - 1, vouchers: vouchers.length, activated }
		});
		return { first, last: first + count - 1, vouchers: vouchers.length };
	});
}

/** Entrusts booklets (by number, from–to) to a prescribing organisation of the département. */
export async function entrustBooklets(
	database: Database,
	actor: Actor,
	campaignId: string,
	organisationId: string,
	from: number,
	to: number,
	ip?: string | null
): Promise<number> {
	return database.db.transaction(async (tx) => {
		const c = await loadCampaign(tx, campaignId);
		mustManage(actor, c.departmentCode);
		if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to < from)
			throw new PassError('invalid', 'Indiquez les numéros des carnets, du premier au dernier.', { from: 'Par exemple de 1 à 20.' });
		const org = await orgInDepartment(tx, organisationId, c.departmentCode);
		if (!org) throw new PassError('invalid', 'Choisissez une structure de ce département.', { organisationId: 'Choisissez une structure.' });
		const rows = await tx
			.update(passBooklets)
			.set({ holderOrganisationId: organisationId, entrustedAt: new Date() })
			.where(and(eq(passBooklets.campaignId, c.id), sql`${passBooklets.number} between ${from} and ${to}`))
			.returning({ id: passBooklets.id });
		if (!rows.length) throw new PassError('invalid', 'Aucun carnet ne porte ces numéros dans cette campagne.', { from: 'Aucun carnet avec ces numéros.' });
		await journal(tx, {
			actor: userActor(actor),
			action: 'pass.booklets.entrusted',
			targetType: 'pass_campaign',
			targetId: c.id,
			departmentCode: c.departmentCode,
			ip,
			details: { organisationId, from, to, booklets: rows.length }
		});
		return rows.length;
	});
}

/** Cancels vouchers (lost or stolen booklet, error): not yet redeemed ones only. Their value is credited back by the daily clock. */
export async function cancelVouchers(
	database: Database,
	actor: Actor,
	campaignId: string,
	target: { bookletNumber?: number; code?: string },
	reason: string,
	ip?: string | null
): Promise<number> {
	if (!reason.trim()) throw new PassError('invalid', 'Indiquez pourquoi ces pass sont annulés.', { reason: 'Par exemple\u00a0: carnet perdu.' });
	return database.db.transaction(async (tx) => {
		const c = await loadCampaign(tx, campaignId);
		mustManage(actor, c.departmentCode);
		let where;
		if (target.code) {
			const p = parseCode(target.code);
			if (!p.ok) throw new PassError('invalid', p.message, { code: p.message });
			where = and(eq(passVouchers.campaignId, c.id), eq(passVouchers.code, p.code));
		} else if (target.bookletNumber) {
			const [b] = await tx
				.select({ id: passBooklets.id })
				.from(passBooklets)
				.where(and(eq(passBooklets.campaignId, c.id), eq(passBooklets.number, target.bookletNumber)));
			if (!b) throw new PassError('invalid', 'Aucun carnet ne porte ce numéro.', { bookletNumber: 'Aucun carnet avec ce numéro.' });
			where = eq(passVouchers.bookletId, b.id);
		} else throw new PassError('invalid', 'Indiquez un carnet ou un code.');
		const rows = await tx
			.update(passVouchers)
			.set({ state: 'cancelled', endedAt: new Date(), endedReason: 'cancelled' })
			.where(and(where, inArray(passVouchers.state, ['created', 'activated', 'distributed'])))
			.returning({ id: passVouchers.id });
		await journal(tx, {
			actor: userActor(actor),
			action: 'pass.vouchers.cancelled',
			targetType: 'pass_campaign',
			targetId: c.id,
			departmentCode: c.departmentCode,
			ip,
			details: { count: rows.length, reason: reason.trim().slice(0, 200), ...target }
		});
		return rows.length;
	});
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
	const [shares, counts, booklets, budget, areaRows] = await Promise.all([
		campaignShares(db, c.id),
		stateCounts(db, [c.id]),
		db
			.select({
				id: passBooklets.id,
				number: passBooklets.number,
				size: passBooklets.size,
				holder: organisations.name,
				holderId: passBooklets.holderOrganisationId,
				distributed: sql<number>`(select count(*)::int from pass_vouchers v where v.booklet_id = ${passBooklets.id} and v.distributed_at is not null)`,
				redeemed: sql<number>`(select count(*)::int from pass_vouchers v where v.booklet_id = ${passBooklets.id} and v.redeemed_at is not null)`
			})
			.from(passBooklets)
			.leftJoin(organisations, eq(organisations.id, passBooklets.holderOrganisationId))
			.where(eq(passBooklets.campaignId, c.id))
			.orderBy(asc(passBooklets.number)),
		balanceOf(db, ACCOUNT.budget(c.id)),
		c.areaIds.length ? db.select({ id: areas.id, name: areas.name }).from(areas).where(inArray(areas.id, c.areaIds)) : Promise.resolve([])
	]);
	const capacity = await remainingCapacity(db, c);
	return {
		campaign: c,
		shares,
		counts: counts.get(c.id) ?? zeroCounts(),
		booklets,
		budgetLeftCents: -budget || 0,
		capacity,
		areaNames: areaRows.map((a) => a.name),
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
	const [dep] = await database.db
		.select({ name: organisations.name })
		.from(organisations)
		.where(and(eq(organisations.kind, 'departement'), eq(organisations.departmentCode, departmentCode), eq(organisations.active, true)))
		.orderBy(asc(organisations.name))
		.limit(1);
	const [d] = dep ? [] : await database.db.select({ name: departments.name }).from(departments).where(eq(departments.code, departmentCode));
	const funders = (await campaignShares(database.db, campaignId)).map((s) => s.name);
	return { department: dep?.name ?? (d ? `Département de ${d.name}` : null), funders };
}

/** Every voucher of a campaign with its booklet, for printing (booklet order). */
export async function campaignVouchersForPrint(database: Database, actor: Actor, campaignId: string, booklets?: { from: number; to: number }) {
	const c = await loadCampaign(database.db, campaignId);
	mustManage(actor, c.departmentCode);
	const rows = await database.db
		.select({ number: passBooklets.number, position: passVouchers.position, code: passVouchers.code })
		.from(passVouchers)
		.innerJoin(passBooklets, eq(passBooklets.id, passVouchers.bookletId))
		.where(and(eq(passVouchers.campaignId, c.id), booklets ? sql`${passBooklets.number} between ${booklets.from} and ${booklets.to}` : undefined))
		.orderBy(asc(passBooklets.number), asc(passVouchers.position));
	const byBooklet = new Map<number, { code: string }[]>();
	for (const r of rows) (byBooklet.get(r.number) ?? byBooklet.set(r.number, []).get(r.number)!).push({ code: r.code });
	return { campaign: c, booklets: [...byBooklet].map(([number, vouchers]) => ({ number, vouchers })) };
}

// ——— qualification of places ———

export async function qualify(
	database: Database,
	actor: Actor,
	departmentCode: string,
	input: { siret: string; organisationId: string },
	ip?: string | null
): Promise<string> {
	mustManage(actor, departmentCode);
	const typed = (input.siret ?? '').replace(/\s/g, '');
	if (typed && !isValidSiret(typed))
		throw new PassError('invalid', 'Le SIRET n’est pas valide.', { siret: 'Un SIRET compte 14 chiffres (il figure sur l’avis de situation Insee).' });
	return database.db.transaction(async (tx) => {
		const org = await orgInDepartment(tx, input.organisationId, departmentCode);
		if (!org) throw new PassError('invalid', 'Choisissez la structure qui sera remboursée.', { organisationId: 'Choisissez une structure de ce département.' });
		// nothing typed: the structure's own SIRET, when it is known (issue 12: it was asked again)
		const siret = typed || org.siret || '';
		if (!siret)
			throw new PassError('invalid', 'Indiquez le SIRET.', {
				siret: `${org.name} n’a pas de SIRET enregistré\u00a0: saisissez celui du lieu ou de la structure (14 chiffres, sur l’avis de situation Insee).`
			});
		if (!isValidSiret(siret))
			throw new PassError('invalid', 'Le SIRET enregistré pour cette structure n’est pas valide.', {
				siret: 'Saisissez le SIRET du lieu ou de la structure (14 chiffres).'
			});
		const [existing] = await tx.select().from(passQualifications).where(eq(passQualifications.siret, siret));
		if (existing) {
			if (existing.departmentCode !== departmentCode) throw new PassError('conflict', 'Ce SIRET est déjà qualifié dans un autre département.');
			if (!existing.suspendedAt)
				throw new PassError('conflict', 'Ce SIRET est déjà qualifié\u00a0: une seule qualification par SIRET.', { siret: 'Déjà qualifié.' });
			await tx
				.update(passQualifications)
				.set({ suspendedAt: null, suspensionReason: null, organisationId: org.id, qualifiedAt: new Date(), qualifiedBy: actor.userId })
				.where(eq(passQualifications.id, existing.id));
			await journal(tx, {
				actor: userActor(actor),
				action: 'pass.qualification.restored',
				targetType: 'pass_qualification',
				targetId: existing.id,
				departmentCode,
				ip,
				details: { siret }
			});
			return existing.id;
		}
		const [row] = await tx
			.insert(passQualifications)
			.values({ departmentCode, siret, organisationId: org.id, qualifiedBy: actor.userId })
			.returning({ id: passQualifications.id });
		await journal(tx, {
			actor: userActor(actor),
			action: 'pass.qualification.granted',
			targetType: 'pass_qualification',
			targetId: row.id,
			departmentCode,
			ip,
			details: { siret, organisationId: org.id }
		});
		return row.id;
	});
}

/** The structures of the département whose SIRET is known and not qualified yet: qualified in one click. */
export async function qualifiableOrganisations(database: Database, actor: Actor, departmentCode: string) {
	mustManage(actor, departmentCode);
	return database.db
		.select({ id: organisations.id, name: organisations.name, siret: organisations.siret })
		.from(organisations)
		.where(
			and(
				eq(organisations.departmentCode, departmentCode),
				eq(organisations.active, true),
				sql`${organisations.siret} is not null`,
				sql`not exists (select 1 from pass_qualifications q where q.siret = ${organisations.siret})`
			)
		)
		.orderBy(organisations.name);
}

export async function suspendQualification(database: Database, actor: Actor, id: string, reason: string, ip?: string | null): Promise<void> {
	if (!reason.trim()) throw new PassError('invalid', 'Indiquez la raison de la suspension.', { reason: 'La raison est gardée au journal.' });
	await database.db.transaction(async (tx) => {
		const [q] = UUID.test(id) ? await tx.select().from(passQualifications).where(eq(passQualifications.id, id)) : [];
		if (!q) throw new PassError('not_found', 'Cette qualification n’existe pas.');
		mustManage(actor, q.departmentCode);
		if (q.suspendedAt) return;
		await tx
			.update(passQualifications)
			.set({ suspendedAt: new Date(), suspensionReason: reason.trim().slice(0, 300) })
			.where(eq(passQualifications.id, id));
		await journal(tx, {
			actor: userActor(actor),
			action: 'pass.qualification.suspended',
			targetType: 'pass_qualification',
			targetId: id,
			departmentCode: q.departmentCode,
			ip,
			details: { reason: reason.trim().slice(0, 300) }
		});
	});
}

export async function listQualifications(database: Database, actor: Actor, departmentCode: string) {
	mustManage(actor, departmentCode);
	return database.db
		.select({
			id: passQualifications.id,
			siret: passQualifications.siret,
			organisationId: passQualifications.organisationId,
			organisation: organisations.name,
			qualifiedAt: passQualifications.qualifiedAt,
			suspendedAt: passQualifications.suspendedAt,
			suspensionReason: passQualifications.suspensionReason,
			places: sql<
				string[]
			>`coalesce((select array_agg(p.nom || ' (' || p.commune || ')' order by p.nom) from places p where p.pivot = ${passQualifications.siret}), '{}')`
		})
		.from(passQualifications)
		.innerJoin(organisations, eq(organisations.id, passQualifications.organisationId))
		.where(eq(passQualifications.departmentCode, departmentCode))
		.orderBy(asc(organisations.name), asc(passQualifications.siret));
}

export interface RedeemingPlace {
	placeId: string;
	nom: string;
	commune: string;
	codeInsee: string | null;
	organisationId: string;
	organisation: string;
	departmentCode: string;
	/** the qualification in force, or null with why */
	qualified: boolean;
	suspended: boolean;
}

/**
 * The places where the actor may redeem: those their organisations run (mediator or
 * place manager there), and whether each is qualified (its SIRET, or its organisation's,
 * has a qualification that is not suspended).
 */
export async function redeemingPlaces(database: Database, actor: Actor): Promise<RedeemingPlace[]> {
	const orgIds = organisationsFor(actor, 'pass.redeem');
	if (!orgIds.length) return [];
	const rows = await prepared<{
		place_id: string;
		nom: string;
		commune: string;
		code_insee: string | null;
		organisation_id: string;
		organisation: string;
		department_code: string;
		q_active: boolean;
		q_suspended: boolean;
	}>(
		database.db,
		'pass-redeeming-places',
		`select p.id as place_id, p.nom, p.commune, p.code_insee, o.id as organisation_id, o.name as organisation, o.department_code,
			exists (select 1 from pass_qualifications q where q.siret in (p.pivot, o.siret) and q.suspended_at is null) as q_active,
			exists (select 1 from pass_qualifications q where q.siret in (p.pivot, o.siret) and q.suspended_at is not null) as q_suspended
		from organisation_places op join places p on p.id = op.place_id join organisations o on o.id = op.organisation_id
		where op.organisation_id = any($1::uuid[]) and o.active
		order by p.nom, p.commune`,
		[`{${orgIds.join(',')}}`]
	);
	return rows.map((r) => ({
		placeId: r.place_id,
		nom: r.nom,
		commune: r.commune,
		codeInsee: r.code_insee,
		organisationId: r.organisation_id,
		organisation: r.organisation,
		departmentCode: r.department_code,
		qualified: r.q_active,
		suspended: !r.q_active && r.q_suspended
	}));
}

// ——— distribution ———

export async function distributableBooklets(database: Database, actor: Actor) {
	const orgIds = organisationsFor(actor, 'pass.distribute');
	if (!orgIds.length) return [];
	const today = parisDay();
	return database.db
		.select({
			bookletId: passBooklets.id,
			number: passBooklets.number,
			organisationId: passBooklets.holderOrganisationId,
			organisation: organisations.name,
			campaignId: passCampaigns.id,
			campaign: passCampaigns.name,
			validUntil: passCampaigns.validUntil,
			faceValueCents: passCampaigns.faceValueCents,
			available: sql<number>`(select count(*)::int from pass_vouchers v where v.booklet_id = ${passBooklets.id} and v.state = 'activated')`
		})
		.from(passBooklets)
		.innerJoin(passCampaigns, eq(passCampaigns.id, passBooklets.campaignId))
		.innerJoin(organisations, eq(organisations.id, passBooklets.holderOrganisationId))
		.where(and(inArray(passBooklets.holderOrganisationId, orgIds), eq(passCampaigns.status, 'funded'), sql`${passCampaigns.validUntil} >= ${today}`))
		.orderBy(asc(passCampaigns.validUntil), asc(passBooklets.number));
}

export interface DistributeInput {
	beneficiaryId: string;
	referralId?: string | null;
	/** a whole booklet (its vouchers still to hand out) … */
	bookletId?: string | null;
	/** … or codes typed or scanned */
	codes?: string[];
}

/**
 * Hands vouchers to a person: the prescriber's organisation must hold their booklet, the
 * vouchers must be activated, the campaign still valid, the person's record readable by
 * the prescriber; the referral, when given, is the person's.
 */
export async function distribute(
	database: Database,
	actor: Actor,
	input: DistributeInput,
	ip?: string | null,
	today = parisDay()
): Promise<{ count: number; codes: string[] }> {
	let person;
	try {
		person = await loadBeneficiary(database.db, actor, input.beneficiaryId, 'write');
	} catch (e) {
		if (e instanceof CareError) throw new PassError('not_found', e.message);
		throw e;
	}
	if (person.anonymisedAt) throw new PassError('conflict', 'Le dossier de cette personne a été anonymisé.');
	const codes: string[] = [];
	for (const raw of input.codes ?? []) {
		if (!raw.trim()) continue;
		const p = parseCode(raw);
		if (!p.ok) throw new PassError('invalid', p.message, { codes: `${raw.trim()}\u00a0: ${p.message}` });
		codes.push(p.code);
	}
	if (!input.bookletId && !codes.length)
		throw new PassError('invalid', 'Choisissez un carnet ou saisissez les codes des pass remis.', { codes: 'Un carnet ou au moins un code.' });
	return database.db.transaction(async (tx) => {
		if (input.referralId) {
			const [r] = UUID.test(input.referralId)
				? await tx.select({ beneficiaryId: referrals.beneficiaryId }).from(referrals).where(eq(referrals.id, input.referralId))
				: [];
			if (!r || r.beneficiaryId !== person.id)
				throw new PassError('invalid', 'Cette orientation n’est pas celle de la personne.', { referralId: 'Choisissez une orientation de cette personne.' });
		}
		const where = input.bookletId
			? and(
					eq(passVouchers.bookletId, UUID.test(input.bookletId) ? input.bookletId : '00000000-0000-0000-0000-000000000000'),
					eq(passVouchers.state, 'activated')
				)
			: inArray(passVouchers.code, codes);
		const candidates = await tx
			.select({ id: passVouchers.id, code: passVouchers.code, state: passVouchers.state, holder: passBooklets.holderOrganisationId, campaign: passCampaigns })
			.from(passVouchers)
			.innerJoin(passBooklets, eq(passBooklets.id, passVouchers.bookletId))
			.innerJoin(passCampaigns, eq(passCampaigns.id, passVouchers.campaignId))
			.where(where)
			.for('update', { of: passVouchers });
		if (!candidates.length)
			throw new PassError('invalid', input.bookletId ? 'Ce carnet n’a plus de pass à remettre.' : 'Aucun pass ne correspond à ces codes.', {
				codes: 'Vérifiez les codes.'
			});
		if (!input.bookletId && candidates.length !== codes.length)
			throw new PassError('invalid', 'Un des codes ne correspond à aucun pass.', { codes: 'Vérifiez les codes.' });
		const org = candidates[0].holder;
		for (const v of candidates) {
			if (!v.holder || v.holder !== org || !can(actor, 'pass.distribute', { organisationId: v.holder }))
				throw new PassError('forbidden', `Le pass ${formatCode(v.code)} n’appartient pas à un carnet confié à votre structure.`);
			if (v.state !== 'activated')
				throw new PassError(
					'conflict',
					`Le pass ${formatCode(v.code)} ne peut pas être remis\u00a0: ${v.state === 'created' ? 'sa campagne n’est pas encore financée' : 'il a déjà été remis ou n’est plus valable'}.`
				);
			if (v.campaign.validUntil < today)
				throw new PassError('conflict', `Le pass ${formatCode(v.code)} n’est plus valable depuis le ${dayLabel(v.campaign.validUntil)}.`);
		}
		const ids = candidates.map((v) => v.id);
		const now = new Date();
		const moved = await tx
			.update(passVouchers)
			.set({
				state: 'distributed',
				distributedAt: now,
				distributedBy: actor.userId,
				distributedOrganisationId: org,
				beneficiaryId: person.id,
				referralId: input.referralId || null
			})
			.where(and(inArray(passVouchers.id, ids), eq(passVouchers.state, 'activated')))
			.returning({ id: passVouchers.id });
		if (moved.length !== ids.length) throw new PassError('conflict', 'Un de ces pass vient d’être remis par quelqu’un d’autre. Recommencez.');
		await journal(tx, {
			actor: userActor(actor),
			action: 'pass.vouchers.distributed',
			targetType: 'beneficiary',
			targetId: person.id,
			departmentCode: person.departmentCode,
			ip,
			details: { count: ids.length, voucherIds: ids, referralId: input.referralId || null, organisationId: org }
		});
		return { count: ids.length, codes: candidates.map((v) => v.code) };
	});
}

/** The vouchers handed to a person (for their record). */
export async function vouchersOfPerson(db: DbOrTx, beneficiaryId: string) {
	return db
		.select({
			code: passVouchers.code,
			state: passVouchers.state,
			campaign: passCampaigns.name,
			validUntil: passCampaigns.validUntil,
			faceValueCents: passVouchers.faceValueCents,
			distributedAt: passVouchers.distributedAt,
			redeemedAt: passVouchers.redeemedAt
		})
		.from(passVouchers)
		.innerJoin(passCampaigns, eq(passCampaigns.id, passVouchers.campaignId))
		.where(eq(passVouchers.beneficiaryId, beneficiaryId))
		.orderBy(desc(passVouchers.distributedAt), asc(passVouchers.code));
}

// ——— checking and redeeming ———

export type CheckProblem = { kind: 'blocking' | 'confirm'; message: string };
export interface CheckResult {
	code: string;
	voucherId: string;
	campaign: { id: string; name: string; validUntil: string; lastDay: string; publics: string[] };
	faceValueCents: number;
	state: VoucherState;
	/** nothing blocks: it can be redeemed (after confirming the 'confirm' problems) */
	redeemable: boolean;
	problems: CheckProblem[];
	outsideArea: boolean;
	/** the person the voucher was handed to (an accompaniment of another person cannot take it) */
	holderId?: string | null;
}

const CHECK_RULE = { limit: FRAUD.checksPer10Minutes, windowMinutes: 10, lockMinutes: 10 };

/** Refused while the actor's code checks are locked (too many checks, or unknown codes): checking and redeeming alike. */
async function mustNotBeLocked(database: Database, actor: Actor): Promise<void> {
	const until = await lockedUntil(database.db, [`pass-check:${actor.userId}`, `pass-fail:${actor.userId}`]);
	if (until) {
		const minutes = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60_000));
		throw new PassError('throttled', `Trop de vérifications de codes en peu de temps. Réessayez dans ${minutes} minute${minutes > 1 ? 's' : ''}.`);
	}
}

async function throttleCheck(database: Database, actor: Actor): Promise<void> {
	await mustNotBeLocked(database, actor);
	// reserved before the code is checked, atomically: concurrent checks cannot pass the limit (issue 11, finding 9)
	const r = await reserveAttempt(database.db, `pass-check:${actor.userId}`, CHECK_RULE);
	if (!r.allowed) throw new PassError('throttled', 'Trop de vérifications de codes en peu de temps. Réessayez dans 10 minutes.');
}

/** An unknown code: counted; too many in a short time lock the checks and raise an alert. */
async function unknownCode(database: Database, actor: Actor, place: RedeemingPlace | null): Promise<never> {
	const locked = await countAttempt(database.db, `pass-fail:${actor.userId}`, FRAUD.failures);
	if (locked && place) {
		await database.db.transaction(async (tx) => {
			const [a] = await tx
				.insert(passAlerts)
				.values({
					departmentCode: place.departmentCode,
					kind: 'check_failures',
					placeId: place.placeId,
					organisationId: place.organisationId,
					userId: actor.userId,
					details: { failures: FRAUD.failures.limit, minutes: FRAUD.failures.windowMinutes }
				})
				.returning({ id: passAlerts.id });
			await journal(tx, {
				actor: userActor(actor),
				action: 'pass.alert.raised',
				targetType: 'pass_alert',
				targetId: a.id,
				departmentCode: place.departmentCode,
				details: { kind: 'check_failures' }
			});
		});
		log('warn', 'pass: code checks locked after repeated unknown codes', { userId: actor.userId });
	}
	throw new PassError('not_found', 'Ce code ne correspond à aucun pass. Vérifiez-le, ou demandez à la personne le carnet d’origine.', {
		code: 'Code inconnu.'
	});
}

function placeFor(places: RedeemingPlace[], placeId: string | null | undefined): RedeemingPlace {
	const p = placeId ? places.find((x) => x.placeId === placeId) : places.length === 1 ? places[0] : undefined;
	if (!p)
		throw new PassError(
			places.length ? 'invalid' : 'forbidden',
			places.length ? 'Choisissez le lieu où se fait l’accompagnement.' : 'Seule l’équipe d’un lieu qualifié encaisse des pass.',
			{ placeId: 'Choisissez un lieu.' }
		);
	return p;
}

function problemsOf(
	v: Pick<Voucher, 'state' | 'redeemedAt' | 'endedReason'> & {
		campaign: Pick<Campaign, 'departmentCode' | 'validFrom' | 'validUntil' | 'toleranceDays' | 'communeCodes'>;
		redeemedPlace?: string | null;
	},
	place: RedeemingPlace,
	today: string
): { problems: CheckProblem[]; outsideArea: boolean } {
	const c = v.campaign;
	const problems: CheckProblem[] = [];
	if (!place.qualified)
		problems.push({
			kind: 'blocking',
			message: place.suspended
				? 'La qualification de votre lieu est suspendue\u00a0: vous ne pouvez pas encaisser de pass. Contactez la coordination.'
				: 'Votre lieu n’est pas qualifié pour encaisser des pass. Contactez la coordination.'
		});
	if (c.departmentCode !== place.departmentCode) problems.push({ kind: 'blocking', message: 'Ce pass appartient à une campagne d’un autre département.' });
	const dateFr = (d: Date | null) => (d ? new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' }).format(d) : '');
	switch (v.state as VoucherState) {
		case 'created':
			problems.push({ kind: 'blocking', message: 'Ce pass n’est pas encore activé\u00a0: sa campagne attend son financement.' });
			break;
		case 'activated':
			problems.push({ kind: 'blocking', message: 'Ce pass n’a pas été remis à une personne par un prescripteur. Il ne peut pas encore être utilisé.' });
			break;
		case 'redeemed':
		case 'reimbursed':
			problems.push({ kind: 'blocking', message: `Ce pass a déjà été utilisé le ${dateFr(v.redeemedAt)}${v.redeemedPlace ? ` (${v.redeemedPlace})` : ''}.` });
			break;
		case 'expired':
		case 'credited_back':
			problems.push({
				kind: 'blocking',
				message: v.endedReason === 'cancelled' ? 'Ce pass a été annulé.' : `Ce pass a expiré\u00a0: il était valable jusqu’au ${dayLabel(c.validUntil)}.`
			});
			break;
		case 'cancelled':
			problems.push({ kind: 'blocking', message: 'Ce pass a été annulé (carnet perdu ou erreur). Il ne peut pas être utilisé.' });
			break;
		case 'distributed':
			break;
	}
	if (v.state === 'distributed' || v.state === 'activated') {
		if (today < c.validFrom) problems.push({ kind: 'blocking', message: `Ce pass n’est valable qu’à partir du ${dayLabel(c.validFrom)}.` });
		if (today > lastRedemptionDay(c))
			problems.push({ kind: 'blocking', message: `Ce pass a expiré\u00a0: il était valable jusqu’au ${dayLabel(c.validUntil)}.` });
	}
	const outsideArea = c.communeCodes.length > 0 && !(place.codeInsee && c.communeCodes.includes(place.codeInsee));
	if (outsideArea)
		problems.push({
			kind: 'confirm',
			message: `Votre lieu (${place.commune}) est hors du territoire de cette campagne. Vous pouvez l’encaisser quand même\u00a0; la coordination en sera informée.`
		});
	return { problems, outsideArea };
}

async function voucherByCode(db: DbOrTx, code: string) {
	const [row] = await db
		.select({ v: passVouchers, campaign: passCampaigns, redeemedPlace: places.nom })
		.from(passVouchers)
		.innerJoin(passCampaigns, eq(passCampaigns.id, passVouchers.campaignId))
		.leftJoin(places, eq(places.id, passVouchers.redeemedPlaceId))
		.where(eq(passVouchers.code, code));
	return row ? { ...row.v, campaign: row.campaign, redeemedPlace: row.redeemedPlace } : null;
}

/** Checks a typed or scanned code for a place of the actor: valid? campaign? expiry? area? Rate limited. */
export async function checkCode(
	database: Database,
	actor: Actor,
	input: { code: string; placeId?: string | null },
	today = parisDay(),
	ip?: string | null
): Promise<CheckResult> {
	const myPlaces = await redeemingPlaces(database, actor);
	const place = placeFor(myPlaces, input.placeId);
	await throttleCheck(database, actor);
	const p = parseCode(input.code);
	if (!p.ok) throw new PassError('invalid', p.message, { code: p.message });
	const v = await voucherByCode(database.db, p.code);
	// every check is journaled (who, where, which voucher or none): the coordinators can trace a code's history and a guessing session
	await journal(database.db, {
		actor: userActor(actor),
		action: 'pass.voucher.checked',
		targetType: 'pass_voucher',
		targetId: v?.id ?? null,
		departmentCode: v?.departmentCode ?? place.departmentCode,
		ip,
		details: { placeId: place.placeId, found: !!v, ...(v ? { state: v.state } : {}) }
	});
	if (!v) return unknownCode(database, actor, place);
	const { problems, outsideArea } = problemsOf(v, place, today);
	return {
		code: v.code,
		voucherId: v.id,
		campaign: {
			id: v.campaign.id,
			name: v.campaign.name,
			validUntil: v.campaign.validUntil,
			lastDay: lastRedemptionDay(v.campaign),
			publics: v.campaign.publics
		},
		faceValueCents: v.faceValueCents,
		state: v.state as VoucherState,
		redeemable: !problems.some((x) => x.kind === 'blocking'),
		problems,
		outsideArea,
		holderId: v.beneficiaryId ?? null
	};
}

export interface RedeemInput {
	code: string;
	placeId?: string | null;
	accompanimentId: string;
	/** the mediator confirmed a redemption outside the campaign's area */
	confirmOutsideArea?: boolean;
}

export interface Redemption {
	voucherId: string;
	code: string;
	faceValueCents: number;
	campaign: string;
	placeId: string;
	alerts: string[];
}

/** The accompaniments a voucher can be tied to: the organisation's, at the place, in the last 60 days. */
/**
 * Whether an accompaniment of the list can take a voucher, as redeem() decides it: 'full'
 * (one voucher per participant), 'other_person' (the voucher was handed to someone else
 * than the accompaniment's person), else 'ok'. The list and the refusal agree.
 */
export function seatFor(
	a: { participants: number; used: number; beneficiaryId: string | null },
	holderId: string | null | undefined
): 'ok' | 'full' | 'other_person' {
	if (a.beneficiaryId && holderId && a.beneficiaryId !== holderId) return 'other_person';
	return a.used >= a.participants ? 'full' : 'ok';
}

export async function recentAccompaniments(database: Database, actor: Actor, placeId: string, today = parisDay()) {
	const place = placeFor(await redeemingPlaces(database, actor), placeId);
	return database.db
		.select({
			id: accompaniments.id,
			date: accompaniments.date,
			kind: accompaniments.kind,
			title: accompaniments.title,
			themes: accompaniments.themes,
			participants: accompaniments.participants,
			beneficiaryId: accompaniments.beneficiaryId,
			// qualified by hand: Drizzle writes a column of the query's only table unqualified, and
			// inside the subquery "id" would then be the voucher's own id (the count was always 0)
			used: sql<number>`(select count(*)::int from pass_vouchers v where v.accompaniment_id = "accompaniments"."id")`
		})
		.from(accompaniments)
		.where(
			and(
				eq(accompaniments.organisationId, place.organisationId),
				sql`(${accompaniments.placeId} = ${place.placeId} or ${accompaniments.placeId} is null)`,
				sql`${accompaniments.date} >= ${addDays(today, -60)}`
			)
		)
		.orderBy(desc(accompaniments.date), desc(accompaniments.createdAt))
		.limit(50);
}

/**
 * Redeems a voucher for an accompaniment at a qualified place: exactly once, whatever the
 * concurrency (the state moves by one conditional UPDATE; a second attempt finds it
 * redeemed). The ledger posts the value owed to the place; the journal records who,
 * where and for which accompaniment; the fraud controls run in the same transaction.
 *
 * Group commit: every journaled write takes the journal's lock until its commit is on
 * disk, so one redemption per transaction would be capped by the disk's flush rate
 * (about 200 a second here). Redemptions arriving together are therefore run in one
 * transaction (a savepoint each: one refused voucher leaves the others untouched), with
 * one journal write and one commit for the batch; each caller gets its own outcome once
 * the batch is committed. A redemption alone runs at once, as a batch of one.
 */
export async function redeem(database: Database, actor: Actor, input: RedeemInput, ip?: string | null, today = parisDay()): Promise<Redemption> {
	const myPlaces = await redeemingPlaces(database, actor);
	const place = placeFor(myPlaces, input.placeId);
	// the lock that guards code checks guards redemption too: no guessing codes by redeeming them
	await mustNotBeLocked(database, actor);
	const p = parseCode(input.code);
	if (!p.ok) throw new PassError('invalid', p.message, { code: p.message });
	if (!UUID.test(input.accompanimentId ?? ''))
		throw new PassError('invalid', 'Choisissez l’accompagnement pour lequel ce pass est utilisé.', {
			accompanimentId: 'Choisissez un accompagnement, ou enregistrez-le d’abord.'
		});
	const result = await new Promise<Redemption | null>((resolve, reject) =>
		enqueue(database, { actor, place, code: p.code, input, ip: ip ?? null, today, resolve, reject, tries: 0 })
	);
	if (!result) return unknownCode(database, actor, place);
	return result;
}

interface RedeemJob {
	actor: Actor;
	place: RedeemingPlace;
	code: string;
	input: RedeemInput;
	ip: string | null;
	today: string;
	resolve: (r: Redemption | null) => void;
	reject: (e: unknown) => void;
	tries: number;
	/** run in a batch of its own (after its batch failed for a reason that was not a race) */
	alone?: boolean;
}

/** At most this many redemptions per transaction, and batches in flight at once. */
const BATCH = { max: 32, inFlight: 2 };
const batchers = new WeakMap<Database, { queue: RedeemJob[]; inFlight: number }>();

function enqueue(database: Database, job: RedeemJob) {
	let b = batchers.get(database);
	if (!b) batchers.set(database, (b = { queue: [], inFlight: 0 }));
	b.queue.push(job);
	pump(database, b);
}

function pump(database: Database, b: { queue: RedeemJob[]; inFlight: number }) {
	// PGlite has one connection: one batch at a time
	const limit = database.kind === 'postgres' ? BATCH.inFlight : 1;
	while (b.inFlight < limit && b.queue.length) {
		const lone = b.queue.findIndex((j) => j.alone);
		const jobs = lone >= 0 ? b.queue.splice(lone, 1) : b.queue.splice(0, BATCH.max);
		b.inFlight++;
		runBatch(database, jobs).finally(() => {
			b.inFlight--;
			pump(database, b);
		});
	}
}

const isRetryable = (e: unknown) =>
	['40P01', '40001'].includes((e as { code?: string; cause?: { code?: string } })?.code ?? (e as { cause?: { code?: string } })?.cause?.code ?? '');

async function runBatch(database: Database, jobs: RedeemJob[]): Promise<void> {
	type Outcome = { job: RedeemJob; ok?: Redemption; journal?: Parameters<typeof journal>[1]; unknown?: boolean; error?: unknown };
	let outcomes: Outcome[];
	try {
		outcomes = await database.db.transaction(async (tx) => {
			const out: Outcome[] = [];
			// accompaniments are locked in one order by every batch: no deadlock between batches
			for (const job of [...jobs].sort((a, b) => a.input.accompanimentId.localeCompare(b.input.accompanimentId))) {
				try {
					const r = await redeemOne(tx, job);
					out.push(r ? { job, ok: r.redemption, journal: r.entry } : { job, unknown: true });
				} catch (e) {
					// a refusal is raised before anything is written (redeemOne's contract): the others go on
					if (e instanceof PassError) out.push({ job, error: e });
					else throw e;
				}
			}
			const entries = out.filter((o) => o.journal).map((o) => o.journal!);
			if (entries.length) await journal(tx, ...entries);
			return out;
		});
	} catch (e) {
		// the batch did not commit: nothing of it happened. A deadlock or a lost race is tried
		// again; anything else is tried alone, so that one bad request fails alone.
		for (const job of jobs) {
			if (job.tries < 3 && (isRetryable(e) || jobs.length > 1)) {
				job.tries++;
				if (jobs.length > 1 && !isRetryable(e)) job.alone = true;
				enqueue(database, job);
			} else job.reject(e);
		}
		return;
	}
	for (const o of outcomes) {
		if (o.ok) o.job.resolve(o.ok);
		else if (o.unknown) o.job.resolve(null);
		else o.job.reject(o.error);
	}
}

/**
 * One redemption inside the batch's transaction. Null: no such code. Every refusal
 * (PassError) is raised before anything is written, so the batch's other redemptions
 * stand; three statements for a redemption, two for a refusal.
 */
async function redeemOne(tx: Tx, job: RedeemJob): Promise<{ redemption: Redemption; entry: Parameters<typeof journal>[1] } | null> {
	const { actor, place, input, today } = job;
	// The voucher, locked unless another redemption holds it (then it is being redeemed
	// elsewhere right now: refused at once, never waited for, so that concurrent batches
	// never wait on each other's vouchers nor deadlock), its campaign, and the
	// accompaniment, locked (two vouchers cannot both take its last seat; batches take
	// accompaniments in id order), with the vouchers already on it.
	const [row] = await prepared<{
		id: string;
		code: string;
		campaign_id: string;
		booklet_id: string;
		department_code: string;
		face_value_cents: number;
		state: string;
		redeemed_at: string | null;
		ended_reason: string | null;
		beneficiary_id: string | null;
		redeemed_place: string | null;
		c_name: string;
		c_department_code: string;
		valid_from: string;
		valid_until: string;
		tolerance_days: number;
		commune_codes: string[];
		publics: string[];
		a_id: string;
		a_organisation_id: string;
		a_place_id: string | null;
		a_participants: number;
		a_beneficiary_id: string | null;
		used: number;
	}>(
		tx,
		'pass-redeem-lookup',
		`select v.id, v.code, v.campaign_id, v.booklet_id, v.department_code, v.face_value_cents, v.state, v.redeemed_at, v.ended_reason, v.beneficiary_id,
			p.nom as redeemed_place, c.name as c_name, c.department_code as c_department_code, c.valid_from::text, c.valid_until::text, c.tolerance_days,
			c.commune_codes, c.publics, a.id as a_id, a.organisation_id as a_organisation_id, a.place_id as a_place_id, a.participants as a_participants,
			a.beneficiary_id as a_beneficiary_id, (select count(*)::int from pass_vouchers u where u.accompaniment_id = a.id) as used
		from pass_vouchers v
		join pass_campaigns c on c.id = v.campaign_id
		join accompaniments a on a.id = $1
		left join places p on p.id = v.redeemed_place_id
		where v.code = $2
		for update of a
		for update of v skip locked`,
		[input.accompanimentId, job.code]
	);
	if (!row) {
		const other = await voucherByCode(tx, job.code);
		if (!other) return null;
		const [a] = await tx.select({ id: accompaniments.id }).from(accompaniments).where(eq(accompaniments.id, input.accompanimentId));
		if (a) throw new PassError('conflict', 'Ce pass est en train d’être encaissé par ailleurs. Vérifiez-le à nouveau dans un instant.');
	}
	if (!row || row.a_organisation_id !== place.organisationId || (row.a_place_id && row.a_place_id !== place.placeId))
		throw new PassError('invalid', 'Cet accompagnement n’est pas un de ceux de votre lieu.', {
			accompanimentId: 'Choisissez un accompagnement de votre lieu.'
		});
	const acc = { id: row.a_id, participants: row.a_participants, beneficiaryId: row.a_beneficiary_id };
	const v = {
		id: row.id,
		code: row.code,
		campaignId: row.campaign_id,
		bookletId: row.booklet_id,
		departmentCode: row.department_code,
		faceValueCents: row.face_value_cents,
		state: row.state,
		redeemedAt: row.redeemed_at ? new Date(row.redeemed_at) : null,
		endedReason: row.ended_reason,
		beneficiaryId: row.beneficiary_id,
		redeemedPlace: row.redeemed_place,
		campaign: {
			id: row.campaign_id,
			name: row.c_name,
			departmentCode: row.c_department_code,
			validFrom: row.valid_from,
			validUntil: row.valid_until,
			toleranceDays: row.tolerance_days,
			communeCodes: row.commune_codes,
			publics: row.publics
		}
	};
	const { problems, outsideArea } = problemsOf(v, place, today);
	const blocking = problems.find((x) => x.kind === 'blocking');
	if (blocking) throw new PassError('conflict', blocking.message);
	if (outsideArea && !input.confirmOutsideArea)
		throw new PassError('conflict', problems.find((x) => x.kind === 'confirm')!.message, {
			confirmOutsideArea: 'Confirmez pour encaisser hors du territoire.'
		});
	if (acc.beneficiaryId && v.beneficiaryId && acc.beneficiaryId !== v.beneficiaryId)
		throw new PassError('conflict', 'Ce pass a été remis à une autre personne que celle de cet accompagnement.', { accompanimentId: 'Vérifiez la personne.' });
	const seatsTaken = (used: number) =>
		new PassError(
			'conflict',
			acc.participants > 1
				? `Cet atelier compte ${acc.participants} participants et ${used} pass y sont déjà rattachés\u00a0: un pass par participant.`
				: 'Un pass est déjà rattaché à cet accompagnement\u00a0: un pass par personne et par accompagnement.',
			{ accompanimentId: 'Choisissez un autre accompagnement.' }
		);
	if (row.used >= acc.participants) throw seatsTaken(row.used);
	// the move, only from 'distributed' (so that exactly one attempt wins) and only while the
	// accompaniment has a seat left, and its ledger posting, in one statement: the posting
	// exists exactly when the move happened. The seats are counted HERE, not from the lookup:
	// that statement may have waited for the accompaniment's lock while another batch filled
	// it, and a statement's subqueries see the data as of its start (a 3-seat workshop took
	// 5 vouchers so). This statement starts after the lock is ours: its count is final.
	const lines = POST.redemption(v.campaignId, place.placeId, v.faceValueCents);
	const [moved] = await prepared<{ moved_count: number; lines: number; n: number; places: number; span: number; size: number; seats_used: number }>(
		tx,
		'pass-redeem-move',
		`with seats as (
			select count(*)::int as used from pass_vouchers u where u.accompaniment_id = $4
		), moved as (
			update pass_vouchers set state = 'redeemed', redeemed_at = now(), redeemed_by = $1, redeemed_place_id = $2,
				redeemed_organisation_id = $3, accompaniment_id = $4
			where id = $5 and state = 'distributed' and (select used from seats) < $10
			returning id
		), entry as (
			insert into pass_ledger_entries (department_code, kind, ref_type, ref_id)
			select $6, 'redemption', 'voucher', id::text from moved
			returning id
		), posted as (
			insert into pass_ledger_lines (entry_id, account, amount_cents)
			select entry.id, l.account, l.amount from entry, unnest($7::text[], $8::bigint[]) as l(account, amount)
			returning 1
		)
		select (select count(*)::int from moved) as moved_count, (select count(*)::int from posted) as lines,
			-- the booklet's redemptions, this one included (the fraud control below)
			(select count(*)::int from pass_vouchers b where b.booklet_id = $9 and (b.redeemed_at is not null or b.id in (select id from moved))) as n,
			(select count(distinct coalesce(b.redeemed_place_id, $2))::int from pass_vouchers b where b.booklet_id = $9 and (b.redeemed_at is not null or b.id in (select id from moved))) as places,
			(select coalesce(extract(epoch from now() - min(b.redeemed_at)), 0)::float8 from pass_vouchers b where b.booklet_id = $9 and b.redeemed_at is not null) as span,
			(select size from pass_booklets where id = $9) as size, (select used from seats) as seats_used`,
		[
			actor.userId,
			place.placeId,
			place.organisationId,
			acc.id,
			v.id,
			v.departmentCode,
			`{${lines.map((l) => l.account).join(',')}}`,
			`{${lines.map((l) => l.amountCents).join(',')}}`,
			v.bookletId,
			acc.participants
		]
	);
	if (!moved.moved_count && moved.seats_used >= acc.participants) throw seatsTaken(moved.seats_used);
	if (!moved.moved_count) throw new PassError('conflict', 'Ce pass vient d’être utilisé.');
	if (moved.lines !== lines.length) throw new Error(`redeem: the posting of voucher ${v.id} has ${moved.lines} lines`);
	const alerts: string[] = [];
	if (outsideArea) {
		await tx.insert(passAlerts).values({
			departmentCode: v.departmentCode,
			kind: 'outside_area',
			campaignId: v.campaignId,
			bookletId: v.bookletId,
			voucherId: v.id,
			placeId: place.placeId,
			organisationId: place.organisationId,
			userId: actor.userId,
			details: { commune: place.commune, codeInsee: place.codeInsee }
		});
		alerts.push('outside_area');
	}
	// a whole booklet redeemed by one place within minutes
	if (moved.n === moved.size && moved.places === 1 && moved.span <= FRAUD.burstMinutes * 60) {
		const inserted = await tx
			.insert(passAlerts)
			.values({
				departmentCode: v.departmentCode,
				kind: 'booklet_burst',
				campaignId: v.campaignId,
				bookletId: v.bookletId,
				placeId: place.placeId,
				organisationId: place.organisationId,
				userId: actor.userId,
				details: { vouchers: moved.n, minutes: Math.round((moved.span / 60) * 10) / 10 }
			})
			.onConflictDoNothing()
			.returning({ id: passAlerts.id });
		if (inserted.length) alerts.push('booklet_burst');
	}
	return {
		redemption: { voucherId: v.id, code: v.code, faceValueCents: v.faceValueCents, campaign: v.campaign.name, placeId: place.placeId, alerts },
		entry: {
			actor: userActor(actor),
			action: 'pass.voucher.redeemed',
			targetType: 'pass_voucher',
			targetId: v.id,
			departmentCode: v.departmentCode,
			ip: job.ip,
			details: { placeId: place.placeId, accompanimentId: acc.id, faceValueCents: v.faceValueCents, ...(alerts.length ? { alerts } : {}) }
		}
	};
}

/** The vouchers a place team redeemed, newest first. */
export async function placeRedemptions(database: Database, actor: Actor, limit = 50) {
	const orgIds = organisationsFor(actor, 'pass.redeem');
	if (!orgIds.length) return [];
	return database.db
		.select({
			code: passVouchers.code,
			redeemedAt: passVouchers.redeemedAt,
			faceValueCents: passVouchers.faceValueCents,
			campaign: passCampaigns.name,
			place: places.nom,
			state: passVouchers.state,
			by: users.displayName
		})
		.from(passVouchers)
		.innerJoin(passCampaigns, eq(passCampaigns.id, passVouchers.campaignId))
		.innerJoin(places, eq(places.id, passVouchers.redeemedPlaceId))
		.leftJoin(users, eq(users.id, passVouchers.redeemedBy))
		.where(inArray(passVouchers.redeemedOrganisationId, orgIds))
		.orderBy(desc(passVouchers.redeemedAt))
		.limit(limit);
}

// ——— statements and reimbursement ———

/**
 * Makes the month's statements (one per place) for the vouchers redeemed in that month
 * and on no statement yet. Idempotent: a second run adds only what is new; late vouchers
 * of that month join the place's unpaid statement, or a supplementary one when it is paid.
 */
export async function makeStatements(
	database: Database,
	actor: Actor | null,
	departmentCode: string,
	month: string,
	ip?: string | null,
	today = parisDay()
): Promise<{ statements: number; vouchers: number }> {
	if (actor) mustManage(actor, departmentCode);
	if (!/^\d{4}-\d{2}-01$/.test(month)) throw new PassError('invalid', 'Choisissez un mois.');
	if (month >= monthOf(today)) throw new PassError('invalid', 'Un relevé se fait une fois le mois terminé.', { month: 'Choisissez un mois passé.' });
	const { start, end } = monthBounds(month);
	return database.db.transaction(async (tx) => {
		await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'pass-statements:' + departmentCode}))`);
		const groups = rowsOf<{ place_id: string; organisation_id: string; n: number; total: string }>(
			await tx.execute(sql`
				select redeemed_place_id as place_id, (array_agg(redeemed_organisation_id))[1] as organisation_id, count(*)::int as n, sum(face_value_cents)::text as total
				from pass_vouchers
				where department_code = ${departmentCode} and state = 'redeemed' and statement_id is null
					and redeemed_at >= ${start.toISOString()} and redeemed_at < ${end.toISOString()}
				group by redeemed_place_id`)
		);
		let statements = 0;
		let vouchers = 0;
		for (const g of groups) {
			// the month's unpaid statement for the place, if any; a paid one is final: late vouchers get a supplementary one
			const [existing] = await tx
				.select({ id: passStatements.id })
				.from(passStatements)
				.where(and(eq(passStatements.month, month), eq(passStatements.placeId, g.place_id), isNull(passStatements.paidAt)));
			let id = existing?.id;
			if (!id) {
				const [row] = await tx
					.insert(passStatements)
					.values({ departmentCode, month, placeId: g.place_id, organisationId: g.organisation_id, voucherCount: 0, totalCents: 0 })
					.returning({ id: passStatements.id });
				id = row.id;
				statements++;
			}
			const moved = await tx.execute(sql`
				update pass_vouchers set statement_id = ${id}
				where department_code = ${departmentCode} and state = 'redeemed' and statement_id is null and redeemed_place_id = ${g.place_id}
					and redeemed_at >= ${start.toISOString()} and redeemed_at < ${end.toISOString()}`);
			vouchers +=
				(moved as unknown as { rowCount?: number; affectedRows?: number }).rowCount ?? (moved as unknown as { affectedRows?: number }).affectedRows ?? g.n;
			await tx.execute(sql`
				update pass_statements s set voucher_count = t.n, total_cents = t.total
				from (select count(*)::int as n, coalesce(sum(face_value_cents), 0) as total from pass_vouchers where statement_id = ${id}) t
				where s.id = ${id}`);
		}
		if (statements || vouchers)
			await journal(tx, {
				actor: actor ? userActor(actor) : SYSTEM,
				action: 'pass.statements.made',
				targetType: 'pass_statement',
				targetId: month,
				departmentCode,
				ip,
				details: { month, statements, vouchers }
			});
		return { statements, vouchers };
	});
}

export async function listStatements(database: Database, actor: Actor, departmentCode: string, filter: { month?: string; unpaid?: boolean } = {}) {
	mustManage(actor, departmentCode);
	return statementRows(
		database.db,
		and(
			eq(passStatements.departmentCode, departmentCode),
			filter.month ? eq(passStatements.month, filter.month) : undefined,
			filter.unpaid ? isNull(passStatements.paidAt) : undefined
		)
	);
}

/** The statements of the actor's place teams (what they are owed and were paid). */
export async function myStatements(database: Database, actor: Actor) {
	const orgIds = organisationsFor(actor, 'pass.redeem');
	if (!orgIds.length) return [];
	return statementRows(database.db, inArray(passStatements.organisationId, orgIds));
}

function statementRows(db: DbOrTx, where: ReturnType<typeof and>) {
	return db
		.select({
			id: passStatements.id,
			month: passStatements.month,
			placeId: passStatements.placeId,
			place: places.nom,
			commune: places.commune,
			organisationId: passStatements.organisationId,
			organisation: organisations.name,
			siret: organisations.siret,
			voucherCount: passStatements.voucherCount,
			totalCents: passStatements.totalCents,
			paidAt: passStatements.paidAt,
			paymentRef: passStatements.paymentRef
		})
		.from(passStatements)
		.innerJoin(places, eq(places.id, passStatements.placeId))
		.innerJoin(organisations, eq(organisations.id, passStatements.organisationId))
		.where(where)
		.orderBy(desc(passStatements.month), asc(places.nom));
}

/** A statement with its vouchers: the coordinators of its département, or the place's team. */
export async function statementDetail(database: Database, actor: Actor, id: string) {
	const [s] = UUID.test(id) ? await statementRows(database.db, eq(passStatements.id, id)) : [];
	const [raw] = s ? await database.db.select({ departmentCode: passStatements.departmentCode }).from(passStatements).where(eq(passStatements.id, id)) : [];
	if (!s || !(can(actor, 'pass.manage', { departmentCode: raw.departmentCode }) || can(actor, 'pass.redeem', { organisationId: s.organisationId })))
		throw new PassError('not_found', 'Ce relevé n’existe pas.');
	const vouchers = await database.db
		.select({
			code: passVouchers.code,
			redeemedAt: passVouchers.redeemedAt,
			faceValueCents: passVouchers.faceValueCents,
			campaign: passCampaigns.name,
			accompanimentId: passVouchers.accompanimentId,
			accompanimentDate: accompaniments.date,
			by: users.displayName
		})
		.from(passVouchers)
		.innerJoin(passCampaigns, eq(passCampaigns.id, passVouchers.campaignId))
		.leftJoin(accompaniments, eq(accompaniments.id, passVouchers.accompanimentId))
		.leftJoin(users, eq(users.id, passVouchers.redeemedBy))
		.where(eq(passVouchers.statementId, id))
		.orderBy(asc(passVouchers.redeemedAt));
	return {
		statement: { ...s, departmentCode: raw.departmentCode, monthLabel: monthLabel(s.month) },
		vouchers,
		manage: can(actor, 'pass.manage', { departmentCode: raw.departmentCode })
	};
}

/** Marks a statement paid: its vouchers are reimbursed; the ledger pays the place from the fund's cash. */
export async function markStatementPaid(database: Database, actor: Actor, id: string, paymentRef: string, ip?: string | null): Promise<void> {
	if (!paymentRef.trim()) throw new PassError('invalid', 'Indiquez la référence du virement.', { paymentRef: 'Par exemple le numéro du mandat de paiement.' });
	await database.db.transaction(async (tx) => {
		const [s] = UUID.test(id) ? await tx.select().from(passStatements).where(eq(passStatements.id, id)).for('update') : [];
		if (!s) throw new PassError('not_found', 'Ce relevé n’existe pas.');
		mustManage(actor, s.departmentCode);
		if (s.paidAt) throw new PassError('conflict', 'Ce relevé est déjà payé.');
		const now = new Date();
		const moved = await tx
			.update(passVouchers)
			.set({ state: 'reimbursed', reimbursedAt: now })
			.where(and(eq(passVouchers.statementId, id), eq(passVouchers.state, 'redeemed')))
			.returning({ cents: passVouchers.faceValueCents });
		const total = moved.reduce((a, r) => a + r.cents, 0);
		if (moved.length !== s.voucherCount || total !== s.totalCents)
			throw new Error(`statement ${id}: vouchers (${moved.length}, ${total}) differ from its totals (${s.voucherCount}, ${s.totalCents})`);
		const cash = await balanceOf(tx, ACCOUNT.cash);
		if (cash < total) throw new PassError('conflict', `Le fonds ne dispose que de ${euros(cash)}\u00a0: il ne peut pas payer ce relevé de ${euros(total)}.`);
		await tx
			.update(passStatements)
			.set({ paidAt: now, paidBy: actor.userId, paymentRef: paymentRef.trim().slice(0, 120) })
			.where(eq(passStatements.id, id));
		if (total > 0)
			await post(tx, {
				departmentCode: s.departmentCode,
				kind: 'reimbursement',
				refType: 'statement',
				refId: id,
				memo: paymentRef.trim().slice(0, 120),
				lines: POST.reimbursement(s.placeId, total)
			});
		await journal(tx, {
			actor: userActor(actor),
			action: 'pass.statement.paid',
			targetType: 'pass_statement',
			targetId: id,
			departmentCode: s.departmentCode,
			ip,
			details: { totalCents: total, vouchers: moved.length, paymentRef: paymentRef.trim().slice(0, 120) }
		});
	});
}

// ——— the daily clock: expiry, credit-back, warnings ———

/**
 * Expires the vouchers past their campaign's last day (validity + tolerance), credits
 * back the value of expired and cancelled vouchers to the funders (in proportion to
 * their shares), and warns the prescribers who handed out vouchers still unused 30, 15
 * and 7 days before the end of validity. Also makes the statements of finished months.
 */
export async function runPassClock(database: Database, links: { origin: string; instanceName: string }, now = new Date()) {
	const today = parisDay(now);
	const db = database.db;
	const expired = rowsOf<{ id: string }>(
		await db.execute(sql`
			update pass_vouchers v set state = 'expired', ended_at = ${now.toISOString()}, ended_reason = 'expired'
			from pass_campaigns c
			where c.id = v.campaign_id and v.state in ('activated', 'distributed') and (c.valid_until + c.tolerance_days) < ${today}::date
			returning v.id`)
	).length;
	const creditedBack = await creditBack(database, now);
	const warned = await warnPrescribers(database, links, today);
	// statements of every finished month still holding redemptions on no statement (last month, usually)
	const due = rowsOf<{ d: string; m: string }>(
		await db.execute(sql`
			select distinct department_code as d, to_char(redeemed_at at time zone 'Europe/Paris', 'YYYY-MM-01') as m
			from pass_vouchers where state = 'redeemed' and statement_id is null and redeemed_at < ${monthBounds(monthOf(today)).start.toISOString()}`)
	);
	let statements = 0;
	for (const { d, m } of due) statements += (await makeStatements(database, null, d, m, null, today)).statements;
	return { expired, creditedBack, warned, statements };
}

/** Credits back every expired or cancelled (once activated) voucher: one ledger transaction per voucher. */
export async function creditBack(database: Database, now = new Date()): Promise<number> {
	return database.db.transaction(async (tx) => {
		const rows = await tx
			.update(passVouchers)
			.set({ state: 'credited_back', creditedBackAt: now })
			.where(and(inArray(passVouchers.state, ['expired', 'cancelled']), sql`${passVouchers.activatedAt} is not null`))
			.returning({ id: passVouchers.id, campaignId: passVouchers.campaignId, cents: passVouchers.faceValueCents, departmentCode: passVouchers.departmentCode });
		const shares = new Map<string, { funderId: string; shareCents: number }[]>();
		for (const r of rows) {
			if (!shares.has(r.campaignId))
				shares.set(
					r.campaignId,
					await tx
						.select({ funderId: passCampaignFunders.funderId, shareCents: passCampaignFunders.shareCents })
						.from(passCampaignFunders)
						.where(eq(passCampaignFunders.campaignId, r.campaignId))
				);
			await post(tx, {
				departmentCode: r.departmentCode,
				kind: 'credit_back',
				refType: 'voucher',
				refId: r.id,
				lines: POST.creditBack(r.campaignId, r.cents, shares.get(r.campaignId)!)
			});
		}
		if (rows.length) {
			const byDep = new Map<string, number>();
			for (const r of rows) byDep.set(r.departmentCode, (byDep.get(r.departmentCode) ?? 0) + 1);
			for (const [departmentCode, count] of byDep)
				await journal(tx, {
					actor: SYSTEM,
					action: 'pass.vouchers.credited_back',
					targetType: 'pass_campaign',
					targetId: null,
					departmentCode,
					details: { count }
				});
		}
		return rows.length;
	});
}

async function warnPrescribers(database: Database, links: { origin: string; instanceName: string }, today: string): Promise<number> {
	const db = database.db;
	const due = rowsOf<{
		campaign_id: string;
		name: string;
		valid_until: string;
		user_id: string;
		email: string;
		display_name: string;
		n: number;
		department_code: string;
	}>(
		await db.execute(sql`
			select c.id as campaign_id, c.name, c.valid_until::text, u.id as user_id, u.email, u.display_name, count(*)::int as n, c.department_code
			from pass_vouchers v join pass_campaigns c on c.id = v.campaign_id join users u on u.id = v.distributed_by
			where v.state = 'distributed' and c.valid_until >= ${today}::date and c.valid_until - ${today}::date <= ${WARNING_DAYS[0]} and u.active
			group by c.id, u.id`)
	);
	let sent = 0;
	for (const d of due) {
		const left = daysBetween(today, d.valid_until);
		// the smallest threshold reached and not yet warned (a missed day still warns once)
		const threshold = [...WARNING_DAYS].reverse().find((t) => left <= t);
		if (threshold === undefined) continue;
		await db.transaction(async (tx) => {
			const inserted = await tx
				.insert(passWarnings)
				.values({ campaignId: d.campaign_id, userId: d.user_id, daysBefore: threshold, voucherCount: d.n })
				.onConflictDoNothing()
				.returning({ at: passWarnings.sentAt });
			if (!inserted.length) return;
			// the larger thresholds are past: never send them after a smaller one
			for (const t of WARNING_DAYS)
				if (t > threshold)
					await tx.insert(passWarnings).values({ campaignId: d.campaign_id, userId: d.user_id, daysBefore: t, voucherCount: d.n }).onConflictDoNothing();
			const lines = [
				`Bonjour ${d.display_name},`,
				`${d.n} pass numérique${d.n > 1 ? 's' : ''} que vous avez remis ${d.n > 1 ? 'ne sont pas encore utilisés' : 'n’est pas encore utilisé'} (campagne « ${d.name} »).`,
				`${d.n > 1 ? 'Ils sont valables' : 'Il est valable'} jusqu’au ${dayLabel(d.valid_until)}, dans ${left} jour${left > 1 ? 's' : ''}. Ensuite, leur valeur revient au fonds.`,
				'Si vous le pouvez, rappelez aux personnes qu’elles peuvent les utiliser dans un lieu qualifié, pour un atelier ou un accompagnement.'
			];
			await queueMail(
				database,
				tx,
				plainMail(
					d.email,
					`${d.n} pass numérique${d.n > 1 ? 's' : ''} à utiliser avant le ${dayLabel(d.valid_until)}`,
					lines,
					{ href: `${links.origin}/espace/pass/remettre`, label: 'Voir les pass que vous avez remis' },
					'pass-expiry-warning',
					links.instanceName
				)
			);
			await journal(tx, {
				actor: SYSTEM,
				action: 'pass.warning.sent',
				targetType: 'pass_campaign',
				targetId: d.campaign_id,
				departmentCode: d.department_code,
				details: { userId: d.user_id, daysBefore: threshold, vouchers: d.n }
			});
			sent++;
		});
	}
	return sent;
}

// ——— alerts ———

export async function listAlerts(database: Database, actor: Actor, departmentCode: string, filter: { open?: boolean } = {}) {
	mustManage(actor, departmentCode);
	return database.db
		.select({
			id: passAlerts.id,
			kind: passAlerts.kind,
			createdAt: passAlerts.createdAt,
			details: passAlerts.details,
			campaign: passCampaigns.name,
			bookletNumber: passBooklets.number,
			place: places.nom,
			commune: places.commune,
			organisation: organisations.name,
			user: users.displayName,
			voucherCode: passVouchers.code,
			reviewedAt: passAlerts.reviewedAt,
			reviewNote: passAlerts.reviewNote
		})
		.from(passAlerts)
		.leftJoin(passCampaigns, eq(passCampaigns.id, passAlerts.campaignId))
		.leftJoin(passBooklets, eq(passBooklets.id, passAlerts.bookletId))
		.leftJoin(places, eq(places.id, passAlerts.placeId))
		.leftJoin(organisations, eq(organisations.id, passAlerts.organisationId))
		.leftJoin(users, eq(users.id, passAlerts.userId))
		.leftJoin(passVouchers, eq(passVouchers.id, passAlerts.voucherId))
		.where(and(eq(passAlerts.departmentCode, departmentCode), filter.open ? isNull(passAlerts.reviewedAt) : undefined))
		.orderBy(sql`${passAlerts.reviewedAt} is not null`, desc(passAlerts.createdAt))
		.limit(200);
}

export async function reviewAlert(database: Database, actor: Actor, id: string, note: string, ip?: string | null): Promise<void> {
	if (!note.trim())
		throw new PassError('invalid', 'Indiquez ce que vous avez constaté.', { note: 'Par exemple\u00a0: atelier collectif vérifié avec le lieu.' });
	await database.db.transaction(async (tx) => {
		const [a] = UUID.test(id) ? await tx.select().from(passAlerts).where(eq(passAlerts.id, id)) : [];
		if (!a) throw new PassError('not_found', 'Cette alerte n’existe pas.');
		mustManage(actor, a.departmentCode);
		if (a.reviewedAt) return;
		await tx
			.update(passAlerts)
			.set({ reviewedAt: new Date(), reviewedBy: actor.userId, reviewNote: note.trim().slice(0, 500) })
			.where(eq(passAlerts.id, id));
		await journal(tx, {
			actor: userActor(actor),
			action: 'pass.alert.reviewed',
			targetType: 'pass_alert',
			targetId: id,
			departmentCode: a.departmentCode,
			ip,
			details: { kind: a.kind }
		});
	});
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
	for (const r of await q<{ name: string; campaign: string; share: string; posted: string }>(sql`
		select o.name, c.name as campaign, cf.share_cents::text as share,
			coalesce((select sum(l.amount_cents) from pass_ledger_entries e join pass_ledger_lines l on l.entry_id = e.id
				where e.kind = 'commitment' and e.ref_id = c.id::text and l.account = 'funder:' || cf.funder_id::text), 0)::text as posted
		from pass_campaign_funders cf join pass_campaigns c on c.id = cf.campaign_id join organisations o on o.id = cf.funder_id
		where coalesce((select sum(l.amount_cents) from pass_ledger_entries e join pass_ledger_lines l on l.entry_id = e.id
			where e.kind = 'commitment' and e.ref_id = c.id::text and l.account = 'funder:' || cf.funder_id::text), 0) <> (case when cf.paid_at is null then 0 else cf.share_cents end)`))
		breaches.push(`${r.name}'s share of « ${r.campaign} » (${r.share} cents) is posted as ${r.posted} cents`);

	// every posting against its source record, the ledger against the journal, the seats (verify.ts)
	breaches.push(...(await verifySources(db)));

	return { ok: breaches.length === 0, checked: counts, breaches };
}

// ——— dashboards ———

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
	const [byCampaign, byArea, byPlace, campaigns, funders] = await Promise.all([
		db.execute(
			sql`select c.id::text as key, c.name as label, ${counts} from pass_vouchers v join pass_campaigns c on c.id = v.campaign_id where ${scope} group by c.id order by c.valid_until desc, c.name`
		),
		// every voucher, so that the totals agree with the campaigns' (issue 12: "Émis 2" beside "Émis 30"):
		// a voucher has a territory once handed out; the others are one row of their own
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
			select p.id as key, p.nom || ' (' || p.commune || ')' as label, ${counts}
			from pass_vouchers v join places p on p.id = v.redeemed_place_id
			where ${scope} group by p.id order by redeemed desc, label limit 200`),
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
			.selectDistinct({ id: organisations.id, name: organisations.name })
			.from(passCampaignFunders)
			.innerJoin(passCampaigns, eq(passCampaigns.id, passCampaignFunders.campaignId))
			.innerJoin(organisations, eq(organisations.id, passCampaignFunders.funderId))
			.where(and(eq(passCampaigns.departmentCode, departmentCode), manage ? undefined : inArray(passCampaignFunders.funderId, partnerOrgs)))
	]);
	return {
		byCampaign: map(rowsOf<R>(byCampaign)),
		byArea: map(rowsOf<R>(byArea)),
		byPlace: map(rowsOf<R>(byPlace)),
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

/** A statement as CSV (one line per voucher). */
export function statementCsv(d: Awaited<ReturnType<typeof statementDetail>>): string {
	const esc = (s: string) => spreadsheetCell(s); // formulas neutralised (issue 11, finding 12)
	const fmt = (t: Date | null) => (t ? new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Paris' }).format(t) : '');
	const head = ['Relevé', 'Mois', 'Lieu', 'Structure', 'SIRET', 'Code du pass', 'Campagne', 'Utilisé le', 'Accompagnement du', 'Valeur (€)'];
	const s = d.statement;
	const lines = d.vouchers.map((v) =>
		[
			s.id,
			s.monthLabel,
			s.place,
			s.organisation,
			s.siret ?? '',
			formatCode(v.code),
			v.campaign,
			fmt(v.redeemedAt),
			v.accompanimentDate ?? '',
			(v.faceValueCents / 100).toFixed(2).replace('.', ',')
		]
			.map((x) => esc(String(x)))
			.join(';')
	);
	return (
		'\ufeff' +
		[head.join(';'), ...lines, ['Total', '', '', '', '', '', '', '', '', (s.totalCents / 100).toFixed(2).replace('.', ',')].join(';')].join('\r\n') +
		'\r\n'
	);
}

// ——— the prescriber's and the person's pages ———

export interface HandedOut {
	code: string;
	campaign: string;
	validUntil: string;
	faceValueCents: number;
	distributedAt: Date;
	beneficiaryId: string | null;
	/** the person's name as on their record ('Personne anonymisée' once anonymised) */
	person: string;
}

/**
 * The vouchers the actor handed out and not used yet, newest first: for the prescriber's
 * page. Only those handed for a structure where the actor still hands out vouchers.
 */
export async function handedOutNotUsed(database: Database, actor: Actor, limit = 50): Promise<HandedOut[]> {
	const orgIds = organisationsFor(actor, 'pass.distribute');
	if (!orgIds.length) return [];
	const rows = rowsOf<{
		code: string;
		campaign: string;
		valid_until: string;
		face_value_cents: number;
		distributed_at: Date | string;
		beneficiary_id: string | null;
		first_name: string | null;
		last_name: string | null;
		pseudonym: string | null;
		anonymised_at: Date | string | null;
	}>(
		await database.db.execute(sql`
			select v.code, c.name as campaign, c.valid_until::text as valid_until, v.face_value_cents, v.distributed_at, v.beneficiary_id,
				b.first_name, b.last_name, b.pseudonym, b.anonymised_at
			from pass_vouchers v
			join pass_campaigns c on c.id = v.campaign_id
			left join beneficiaries b on b.id = v.beneficiary_id
			where v.distributed_by = ${actor.userId} and v.state = 'distributed'
				and v.distributed_organisation_id = any(${`{${orgIds.join(',')}}`}::uuid[])
			order by v.distributed_at desc, v.code
			limit ${limit}`)
	);
	return rows.map((r) => ({
		code: r.code,
		campaign: r.campaign,
		validUntil: r.valid_until,
		faceValueCents: Number(r.face_value_cents),
		distributedAt: new Date(r.distributed_at),
		beneficiaryId: r.beneficiary_id,
		person: r.anonymised_at ? 'Personne anonymisée' : [r.first_name, r.last_name].filter(Boolean).join(' ') || r.pseudonym || 'Sans nom'
	}));
}

/** What the public page of a voucher (the one its QR code opens) may say: no person, no place. */
export type PublicPass =
	| { status: 'throttled'; message: string }
	| { status: 'unknown' }
	| {
			status: 'found';
			code: string;
			faceValueCents: number;
			validFrom: string;
			validUntil: string;
			/** the last day a place may still accept it (tolerance) */
			lastDay: string;
			/** usable: it can be presented; the others say why not */
			state: 'usable' | 'not_yet_valid' | 'not_handed' | 'used' | 'expired' | 'cancelled';
	  };

/** lookups of the public page per address: generous, a person opens their pass a few times */
export const PUBLIC_PASS_LOOKUPS = { limit: 120, windowMinutes: 10, lockMinutes: 10 };
/** unknown or malformed codes per address: the page must not be an oracle for guessing codes */
export const PUBLIC_PASS_FAILURES = { limit: 30, windowMinutes: 15, lockMinutes: 15 };

/**
 * The state of a voucher for its public page, rate limited per address (it tells whether
 * a code exists): every lookup counts, unknown and malformed codes count twice.
 */
export async function publicPassStatus(
	database: Database,
	input: string,
	ip: string | null | undefined,
	today = parisDay(),
	now = new Date()
): Promise<PublicPass> {
	const keys = [`pass-page:${ip ?? '?'}`, `pass-page-fail:${ip ?? '?'}`];
	const until = await lockedUntil(database.db, keys, now);
	if (until) {
		const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
		return { status: 'throttled', message: `Trop de pass consultés depuis votre connexion. Réessayez dans ${minutes} minute${minutes > 1 ? 's' : ''}.` };
	}
	// reserved before the lookup, atomically (issue 11, finding 9)
	const r = await reserveAttempt(database.db, keys[0], PUBLIC_PASS_LOOKUPS, now);
	if (!r.allowed)
		return { status: 'throttled', message: `Trop de pass consultés depuis votre connexion. Réessayez dans ${PUBLIC_PASS_LOOKUPS.lockMinutes} minutes.` };
	const p = parseCode(input);
	const v = p.ok ? await voucherByCode(database.db, p.code) : null;
	if (!v) {
		await countAttempt(database.db, keys[1], PUBLIC_PASS_FAILURES, now);
		return { status: 'unknown' };
	}
	const c = v.campaign;
	const state = ((): Extract<PublicPass, { status: 'found' }>['state'] => {
		switch (v.state as VoucherState) {
			case 'redeemed':
			case 'reimbursed':
				return 'used';
			case 'cancelled':
				return 'cancelled';
			case 'expired':
			case 'credited_back':
				return v.endedReason === 'cancelled' ? 'cancelled' : 'expired';
			case 'created':
			case 'activated':
				return today > lastRedemptionDay(c) ? 'expired' : 'not_handed';
			case 'distributed':
				if (today > lastRedemptionDay(c)) return 'expired';
				return today < c.validFrom ? 'not_yet_valid' : 'usable';
		}
	})();
	return {
		status: 'found',
		code: v.code,
		faceValueCents: v.faceValueCents,
		validFrom: c.validFrom,
		validUntil: c.validUntil,
		lastDay: lastRedemptionDay(c),
		state
	};
}
