/** The coordinators' Pass Numérique pages: the decisions their routes share. */
import { describe, expect, it } from 'vitest';
import { isHttpError } from '@sveltejs/kit';
import { PassError } from './service.ts';
import { alertFacts, alertLabel, dashboardQuery, finishedMonth, finishedMonths, passFail, passPageError, pickDepartment, printedCode, spacedSiret, statementFileName } from './steering.ts';

const thrown = (fn: () => unknown) => {
	try {
		fn();
	} catch (e) {
		return e;
	}
	throw new Error('nothing thrown');
};

describe('PassError → HTTP', () => {
	it('a page: not_found 404, forbidden 403, conflict 409, invalid 400, with the French message', () => {
		for (const [code, status] of [['not_found', 404], ['forbidden', 403], ['conflict', 409], ['invalid', 400], ['throttled', 429]] as const) {
			const e = thrown(() => passPageError(new PassError(code, 'Ce relevé n’existe pas.')));
			expect(isHttpError(e) && e.status, code).toBe(status);
			expect(isHttpError(e) && e.body.message).toBe('Ce relevé n’existe pas.');
		}
		const other = new Error('boom');
		expect(thrown(() => passPageError(other))).toBe(other);
	});

	it('a form: invalid 400 and conflict 409 stay on the page with the fields and what was typed; not_found and forbidden are pages', () => {
		const invalid = passFail(new PassError('invalid', 'Le SIRET n’est pas valide.', { siret: '14 chiffres' }), 'qualifier', { siret: '123' });
		expect(invalid.status).toBe(400);
		expect(invalid.data).toEqual({ message: 'Le SIRET n’est pas valide.', code: 'invalid', fields: { siret: 'Le SIRET n’est pas valide. 14 chiffres' }, values: { siret: '123' }, target: 'qualifier' });
		// several fields: each says its own
		const two = passFail(new PassError('invalid', 'Incomplet.', { a: 'A\u00a0?', b: 'B\u00a0?' }), 'f');
		expect(two.data.fields).toEqual({ a: 'A\u00a0?', b: 'B\u00a0?' });
		const conflict = passFail(new PassError('conflict', 'Ce relevé est déjà payé.'), 'payer');
		expect(conflict.status).toBe(409);
		expect(conflict.data.message).toBe('Ce relevé est déjà payé.');
		const nf = thrown(() => passFail(new PassError('not_found', 'Cette alerte n’existe pas.'), 'x'));
		expect(isHttpError(nf) && nf.status).toBe(404);
		const fb = thrown(() => passFail(new PassError('forbidden', 'Non.'), 'x'));
		expect(isHttpError(fb) && fb.status).toBe(403);
	});
});

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
		expect(statementFileName({ month: '2026-11-01', place: 'Médiathèque Lucien-Lagarde – Nérac' }, 'csv')).toBe('releve-pass-2026-11-mediatheque-lucien-lagarde-nerac.csv');
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
