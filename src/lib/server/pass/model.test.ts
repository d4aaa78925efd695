import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
	POST,
	TRANSITIONS,
	VOUCHER_STATES,
	canMove,
	parseEuros,
	splitByShares,
	sumsToZero,
	lastRedemptionDay,
	campaignInput,
	type VoucherState
} from './model.ts';
import { euros, dayLabel } from '../../components/format.ts';
import { monthBounds, previousMonth, nextMonth } from '../../time.ts';

describe('the voucher state machine', () => {
	it('allows only the moves of the issue: created → activated → distributed → redeemed → reimbursed, or expired / cancelled → credited back', () => {
		const allowed = VOUCHER_STATES.flatMap((from) => VOUCHER_STATES.filter((to) => canMove(from, to)).map((to) => `${from}→${to}`));
		expect(allowed.sort()).toEqual(
			[
				'created→activated',
				'created→cancelled',
				'activated→distributed',
				'activated→expired',
				'activated→cancelled',
				'distributed→redeemed',
				'distributed→expired',
				'distributed→cancelled',
				'redeemed→reimbursed',
				'expired→credited_back',
				'cancelled→credited_back'
			].sort()
		);
	});

	it('has ends that nothing leaves, and no way back', () => {
		expect(TRANSITIONS.reimbursed).toEqual([]);
		expect(TRANSITIONS.credited_back).toEqual([]);
		const order: VoucherState[] = ['created', 'activated', 'distributed', 'redeemed', 'reimbursed'];
		for (let i = 0; i < order.length; i++) for (let j = 0; j <= i; j++) expect(canMove(order[i], order[j])).toBe(false);
		// a redeemed voucher is never expired nor credited back
		expect(canMove('redeemed', 'expired')).toBe(false);
		expect(canMove('redeemed', 'cancelled')).toBe(false);
	});
});

describe('the ledger’s posting rules', () => {
	it('every posting sums to zero, for any amount', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 10_000_000 }), (cents) => {
				for (const lines of [
					POST.contribution('f', cents),
					POST.commitment('f', 'c', cents),
					POST.activation('c', cents),
					POST.redemption('c', 'p', cents),
					POST.reimbursement('p', cents)
				])
					expect(sumsToZero(lines)).toBe(true);
			})
		);
	});

	it('credits back in proportion to the shares, to the cent, the parts always summing to the amount', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: 1_000_000 }),
				fc.array(fc.integer({ min: 1, max: 10_000_000 }), { minLength: 1, maxLength: 6 }),
				(cents, shares) => {
					const s = shares.map((shareCents, i) => ({ funderId: `f${i}`, shareCents }));
					const parts = splitByShares(cents, s);
					expect(parts.reduce((a, p) => a + p.cents, 0)).toBe(cents);
					const total = shares.reduce((a, b) => a + b, 0);
					for (const [i, p] of parts.entries()) expect(Math.abs(p.cents - (cents * shares[i]) / total)).toBeLessThan(1);
					expect(sumsToZero(POST.creditBack('c', cents, s))).toBe(true);
				}
			)
		);
		expect(
			splitByShares(1000, [
				{ funderId: 'caf', shareCents: 2 },
				{ funderId: 'msa', shareCents: 1 }
			])
		).toEqual([
			{ funderId: 'caf', cents: 667 },
			{ funderId: 'msa', cents: 333 }
		]);
	});

	it('refuses a zero, negative or fractional amount', () => {
		expect(() => POST.redemption('c', 'p', 0)).toThrow();
		expect(() => POST.redemption('c', 'p', -5)).toThrow();
		expect(() => POST.redemption('c', 'p', 10.5)).toThrow();
	});
});

describe('money and dates in French', () => {
	it('reads and writes euros', () => {
		expect(euros(1000)).toBe('10\u00a0€');
		expect(euros(250_050)).toBe('2\u202f500,50\u00a0€');
		expect(parseEuros('2 500,50 €')).toBe(250_050);
		expect(parseEuros('10')).toBe(1000);
		expect(parseEuros('10,5')).toBe(1050);
		expect(parseEuros('dix')).toBeNull();
		expect(parseEuros('-3')).toBeNull();
	});

	it('knows the last day of redemption, months and their Paris bounds', () => {
		expect(lastRedemptionDay({ validUntil: '2026-12-31', toleranceDays: 31 })).toBe('2027-01-31');
		expect(previousMonth('2026-01-01')).toBe('2025-12-01');
		expect(nextMonth('2026-12-01')).toBe('2027-01-01');
		expect(monthBounds('2026-11-01').start.toISOString()).toBe('2026-10-31T23:00:00.000Z');
		expect(monthBounds('2026-07-01').start.toISOString()).toBe('2026-06-30T22:00:00.000Z');
		expect(dayLabel('2026-12-01')).toBe('1er décembre 2026');
	});

	it('checks a campaign with French messages', () => {
		const r = campaignInput.safeParse({ name: 'X', faceValue: '0', bookletSize: '7', validFrom: '2026-12-31', validUntil: '2026-01-01', toleranceDays: '100' });
		expect(r.success).toBe(false);
		const messages = r.error!.issues.map((i) => i.message).join(' | ');
		expect(messages).toMatch(/3 caractères au moins/);
		expect(messages).toMatch(/de 1\s€ à 100\s€/);
		expect(messages).toMatch(/5 ou 10 pass/);
		expect(messages).toMatch(/Entre 0 et 90 jours/);
	});
});
