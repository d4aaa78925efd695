// typography: ignore-file (the inputs are the faults this function corrects)
import { describe, it, expect } from 'vitest';
import { frenchSpacing } from './typography';

describe('frenchSpacing', () => {
	it('puts a non-breaking space before a colon, glued or not', () => {
		expect(frenchSpacing('ESPACE 3E: EMPLOI')).toBe('ESPACE 3E\u00a0: EMPLOI');
		expect(frenchSpacing('Les restos du coeur : AD33')).toBe('Les restos du coeur\u00a0: AD33');
		expect(frenchSpacing('Vous venez ? Oui !')).toBe('Vous venez\u00a0? Oui\u00a0!');
	});
	it('leaves URLs, times, existing spacing and plain text alone', () => {
		expect(frenchSpacing('https://exemple.fr ouvert 10:30')).toBe('https://exemple.fr ouvert 10:30');
		expect(frenchSpacing('Nom\u00a0: déjà bon')).toBe('Nom\u00a0: déjà bon');
		expect(frenchSpacing('Médiathèque Lacépède')).toBe('Médiathèque Lacépède');
		expect(frenchSpacing(null)).toBeNull();
	});
});
