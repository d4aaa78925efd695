/**
 * The journal's filters read from the URL: a value that names a property every JavaScript
 * object has (`__proto__`, `constructor`, `toString`) is not a period nor an action. The
 * attack pass of issue 13 found `periode=__proto__` answered a 500 and `action=__proto__` an
 * empty list without a word.
 */
import { describe, expect, it } from 'vitest';
import { journalQuery, readFilters } from './filters.ts';
import type { Actor } from '../accounts/index.ts';

const coordinator = {
	userId: '00000000-0000-4000-8000-000000000001',
	isAdmin: false,
	memberships: [{ organisationId: '00000000-0000-4000-8000-000000000002', role: 'coordinator', departmentCode: '47' }]
} as unknown as Actor;

describe('the journal’s filters', () => {
	it('refuses the names of built-in properties as a period or an action, in French', () => {
		for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
			const { errors } = journalQuery(coordinator, readFilters(new URLSearchParams({ periode: name, action: name })));
			expect(errors.periode).toBe('Choisissez la période dans la liste.');
			expect(errors.action).toBe('Choisissez l’action dans la liste.');
		}
	});

	it('still takes a period of the list', () => {
		const { errors, query } = journalQuery(coordinator, readFilters(new URLSearchParams({ periode: '7j' })), new Date('2026-12-07T10:00:00Z'));
		expect(errors).toEqual({});
		expect(query.departmentCodes).toEqual(['47']);
	});
});
