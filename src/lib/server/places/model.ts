/**
 * Validation and normalisation of a place against the national standard v1.0.2, and the
 * way back (PlaceFields → a row of the standard). Pure functions: no I/O, no database.
 *
 * Messages (errors and warnings) are French sentences starting with the standard's field
 * name, for the import reports: « pivot : le SIRET 12345678901234 a une clé de contrôle invalide ».
 *
 * Hot path: the importer calls parseStandardRecord ~100,000 times per run, so every regular
 * expression and lookup table is built once, at module load.
 */
import { createHash } from 'node:crypto';
import type { PlaceFields, StandardRecord } from './types.ts';
import { FIELD_TO_KEY, STANDARD_FIELDS } from './vocabulary.ts';
import { validateHoraires } from './hours.ts';
import { parisDay } from '../../time.ts';
import {
	EMAIL_SPLIT,
	extractPhones,
	FORMULA_REASON,
	formulaLike,
	multiLine,
	normalizeDate,
	normalizeEmail,
	normalizeUrl,
	oneLine,
	parseCoordinate,
	plainDecimal,
	quote,
	rawString,
	splitList,
	URL_SPLIT,
	vocabularyList,
	WS_RUN
} from './values.ts';
import { UNKNOWN_SIRET, isValidRna, isValidSiret } from '../../text/identifiers.ts';

export type ParsedPlace = Omit<PlaceFields, 'id'> & { id: string };

export type ParseResult = { ok: true; place: ParsedPlace; warnings: string[] } | { ok: false; errors: string[] };

export interface ParseOptions {
	/** today's date (YYYY-MM-DD, Paris): a date_maj in the future becomes the file's date, else today. Default: today in Paris. */
	today?: string;
	/** the file's date (YYYY-MM-DD, from its name): replaces a date_maj that is unknown (before 2000) or in the future */
	fileDate?: string | null;
	/** told of every value read and dropped (for the import's fidelity table) */
	dropped?: (field: string, value: string, reason: string) => void;
	/** told of every value read and replaced by another (an unknown date by the file's, hours corrected), for the same table */
	converted?: (field: string, from: string, to: string) => void;
}

const NO_DROP = () => {};

/** Maximum length of presentation_resume (characters), per the schema. */
export const RESUME_MAX_LENGTH = 280;

// ——— identifiers (their rules: src/lib/text/identifiers.ts) ———

const PIVOT_STRIP = /[\s.\-\u00a0\u202f]/g;
const DIGITS_14 = /^\d{14}$/;
const DIGITS_13 = /^\d{13}$/;
const DIGITS_9 = /^\d{9}$/;
const RNA = /^W[0-9A-Z]{9}$/;

export { UNKNOWN_SIRET, isValidSiret, isValidRna };

// ——— the record ———

const POSTCODE = /^\d{5}$/;
const POSTCODE_4 = /^\d{4}$/;
const INSEE = /^([013-9]\d|2[AB1-9])\d{3}$/;
const INSEE_4 = /^\d{4}$/;
const TRAILING_PUNCT = /[\s,;:.\-–—(]+$/;
const LAST_WORD = /\s\S*$/;

function truncateResume(s: string): string {
	const chars = Array.from(s);
	if (chars.length <= RESUME_MAX_LENGTH) return s;
	let cut = chars.slice(0, RESUME_MAX_LENGTH - 1).join('');
	const lastSpace = cut.search(LAST_WORD);
	if (lastSpace >= RESUME_MAX_LENGTH * 0.6) cut = cut.slice(0, lastSpace);
	return cut.replace(TRAILING_PUNCT, '') + '…';
}

/**
 * Validates and normalises one record shaped like the standard (snake_case names, raw
 * values). Rejects (ok: false) only when a required field is missing or unusable; every
 * other problem drops or corrects the value and adds a warning.
 */
export function parseStandardRecord(rec: StandardRecord, opts: ParseOptions = {}): ParseResult {
	const errors: string[] = [];
	const warnings: string[] = [];
	const drop = opts.dropped ?? NO_DROP;
	const convert = opts.converted ?? NO_DROP;

	// — required text fields —
	const id = oneLine(rec.id);
	if (!id) errors.push('id\u00a0: champ obligatoire manquant');
	const nom = oneLine(rec.nom);
	if (!nom) errors.push('nom\u00a0: champ obligatoire manquant');
	const commune = oneLine(rec.commune);
	if (!commune) errors.push('commune\u00a0: champ obligatoire manquant');
	const adresse = oneLine(rec.adresse);
	if (!adresse) errors.push('adresse\u00a0: champ obligatoire manquant');
	for (const [name, value] of [
		['id', id],
		['nom', nom],
		['commune', commune],
		['adresse', adresse]
	] as const)
		if (value && formulaLike(value)) errors.push(`${name}\u00a0: ${quote(value)} ${FORMULA_REASON}`);

	// — pivot —
	let pivot = '';
	const pivotRaw = oneLine(rec.pivot);
	if (!pivotRaw) errors.push('pivot\u00a0: champ obligatoire manquant (SIRET ou RNA)');
	else {
		let p = pivotRaw.replace(PIVOT_STRIP, '').toUpperCase();
		if (typeof rec.pivot === 'number' && DIGITS_13.test(p)) {
			p = '0' + p;
			warnings.push(`pivot\u00a0: ${pivotRaw} lu comme un nombre, zéro initial rétabli (${p})`);
		}
		if (p === UNKNOWN_SIRET) {
			pivot = p;
			warnings.push('pivot\u00a0: SIRET inconnu (00000000000000, convention nationale)');
		} else if (DIGITS_14.test(p)) {
			if (isValidSiret(p)) pivot = p;
			else errors.push(`pivot\u00a0: le SIRET ${p} a une clé de contrôle invalide`);
		} else if (RNA.test(p)) pivot = p;
		else if (DIGITS_9.test(p))
			errors.push(`pivot\u00a0: ${p} est un SIREN (9 chiffres)\u00a0; le SIRET de l’établissement (14 chiffres) ou un numéro RNA est attendu`);
		else errors.push(`pivot\u00a0: ${quote(pivotRaw)} n’est ni un SIRET (14 chiffres) ni un numéro RNA (W suivi de 9 caractères)`);
	}

	// — code_postal —
	let codePostal = '';
	const cpRaw = oneLine(rec.code_postal).replace(WS_RUN, '');
	if (!cpRaw) errors.push('code_postal\u00a0: champ obligatoire manquant');
	else if (POSTCODE.test(cpRaw)) codePostal = cpRaw;
	else if (POSTCODE_4.test(cpRaw)) {
		codePostal = '0' + cpRaw;
		warnings.push(`code_postal\u00a0: ${cpRaw} complété en ${codePostal} (zéro initial perdu)`);
	} else errors.push(`code_postal\u00a0: ${quote(cpRaw)} n’est pas un code postal (5 chiffres)`);

	// — date_maj —
	let dateMaj = '';
	const dateRaw = oneLine(rec.date_maj);
	if (!dateRaw) errors.push('date_maj\u00a0: champ obligatoire manquant');
	else {
		const d = normalizeDate(dateRaw);
		if (!d) errors.push(`date_maj\u00a0: ${quote(dateRaw)} n’est pas une date (AAAA-MM-JJ attendu)`);
		else {
			const today = opts.today ?? parisDay();
			const fileDate = opts.fileDate && opts.fileDate >= '2000-01-01' && opts.fileDate <= today ? opts.fileDate : null;
			// never a freshness the source did not give: an unknown date (1970-01-01…) stays unknown
			// unless the file is dated; a date in the future is at most the file's, else today's
			if (d < '2000-01-01') {
				if (fileDate) {
					dateMaj = fileDate;
					convert('date_maj', d, `date du fichier (${fileDate})`);
					warnings.push(`date_maj\u00a0: la date ${d} n’est pas une vraie date de mise à jour\u00a0; date du fichier retenue (${fileDate})`);
				} else {
					dateMaj = d;
					warnings.push(`date_maj\u00a0: la date ${d} n’est pas une vraie date de mise à jour\u00a0; conservée telle quelle (le lieu est à vérifier)`);
				}
			} else if (d > today) {
				dateMaj = fileDate ?? today;
				convert('date_maj', d, fileDate ? `date du fichier (${fileDate})` : `date du jour (${today})`);
				warnings.push(
					`date_maj\u00a0: la date ${d} est dans le futur\u00a0; remplacée par ${fileDate ? 'la date du fichier' : 'la date du jour'} (${dateMaj})`
				);
			} else dateMaj = d;
		}
	}

	if (errors.length) return { ok: false, errors };

	// — optional fields —
	let codeInsee: string | null = null;
	const inseeRaw = oneLine(rec.code_insee).replace(WS_RUN, '').toUpperCase();
	if (inseeRaw) {
		if (INSEE.test(inseeRaw)) codeInsee = inseeRaw;
		else if (INSEE_4.test(inseeRaw) && INSEE.test('0' + inseeRaw)) {
			codeInsee = '0' + inseeRaw;
			warnings.push(`code_insee\u00a0: ${inseeRaw} complété en ${codeInsee} (zéro initial perdu)`);
		} else {
			warnings.push(`code_insee\u00a0: ${quote(inseeRaw)} n’est pas un code INSEE de commune\u00a0; valeur ignorée`);
			drop('code_insee', inseeRaw, 'pas un code INSEE de commune');
		}
	}

	let latitude: number | null = null;
	let longitude: number | null = null;
	const lat = parseCoordinate(rec.latitude);
	const lon = parseCoordinate(rec.longitude);
	const dropCoordinates = (reason: string) => {
		if (rawString(rec.latitude).trim()) drop('latitude', rawString(rec.latitude), reason);
		if (rawString(rec.longitude).trim()) drop('longitude', rawString(rec.longitude), reason);
	};
	if (lat === undefined || lon === undefined) {
		dropCoordinates('coordonnées illisibles');
		warnings.push(`latitude/longitude\u00a0: coordonnées illisibles (${quote(rawString(rec.latitude))}, ${quote(rawString(rec.longitude))})\u00a0; ignorées`);
	} else if ((lat === null) !== (lon === null)) {
		dropCoordinates('latitude ou longitude absente');
		warnings.push(`latitude/longitude\u00a0: ${lat === null ? 'latitude' : 'longitude'} absente\u00a0; coordonnées ignorées`);
	} else if (lat !== null && lon !== null) {
		if (lat < -90 || lat > 90 || lon < -180 || lon > 180) {
			dropCoordinates('coordonnées hors limites');
			warnings.push(`latitude/longitude\u00a0: coordonnées hors limites (${lat}, ${lon})\u00a0; ignorées`);
		} else if (lat === 0 && lon === 0) {
			dropCoordinates('coordonnées (0, 0)');
			warnings.push('latitude/longitude\u00a0: coordonnées (0, 0)\u00a0; ignorées');
		} else {
			latitude = lat;
			longitude = lon;
		}
	}

	// telephone
	let telephone: string | null = null;
	const telRaw = oneLine(rec.telephone);
	if (telRaw) {
		const ph = extractPhones(telRaw);
		telephone = ph.numbers[0] ?? null;
		if (ph.numbers.length > 1) {
			warnings.push(`telephone\u00a0: plusieurs numéros (${ph.numbers.join(', ')})\u00a0; seul le premier est gardé`);
		}
		if (ph.legacyMayotte && telephone) warnings.push(`telephone\u00a0: ancien indicatif de Mayotte +269 remplacé par +262`);
		if (!telephone) {
			drop('telephone', 'numéro', ph.foreign.length ? 'numéro étranger' : 'numéro invalide');
			if (ph.foreign.length)
				warnings.push(
					`telephone\u00a0: ${quote(telRaw)} n’est pas un numéro français (le standard n’admet que +33 et les indicatifs d’outre-mer)\u00a0; valeur ignorée`
				);
			else warnings.push(`telephone\u00a0: ${quote(telRaw)} n’est pas un numéro de téléphone valide (exemple\u00a0: 05 53 69 47 47)\u00a0; valeur ignorée`);
		} else if (ph.invalid.length || ph.foreign.length) {
			warnings.push(`telephone\u00a0: partie non reconnue ignorée\u00a0: ${[...ph.invalid, ...ph.foreign].map(quote).join(', ')}`);
		}
	}

	// courriels
	const courriels: string[] = [];
	const emailsRaw = rawString(rec.courriels).trim();
	if (emailsRaw) {
		const bad: string[] = [];
		for (const part of emailsRaw.split(EMAIL_SPLIT)) {
			if (!part) continue;
			const e = normalizeEmail(part);
			if (e) {
				if (!courriels.some((c) => c.toLowerCase() === e.toLowerCase())) courriels.push(e);
			} else bad.push(part);
		}
		for (const _ of bad) drop('courriels', 'adresse', 'adresse électronique invalide');
		if (bad.length) {
			warnings.push(
				courriels.length
					? `courriels\u00a0: adresse(s) invalide(s) ignorée(s)\u00a0: ${bad.map(quote).join(', ')}`
					: `courriels\u00a0: aucune adresse valide dans ${quote(emailsRaw)}\u00a0; valeur ignorée`
			);
		}
	}

	// site_web
	const siteWeb: string[] = [];
	const sitesRaw = rawString(rec.site_web).trim();
	if (sitesRaw) {
		const bad: string[] = [];
		for (const part of sitesRaw.split(URL_SPLIT)) {
			if (!part) continue;
			const u = normalizeUrl(part);
			if (u) {
				if (!siteWeb.includes(u)) siteWeb.push(u);
			} else bad.push(part);
		}
		for (const b of bad) drop('site_web', b, 'adresse web invalide');
		if (bad.length) warnings.push(`site_web\u00a0: adresse(s) web invalide(s) ignorée(s)\u00a0: ${bad.map(quote).join(', ')}`);
	}

	// single URLs
	const singleUrl = (field: 'fiche_acces_libre' | 'prise_rdv'): string | null => {
		const raw = oneLine(rec[field]);
		if (!raw) return null;
		const u = normalizeUrl(raw);
		if (!u) {
			warnings.push(`${field}\u00a0: ${quote(raw)} n’est pas une adresse web valide\u00a0; valeur ignorée`);
			drop(field, raw, 'adresse web invalide');
		}
		return u;
	};
	const ficheAccesLibre = singleUrl('fiche_acces_libre');
	const priseRdv = singleUrl('prise_rdv');

	// horaires
	let horaires: string | null = null;
	const horairesRaw = multiLine(rec.horaires);
	if (horairesRaw) {
		const h = validateHoraires(horairesRaw);
		if (h.ok) {
			horaires = h.value;
			if (h.corrected) {
				warnings.push(`horaires\u00a0: ${quote(horairesRaw)} corrigées en ${quote(h.value)}`);
				convert('horaires', horairesRaw, h.value);
			}
		} else {
			warnings.push(`horaires\u00a0: ${quote(horairesRaw)} ne respecte pas le format OpenStreetMap (${h.error})\u00a0; valeur ignorée`);
			// opening hours are nothing personal: the value itself, so that it can be corrected at its source
			drop('horaires', horairesRaw, 'format OpenStreetMap illisible');
		}
	}

	// presentation
	let presentationResume: string | null = multiLine(rec.presentation_resume) || null;
	if (presentationResume && formulaLike(presentationResume)) {
		warnings.push(`presentation_resume\u00a0: ${quote(presentationResume.slice(0, 40))} ${FORMULA_REASON}\u00a0; valeur ignorée`);
		drop('presentation_resume', 'texte', 'ressemble à une formule de tableur');
		presentationResume = null;
	}
	if (presentationResume && presentationResume.length > RESUME_MAX_LENGTH) {
		const t = truncateResume(presentationResume);
		if (t !== presentationResume) {
			warnings.push(`presentation_resume\u00a0: ${Array.from(presentationResume).length} caractères (280 au plus)\u00a0; texte tronqué`);
			presentationResume = t;
		}
	}
	let presentationDetail = multiLine(rec.presentation_detail) || null;
	if (presentationDetail && formulaLike(presentationDetail)) {
		warnings.push(`presentation_detail\u00a0: ${quote(presentationDetail.slice(0, 40))} ${FORMULA_REASON}\u00a0; valeur ignorée`);
		drop('presentation_detail', 'texte', 'ressemble à une formule de tableur');
		presentationDetail = null;
	}
	// the other free texts: a formula-like value is dropped
	const freeText = (field: 'complement_adresse' | 'source' | 'structure_parente'): string | null => {
		const v = oneLine(rec[field]);
		if (v && formulaLike(v)) {
			warnings.push(`${field}\u00a0: ${quote(v)} ${FORMULA_REASON}\u00a0; valeur ignorée`);
			drop(field, 'texte', 'ressemble à une formule de tableur');
			return null;
		}
		return v || null;
	};

	// vocabularies
	const services = vocabularyList('services', rec.services, warnings, drop);
	if (!services.length) warnings.push('services\u00a0: aucun service du référentiel renseigné');

	const labels = splitList(rec.autres_formations_labels).filter((v) => {
		if (!formulaLike(v)) return true;
		warnings.push(`autres_formations_labels\u00a0: ${quote(v)} ${FORMULA_REASON}\u00a0; valeur ignorée`);
		drop('autres_formations_labels', 'texte', 'ressemble à une formule de tableur');
		return false;
	});
	// one cell in the CSV: in an order that starts no formula once joined
	const autresFormationsLabels = cellOrder(labels);
	for (const v of labels)
		if (!autresFormationsLabels.includes(v)) {
			warnings.push(`autres_formations_labels\u00a0: ${quote(v)} ${FORMULA_REASON} une fois la liste écrite en une cellule\u00a0; valeur ignorée`);
			drop('autres_formations_labels', 'texte', 'ressemble à une formule de tableur');
		}

	const place: ParsedPlace = {
		id,
		pivot,
		nom,
		commune,
		codePostal,
		codeInsee,
		adresse,
		complementAdresse: freeText('complement_adresse'),
		latitude,
		longitude,
		typologie: vocabularyList('typologie', rec.typologie, warnings, drop),
		telephone,
		courriels,
		siteWeb,
		horaires,
		presentationResume,
		presentationDetail,
		source: freeText('source'),
		itinerance: vocabularyList('itinerance', rec.itinerance, warnings, drop),
		structureParente: freeText('structure_parente'),
		dateMaj,
		services,
		publicsSpecifiquementAdresses: vocabularyList('publics_specifiquement_adresses', rec.publics_specifiquement_adresses, warnings, drop),
		priseEnChargeSpecifique: vocabularyList('prise_en_charge_specifique', rec.prise_en_charge_specifique, warnings, drop),
		fraisACharge: vocabularyList('frais_a_charge', rec.frais_a_charge, warnings, drop),
		dispositifProgrammesNationaux: vocabularyList('dispositif_programmes_nationaux', rec.dispositif_programmes_nationaux, warnings, drop),
		formationsLabels: vocabularyList('formations_labels', rec.formations_labels, warnings, drop),
		autresFormationsLabels,
		modalitesAcces: vocabularyList('modalites_acces', rec.modalites_acces, warnings, drop),
		modalitesAccompagnement: vocabularyList('modalites_accompagnement', rec.modalites_accompagnement, warnings, drop),
		ficheAccesLibre,
		priseRdv
	};
	return { ok: true, place, warnings };
}

// ——— the way back ———

/** A place as a row of the standard: every STANDARD_FIELDS column as a string (lists joined with `|`, null → ''). */
/**
 * The items of a list in an order its cell of the national CSV (`|`-joined) can be written
 * in. Each item is checked at input, but the join makes a text of its own: « +cmd » then
 * « ' /C calc'!A0 » (two labels, or two sources' labels composed) is `+cmd|' /C calc'!A0`,
 * a formula that runs a program (docs/decisions/0005-csv-formulas.md). Only the first item
 * can start one: when the cell would, an item that cannot goes first (same values); a list
 * of nothing but such items keeps its first one only. The parser stores lists in this order.
 */
export function cellOrder(values: readonly string[]): string[] {
	if (values.length < 2 || !formulaLike(values.join('|'))) return [...values];
	const safe = values.findIndex((v) => !/^\s*[=+\-@]/.test(v));
	if (safe >= 0) return [values[safe], ...values.filter((_, i) => i !== safe)];
	return formulaLike(values[0]) ? [] : [values[0]];
}

/** A list as one cell of the national CSV (cellOrder). */
export const listCell = (values: readonly string[]): string => cellOrder(values).join('|');

export function toStandardRecord(place: PlaceFields): Record<string, string> {
	const out: Record<string, string> = {};
	for (const f of STANDARD_FIELDS) {
		const v = (place as unknown as Record<string, unknown>)[FIELD_TO_KEY[f]];
		if (v === null || v === undefined) out[f] = '';
		else if (Array.isArray(v)) out[f] = listCell(v);
		else if (typeof v === 'number') out[f] = Number.isFinite(v) ? plainDecimal(v) : '';
		else out[f] = String(v);
	}
	return out;
}

/** The fields of a place that are lists (`|`-separated in the national CSV). */
export const LIST_FIELDS = [
	'typologie',
	'courriels',
	'siteWeb',
	'itinerance',
	'services',
	'publicsSpecifiquementAdresses',
	'priseEnChargeSpecifique',
	'fraisACharge',
	'dispositifProgrammesNationaux',
	'formationsLabels',
	'autresFormationsLabels',
	'modalitesAcces',
	'modalitesAccompagnement'
] as const;
const LIST_KEYS = new Set<string>(LIST_FIELDS);
const HASH_KEYS = (Object.values(FIELD_TO_KEY) as string[]).filter((k) => k !== 'id').sort();
/** `"key":` of each hashed key, quoted once */
const HASH_KEY_PREFIX = HASH_KEYS.map((k, i) => (i ? ',' : '') + JSON.stringify(k) + ':');
const HASH_KEY_IS_LIST = HASH_KEYS.map((k) => LIST_KEYS.has(k));

/**
 * SHA-256 (hex) of a canonical JSON of a place's standard fields, `id` excluded (the same
 * content under another identifier hashes the same): keys sorted, list values sorted (their
 * order does not count), missing values as null (lists as []). Other properties are ignored.
 */
export function contentHash(place: Partial<PlaceFields>): string {
	const rec = place as Record<string, unknown>;
	let json = '{';
	for (let i = 0; i < HASH_KEYS.length; i++) {
		let v = rec[HASH_KEYS[i]];
		if (HASH_KEY_IS_LIST[i]) v = Array.isArray(v) ? (v.length > 1 ? (v as unknown[]).map(String).sort() : v.map(String)) : [];
		else if (v === undefined) v = null;
		json += HASH_KEY_PREFIX[i] + JSON.stringify(v);
	}
	json += '}';
	return createHash('sha256').update(json).digest('hex');
}
