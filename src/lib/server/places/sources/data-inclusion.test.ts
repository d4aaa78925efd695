/**
 * A data·inclusion file (test/fixtures/data-inclusion/sample.json: five structures of
 * Lot-et-Garonne and their services, on the model of the schema's published examples) read
 * by the import: the structures with a service of digital help become places, the others are
 * skipped and counted; every value without an equivalent is reported, none dropped silently.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../../test/db.ts';
import type { Database } from '../../db/client.ts';
import { importPlaces } from '../import.ts';
import { getPlace } from '../place.ts';
import { placeIdFor } from '../compose.ts';
import { detectFormat, parseSourceFile } from './index.ts';
import { testMunicipalityLookup } from './test-lookup.ts';
import { DATA_INCLUSION_SOURCE } from './data-inclusion.ts';
import { vocabulary } from '../../../../../test/data-inclusion.ts';

const TODAY = '2026-01-15';
const SAMPLE = readFileSync(new URL('../../../../../test/fixtures/data-inclusion/sample.json', import.meta.url), 'utf8');
const sample = JSON.parse(SAMPLE) as { structures: Record<string, unknown>[]; services: Record<string, unknown>[] };
const parse = (content: string, name = 'data-inclusion.json') => parseSourceFile(name, content, { municipalities: testMunicipalityLookup(), today: TODAY });
const recordOf = (p: ReturnType<typeof parse>, id: string) => p.records.find((r) => r.sourceId === id)!;

describe('reading a data·inclusion file', () => {
	const parsed = parse(SAMPLE);

	it('is recognised from its content, and says what it did with each structure', () => {
		expect(parsed.format).toBe('data-inclusion-json');
		expect(parsed.records.map((r) => r.sourceId)).toEqual([
			'dora--ccas-nerac',
			'emplois-de-linclusion--tournesol-agen',
			'dora--ressourcerie-villeneuve',
			'mediation-numerique--epn-tonneins'
		]);
		// the mission locale offers no digital help: not a place of digital help, skipped (not rejected)
		expect(parsed.skipped).toEqual([
			{
				row: 3,
				sourceId: 'france-travail--mission-locale-marmande',
				reason: 'aucun service d’aide numérique (1 service\u00a0: « Accompagnement vers l’emploi des jeunes »)'
			}
		]);
		// a digital service whose structure is not in the file (row 5 structures + 7th service)
		expect(parsed.rejected).toEqual([
			{ row: 12, sourceId: 'dora--service-orphelin', reasons: ['structure_id\u00a0: structure « dora--structure-absente » absente du fichier'] }
		]);
	});

	it('maps a structure and its digital service: thématiques, frais, modes, contact, réseaux', () => {
		const r = recordOf(parsed, 'dora--ccas-nerac');
		expect(r.source).toBe(DATA_INCLUSION_SOURCE);
		expect(r.record).toMatchObject({
			pivot: '26470001800007',
			nom: 'CCAS de Nérac',
			adresse: '5 place du Général de Gaulle',
			code_insee: '47195',
			latitude: 44.1357,
			source: 'dora',
			// the latest of the structure's and its digital services' dates
			date_maj: '2025-04-01',
			services: 'Aide aux démarches administratives',
			frais_a_charge: 'Gratuit',
			dispositif_programmes_nationaux: 'France Services',
			modalites_acces: 'Se présenter|Téléphoner|Prendre un RDV en ligne',
			modalites_accompagnement: 'Accompagnement individuel',
			prise_rdv: 'https://rdv.nerac.example.fr/numerique',
			fiche_acces_libre: 'https://acceslibre.beta.gouv.fr/app/47-nerac/a/mairie/erp/ccas-de-nerac/',
			// the service's own address joins the structure's
			courriels: 'ccas@nerac.example.fr|numerique@nerac.example.fr'
		});
		expect(r.warnings).toEqual(
			expect.arrayContaining([
				'1 service sans aide numérique non repris (hors médiation numérique)\u00a0: « Aide alimentaire d’urgence »',
				'reseaux_porteurs\u00a0: valeur « ccas-cias » sans équivalent dans le standard\u00a0: non reprise',
				'service « Accompagnement aux démarches en ligne »\u00a0: sans équivalent dans le standard, non repris\u00a0: zone_eligibilite « 47195 », lien_source « https://dora.inclusion.beta.gouv.fr/services/ccas-nerac-demarches »',
				expect.stringMatching(/^lien_source « https:\/\/dora\.inclusion\.beta\.gouv\.fr\/structures\/ccas-de-nerac »/)
			])
		);
	});

	it('reports every value it cannot keep, and never a person’s name', () => {
		const r = recordOf(parsed, 'emplois-de-linclusion--tournesol-agen');
		expect(r.record).toMatchObject({
			services: 'Maîtrise des outils numériques du quotidien',
			publics_specifiquement_adresses: 'Seniors',
			// « personnes sourdes ou malentendantes » in publics_precisions names the disability
			prise_en_charge_specifique: 'Surdité',
			frais_a_charge: 'Payant',
			modalites_acces: 'Téléphoner|Contacter par mail',
			modalites_accompagnement: 'À distance|Dans un atelier collectif'
		});
		expect(r.warnings).toEqual(
			expect.arrayContaining([
				'frais_precisions\u00a0: texte « 10 € pour l’adhésion annuelle » sans équivalent dans le standard\u00a0: non repris',
				'publics\u00a0: valeur « demandeurs-emploi » sans équivalent dans le standard\u00a0: non reprise',
				'reseaux_porteurs\u00a0: valeur « fcsf » sans équivalent dans le standard\u00a0: non reprise',
				'service « Atelier « Premiers pas sur l’ordinateur » »\u00a0: sans équivalent dans le standard, non repris\u00a0: conditions_acces « Savoir lire le français », volume_horaire_hebdomadaire « 2 », nombre_semaines « 10 », contact_nom_prenom'
			])
		);
		expect(JSON.stringify(parsed)).not.toContain('Camille Martin');
	});

	it('a service of digital help at another address is the place; v0 values, a wrong SIRET and unknown thématiques are handled', () => {
		const shop = recordOf(parsed, 'dora--ressourcerie-villeneuve');
		expect(shop.record).toMatchObject({
			nom: 'Ressourcerie du Lot',
			adresse: '8 rue de Casseneuil',
			typologie: 'RESSOURCERIE',
			services: 'Acquisition de matériel informatique à prix solidaire',
			// the standard's label in frais_precisions wins over « payant »
			frais_a_charge: 'Gratuit sous condition'
		});
		expect(shop.warnings).toContain('service d’aide numérique à une autre adresse que sa structure\u00a0: adresse du service retenue');
		const epn = recordOf(parsed, 'mediation-numerique--epn-tonneins');
		expect(epn.record).toMatchObject({
			pivot: '00000000000000',
			typologie: 'EPN',
			dispositif_programmes_nationaux: 'Conseillers numériques',
			// v0 thématique « prendre en main un ordinateur », v0 types « autonomie », v0 frais as a list
			services: 'Maîtrise des outils numériques du quotidien|Accès internet et matériel informatique',
			modalites_accompagnement: 'En autonomie',
			frais_a_charge: 'Gratuit',
			// exact labels in mobilisation_precisions: the prescription is kept
			modalites_acces: 'Envoyer un mail avec une fiche de prescription|Se présenter'
		});
		expect(epn.warnings).toEqual(
			expect.arrayContaining([
				'siret\u00a0: « 21470310000000 » a une clé de contrôle invalide\u00a0: non repris',
				'thematiques\u00a0: valeur « numerique--faire-un-tour-du-monde » sans équivalent dans le standard\u00a0: non reprise',
				// a v0 field, not read: named
				'service « Accès libre aux ordinateurs »\u00a0: champ hors schéma data·inclusion v1 non repris\u00a0: profils'
			])
		);
	});

	it('reads structures with their services inside the same way', () => {
		const embedded = sample.structures.map((s) => ({ ...s, services: sample.services.filter((sv) => sv.structure_id === s.id) }));
		const p = parse(JSON.stringify(embedded));
		expect(p.format).toBe('data-inclusion-json');
		expect(p.records.map((r) => r.record)).toEqual(parsed.records.map((r) => r.record));
		expect(p.skipped?.map((s) => s.sourceId)).toEqual(['france-travail--mission-locale-marmande']);
	});

	it('refuses half a data·inclusion export, saying how to join its two files', () => {
		expect(() => detectFormat('structures.json', JSON.stringify(sample.structures))).toThrow(/data·inclusion structures without their services.*jq -s/);
		expect(() => detectFormat('services.json', JSON.stringify({ items: sample.services, total: 7, page: 1, size: 100, pages: 1 }))).toThrow(
			/data·inclusion services without their structures/
		);
	});
});

describe('every value of data·inclusion’s vocabularies is mapped or reported, never dropped silently', () => {
	const base = { source: 's', nom: 'Structure', date_maj: '2025-01-01', adresse: '1 place de la Mairie', commune: 'Agen', code_postal: '47000' };
	/** one structure per value, with one service of digital help carrying it */
	function read(field: string, values: string[], onStructure = false) {
		const structures = values.map((v, i) => ({ ...base, id: `s--${i}`, ...(onStructure ? { [field]: [v] } : {}) }));
		const services = values.map((v, i) => ({
			source: 's',
			structure_id: `s--${i}`,
			id: `s--${i}--service`,
			nom: 'Médiation numérique',
			description: 'Un service',
			date_maj: '2025-01-01',
			thematiques: ['numerique--acceder-a-des-services-en-ligne'],
			...(onStructure ? {} : { [field]: field === 'type' || field === 'frais' ? v : [v] }),
			// a thématique beside v0's bare « numerique », which says digital help and maps to no service
			...(field === 'thematiques' ? { thematiques: ['numerique', v] } : {})
		}));
		const p = parse(JSON.stringify({ structures, services }));
		expect(p.records).toHaveLength(values.length);
		return values.map((v, i) => ({ v, r: recordOf(p, `s--${i}`) }));
	}
	const said = (w: string[], v: string) => w.some((m) => m.includes(`« ${v} »`));
	const FIELDS = [
		'services',
		'publics_specifiquement_adresses',
		'prise_en_charge_specifique',
		'frais_a_charge',
		'modalites_acces',
		'modalites_accompagnement',
		'typologie',
		'dispositif_programmes_nationaux',
		'formations_labels',
		'autres_formations_labels'
	];
	const mapped = (r: { record: Record<string, unknown> }, baseline: { record: Record<string, unknown> }) =>
		FIELDS.some((f) => r.record[f] !== baseline.record[f]);
	const baseline = () => read('publics', ['tous-publics'])[0].r;

	it('thematiques', () => {
		for (const { v, r } of read('thematiques', vocabulary('Thematique'))) expect(!!r.record.services || said(r.warnings, v), v).toBe(true);
	});

	it.each([
		['publics', 'Public'],
		['frais', 'Frais'],
		['modes_accueil', 'ModeAccueil'],
		['modes_mobilisation', 'ModeMobilisation'],
		['type', 'TypeService']
	])('%s', (field, vocab) => {
		const b = baseline();
		for (const { v, r } of read(field, vocabulary(vocab))) {
			// tous-publics: no public in particular, the standard's default; en-presentiel alone: reported at the end
			if (v === 'tous-publics') continue;
			expect(mapped(r, b) || said(r.warnings, v), `${field} ${v}`).toBe(true);
		}
	});

	it('réseaux porteurs', () => {
		const b = baseline();
		for (const { v, r } of read('reseaux_porteurs', vocabulary('ReseauPorteur'), true)) expect(mapped(r, b) || said(r.warnings, v), v).toBe(true);
	});

	it('mobilisable_par: professionals only turn an e-mail into a prescription', () => {
		const [pros] = parse(
			JSON.stringify({
				structures: [{ ...base, id: 's--1' }],
				services: [
					{
						structure_id: 's--1',
						source: 's',
						id: 'x',
						nom: 'Médiation numérique',
						description: 'Un service',
						date_maj: '2025-01-01',
						thematiques: ['numerique--acquerir-un-equipement'],
						modes_mobilisation: ['envoyer-un-courriel'],
						mobilisable_par: ['professionnels']
					}
				]
			})
		).records;
		expect(pros.record.modalites_acces).toBe('Envoyer un mail avec une fiche de prescription');
	});
});

describe('importing a data·inclusion file', () => {
	let db: Database;
	beforeAll(async () => {
		db = await createTestDatabase();
	});
	afterAll(async () => db?.close());

	it('creates the places of digital help, with the report’s rejections and warnings; again, nothing changes', async () => {
		const r = await importPlaces(db, { fileName: 'data-inclusion.json', content: SAMPLE, today: TODAY });
		expect(r.format).toBe('data-inclusion-json');
		expect([r.created, r.rejected]).toEqual([4, 1]);
		expect(r.rejections[0].reasons[0]).toMatch(/dora--structure-absente/);
		expect(r.warnings.some((w) => w.sourceId === 'emplois-de-linclusion--tournesol-agen' && /demandeurs-emploi/.test(w.message))).toBe(true);

		const nerac = (await getPlace(db, placeIdFor(DATA_INCLUSION_SOURCE, 'dora--ccas-nerac')))!;
		expect(nerac).toMatchObject({
			nom: 'CCAS de Nérac',
			telephone: '+33553651234',
			services: ['Aide aux démarches administratives'],
			dispositifProgrammesNationaux: ['France Services'],
			horaires: 'Mo-Fr 08:30-12:00,13:30-17:00; PH off',
			dateMaj: '2025-04-01',
			locationPrecision: 'address'
		});
		// no position in the file: at the centre of Tonneins, said so
		const epn = (await getPlace(db, placeIdFor(DATA_INCLUSION_SOURCE, 'mediation-numerique--epn-tonneins')))!;
		expect(epn.codeInsee).toBe('47310');
		expect(epn.locationPrecision).toBe('municipality');
		expect(epn.telephone).toBeNull();

		const again = await importPlaces(db, { fileName: 'data-inclusion.json', content: SAMPLE, today: TODAY });
		expect([again.created, again.updated, again.unchanged]).toEqual([0, 0, 4]);
	});
});
