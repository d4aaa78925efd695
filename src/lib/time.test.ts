import { describe, expect, it } from 'vitest';
import {
	addDays,
	dayBounds,
	daysBetween,
	minuteOfWeek,
	monthBounds,
	monthOf,
	nextMonth,
	oneYearBefore,
	parisDay,
	parisInstant,
	parisMidnight,
	parisOffset,
	parisWallClock,
	parseDay,
	parseParisLocal,
	previousMonth,
	toParisLocal,
	weekdayOf
} from './time.ts';
import { everyZone } from '../../test/zones.ts';

// The results must not depend on the server's time zone: every test runs under several (test/zones.ts).

const iso = (d: Date | null) => d?.toISOString() ?? null;

everyZone('the spring change (Sunday 29 March 2026: 02:00 → 03:00)', () => {
	// the night before the change is winter time (+1), the evening after is summer time (+2)
	expect(iso(parseParisLocal('2026-03-29T01:30'))).toBe('2026-03-29T00:30:00.000Z');
	expect(iso(parseParisLocal('2026-03-29T03:30'))).toBe('2026-03-29T01:30:00.000Z');
	// 02:30 does not exist: the time after the gap
	expect(iso(parseParisLocal('2026-03-29T02:30'))).toBe('2026-03-29T01:30:00.000Z');
	expect(iso(parisMidnight('2026-03-29'))).toBe('2026-03-28T23:00:00.000Z');
	expect(iso(parisMidnight('2026-03-30'))).toBe('2026-03-29T22:00:00.000Z');
	// the day is 23 hours long
	const { start, end } = dayBounds('2026-03-29');
	expect((end.getTime() - start.getTime()) / 3_600_000).toBe(23);
	expect(parisOffset(new Date('2026-03-29T00:59:59Z'))).toBe(3_600_000);
	expect(parisOffset(new Date('2026-03-29T01:00:00Z'))).toBe(7_200_000);
	expect(parisDay(new Date('2026-03-29T21:59:59Z'))).toBe('2026-03-29');
	expect(parisDay(new Date('2026-03-29T22:00:00Z'))).toBe('2026-03-30');
});

everyZone('the autumn change (Sunday 25 October 2026: 03:00 → 02:00)', () => {
	expect(iso(parseParisLocal('2026-10-25T01:30'))).toBe('2026-10-24T23:30:00.000Z');
	// 02:30 happens twice: the first one (summer time)
	expect(iso(parseParisLocal('2026-10-25T02:30'))).toBe('2026-10-25T00:30:00.000Z');
	expect(iso(parseParisLocal('2026-10-25T03:30'))).toBe('2026-10-25T02:30:00.000Z');
	expect(iso(parisMidnight('2026-10-25'))).toBe('2026-10-24T22:00:00.000Z');
	expect(iso(parisMidnight('2026-10-26'))).toBe('2026-10-25T23:00:00.000Z');
	// the day is 25 hours long
	const { start, end } = dayBounds('2026-10-25');
	expect((end.getTime() - start.getTime()) / 3_600_000).toBe(25);
	// both 02:30 read 02:30 on a Paris clock
	expect(parisWallClock(new Date('2026-10-25T00:30:00Z'))).toMatchObject({ hour: 2, minute: 30 });
	expect(parisWallClock(new Date('2026-10-25T01:30:00Z'))).toMatchObject({ hour: 2, minute: 30 });
});

everyZone('instants and days', () => {
	// late evening in Paris is already the next day in UTC+14 and still the same in New York
	expect(parisDay(new Date('2026-12-31T22:59:59Z'))).toBe('2026-12-31');
	expect(parisDay(new Date('2026-12-31T23:00:00Z'))).toBe('2027-01-01');
	expect(monthBounds('2026-03-01')).toEqual({ start: new Date('2026-02-28T23:00:00Z'), end: new Date('2026-03-31T22:00:00Z') });
	expect(monthBounds('2026-12-17')).toEqual({ start: new Date('2026-11-30T23:00:00Z'), end: new Date('2026-12-31T23:00:00Z') });
	expect(iso(parisInstant(2026, 6, 14, 9, 0))).toBe('2026-07-14T07:00:00.000Z');
	expect(toParisLocal(new Date('2026-07-14T07:05:00Z'))).toBe('2026-07-14T09:05');
	// Monday 7 December 2026, 10:15 in Paris
	expect(minuteOfWeek(new Date('2026-12-07T09:15:00Z'))).toBe(10 * 60 + 15);
	// Sunday 6 December 2026, 23:30 in Paris (22:30 UTC)
	expect(minuteOfWeek(new Date('2026-12-06T22:30:00Z'))).toBe(6 * 1440 + 23 * 60 + 30);
	expect(parisWallClock(new Date('2026-12-06T23:30:00Z')).weekday).toBe(0);
});

describe('a wall-clock time typed in a form', () => {
	it('refuses what is not a time of the calendar, without rolling over', () => {
		for (const bad of ['2026-04-31T10:00', '2026-13-01T10:00', '2026-02-29T10:00', '2026-01-01T24:00', '2026-01-01T10:60', '01/01/2026 10:00', ''])
			expect(parseParisLocal(bad)).toBeNull();
		expect(iso(parseParisLocal('2028-02-29T10:00'))).toBe('2028-02-29T09:00:00.000Z');
	});
});

describe('calendar days', () => {
	it('reads the ISO form and the French form, refuses impossible days', () => {
		expect(parseDay('2026-11-21')).toBe('2026-11-21');
		expect(parseDay(' 1/2/2027 ')).toBe('2027-02-01');
		expect(parseDay('29/02/2028')).toBe('2028-02-29');
		for (const bad of ['29/02/2027', '2026-02-30', '31/04/2026', '2026-1-1', 'demain', '']) expect(parseDay(bad)).toBeNull();
	});
	it('counts days and months across the year and the changes of time', () => {
		expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
		expect(addDays('2026-03-29', 1)).toBe('2026-03-30');
		expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
		expect(addDays('2027-03-01', -1)).toBe('2027-02-28');
		expect(daysBetween('2026-03-01', '2026-04-01')).toBe(31);
		expect(daysBetween('2026-10-31', '2026-10-01')).toBe(-30);
		expect(oneYearBefore('2028-02-29')).toBe('2027-02-28');
		expect(oneYearBefore('2027-01-15')).toBe('2026-01-15');
		expect(monthOf('2026-11-22')).toBe('2026-11-01');
		expect(previousMonth('2027-01-01')).toBe('2026-12-01');
		expect(nextMonth('2026-12-01')).toBe('2027-01-01');
		expect(weekdayOf('2026-12-07')).toBe(0);
		expect(weekdayOf('2026-12-06')).toBe(6);
	});
});
