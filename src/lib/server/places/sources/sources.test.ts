/**
 * Every real file of shared/data/lieux and shared/data/reseaux through parseSourceFile.
 * The counts below were checked against the data (see the comments): they are not just
 * what the code happened to output.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedDataDir } from '../../paths.ts';
import type { MunicipalityLookup } from '../types.ts';
import { detectFormat, parseSourceFile, type ParsedSourceFile } from './index.ts';
import { WARN_CENTROID } from './common.ts';
import { testMunicipalityLookup } from './test-lookup.ts';

const DATA = sharedDataDir();
const TODAY = '2025-01-15';

interface Expected {
	format: string;
	source: string;
	records: number;
	rejected: number;
	/** count of rejected rows per reason prefix */
	reasons: Record<string, number>;
}

const EXPECTED: Record<string, Expected> = {
	// 12 stops of an itinerant bus, schema v1 names with v0 leftovers (old services with `;`)
	'lieux/bus-france-services-charente-schema-v1.json': {
		format: 'v0-json',
		source: 'bus-france-services-charente-schema-v1',
		records: 12,
		rejected: 0,
		reasons: {}
	},
	// 188 records, all with name, address, commune; v0 leftovers (labels_nationaux, courriel, accessibilite)
	'lieux/charente-16-schema-v1.json': { format: 'v0-json', source: 'charente-16-schema-v1', records: 188, rejected: 0, reasons: {} },
	// 4,930 records, all complete (22 without coordinates: placed later by the importer)
	'lieux/conseillers-numeriques-lieux-2022.json': { format: 'v0-json', source: 'conseillers-numeriques-lieux-2022', records: 4930, rejected: 0, reasons: {} },
	// 347 records, all with name, address, coordinates
	'lieux/gironde-33-departement.json': { format: 'gironde-33', source: 'gironde-33', records: 347, rejected: 0, reasons: {} },
	// 61 answers; 4 structures answered twice or thrice (same name and address): 2+3+2+2 → 5 duplicates
	'lieux/pyrenees-atlantiques-64-fibre64.json': { format: 'fibre64', source: 'fibre64', records: 56, rejected: 5, reasons: { 'doublon de la ligne': 5 } },
	// 5,227 rows: 46 inactive (Is Active = false); 31 carry the INSEE code 57490 (Moyenvic, Moselle) with
	// a postcode of another département: 6 are recovered from the postcode or the address, 11 from the
	// town in the structure's name ("France Services Barcelonnette") → 14 left; 5 addresses are only a
	// postal box (one of them also a 57490 row) → 46 + 14 + 4 = 64
	'reseaux/aidants-connect-structures-2024-02.csv': {
		format: 'aidants-connect-csv',
		source: 'aidants-connect',
		records: 5163,
		rejected: 64,
		reasons: { 'structure inactive': 46, 'commune incohérente': 14, 'adresse absente (boîte postale': 5 }
	},
	// 2,889 rows: 23 addresses hold only a postcode and town ("   03110 BROUT-VERNET"); 3 in
	// Saint-Martin (97801, not in the communes file) and Goux-les-Usiers (merged, gone from the 2024 list)
	'reseaux/conseillers-numeriques-structures-20230405.csv': {
		format: 'conseillers-numeriques-structures-csv',
		source: 'conseillers-numeriques-structures',
		records: 2862,
		rejected: 27,
		reasons: { 'adresse absente': 23, 'commune introuvable': 4 }
	},
	// 2,683 rows: 26 have an empty address, commune, postcode and coordinates (ids 2696–2905)
	'reseaux/france-services-20221201.csv': {
		format: 'france-services-csv',
		source: 'france-services',
		records: 2657,
		rejected: 26,
		reasons: { 'ni adresse ni commune': 26 }
	}
};

let lookup: MunicipalityLookup;
const parsed = new Map<string, ParsedSourceFile>();

function get(file: string): ParsedSourceFile {
	let p = parsed.get(file);
	if (!p) {
		p = parseSourceFile(file, readFileSync(join(DATA, file)), { municipalities: lookup, today: TODAY });
		parsed.set(file, p);
	}
	return p;
}

function reasonCounts(p: ParsedSourceFile, prefixes: string[]): Record<string, number> {
	const out: Record<string, number> = {};
	for (const prefix of prefixes) out[prefix] = p.rejected.filter((r) => r.reasons.some((x) => x.startsWith(prefix))).length;
	return out;
}

beforeAll(() => {
	lookup = testMunicipalityLookup();
});

describe('every real file', () => {
	const files = ['lieux', 'reseaux'].flatMap((d) => readdirSync(join(DATA, d)).map((f) => `${d}/${f}`)).sort();

	it('has an expectation for each file of lieux/ and reseaux/', () => {
		expect(files).toEqual(Object.keys(EXPECTED).sort());
	});

	for (const file of Object.keys(EXPECTED)) {
		it(`${file}: format, counts and reasons`, () => {
			const e = EXPECTED[file];
			expect(detectFormat(file, readFileSync(join(DATA, file)))).toBe(e.format);
			const p = get(file);
			expect(p.format).toBe(e.format);
			expect(p.source).toBe(e.source);
			expect(p.records.length).toBe(e.records);
			expect(p.rejected.length).toBe(e.rejected);
			expect(reasonCounts(p, Object.keys(e.reasons))).toEqual(e.reasons);
			// every row is accounted for once, rows are numbered from 1
			const rows = [...p.records.map((r) => r.row), ...p.rejected.map((r) => r.row)].sort((a, b) => a - b);
			expect(rows[0]).toBe(1);
			expect(new Set(rows).size).toBe(rows.length);
			expect(rows[rows.length - 1]).toBe(rows.length);
			// (source, sourceId) is unique, records carry the standard's required names
			const keys = new Set(p.records.map((r) => `${r.source}\u0000${r.sourceId}`));
			expect(keys.size).toBe(p.records.length);
			for (const r of p.records) {
				expect(r.record.id).toBe(r.sourceId);
				expect(r.record.nom).toBeTruthy();
				expect(r.record.adresse).toBeTruthy();
				expect(r.record.commune || r.record.code_postal).toBeTruthy();
				expect(r.record.pivot).toBeTruthy();
				for (const v of Object.values(r.record)) expect(v === '' || v === null || v === undefined).toBe(false);
			}
		});
	}
});

describe('Gironde (Coord. X = latitude, Coord. Y = longitude)', () => {
	it('puts every place inside Gironde', () => {
		const p = get('lieux/gironde-33-departement.json');
		for (const r of p.records) {
			expect(r.record.latitude).toBeGreaterThanOrEqual(44);
			expect(r.record.latitude).toBeLessThanOrEqual(45.6);
			expect(r.record.longitude).toBeGreaterThanOrEqual(-1.3);
			expect(r.record.longitude).toBeLessThanOrEqual(0.4);
			expect(r.locationPrecision).toBe('address');
		}
	});

	it('splits the address, converts the date, keeps the areas in extra', () => {
		const p = get('lieux/gironde-33-departement.json');
		const first = p.records[0];
		expect(first.record).toMatchObject({
			nom: 'Abracodabra',
			adresse: '8 rue de la Boétie',
			code_postal: '33000',
			commune: 'Bordeaux',
			code_insee: '33063',
			date_maj: '2021-12-07',
			services: 'Loisirs et créations numériques',
			source: 'gironde-33'
		});
		expect(first.extra).toEqual({ 'Pôle territorial': 'Bordeaux', Intercommunalité: 'Bordeaux Métropole' });
		const poles = new Set(p.records.map((r) => r.extra?.['Pôle territorial']));
		expect([...poles].sort()).toEqual([
			'Bassin',
			'Bordeaux',
			'Graves',
			'Haute Gironde',
			'Hauts de Garonne',
			'Libournais',
			'Médoc',
			'Porte du Médoc',
			'Sud Gironde'
		]);
		expect(p.records.every((r) => r.extra?.['Intercommunalité'])).toBe(true);
		// a stable id from name + address (no id in the file)
		expect(first.sourceId).toMatch(/^abracodabra-[0-9a-f]{8}$/);
		expect(parseSourceFile('x.json', readFileSync(join(DATA, 'lieux/gironde-33-departement.json')), { municipalities: lookup }).records[0].sourceId).toBe(
			first.sourceId
		);
	});

	it('reads the harder addresses', () => {
		const p = get('lieux/gironde-33-departement.json');
		const byRow = (row: number) => p.records.find((r) => r.row === row)!.record;
		// "Place Charles de Gaulle, médiathèque Michel Sainte Marie BP 40273 33697 Mérignac Cedex"
		expect(byRow(69)).toMatchObject({
			adresse: 'Place Charles de Gaulle',
			complement_adresse: 'médiathèque Michel Sainte Marie',
			code_postal: '33700',
			commune: 'Mérignac'
		});
		// "Maison des Associations 11, rue du 8 Mai 1945 33150 Cenon"
		expect(byRow(195)).toMatchObject({ adresse: '11 rue du 8 Mai 1945', complement_adresse: 'Maison des Associations', code_postal: '33150' });
		// "10-12, place des Capucins - 33800 Bordeaux"
		expect(byRow(30)).toMatchObject({ adresse: '10-12 place des Capucins', code_postal: '33800' });
		// "Rue Robert Schuman" (no postcode): the commune's
		expect(byRow(5)).toMatchObject({ adresse: 'Rue Robert Schuman', code_postal: '33130', commune: 'Bègles' });
		// "1 chemin des Iris, Lormont": the town is not part of the street
		expect(byRow(229)).toMatchObject({ adresse: '1 chemin des Iris', code_postal: '33310' });
	});

	it('maps its services, and « Accès à Internet en autonomie » also as « En autonomie »', () => {
		const p = get('lieux/gironde-33-departement.json');
		const all = p.records.filter(
			(r) => r.record.services === 'Accès internet et matériel informatique|Aide aux démarches administratives|Maîtrise des outils numériques du quotidien'
		);
		expect(all.length).toBe(66);
		expect(all.every((r) => r.record.modalites_accompagnement === 'En autonomie')).toBe(true);
		expect(p.records.filter((r) => !r.record.services).length).toBe(29);
	});
});

describe('France Services hours', () => {
	const byId = (id: string) => get('reseaux/france-services-20221201.csv').records.find((r) => r.sourceId === id)!;

	it('groups identical days', () => {
		// lundi–jeudi "09:00 - 12:00 / 13:30 - 17:00", vendredi "09:00 - 12:00 / 13:30 - 16:00"
		expect(byId('1').record.horaires).toBe('Mo-Th 09:00-12:00,13:30-17:00; Fr 09:00-12:00,13:30-16:00');
		// "08:30-12:00/13:30-17:30" ×4, vendredi "08:30-12:00/13:30-17:00", samedi "-"
		expect(byId('temp_6').record.horaires).toBe('Mo-Th 08:30-12:00,13:30-17:30; Fr 08:30-12:00,13:30-17:00');
		// lundi "09:00-12:00", mardi "13:00-18:00", mercredi both, jeudi = lundi, vendredi = mardi
		expect(byId('temp_7').record.horaires).toBe('Mo,Th 09:00-12:00; Tu,Fr 13:00-18:00; We 09:00-12:00,13:00-18:00');
		// lundi "-", samedi open
		expect(byId('temp_10').record.horaires).toBe('Tu,Th,Fr 09:00-12:00,14:00-17:00; We 14:00-17:00; Sa 09:00-12:00');
	});

	it('reads the variants', () => {
		expect(byId('temp_28').record.horaires).toBe('Mo-Fr 09:00-12:30,13:30-17:00; Sa 08:30-12:00'); // "09:00-12:30-13:30-17:00"
		expect(byId('temp_44').record.horaires).toBe('Mo,We 09:00-12:00,14:00-17:00; Tu,Th 09:00-12:00; Fr 09:00-12:00,13:00-16:00'); // "09:00-12h00"
		expect(byId('temp_134').record.horaires).toBe('Mo-Fr 09:00-12:00,14:00-16:30'); // "09:00-12:00 14:00-16:30"
		expect(byId('temp_148').record.horaires).toContain('Fr 09:30-12:30,13:30-18:00'); // "09:30-12:30/\n\n 13:30-18:00"
		expect(byId('temp_108').record.horaires).toBeUndefined(); // "-" every day
	});

	it('leaves out and reports an unreadable day', () => {
		const r = byId('temp_29'); // mardi "09:00-13:00-/3:00-16:00"
		expect(r.record.horaires).toBe('Mo,Fr 14:00-17:00; We 09:00-12:00,14:00-17:00; Th 09:00-16:00');
		expect(r.warnings.some((w) => w.startsWith('horaires du mardi illisibles (« 09:00-13:00-/3:00-16:00 »'))).toBe(true);
	});

	it('merges duplicated or overlapping ranges and drops 00:00-00:00, with a warning', () => {
		const r = byId('65'); // mardi "08:30 - 12:00 / 08:30 - 17:00"
		expect(r.record.horaires).toContain('Tu 08:30-17:00');
		expect(r.warnings).toContain('horaires du mardi : plages qui se chevauchent fusionnées (08:30-17:00)');
		const z = byId('969'); // mercredi "00:00 - 00:00 / 08:30 - 12:00 / 13:30 - 17:00"
		expect(z.warnings).toContain('horaires du mercredi : plage vide 00:00-00:00 ignorée');
	});

	it('maps the network fields', () => {
		const p = get('reseaux/france-services-20221201.csv');
		for (const r of p.records) {
			expect(r.record.dispositif_programmes_nationaux).toBe('France Services');
			expect(r.record.services).toBe('Aide aux démarches administratives');
			expect(r.record.typologie).toBe('RFS');
			expect(r.record.date_maj).toBe('2022-12-01');
			expect(r.source).toBe('france-services');
		}
		expect(p.records.filter((r) => r.record.itinerance === 'Itinérant').length).toBe(288);
		expect(byId('2004').warnings).toContain('code INSEE « 0null » invalide : non repris');
		// code_postal copied from the INSEE code
		expect(byId('936').record.code_postal).toBe('61240');
	});
});

describe('v0 vocabulary', () => {
	it('maps the old services of the 2022 conseillers-numériques export', () => {
		const p = get('lieux/conseillers-numeriques-lieux-2022.json');
		const first = p.records[0];
		// "Prendre en main un smartphone ou une tablette;Prendre en main un ordinateur;Utiliser le numérique au quotidien;Approfondir ma culture numérique"
		expect(first.record.services).toBe('Maîtrise des outils numériques du quotidien|Compréhension du monde numérique');
		expect(first.record.frais_a_charge).toBe('Gratuit'); // "Gratuit : Je peux accéder gratuitement au lieu et à ses services"
		expect(first.record.dispositif_programmes_nationaux).toBe('Conseillers numériques'); // "CNFS"
		expect(first.record.courriels).toBe('accueil@chrs-laselonne.fr'); // courriel
		expect(first.record.pivot).toBe('77556026100015');
		expect(first.source).toBe('conseiller-numerique');
		const fs = p.records.filter((r) => String(r.record.dispositif_programmes_nationaux).includes('France Services'));
		expect(fs.length).toBe(1118);
		expect(p.records.filter((r) => String(r.record.dispositif_programmes_nationaux).includes('Aidants Connect')).length).toBe(292);
		expect(p.records.filter((r) => r.record.prise_rdv).length).toBe(349);
	});

	it('maps the bus: old services, APTIC as another label, ZRR dropped', () => {
		const r = get('lieux/bus-france-services-charente-schema-v1.json').records[0];
		expect(r.record.services).toBe('Accès internet et matériel informatique|Insertion professionnelle via le numérique|Aide aux démarches administratives');
		expect(r.record.dispositif_programmes_nationaux).toBe('Conseillers numériques|France Services');
		expect(r.record.autres_formations_labels).toBe('APTIC');
		expect(r.record.fiche_acces_libre).toBe('https://acceslibre.beta.gouv.fr/app/16-saint-fraigne/a/mairie/erp/mairie-saint-fraigne/');
		// a null date from an export: passed as it is, the validator replaces dates before 2000
		expect(r.record.date_maj).toBe('1969-12-31');
		expect(r.warnings).toEqual(['« ZRR » (labels_autres) est un zonage, pas un label : non repris']);
	});

	it('maps Charente: `;` labels, publics accueillis, v1 services kept', () => {
		const p = get('lieux/charente-16-schema-v1.json');
		const first = p.records[0];
		expect(first.record).toMatchObject({
			services: 'Maîtrise des outils numériques du quotidien|Compréhension du monde numérique',
			dispositif_programmes_nationaux: 'Conseillers numériques|France Services', // "CNFS;France Services"
			typologie: 'RFS',
			fiche_acces_libre: 'https://acceslibre.beta.gouv.fr/app/16-chateaubernard/a/mairie/erp/mairie-chateaubernard/',
			source: 'conseiller-numerique'
		});
		const general = p.records.filter((r) => r.warnings.some((w) => w.startsWith('publics accueillis')));
		expect(general.length).toBe(19); // "Adultes;Familles/enfants;Jeunes (16-26 ans);Seniors (+ 65 ans)" ×17, "Adultes;Jeunes (16-26 ans)" ×2
		expect(general.every((r) => r.record.publics_specifiquement_adresses === undefined)).toBe(true);
		expect(p.records.filter((r) => r.record.publics_specifiquement_adresses === 'Jeunes').length).toBe(2); // "Jeunes (16-26 ans)" alone
	});
});

describe('Fibre 64 survey', () => {
	it('maps the ticked columns, keeps hours as a warning', () => {
		const r = get('lieux/pyrenees-atlantiques-64-fibre64.json').records[0];
		expect(r.record).toMatchObject({
			nom: 'Reseau Cyber-base Lacq-Orthez',
			code_insee: '64410',
			code_postal: '64150',
			pivot: '00000000000000',
			itinerance: 'Itinérant',
			modalites_acces: 'Se présenter|Téléphoner|Contacter par mail',
			modalites_accompagnement: 'Accompagnement individuel|Dans un atelier collectif',
			services: 'Aide aux démarches administratives|Maîtrise des outils numériques du quotidien|Accès internet et matériel informatique',
			// "11 Euro l'adhesion annuelle / gratuite sous conditions (DE, - 18 ans...)"
			frais_a_charge: 'Gratuit sous condition|Payant',
			latitude: 43.370176,
			longitude: -0.629337
		});
		expect(r.record.horaires).toBeUndefined();
		expect(r.warnings).toContain('horaires en texte libre, non convertis : « Lundi - samedi »');
		expect(r.warnings).toContain('pivot (SIRET/RNA) absent : « 00000000000000 » utilisé');
		// no date in the survey
		// nothing dates the survey: unknown, never today's
		expect(r.record.date_maj).toBe('1970-01-01');
		expect(r.warnings).toContain('date de mise à jour absente de l’enquête et du nom du fichier : date inconnue');
	});
});

describe('Aidants Connect', () => {
	it('places every structure at its commune centroid, flagged', () => {
		const p = get('reseaux/aidants-connect-structures-2024-02.csv');
		for (const r of p.records) {
			expect(r.locationPrecision).toBe('municipality');
			expect(r.warnings[0]).toBe(WARN_CENTROID);
			const m = lookup.byInsee(String(r.record.code_insee))!;
			expect([r.record.latitude, r.record.longitude]).toEqual([m.latitude, m.longitude]);
			expect(String(r.record.dispositif_programmes_nationaux)).toMatch(/^Aidants Connect(\|France Services)?$/);
		}
		const first = p.records[0];
		expect(first.record).toMatchObject({ nom: 'BetaGouv', pivot: '13002603200016', adresse: '20 Avenue de Ségur', code_postal: '75007', code_insee: '75107' });
		// France Services Label = true: 1,049 rows, 7 of them inactive, 5 rejected (4 × 57490, 1 postal box)
		expect(p.records.filter((r) => r.record.dispositif_programmes_nationaux === 'Aidants Connect|France Services').length).toBe(1037);
	});

	it('reads multi-line quoted addresses and the commune contradictions', () => {
		const p = get('reseaux/aidants-connect-structures-2024-02.csv');
		const byName = (n: string) => p.records.find((r) => r.record.nom === n)!;
		// "Hôtel de Ville \n6 avenue Pasteur\n33270 Floirac"
		expect(byName('La Fabrique Citoyenne').record).toMatchObject({
			adresse: '6 avenue Pasteur',
			complement_adresse: 'Hôtel de Ville',
			commune: 'Floirac',
			code_insee: '33167'
		});
		// "Bat. C\nRésidence Philippe\nRoute de Mosnac", postcode 17503 (CEDEX), INSEE 17197
		expect(byName('Département de la Charente-Maritime - DT RAHS - Jonzac').record).toMatchObject({
			adresse: 'Route de Mosnac',
			complement_adresse: 'Bat. C, Résidence Philippe',
			code_insee: '17197'
		});
		// "19 Avenue Emile Zola ANNEMASSE\n\nAutre adresse :\n…": the second address is dropped
		expect(byName("Pôle Médico-Social d'ANNEMASSE").warnings).toContain('seconde adresse (« Autre adresse ») ignorée');
		// INSEE 57490 with postcode 04400 and the town in the name
		expect(byName('France Services Barcelonnette').record).toMatchObject({ commune: 'Barcelonnette', code_insee: '04019' });
		// INSEE 57490 (Moyenvic) with postcode 2800 → 02800, La Fère
		const laFere = p.records.find((r) => r.record.code_insee === '02304')!;
		expect(laFere.warnings.some((w) => w.startsWith('code INSEE 57490 (Moyenvic) incohérent avec le code postal 02800'))).toBe(true);
		const inactive = p.rejected.filter((r) => r.reasons[0] === 'structure inactive');
		expect(inactive.length).toBe(46);
	});
});

describe('Conseillers numériques structures', () => {
	it('makes repeated SIRETs unique, deterministically, with a warning', () => {
		const p = get('reseaux/conseillers-numeriques-structures-20230405.csv');
		// Le Havre: 3 rows, same SIRET and address
		const havre = p.records.filter((r) => r.record.pivot === '21760351300011');
		expect(havre.map((r) => r.sourceId)).toEqual([
			'21760351300011',
			expect.stringMatching(/^21760351300011-[0-9a-f]{6}$/),
			expect.stringMatching(/^21760351300011-[0-9a-f]{6}-2$/)
		]);
		expect(havre[1].warnings).toContain(`SIRET 21760351300011 déjà présent ligne ${havre[0].row} : identifiant « ${havre[1].sourceId} »`);
		const again = parseSourceFile('x.csv', readFileSync(join(DATA, 'reseaux/conseillers-numeriques-structures-20230405.csv')), { municipalities: lookup });
		expect(again.records.map((r) => r.sourceId)).toEqual(p.records.map((r) => r.sourceId));
		for (const r of p.records) {
			expect(r.locationPrecision).toBe('municipality');
			expect(r.record.date_maj).toBe('2023-04-05');
		}
	});

	it('restores lost leading zeros and trusts the address postcode', () => {
		const p = get('reseaux/conseillers-numeriques-structures-20230405.csv');
		// "FACE ALSACE MULHOUSE": columns say Bas-Rhin / 67000, the address says 68100 MULHOUSE
		const mulhouse = p.records.filter((r) => r.record.nom === 'FACE ALSACE MULHOUSE');
		expect(mulhouse.every((r) => r.record.code_postal === '68100' && r.record.code_insee === '68224')).toBe(true);
		// INSEE 8105 → 08105
		expect(p.records.find((r) => r.record.nom === 'DEPARTEMENT DES ARDENNES')!.record).toMatchObject({ code_insee: '08105', code_postal: '08000' });
	});
});
