/**
 * Free-text postal addresses of the sources split into street, complement, postcode and
 * town; whether a text names a street. Regular expressions compiled once, at module load.
 */
import { clean, CRLF_RE, foldKey, NBSP_RE } from './common.ts';

/** Words that name a way (rue, avenue…), then words that name a place along it (résidence, zone…). */
const WAY_WORDS =
	'rue|r|avenue|av|ave|bd|boulevard|bld|place|pl|chemin|che|ch|route|rte|allee|allees|all|impasse|imp|quai|cours|crs|square|sq|rond point|passage|voie|sentier|parvis|esplanade|promenade|faubourg|fg|mail|clos|carrefour|traverse|montee|cote|chaussee|grand rue|grande rue|venelle|ruelle|cheminement';
const PLACE_WORDS = 'lieu dit|lieudit|ld|le bourg|bourg|residence|res|cite|hameau|lotissement|zone|za|zi|zac|plateau|centre commercial|quartier';
const STREET_WORDS_RE = new RegExp(`\\b(?:${WAY_WORDS}|${PLACE_WORDS})\\b`);
const WAY_START_RE = new RegExp(`^(?:${WAY_WORDS})\\b`);
const STARTS_WITH_NUMBER_RE = /^\d+/;
/** The part of an address that names the street (a number first, or a street word). */
export function looksLikeStreet(s: string): boolean {
	return STARTS_WITH_NUMBER_RE.test(s) || STREET_WORDS_RE.test(foldKey(s));
}

/** 3: "12 rue …"; 2: "Rue …"; 1: a number or a place word somewhere; 0: no street. */
function streetScore(s: string): number {
	const k = foldKey(s);
	const number = STARTS_WITH_NUMBER_RE.test(k);
	const rest = number ? k.replace(NUMBER_PREFIX_RE, '') : k;
	if (WAY_START_RE.test(rest)) return number ? 3 : 2;
	return number || STREET_WORDS_RE.test(k) ? 1 : 0;
}

// the LAST 5-digit number followed only by a town name (with an optional arrondissement
// number and CEDEX) up to the end: "… BP 40273 33697 Mérignac Cedex" → 33697, "Mérignac"
const POSTCODE_CITY_RE = /(?:^|[^\d])(\d{5})(?!\d)[\s,;:.\-–—]*([^\d\n,;]*?(?:\s\d{1,2}\s*(?:er|e|eme|ème)?)?)[\s.]*(?:cedex(?:\s*\d{1,2})?)?[\s.]*$/i;
const TRAILING_SEPARATORS_RE = /[\s,;:\-–—/.]+$/;
const LEADING_SEPARATORS_RE = /^[\s,;:\-–—/.]+/;
const SEGMENT_SPLIT_RE = /\s+[-–—]\s+|\s*\n\s*|\s*;\s*/;
const COMMA_SPLIT_RE = /\s*,\s*/;
const NUMBER_ONLY_RE = /^\d+(?:\s*[-/]\s*\d+)?\s*(?:bis|ter|quater|[a-d])?$/i;
const TRAILING_NUMBER_RE = /\s(\d+(?:\s*[-/]\s*\d+)?\s*(?:bis|ter|quater)?)$/i;
const POSTAL_BOX_RE = /\b(?:B\.?P\.?|CS|TSA)\s*(?:n°\s*)?\d{1,5}(?: \d{3})?\b|\bcedex(?:\s*\d{1,2})?\b/gi;
const STREET_START_RE = WAY_START_RE;
/** on a foldKey'd text: "12 ", "4bis ", "10 12 " (from "10-12") */
const NUMBER_PREFIX_RE = /^\d+(?: \d+)?\s*(?:bis|ter|quater|[a-d])?\s+/;
const OTHER_ADDRESS_RE = /\n\s*autre adresse\b[\s\S]*$/i;
const CEDEX_RE = /\bcedex\b/i;
const POSTAL_BOX_ONLY_RE = /\b(?:B\.?P\.?|CS|TSA)\s*(?:n°\s*)?\d{1,5}(?: \d{3})?\b/i;
const MULTI_SPACES_RE = /[ \t]{2,}/g;
const ENDS_WITH_SEPARATOR_RE = /[\s,\-–]$/;

export interface SplitAddress {
	street?: string;
	complement?: string;
	postcode?: string;
	city?: string;
	/** the text held a CEDEX postcode */
	cedex?: boolean;
	/** the text held a second address ("Autre adresse : …"), dropped */
	droppedOther?: boolean;
	/** the postal box found in the text ("BP 20"), removed from the address */
	postalBox?: string;
}

/**
 * Splits a free-text postal address into street, complement, postcode and town:
 * "8 rue de la Boétie - 33000 Bordeaux", "Hôtel de ville\nRue Amédée Dufourg\nBP 303\n64603 Anglet Cedex",
 * "20 Avenue de Ségur, 75007 Paris", "102 RUE AMELOT 75011 PARIS 11".
 */
export function splitAddress(text: string, knownCity?: string): SplitAddress {
	const out: SplitAddress = {};
	let t = text.replace(CRLF_RE, '\n').replace(NBSP_RE, ' ');
	if (OTHER_ADDRESS_RE.test(t)) {
		t = t.replace(OTHER_ADDRESS_RE, '');
		out.droppedOther = true;
	}
	t = t.trim();
	if (CEDEX_RE.test(t)) out.cedex = true;
	// postal boxes and CEDEX say nothing of where the place is: "BP 40273", "CS 81016", "Cedex 9"
	const box = POSTAL_BOX_ONLY_RE.exec(t);
	if (box) out.postalBox = box[0].trim();
	t = t.replace(POSTAL_BOX_RE, ' ').replace(MULTI_SPACES_RE, ' ');
	const m = POSTCODE_CITY_RE.exec(t);
	if (m) {
		out.postcode = m[1];
		const city = clean(m[2]);
		if (city) out.city = city;
		// the match starts with the postcode, or with the one non-digit character before it
		t = t.slice(0, m.index + (STARTS_WITH_NUMBER_RE.test(m[0]) ? 0 : 1));
	}
	t = t.replace(TRAILING_SEPARATORS_RE, '').replace(LEADING_SEPARATORS_RE, '');
	// a town name written at the end without a postcode: "1 chemin des Iris, Lormont"
	if (knownCity && !m) {
		const kc = foldKey(knownCity);
		const segs = t.split(COMMA_SPLIT_RE);
		const last = segs[segs.length - 1];
		if (segs.length > 1 && foldKey(last) === kc) t = segs.slice(0, -1).join(', ');
		else {
			const f = foldKey(t);
			if (f.endsWith(' ' + kc) && ENDS_WITH_SEPARATOR_RE.test(t.slice(0, t.length - knownCity.length)))
				t = t.slice(0, t.length - knownCity.length).replace(TRAILING_SEPARATORS_RE, '');
		}
	}
	// segments: lines, " - ", ";" and commas (a comma after a lone house number does not split)
	const segments: string[] = [];
	for (const part of t.split(SEGMENT_SPLIT_RE)) {
		const pieces = part.split(COMMA_SPLIT_RE);
		for (let i = 0; i < pieces.length; i++) {
			let p = pieces[i].trim();
			while (NUMBER_ONLY_RE.test(p) && i + 1 < pieces.length) p = `${p} ${pieces[++i].trim()}`;
			// "Maison des Associations 11, rue du 8 Mai 1945": the number belongs to the street after the comma
			const next = pieces[i + 1]?.trim();
			const n = next ? TRAILING_NUMBER_RE.exec(p) : null;
			if (n && !STARTS_WITH_NUMBER_RE.test(next!) && STREET_START_RE.test(foldKey(next!))) {
				pieces[i + 1] = `${n[1]} ${next}`;
				p = p.slice(0, n.index).trim();
			}
			if (p) segments.push(p);
		}
	}
	for (let i = segments.length - 1; i >= 0; i--) {
		segments[i] = segments[i].replace(TRAILING_SEPARATORS_RE, '').replace(LEADING_SEPARATORS_RE, '');
		if (!segments[i]) segments.splice(i, 1);
	}
	if (!segments.length) return out;
	if (segments.length === 1) {
		out.street = segments[0];
		return out;
	}
	let streetIndex = -1;
	let best = 0;
	for (let i = 0; i < segments.length; i++) {
		const score = streetScore(segments[i]);
		if (score > best) {
			best = score;
			streetIndex = i;
		}
	}
	if (streetIndex < 0) {
		out.street = segments.join(', ');
		return out;
	}
	out.street = segments[streetIndex];
	const rest = segments.filter((_, i) => i !== streetIndex);
	if (rest.length) out.complement = rest.join(', ');
	return out;
}
