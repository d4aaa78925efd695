/** The coordinators' Pass Numérique pages: the decisions their routes share. */
import { describe, expect, it } from 'vitest';
import { isHttpError } from '@sveltejs/kit';
import { dashboardCsv, type DashboardRow } from './index.ts';
import { MASKED, recomputable } from '../stats/index.ts';
import {
	DASHBOARD_COUNTS,
	alertFacts,
	alertLabel,
	dashboardQuery,
	dashboardRowView,
	shownDashboard,
	finishedMonth,
	finishedMonths,
	pickDepartment,
	printedCode,
	spacedSiret,
	statementFileName
} from './steering.ts';

const thrown = (fn: () => unknown) => {
	try {
		fn();
	} catch (e) {
		return e;
	}
	throw new Error('nothing thrown');
};

describe('which département', () => {
	it('the asked one when it is theirs, else the first; none: 403', () => {
		expect(pickDepartment(['47', '33'], '33')).toBe('33');
		expect(pickDepartment(['47', '33'], '64')).toBe('47');
		expect(pickDepartment(['47'], null)).toBe('47');
		const e = thrown(() => pickDepartment([], '47'));
		expect(isHttpError(e) && e.status).toBe(403);
	});
});

describe('months', () => {
	it('finished months, last month first, across the new year', () => {
		const m = finishedMonths('2027-01-15', 3);
		expect(m).toEqual([
			{ value: '2026-12-01', label: 'décembre 2026' },
			{ value: '2026-11-01', label: 'novembre 2026' },
			{ value: '2026-10-01', label: 'octobre 2026' }
		]);
		expect(finishedMonths()).toHaveLength(24);
	});

	it('a month of the URL only when it is finished and well written', () => {
		expect(finishedMonth('2026-11-01', '2026-12-02')).toBe('2026-11-01');
		expect(finishedMonth('2026-12-01', '2026-12-02')).toBeNull();
		expect(finishedMonth('2026-13-01', '2027-12-02')).toBeNull();
		expect(finishedMonth('2026-11-15', '2026-12-02')).toBeNull();
		expect(finishedMonth('', '2026-12-02')).toBeNull();
		expect(finishedMonth(null)).toBeNull();
	});
});

describe('readable forms', () => {
	it('SIRET, codes, file names', () => {
		expect(spacedSiret('21470000000018')).toBe('214 700 000 00018');
		expect(spacedSiret('W123')).toBe('W123');
		expect(spacedSiret(null)).toBe('');
		expect(printedCode('7K2M9QXA4HTBZ1')).toBe('7K2M-9QXA-4HTB-Z1');
		expect(printedCode(null)).toBe('—');
		expect(statementFileName({ month: '2026-11-01', place: 'Médiathèque Lucien-Lagarde – Nérac' }, 'csv')).toBe(
			'releve-pass-2026-11-mediatheque-lucien-lagarde-nerac.csv'
		);
		expect(statementFileName({ month: '2026-11-01', place: '«»' }, 'pdf')).toBe('releve-pass-2026-11.pdf');
	});

	it('alerts in words', () => {
		expect(alertLabel('outside_area')).toBe('Pass utilisé hors du territoire de la campagne');
		expect(alertLabel('nouveau')).toBe('nouveau');
		expect(alertFacts('outside_area', { commune: 'Nérac', codeInsee: '47195' })).toEqual(['Commune du lieu\u00a0: Nérac (code Insee 47195)']);
		expect(alertFacts('booklet_burst', { vouchers: 10, minutes: 4.5 })).toEqual(['10 pass utilisés en 4,5 min']);
		expect(alertFacts('check_failures', { failures: 10, minutes: 15 })[0]).toMatch(/^10 codes inconnus en 15 min/);
		expect(alertFacts('outside_area', null)).toEqual([]);
	});

	it('the dashboard’s filters in the CSV link', () => {
		expect(dashboardQuery({ departement: '47', campagne: 'abc', financeur: null })).toBe('?departement=47&campagne=abc');
		expect(dashboardQuery({})).toBe('');
	});
});

describe('the dashboard a funder sees: small counts masked, none recomputable', () => {
	const row = (key: string, issued: number, distributed: number, redeemed: number, reimbursed = 0, expired = 0): DashboardRow => ({
		key,
		label: key,
		issued,
		distributed,
		redeemed,
		reimbursed,
		expired,
		redeemedCents: (redeemed + reimbursed) * 1000
	});
	// one campaign of 40 pass; a small commune where 1 pass was used, the town where 12 were
	const d = {
		byCampaign: [row('campagne', 40, 30, 13)],
		byArea: [row('Agen', 28, 28, 12), row('Laroque-Timbaut', 2, 2, 1), row('non-remis', 10, 0, 0)],
		byPlace: [row('Médiathèque (Agen)', 12, 12, 12), row('Mairie (Laroque-Timbaut)', 1, 1, 1)]
	};

	it('the coordinator sees every count', () => {
		const s = shownDashboard(d, true);
		expect(s.masked).toBe(false);
		expect(s.byArea).toEqual(d.byArea);
		expect(s.total).toMatchObject({ issued: 40, redeemed: 13 });
	});

	it('the funder: the 1 pass of the small commune is masked, and the 12 beside it, since 13 − 12 would give it back', () => {
		const s = shownDashboard(d, false);
		expect(s.masked).toBe(true);
		const area = Object.fromEntries(s.byArea.map((r) => [r.key, r]));
		expect(area['Laroque-Timbaut']).toMatchObject({ issued: null, distributed: null, redeemed: null, redeemedCents: null });
		expect(area['Agen']).toMatchObject({ redeemed: null, redeemedCents: null });
		// issued: the 2 of the small commune with the next smallest (10 not handed out yet); 28 stays
		expect(area['non-remis'].issued).toBeNull();
		expect(area['Agen'].issued).toBe(28);
		const place = Object.fromEntries(s.byPlace.map((r) => [r.key, r]));
		expect(place['Mairie (Laroque-Timbaut)'].redeemed).toBeNull();
		expect(place['Médiathèque (Agen)'].redeemed).toBeNull();
		// the page and the CSV say « masqué »
		expect(dashboardRowView(s.byArea[1]).redeemed).toBe(MASKED);
		expect(dashboardRowView(s.byArea[1]).value).toBe(MASKED);
		expect(dashboardCsv(s)).toContain('Territoire;Laroque-Timbaut;masqué;masqué;masqué;0;0;masqué');
	});

	it('the attack: from what the funder reads and the totals, no small count comes back', () => {
		const s = shownDashboard(d, false);
		const placeTotal = { issued: 'redeemed', distributed: 'redeemed', redeemed: 'redeemed', reimbursed: 'reimbursed', expired: 'expired' } as const;
		for (const name of ['byCampaign', 'byArea', 'byPlace'] as const) {
			for (const k of DASHBOARD_COUNTS) {
				const raw = d[name].map((r) => r[k]);
				const known = s.total[name === 'byPlace' ? placeTotal[k] : k] === null ? null : raw.reduce((a, b) => a + b, 0);
				recomputable(
					s[name].map((r) => r[k]),
					known
				).forEach((range, i) => {
					if (!range || raw[i] === 0 || raw[i] >= 5) return;
					expect(range.min, `${name} ${k} ${d[name][i].key}`).toBeLessThanOrEqual(1);
					expect(range.max, `${name} ${k} ${d[name][i].key}`).toBeGreaterThanOrEqual(4);
				});
				// nothing from 1 to 4 is ever shown
				for (const r of s[name]) expect(r[k] === null || r[k] === 0 || r[k]! >= 5).toBe(true);
			}
		}
	});

	it('the nested columns: « 2 handed out and not used » in a commune is not readable from two shown counts', () => {
		const nested = {
			byCampaign: [row('campagne', 60, 60, 48)],
			byArea: [row('Agen', 30, 30, 28), row('Nérac', 30, 30, 20)],
			byPlace: [row('Médiathèque (Agen)', 28, 28, 28), row('Mairie (Nérac)', 20, 20, 20)]
		};
		const s = shownDashboard(nested, false);
		const agen = s.byArea.find((r) => r.key === 'Agen')!;
		// 30 − 28 = 2: the used count is masked, and Nérac's with it (the total would give it back)
		expect(agen.distributed).toBe(30);
		expect(agen.redeemed).toBeNull();
		expect(s.byArea.find((r) => r.key === 'Nérac')!.redeemed).toBeNull();
		// every row: no shown pair differs by 1 to 4
		for (const r of [...s.byCampaign, ...s.byArea, ...s.byPlace, s.total])
			for (const [part, whole] of [
				['redeemed', 'distributed'],
				['reimbursed', 'redeemed']
			] as const)
				if (r[part] !== null && r[whole] !== null) expect(r[whole]! - r[part]! === 0 || r[whole]! - r[part]! >= 5, `${r.key} ${part}`).toBe(true);
	});

	it('a column the places cannot protect but by its total is masked everywhere', () => {
		// 6 pass used, one in each of 6 places: 6 − 5 masked ones… every place 1 — the total must go
		const spread = {
			byCampaign: [row('campagne', 20, 20, 6)],
			byArea: [row('Agen', 20, 20, 6)],
			byPlace: Array.from({ length: 6 }, (_, i) => row(`lieu ${i}`, 1, 1, 1))
		};
		const s = shownDashboard(spread, false);
		expect(s.total.redeemed).toBeNull();
		expect(s.byCampaign[0].redeemed).toBeNull();
		expect(s.byArea[0].redeemed).toBeNull();
		expect(s.byCampaign[0].issued).toBe(20);
	});
});
