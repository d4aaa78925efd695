/**
 * The Pass Numérique's daily clock: expiry of the vouchers past their campaign's last day,
 * credit-back of expired and cancelled vouchers to the funders, warnings to the
 * prescribers before the end of validity, and the statements of finished months.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { queueMail } from '../mail/index.ts';
import { userContacts } from '../accounts/index.ts';
import { plainMail } from '../mail/index.ts';
import { passCampaignFunders, passVouchers, passWarnings } from './db.ts';
import { POST, WARNING_DAYS } from './model.ts';
import { dayLabel } from '../../components/format.ts';
import { daysBetween, monthBounds, monthOf, parisDay } from '../../time.ts';
import { SYSTEM, rowsOf } from './internal.ts';
import { post } from './ledger.ts';
import { makeStatements } from './statements.ts';

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
	const byUser = rowsOf<{
		campaign_id: string;
		name: string;
		valid_until: string;
		user_id: string;
		n: number;
		department_code: string;
	}>(
		await db.execute(sql`
			select c.id as campaign_id, c.name, c.valid_until::text, v.distributed_by as user_id, count(*)::int as n, c.department_code
			from pass_vouchers v join pass_campaigns c on c.id = v.campaign_id
			where v.state = 'distributed' and v.distributed_by is not null and c.valid_until >= ${today}::date and c.valid_until - ${today}::date <= ${WARNING_DAYS[0]}
			group by c.id, v.distributed_by`)
	);
	// the prescribers whose account is still active (accounts' look-up)
	const contacts = await userContacts(
		db,
		byUser.map((d) => d.user_id)
	);
	const due = byUser.flatMap((d) => {
		const u = contacts.get(d.user_id);
		return u?.active ? [{ ...d, email: u.email, display_name: u.name }] : [];
	});
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
