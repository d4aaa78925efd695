/**
 * The "Où ?" query as typed (pure): a postcode, a commune, a street, the words around them,
 * and the windows of words a commune's name may hide in.
 */
import { CONNECTORS, isDepartmentCode, matchKey, nameKey, spellingKey } from './model.ts';

export interface WhereQuery {
	/** the text as typed, trimmed */
	raw: string;
	/** a 5-digit postcode found in the text */
	postcode: string | null;
	/** a département given as "(47)" at the end */
	departmentCode: string | null;
	/** the text without the postcode, the "(47)" and CEDEX */
	rest: string;
	/** the whole text is an INSEE code (2A004, 47001…) */
	inseeCode: string | null;
	/** a house number or a street word: worth asking an address service */
	looksLikeAddress: boolean;
}

const STREET_WORDS = new Set([
	'rue',
	'r',
	'avenue',
	'av',
	'ave',
	'bd',
	'boulevard',
	'blvd',
	'chemin',
	'ch',
	'chem',
	'route',
	'rte',
	'impasse',
	'imp',
	'allee',
	'allees',
	'all',
	'place',
	'pl',
	'cours',
	'quai',
	'square',
	'sq',
	'lotissement',
	'lieu',
	'lieudit',
	'residence',
	'res',
	'hameau',
	'voie',
	'passage',
	'sentier',
	'faubourg',
	'fbg',
	'cite',
	'domaine',
	'zone',
	'za',
	'zi',
	'zac',
	'esplanade',
	'promenade',
	'rond',
	'parvis',
	'venelle',
	'ruelle',
	'traverse',
	'montee',
	'bp',
	'cs'
]);

export function parseWhereQuery(text: string): WhereQuery {
	const raw = text.trim().replace(/\s+/g, ' ').slice(0, 200);
	let rest = raw.replace(/\bcedex\b(\s*\d{1,3})?/gi, ' ');
	let departmentCode: string | null = null;
	const dep = /\(\s*(\d{2,3}|2[ABab])\s*\)\s*$/.exec(rest);
	if (dep && isDepartmentCode(dep[1].toUpperCase())) {
		departmentCode = dep[1].toUpperCase();
		rest = rest.slice(0, dep.index);
	}
	let postcode: string | null = null;
	const pc = /(^|[^\d])(\d{5})(?!\d)/.exec(rest);
	if (pc) {
		postcode = pc[2];
		rest = rest.slice(0, pc.index + pc[1].length) + ' ' + rest.slice(pc.index + pc[0].length);
	}
	rest = rest.replace(/\s+/g, ' ').replace(/^[\s,;-]+|[\s,;-]+$/g, '');
	const inseeCode = /^(\d{2}|2[AB])\d{3}$/i.test(raw) ? raw.toUpperCase() : null;
	const tokens = nameKey(rest).split(' ');
	const looksLikeAddress = /^\d{1,4}\s*(bis|ter|quater|[a-d])?\b[\s,]*[^\d\s,]/i.test(rest) || tokens.some((t) => STREET_WORDS.has(t));
	return { raw, postcode, departmentCode, rest, inseeCode, looksLikeAddress };
}

export interface TextWindow {
	key: string;
	/** index of the first token, counted from the start */
	start: number;
	length: number;
	/** index of the comma-separated segment the window is in */
	segment: number;
}

/**
 * Every run of up to `maxTokens` words of the text that could be a commune name, skipping
 * numbers and runs that directly follow a street word ("avenue de Paris" → not "Paris").
 */
export function candidateWindows(text: string, maxTokens = 7): TextWindow[] {
	const windows: TextWindow[] = [];
	const segments = text.split(/[,;\n]|\s-\s/);
	let offset = 0;
	segments.forEach((segment, segmentIndex) => {
		const tokens = spellingKey(segment).split(' ').filter(Boolean);
		// afterStreet[i]: token i follows a street word through connectors only ("rue de la …")
		const afterStreet: boolean[] = [];
		let inStreet = false;
		for (let i = 0; i < tokens.length; i++) {
			afterStreet.push(inStreet);
			if (STREET_WORDS.has(tokens[i])) inStreet = true;
			else if (!CONNECTORS.has(tokens[i]) && !/^\d/.test(tokens[i])) inStreet = false;
		}
		for (let start = 0; start < tokens.length; start++) {
			if (/^\d/.test(tokens[start]) || STREET_WORDS.has(tokens[start]) || afterStreet[start]) continue;
			for (let length = 1; length <= maxTokens && start + length <= tokens.length; length++) {
				const words = tokens.slice(start, start + length);
				if (/^\d/.test(words[words.length - 1]) && length > 1 && !/^\d{1,2}$/.test(words[words.length - 1])) break;
				if (words.every((w) => CONNECTORS.has(w))) continue;
				windows.push({ key: matchKey(words.join(' ')), start: offset + start, length, segment: segmentIndex });
			}
		}
		offset += tokens.length;
	});
	return windows;
}
