import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { sharedDataDir } from '../paths.ts';
import type { PlaceFields, StandardRecord } from './types.ts';
import { cellOrder, contentHash, isValidRna, isValidSiret, parseStandardRecord, toStandardRecord, type ParsedPlace } from './model.ts';
import { extractPhones, matchVocabulary, normalizeDate, normalizeKey, normalizePhone, normalizeUrl, plainDecimal } from './values.ts';
import { STANDARD_FIELDS, VOCABULARIES, FIELD_TO_KEY } from './vocabulary.ts';

const TODAY = '2025-06-01';

const base: StandardRecord = {
	id: 'lieu-1',
	pivot: '43493312300029',
	nom: 'Médiathèque de Pessac',
	commune: 'Pessac',
	code_postal: '33600',
	adresse: '21 rue de Camponac',
	date_maj: '2024-04-02',
	services: 'Aide aux démarches administratives'
};

function ok(rec: StandardRecord, opts: { today?: string; fileDate?: string } = {}) {
	const r = parseStandardRecord(rec, { today: TODAY, ...opts });
	if (!r.ok) throw new Error('rejected: ' + r.errors.join(' / '));
	return r;
}
function errorsOf(rec: StandardRecord) {
	const r = parseStandardRecord(rec, { today: TODAY });
	if (r.ok) throw new Error('accepted');
	return r.errors;
}

// ——— generators ———

const digit = fc.constantFrom(...'0123456789');
const digits = (n: number) => fc.string({ unit: digit, minLength: n, maxLength: n });
const upperAlnum = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');

function luhnSum(s: string): number {
	let sum = 0;
	for (let i = 0; i < s.length; i++) {
		let d = +s[i];
		if ((s.length - i) % 2 === 0) {
			d *= 2;
			if (d > 9) d -= 9;
		}
		sum += d;
	}
	return sum;
}
/** The check digit that makes prefix + digit pass Luhn. */
function luhnKey(prefix13: string): string {
	for (let k = 0; k < 10; k++) if (luhnSum(prefix13 + k) % 10 === 0) return String(k);
	throw new Error('unreachable');
}
const siretArb = digits(13)
	.map((p) => p + luhnKey(p))
	.filter((s) => s !== '00000000000000');
const laPosteSiretArb = digits(4).map((nic4) => {
	const p = '356000000' + nic4;
	const sum = [...p].reduce((a, b) => a + +b, 0);
	return p + String((5 - (sum % 5)) % 5);
});
const rnaArb = fc.string({ unit: upperAlnum, minLength: 9, maxLength: 9 }).map((s) => 'W' + s);

/** A valid French national significant number (9 digits, no trunk 0). */
const frenchNsnArb = fc
	.tuple(fc.constantFrom('1', '2', '3', '4', '5', '6', '7', '9'), digits(8))
	.map(([a, b]) => a + b)
	.filter((nsn) => {
		if (/^(26[239]|59[046]|69[0-7]|639)/.test(nsn)) return false; // overseas prefixes: tested apart
		const p = parsePhoneNumberFromString('+33' + nsn);
		return !!p && p.isValid();
	});

const pairs = (s: string) => s.match(/../g)!.join(' ');
const writtenForms = (nsn: string) => {
	const national = '0' + nsn;
	return [
		pairs(national),
		national,
		national.match(/../g)!.join('.'),
		national.match(/../g)!.join('-'),
		'+33 ' + nsn[0] + ' ' + pairs(nsn.slice(1)),
		'+33' + nsn,
		'33' + nsn,
		'0033 ' + nsn,
		'+33 (0)' + nsn[0] + ' ' + pairs(nsn.slice(1)),
		'Tél.\u00a0: ' + pairs(national)
	];
};

const vocabValue = (field: keyof typeof VOCABULARIES) => fc.constantFrom(...(VOCABULARIES[field] as readonly string[]));
const vocabList = (field: keyof typeof VOCABULARIES) => fc.uniqueArray(vocabValue(field), { maxLength: 4 });

const cleanText = fc
	.stringMatching(/^[A-Za-zÀÂÇÉÈÊËÎÏÔÛÙÜàâçéèêëîïôûùüœ0-9'’ -]{1,40}$/)
	.map((s) => s.replace(/\s+/g, ' ').trim())
	.filter((s) => s.length > 0);
const isoDateArb = fc
	.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2025-05-31T00:00:00Z'), noInvalidDate: true })
	.map((d) => d.toISOString().slice(0, 10));
// a label with "--" in 3rd and 4th position is an IDNA label ("xn--…"): it must be valid punycode, which a random one is not (the validator rightly refuses "xn--0.fr")
const domainArb = fc
	.tuple(
		fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/).filter((l) => l.slice(2, 4) !== '--'),
		fc.constantFrom('fr', 'com', 'org', 'bzh', 'gouv.fr')
	)
	.map(([a, b]) => `${a}.${b}`);
const horairesArb = fc.constantFrom(
	'Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00',
	'week 1-53/2 Mo 09:30-12:30,13:30-15:30; PH off',
	'Tu,Th 09:00-12:30,13:30-17:30',
	'Mo 13:30-17:30;Tu 08:30-12:15,13:30-17:30',
	'Mo-Fr 08:00-12:00 "sur rendez-vous"',
	'24/7'
);

/** A place our parser produces with no warning at all. */
const validPlaceArb: fc.Arbitrary<PlaceFields> = fc
	.record({
		id: fc.stringMatching(/^[a-z0-9-]{1,30}$/),
		pivot: fc.oneof(siretArb, rnaArb, laPosteSiretArb),
		nom: cleanText,
		commune: cleanText,
		codePostal: digits(5),
		codeInsee: fc.option(
			fc.oneof(
				digits(3).map((d) => '33' + d),
				digits(3).map((d) => '2A' + d),
				digits(3).map((d) => '2B' + d)
			),
			{ nil: null }
		),
		adresse: cleanText,
		complementAdresse: fc.option(cleanText, { nil: null }),
		coords: fc.option(
			fc.tuple(fc.double({ min: -90, max: 90, noNaN: true }), fc.double({ min: -180, max: 180, noNaN: true })).filter(([a, b]) => !(a === 0 && b === 0)),
			{ nil: null }
		),
		typologie: vocabList('typologie'),
		telephone: fc.option(
			frenchNsnArb.map((n) => '+33' + n),
			{ nil: null }
		),
		courriels: fc.uniqueArray(
			fc
				.tuple(fc.stringMatching(/^[a-z0-9]([a-z0-9._-]{0,10}[a-z0-9])?$/), domainArb)
				.map(([l, d]) => `${l}@${d}`)
				.filter((e) => !e.includes('..')),
			{ maxLength: 3 }
		),
		siteWeb: fc.uniqueArray(
			fc.tuple(fc.constantFrom('https://', 'http://'), domainArb, fc.constantFrom('', '/', '/contact', '/a-b/c?x=1')).map((p) => p.join('')),
			{ maxLength: 3 }
		),
		horaires: fc.option(horairesArb, { nil: null }),
		presentationResume: fc.option(cleanText, { nil: null }),
		presentationDetail: fc.option(
			fc.array(cleanText, { minLength: 1, maxLength: 3 }).map((l) => l.join('\n')),
			{ nil: null }
		),
		source: fc.option(cleanText, { nil: null }),
		itinerance: vocabList('itinerance'),
		structureParente: fc.option(cleanText, { nil: null }),
		dateMaj: isoDateArb,
		services: fc.uniqueArray(vocabValue('services'), { minLength: 1, maxLength: 4 }),
		publicsSpecifiquementAdresses: vocabList('publics_specifiquement_adresses'),
		priseEnChargeSpecifique: vocabList('prise_en_charge_specifique'),
		fraisACharge: vocabList('frais_a_charge'),
		dispositifProgrammesNationaux: vocabList('dispositif_programmes_nationaux'),
		formationsLabels: vocabList('formations_labels'),
		// in the order the parser stores them: one that starts no formula once joined in a CSV cell
		autresFormationsLabels: fc.uniqueArray(cleanText, { maxLength: 2 }).filter((l) => cellOrder(l).join('|') === l.join('|')),
		modalitesAcces: vocabList('modalites_acces'),
		modalitesAccompagnement: vocabList('modalites_accompagnement'),
		ficheAccesLibre: fc.option(
			domainArb.map((d) => `https://acceslibre.beta.gouv.fr/app/${d}/`),
			{ nil: null }
		),
		priseRdv: fc.option(
			domainArb.map((d) => `https://${d}/rdv`),
			{ nil: null }
		)
	})
	.map(({ coords, ...p }) => ({ ...p, latitude: coords ? coords[0] + 0 : null, longitude: coords ? coords[1] + 0 : null }));

const messyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.string({ maxLength: 30 }), cleanText);
/** A record as found in real files: messy, partly invalid values. */
const messyRecordArb: fc.Arbitrary<StandardRecord> = fc.record({
	id: fc.oneof(messyText, fc.integer()),
	pivot: fc.oneof(
		siretArb,
		siretArb.map((s) => s.replace(/(...)(...)(...)(.....)/, '$1 $2 $3 $4')),
		rnaArb.map((r) => r.toLowerCase()),
		fc.constant('00000000000000'),
		messyText
	),
	nom: messyText,
	commune: messyText,
	code_postal: fc.oneof(digits(5), fc.integer({ min: 1000, max: 9999 }), messyText),
	code_insee: fc.oneof(digits(5), fc.constant('2a004'), fc.integer({ min: 1000, max: 9999 }).map(String), messyText),
	adresse: messyText,
	complement_adresse: messyText,
	latitude: fc.oneof(
		fc.double(),
		fc.double({ min: -90, max: 90 }).map((d) => String(d).replace('.', ',')),
		fc.constant(null),
		messyText
	),
	longitude: fc.oneof(fc.double(), fc.double({ min: -180, max: 180 }), fc.constant(null), messyText),
	typologie: fc.oneof(
		vocabList('typologie').map((l) => l.map((x) => x.toLowerCase()).join(';')),
		messyText
	),
	telephone: fc.oneof(
		frenchNsnArb.chain((n) => fc.constantFrom(...writtenForms(n))),
		fc.constant('05 57 65 75 39 / 06 12 34 56 78'),
		messyText
	),
	courriels: fc.oneof(fc.constant('a@b.fr; c@d.com , bad@@x|e@f.org'), messyText),
	site_web: fc.oneof(fc.constant('www.ville.fr|https://x.fr/a;www.y.fr'), domainArb, messyText),
	horaires: fc.oneof(horairesArb, fc.constantFrom('mo-fr 9h-12h', 'We 09:00-09:00,14:00-17:00', 'Mo-Th 10h00-12h30', 'garbage'), messyText),
	presentation_resume: fc.oneof(fc.string({ maxLength: 400 }), fc.constant('mot '.repeat(100))),
	presentation_detail: fc.string({ unit: 'binary', maxLength: 100 }),
	source: messyText,
	itinerance: fc.oneof(fc.constant('itinerant|FIXE'), messyText),
	structure_parente: messyText,
	date_maj: fc.oneof(
		isoDateArb,
		isoDateArb.map((d) => d.split('-').reverse().join('/')),
		fc.constant('1969-12-31'),
		fc.constant('2099-01-01'),
		fc.constant('2023-02-21T23:30:00.000Z'),
		messyText
	),
	services: fc.oneof(
		vocabList('services').map((l) => l.join('|')),
		fc.constant('Comprehension du monde numerique; aide aux demarches administratives ;inconnu'),
		messyText
	),
	publics_specifiquement_adresses: fc.oneof(
		vocabList('publics_specifiquement_adresses').map((l) => l.join('|')),
		messyText
	),
	prise_en_charge_specifique: vocabList('prise_en_charge_specifique').map((l) => l.join('|')),
	frais_a_charge: fc.oneof(fc.constant('gratuit|Payant|gratuit'), messyText),
	dispositif_programmes_nationaux: vocabList('dispositif_programmes_nationaux').map((l) => l.join(' | ')),
	formations_labels: fc.oneof(
		fc.constant('Étapes numériques(La Poste)'),
		vocabList('formations_labels').map((l) => l.join('|'))
	),
	autres_formations_labels: messyText,
	modalites_acces: vocabList('modalites_acces').map((l) => l.join('|')),
	modalites_accompagnement: fc.oneof(
		fc.constant("Dans un atelier collectif\u00a0: j'apprends collectivement à utiliser le numérique|À distance (par téléphone ou en visioconférence)"),
		messyText
	),
	fiche_acces_libre: fc.oneof(domainArb, messyText),
	prise_rdv: fc.oneof(
		domainArb.map((d) => 'http://' + d),
		messyText
	)
});

/** Warnings a valid place may carry again on re-reading: conventions accepted with a notice. */
/** warnings a value gives each time it is read (a convention, a date kept as unknown) */
const CONVENTION_WARNINGS =
	/^(pivot\s: SIRET inconnu|services\s: aucun service|date_maj\s: la date \d{4}-\d\d-\d\d n’est pas une vraie date de mise à jour\s; conservée)/;

// ——— tests ———

describe('SIRET', () => {
	it('accepts known valid SIRETs, including La Poste', () => {
		expect(isValidSiret('43493312300029')).toBe(true);
		expect(isValidSiret('434 933 123 00029')).toBe(true);
		expect(isValidSiret('35600000000048')).toBe(true); // La Poste, Luhn
		expect(isValidSiret('35600000068539')).toBe(true); // La Poste, sum of digits multiple of 5
		expect(isValidSiret('35600000068538')).toBe(false);
		expect(isValidSiret('00000000000000')).toBe(false);
		expect(isValidSiret('4349331230002')).toBe(false);
		expect(isValidSiret('4349331230002A')).toBe(false);
		expect(isValidSiret('')).toBe(false);
	});

	it('accepts every SIRET with a computed Luhn key', () => {
		fc.assert(fc.property(siretArb, (s) => isValidSiret(s)));
	});

	it('detects every single-digit change', () => {
		fc.assert(
			fc.property(siretArb, fc.integer({ min: 0, max: 13 }), fc.integer({ min: 1, max: 9 }), (s, pos, delta) => {
				const changed = s.slice(0, pos) + String((+s[pos] + delta) % 10) + s.slice(pos + 1);
				fc.pre(!s.startsWith('356000000') && !changed.startsWith('356000000') && changed !== '00000000000000');
				return !isValidSiret(changed);
			}),
			{ numRuns: 2000 }
		);
	});

	it('accepts La Poste establishments by the sum-of-digits rule', () => {
		fc.assert(fc.property(laPosteSiretArb, (s) => isValidSiret(s)));
	});

	it('rejects a record whose SIRET key is wrong, in French, naming the field', () => {
		expect(errorsOf({ ...base, pivot: '12345678901234' })).toEqual(['pivot\u00a0: le SIRET 12345678901234 a une clé de contrôle invalide']);
	});

	it('accepts the "unknown" convention with a warning', () => {
		const r = ok({ ...base, pivot: '00000000000000' });
		expect(r.place.pivot).toBe('00000000000000');
		expect(r.warnings).toEqual(['pivot\u00a0: SIRET inconnu (00000000000000, convention nationale)']);
	});

	it('normalises spaces and rejects a SIREN or garbage', () => {
		expect(ok({ ...base, pivot: ' 434 933 123 00029 ' }).place.pivot).toBe('43493312300029');
		expect(errorsOf({ ...base, pivot: '434933123' })[0]).toMatch(/^pivot\s: 434933123 est un SIREN/);
		expect(errorsOf({ ...base, pivot: 'inconnu' })[0]).toMatch(/^pivot\s: « inconnu » n’est ni un SIRET/);
		expect(errorsOf({ ...base, pivot: '' })).toEqual(['pivot\u00a0: champ obligatoire manquant (SIRET ou RNA)']);
	});
});

describe('RNA', () => {
	it('accepts W + 9 alphanumerics, any case, spaces ignored', () => {
		fc.assert(
			fc.property(rnaArb, fc.integer({ min: 1, max: 9 }), (rna, at) => {
				const spaced = (rna.slice(0, at) + ' ' + rna.slice(at)).toLowerCase();
				const r = parseStandardRecord({ ...base, pivot: spaced }, { today: TODAY });
				return isValidRna(rna) && isValidRna(spaced) && r.ok && r.place.pivot === rna;
			})
		);
	});
	it('rejects other lengths and other letters', () => {
		fc.assert(
			fc.property(
				fc.string({ unit: upperAlnum, minLength: 0, maxLength: 12 }).filter((s) => s.length !== 9),
				(s) => !isValidRna('W' + s)
			)
		);
		expect(isValidRna('X123456789')).toBe(false);
		expect(isValidRna('W33200123-')).toBe(false);
		expect(isValidRna('W332001234')).toBe(true);
	});
});

describe('telephone', () => {
	it('normalises every written form of a French number to the same E.164', () => {
		fc.assert(
			fc.property(frenchNsnArb, (nsn) => {
				for (const form of writtenForms(nsn)) expect(normalizePhone(form), form).toBe('+33' + nsn);
			}),
			{ numRuns: 300 }
		);
	});

	it('handles the Gironde file forms and overseas numbers', () => {
		expect(normalizePhone('05 57 65 75 39')).toBe('+33557657539');
		expect(normalizePhone('0557657539')).toBe('+33557657539');
		expect(normalizePhone('+33 5 57 65 75 39')).toBe('+33557657539');
		expect(normalizePhone('33557657539')).toBe('+33557657539');
		expect(normalizePhone(557657539)).toBe('+33557657539'); // trunk 0 lost by a spreadsheet
		expect(normalizePhone('0590 12 34 56')).toBe('+590590123456');
		expect(normalizePhone('+33 590 12 34 56')).toBe('+590590123456');
		expect(normalizePhone('0690 23 01 36')).toBe('+590690230136');
		expect(normalizePhone('+594694020905')).toBe('+594694020905');
		expect(normalizePhone('0262 33 45 65')).toBe('+262262334565');
		expect(normalizePhone('0692 88 72 64')).toBe('+262692887264');
		expect(normalizePhone('0269 66 20 10')).toBe('+262269662010');
		expect(normalizePhone('+269269662010')).toBe('+262269662010');
		expect(normalizePhone('+596596675913')).toBe('+596596675913');
		expect(normalizePhone('+508 41 12 34')).toBe('+508411234');
		expect(normalizePhone('3939')).toBeNull();
		expect(normalizePhone('05 57 65 75')).toBeNull();
		expect(normalizePhone('')).toBeNull();
	});

	it('normalises overseas numbers written nationally or internationally', () => {
		const overseasCode = (nsn: string) => (/^(590|690)/.test(nsn) ? '590' : /^(594|694)/.test(nsn) ? '594' : /^(596|696)/.test(nsn) ? '596' : '262');
		const overseas = fc
			.tuple(fc.constantFrom('590', '690', '594', '694', '596', '696', '262', '692', '693', '269', '639'), digits(6))
			.map(([p, d]) => p + d)
			.filter((nsn) => {
				const p = parsePhoneNumberFromString('+' + overseasCode(nsn) + nsn);
				return !!p && p.isValid();
			});
		fc.assert(
			fc.property(overseas, (nsn) => {
				const expected = normalizePhone('+33' + nsn);
				expect(expected).toBe('+' + overseasCode(nsn) + nsn);
				expect(normalizePhone('0' + nsn)).toBe(expected);
				expect(normalizePhone(pairs('0' + nsn))).toBe(expected);
				expect(normalizePhone(expected!.slice(1))).toBe(expected);
			}),
			{ numRuns: 200 }
		);
	});

	it('keeps the first of several numbers, with a warning', () => {
		for (const raw of [
			'05 57 65 75 39 / 06 12 34 56 78',
			'05 57 65 75 39 - 06 12 34 56 78',
			'0557657539 0612345678',
			'05 57 65 75 39 ou 06 12 34 56 78',
			'+33557657539;+33612345678'
		]) {
			expect(extractPhones(raw).numbers, raw).toEqual(['+33557657539', '+33612345678']);
			const r = ok({ ...base, telephone: raw });
			expect(r.place.telephone).toBe('+33557657539');
			expect(r.warnings).toEqual(['telephone\u00a0: plusieurs numéros (+33557657539, +33612345678)\u00a0; seul le premier est gardé']);
		}
	});

	it('drops invalid and foreign numbers with a warning', () => {
		let r = ok({ ...base, telephone: '12' });
		expect(r.place.telephone).toBeNull();
		expect(r.warnings).toEqual(['telephone\u00a0: « 12 » n’est pas un numéro de téléphone valide (exemple\u00a0: 05 53 69 47 47)\u00a0; valeur ignorée']);
		r = ok({ ...base, telephone: '+32 2 555 12 12' });
		expect(r.place.telephone).toBeNull();
		expect(r.warnings[0]).toMatch(/^telephone\s: « \+32 2 555 12 12 » n’est pas un numéro français/);
	});

	it('always produces values matching the schema pattern', () => {
		const pattern = /^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)(\d){6,9}$/;
		fc.assert(
			fc.property(fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom(...'0123456789 +.-/()') })), (raw) => {
				for (const n of extractPhones(raw).numbers) expect(n).toMatch(pattern);
			}),
			{ numRuns: 2000 }
		);
	});
});

describe('code_postal and code_insee', () => {
	it('keeps 5-digit postcodes', () => {
		fc.assert(
			fc.property(digits(5), (cp) => {
				const r = ok({ ...base, code_postal: cp });
				return r.place.codePostal === cp && r.warnings.length === 0;
			})
		);
	});
	it('left-pads 4-digit numbers with a warning', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1000, max: 9999 }), (n) => {
				const r = ok({ ...base, code_postal: n });
				expect(r.place.codePostal).toBe('0' + n);
				expect(r.warnings).toEqual([`code_postal\u00a0: ${n} complété en 0${n} (zéro initial perdu)`]);
			})
		);
		expect(ok({ ...base, code_postal: 1400 }).place.codePostal).toBe('01400');
	});
	it('rejects anything else', () => {
		fc.assert(
			fc.property(
				fc.oneof(digits(3), digits(6), fc.string({ minLength: 1 })).filter((s) => !/^\s*\d{4,5}\s*$/.test(s.replace(/\s+/g, '')) && s.trim() !== ''),
				(cp) => {
					const r = parseStandardRecord({ ...base, code_postal: cp }, { today: TODAY });
					return !r.ok && r.errors.some((e) => e.startsWith('code_postal\u00a0: '));
				}
			)
		);
		expect(errorsOf({ ...base, code_postal: '' })).toEqual(['code_postal\u00a0: champ obligatoire manquant']);
	});
	it('checks code_insee, including Corsica, and drops invalid ones with a warning', () => {
		expect(ok({ ...base, code_insee: '33318' }).place.codeInsee).toBe('33318');
		expect(ok({ ...base, code_insee: '2a004' }).place.codeInsee).toBe('2A004');
		expect(ok({ ...base, code_insee: '2B033' }).place.codeInsee).toBe('2B033');
		expect(ok({ ...base, code_insee: '97411' }).place.codeInsee).toBe('97411');
		const padded = ok({ ...base, code_insee: 1053 });
		expect(padded.place.codeInsee).toBe('01053');
		expect(padded.warnings).toEqual(['code_insee\u00a0: 1053 complété en 01053 (zéro initial perdu)']);
		for (const bad of ['20004', '2C004', '123', 'abcde']) {
			const r = ok({ ...base, code_insee: bad });
			expect(r.place.codeInsee).toBeNull();
			expect(r.warnings[0]).toMatch(/^code_insee\s: /);
		}
	});
});

describe('latitude and longitude', () => {
	it('accepts both, in range, as numbers or strings (decimal comma too)', () => {
		const r = ok({ ...base, latitude: '44,839574881764', longitude: -0.58023800736287 });
		expect([r.place.latitude, r.place.longitude]).toEqual([44.839574881764, -0.58023800736287]);
		expect(r.warnings).toEqual([]);
	});
	it('drops one without the other, out-of-range, (0, 0) and garbage, with a warning', () => {
		for (const [lat, lon] of [
			[44.8, null],
			[null, -0.5],
			[91, 0.5],
			[44, 181],
			[0, 0],
			['abc', 1],
			['1e', 2]
		] as const) {
			const r = ok({ ...base, latitude: lat, longitude: lon });
			expect([r.place.latitude, r.place.longitude]).toEqual([null, null]);
			expect(r.warnings.length).toBe(1);
			expect(r.warnings[0]).toMatch(/^latitude\/longitude\s: /);
		}
		expect(ok({ ...base, latitude: '', longitude: '' }).warnings).toEqual([]);
	});
	it('prints numbers as plain decimals that read back the same', () => {
		fc.assert(
			fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
				const s = plainDecimal(n);
				return !/e/i.test(s) && Number(s) === n + 0;
			})
		);
		expect(plainDecimal(1e-7)).toBe('0.0000001');
		expect(plainDecimal(-1.5e-10)).toBe('-0.00000000015');
		expect(plainDecimal(44.84)).toBe('44.84');
	});
});

describe('courriels, site_web and URLs', () => {
	it('splits e-mails on | ; , and spaces, drops invalid ones with a warning', () => {
		const r = ok({ ...base, courriels: 'contact@laquincaillerie.tl|responsable@LaQuincaillerie.TL; mailto:x@y.fr , pas-un-mail  z@w.org' });
		expect(r.place.courriels).toEqual(['contact@laquincaillerie.tl', 'responsable@laquincaillerie.tl', 'x@y.fr', 'z@w.org']);
		expect(r.warnings).toEqual(['courriels\u00a0: adresse(s) invalide(s) ignorée(s)\u00a0: « pas-un-mail »']);
	});
	it('warns but does not reject when every address is invalid', () => {
		const r = ok({ ...base, courriels: 'secrétariat-kissel@groupe-sos.org' });
		expect(r.place.courriels).toEqual([]);
		expect(r.warnings).toEqual(['courriels\u00a0: aucune adresse valide dans « secrétariat-kissel@groupe-sos.org »\u00a0; valeur ignorée']);
	});
	it('adds https:// when the scheme is missing and drops invalid URLs', () => {
		expect(normalizeUrl('abracodabra.fr')).toBe('https://abracodabra.fr');
		expect(normalizeUrl('www.ville.fr/contact')).toBe('https://www.ville.fr/contact');
		expect(normalizeUrl('http://www.verdille.fr/')).toBe('http://www.verdille.fr/');
		expect(normalizeUrl('HTTPS://WWW.X.FR')).toBe('HTTPS://WWW.X.FR');
		for (const bad of ['http//www.x.fr', 'ftp://x.fr', 'mailto:a@b.fr', 'pas une url', 'localhost', 'https://', 'x']) expect(normalizeUrl(bad), bad).toBeNull();
		const r = ok({ ...base, site_web: 'www.ville.fr|https://m.facebook.com/page/ ; www.autre.fr pas-une-url' });
		expect(r.place.siteWeb).toEqual(['https://www.ville.fr', 'https://m.facebook.com/page/', 'https://www.autre.fr']);
		expect(r.warnings).toEqual(['site_web\u00a0: adresse(s) web invalide(s) ignorée(s)\u00a0: « pas-une-url »']);
	});
	it('is idempotent', () => {
		fc.assert(
			fc.property(fc.string(), (s) => {
				const u = normalizeUrl(s);
				return u === null || normalizeUrl(u) === u;
			})
		);
	});
	it('checks fiche_acces_libre and prise_rdv', () => {
		const r = ok({ ...base, fiche_acces_libre: 'acceslibre.beta.gouv.fr/app/16-saint-fraigne/', prise_rdv: 'rdv !' }); // typography: ignore (outside data)
		expect(r.place.ficheAccesLibre).toBe('https://acceslibre.beta.gouv.fr/app/16-saint-fraigne/');
		expect(r.place.priseRdv).toBeNull();
		expect(r.warnings).toEqual(['prise_rdv\u00a0: « rdv ! » n’est pas une adresse web valide\u00a0; valeur ignorée']); // typography: ignore (quotes the data)
	});
});

describe('texts', () => {
	it('truncates presentation_resume at a word boundary with an ellipsis and a warning', () => {
		const long = 'Notre association propose des formations aux outils numériques '.repeat(6);
		const r = ok({ ...base, presentation_resume: long });
		const v = r.place.presentationResume!;
		expect(Array.from(v).length).toBeLessThanOrEqual(280);
		expect(v.endsWith('…')).toBe(true);
		expect(long.startsWith(v.slice(0, -1))).toBe(true);
		expect(long[v.length - 1]).toMatch(/\s/); // cut before a space
		expect(r.warnings).toEqual([`presentation_resume\u00a0: ${long.trim().length} caractères (280 au plus)\u00a0; texte tronqué`]);
		const exact = 'é'.repeat(280);
		expect(ok({ ...base, presentation_resume: exact }).place.presentationResume).toBe(exact);
	});
	it('never yields a resume over 280 characters', () => {
		fc.assert(
			fc.property(fc.string({ unit: 'grapheme', maxLength: 600 }), (s) => {
				const r = ok({ ...base, presentation_resume: s });
				return r.place.presentationResume === null || Array.from(r.place.presentationResume).length <= 280;
			})
		);
	});
	it('collapses whitespace in one-line fields and keeps lines in presentation_detail', () => {
		const r = ok({ ...base, nom: '  Espace\u00a0numérique \n  de Mérignac ', presentation_detail: 'Ligne 1\r\nLigne 2\u0000' });
		expect(r.place.nom).toBe('Espace numérique de Mérignac');
		expect(r.place.presentationDetail).toBe('Ligne 1\nLigne 2');
	});
	it('lists every missing required field', () => {
		expect(errorsOf({})).toEqual([
			'id\u00a0: champ obligatoire manquant',
			'nom\u00a0: champ obligatoire manquant',
			'commune\u00a0: champ obligatoire manquant',
			'adresse\u00a0: champ obligatoire manquant',
			'pivot\u00a0: champ obligatoire manquant (SIRET ou RNA)',
			'code_postal\u00a0: champ obligatoire manquant',
			'date_maj\u00a0: champ obligatoire manquant'
		]);
	});
});

describe('horaires', () => {
	it('keeps valid values, corrects fixable ones and drops invalid ones with a warning naming the value', () => {
		expect(ok({ ...base, horaires: 'week 1-53/2 Mo 09:30-12:30,13:30-15:30; PH off' }).place.horaires).toBe('week 1-53/2 Mo 09:30-12:30,13:30-15:30; PH off');
		let r = ok({ ...base, horaires: 'Mo-Fr 09:00-12:00; Tu 12:30' });
		expect(r.place.horaires).toBeNull();
		expect(r.warnings).toHaveLength(1);
		expect(r.warnings[0]).toMatch(/^horaires\s: « Mo-Fr 09:00-12:00; Tu 12:30 » ne respecte pas le format OpenStreetMap \(.+\)\s; valeur ignorée$/);
		r = ok({ ...base, horaires: 'We 09:00-09:00,14:00-17:00' });
		expect(r.place.horaires).toBe('We 14:00-17:00');
		expect(r.warnings).toEqual(['horaires\u00a0: « We 09:00-09:00,14:00-17:00 » corrigées en « We 14:00-17:00 »']);
	});
});

describe('date_maj', () => {
	it('normalises dd/mm/yyyy and ISO date-times', () => {
		expect(ok({ ...base, date_maj: '07/12/2021' }).place.dateMaj).toBe('2021-12-07');
		expect(ok({ ...base, date_maj: '2023-02-21T10:00:00' }).place.dateMaj).toBe('2023-02-21');
		expect(ok({ ...base, date_maj: '2023-02-21T23:30:00.000Z' }).place.dateMaj).toBe('2023-02-22'); // Paris date
		expect(ok({ ...base, date_maj: '2023-07-14 08:00:00+02:00' }).place.dateMaj).toBe('2023-07-14');
		expect(normalizeDate('2023-07-14T23:30:00+0200')).toBe('2023-07-14');
		expect(normalizeDate('2023-07-14T22:30:00-01')).toBe('2023-07-15');
		expect(normalizeDate('2023-07-14T25:30:00Z')).toBeNull();
		expect(normalizeDate('2023-02-30')).toBeNull();
		expect(normalizeDate('29/02/2024')).toBe('2024-02-29');
	});
	it('never makes a date fresher than its source: an unknown date (before 2000) takes the file’s date or stays, with a warning', () => {
		let r = ok({ ...base, date_maj: '1969-12-31' });
		expect(r.place.dateMaj).toBe('1969-12-31');
		expect(r.warnings).toEqual([
			'date_maj\u00a0: la date 1969-12-31 n’est pas une vraie date de mise à jour\u00a0; conservée telle quelle (le lieu est à vérifier)'
		]);
		r = ok({ ...base, date_maj: '1970-01-01' }, { fileDate: '2023-05-17' });
		expect(r.place.dateMaj).toBe('2023-05-17');
		expect(r.warnings).toEqual(['date_maj\u00a0: la date 1970-01-01 n’est pas une vraie date de mise à jour\u00a0; date du fichier retenue (2023-05-17)']);
		r = ok({ ...base, date_maj: '2030-01-01' });
		expect(r.place.dateMaj).toBe(TODAY);
		expect(r.warnings).toEqual([`date_maj\u00a0: la date 2030-01-01 est dans le futur\u00a0; remplacée par la date du jour (${TODAY})`]);
		r = ok({ ...base, date_maj: '2030-01-01' }, { fileDate: '2024-02-01' });
		expect(r.place.dateMaj).toBe('2024-02-01');
		expect(ok({ ...base, date_maj: TODAY }).warnings).toEqual([]);
	});
	it('defaults today to the Paris date', () => {
		const r = parseStandardRecord({ ...base, date_maj: '2999-01-01' });
		expect(r.ok && r.place.dateMaj).toMatch(/^20\d\d-\d\d-\d\d$/);
	});
	it('rejects an unreadable date', () => {
		expect(errorsOf({ ...base, date_maj: 'hier' })).toEqual(['date_maj\u00a0: « hier » n’est pas une date (AAAA-MM-JJ attendu)']);
	});
});

describe('vocabularies', () => {
	it('matches case-, accent- and punctuation-insensitively, splits on | and ;, dedupes, drops unknown values with a warning', () => {
		const r = ok({
			...base,
			services: 'Comprehension du monde numerique; AIDE AUX DÉMARCHES ADMINISTRATIVES | aide aux démarches administratives|Prendre en main un ordinateur',
			frais_a_charge: 'gratuit|Gratuit sous condition',
			formations_labels: 'Étapes numériques(La Poste)',
			modalites_accompagnement:
				"Dans un atelier collectif\u00a0: j'apprends collectivement à utiliser le numérique|À distance (par téléphone ou en visioconférence)",
			typologie: 'tiers_lieux|asso|XYZ',
			itinerance: 'itinerant'
		});
		expect(r.place.services).toEqual(['Compréhension du monde numérique', 'Aide aux démarches administratives']);
		expect(r.place.fraisACharge).toEqual(['Gratuit', 'Gratuit sous condition']);
		expect(r.place.formationsLabels).toEqual(['Étapes numériques (La Poste)']);
		expect(r.place.modalitesAccompagnement).toEqual(['Dans un atelier collectif', 'À distance']);
		expect(r.place.typologie).toEqual(['TIERS_LIEUX', 'ASSO']);
		expect(r.place.itinerance).toEqual(['Itinérant']);
		expect(r.warnings).toEqual([
			'services\u00a0: valeur hors vocabulaire ignorée\u00a0: « Prendre en main un ordinateur »',
			'typologie\u00a0: valeur hors vocabulaire ignorée\u00a0: « XYZ »'
		]);
	});
	it('keeps a record without any service, with a warning (the schema does not require services)', () => {
		const r = ok({ ...base, services: '' });
		expect(r.place.services).toEqual([]);
		expect(r.warnings).toEqual(['services\u00a0: aucun service du référentiel renseigné']);
	});
	it('has no two values of a vocabulary with the same key', () => {
		for (const [field, values] of Object.entries(VOCABULARIES)) {
			const keys = new Set(values.map((v) => normalizeKey(v)));
			expect(keys.size, field).toBe(values.length);
			for (const v of values) expect(matchVocabulary(field as keyof typeof VOCABULARIES, v)).toBe(v);
		}
	});
});

describe('normalizeKey and contentHash', () => {
	it('folds case, accents and punctuation', () => {
		expect(normalizeKey('  Saint-Médard-en-Jalles ')).toBe('saint medard en jalles');
		expect(normalizeKey("L'Œuvre  d’ÉMMAÜS")).toBe('l oeuvre d emmaus');
		expect(normalizeKey('CCAS de Bègles (33130)')).toBe('ccas de begles 33130');
		expect(normalizeKey('')).toBe('');
		fc.assert(
			fc.property(fc.string({ unit: 'grapheme' }), (s) => {
				const k = normalizeKey(s);
				return /^([a-z0-9]+( [a-z0-9]+)*)?$/.test(k) && normalizeKey(k) === k;
			})
		);
	});
	it('hashes content, not list order nor id', () => {
		fc.assert(
			fc.property(validPlaceArb, (p) => {
				const h = contentHash(p);
				expect(h).toMatch(/^[0-9a-f]{64}$/);
				expect(contentHash({ ...p, id: 'autre', services: [...p.services].reverse(), typologie: [...p.typologie].reverse() })).toBe(h);
				expect(contentHash({ ...p, nom: p.nom + ' bis' })).not.toBe(h);
				expect(contentHash({ ...p, telephone: p.telephone ? null : '+33557657539' })).not.toBe(h);
			}),
			{ numRuns: 100 }
		);
	});
});

describe('toStandardRecord / parseStandardRecord round trip', () => {
	it('writes every standard field as a string', () => {
		fc.assert(
			fc.property(validPlaceArb, (p) => {
				const rec = toStandardRecord(p);
				expect(Object.keys(rec)).toEqual([...STANDARD_FIELDS]);
				for (const f of STANDARD_FIELDS) expect(typeof rec[f]).toBe('string');
			}),
			{ numRuns: 50 }
		);
	});

	it('gives back any valid place, without warnings', () => {
		fc.assert(
			fc.property(validPlaceArb, (p) => {
				const r = parseStandardRecord(toStandardRecord(p), { today: TODAY });
				expect(r.ok && r.warnings).toEqual([]);
				expect(r.ok && r.place).toEqual(p);
			}),
			{ numRuns: 300 }
		);
	});

	it('is a fixed point for whatever the parser accepts from messy records', () => {
		fc.assert(
			fc.property(messyRecordArb, (rec) => {
				const first = parseStandardRecord(rec, { today: TODAY });
				if (!first.ok) return;
				const again = parseStandardRecord(toStandardRecord(first.place), { today: TODAY });
				expect(again.ok && again.place).toEqual(first.place);
				expect(again.ok && again.warnings.filter((w) => !CONVENTION_WARNINGS.test(w))).toEqual([]);
			}),
			{ numRuns: 500 }
		);
	});

	it('maps every field of PlaceFields', () => {
		expect(Object.keys(FIELD_TO_KEY)).toEqual([...STANDARD_FIELDS]);
	});
});

describe('real files (shared/data/lieux)', () => {
	const files = ['charente-16-schema-v1.json', 'bus-france-services-charente-schema-v1.json', 'conseillers-numeriques-lieux-2022.json'];
	const records: StandardRecord[] = files.flatMap((f) =>
		(JSON.parse(readFileSync(join(sharedDataDir(), 'lieux', f), 'utf8')) as StandardRecord[]).map((r) => ({ ...r, courriels: r.courriel }))
	);

	it('accepts them all but the invalid SIRET keys, and round-trips what it accepts', () => {
		const rejected: string[] = [];
		const accepted: ParsedPlace[] = [];
		for (const r of records) {
			const v = parseStandardRecord(r, { today: TODAY });
			if (v.ok) accepted.push(v.place);
			else rejected.push(...v.errors);
		}
		expect(records.length).toBe(5130);
		expect(rejected.every((e) => /^pivot\s: le SIRET \d{14} a une clé de contrôle invalide$/.test(e))).toBe(true);
		expect(rejected.length).toBe(11);
		for (const p of accepted) {
			const again = parseStandardRecord(toStandardRecord(p), { today: TODAY });
			expect(again.ok && again.place).toEqual(p);
			expect(again.ok && again.warnings.filter((w) => !CONVENTION_WARNINGS.test(w))).toEqual([]);
		}
	});

	it('reads the bus file (week rules, 1969 dates, unknown SIRET)', () => {
		const bus = records.find((r) => r.horaires === 'week 1-53/2 Mo 09:30-12:30,13:30-15:30; PH off')!;
		const r = ok(bus);
		expect(r.place.horaires).toBe('week 1-53/2 Mo 09:30-12:30,13:30-15:30; PH off');
		// an unknown date stays unknown: never today's
		expect(r.place.dateMaj).toBe('1969-12-31');
		expect(r.place.telephone).toBe('+33630392518');
		expect(r.place.pivot).toBe('00000000000000');
	});
});
