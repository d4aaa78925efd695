import { describe, expect, it } from 'vitest';
import {
	closureLabel,
	reopening,
	statusText,
	dayName,
	formatDate,
	euros,
	monthLabel,
	dayLabel,
	formatAppointment,
	formatDateTime,
	formatDuration,
	formatShortDateTime,
	formatDistance,
	formatBytes,
	formatMinutes,
	formatRange,
	formatTime,
	formatPhone,
	near,
	of,
	ofPerson,
	phoneHref,
	shown,
	plural,
	safeHref,
	sourceLabel,
	todayName
} from './format.ts';
import { contrast, parseHex, themeCss } from './theme.ts';
import { everyZone as everyZoneOf } from '../../../test/zones.ts';

describe('format', () => {
	it('elides « de » before a person’s name, never turning « Le » into « du »', () => {
		expect(ofPerson('Ahmed Benali')).toBe('d’Ahmed Benali');
		expect(ofPerson('Hélène Roy')).toBe('d’Hélène Roy');
		expect(ofPerson('Le Goff Marie')).toBe('de Le Goff Marie');
		expect(of('Équipe du lieu')).toBe('d’Équipe du lieu');
		expect(of('Albret Communauté')).toBe('d’Albret Communauté');
	});
	it('shows a value of the standard with a curly apostrophe, the value unchanged elsewhere', () => {
		expect(shown("Ce lieu n'accueille pas de public")).toBe('Ce lieu n’accueille pas de public');
		expect(shown("Point d'accès numérique CAF")).toBe('Point d’accès numérique CAF');
		expect(shown('Se présenter')).toBe('Se présenter');
	});

	it('closures and statuses in one phrase', () => {
		expect(closureLabel({ kind: 'permanent', until: null })).toBe('Fermé définitivement');
		expect(closureLabel({ kind: 'temporary', until: '2027-01-15' })).toBe('Fermé temporairement jusqu’au 14 janvier 2027 inclus');
		expect(closureLabel({ kind: 'temporary', until: '2027-03-01' })).toBe('Fermé temporairement jusqu’au 28 février 2027 inclus');
		expect(closureLabel({ kind: 'temporary', until: '2027-02-02' })).toBe('Fermé temporairement jusqu’au 1er février 2027 inclus');
		expect(closureLabel({ kind: 'temporary', until: null })).toBe('Fermé temporairement');
		expect(reopening({ kind: 'temporary', until: '2027-01-15' })).toBe('rouvre le 15 janvier 2027');
		expect(reopening({ kind: 'permanent', until: null })).toBeNull();
		expect(statusText({ label: 'Fermé', detail: 'ouvre mardi à 9\u00a0h' })).toBe('Fermé, ouvre mardi à 9\u00a0h');
		expect(statusText({ label: 'Ouvert maintenant', detail: null })).toBe('Ouvert maintenant');
		expect(statusText(null)).toBeNull();
	});
	it('hours in French administrative style, with non-breaking spaces', () => {
		const n = '\u00a0';
		expect(formatTime('09:00')).toBe(`9${n}h`);
		expect(formatTime('09:30')).toBe(`9${n}h${n}30`);
		expect(formatTime('14h05')).toBe(`14${n}h${n}05`);
		expect(formatTime('24:00')).toBe(`24${n}h`);
		expect(formatTime('midi')).toBe('midi');
		expect(formatMinutes(9 * 60 + 5)).toBe(`9${n}h${n}05`);
		expect(formatMinutes(14 * 60)).toBe(`14${n}h`);
		expect(formatRange('14:00-17:30')).toBe(`14${n}h${n}– 17${n}h${n}30`);
		expect(formatRange('09:00 – 12:00')).toBe(`9${n}h${n}– 12${n}h`);
		// the date and time of an instant, Paris time
		expect(formatDateTime('2026-11-22T16:23:00Z')).toBe(`22 novembre 2026 à 17${n}h${n}23`);
		expect(formatDateTime('2026-07-01T07:00:00Z')).toBe(`1er juillet 2026 à 9${n}h`);
	});
	it('distances', () => {
		expect(formatDistance(null)).toBeNull();
		expect(formatDistance(0)).toBe('à 10 m');
		expect(formatDistance(854)).toBe('à 850 m');
		expect(formatDistance(1234)).toBe('à 1,2 km');
		expect(formatDistance(23456)).toBe('à 23 km');
	});
	it('phones', () => {
		expect(formatPhone('+33553123456')).toBe('05 53 12 34 56');
		expect(formatPhone('0553123456')).toBe('05 53 12 34 56');
		expect(formatPhone('+3225123456')).toBe('+3225123456');
		expect(phoneHref('05 53 12 34 56')).toBe('tel:+33553123456');
		expect(phoneHref('+33553123456')).toBe('tel:+33553123456');
	});
	it('dates', () => {
		expect(formatDate('2024-03-12')).toBe('12 mars 2024');
		expect(formatDate('2024-02-01')).toBe('1er février 2024');
		expect(formatDate(null)).toBeNull();
		// an instant is the day it is in Paris: 23:30 UTC on 31 December is already 1 January there
		expect(formatDate(new Date('2026-12-31T23:30:00Z'))).toBe('1er janvier 2027');
		expect(formatDate('2026-07-14T22:30:00Z')).toBe('15 juillet 2026');
		expect(formatDate(new Date('2026-07-14T21:30:00Z'))).toBe('14 juillet 2026');
	});
	it('money and months', () => {
		expect(euros(1000)).toBe('10\u00a0€');
		expect(euros(1050)).toBe('10,50\u00a0€');
		expect(euros(1500000)).toBe('15\u202f000\u00a0€');
		expect(monthLabel('2026-11-01')).toBe('novembre 2026');
		expect(dayLabel('2026-11-01')).toBe('1er novembre 2026');
	});
	it('near', () => {
		expect(near('Agen (47)')).toBe('près d’Agen (47)');
		expect(near('Bordeaux (33)')).toBe('près de Bordeaux (33)');
		expect(near('Le Passage (47)')).toBe('près du Passage (47)');
		expect(near('Les Mureaux (78)')).toBe('près des Mureaux (78)');
		expect(near('Hendaye (64)')).toBe('près d’Hendaye (64)');
		expect(near('Écouché')).toBe('près d’Écouché');
		expect(of('Agen (47)')).toBe('d’Agen (47)');
		expect(of('Le Passage (47)')).toBe('du Passage (47)');
		expect(of('Villeneuve-sur-Lot (47)')).toBe('de Villeneuve-sur-Lot (47)');
	});
	it('plural, days, links, sources', () => {
		expect(plural(1, 'lieu', 'lieux')).toBe('1 lieu');
		expect(plural(1065, 'lieu', 'lieux')).toMatch(/^1\s065 lieux$/);
		expect(dayName('Mo')).toBe('Lundi');
		expect(dayName('mardi')).toBe('Mardi');
		expect(dayName('Sa')).toBe('Samedi');
		expect(todayName(new Date('2026-11-18T14:00:00Z'))).toBe('Mercredi');
		expect(safeHref('javascript:alert(1)')).toBeNull();
		expect(safeHref('www.agen.fr')).toBe('https://www.agen.fr');
		expect(sourceLabel('france-services')).toBe('France Services (ANCT)');
		expect(sourceLabel('conseillers-numeriques-lieux-2022')).toBe('Conseillers numériques (ANCT)');
		expect(sourceLabel('mon-fichier')).toBe('Mon fichier');
	});
});

describe('theme', () => {
	it('keeps AA contrast whatever the colours', () => {
		for (const color of ['#ffcc00', '#00ff00', '#1f4e8c', '#ffffff', 'nonsense']) {
			const css = themeCss({ colorPrimary: color, colorAccent: color });
			const primary = parseHex(/--primary:(#[0-9a-f]{6})/.exec(css)![1])!;
			const accent = parseHex(/--accent:(#[0-9a-f]{6})/.exec(css)![1])!;
			expect(contrast(primary, [255, 255, 255])).toBeGreaterThanOrEqual(4.5);
			expect(contrast(accent, [255, 255, 255])).toBeGreaterThanOrEqual(3);
		}
	});
});

// Dates are Paris dates whatever the server's time zone: these run under several (test/zones.ts).
const everyZone = (name: string, fn: () => void) => everyZoneOf(name, fn, ['UTC', 'Europe/Paris', 'Pacific/Kiritimati', 'America/New_York']);

const n = '\u00a0';

everyZone('dates and times on the spring change (Sunday 29 March 2026: 02:00 → 03:00)', () => {
	// 00:59Z is 01:59 winter time, 01:00Z is 03:00 summer time
	expect(formatDateTime('2026-03-29T00:59:00Z')).toBe(`29 mars 2026 à 1${n}h${n}59`);
	expect(formatDateTime(new Date('2026-03-29T01:00:00Z'))).toBe(`29 mars 2026 à 3${n}h`);
	expect(formatDateTime('2026-03-28T23:00:00Z', { weekday: true, nbsp: false })).toBe('dimanche 29 mars 2026 à 0 h');
	expect(formatDateTime('2026-03-28T22:59:00Z', { weekday: true, nbsp: false })).toBe('samedi 28 mars 2026 à 23 h 59');
	expect(formatAppointment(new Date('2026-03-29T07:05:00Z'))).toBe('dimanche 29 mars à 9 h 05');
	expect(formatDate(new Date('2026-03-28T23:00:00Z'), { weekday: true })).toBe('dimanche 29 mars 2026');
	expect(formatDate('2026-03-29')).toBe('29 mars 2026');
	expect(formatShortDateTime(new Date('2026-03-29T07:05:09Z'), { seconds: true })).toBe('29/03/2026 09:05:09');
	expect(formatShortDateTime(new Date('2026-03-29T00:30:00Z'))).toBe('29/03/2026 01:30');
});

everyZone('dates and times on the autumn change (Sunday 25 October 2026: 03:00 → 02:00)', () => {
	// 00:30Z is 02:30 summer time, 01:30Z is 02:30 again, winter time
	expect(formatDateTime('2026-10-25T00:30:00Z')).toBe(`25 octobre 2026 à 2${n}h${n}30`);
	expect(formatDateTime('2026-10-25T01:30:00Z')).toBe(`25 octobre 2026 à 2${n}h${n}30`);
	expect(formatDateTime('2026-10-24T22:00:00Z', { weekday: true, nbsp: false })).toBe('dimanche 25 octobre 2026 à 0 h');
	expect(formatDateTime('2026-10-25T22:59:00Z', { nbsp: false })).toBe('25 octobre 2026 à 23 h 59');
	expect(formatDateTime('2026-10-25T23:00:00Z', { nbsp: false })).toBe('26 octobre 2026 à 0 h');
	expect(formatAppointment(new Date('2026-10-25T13:30:00Z'))).toBe('dimanche 25 octobre à 14 h 30');
	expect(formatDate(new Date('2026-10-24T22:00:00Z'))).toBe('25 octobre 2026');
	expect(formatShortDateTime(new Date('2026-10-25T01:30:00Z'))).toBe('25/10/2026 02:30');
});

everyZone('the first of the month, calendar days and the year boundary', () => {
	expect(formatAppointment(new Date('2026-12-01T13:30:00Z'))).toBe('mardi 1er décembre à 14 h 30');
	expect(formatDate(new Date('2026-12-31T23:30:00Z'), { weekday: true })).toBe('vendredi 1er janvier 2027');
	expect(formatDate('2026-03-12', { weekday: true })).toBe('jeudi 12 mars 2026');
	expect(formatDate('2026-03-12', { year: false })).toBe('12 mars');
	// a calendar day has no time
	expect(formatDateTime('2026-03-12')).toBe('12 mars 2026');
	expect(formatDate('pas une date')).toBe('pas une date');
	expect(formatDateTime(new Date(Number.NaN))).toBeNull();
	expect(dayLabel('2026-11-01')).toBe('1er novembre 2026');
	expect(monthLabel('2026-12-01')).toBe('décembre 2026');
});

describe('durations, phones, money', () => {
	it('file sizes as a file manager shows them, the unit after a no-break space', () => {
		expect(formatBytes(1)).toBe('1\u00a0octet');
		expect(formatBytes(850)).toBe('850\u00a0octets');
		expect(formatBytes(5 * 1024 + 300)).toBe('5,3\u00a0Ko');
		expect(formatBytes(41_230)).toBe('40\u00a0Ko');
		expect(formatBytes(1_234_567)).toBe('1,2\u00a0Mo');
		expect(formatBytes(52_000_000)).toBe('50\u00a0Mo');
	});
	it('durations in minutes, plain spaces', () => {
		expect(formatDuration(15)).toBe('15 min');
		expect(formatDuration(60)).toBe('1 h');
		expect(formatDuration(90)).toBe('1 h 30');
		expect(formatDuration(125)).toBe('2 h 05');
		expect(formatDuration(600)).toBe('10 h');
		expect(formatDuration(-3)).toBe('0 min');
	});
	it('phones: French numbers nationally, others as typed', () => {
		expect(formatPhone('+33 6 12 34 56 78')).toBe('06 12 34 56 78');
		expect(formatPhone('0033612345678')).toBe('06 12 34 56 78');
		expect(formatPhone('06.12.34.56.78')).toBe('06 12 34 56 78');
		expect(formatPhone(' +41 22 123 45 67 ')).toBe('+41 22 123 45 67');
		expect(formatPhone(null)).toBe('');
	});
	it('money from cents', () => {
		expect(euros(0)).toBe('0\u00a0€');
		expect(euros(-2550)).toBe('-25,50\u00a0€');
	});
});
