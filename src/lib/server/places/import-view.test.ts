import { describe, expect, it } from 'vitest';
import { compactView, expandView, type SourceView } from './compose.ts';

describe('stored source views', () => {
	it('drop empty values and come back whole', () => {
		const view: SourceView = {
			locationPrecision: 'municipality',
			fields: {
				pivot: '00000000000000',
				nom: 'CCAS',
				commune: 'Agen',
				codePostal: '47000',
				codeInsee: '47001',
				adresse: '1 place X',
				complementAdresse: null,
				latitude: 44.2,
				longitude: 0.6,
				typologie: ['CCAS'],
				telephone: null,
				courriels: [],
				siteWeb: [],
				horaires: null,
				presentationResume: null,
				presentationDetail: null,
				source: 'x',
				itinerance: [],
				structureParente: null,
				dateMaj: '2024-01-01',
				services: ['Aide aux démarches administratives'],
				publicsSpecifiquementAdresses: [],
				priseEnChargeSpecifique: [],
				fraisACharge: [],
				dispositifProgrammesNationaux: [],
				formationsLabels: [],
				autresFormationsLabels: [],
				modalitesAcces: [],
				modalitesAccompagnement: [],
				ficheAccesLibre: null,
				priseRdv: null
			}
		};
		const stored = compactView(view);
		expect(Object.keys(stored.fields).sort()).toEqual([
			'adresse',
			'codeInsee',
			'codePostal',
			'commune',
			'dateMaj',
			'latitude',
			'longitude',
			'nom',
			'pivot',
			'services',
			'source',
			'typologie'
		]);
		expect(expandView(JSON.parse(JSON.stringify(stored)))).toEqual(view);
	});
});
