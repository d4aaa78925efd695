/**
 * The departmental fund: the funders' contributions (recorded, corrected by a reversal),
 * what each funder paid in, committed and has left, and who can fund.
 */
import { desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { activeOrganisationsOf, type Actor, fieldErrors, organisationNames } from '../accounts/index.ts';
import { passContributions } from './db.ts';
import { POST, contributionInput, parseEuros } from './model.ts';
import { euros } from '../../components/format.ts';
import { parisDay } from '../../time.ts';
import { PassError, userActor, UUID, rowsOf, mustManage, orgInDepartment } from './internal.ts';
import { post, funderAvailable } from './ledger.ts';

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
		const funderName = (await organisationNames(tx, [c.funderId])).get(c.funderId) ?? '';
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
			memo: `Annulation · ${funderName} · ${c.agreementRef}`,
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
				memo: `${funderName} · ${v.agreementRef} (correction)`,
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
	const rows = rowsOf<{ id: string; contributed: string; committed: string; credited: string; balance: string }>(
		await database.db.execute(sql`
			with f as (
				select distinct funder_id as id from pass_contributions where department_code = ${departmentCode}
				union select cf.funder_id from pass_campaign_funders cf join pass_campaigns c on c.id = cf.campaign_id where c.department_code = ${departmentCode}
			)
			select f.id,
				coalesce((select sum(amount_cents) from pass_contributions c where c.funder_id = f.id and c.department_code = ${departmentCode}), 0)::text as contributed,
				coalesce((select sum(share_cents) from pass_campaign_funders cf join pass_campaigns c on c.id = cf.campaign_id where cf.funder_id = f.id and cf.paid_at is not null and c.department_code = ${departmentCode}), 0)::text as committed,
				coalesce((select -sum(l.amount_cents) from pass_ledger_lines l join pass_ledger_entries e on e.id = l.entry_id where l.account = 'funder:' || f.id::text and e.kind = 'credit_back'), 0)::text as credited,
				coalesce((select sum(l.amount_cents) from pass_ledger_lines l where l.account = 'funder:' || f.id::text), 0)::text as balance
			from f`)
	);
	// a funder is an organisation (foreign key): every row has its name; by name, as a reader looks one up
	const names = await organisationNames(
		database.db,
		rows.map((r) => r.id)
	);
	return rows
		.filter((r) => names.has(r.id))
		.sort((a, b) => names.get(a.id)!.localeCompare(names.get(b.id)!, 'fr') || (a.id < b.id ? -1 : 1))
		.map((r) => ({
			funderId: r.id,
			name: names.get(r.id)!,
			contributedCents: Number(r.contributed),
			committedCents: Number(r.committed),
			creditedBackCents: Number(r.credited),
			availableCents: -Number(r.balance) || 0
		}));
}

export async function listContributions(database: Database, actor: Actor, departmentCode: string) {
	mustManage(actor, departmentCode);
	const rows = await database.db
		.select({
			id: passContributions.id,
			funderId: passContributions.funderId,
			amountCents: passContributions.amountCents,
			receivedOn: passContributions.receivedOn,
			agreementRef: passContributions.agreementRef,
			restrictions: passContributions.restrictions,
			correctsId: passContributions.correctsId,
			correctionReason: passContributions.correctionReason,
			// qualified by hand: Drizzle writes a column of the query's only table unqualified (see redemption.ts)
			corrected: sql<boolean>`exists (select 1 from pass_contributions r where r.corrects_id = "pass_contributions"."id")`
		})
		.from(passContributions)
		.where(eq(passContributions.departmentCode, departmentCode))
		.orderBy(desc(passContributions.receivedOn), desc(passContributions.createdAt));
	const names = await organisationNames(
		database.db,
		rows.map((r) => r.funderId)
	);
	// a funder is an organisation (foreign key): every row has its name
	return rows.filter((r) => names.has(r.funderId)).map(({ id, funderId, ...r }) => ({ id, funderId, funder: names.get(funderId)!, ...r }));
}

/** The organisations that can fund (every active one of the département; operators first). */
export async function possibleFunders(database: Database, departmentCode: string) {
	const all = await activeOrganisationsOf(database.db, departmentCode);
	const operatorsFirst = (kind: string) => (kind === 'operateur' || kind === 'departement' ? 0 : 1);
	// a stable sort: by name within each group, as the database ordered them
	return all.map(({ id, name, kind }) => ({ id, name, kind })).sort((a, b) => operatorsFirst(a.kind) - operatorsFirst(b.kind));
}
