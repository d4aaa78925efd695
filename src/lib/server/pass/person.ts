/**
 * The person's own Pass Numérique vouchers (Mon espace, « Mes Pass », issue 15): those
 * handed to their records, each with its value, its state in plain words, until when it
 * can be used, and where it was used. Read for the person's own session only: the caller
 * passes the records that session opened.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { placeNames } from '../places/index.ts';
import { parisDay } from '../../time.ts';
import { passCampaigns, passVouchers } from './db.ts';
import { formatCode } from './code.ts';
import { lastRedemptionDay, type VoucherState } from './model.ts';

/** What the person can do with a voucher. */
export type PersonPassState = 'usable' | 'not_yet_valid' | 'used' | 'expired' | 'cancelled';

export interface PersonPass {
	id: string;
	/** « 7K2M-9QXD-… », as printed on the voucher */
	code: string;
	faceValueCents: number;
	state: PersonPassState;
	validFrom: string;
	validUntil: string;
	/** the last day a place still takes it */
	lastDay: string;
	handedAt: Date | null;
	usedAt: Date | null;
	/** where it was used: « Médiathèque de Nérac » */
	usedPlace: string | null;
}

export function personPassState(
	v: { state: string; endedReason: string | null },
	c: { validFrom: string; validUntil: string; toleranceDays: number },
	today: string
): PersonPassState {
	switch (v.state as VoucherState) {
		case 'redeemed':
		case 'reimbursed':
			return 'used';
		case 'cancelled':
			return 'cancelled';
		case 'expired':
		case 'credited_back':
			return v.endedReason === 'cancelled' ? 'cancelled' : 'expired';
		default:
			if (today > lastRedemptionDay(c)) return 'expired';
			return today < c.validFrom ? 'not_yet_valid' : 'usable';
	}
}

/** The vouchers handed to these records: the usable ones first (soonest to end first), then the others, newest first. */
export async function personPasses(db: DbOrTx, beneficiaryIds: readonly string[], today = parisDay()): Promise<PersonPass[]> {
	if (!beneficiaryIds.length) return [];
	const rows = await db
		.select({ v: passVouchers, c: passCampaigns })
		.from(passVouchers)
		.innerJoin(passCampaigns, eq(passCampaigns.id, passVouchers.campaignId))
		.where(and(inArray(passVouchers.beneficiaryId, [...beneficiaryIds])))
		.orderBy(desc(passVouchers.distributedAt), asc(passVouchers.code));
	const places = await placeNames(
		db,
		rows.map((r) => r.v.redeemedPlaceId)
	);
	const list = rows.map(({ v, c }) => ({
		id: v.id,
		code: formatCode(v.code),
		faceValueCents: v.faceValueCents,
		state: personPassState(v, c, today),
		validFrom: c.validFrom,
		validUntil: c.validUntil,
		lastDay: lastRedemptionDay(c),
		handedAt: v.distributedAt,
		usedAt: v.redeemedAt,
		usedPlace: v.redeemedPlaceId ? (places.get(v.redeemedPlaceId) ?? null) : null
	}));
	const usable = list.filter((p) => p.state === 'usable' || p.state === 'not_yet_valid').sort((a, b) => a.lastDay.localeCompare(b.lastDay));
	return [...usable, ...list.filter((p) => !usable.includes(p))];
}
