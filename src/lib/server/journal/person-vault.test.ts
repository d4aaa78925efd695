import { describe, expect, it } from 'vitest';
import { ACTIONS } from './sentences.ts';
import { VAULT_ACTIONS } from './sentences-vault.ts';
import { VAULT_PERSON_SENTENCES } from './person-vault.ts';

describe('the person’s journal, vault and mandates', () => {
	it('says every vault and mandate action to the person in its own words (never « a fait une opération sur vos informations »)', () => {
		const actions = Object.keys({ ...ACTIONS, ...VAULT_ACTIONS }).filter((a) => a.startsWith('vault.') || a.startsWith('mandate.'));
		expect(actions).toContain('mandate.attestation_printed');
		expect(actions.filter((a) => !VAULT_PERSON_SENTENCES[a])).toEqual([]);
	});
});
