import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedDataDir } from '../../paths.ts';
import { STANDARD_FIELDS } from '../vocabulary.ts';
import { placesToCsv } from '../csv.ts';
import { parseStandardRecord } from '../model.ts';
import type { MunicipalityLookup, PlaceFields, StandardRecord } from '../types.ts';
import { detectFormat, parseSourceFile } from './index.ts';
import { testMunicipalityLookup } from './test-lookup.ts';

let lookup: MunicipalityLookup;
beforeAll(() => {
	lookup = testMunicipalityLookup();
});

const PLACE: StandardRecord = {
	id: 'lieu-42',
	pivot: '21330063500017',
	nom: 'Médiathèque « La Source », Le Bouscat',
	commune: 'Le Bouscat',
	code_postal: '33110',
	code_insee: '33069',
	adresse: '8 place Gambetta',
	complement_adresse: '1er étage',
	latitude: 44.8652,
	longitude: -0.6021,
	typologie: 'BIB|MUNI',
	telephone: '+33557228000',
	courriels: 'mediatheque@bouscat.fr|contact@bouscat.fr',
	site_web: 'https://www.bouscat.fr',
	horaires: 'Tu-Fr 10:00-12:30,14:00-18:30; Sa 10:00-17:00',
	presentation_resume: 'Ateliers numériques, accès libre',
	presentation_detail: 'Première ligne ; avec un point-virgule,\n"des guillemets" et une seconde ligne',
	source: 'maillage',
	itinerance: 'Fixe',
	structure_parente: 'Ville du Bouscat',
	date_maj: '2024-11-02',
	services: 'Aide aux démarches administratives|Maîtrise des outils numériques du quotidien',
	publics_specifiquement_adresses: 'Seniors',
	prise_en_charge_specifique: 'Surdité|Langues étrangères (anglais)',
	frais_a_charge: 'Gratuit',
	dispositif_programmes_nationaux: 'Conseillers numériques|France Services',
	formations_labels: 'Étapes numériques (La Poste)',
	autres_formations_labels: 'Label maison',
	modalites_acces: 'Se présenter|Téléphoner',
	modalites_accompagnement: 'Accompagnement individuel|Dans un atelier collectif',
	fiche_acces_libre: 'https://acceslibre.beta.gouv.fr/app/33-le-bouscat/a/bibliotheque-mediatheque/erp/x/',
	prise_rdv: 'https://rdv.example.org/lieu-42'
};

/** Our own export: the schema's columns in the schema's order, lists joined with `|`. */
function exportCsv(rows: StandardRecord[], delimiter = ','): string {
	return stringify(
		rows.map((r) => STANDARD_FIELDS.map((f) => r[f] ?? '')),
		{ header: true, columns: [...STANDARD_FIELDS], delimiter }
	);
}

describe('standard CSV (our export) round-trips', () => {
	it('keeps every field, id as sourceId, source column as source', () => {
		const second = { ...PLACE, id: 'lieu-43', source: undefined, nom: 'Autre lieu', latitude: undefined, longitude: undefined };
		const csv = exportCsv([PLACE, second]);
		expect(detectFormat('export.csv', csv)).toBe('standard-csv');
		const p = parseSourceFile('exports/lieux-2024.csv', Buffer.from(csv), { municipalities: lookup });
		expect(p.format).toBe('standard-csv');
		expect(p.rejected).toEqual([]);
		expect(p.records[0]).toMatchObject({ row: 1, source: 'maillage', sourceId: 'lieu-42', locationPrecision: 'address', warnings: [] });
		expect(p.records[0].record).toEqual(PLACE);
		// no source column value: the file's base name
		expect(p.records[1]).toMatchObject({ row: 2, source: 'lieux-2024', sourceId: 'lieu-43' });
		expect(p.records[1].record.source).toBe('lieux-2024');
		expect(p.source).toBe('lieux-2024');
	});

	it('reads a `;`-delimited file with a BOM, `|` lists, CRLF line ends', () => {
		const csv = '\ufeff' + exportCsv([PLACE], ';').replace(/\n/g, '\r\n');
		expect(detectFormat('x.csv', csv)).toBe('standard-csv');
		const p = parseSourceFile('x.csv', csv, { municipalities: lookup });
		expect(p.records[0].record).toEqual({ ...PLACE, presentation_detail: PLACE.presentation_detail });
	});

	it('reads older comma files whose lists are joined with `;`', () => {
		const csv = [
			'id,pivot,nom,commune,code_postal,adresse,date_maj,services,modalites_accompagnement,courriels',
			'a1,12345678901234,Lieu A,Pessac,33600,1 rue X,2023-05-04,"Aide aux démarches administratives;Loisirs et créations numériques","Accompagnement individuel;En autonomie","a@x.fr;b@x.fr"'
		].join('\n');
		const r = parseSourceFile('old.csv', csv, { municipalities: lookup }).records[0].record;
		expect(r.services).toBe('Aide aux démarches administratives|Loisirs et créations numériques');
		expect(r.modalites_accompagnement).toBe('Accompagnement individuel|En autonomie');
		expect(r.courriels).toBe('a@x.fr|b@x.fr');
	});

	it('fixes spelling of vocabulary values but keeps unknown ones for the validator', () => {
		const csv = [
			'id,nom,commune,code_postal,adresse,services,formations_labels',
			'a1,Lieu A,Pessac,33600,1 rue X,"comprehension du monde numerique|Cours de cuisine",Étapes numériques(La Poste)'
		].join('\n');
		const r = parseSourceFile('x.csv', csv, { municipalities: lookup }).records[0];
		expect(r.record.services).toBe('Compréhension du monde numérique|Cours de cuisine');
		expect(r.record.formations_labels).toBe('Étapes numériques (La Poste)');
		expect(r.record.pivot).toBe('00000000000000');
		expect(r.warnings).toEqual(['pivot (SIRET/RNA) absent : « 00000000000000 » utilisé']);
	});

	it('rejects rows it cannot map, with their row number', () => {
		const csv = [
			'id,nom,commune,code_postal,adresse',
			'a1,Lieu A,Pessac,33600,1 rue X',
			'a2,,Pessac,33600,2 rue X',
			'a3,Lieu C,,,3 rue X',
			'a4,Lieu D,Pessac,33600,4 rue X,en trop',
			'a5,Lieu E,Pessac,33600,',
			'a6,"Lieu F",Pessac,33600,"6 rue X'
		].join('\n');
		const p = parseSourceFile('x.csv', csv, { municipalities: lookup });
		expect(p.records.map((r) => r.sourceId)).toEqual(['a1']);
		expect(p.rejected).toEqual([
			{ row: 2, sourceId: 'a2', reasons: ['nom absent'] },
			{ row: 3, sourceId: 'a3', reasons: ['commune absente'] },
			{ row: 4, reasons: ['ligne mal formée : 6 colonnes au lieu de 5'] },
			{ row: 5, sourceId: 'a5', reasons: ['adresse absente'] },
			{ row: 6, reasons: [expect.stringMatching(/^fin du fichier illisible à partir de cette ligne \(guillemet ouvert jamais fermé/)] }
		]);
	});

	it('reads quoted fields spread over several lines', () => {
		const csv =
			'id,nom,commune,code_postal,adresse,presentation_detail\n"b1","Lieu\nsur deux lignes",Talence,33400,"5 rue Y","Ligne 1\n\nLigne 3"\nb2,Lieu 2,Talence,33400,6 rue Y,\n';
		const p = parseSourceFile('x.csv', csv, { municipalities: lookup });
		expect(p.records.map((r) => [r.row, r.record.nom, r.record.presentation_detail])).toEqual([
			[1, 'Lieu sur deux lignes', 'Ligne 1\n\nLigne 3'],
			[2, 'Lieu 2', undefined]
		]);
	});
});

describe('round trip through the project’s own export and validator', () => {
	it('export → parseSourceFile → parseStandardRecord gives back the same place', () => {
		const place: PlaceFields = {
			id: 'c0ffee-42',
			pivot: '21330069100010',
			nom: 'Médiathèque « La Source », Le Bouscat',
			commune: 'Le Bouscat',
			codePostal: '33110',
			codeInsee: '33069',
			adresse: '8 place Gambetta',
			complementAdresse: '1er étage',
			latitude: 44.8652,
			longitude: -0.6021,
			typologie: ['BIB', 'MUNI'],
			telephone: '+33557228000',
			courriels: ['mediatheque@bouscat.fr'],
			siteWeb: ['https://www.bouscat.fr/'],
			horaires: 'Tu-Fr 10:00-12:30,14:00-18:30; Sa 10:00-17:00',
			presentationResume: 'Ateliers numériques',
			presentationDetail: 'Ligne 1, avec "guillemets"\nLigne 2',
			source: 'maillage',
			itinerance: ['Fixe'],
			structureParente: null,
			dateMaj: '2024-11-02',
			services: ['Aide aux démarches administratives', 'Maîtrise des outils numériques du quotidien'],
			publicsSpecifiquementAdresses: ['Seniors'],
			priseEnChargeSpecifique: [],
			fraisACharge: ['Gratuit'],
			dispositifProgrammesNationaux: ['Conseillers numériques'],
			formationsLabels: [],
			autresFormationsLabels: [],
			modalitesAcces: ['Se présenter'],
			modalitesAccompagnement: ['Accompagnement individuel'],
			ficheAccesLibre: null,
			priseRdv: null
		};
		const csv = placesToCsv([place]);
		const p = parseSourceFile('export-maillage.csv', Buffer.from(csv), { municipalities: lookup, today: '2025-01-15' });
		expect(p.format).toBe('standard-csv');
		expect(p.rejected).toEqual([]);
		expect(p.records[0]).toMatchObject({ sourceId: 'c0ffee-42', source: 'maillage', warnings: [] });
		const v = parseStandardRecord(p.records[0].record, { today: '2025-01-15' });
		expect(v.ok).toBe(true);
		if (v.ok) expect(v.place).toEqual(place);
	});
});

describe('standard JSON', () => {
	it('reads an array or {data: [...]}, numbers for codes padded', () => {
		const item = { ...PLACE, code_postal: 1500, code_insee: 1004 };
		for (const content of [JSON.stringify([item]), JSON.stringify({ data: [item] })]) {
			expect(detectFormat('x.json', content)).toBe('standard-json');
			const p = parseSourceFile('x.json', content, { municipalities: lookup });
			expect(p.records[0].record).toMatchObject({ code_postal: '01500', code_insee: '01004', id: 'lieu-42', source: 'maillage' });
		}
	});

	it('rejects a row that is not an object', () => {
		const p = parseSourceFile('x.json', JSON.stringify([PLACE, 'oops', null]), { municipalities: lookup });
		expect(p.records.length).toBe(1);
		expect(p.rejected.map((r) => r.row)).toEqual([2, 3]);
	});
});

describe('v0 (old vocabulary)', () => {
	it('maps each old service label, one label to several when needed', () => {
		const p = parseSourceFile(
			'v0.json',
			JSON.stringify([
				{
					id: 'x',
					nom: 'Lieu',
					commune: 'Pau',
					code_postal: '64000',
					adresse: '1 rue A',
					services:
						"Promouvoir la citoyenneté numérique;S’équiper en matériel informatique;Accompagner les démarches de santé;Créer avec le numérique;Soutenir la parentalité et l'éducation avec le numérique;Créer et développer mon entreprise;Faire du vélo",
					labels_nationaux: 'PIX;REFERENCE;Point numérique CAF;Fabriques de territoire;Label inconnu',
					conditions_access: 'Payant : L’accès au lieu et/ou à ses services est payant;Accepte le Pass numérique',
					publics_accueillis: 'Uniquement femmes;Surdité;Public langues étrangères',
					modalites_accompagnement: "Seul;Avec de l'aide;Dans un atelier;À ma place"
				}
			]),
			{ municipalities: lookup }
		);
		expect(p.format).toBe('v0-json');
		const r = p.records[0];
		expect(r.record).toMatchObject({
			services:
				'Compréhension du monde numérique|Utilisation sécurisée du numérique|Acquisition de matériel informatique à prix solidaire|Aide aux démarches administratives|Loisirs et créations numériques|Parentalité et éducation avec le numérique|Insertion professionnelle via le numérique',
			dispositif_programmes_nationaux: "Certification PIX|Bibliothèques numérique de référence|Point d'accès numérique CAF",
			formations_labels: 'Fabriques de Territoire',
			frais_a_charge: 'Payant',
			publics_specifiquement_adresses: 'Femmes',
			prise_en_charge_specifique: 'Surdité|Langues étrangères (autres)',
			modalites_accompagnement: 'En autonomie|Accompagnement individuel|Dans un atelier collectif'
		});
		// « Accepte le Pass numérique » has no v1 field: it is the place's Pass flag
		expect(r.passNumerique).toBe(true);
		expect(r.warnings).toEqual([
			'services : valeur « Faire du vélo » sans équivalent dans le standard : non reprise',
			'label national « Label inconnu » inconnu : non repris',
			'pivot (SIRET/RNA) absent : « 00000000000000 » utilisé'
		]);
		// only what is not official is dropped, and the fidelity table says so
		const dropped = p.fidelity.table().flatMap((row) => row.drops.map((d) => `${row.field}: ${d.value}`));
		expect(dropped).toEqual(['services: Faire du vélo', 'labels_nationaux: Label inconnu']);
	});

	it('detects a v0 CSV from its old service labels', () => {
		const csv = 'id,nom,commune,code_postal,adresse,services\nz,Lieu,Pau,64000,1 rue A,Prendre en main un ordinateur;Accéder à du matériel\n';
		expect(detectFormat('x.csv', csv)).toBe('v0-csv');
		const r = parseSourceFile('x.csv', csv, { municipalities: lookup }).records[0];
		expect(r.record.services).toBe('Maîtrise des outils numériques du quotidien|Accès internet et matériel informatique');
	});
});

describe('detection', () => {
	it('uses the content, not the name', () => {
		const fs = readFileSync(join(sharedDataDir(), 'reseaux/france-services-20221201.csv'));
		expect(detectFormat('donnees.json', fs)).toBe('france-services-csv');
		const gironde = readFileSync(join(sharedDataDir(), 'lieux/gironde-33-departement.json'));
		expect(detectFormat('export.csv', gironde)).toBe('gironde-33');
	});

	it('reads Windows-1252 bytes', () => {
		const csv = 'id,nom,commune,code_postal,adresse\nw1,Médiathèque,Bègles,33130,1 rue Léon\n';
		const p = parseSourceFile('x.csv', Buffer.from(csv, 'latin1'), { municipalities: lookup });
		expect(p.records[0].record).toMatchObject({ nom: 'Médiathèque', commune: 'Bègles', adresse: '1 rue Léon' });
	});

	it('throws a clear English error listing the known formats', () => {
		expect(() => detectFormat('x.csv', 'a,b,c\n1,2,3\n')).toThrow(
			/Unknown place file format for "x.csv" \(CSV with columns a, b, c\); known formats: standard-csv/
		);
		expect(() => detectFormat('x.json', '[{"foo": 1}]')).toThrow(/JSON records with keys foo.*france-services-csv/);
		expect(() => detectFormat('x.json', '{"foo": ')).toThrow(/invalid JSON/);
		expect(() => detectFormat('x.csv', '')).toThrow(/empty file/);
		expect(() => parseSourceFile('x.json', '{"a": 1}', { municipalities: lookup })).toThrow(/neither an array/);
	});
});
