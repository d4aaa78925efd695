/**
 * Handing vouchers out: the booklets a prescriber's organisation holds, the handing of a
 * booklet or of codes to a person, and the vouchers a person was handed.
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { can, organisationNames, type Actor } from '../accounts/index.ts';
import { loadBeneficiary, CareError } from '../beneficiaries/index.ts';
import { referralSubjects } from '../referral/index.ts';
import { formatCode, parseCode } from './code.ts';
import { passBooklets, passCampaigns, passVouchers } from './db.ts';
import { dayLabel } from '../../components/format.ts';
import { parisDay } from '../../time.ts';
import { PassError, userActor, UUID, organisationsFor } from './internal.ts';

export async function distributableBooklets(database: Database, actor: Actor) {
	const orgIds = organisationsFor(actor, 'pass.distribute');
	if (!orgIds.length) return [];
	const today = parisDay();
	const rows = await database.db
		.select({
			bookletId: passBooklets.id,
			number: passBooklets.number,
			organisationId: passBooklets.holderOrganisationId,
			campaignId: passCampaigns.id,
			campaign: passCampaigns.name,
			validUntil: passCampaigns.validUntil,
			faceValueCents: passCampaigns.faceValueCents,
			available: sql<number>`(select count(*)::int from pass_vouchers v where v.booklet_id = ${passBooklets.id} and v.state = 'activated')`
		})
		.from(passBooklets)
		.innerJoin(passCampaigns, eq(passCampaigns.id, passBooklets.campaignId))
		.where(and(inArray(passBooklets.holderOrganisationId, orgIds), eq(passCampaigns.status, 'funded'), sql`${passCampaigns.validUntil} >= ${today}`))
		.orderBy(asc(passCampaigns.validUntil), asc(passBooklets.number));
	const names = await organisationNames(
		database.db,
		rows.map((r) => r.organisationId)
	);
	return rows.flatMap(({ bookletId, number, organisationId, ...r }) => {
		const organisation = organisationId ? names.get(organisationId) : undefined;
		return organisation === undefined ? [] : [{ bookletId, number, organisationId, organisation, ...r }];
	});
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
			const [r] = UUID.test(input.referralId) ? await referralSubjects(tx, [input.referralId]) : [];
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
