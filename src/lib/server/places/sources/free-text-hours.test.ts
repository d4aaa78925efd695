import { describe, expect, it } from 'vitest';
import { dayList, parseDayText, weekToOsm } from './free-text-hours.ts';

const ok = (text: string) => {
	const p = parseDayText(text);
	if (!p.ok) throw new Error(`unreadable: ${text} (${p.reason})`);
	return p.intervals.map(([s, e]) => `${s}-${e}`).join(',');
};

describe('parseDayText', () => {
	it('reads the usual and variant spellings', () => {
		expect(ok('09:00 - 12:00 / 13:30 - 17:00')).toBe('540-720,810-1020');
		expect(ok('09:00-12:00/13:30-17:00')).toBe('540-720,810-1020');
		expect(ok('08:30-12:00,13:30-17:30')).toBe('510-720,810-1050');
		expect(ok('09:00-12:00 14:00-16:30')).toBe('540-720,840-990');
		expect(ok('9h-12h')).toBe('540-720');
		expect(ok('9h30 - 12H / 13H30 - 16H30')).toBe('570-720,810-990');
		expect(ok('de 9h à 12h et de 14h à 17h')).toBe('540-720,840-1020');
		expect(ok('08 :30-12:00')).toBe('510-720');
		expect(ok('09:00-12h00')).toBe('540-720');
		expect(ok('09:00-12:30-13:30-17:00')).toBe('540-750,810-1020');
		expect(ok('07:30:12:30')).toBe('450-750');
		expect(ok('20:00-00:00')).toBe('1200-1440');
	});

	it('reads closed days', () => {
		for (const t of ['', '-', ' - ', 'Fermé', 'fermé', 'FERME', 'closed']) expect(ok(t)).toBe('');
	});

	it('merges duplicates and overlaps, drops empty ranges', () => {
		expect(ok('09:00 - 12:30 / 09:00 - 12:30 / 13:30 - 16:30')).toBe('540-750,810-990');
		expect(ok('09:00 - 16:00 / 13:00 - 16:00')).toBe('540-960');
		expect(ok('09:00-13:00/13:00-16:00')).toBe('540-960');
		expect(ok('13:30 - 17:00 / 09:00 - 12:00')).toBe('540-720,810-1020');
		const p = parseDayText('00:00 - 00:00 / 08:30 - 12:00');
		expect(p.ok && p.notes).toEqual(['plage vide 00:00-00:00 ignorée']);
	});

	it('refuses what it cannot read', () => {
		for (const t of ['sur rendez-vous', '9h-12h sauf vacances', '09:00-13:00-/3:00-16:00', '09:00', '25:00-26:00', '12:00-09:00', '0900-1200'])
			expect(parseDayText(t).ok).toBe(false);
	});
});

describe('weekToOsm', () => {
	it('groups identical days, runs of 3+ with a dash', () => {
		const a = '09:00 - 12:00 / 13:30 - 17:00';
		expect(weekToOsm([a, a, a, a, '09:00 - 12:00 / 13:30 - 16:00', '']).horaires).toBe('Mo-Th 09:00-12:00,13:30-17:00; Fr 09:00-12:00,13:30-16:00');
		expect(weekToOsm([a, a, '', a, a, '09:00 - 12:00']).horaires).toBe('Mo,Tu,Th,Fr 09:00-12:00,13:30-17:00; Sa 09:00-12:00');
		expect(weekToOsm(['', '', '', '', '', '']).horaires).toBeUndefined();
	});

	it('leaves out an unreadable day and says which', () => {
		const r = weekToOsm(['9h-12h', 'sur rendez-vous', '9h-12h']);
		expect(r.horaires).toBe('Mo,We 09:00-12:00');
		expect(r.warnings).toEqual(['horaires du mardi illisibles (« sur rendez-vous » : texte non reconnu) : jour non repris']);
	});

	it('writes day lists', () => {
		expect(dayList([0, 1, 2, 3, 5])).toBe('Mo-Th,Sa');
		expect(dayList([0, 2])).toBe('Mo,We');
		expect(dayList([5, 6])).toBe('Sa,Su');
	});
});
