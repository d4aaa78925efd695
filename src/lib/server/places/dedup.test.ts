import { describe, expect, it } from 'vitest';
import { DedupIndex, matchScore, MERGE_THRESHOLD, nameSimilarity, addressKey, addressSimilarity, type DedupCandidate } from './dedup.ts';
import { normalizeKey } from './values.ts';

function cand(id: string, nom: string, adresse: string, lat: number | null, lng: number | null, extra: Partial<DedupCandidate> = {}): DedupCandidate {
	return {
		id,
		nameKey: normalizeKey(nom),
		addressKey: addressKey(adresse),
		latitude: lat,
		longitude: lng,
		codeInsee: '47001',
		codePostal: '47000',
		pivot: '00000000000000',
		precise: lat != null,
		...extra
	};
}

describe('dedup score', () => {
	it('matches the same place written differently by two sources', () => {
		const a = cand('a', 'France services de Nérac', '5 Place du Général de Gaulle', 44.1361, 0.3392);
		const b = cand('b', 'FRANCE SERVICES NERAC', '5 PL DU GENERAL DE GAULLE', 44.1363, 0.3395);
		expect(matchScore(a, b)).toBeGreaterThanOrEqual(MERGE_THRESHOLD);
	});

	it('does not merge two different places in the same building', () => {
		const a = cand('a', 'Médiathèque Lacépède', '1 Place de Verdun', 44.2033, 0.6163);
		const b = cand('b', 'CCAS d’Agen', '1 Place de Verdun', 44.2033, 0.6163);
		expect(matchScore(a, b)).toBeLessThan(MERGE_THRESHOLD);
	});

	it('does not merge places with the same name far apart', () => {
		const a = cand('a', 'Espace numérique', '2 rue de la République', 44.2, 0.6);
		const b = cand('b', 'Espace numérique', '2 rue de la République', 44.3, 0.7, { codeInsee: '47323', codePostal: '47300' });
		expect(matchScore(a, b)).toBeLessThan(MERGE_THRESHOLD);
	});

	it('uses the commune when one position is only the centroid', () => {
		const a = cand('a', 'Mairie de Layrac – Aidants Connect', '', 44.13, 0.66, { precise: false, codeInsee: '47145' });
		const b = cand('b', 'Mairie de Layrac', 'Place de la mairie', 44.135, 0.663, { codeInsee: '47145' });
		expect(matchScore(a, b)).toBeGreaterThan(0.5);
	});

	it('street abbreviations are expanded', () => {
		expect(addressKey('12 av. du Gal Leclerc')).toContain('avenue');
		expect(addressSimilarity(addressKey('12 bd Carnot'), addressKey('12 Boulevard Carnot'))).toBe(1);
		expect(addressSimilarity(addressKey('12 bd Carnot'), addressKey('14 Boulevard Carnot'))).toBeLessThan(0.7);
	});

	it('words of the commune name do not make two places the same', () => {
		const commune = normalizeKey('La Teste-de-Buch');
		const a = cand('a', 'Maison de quartier centre ville la teste de buch', 'place jean hameau', 44.6306, -1.1449, { communeKey: commune });
		const b = cand('b', 'Bibliothèque La Teste de Buch', 'Place Jean Hameau Hôtel Lalanne', 44.6307, -1.145, { communeKey: commune });
		expect(nameSimilarity(a.nameKey, b.nameKey, commune)).toBeLessThan(0.6);
		expect(matchScore(a, b)).toBeLessThan(MERGE_THRESHOLD);
		// but a structure named after its commune still matches its France services
		const c = cand('c', 'Castelmoron-sur-Lot', '5 Rue du 8 Mai 1945', 44.398, 0.496, { communeKey: normalizeKey('Castelmoron-sur-Lot'), precise: false });
		const d = cand('d', 'France services Castelmoron-sur-Lot', '5 Rue du 8 mai 1945', 44.3975, 0.4955, { communeKey: normalizeKey('Castelmoron-sur-Lot') });
		expect(matchScore(c, d)).toBeGreaterThanOrEqual(MERGE_THRESHOLD);
	});

	it('name similarity ignores generic words', () => {
		expect(nameSimilarity(normalizeKey('Médiathèque de Marmande'), normalizeKey('Marmande médiathèque municipale'))).toBeGreaterThan(0.8);
	});
});

describe('DedupIndex', () => {
	it('finds the best match nearby and never one of the same import', () => {
		const idx = new DedupIndex();
		idx.add(cand('p1', 'France services de Nérac', '5 Place du Général de Gaulle', 44.1361, 0.3392));
		idx.add(cand('p2', 'Médiathèque de Nérac', '7 rue Gambetta', 44.1365, 0.3398));
		const m = idx.bestMatch(cand('', 'France Services Nérac', '5 pl. Général de Gaulle', 44.1362, 0.3391));
		expect(m?.id).toBe('p1');
		idx.add(cand('p3', 'EPN Nérac', '1 rue X', 44.1362, 0.3391, { importTag: 7 }));
		expect(idx.bestMatch(cand('', 'EPN Nérac', '1 rue X', 44.1362, 0.3391, { importTag: 7 }))).toBeNull();
		idx.remove('p1');
		expect(idx.bestMatch(cand('', 'France Services Nérac', '5 pl. Général de Gaulle', 44.1362, 0.3391))).toBeNull();
	});
});
