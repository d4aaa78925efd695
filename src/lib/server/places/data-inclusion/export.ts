/**
 * Our places as data·inclusion v1 records: one `structure` per place, and one `service` per
 * service of digital help the place offers (its thématiques, fees, publics, modes d’accueil
 * and de mobilisation, contact, address, position, hours). Pure: the producer's identifier
 * and the site's public address come from the caller.
 *
 * What data·inclusion cannot hold is said in the services' `…_precisions` texts with the
 * standard's exact labels (fees, prises en charge, modalités d’accès), which the import reads
 * back; the rest (itinérance, structure parente, a second e-mail…) has no field there.
 */
import type { PlaceFields, LocationPrecision } from '../types.ts';
import { SERVICES, type Service } from '../vocabulary.ts';
import {
	A_DISTANCE,
	ACCES_TO_MOBILISATION,
	DI_A_DISTANCE,
	DI_ALL_PUBLICS,
	DI_EN_PRESENTIEL,
	DI_GRATUIT,
	DI_HANDICAP,
	DI_PAYANT,
	HANDICAPS,
	ID_SEPARATOR,
	NO_PUBLIC,
	PRESCRIPTION,
	PROGRAMME_TO_RESEAU,
	PUBLIC_TO_DI,
	SERVICE_MAPPINGS,
	TYPOLOGIE_TO_RESEAU
} from './mapping.ts';

export interface ExportContext {
	/** the producer's identifier, data·inclusion's `source` (e.g. "maillage") */
	producer: string;
	/** the site's public origin, for `lien_source` (a place's page) */
	origin: string;
}

type Place = PlaceFields & { locationPrecision?: LocationPrecision };

interface Location {
	commune: string;
	code_postal: string;
	code_insee: string | null;
	adresse: string;
	complement_adresse: string | null;
	latitude: number | null;
	longitude: number | null;
}

export interface DiStructure extends Location {
	source: string;
	id: string;
	nom: string;
	date_maj: string;
	description: string | null;
	lien_source: string;
	siret: string | null;
	telephone: string | null;
	courriel: string | null;
	site_web: string | null;
	horaires_accueil: string | null;
	accessibilite_lieu: string | null;
	reseaux_porteurs: string[] | null;
}

export interface DiService extends Location {
	source: string;
	structure_id: string;
	id: string;
	nom: string;
	description: string;
	date_maj: string;
	lien_source: string;
	type: string | null;
	thematiques: string[];
	frais: string | null;
	frais_precisions: string | null;
	publics: string[];
	publics_precisions: string | null;
	conditions_acces: null;
	telephone: string | null;
	courriel: string | null;
	horaires_accueil: string | null;
	modes_accueil: string[] | null;
	modes_mobilisation: string[] | null;
	mobilisable_par: string[] | null;
	mobilisation_precisions: string | null;
	lien_mobilisation: string | null;
	zone_eligibilite: null;
	contact_nom_prenom: null;
	volume_horaire_hebdomadaire: null;
	nombre_semaines: null;
}

const NAME_MAX = 150;
const DESCRIPTION_MIN = 5;
const DESCRIPTION_MAX = 10_000;
const TRAILING_DOTS = /\.+$/;

/** data·inclusion's identifier of a place: `<producer>--<our id>`. */
export function structureId(place: Pick<PlaceFields, 'id'>, ctx: Pick<ExportContext, 'producer'>): string {
	return `${ctx.producer}${ID_SEPARATOR}${place.id}`;
}

/** The place's page on our site. */
export function placeUrl(id: string, origin: string): string {
	return `${origin}/lieux/${encodeURIComponent(id)}`;
}

/** A name of 3 to 150 characters, not ending with a point (data·inclusion's rules). */
function diName(nom: string, commune: string): string {
	let n = nom.trim();
	if (!n.endsWith('etc.')) n = n.replace(TRAILING_DOTS, '').trimEnd();
	if (Array.from(n).length < 3) n = `${n} (${commune})`;
	const chars = Array.from(n);
	return chars.length > NAME_MAX
		? chars
				.slice(0, NAME_MAX - 1)
				.join('')
				.trimEnd() + '…'
		: n;
}

function location(p: Place): Location {
	// a position at the commune's centre is not the place's: left out, as the standard's export says « position approximative »
	const precise = p.locationPrecision !== 'municipality';
	return {
		commune: p.commune,
		code_postal: p.codePostal,
		code_insee: p.codeInsee,
		adresse: p.adresse,
		complement_adresse: p.complementAdresse,
		latitude: precise ? p.latitude : null,
		longitude: precise ? p.longitude : null
	};
}

/** The presentation: the summary, then the detail when it says more. */
function description(p: Place): string | null {
	const resume = p.presentationResume?.trim() || '';
	const detail = p.presentationDetail?.trim() || '';
	let text = resume && detail && !detail.startsWith(resume.replace(/…$/, '')) ? `${resume}\n\n${detail}` : detail || resume;
	if (Array.from(text).length > DESCRIPTION_MAX)
		text =
			Array.from(text)
				.slice(0, DESCRIPTION_MAX - 1)
				.join('') + '…';
	return Array.from(text).length >= DESCRIPTION_MIN ? text : null;
}

const uniq = <T>(xs: T[]) => [...new Set(xs)];

function reseauxPorteurs(p: Place): string[] | null {
	const out = uniq([
		...p.typologie.map((t) => TYPOLOGIE_TO_RESEAU[t]),
		...p.dispositifProgrammesNationaux.map((d) => PROGRAMME_TO_RESEAU[d]),
		...p.formationsLabels.map((f) => PROGRAMME_TO_RESEAU[f])
	]).filter((x): x is string => !!x);
	return out.length ? out.sort() : null;
}

/** A SIRET (14 digits, not the « unknown » convention); an RNA number has no field in v1. */
function siret(pivot: string): string | null {
	return /^\d{14}$/.test(pivot) && !/^0+$/.test(pivot) ? pivot : null;
}

export function placeToStructure(p: Place, ctx: ExportContext): DiStructure {
	return {
		source: ctx.producer,
		id: structureId(p, ctx),
		nom: diName(p.nom, p.commune),
		date_maj: p.dateMaj,
		description: description(p),
		lien_source: placeUrl(p.id, ctx.origin),
		siret: siret(p.pivot),
		...location(p),
		telephone: p.telephone,
		courriel: p.courriels[0] ?? null,
		site_web: p.siteWeb[0] ?? null,
		horaires_accueil: p.horaires,
		accessibilite_lieu: p.ficheAccesLibre,
		reseaux_porteurs: reseauxPorteurs(p)
	};
}

// ————————————————————————————————————————— services

/** `frais`: gratuit only when everything is free; else payant, with the standard's labels in `frais_precisions`. */
export function fraisOf(frais: string[]): { frais: string | null; frais_precisions: string | null } {
	if (!frais.length) return { frais: null, frais_precisions: null };
	if (frais.length === 1 && frais[0] === 'Gratuit') return { frais: DI_GRATUIT, frais_precisions: null };
	if (frais.length === 1 && frais[0] === 'Payant') return { frais: DI_PAYANT, frais_precisions: null };
	return { frais: DI_PAYANT, frais_precisions: frais.join(', ') };
}

/**
 * `publics`: the publics the place addresses, and the persons with a disability when it takes
 * care of one; `tous-publics` when it addresses no one in particular. Every prise en charge
 * spécifique is named in `publics_precisions` (data·inclusion has no deafness, no illiteracy…).
 */
export function publicsOf(p: Pick<PlaceFields, 'publicsSpecifiquementAdresses' | 'priseEnChargeSpecifique'>): {
	publics: string[];
	publics_precisions: string | null;
} {
	const specific = uniq(p.publicsSpecifiquementAdresses.map((x) => PUBLIC_TO_DI[x]).filter((x): x is string => !!x));
	if (specific.length && p.priseEnChargeSpecifique.some((x) => HANDICAPS.has(x))) specific.push(DI_HANDICAP);
	return {
		publics: specific.length ? specific : [DI_ALL_PUBLICS],
		publics_precisions: p.priseEnChargeSpecifique.length ? `Prise en charge spécifique\u00a0: ${p.priseEnChargeSpecifique.join(', ')}` : null
	};
}

/** `modes_accueil` from the modalités d’accompagnement: à distance, and on site for the others. */
export function modesAccueilOf(modalites: string[]): string[] | null {
	if (!modalites.length) return null;
	const out: string[] = [];
	if (modalites.some((m) => m !== A_DISTANCE)) out.push(DI_EN_PRESENTIEL);
	if (modalites.includes(A_DISTANCE)) out.push(DI_A_DISTANCE);
	return out;
}

/** The service's `type`: what the service is (equipment), else how the place helps (one to one first, else workshops). */
export function typeOf(service: Service, modalites: string[]): string | null {
	const own = SERVICE_MAPPINGS[service].type;
	if (own) return own;
	if (modalites.includes('Accompagnement individuel')) return 'accompagnement';
	if (modalites.includes('Dans un atelier collectif')) return 'atelier';
	return null;
}

/**
 * Modes de mobilisation from the modalités d’accès. A prescription by e-mail is for
 * professionals; the exact labels go in `mobilisation_precisions` when the modes alone
 * cannot say them (a prescription, a place that does not receive the public).
 */
export function mobilisationOf(acces: string[], priseRdv: string | null) {
	const modes = uniq(acces.map((a) => ACCES_TO_MOBILISATION[a]).filter((x): x is string => !!x));
	const direct = acces.some((a) => a !== PRESCRIPTION && a !== NO_PUBLIC);
	const pros = acces.includes(PRESCRIPTION);
	const by = direct ? ['usagers', 'professionnels'] : pros ? ['professionnels'] : [];
	return {
		modes_mobilisation: modes.length ? modes : null,
		mobilisable_par: by.length ? by : null,
		mobilisation_precisions: pros || acces.includes(NO_PUBLIC) ? `Modalités d’accès\u00a0: ${acces.join(', ')}` : null,
		lien_mobilisation: priseRdv
	};
}

const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

function serviceDescription(service: Service, p: Place): string {
	const parts = [SERVICE_MAPPINGS[service].description];
	if (p.modalitesAccompagnement.length) parts.push(`Modalités d’accompagnement\u00a0: ${p.modalitesAccompagnement.map(lower).join(', ')}.`);
	return parts.join(' ');
}

/** The data·inclusion services of a place: one per service of the standard it offers, in the standard's order. */
export function placeToServices(p: Place, ctx: ExportContext): DiService[] {
	const sid = structureId(p, ctx);
	const loc = location(p);
	const common = {
		...fraisOf(p.fraisACharge),
		...publicsOf(p),
		conditions_acces: null,
		telephone: p.telephone,
		courriel: p.courriels[0] ?? null,
		horaires_accueil: p.horaires,
		modes_accueil: modesAccueilOf(p.modalitesAccompagnement),
		...mobilisationOf(p.modalitesAcces, p.priseRdv),
		zone_eligibilite: null,
		contact_nom_prenom: null,
		volume_horaire_hebdomadaire: null,
		nombre_semaines: null
	};
	const offered = SERVICES.filter((s) => p.services.includes(s));
	return offered.map((s) => ({
		source: ctx.producer,
		structure_id: sid,
		id: `${sid}${ID_SEPARATOR}${SERVICE_MAPPINGS[s].code}`,
		nom: s,
		description: serviceDescription(s, p),
		date_maj: p.dateMaj,
		lien_source: placeUrl(p.id, ctx.origin),
		type: typeOf(s, p.modalitesAccompagnement),
		thematiques: [...SERVICE_MAPPINGS[s].thematiques],
		...loc,
		...common
	}));
}
