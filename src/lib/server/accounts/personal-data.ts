import type { PersonalDataDeclaration } from '../personal-data.ts';
import { clearKeysNaming } from './throttle.ts';

/**
 * What accounts/ holds about a person helped: no table names them, but the throttling
 * counters of the person's code requests are keyed by their phone or e-mail (see
 * ../personal-data.ts). Erasure forgets them.
 */
export const personalData: PersonalDataDeclaration = {
	capability: 'accounts',
	tables: [],
	erase: async (tx, person) => {
		await clearKeysNaming(tx, [person.phone, person.email]);
	}
};
