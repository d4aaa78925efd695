import { describe, expect, it } from 'vitest';
import { departmentsOfPostcode, matchKey, nameKey, normalizePostcode, parentOfArrondissement, spellingKey, trigramSimilarity } from './model.ts';
import { candidateWindows, parseWhereQuery } from './where-query.ts';
import { areasFromCsv, matchEpciName, parseAreaKind } from './area-model.ts';
import { contrastRatio, defaultInstanceSettings, demoDepartments, instanceSettingsPatchSchema } from './settings-model.ts';

describe('name keys', () => {
	it('nameKey: lower-case, unaccented, punctuation to one space', () => {
		expect(nameKey("L'Haÿ-les-Roses")).toBe('l hay les roses');
		expect(nameKey('  Saint-Étienne--du   Rouvray ')).toBe('saint etienne du rouvray');
		expect(nameKey('Œuilly')).toBe('oeuilly');
		expect(nameKey('Villeneuve-sur-Lot')).toBe('villeneuve sur lot');
	});

	it('spellingKey: ST/STE, s/, CEDEX', () => {
		expect(spellingKey('ST-SYLVESTRE S/ LOT')).toBe('saint sylvestre sur lot');
		expect(spellingKey('Ste Foy la Grande')).toBe('sainte foy la grande');
		expect(spellingKey('AGEN CEDEX 9')).toBe('agen');
		expect(spellingKey('Bordeaux Cedex')).toBe('bordeaux');
	});

	it('matchKey: leading article dropped, arrondissements written one way', () => {
		expect(matchKey('Le Pian-Médoc')).toBe('pian medoc');
		expect(matchKey("L'Abergement-Clémenciat")).toBe('abergement clemenciat');
		expect(matchKey('Les Trois Lacs')).toBe('trois lacs');
		expect(matchKey('La')).toBe('la');
		expect(matchKey('Marseille 11e Arrondissement')).toBe('marseille 11');
		expect(matchKey('marseille 11ème')).toBe('marseille 11');
		expect(matchKey('Paris 1er Arrondissement')).toBe('paris 1');
		expect(matchKey('Lyon 03')).toBe('lyon 3');
	});

	it('trigram similarity as pg_trgm', () => {
		expect(trigramSimilarity('agen', 'agen')).toBe(1);
		expect(trigramSimilarity('villenueve sur lot', 'villeneuve sur lot')).toBeGreaterThan(0.55);
		expect(trigramSimilarity('agen', 'bordeaux')).toBe(0);
	});
});

describe('codes', () => {
	it('normalises postcodes', () => {
		expect(normalizePostcode('47000')).toBe('47000');
		expect(normalizePostcode('47916 CEDEX 9')).toBe('47916');
		expect(normalizePostcode('1000')).toBe('01000');
		expect(normalizePostcode(1000)).toBe('01000');
		expect(normalizePostcode('4700')).toBe('04700');
		expect(normalizePostcode('abc')).toBeNull();
		expect(normalizePostcode(null)).toBeNull();
	});

	it('départements of a postcode', () => {
		expect(departmentsOfPostcode('47000')).toEqual(['47']);
		expect(departmentsOfPostcode('97410')).toEqual(['974']);
		expect(departmentsOfPostcode('20000')).toEqual(['2A', '2B']);
		expect(departmentsOfPostcode('20200')).toEqual(['2B', '2A']);
	});

	it('arrondissements belong to Paris, Lyon, Marseille', () => {
		expect(parentOfArrondissement('75116')).toBe('75056');
		expect(parentOfArrondissement('75120')).toBe('75056');
		expect(parentOfArrondissement('69381')).toBe('69123');
		expect(parentOfArrondissement('13211')).toBe('13055');
		expect(parentOfArrondissement('13217')).toBeNull();
		expect(parentOfArrondissement('47001')).toBeNull();
	});
});

describe('the "Où\u00a0?" text', () => {
	it('finds postcode, département, INSEE code and address hints', () => {
		expect(parseWhereQuery('47000')).toMatchObject({ postcode: '47000', rest: '', inseeCode: '47000' });
		expect(parseWhereQuery('Agen 47000')).toMatchObject({ postcode: '47000', rest: 'Agen', looksLikeAddress: false });
		expect(parseWhereQuery('47000 Agen')).toMatchObject({ postcode: '47000', rest: 'Agen' });
		expect(parseWhereQuery('Castelnau (47)')).toMatchObject({ departmentCode: '47', rest: 'Castelnau' });
		expect(parseWhereQuery('2a004')).toMatchObject({ inseeCode: '2A004' });
		expect(parseWhereQuery('12 rue X, Agen')).toMatchObject({ looksLikeAddress: true, rest: '12 rue X, Agen' });
		expect(parseWhereQuery('Allée des Tilleuls 33000 Bordeaux')).toMatchObject({ looksLikeAddress: true, postcode: '33000' });
		expect(parseWhereQuery('AGEN CEDEX 9')).toMatchObject({ rest: 'AGEN', postcode: null });
		expect(parseWhereQuery('Villeneuve-sur-Lot').looksLikeAddress).toBe(false);
	});

	it('commune candidates in a text skip house numbers and street names', () => {
		const keys = candidateWindows('12 avenue de Paris, Agen').map((w) => w.key);
		expect(keys).toContain('agen');
		expect(keys).not.toContain('paris');
		expect(keys).not.toContain('12');
		const w = candidateWindows('3 place du Marché Villeneuve-sur-Lot').map((x) => x.key);
		expect(w).toContain('villeneuve sur lot');
	});
});

describe('areas from CSV (without a lookup)', () => {
	it('groups rows by area and reports every rejected row with its line', () => {
		const csv = [
			'departement;type;nom;code_insee',
			'47;bassin de vie;Agenais;47001',
			'47;Bassin de vie;Agenais;47025',
			'47;bassin de vie;Agenais;47001',
			'47;zone blanche;Marmandais;47157',
			'47;bassin de vie;;47157',
			'99;bassin de vie;Nulle part;99001',
			'47;pôle territorial;Nord;33063',
			'47;pole_territorial;Nord',
			'',
			'47;pôles territoriaux;Nord;47157'
		].join('\n');
		const { areas, rejected } = areasFromCsv(csv);
		expect(areas).toEqual([
			{ departmentCode: '47', kind: 'bassin_de_vie', name: 'Agenais', inseeCodes: ['47001', '47025'] },
			{ departmentCode: '47', kind: 'pole_territorial', name: 'Nord', inseeCodes: ['47157'] }
		]);
		expect(rejected.map((r) => r.line)).toEqual([4, 5, 6, 7, 8, 9]);
		expect(rejected[0].reasons[0]).toMatch(/déjà listée/);
		expect(rejected[1].reasons[0]).toMatch(/Type « zone blanche » inconnu/);
		expect(rejected[2].reasons[0]).toMatch(/Nom du territoire manquant/);
		expect(rejected[3].reasons.join(' ')).toMatch(/Département « 99 » invalide/);
		expect(rejected[4].reasons[0]).toMatch(/pas dans le département 47/);
		expect(rejected[5].reasons[0]).toMatch(/4 colonnes attendues/);
	});

	it('reads comma-separated files without header', () => {
		const { areas, rejected } = areasFromCsv('33,secteur,Médoc,33314\r\n33,secteur,Médoc,33009\r\n');
		expect(rejected).toEqual([]);
		expect(areas[0]).toMatchObject({ kind: 'secteur', name: 'Médoc', inseeCodes: ['33314', '33009'] });
	});

	it('parses kinds in French or as codes', () => {
		expect(parseAreaKind('Pôle territorial')).toBe('pole_territorial');
		expect(parseAreaKind('pole_territorial')).toBe('pole_territorial');
		expect(parseAreaKind('Bassins de vie')).toBe('bassin_de_vie');
		expect(parseAreaKind('autre')).toBe('autre');
		expect(parseAreaKind('canton')).toBeUndefined();
	});
});

describe('EPCI names as written', () => {
	const epcis = [
		{ name: "CA du Bassin d'Arcachon Nord (COBAN)" },
		{ name: "CA Bassin d'Arcachon Sud (COBAS)" },
		{ name: "CC Rurales de l'Entre-Deux-Mers" },
		{ name: "CC des Portes de l'Entre-Deux-Mers" },
		{ name: 'CC Les Rives de la Laurence' },
		{ name: 'Bordeaux Métropole' }
	];
	it('matches case, accents and parentheses', () => {
		expect(matchEpciName("CA du Bassin d'Arcachon Nord", epcis)?.name).toBe(epcis[0].name);
		expect(matchEpciName("CA Bassin d'Arcachon Sud (COBAS)", epcis)?.name).toBe(epcis[1].name);
		expect(matchEpciName("CC rurales de l'Entre-Deux-Mers", epcis)?.name).toBe(epcis[2].name);
		expect(matchEpciName('CC Les rives de la Laurence', epcis)?.name).toBe(epcis[4].name);
		expect(matchEpciName('Bordeaux Metropole', epcis)?.name).toBe(epcis[5].name);
		expect(matchEpciName('Communauté de communes du Fronsadais', epcis)).toBeUndefined();
	});
});

describe('instance settings rules', () => {
	it('defaults from the environment', () => {
		expect(defaultInstanceSettings({})).toMatchObject({
			name: 'Déclic 47 — réseau d’inclusion numérique',
			departmentCodes: ['47'],
			colorPrimary: '#1f4e8c',
			logoUrl: null
		});
		expect(defaultInstanceSettings({ MAILLAGE_NAME: 'Réseau 33', MAILLAGE_DEPARTEMENTS: '33, 47;2a 9' })).toMatchObject({
			name: 'Réseau 33',
			departmentCodes: ['33', '47', '2A', '09']
		});
		expect(demoDepartments()).toEqual(['47', '33', '24', '46', '82', '32', '40']);
	});

	it('colour contrast (WCAG)', () => {
		expect(contrastRatio('#ffffff', '#000000')).toBeCloseTo(21, 5);
		expect(contrastRatio('#1f4e8c', '#ffffff')).toBeGreaterThan(8);
		expect(contrastRatio('#b34700', '#ffffff')).toBeGreaterThan(4.5);
	});

	it('validates a patch with French messages', () => {
		const ok = instanceSettingsPatchSchema.safeParse({ colorPrimary: '#1F4E8C', logoUrl: '', contactEmail: ' ' });
		expect(ok.success && ok.data).toEqual({ colorPrimary: '#1f4e8c', logoUrl: null, contactEmail: null });
		const bad = instanceSettingsPatchSchema.safeParse({
			colorPrimary: '#ffcc00',
			colorAccent: 'blue',
			name: 'x',
			logoUrl: 'http://insecure.example/logo.png',
			contactEmail: 'pas-une-adresse',
			departmentCodes: ['47', '100']
		});
		expect(bad.success).toBe(false);
		const messages = bad.error!.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
		expect(messages.find((m) => m.startsWith('colorPrimary'))).toMatch(/trop claire.*4,5:1/);
		expect(messages.find((m) => m.startsWith('colorAccent'))).toMatch(/#rrggbb/);
		expect(messages.find((m) => m.startsWith('name'))).toMatch(/au moins 2 caractères/);
		expect(messages.find((m) => m.startsWith('logoUrl'))).toMatch(/https/);
		expect(messages.find((m) => m.startsWith('contactEmail'))).toMatch(/e-mail/);
		expect(messages.find((m) => m.startsWith('departmentCodes'))).toMatch(/Code de département invalide/);
		const unknown = instanceSettingsPatchSchema.safeParse({ couleur: '#000000' });
		expect(unknown.error!.issues[0].message).toMatch(/Champ\(s\) inconnu\(s\)\s: couleur/);
	});
});
