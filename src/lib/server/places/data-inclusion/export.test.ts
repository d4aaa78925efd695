/**
 * Our places as data·inclusion v1 records, against data·inclusion's own JSON schemas
 * (test/fixtures/data-inclusion, v1.0.8) and the rules of its models: every value of every
 * vocabulary of the national standard, the mapping of each of our 9 services, and the way
 * back through the import adapter (which values survive, which cannot by design).
 */
import { describe, expect, it } from 'vitest';
import { errorsOf, vocabulary } from '../../../../../test/data-inclusion.ts';
import {
	DISPOSITIF_PROGRAMMES_NATIONAUX,
	FORMATIONS_LABELS,
	FRAIS_A_CHARGE,
	MODALITES_ACCES,
	MODALITES_ACCOMPAGNEMENT,
	PRISE_EN_CHARGE_SPECIFIQUE,
	PUBLICS_SPECIFIQUEMENT_ADRESSES,
	SERVICES,
	TYPOLOGIES
} from '../vocabulary.ts';
import type { PlaceFields } from '../types.ts';
import { parseStandardRecord } from '../model.ts';
import { parseSourceFile } from '../sources/index.ts';
import { testMunicipalityLookup } from '../sources/test-lookup.ts';
import { placeToServices, placeToStructure } from './export.ts';
import { isDigitalThematique, servicesOfThematique } from './mapping.ts';

const ctx = { producer: 'maillage', origin: 'https://maillage.example.fr' };
const TODAY = '2026-01-15';

function place(
	over: Partial<PlaceFields & { locationPrecision: 'address' | 'municipality' }> = {}
): PlaceFields & { locationPrecision: 'address' | 'municipality' } {
	return {
		id: 'l0123456789abcde',
		pivot: '21470001500016',
		nom: 'Médiathèque Lacépède',
		commune: 'Agen',
		codePostal: '47000',
		codeInsee: '47001',
		adresse: 'Place Armand Fallières',
		complementAdresse: null,
		latitude: 44.204,
		longitude: 0.619,
		typologie: [],
		telephone: '+33553660000',
		courriels: ['mediatheque@agen.example.fr'],
		siteWeb: ['https://mediatheque.agen.example.fr/'],
		horaires: 'Mo-Fr 09:00-18:00; Sa 09:00-12:00',
		presentationResume: 'La médiathèque accompagne chacun dans ses usages du numérique.',
		presentationDetail: null,
		source: 'fixture',
		itinerance: [],
		structureParente: null,
		dateMaj: '2025-03-12',
		services: ['Aide aux démarches administratives'],
		publicsSpecifiquementAdresses: [],
		priseEnChargeSpecifique: [],
		fraisACharge: ['Gratuit'],
		dispositifProgrammesNationaux: [],
		formationsLabels: [],
		autresFormationsLabels: [],
		modalitesAcces: ['Se présenter'],
		modalitesAccompagnement: ['Accompagnement individuel'],
		ficheAccesLibre: null,
		priseRdv: null,
		locationPrecision: 'address',
		...over
	};
}

function expectValid(p: ReturnType<typeof place>) {
	const s = placeToStructure(p, ctx);
	expect(errorsOf('structure', s as never, TODAY), JSON.stringify(s)).toEqual([]);
	for (const sv of placeToServices(p, ctx)) expect(errorsOf('service', sv as never, TODAY), JSON.stringify(sv)).toEqual([]);
}

/** Our export read back by the import adapter, then validated as the import does. */
function roundTrip(p: ReturnType<typeof place>) {
	const file = JSON.stringify({ structures: [placeToStructure(p, ctx)], services: placeToServices(p, ctx) });
	const parsed = parseSourceFile('export.json', file, { municipalities: testMunicipalityLookup(), today: TODAY });
	expect(parsed.format).toBe('data-inclusion-json');
	expect(parsed.records).toHaveLength(1);
	const v = parseStandardRecord(parsed.records[0].record, { today: TODAY });
	if (!v.ok) throw new Error(v.errors.join('; '));
	return { place: v.place, warnings: parsed.records[0].warnings };
}

describe('every value of the standard’s vocabularies gives records valid against data·inclusion’s schemas', () => {
	it.each([
		['services', SERVICES.map((s) => ({ services: [s] }))],
		['all services at once', [{ services: [...SERVICES] }]],
		['publics', PUBLICS_SPECIFIQUEMENT_ADRESSES.map((x) => ({ publicsSpecifiquementAdresses: [x] }))],
		['prises en charge', PRISE_EN_CHARGE_SPECIFIQUE.map((x) => ({ priseEnChargeSpecifique: [x] }))],
		[
			'publics and prises en charge together',
			[{ publicsSpecifiquementAdresses: [...PUBLICS_SPECIFIQUEMENT_ADRESSES], priseEnChargeSpecifique: [...PRISE_EN_CHARGE_SPECIFIQUE] }]
		],
		['frais', [...FRAIS_A_CHARGE.map((x) => ({ fraisACharge: [x] })), { fraisACharge: [...FRAIS_A_CHARGE] }, { fraisACharge: [] }]],
		['modalités d’accès', [...MODALITES_ACCES.map((x) => ({ modalitesAcces: [x] })), { modalitesAcces: [...MODALITES_ACCES] }, { modalitesAcces: [] }]],
		['modalités d’accompagnement', [...MODALITES_ACCOMPAGNEMENT.map((x) => ({ modalitesAccompagnement: [x] })), { modalitesAccompagnement: [] }]],
		['typologies', TYPOLOGIES.map((x) => ({ typologie: [x] }))],
		['dispositifs', DISPOSITIF_PROGRAMMES_NATIONAUX.map((x) => ({ dispositifProgrammesNationaux: [x] }))],
		['formations et labels', FORMATIONS_LABELS.map((x) => ({ formationsLabels: [x] }))],
		['no contact, no hours, no presentation', [{ telephone: null, courriels: [], siteWeb: [], horaires: null, presentationResume: null }]]
	] as [string, Partial<PlaceFields>[]][])('%s', (_, variants) => {
		for (const v of variants) expectValid(place(v));
	});

	it('names: a final point removed, a name too short completed with its commune, one too long cut at 150 characters', () => {
		expect(placeToStructure(place({ nom: 'Mairie de Boé.' }), ctx).nom).toBe('Mairie de Boé');
		expect(placeToStructure(place({ nom: 'EPN' }), ctx).nom).toBe('EPN');
		expect(placeToStructure(place({ nom: 'Xy' }), ctx).nom).toBe('Xy (Agen)');
		const long = placeToStructure(place({ nom: 'Espace numérique '.repeat(12) }), ctx).nom;
		expect(Array.from(long)).toHaveLength(150);
		for (const nom of ['Mairie de Boé.', 'Xy', 'Espace numérique '.repeat(12)]) expectValid(place({ nom }));
	});

	it('an RNA number has no field in data·inclusion v1; the « unknown SIRET » convention is no SIRET', () => {
		expect(placeToStructure(place({ pivot: 'W471000001' }), ctx).siret).toBeNull();
		expect(placeToStructure(place({ pivot: '00000000000000' }), ctx).siret).toBeNull();
		expect(placeToStructure(place(), ctx).siret).toBe('21470001500016');
	});

	it('a position at the commune’s centre is not given as the place’s', () => {
		const s = placeToStructure(place({ locationPrecision: 'municipality' }), ctx);
		expect([s.latitude, s.longitude]).toEqual([null, null]);
		expect(s.code_insee).toBe('47001');
	});
});

describe('our 9 services as data·inclusion services', () => {
	const p = place({ services: [...SERVICES] });
	const services = placeToServices(p, ctx);

	it('one service per service of the place, named by the standard’s label, each with a digital thématique of the schema', () => {
		expect(services.map((s) => s.nom)).toEqual([...SERVICES]);
		const thematiques = new Set(vocabulary('Thematique'));
		for (const s of services) {
			expect(s.thematiques.some(isDigitalThematique), s.nom).toBe(true);
			for (const t of s.thematiques) expect(thematiques.has(t), t).toBe(true);
			expect(s.structure_id).toBe(`maillage--${p.id}`);
			expect(s.lien_source).toBe(`https://maillage.example.fr/lieux/${p.id}`);
		}
		expect(new Set(services.map((s) => s.id)).size).toBe(9);
	});

	it('maps each service to the thématique a person looking for it would choose', () => {
		const by = Object.fromEntries(services.map((s) => [s.nom, s.thematiques]));
		expect(by['Aide aux démarches administratives']).toContain('numerique--acceder-a-des-services-en-ligne');
		expect(by['Aide aux démarches administratives']).toContain('difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives');
		expect(by['Accès internet et matériel informatique']).toEqual(['numerique--acceder-a-une-connexion-internet']);
		expect(by['Acquisition de matériel informatique à prix solidaire']).toEqual(['numerique--acquerir-un-equipement']);
		expect(by['Insertion professionnelle via le numérique']).toContain('trouver-un-emploi--repondre-a-des-offres-demploi');
		expect(by['Parentalité et éducation avec le numérique']).toContain('famille--soutien-a-la-parentalite-et-a-leducation');
		for (const s of ['Maîtrise des outils numériques du quotidien', 'Utilisation sécurisée du numérique', 'Compréhension du monde numérique'])
			expect(by[s]).toEqual(['numerique--maitriser-les-fondamentaux-du-numerique']);
	});

	it('every digital thématique of data·inclusion (v1) is read back as one of our services', () => {
		for (const t of vocabulary('Thematique').filter(isDigitalThematique)) expect(servicesOfThematique(t)?.length, t).toBeGreaterThan(0);
	});

	it('fees, publics, modes d’accueil and de mobilisation follow the place', () => {
		const one = (over: Partial<PlaceFields>) => placeToServices(place(over), ctx)[0];
		expect(one({ fraisACharge: ['Gratuit'] })).toMatchObject({ frais: 'gratuit', frais_precisions: null });
		expect(one({ fraisACharge: ['Payant'] })).toMatchObject({ frais: 'payant', frais_precisions: null });
		// free only for some: not « gratuit » for everyone, and the standard's label says it
		expect(one({ fraisACharge: ['Gratuit sous condition'] })).toMatchObject({ frais: 'payant', frais_precisions: 'Gratuit sous condition' });
		expect(one({ fraisACharge: [] })).toMatchObject({ frais: null });
		expect(one({})).toMatchObject({ publics: ['tous-publics'], publics_precisions: null });
		expect(one({ publicsSpecifiquementAdresses: ['Seniors', 'Femmes'], priseEnChargeSpecifique: ['Surdité', 'Illettrisme'] })).toMatchObject({
			publics: ['seniors', 'femmes', 'personnes-en-situation-de-handicap'],
			publics_precisions: 'Prise en charge spécifique\u00a0: Surdité, Illettrisme'
		});
		expect(one({ priseEnChargeSpecifique: ['Langues étrangères (anglais)'] }).publics).toEqual(['tous-publics']);
		expect(one({ modalitesAccompagnement: ['À distance'] }).modes_accueil).toEqual(['a-distance']);
		expect(one({ modalitesAccompagnement: ['En autonomie', 'À distance'] }).modes_accueil).toEqual(['en-presentiel', 'a-distance']);
		expect(one({ modalitesAccompagnement: ['Dans un atelier collectif'] }).type).toBe('atelier');
		expect(one({ modalitesAcces: ['Se présenter', 'Téléphoner'] })).toMatchObject({
			modes_mobilisation: ['se-presenter', 'telephoner'],
			mobilisable_par: ['usagers', 'professionnels'],
			mobilisation_precisions: null
		});
		expect(one({ modalitesAcces: ['Envoyer un mail avec une fiche de prescription'] })).toMatchObject({
			modes_mobilisation: ['envoyer-un-courriel'],
			mobilisable_par: ['professionnels'],
			mobilisation_precisions: 'Modalités d’accès\u00a0: Envoyer un mail avec une fiche de prescription'
		});
		expect(one({ modalitesAcces: ['Prendre un RDV en ligne'], priseRdv: 'https://rdv.example.fr/' })).toMatchObject({
			modes_mobilisation: ['utiliser-lien-mobilisation'],
			lien_mobilisation: 'https://rdv.example.fr/'
		});
	});
});

describe('read back by the import (no database)', () => {
	it('each vocabulary value survives, except what data·inclusion cannot say (listed here)', () => {
		for (const s of SERVICES) expect(roundTrip(place({ services: [s] })).place.services).toEqual([s]);
		expect(roundTrip(place({ services: [...SERVICES] })).place.services).toEqual([...SERVICES]);
		for (const x of PUBLICS_SPECIFIQUEMENT_ADRESSES)
			expect(roundTrip(place({ publicsSpecifiquementAdresses: [x] })).place.publicsSpecifiquementAdresses).toEqual([x]);
		for (const x of PRISE_EN_CHARGE_SPECIFIQUE) expect(roundTrip(place({ priseEnChargeSpecifique: [x] })).place.priseEnChargeSpecifique).toEqual([x]);
		for (const f of [[], ...FRAIS_A_CHARGE.map((x) => [x]), [...FRAIS_A_CHARGE]]) expect(roundTrip(place({ fraisACharge: f })).place.fraisACharge).toEqual(f);
		for (const a of [...MODALITES_ACCES.map((x) => [x]), [...MODALITES_ACCES]]) {
			const back = roundTrip(place({ modalitesAcces: a, priseRdv: 'https://rdv.example.fr/' })).place;
			expect([...back.modalitesAcces].sort()).toEqual([...a].sort());
		}
		for (const d of ['Aidants Connect', 'Conseillers numériques', 'France Services', 'Grande école du numérique', 'La Croix Rouge'])
			expect(roundTrip(place({ dispositifProgrammesNationaux: [d] })).place.dispositifProgrammesNationaux).toEqual([d]);
		expect(roundTrip(place({ formationsLabels: ['Fabriques de Territoire'] })).place.formationsLabels).toEqual(['Fabriques de Territoire']);
		for (const t of ['CAF', 'EPN', 'LA_POSTE', 'ML', 'RFS', 'MJC', 'FT', 'PIMMS']) {
			const back = roundTrip(place({ typologie: [t] })).place;
			// France Services is a programme: RFS comes back as the dispositif
			expect(t === 'RFS' ? back.dispositifProgrammesNationaux : back.typologie).toEqual([t === 'RFS' ? 'France Services' : t]);
		}
		// modalités d'accompagnement: « À distance » and one of one-to-one or workshop (data·inclusion's `type`)
		expect(roundTrip(place({ modalitesAccompagnement: ['Accompagnement individuel', 'À distance'] })).place.modalitesAccompagnement.sort()).toEqual(
			['Accompagnement individuel', 'À distance'].sort()
		);
		expect(roundTrip(place({ modalitesAccompagnement: ['Dans un atelier collectif'] })).place.modalitesAccompagnement).toEqual(['Dans un atelier collectif']);
	});

	it('cannot by design: « En autonomie », a workshop beside one-to-one help, typologies without a réseau, RNA, a second e-mail or website, itinérance, parent structure, other labels', () => {
		const r = roundTrip(
			place({
				modalitesAccompagnement: ['En autonomie', 'Accompagnement individuel', 'Dans un atelier collectif'],
				typologie: ['BIB', 'CCAS'],
				courriels: ['a@agen.example.fr', 'b@agen.example.fr'],
				siteWeb: ['https://a.example.fr/', 'https://b.example.fr/'],
				itinerance: ['Itinérant'],
				structureParente: 'Ville d’Agen',
				autresFormationsLabels: ['APTIC'],
				dispositifProgrammesNationaux: ['Certification PIX', "Point d'accès numérique CAF", 'Promeneurs du net']
			})
		);
		expect(r.place.modalitesAccompagnement).toEqual(['Accompagnement individuel']);
		expect(r.place.typologie).toEqual([]);
		expect(r.place.courriels).toEqual(['a@agen.example.fr']);
		expect(r.place.siteWeb).toEqual(['https://a.example.fr/']);
		expect(r.place.itinerance).toEqual([]);
		expect(r.place.structureParente).toBeNull();
		expect(r.place.autresFormationsLabels).toEqual([]);
		expect(r.place.dispositifProgrammesNationaux).toEqual([]);
		// the CCAS went out as « ccas-cias » (CCAS or CIAS?): reported when read back, not guessed
		expect(r.warnings).toContain('reseaux_porteurs\u00a0: valeur « ccas-cias » sans équivalent dans le standard\u00a0: non reprise');
		expect(roundTrip(place({ pivot: 'W471000001' })).place.pivot).toBe('00000000000000');
	});

	it('keeps the contact, address, position, hours, presentation, date and links', () => {
		const p = place({ ficheAccesLibre: 'https://acceslibre.beta.gouv.fr/app/x/', priseRdv: 'https://rdv.example.fr/', complementAdresse: '1er étage' });
		const back = roundTrip(p).place;
		for (const k of [
			'nom',
			'pivot',
			'commune',
			'codePostal',
			'codeInsee',
			'adresse',
			'complementAdresse',
			'latitude',
			'longitude',
			'telephone',
			'courriels',
			'siteWeb',
			'horaires',
			'presentationResume',
			'dateMaj',
			'ficheAccesLibre',
			'priseRdv'
		] as const)
			expect(back[k], k).toEqual(p[k]);
		expect(back.id).toBe(`maillage--${p.id}`);
		expect(back.source).toBe('maillage');
	});
});
