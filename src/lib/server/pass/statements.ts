/**
 * Monthly statements and reimbursement: one statement per place and month for the
 * vouchers redeemed there, listed, detailed, exported as CSV, and paid (the vouchers are
 * reimbursed, the ledger pays the place from the fund's cash).
 */
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { can, organisationSummaries, userNames, type Actor } from '../accounts/index.ts';
import { placeCards } from '../places/index.ts';
import { accompanimentDates } from '../accompaniments/index.ts';
import { formatCode } from './code.ts';
import { passCampaigns, passStatements, passVouchers } from './db.ts';
import { ACCOUNT, POST } from './model.ts';
import { euros, monthLabel } from '../../components/format.ts';
import { monthBounds, monthOf, parisDay } from '../../time.ts';
import { spreadsheetCell } from '../web/spreadsheet.ts';
import { PassError, userActor, SYSTEM, UUID, rowsOf, organisationsFor, mustManage } from './internal.ts';
import { post, balanceOf } from './ledger.ts';

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

async function statementRows(db: DbOrTx, where: ReturnType<typeof and>) {
	const rows = await db
		.select({
			id: passStatements.id,
			month: passStatements.month,
			placeId: passStatements.placeId,
			organisationId: passStatements.organisationId,
			voucherCount: passStatements.voucherCount,
			totalCents: passStatements.totalCents,
			paidAt: passStatements.paidAt,
			paymentRef: passStatements.paymentRef
		})
		.from(passStatements)
		.where(where);
	const [places, organisations] = await Promise.all([
		placeCards(
			db,
			rows.map((r) => r.placeId)
		),
		organisationSummaries(
			db,
			rows.map((r) => r.organisationId)
		)
	]);
	// newest month first, then by the place's name (in the database's order)
	const rank = new Map<string, number>();
	for (const p of places.values()) if (!rank.has(p.nom)) rank.set(p.nom, rank.size);
	return rows
		.filter((r) => places.has(r.placeId) && organisations.has(r.organisationId))
		.map(({ id, month, placeId, organisationId, ...r }) => {
			const place = places.get(placeId)!;
			const organisation = organisations.get(organisationId)!;
			return { id, month, placeId, place: place.nom, commune: place.commune, organisationId, organisation: organisation.name, siret: organisation.siret, ...r };
		})
		.sort((a, b) => (a.month < b.month ? 1 : a.month > b.month ? -1 : 0) || rank.get(a.place)! - rank.get(b.place)!);
}

/** A statement with its vouchers: the coordinators of its département, or the place's team. */
export async function statementDetail(database: Database, actor: Actor, id: string) {
	const [s] = UUID.test(id) ? await statementRows(database.db, eq(passStatements.id, id)) : [];
	const [raw] = s ? await database.db.select({ departmentCode: passStatements.departmentCode }).from(passStatements).where(eq(passStatements.id, id)) : [];
	if (!s || !(can(actor, 'pass.manage', { departmentCode: raw.departmentCode }) || can(actor, 'pass.redeem', { organisationId: s.organisationId })))
		throw new PassError('not_found', 'Ce relevé n’existe pas.');
	const voucherRows = await database.db
		.select({
			code: passVouchers.code,
			redeemedAt: passVouchers.redeemedAt,
			faceValueCents: passVouchers.faceValueCents,
			campaign: passCampaigns.name,
			accompanimentId: passVouchers.accompanimentId,
			redeemedBy: passVouchers.redeemedBy
		})
		.from(passVouchers)
		.innerJoin(passCampaigns, eq(passCampaigns.id, passVouchers.campaignId))
		.where(eq(passVouchers.statementId, id))
		.orderBy(asc(passVouchers.redeemedAt));
	const users = await userNames(
		database.db,
		voucherRows.map((v) => v.redeemedBy)
	);
	const dates = await accompanimentDates(
		database.db,
		voucherRows.map((v) => v.accompanimentId)
	);
	const vouchers = voucherRows.map(({ redeemedBy, ...v }) => ({
		...v,
		accompanimentDate: (v.accompanimentId && dates.get(v.accompanimentId)) || null,
		by: (redeemedBy && users.get(redeemedBy)) ?? null
	}));
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
