/**
 * The national map (« Cartographie nationale des lieux d’inclusion numérique »): its web
 * component, npm `@gouvfr-anct/cartographie-nationale` 5.22.0 (the v5 on npm), reads from
 * the URL of its `source` attribute a JSON **array** of places in the schema's former shape
 * (v0): flat fields, lists joined with « ; », the v0 vocabularies (« Prendre en main un
 * ordinateur », « Gratuit : Je peux accéder gratuitement au lieu et à ses services »…), one
 * `courriel`. Each record goes through validators bundled from
 * `@gouvfr-anct/lieux-de-mediation-numerique` 1.x; the first one that throws leaves the
 * whole map empty, and a place without coordinates is never shown.
 *
 * This file turns one of our places (schema v1.0.2) into such a record, or says why the map
 * cannot show it. The checks reproduce the component's; national-map.test.ts runs the
 * library 1.22.1 (same vocabularies, same patterns except a stricter e-mail one, which is
 * applied too) on every record. Pure functions, no I/O.
 */
import type { PublicPlace } from './place.ts';
import { normalizeKey } from './values.ts';
import {
	ACCOMPAGNEMENT_TO_V0,
	FRAIS_TO_V0,
	LABELS_TO_V0,
	NO_PUBLIC,
	PUBLICS_TO_V0,
	SERVICES_TO_V0,
	TYPOLOGY_TO_V0,
	V0_CONDITIONS_ACCES,
	V0_LABELS_NATIONAUX,
	V0_MODALITES_ACCOMPAGNEMENT,
	V0_PASS,
	V0_PUBLICS_ACCUEILLIS,
	V0_SERVICES,
	V0_TYPOLOGIES
} from './vocabulary-v0.ts';

const LABEL_BY_KEY = new Map<string, string>(V0_LABELS_NATIONAUX.map((l) => [normalizeKey(l), l]));
const lookup = <T>(table: Record<string, T>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);

// ——— the component's checks ———

const POSTCODE = /^\d{5}$/u;
const INSEE = /^(?:[013-9]\d|2[AB1-9])(?:0?\d{3}|-\d-\d{2}-\d{3})$/u;
const COMMUNE = /^[A-Za-z\dÀ-ÖØ-öø-ÿœ-ŸŒ\-'’\s]+$/u;
const VOIE = /^[0-9A-Za-z\dÀ-ÖØ-öø-ÿœ-ŸŒ\-,()°.&:+–|;'’/\s]+$/u;
const RNA = /^W[a-zA-Z0-9]{9}$/u;
const PHONE =
	/^(?:(?:\+|00)(?:33|594|262|596|269|687|689|590|508|681)[\s.-]{0,3}(?:\(0\)[\s.-]{0,3})?|0)(?:(?:[1-9](?:[\s.-]?\d{2}){4}|\d{2}(?:[\s.-]\d{3}){2})|\s\d{3}(?:\s\d{2}){3})$/u;
/** the component's e-mail pattern… */
const EMAIL =
	/^(?:(?:[^<>()[\]\\.,;:\s@"]+(?:\.[^<>()[\]\\.,;:\s@"]+)*)|(?:".+"))@(?:(?:\[\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}])|(?:(?:[A-Za-zÀ-ÖØ-öø-ÿ\-\d]+\.)+[a-zA-Z]{2,}))$/;
/** …and the library's since 1.22 (no accent before the @, a dot after it): an address must pass both */
const EMAIL_1_22 =
	/^[a-zA-Z0-9_][a-zA-Z0-9.!#$%&'*+\\/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9][a-zA-Z0-9-]{0,61}[a-zA-Z0-9])+$/u;
const URL_PATTERN = /^[A-Za-z]{3,9}:(?:\/\/)?(?:[;:&=+$,\w-]+@)?[A-Za-z0-9.-]+(?:(?:\/[+~,%/.\w_-]*)?\??[-+=&;%@.\w_]*#?[.!/\\\w]*)?$/u;
const LIST_SEPARATOR = ';';

/** One place as the national map reads it (schema v0, lists joined with « ; »). */
export interface NationalMapRecord {
	id: string;
	pivot: string;
	nom: string;
	commune: string;
	code_postal: string;
	code_insee?: string;
	adresse: string;
	complement_adresse?: string;
	latitude: number;
	longitude: number;
	typologie?: string;
	telephone?: string;
	courriel?: string;
	site_web?: string;
	horaires?: string;
	presentation_resume?: string;
	presentation_detail?: string;
	source?: string;
	structure_parente?: string;
	date_maj: string;
	services: string;
	publics_accueillis?: string;
	conditions_acces?: string;
	labels_nationaux?: string;
	labels_autres?: string;
	modalites_accompagnement?: string;
	accessibilite?: string;
	prise_rdv?: string;
}

/** Why the map cannot show a place (one code per rule). */
export const EXCLUSION_REASONS = {
	'sans-service': 'aucun service\u00a0: la carte nationale exige au moins un service',
	'sans-public': 'le lieu n’accueille pas de public',
	'sans-coordonnees': 'pas de coordonnées\u00a0: la carte ne peut pas placer le lieu',
	adresse: 'adresse écrite avec des caractères que la carte nationale refuse',
	commune: 'nom de commune écrit avec des caractères que la carte nationale refuse',
	'code-postal': 'code postal autre que 5 chiffres',
	pivot: 'pivot autre qu’un SIRET (14 caractères) ou un RNA',
	nom: 'nom manquant',
	id: 'identifiant manquant',
	/** toNationalMapRecord made a record the component's checks refuse: ours to fix */
	conversion: 'fiche refusée par les contrôles de la carte (à corriger de notre côté)'
} as const;

export type ExclusionCode = keyof typeof EXCLUSION_REASONS;

export interface Exclusion {
	code: ExclusionCode;
	/** the reason for this place, with the offending value: « adresse : « 3 rue #2 » (caractère « # ») » */
	detail: string;
}

/** A value of ours the map has no place for (the record is still shown, without it). */
export interface OmittedValue {
	field: string;
	/** the value, for vocabularies; absent for free text (a phone number, an address) */
	value?: string;
}

export type NationalMapConversion = { ok: true; record: NationalMapRecord; omitted: OmittedValue[] } | { ok: false; exclusions: Exclusion[] };

export type NationalMapPlace = PublicPlace & { acceptsPass?: boolean };

const q = (s: string) => `«\u00a0${s}\u00a0»`;
const refused = (s: string, pattern: RegExp, allowed: RegExp) => {
	if (pattern.test(s)) return '';
	const bad = [...new Set(Array.from(s).filter((c) => !allowed.test(c)))];
	return bad.length ? ` (${bad.map((c) => q(c)).join(', ')})` : '';
};
const VOIE_CHAR = /[0-9A-Za-zÀ-ÖØ-öø-ÿœ-ŸŒ\-,()°.&:+–|;'’/\s]/u;
const COMMUNE_CHAR = /[A-Za-zÀ-ÖØ-öø-ÿœ-ŸŒ\-'’\s\d]/u;

/** a free value inside a « ; » list: its own « ; » would split it */
const inList = (s: string) => s.replaceAll(LIST_SEPARATOR, ',').trim();
const join = (values: Iterable<string>) => [...new Set(values)].join(LIST_SEPARATOR) || undefined;

/**
 * One of our places as the national map reads it, or the reasons it cannot show it. Values
 * the map has no word for (« À distance », « Étudiants », an `EPN` typology, a second
 * e-mail address…) are left out of the record and listed in `omitted`.
 */
export function toNationalMapRecord(place: NationalMapPlace): NationalMapConversion {
	const exclusions: Exclusion[] = [];
	const omitted: OmittedValue[] = [];
	const exclude = (code: ExclusionCode, detail: string) => exclusions.push({ code, detail });

	if (!place.id) exclude('id', EXCLUSION_REASONS.id);
	if (!place.nom) exclude('nom', EXCLUSION_REASONS.nom);
	if (!(place.pivot.length === 14 || RNA.test(place.pivot))) exclude('pivot', `pivot\u00a0: ${q(place.pivot)} n’est ni un SIRET ni un RNA`);
	if (!POSTCODE.test(place.codePostal)) exclude('code-postal', `code postal\u00a0: ${q(place.codePostal)} n’a pas 5 chiffres`);
	if (!(place.adresse.length > 0 && VOIE.test(place.adresse)))
		exclude('adresse', `adresse\u00a0: ${q(place.adresse)} refusée par la carte${refused(place.adresse, VOIE, VOIE_CHAR)}`);
	if (!COMMUNE.test(place.commune))
		exclude('commune', `commune\u00a0: ${q(place.commune)} refusée par la carte${refused(place.commune, COMMUNE, COMMUNE_CHAR)}`);
	if (place.latitude == null || place.longitude == null || place.latitude === 0 || place.longitude === 0)
		exclude('sans-coordonnees', EXCLUSION_REASONS['sans-coordonnees']);
	if (place.modalitesAcces.includes(NO_PUBLIC)) exclude('sans-public', EXCLUSION_REASONS['sans-public']);

	const services: string[] = [];
	for (const s of place.services) {
		const v0 = lookup(SERVICES_TO_V0, s);
		if (v0) services.push(...v0);
		else omitted.push({ field: 'services', value: s });
	}
	if (!services.length) exclude('sans-service', EXCLUSION_REASONS['sans-service']);
	if (exclusions.length) return { ok: false, exclusions };

	const mapped = (field: string, values: readonly string[], table: Record<string, string | null>) => {
		const out: string[] = [];
		for (const v of values) {
			const m = lookup(table, v);
			if (m) out.push(m);
			else omitted.push({ field, value: v });
		}
		return out;
	};

	const publics = [
		...mapped('publics_specifiquement_adresses', place.publicsSpecifiquementAdresses, PUBLICS_TO_V0),
		...mapped('prise_en_charge_specifique', place.priseEnChargeSpecifique, PUBLICS_TO_V0)
	];
	const conditions = mapped('frais_a_charge', place.fraisACharge, FRAIS_TO_V0);
	if (place.acceptsPass) conditions.push(V0_PASS);

	const labels: string[] = [];
	const others: string[] = [];
	for (const v of [...place.dispositifProgrammesNationaux, ...place.formationsLabels, ...place.autresFormationsLabels]) {
		const label = lookup<string | undefined>(LABELS_TO_V0, v) ?? LABEL_BY_KEY.get(normalizeKey(v));
		if (label) labels.push(label);
		else if (inList(v)) others.push(inList(v));
	}

	const typologies: string[] = [];
	for (const t of place.typologie) {
		const code = lookup(TYPOLOGY_TO_V0, t) ?? t;
		if ((V0_TYPOLOGIES as readonly string[]).includes(code)) typologies.push(code);
		else omitted.push({ field: 'typologie', value: t });
	}

	let telephone: string | undefined;
	if (place.telephone) {
		if (PHONE.test(place.telephone)) telephone = place.telephone;
		else omitted.push({ field: 'telephone' });
	}
	const courriels = place.courriels.filter((c) => EMAIL.test(c) && EMAIL_1_22.test(c));
	// the map takes one address: the first the component accepts
	for (let i = courriels.length ? 1 : 0; i < place.courriels.length; i++) omitted.push({ field: 'courriels' });
	const url = (field: string, u: string | null) => {
		if (!u) return undefined;
		if (URL_PATTERN.test(u)) return u;
		omitted.push({ field });
		return undefined;
	};
	for (const v of place.itinerance) omitted.push({ field: 'itinerance', value: v });
	for (const v of place.modalitesAcces) omitted.push({ field: 'modalites_acces', value: v });

	const optional: Partial<NationalMapRecord> = {
		code_insee: place.codeInsee && INSEE.test(place.codeInsee) ? place.codeInsee : undefined,
		complement_adresse: place.complementAdresse || undefined,
		typologie: join(typologies),
		telephone,
		courriel: courriels[0],
		site_web: join(place.siteWeb.map((u) => u.replaceAll(LIST_SEPARATOR, '%3B'))),
		horaires: place.horaires || undefined,
		presentation_resume: place.presentationResume || undefined,
		presentation_detail: place.presentationDetail || undefined,
		source: place.source || undefined,
		structure_parente: place.structureParente || undefined
	};
	const lists: Partial<NationalMapRecord> = {
		publics_accueillis: join(publics),
		conditions_acces: join(conditions),
		labels_nationaux: join(labels),
		labels_autres: join(others),
		modalites_accompagnement: join(mapped('modalites_accompagnement', place.modalitesAccompagnement, ACCOMPAGNEMENT_TO_V0)),
		accessibilite: url('fiche_acces_libre', place.ficheAccesLibre),
		prise_rdv: url('prise_rdv', place.priseRdv)
	};
	const record: NationalMapRecord = {
		id: place.id,
		pivot: place.pivot,
		nom: place.nom,
		commune: place.commune,
		code_postal: place.codePostal,
		adresse: place.adresse,
		latitude: place.latitude!,
		longitude: place.longitude!,
		date_maj: place.dateMaj,
		services: join(services)!
	};
	return { ok: true, record: ordered({ ...record, ...optional, ...lists }), omitted };
}

/** the v0 schema's order of fields, absent values left out (JSON.stringify would drop them anyway) */
// prettier-ignore
const ORDER = [
	'id', 'pivot', 'nom', 'commune', 'code_postal', 'code_insee', 'adresse', 'complement_adresse', 'latitude', 'longitude', 'typologie',
	'telephone', 'courriel', 'site_web', 'horaires', 'presentation_resume', 'presentation_detail', 'source', 'structure_parente', 'date_maj',
	'services', 'publics_accueillis', 'conditions_acces', 'labels_nationaux', 'labels_autres', 'modalites_accompagnement', 'accessibilite',
	'prise_rdv'
] as const satisfies readonly (keyof NationalMapRecord)[];

function ordered(r: NationalMapRecord): NationalMapRecord {
	const out: Record<string, unknown> = {};
	for (const k of ORDER) if (r[k] !== undefined) out[k] = r[k];
	return out as unknown as NationalMapRecord;
}

/**
 * The component's checks on one record, in its order (id, pivot, nom, adresse, services,
 * then the optional fields): null when it passes, else the field it stops at. A record of
 * toNationalMapRecord always passes; the feed checks anyway, so that a mistake here leaves
 * one place out rather than the whole map empty.
 */
export function nationalMapRefusal(r: NationalMapRecord): string | null {
	const list = (s: string | undefined, vocabulary: readonly string[]) => s === undefined || s.split(LIST_SEPARATOR).every((v) => vocabulary.includes(v));
	if (!r.id) return 'id';
	if (!(r.pivot?.length === 14 || RNA.test(r.pivot ?? ''))) return 'pivot';
	if (!r.nom) return 'nom';
	if (!(r.adresse?.length > 0 && VOIE.test(r.adresse))) return 'adresse';
	if (!POSTCODE.test(r.code_postal ?? '')) return 'code_postal';
	if (r.code_insee !== undefined && !INSEE.test(r.code_insee)) return 'code_insee';
	if (!COMMUNE.test(r.commune ?? '')) return 'commune';
	if (typeof r.services !== 'string' || !list(r.services, V0_SERVICES)) return 'services';
	if (!(typeof r.latitude === 'number' && r.latitude >= -90 && r.latitude <= 90 && r.latitude !== 0)) return 'latitude';
	if (!(typeof r.longitude === 'number' && r.longitude >= -180 && r.longitude <= 180 && r.longitude !== 0)) return 'longitude';
	if (!list(r.typologie, V0_TYPOLOGIES)) return 'typologie';
	if (r.courriel !== undefined && !(EMAIL.test(r.courriel) && EMAIL_1_22.test(r.courriel))) return 'courriel';
	if (r.telephone !== undefined && !PHONE.test(r.telephone)) return 'telephone';
	if (!list(r.publics_accueillis, V0_PUBLICS_ACCUEILLIS)) return 'publics_accueillis';
	if (!list(r.conditions_acces, V0_CONDITIONS_ACCES)) return 'conditions_acces';
	if (!list(r.labels_nationaux, V0_LABELS_NATIONAUX)) return 'labels_nationaux';
	if (!list(r.modalites_accompagnement, V0_MODALITES_ACCOMPAGNEMENT)) return 'modalites_accompagnement';
	if (r.accessibilite !== undefined && !URL_PATTERN.test(r.accessibilite)) return 'accessibilite';
	if (r.prise_rdv !== undefined && !URL_PATTERN.test(r.prise_rdv)) return 'prise_rdv';
	return null;
}
