/**
 * The national map's records (issue 14, item 6) checked by the validators the component
 * bundles: `@gouvfr-anct/lieux-de-mediation-numerique` 1.22.1 (installed as
 * lieux-de-mediation-numerique-v0; the component 5.22.0 holds a 1.x whose vocabularies and
 * patterns are the same, but for a looser e-mail one). `fromSchemaLieuDeMediationNumerique`
 * is what the component runs on each record: it throws on the first refused value.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
	ConditionAcces,
	fromSchemaLieuDeMediationNumerique,
	fromSchemaLieuxDeMediationNumerique,
	LabelNational,
	ModaliteAccompagnement,
	PublicAccueilli,
	Service,
	Typologie
} from 'lieux-de-mediation-numerique-v0';
import { nationalMapRefusal, toNationalMapRecord, type NationalMapPlace, type NationalMapRecord } from './national-map.ts';
import { V0_CONDITIONS_ACCES, V0_LABELS_NATIONAUX, V0_MODALITES_ACCOMPAGNEMENT, V0_PUBLICS_ACCUEILLIS, V0_SERVICES, V0_TYPOLOGIES } from './vocabulary-v0.ts';
import { SERVICES, VOCABULARIES } from './vocabulary.ts';
import { parseStandardRecord } from './model.ts';
import type { StandardRecord } from './types.ts';

/** the component's reading of one record: its value, or the message of what it refused */
function componentReads(record: unknown): { ok: true } | { ok: false; message: string } {
	try {
		fromSchemaLieuDeMediationNumerique(record as never);
		return { ok: true };
	} catch (e) {
		return { ok: false, message: (e as Error).message };
	}
}

const stored = (rec: StandardRecord, extra: Partial<NationalMapPlace> = {}): NationalMapPlace => {
	const r = parseStandardRecord(rec, { today: '2026-11-18' });
	if (!r.ok) throw new Error(r.errors.join('; '));
	return { ...r.place, locationPrecision: 'address', ...extra };
};

const AGEN: StandardRecord = {
	id: 'lacepede',
	pivot: '21470001500016',
	nom: 'Médiathèque Lacépède',
	commune: 'Agen',
	code_postal: '47000',
	code_insee: '47001',
	adresse: 'Place Armand Fallières',
	latitude: 44.204,
	longitude: 0.619,
	date_maj: '2024-03-12',
	services: 'Aide aux démarches administratives|Maîtrise des outils numériques du quotidien',
	source: 'hub'
};

const convert = (place: NationalMapPlace) => {
	const c = toNationalMapRecord(place);
	if (!c.ok) throw new Error(c.exclusions.map((x) => x.detail).join('; '));
	return c;
};

describe('the v0 vocabularies', () => {
	it.each([
		['services', V0_SERVICES, Service],
		['publics_accueillis', V0_PUBLICS_ACCUEILLIS, PublicAccueilli],
		['conditions_acces', V0_CONDITIONS_ACCES, ConditionAcces],
		['labels_nationaux', V0_LABELS_NATIONAUX, LabelNational],
		['modalites_accompagnement', V0_MODALITES_ACCOMPAGNEMENT, ModaliteAccompagnement],
		['typologie', V0_TYPOLOGIES, Typologie]
	])('%s: exactly the values the component accepts', (_, ours, library) => {
		expect([...ours].sort()).toEqual(Object.values(library).sort());
	});

	it('every v1 service becomes v0 services the component accepts', () => {
		for (const s of SERVICES) {
			const { record } = convert(stored({ ...AGEN, services: s }));
			expect(record.services.split(';').length, s).toBeGreaterThan(0);
			expect(componentReads(record), s).toEqual({ ok: true });
		}
	});
});

describe('a place as the national map reads it', () => {
	it('keeps what the map has words for, in its words, and lists what it has none for', () => {
		const place = stored(
			{
				...AGEN,
				services: 'Accès internet et matériel informatique|Aide aux démarches administratives',
				publics_specifiquement_adresses: 'Seniors|Étudiants',
				prise_en_charge_specifique: 'Surdité|Langues étrangères (anglais)|Langues étrangères (autres)|Handicaps moteurs',
				frais_a_charge: 'Gratuit sous condition',
				modalites_accompagnement: 'En autonomie|À distance',
				dispositif_programmes_nationaux: 'Conseillers numériques|Certification PIX',
				formations_labels: 'Fabriques de Territoire|ORDI 3.0',
				typologie: 'BIB|FT|EPN',
				telephone: '05 53 66 00 00',
				courriels: 'accueil@agen.fr|autre@agen.fr',
				site_web: 'https://agen.fr/mediatheque;jsessionid=1',
				fiche_acces_libre: 'https://acceslibre.beta.gouv.fr/app/47-agen/a/bibliotheque/erp/mediatheque/',
				prise_rdv: 'https://rdv.agen.fr:8443/',
				itinerance: 'Fixe',
				modalites_acces: 'Se présenter',
				horaires: 'Mo-Fr 09:00-18:00'
			},
			// a free label holding the map's separator (the importers split on it, a form may not)
			{ acceptsPass: true, autresFormationsLabels: ['APTIC', 'Réseau; local'] }
		);
		const { record, omitted } = convert(place);
		expect(record).toMatchObject({
			id: 'lacepede',
			pivot: '21470001500016',
			commune: 'Agen',
			code_postal: '47000',
			code_insee: '47001',
			adresse: 'Place Armand Fallières',
			latitude: 44.204,
			longitude: 0.619,
			date_maj: '2024-03-12',
			services: 'Accéder à une connexion internet;Accéder à du matériel;Réaliser des démarches administratives avec un accompagnement',
			publics_accueillis: 'Seniors (+ 65 ans);Surdité;Public langues étrangères',
			// the v0 values as the component spells them
			conditions_acces: [
				'Gratuit sous condition : La gratuité est conditionnée à des critères (situation familiale, convention avec un organisme social...)', // typography: ignore
				"Accepte le Pass numérique : Il est possible d'utiliser un Pass numérique pour accéder au lieu" // typography: ignore
			].join(';'),
			modalites_accompagnement: "Seul : j'ai accès à du matériel et une connexion", // typography: ignore
			labels_nationaux: 'CNFS;Fabriques de Territoire;APTIC',
			labels_autres: 'Certification PIX;ORDI 3.0;Réseau, local',
			typologie: 'BIB;PE',
			telephone: '+33553660000',
			courriel: 'accueil@agen.fr',
			site_web: 'https://agen.fr/mediatheque%3Bjsessionid=1',
			accessibilite: 'https://acceslibre.beta.gouv.fr/app/47-agen/a/bibliotheque/erp/mediatheque/',
			horaires: 'Mo-Fr 09:00-18:00',
			source: 'hub'
		});
		expect(record.prise_rdv).toBeUndefined(); // a port: the component's URL pattern refuses it
		expect(omitted).toEqual(
			expect.arrayContaining([
				{ field: 'publics_specifiquement_adresses', value: 'Étudiants' },
				{ field: 'prise_en_charge_specifique', value: 'Handicaps moteurs' },
				{ field: 'modalites_accompagnement', value: 'À distance' },
				{ field: 'typologie', value: 'EPN' },
				{ field: 'courriels' },
				{ field: 'prise_rdv' },
				{ field: 'itinerance', value: 'Fixe' },
				{ field: 'modalites_acces', value: 'Se présenter' }
			])
		);
		expect(componentReads(record)).toEqual({ ok: true });
		expect(nationalMapRefusal(record)).toBeNull();
	});

	it('leaves out an e-mail address the component refuses, and keeps the place', () => {
		const { record, omitted } = convert(stored(AGEN, { courriels: ['élodie@agen.fr'] }));
		expect(record.courriel).toBeUndefined();
		expect(omitted).toContainEqual({ field: 'courriels' });
		expect(componentReads({ ...record, courriel: 'élodie@agen.fr' }).ok).toBe(false);
	});
});

describe('the places the map cannot show: left out, with the reason', () => {
	/** the record a naive conversion would give: the component's answer to it */
	const naive = (p: NationalMapPlace): Partial<NationalMapRecord> => ({
		id: p.id,
		pivot: p.pivot,
		nom: p.nom,
		commune: p.commune,
		code_postal: p.codePostal,
		adresse: p.adresse,
		latitude: p.latitude ?? undefined,
		longitude: p.longitude ?? undefined,
		date_maj: p.dateMaj,
		services: p.services.length ? 'Accéder à du matériel' : undefined
	});

	it.each([
		['adresse', { adresse: '7-11 rue Joseph Brunet "le cerisier"' }, /adresse.*«\s"\s»/],
		['adresse', { adresse: 'Résidence « Les Pins »' }, /«\s«\s», «\s»\s»/],
		['commune', { commune: 'Saint-Jean (Lot)' }, /commune.*«\s\(\s», «\s\)\s»/],
		['pivot', { pivot: '123456789' }, /pivot/],
		['code-postal', { codePostal: '4700' }, /4700/],
		['sans-service', { services: [] }, /au moins un service/]
	] as const)('%s', (code, change, detail) => {
		const place = { ...stored(AGEN), ...change } as NationalMapPlace;
		const c = toNationalMapRecord(place);
		expect(c.ok).toBe(false);
		if (c.ok) return;
		expect(c.exclusions.map((x) => x.code)).toEqual([code]);
		expect(c.exclusions[0].detail).toMatch(detail);
		// what the component would have done with it: refuse it (and blank its whole map)
		const r = naive(place);
		expect(componentReads(r)).toMatchObject({ ok: false });
	});

	it('without coordinates (the component reads it but never shows it)', () => {
		const c = toNationalMapRecord(stored({ ...AGEN, latitude: '', longitude: '' }));
		expect(c).toMatchObject({ ok: false, exclusions: [{ code: 'sans-coordonnees' }] });
	});

	it('a place that receives no public', () => {
		const c = toNationalMapRecord(stored({ ...AGEN, modalites_acces: "Ce lieu n'accueille pas de public" }));
		expect(c).toMatchObject({ ok: false, exclusions: [{ code: 'sans-public' }] });
	});

	it('several reasons at once', () => {
		const c = toNationalMapRecord(stored({ ...AGEN, services: '', latitude: '', longitude: '' }));
		expect(c.ok ? [] : c.exclusions.map((x) => x.code).sort()).toEqual(['sans-coordonnees', 'sans-service']);
	});
});

// ——— any place we may store: in the feed and read by the component, or left out ———

const nasty = fc.string({
	unit: fc.constantFrom('a', 'É', 'œ', '-', "'", '’', '"', '#', '(', ';', ',', '/', ' ', '«', '°', '_', '—', '1'),
	minLength: 1,
	maxLength: 24
});
const often = <T>(arbitrary: fc.Arbitrary<T>) => ({ arbitrary, weight: 4 });
const vocab = (field: keyof typeof VOCABULARIES) =>
	fc.uniqueArray(fc.constantFrom(...(VOCABULARIES[field] as readonly string[])), { maxLength: 4 }).map((l) => l.join('|'));
const recordArb: fc.Arbitrary<StandardRecord> = fc.record({
	id: fc.uuid(),
	pivot: fc.constantFrom('43493312300029', '00000000000000', 'W332001234', '21470001500016'),
	nom: fc.oneof(nasty, fc.constant('Médiathèque')),
	commune: fc.oneof(nasty, often(fc.constantFrom('Agen', 'L’Haÿ-les-Roses', 'Marseille 1er Arrondissement', 'Œuilly'))),
	code_postal: fc.stringMatching(/^\d{5}$/),
	code_insee: fc.constantFrom('47001', '2A004', '75056', ''),
	adresse: fc.oneof(nasty, often(fc.constantFrom('12 bis, rue du 8 mai 1945', 'Lieu-dit « Le Bourg »', 'Bât. A – n°3', 'Place de l’Église'))),
	complement_adresse: fc.oneof(nasty, fc.constant('')),
	latitude: fc.oneof(often(fc.double({ min: -90, max: 90, noNaN: true })), fc.constant('')),
	longitude: fc.oneof(often(fc.double({ min: -180, max: 180, noNaN: true })), fc.constant('')),
	typologie: vocab('typologie'),
	telephone: fc.constantFrom('05 57 65 75 39', '+262 262 12 34 56', '+687 28 12 34', '3949', ''),
	courriels: fc.constantFrom('a@b.fr|c@d.org', 'élise@mairie.fr', 'x_y@sub.domaine.bzh', ''),
	site_web: fc.constantFrom('https://a.fr/x;y', 'www.b.org', ''),
	horaires: fc.constantFrom('Mo-Fr 09:00-12:00', ''),
	presentation_resume: nasty,
	presentation_detail: nasty,
	source: fc.constantFrom('hub', ''),
	itinerance: vocab('itinerance'),
	structure_parente: fc.oneof(nasty, fc.constant('')),
	date_maj: fc.constantFrom('2024-02-29', '2023-01-01'),
	services: vocab('services'),
	publics_specifiquement_adresses: vocab('publics_specifiquement_adresses'),
	prise_en_charge_specifique: vocab('prise_en_charge_specifique'),
	frais_a_charge: vocab('frais_a_charge'),
	dispositif_programmes_nationaux: vocab('dispositif_programmes_nationaux'),
	formations_labels: vocab('formations_labels'),
	autres_formations_labels: fc.oneof(nasty, fc.constantFrom('APTIC', 'Campus connecté|French Tech Tremplin')),
	modalites_acces: vocab('modalites_acces'),
	modalites_accompagnement: vocab('modalites_accompagnement'),
	fiche_acces_libre: fc.oneof(fc.webUrl(), fc.constant('')),
	prise_rdv: fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.constant(''))
});

describe('any place we may store', () => {
	it('is either in the feed, read by the component as it is, or left out with a reason', () => {
		let shown = 0;
		fc.assert(
			fc.property(fc.array(recordArb, { maxLength: 10 }), fc.boolean(), (records, pass) => {
				const feed: NationalMapRecord[] = [];
				for (const rec of records) {
					const parsed = parseStandardRecord(rec, { today: '2026-11-18' });
					if (!parsed.ok) continue;
					const c = toNationalMapRecord({ ...parsed.place, locationPrecision: 'address', acceptsPass: pass });
					if (c.ok) {
						expect(nationalMapRefusal(c.record)).toBeNull();
						expect(componentReads(c.record)).toEqual({ ok: true });
						feed.push(c.record);
						shown++;
					} else expect(c.exclusions.length).toBeGreaterThan(0);
				}
				// the whole list, as the component reads it: one refusal would throw here
				expect(fromSchemaLieuxDeMediationNumerique(JSON.parse(JSON.stringify(feed)))).toHaveLength(feed.length);
			}),
			{ numRuns: 300 }
		);
		expect(shown).toBeGreaterThan(150); // the property held on records the map shows, not only on those left out
	});

	it('the checks agree with the component: what they pass, it reads', () => {
		const loose = fc.record({
			id: fc.constantFrom('x', ''),
			pivot: fc.constantFrom('21470001500016', 'W332001234', '123'),
			nom: fc.constantFrom('Lieu', ''),
			commune: fc.oneof(nasty, fc.constant('Agen')),
			code_postal: fc.constantFrom('47000', '4700'),
			code_insee: fc.constantFrom(undefined, '47001', '47-0-01-001', '4700X'),
			adresse: fc.oneof(nasty, fc.constant('1 place du Marché')),
			latitude: fc.oneof(fc.double({ min: -100, max: 100, noNaN: true })),
			longitude: fc.oneof(fc.double({ min: -200, max: 200, noNaN: true })),
			date_maj: fc.constant('2024-01-01'),
			services: fc.constantFrom('Accéder à du matériel', 'Aide aux démarches administratives', 'Accéder à du matériel;Créer avec le numérique'),
			telephone: fc.constantFrom(undefined, '+33553660000', '3949'),
			courriel: fc.constantFrom(undefined, 'a@b.fr', 'é@b.fr', 'a@b'),
			typologie: fc.constantFrom(undefined, 'BIB;CCAS', 'EPN'),
			prise_rdv: fc.constantFrom(undefined, 'https://rdv.fr/a?b=c', 'https://rdv.fr:8443/')
		});
		fc.assert(
			fc.property(loose, (r) => {
				const record = JSON.parse(JSON.stringify(r)) as NationalMapRecord;
				if (nationalMapRefusal(record) === null) expect(componentReads(record)).toEqual({ ok: true });
				// and the other way: what it reads, the checks pass, but for the map's own blind spots (a 0 coordinate is never shown)
				else if (componentReads(record).ok) expect(record.latitude === 0 || record.longitude === 0).toBe(true);
			}),
			{ numRuns: 500 }
		);
	});
});
