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
import type { Database, DbOrTx } from '../db/client.ts';
import { journal } from '../audit/service.ts';
import { can, countAttempt, lockedUntil, reserveAttempt, type Actor } from '../accounts/service.ts';
import { organisations, users } from '../accounts/db.ts';
import { places } from '../places/db.ts';
import { accompaniments } from '../accompaniments/db.ts';
import { queueMail } from '../mail/service.ts';
import { plainMail } from '../mail/templates.ts';
import { formatCode, parseCode } from './code.ts';
import { passAlerts, passBooklets, passCampaignFunders, passCampaigns, passStatements, passVouchers, passWarnings } from './db.ts';
import {
	ACCOUNT,
	POST,
	WARNING_DAYS,
	dayLabel,
	daysBetween,
	euros,
	lastRedemptionDay,
	monthBounds,
	monthLabel,
	monthOf,
	parisDay,
	type VoucherState
} from './model.ts';
import { spreadsheetCell } from '../web/spreadsheet.ts';
import { PassError, userActor, SYSTEM, UUID, rowsOf, organisationsFor, mustManage } from './internal.ts';
import { post, balanceOf } from './ledger.ts';
import { voucherByCode } from './checking.ts';

export * from './model.ts';
export { formatCode, parseCode, spokenCode } from './code.ts';
export { PassError, managedDepartments, type Campaign, type Voucher, type Statement } from './internal.ts';
export * from './ledger.ts';
export * from './fund.ts';
export * from './campaigns.ts';
export * from './booklets.ts';
export * from './qualification.ts';
export * from './distribution.ts';
export * from './checking.ts';
export * from './redemption.ts';

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
