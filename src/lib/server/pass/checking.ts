/**
 * Checking a code at a place before redeeming it: what blocks it or needs confirming, the
 * rate limit on checks and the lock after unknown codes (with an alert), and the lookup
 * of a voucher by its code.
 */
import { eq } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { countAttempt, lockedUntil, reserveAttempt, type Actor } from '../accounts/index.ts';
import { placeNames } from '../places/index.ts';
import { log } from '../log.ts';
import { parseCode } from './code.ts';
import { passAlerts, passCampaigns, passVouchers } from './db.ts';
import { FRAUD, lastRedemptionDay, type VoucherState } from './model.ts';
import { dayLabel } from '../../components/format.ts';
import { parisDay } from '../../time.ts';
import { type Campaign, type Voucher, PassError, userActor } from './internal.ts';
import { type RedeemingPlace, redeemingPlaces } from './qualification.ts';

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
export async function mustNotBeLocked(database: Database, actor: Actor): Promise<void> {
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
export async function unknownCode(database: Database, actor: Actor, place: RedeemingPlace | null): Promise<never> {
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

export function placeFor(places: RedeemingPlace[], placeId: string | null | undefined): RedeemingPlace {
	const p = placeId ? places.find((x) => x.placeId === placeId) : places.length === 1 ? places[0] : undefined;
	if (!p)
		throw new PassError(
			places.length ? 'invalid' : 'forbidden',
			places.length ? 'Choisissez le lieu où se fait l’accompagnement.' : 'Seule l’équipe d’un lieu qualifié encaisse des pass.',
			{ placeId: 'Choisissez un lieu.' }
		);
	return p;
}

export function problemsOf(
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

export async function voucherByCode(db: DbOrTx, code: string) {
	const [row] = await db
		.select({ v: passVouchers, campaign: passCampaigns })
		.from(passVouchers)
		.innerJoin(passCampaigns, eq(passCampaigns.id, passVouchers.campaignId))
		.where(eq(passVouchers.code, code));
	if (!row) return null;
	const redeemedPlace = row.v.redeemedPlaceId ? ((await placeNames(db, [row.v.redeemedPlaceId])).get(row.v.redeemedPlaceId) ?? null) : null;
	return { ...row.v, campaign: row.campaign, redeemedPlace };
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
