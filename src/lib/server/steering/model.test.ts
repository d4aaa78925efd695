import { describe, expect, it } from 'vitest';
import { levelChoices, levelKey, parsePeriod, parseSteeringQuery, previousPeriod, recentPeriods, steeringQueryString } from './model.ts';

const today = '2026-12-07';

describe('steering periods', () => {
	it('reads a month, a quarter and a year in Paris days, the end exclusive', () => {
		expect(parsePeriod('2026-03', today)).toMatchObject({
			kind: 'month',
			label: 'mars 2026',
			start: '2026-03-01',
			end: '2026-04-01',
			months: ['2026-03-01'],
			ongoing: false
		});
		expect(parsePeriod('2026-t1', today)).toMatchObject({
			kind: 'quarter',
			key: '2026-T1',
			label: '1er trimestre 2026',
			start: '2026-01-01',
			end: '2026-04-01'
		});
		expect(parsePeriod('2025-T4', today)?.months).toEqual(['2025-10-01', '2025-11-01', '2025-12-01']);
		expect(parsePeriod('2025', today)).toMatchObject({ kind: 'year', label: '2025', start: '2025-01-01', end: '2026-01-01', ongoing: false });
		expect(parsePeriod('2025', today)?.months).toHaveLength(12);
	});

	it('ends the period under way today, with the months begun', () => {
		expect(parsePeriod('2026', today)).toMatchObject({ ongoing: true, end: '2026-12-08' });
		expect(parsePeriod('2026', today)?.months).toHaveLength(12);
		expect(parsePeriod('2026-T4', today)).toMatchObject({ label: '4e trimestre 2026', ongoing: true, months: ['2026-10-01', '2026-11-01', '2026-12-01'] });
	});

	it('refuses what is not a period, one not begun, or too old', () => {
		for (const raw of ['', '2026-13', '2026-T5', '26', '2027', '2027-01', '2014', 'x', '2026-03-01', null]) expect(parsePeriod(raw, today)).toBeNull();
	});

	it('steps back and lists the recent ones, newest first', () => {
		expect(previousPeriod(parsePeriod('2026-T1', today)!, today)?.key).toBe('2025-T4');
		expect(previousPeriod(parsePeriod('2026-01', today)!, today)?.key).toBe('2025-12');
		expect(previousPeriod(parsePeriod('2015', today)!, today)).toBeNull();
		expect(recentPeriods('quarter', today, 3).map((p) => p.key)).toEqual(['2026-T4', '2026-T3', '2026-T2']);
		expect(recentPeriods('year', today).map((p) => p.key)).toEqual(['2026', '2025', '2024', '2023', '2022']);
	});
});

describe('steering query', () => {
	it('falls back to what the reader may see rather than failing', () => {
		const q = parseSteeringQuery(new URLSearchParams('departement=33&periode=nope&niveau=bassin_de_vie'), ['47', '64'], today);
		expect(q.departmentCode).toBe('47');
		expect(q.period.key).toBe('2026');
		expect(levelKey(q.level)).toBe('bassin_de_vie');
		expect(parseSteeringQuery(new URLSearchParams(''), ['64'], today).level).toEqual({ kind: 'epci' });
		expect(steeringQueryString(q, { vue: 'carte', vide: null })).toBe('departement=47&periode=2026&niveau=bassin_de_vie&vue=carte');
	});

	it('offers the kinds of areas the département has, between the EPCI and the département', () => {
		expect(levelChoices(['pole_territorial']).map(levelKey)).toEqual(['commune', 'epci', 'pole_territorial', 'departement']);
	});
});
