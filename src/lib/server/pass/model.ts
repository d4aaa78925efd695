/**
 * Pass Numérique, the pure part: voucher states and their transitions, the ledger's
 * posting rules (every transaction sums to zero), money and month helpers, form schemas.
 * No I/O.
 */
import { z } from 'zod';
import { addDays, parisDay } from '../../time.ts';

// ——— states ———

export const VOUCHER_STATES = ['created', 'activated', 'distributed', 'redeemed', 'reimbursed', 'expired', 'cancelled', 'credited_back'] as const;
export type VoucherState = (typeof VOUCHER_STATES)[number];

export const STATE_LABELS: Record<VoucherState, string> = {
	created: 'Créé (en attente du financement)',
	activated: 'Activé',
	distributed: 'Remis à une personne',
	redeemed: 'Utilisé',
	reimbursed: 'Remboursé au lieu',
	expired: 'Expiré',
	cancelled: 'Annulé',
	credited_back: 'Reversé au fonds'
};

/** Short labels for tables and dashboards. */
export const STATE_SHORT: Record<VoucherState, string> = {
	created: 'Créés',
	activated: 'Activés',
	distributed: 'Remis',
	redeemed: 'Utilisés',
	reimbursed: 'Remboursés',
	expired: 'Expirés',
	cancelled: 'Annulés',
	credited_back: 'Reversés'
};

/** The only moves a voucher can make. */
export const TRANSITIONS: Record<VoucherState, readonly VoucherState[]> = {
	created: ['activated', 'cancelled'],
	activated: ['distributed', 'expired', 'cancelled'],
	distributed: ['redeemed', 'expired', 'cancelled'],
	redeemed: ['reimbursed'],
	reimbursed: [],
	expired: ['credited_back'],
	cancelled: ['credited_back'],
	credited_back: []
};

export function canMove(from: VoucherState, to: VoucherState): boolean {
	return TRANSITIONS[from].includes(to);
}

/** States in which the voucher's value is still in the campaign's outstanding account. */
export const OUTSTANDING_STATES: readonly VoucherState[] = ['activated', 'distributed', 'expired', 'cancelled'];

// ——— the ledger ———

export interface Line {
	account: string;
	/** cents; debit positive, credit negative */
	amountCents: number;
}

export const ACCOUNT = {
	cash: 'cash',
	funder: (id: string) => `funder:${id}`,
	budget: (campaignId: string) => `campaign:${campaignId}:budget`,
	outstanding: (campaignId: string) => `campaign:${campaignId}:outstanding`,
	payable: (placeId: string) => `place:${placeId}:payable`
} as const;

export type LedgerKind = 'contribution' | 'commitment' | 'activation' | 'redemption' | 'reimbursement' | 'credit_back';

function pair(debit: string, credit: string, cents: number): Line[] {
	if (!Number.isSafeInteger(cents) || cents <= 0) throw new Error(`ledger: amount must be a positive integer of cents (${cents})`);
	return [
		{ account: debit, amountCents: cents },
		{ account: credit, amountCents: -cents }
	];
}

/**
 * The posting rules. A funder's account holds (as a credit) what it paid in and has not
 * committed yet; a campaign's budget what was committed and not yet turned into vouchers;
 * its outstanding account the vouchers in circulation; a place's payable what the fund
 * owes it; cash what the fund holds.
 */
export const POST = {
	/** a partner pays into the fund */
	contribution: (funderId: string, cents: number) => pair(ACCOUNT.cash, ACCOUNT.funder(funderId), cents),
	/** a funder's share of a campaign, paid */
	commitment: (funderId: string, campaignId: string, cents: number) => pair(ACCOUNT.funder(funderId), ACCOUNT.budget(campaignId), cents),
	/** vouchers activated: their value leaves the budget for circulation */
	activation: (campaignId: string, cents: number) => pair(ACCOUNT.budget(campaignId), ACCOUNT.outstanding(campaignId), cents),
	/** a voucher redeemed: the fund now owes the place */
	redemption: (campaignId: string, placeId: string, cents: number) => pair(ACCOUNT.outstanding(campaignId), ACCOUNT.payable(placeId), cents),
	/** a statement paid */
	reimbursement: (placeId: string, cents: number) => pair(ACCOUNT.payable(placeId), ACCOUNT.cash, cents),
	/** an unused voucher's value goes back to the funders, in proportion to their shares */
	creditBack: (campaignId: string, cents: number, shares: { funderId: string; shareCents: number }[]): Line[] => {
		const split = splitByShares(cents, shares);
		return [
			{ account: ACCOUNT.outstanding(campaignId), amountCents: cents },
			...split.filter((s) => s.cents > 0).map((s) => ({ account: ACCOUNT.funder(s.funderId), amountCents: -s.cents }))
		];
	}
};

/**
 * Splits an amount between funders in proportion to their shares, to the cent, the
 * remainders going to the largest fractional parts (ties: the larger share, then the id),
 * so that the parts always sum to the amount.
 */
export function splitByShares(cents: number, shares: { funderId: string; shareCents: number }[]): { funderId: string; cents: number }[] {
	const total = shares.reduce((s, x) => s + x.shareCents, 0);
	if (!shares.length || total <= 0) throw new Error('splitByShares: no shares');
	const parts = shares.map((s) => {
		const exact = (cents * s.shareCents) / total;
		return { funderId: s.funderId, shareCents: s.shareCents, cents: Math.floor(exact), rest: exact - Math.floor(exact) };
	});
	let left = cents - parts.reduce((s, p) => s + p.cents, 0);
	const order = [...parts].sort((a, b) => b.rest - a.rest || b.shareCents - a.shareCents || a.funderId.localeCompare(b.funderId));
	for (const p of order) {
		if (left <= 0) break;
		p.cents++;
		left--;
	}
	return parts.map(({ funderId, cents }) => ({ funderId, cents }));
}

export function sumsToZero(lines: Line[]): boolean {
	return lines.reduce((s, l) => s + l.amountCents, 0) === 0;
}

// ——— money, dates ———

/** "10", "10,5", "10,50 €" … → cents, or null. */
export function parseEuros(input: string): number | null {
	const s = (input ?? '').replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
	if (!/^\d{1,9}(\.\d{1,2})?$/.test(s)) return null;
	const [whole, frac = ''] = s.split('.');
	return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

/** The last day a campaign's voucher is still redeemed: the end of validity plus the tolerance. */
export function lastRedemptionDay(c: { validUntil: string; toleranceDays: number }): string {
	return addDays(c.validUntil, c.toleranceDays);
}

// ——— forms ———

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'Indiquez une date (jour, mois, année).' });

export const contributionInput = z.object({
	funderId: z.string().uuid({ message: 'Choisissez le partenaire qui verse la contribution.' }),
	amount: z
		.string()
		.transform((s) => parseEuros(s))
		.refine((v): v is number => v !== null && v > 0, { message: 'Indiquez un montant en euros, par exemple 15\u202f000 ou 2\u202f500,50.' }),
	receivedOn: day,
	agreementRef: z.string().trim().min(1, { message: 'Indiquez la référence de la convention.' }).max(120, { message: '120 caractères au plus.' }),
	restrictions: z.string().trim().max(500, { message: '500 caractères au plus.' }).optional().default('')
});
export type ContributionInput = z.infer<typeof contributionInput>;

export const PUBLICS = [
	'Jeunes',
	'Étudiants',
	'Familles et/ou enfants',
	'Seniors',
	'Femmes',
	'Demandeurs d’emploi',
	'Allocataires du RSA',
	'Personnes en situation de handicap'
] as const;

export const campaignInput = z
	.object({
		name: z.string().trim().min(3, { message: 'Donnez un nom à la campagne (3 caractères au moins).' }).max(120, { message: '120 caractères au plus.' }),
		faceValue: z
			.string()
			.optional()
			.transform((s) => (s && s.trim() ? parseEuros(s) : 1000))
			.refine((v): v is number => v !== null && v >= 100 && v <= 100_00, { message: 'La valeur d’un pass va de 1\u00a0€ à 100\u00a0€.' }),
		bookletSize: z.coerce.number().refine((n) => n === 5 || n === 10, { message: 'Un carnet compte 5 ou 10 pass.' }),
		validFrom: day,
		validUntil: day,
		toleranceDays: z.coerce
			.number()
			.int({ message: 'Un nombre de jours entier.' })
			.min(0, { message: 'Entre 0 et 90 jours.' })
			.max(90, { message: 'Entre 0 et 90 jours.' }),
		publics: z.array(z.enum(PUBLICS)).default([]),
		areaIds: z.array(z.coerce.number().int().positive()).default([])
	})
	.refine((c) => c.validFrom <= c.validUntil, { message: 'La fin de validité doit suivre le début.', path: ['validUntil'] });
export type CampaignInput = z.infer<typeof campaignInput>;

/** A campaign's default dates: valid until 31 December of this year, with a month's tolerance. */
export function campaignDefaults(today = parisDay()): { validFrom: string; validUntil: string; toleranceDays: number; bookletSize: number; faceValue: string } {
	return { validFrom: today, validUntil: `${today.slice(0, 4)}-12-31`, toleranceDays: 31, bookletSize: 10, faceValue: '10' };
}

/** Days before the end of validity at which prescribers are warned of unused vouchers. */
export const WARNING_DAYS = [30, 15, 7] as const;

/** Fraud controls. */
export const FRAUD = {
	/** a booklet all redeemed by one place within this many minutes */
	burstMinutes: 10,
	/** code checks per user and per 10 minutes */
	checksPer10Minutes: 60,
	/** unknown codes per user within 15 minutes before checks are locked (and an alert raised) */
	failures: { limit: 10, windowMinutes: 15, lockMinutes: 30 }
} as const;

export const ALERT_LABELS: Record<string, string> = {
	booklet_burst: 'Carnet entier utilisé en quelques minutes par un même lieu',
	outside_area: 'Pass utilisé hors du territoire de la campagne',
	check_failures: 'Nombreux codes inconnus saisis (essais de codes ?)'
};
