import { beforeAll, describe, expect, it } from 'vitest';
import type { MunicipalityLookup } from '../types.ts';
import { dateFromFileName, inseeCode, isoDate, padCode, siret, stableId } from './common.ts';
import { splitAddress } from './addresses.ts';
import { resolveMunicipality } from './communes.ts';
import { detectFrais, detectPublics } from './mappings.ts';
import { municipalityNameKey, testMunicipalityLookup } from './test-lookup.ts';

let lookup: MunicipalityLookup;
beforeAll(() => {
	lookup = testMunicipalityLookup();
});

describe('splitAddress', () => {
	it.each([
		['8 rue de la Boétie - 33000 Bordeaux', { street: '8 rue de la Boétie', postcode: '33000', city: 'Bordeaux' }],
		['20 Avenue de Ségur, 75007 Paris', { street: '20 Avenue de Ségur', postcode: '75007', city: 'Paris' }],
		['102 RUE AMELOT 75011 PARIS 11', { street: '102 RUE AMELOT', postcode: '75011', city: 'PARIS 11' }],
		[
			'Hôtel de ville \nRue Amédée Dufourg \nBP 303 \n64603 Anglet Cedex',
			{ street: 'Rue Amédée Dufourg', complement: 'Hôtel de ville', postcode: '64603', city: 'Anglet', cedex: true, postalBox: 'BP 303' }
		],
		['Place du General de Gaulle\n59280\nArmentières', { street: 'Place du General de Gaulle', postcode: '59280', city: 'Armentières' }],
		['1 bis, rue des arts, 33310 Lormont', { street: '1 bis rue des arts', postcode: '33310', city: 'Lormont' }],
		['   03110 BROUT-VERNET', { postcode: '03110', city: 'BROUT-VERNET' }],
		['BP 20', { postalBox: 'BP 20' }]
	])('%j', (text, expected) => {
		expect(splitAddress(text)).toEqual(expected);
	});

	it('drops the town written without postcode when it is known', () => {
		expect(splitAddress('1 chemin des Iris, Lormont', 'Lormont')).toEqual({ street: '1 chemin des Iris' });
		expect(splitAddress('42 avenue Jean Jaurès Bassens', 'Bassens')).toEqual({ street: '42 avenue Jean Jaurès' });
	});

	it('drops a second address', () => {
		const a = splitAddress('110 bis Rue Defaud\n\nAutre adresse :\nMr X \nPrésident \n24 bis impasse Y 97430 le tampon');
		expect(a).toEqual({ street: '110 bis Rue Defaud', droppedOther: true });
	});
});

describe('codes and dates', () => {
	it('restores spreadsheet damage', () => {
		expect(padCode('1500')).toBe('01500');
		expect(padCode(8105)).toBe('08105');
		expect(inseeCode('2a004')).toBe('2A004');
		expect(inseeCode('0null')).toBeUndefined();
		expect(siret('13002603200016.0')).toBe('13002603200016');
		expect(siret('1.3002603200016E13')).toBe('13002603200016');
		expect(siret('0.0')).toBeUndefined();
		expect(isoDate('07/12/2021')).toBe('2021-12-07');
		expect(isoDate('2023-02-22T10:00:00Z')).toBe('2023-02-22');
		expect(dateFromFileName('france-services-20221201')).toBe('2022-12-01');
		expect(dateFromFileName('aidants-connect-structures-2024-02')).toBe('2024-02-01');
		expect(dateFromFileName('gironde-33-departement')).toBeNull();
	});

	it('makes stable ids', () => {
		expect(stableId('Médiathèque d’Anglet', '1 rue X')).toBe(stableId("MEDIATHEQUE D'ANGLET", '1  rue x'));
		expect(stableId('Médiathèque d’Anglet', '1 rue X')).toMatch(/^mediatheque-d-anglet-[0-9a-f]{8}$/);
	});
});

describe('resolveMunicipality', () => {
	it('trusts a consistent INSEE code', () => {
		expect(resolveMunicipality(lookup, { insee: '33063', postcode: '33300', name: 'x' }).municipality?.name).toBe('Bordeaux');
	});

	it('overrides an INSEE code from another département by the postcode and name', () => {
		const r = resolveMunicipality(lookup, { insee: '57490', postcode: '02800', name: 'La Fere' });
		expect(r.municipality?.inseeCode).toBe('02304');
		expect(r.warnings).toEqual(['code INSEE 57490 (Moyenvic) incohérent avec le code postal 02800 : commune La Fère (02304) retenue']);
		const bad = resolveMunicipality(lookup, { insee: '57490', postcode: '02000', name: 'Moyenvic' });
		expect(bad.municipality).toBeUndefined();
		expect(bad.failure).toBe('commune incohérente : code INSEE 57490 (Moyenvic) et code postal 02000 (« Moyenvic »)');
	});

	it('matches names loosely within a postcode', () => {
		expect(resolveMunicipality(lookup, { postcode: '16300', name: 'BARBEZIEUX' }).municipality?.name).toBe('Barbezieux-Saint-Hilaire');
		expect(resolveMunicipality(lookup, { postcode: '37800', name: 'Nouâtre (37)' }).municipality?.inseeCode).toBe('37174');
		expect(resolveMunicipality(lookup, { postcode: '33910', name: 'ST DENIS DE PILE' }).municipality?.inseeCode).toBe('33393');
	});

	it('finds Paris, Lyon, Marseille arrondissements', () => {
		expect(resolveMunicipality(lookup, { postcode: '75019', name: 'PARIS 19' }).municipality?.inseeCode).toBe('75119');
		expect(resolveMunicipality(lookup, { postcode: '69008', name: 'LYON 8EME' }).municipality?.inseeCode).toBe('69388');
		expect(resolveMunicipality(lookup, { postcode: '13013', name: 'Marseille' }).municipality?.inseeCode).toBe('13213');
	});
});

describe('free text → frais, publics', () => {
	it.each([
		['Gratuit : Je peux accéder gratuitement au lieu et à ses services', ['Gratuit']],
		['Gratuit sous condition : La gratuité est conditionnée à des critères', ['Gratuit sous condition']],
		["Payant : L'accès au lieu et/ou à ses services est payant", ['Payant']],
		['Service public non payant. \nReserve aux territoires conventionnes', ['Gratuit sous condition']],
		['0Euro', ['Gratuit']],
		["11 Euro l'adhesion annuelle\ngratuite sous conditions (DE, - 18 ans...)", ['Gratuit sous condition', 'Payant']],
		['Tarifs a voir avec Helene', ['Payant']],
		['Atelier gratuit sur inscription', ['Gratuit']],
		['Selon public et prestation', []],
		['-', []]
	])('%j', (text, values) => {
		expect(detectFrais(text).values).toEqual(values);
	});

	it('finds publics', () => {
		expect(detectPublics('Seniors et seniors en situation de handicap psychique').map((t) => ('value' in t ? t.value : t.field))).toEqual([
			'Seniors',
			'Handicaps mentaux'
		]);
		expect(detectPublics('Les jeunes de 16 a 25 ans en descolarisation').map((t) => ('value' in t ? t.value : t.field))).toEqual(['Jeunes']);
	});
});

describe('test lookup', () => {
	it('ignores accents, case, hyphens, ST/SAINT and articles', () => {
		expect(municipalityNameKey("L'Abergement-Clémenciat")).toBe(municipalityNameKey('abergement clemenciat'));
		expect(lookup.byName('ST MEDARD EN JALLES')?.inseeCode).toBe('33449');
		expect(lookup.byName('Le Haillan', { postcode: '33185' })?.inseeCode).toBe('33200');
		expect(lookup.byPostcode('33000').map((m) => m.inseeCode)).toEqual(['33063']);
		expect(lookup.byInsee('75056')?.postcodes.length).toBe(21);
	});
});
