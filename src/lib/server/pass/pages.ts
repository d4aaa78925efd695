/**
 * The prescriber's and the person's pages: the vouchers a prescriber handed out and not
 * used yet, and the public page a voucher's QR code opens (rate limited per address).
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { countAttempt, lockedUntil, reserveAttempt, type Actor } from '../accounts/index.ts';
import { parseCode } from './code.ts';
import { lastRedemptionDay, type VoucherState } from './model.ts';
import { parisDay } from '../../time.ts';
import { rowsOf, organisationsFor } from './internal.ts';
import { voucherByCode } from './checking.ts';
import { fullName, uncheckedNames } from '../beneficiaries/index.ts';

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
	}>(
		await database.db.execute(sql`
			select v.code, c.name as campaign, c.valid_until::text as valid_until, v.face_value_cents, v.distributed_at, v.beneficiary_id
			from pass_vouchers v
			join pass_campaigns c on c.id = v.campaign_id
			where v.distributed_by = ${actor.userId} and v.state = 'distributed'
				and v.distributed_organisation_id = any(${`{${orgIds.join(',')}}`}::uuid[])
			order by v.distributed_at desc, v.code
			limit ${limit}`)
	);
	// the people the actor handed these vouchers to, as their records say (a record the connection no longer reads: « Sans nom »)
	const names = await uncheckedNames(
		database.db,
		rows.map((r) => r.beneficiary_id)
	);
	return rows.map((r) => {
		const b = r.beneficiary_id ? names.get(r.beneficiary_id) : undefined;
		return {
			code: r.code,
			campaign: r.campaign,
			validUntil: r.valid_until,
			faceValueCents: Number(r.face_value_cents),
			distributedAt: new Date(r.distributed_at),
			beneficiaryId: r.beneficiary_id,
			person: b ? fullName(b) : 'Sans nom'
		};
	});
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
