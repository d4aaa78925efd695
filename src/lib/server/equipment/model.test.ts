/** The equipment channel's pure rules (issue 18): transitions and their guards, the waiting list's order, the reuse ratio of décret 2023-266. */
import { describe, expect, it } from 'vitest';
import {
	DEVICE_STATUSES,
	TRANSITIONS,
	checkTransition,
	offerBlockers,
	reuseFigures,
	reuseTarget,
	waitingOrder,
	warrantyUntil,
	type DeviceStatus
} from './model.ts';

const ready = { testPassed: true, erasureReport: true, specified: true, grade: 'B', warrantyMonths: 12, priceCents: 12000 };

describe('device lifecycle', () => {
	it('allows only the transitions of decision 0020', () => {
		const statuses = Object.keys(DEVICE_STATUSES) as DeviceStatus[];
		const allowed: string[] = [];
		for (const from of statuses)
			for (const to of statuses) if (checkTransition(from, to, { offer: ready, erasureReport: true }).ok) allowed.push(`${from}>${to}`);
		expect(allowed.sort()).toEqual(
			[
				'received>refurbishing',
				'received>recycled',
				'refurbishing>available',
				'refurbishing>recycled',
				'available>reserved',
				'available>refurbishing',
				'available>recycled',
				'reserved>handed_over',
				'reserved>available',
				'handed_over>returned',
				'returned>refurbishing',
				'returned>recycled'
			].sort()
		);
		expect(TRANSITIONS.recycled).toEqual([]);
	});

	it('offers a device only tested, erased, described, graded, with a warranty and a price (décret 2022-190)', () => {
		expect(checkTransition('refurbishing', 'available', { offer: ready })).toEqual({ ok: true });
		expect(checkTransition('refurbishing', 'available')).toMatchObject({ ok: false });
		const noErasure = checkTransition('refurbishing', 'available', { offer: { ...ready, erasureReport: false } });
		expect(noErasure).toMatchObject({ ok: false });
		expect(!noErasure.ok && noErasure.message).toContain('rapport d’effacement');
		expect(offerBlockers({ ...ready, testPassed: false, priceCents: null })).toHaveLength(2);
		expect(offerBlockers({ ...ready, warrantyMonths: 0 })).toEqual([]);
	});

	it('never hands over without an erasure report', () => {
		expect(checkTransition('reserved', 'handed_over', { erasureReport: false })).toMatchObject({ ok: false });
		expect(checkTransition('reserved', 'handed_over', { erasureReport: true })).toEqual({ ok: true });
		expect(checkTransition('available', 'handed_over', { erasureReport: true })).toMatchObject({ ok: false });
	});
});

describe('waiting list', () => {
	it('orders by the day asked, then by id', () => {
		const r = (id: string, at: string) => ({ id, requestedAt: new Date(at) });
		const out = waitingOrder([r('c', '2026-03-02T10:00:00Z'), r('b', '2026-03-01T10:00:00Z'), r('a', '2026-03-02T10:00:00Z'), r('d', '2026-01-15T08:00:00Z')]);
		expect(out.map((x) => x.id)).toEqual(['d', 'b', 'a', 'c']);
	});
});

describe('reuse duty (décret 2023-266)', () => {
	it('has the targets of the décret: 25 % in 2023, 35 % in 2024, 50 % from 2025', () => {
		expect([2022, 2023, 2024, 2025, 2030].map(reuseTarget)).toEqual([null, 25, 35, 50, 50]);
	});

	it('computes the ratio on a fixed set: proven reuse over the declared stock, devices over 10 years excluded', () => {
		const devices = [
			...Array.from({ length: 6 }, () => ({ manufactureYear: 2019, handedOverOn: '2025-04-02' })),
			...Array.from({ length: 3 }, () => ({ manufactureYear: 2018, handedOverOn: null })),
			// over 10 years in 2025: excluded even though handed over
			{ manufactureYear: 2013, handedOverOn: '2025-05-01' },
			{ manufactureYear: null, handedOverOn: '2025-06-01' }
		];
		const f = reuseFigures(2025, devices, 12);
		expect(f).toMatchObject({
			given: 11,
			excludedOverAge: 1,
			counted: 10,
			provenReused: 7,
			denominator: 12,
			ratio: 58.3,
			target: 50,
			met: true,
			indicative: false
		});
		const f24 = reuseFigures(2024, devices.slice(0, 9), 20);
		expect(f24).toMatchObject({ provenReused: 6, ratio: 30, target: 35, met: false });
		// no declared stock: the devices given stand in, and the ratio is indicative
		expect(reuseFigures(2023, devices.slice(0, 8), null)).toMatchObject({ denominator: 8, ratio: 75, target: 25, met: true, indicative: true });
		expect(reuseFigures(2025, [], null)).toMatchObject({ ratio: null, met: null });
	});
});

describe('warranty', () => {
	it('ends the same day months later, clamped to the month’s end', () => {
		expect(warrantyUntil('2026-01-31', 1)).toBe('2026-02-28');
		expect(warrantyUntil('2026-03-15', 12)).toBe('2027-03-15');
		expect(warrantyUntil('2026-11-30', 3)).toBe('2027-02-28');
		expect(warrantyUntil('2026-05-10', 0)).toBe('2026-05-10');
	});
});
