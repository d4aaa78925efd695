import { describe, expect, it } from 'vitest';
import { dayName, formatDate, formatDistance, formatPhone, near, of, phoneHref, plural, safeHref, sourceLabel, todayName } from './format.ts';
import { contrast, parseHex, themeCss } from './theme.ts';

describe('format', () => {
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
