/**
 * The commune of a source's record, from its INSEE code, its postcode and its name
 * (arrondissements, « St » for « Saint », a name inside a text…), with the warnings to give.
 */
import type { MunicipalityInfo, MunicipalityLookup } from '../types.ts';
import { foldKey } from './common.ts';

const ARRONDISSEMENT_PARENT: [number, number, string][] = [
	[75101, 75120, '75056'],
	[69381, 69389, '69123'],
	[13201, 13216, '13055']
];

/** Département(s) a postcode belongs to: "33000" → ["33"], "20167" → ["2A","2B"], "97150" → ["971","977","978"]. */
export function departmentsOfPostcode(pc: string): string[] {
	if (pc.startsWith('20')) return ['2A', '2B'];
	if (pc.startsWith('97')) {
		const d = pc.slice(0, 3);
		return d === '971' ? ['971', '977', '978'] : [d];
	}
	if (pc.startsWith('98')) return [pc.slice(0, 3)];
	return [pc.slice(0, 2)];
}

function compatible(m: MunicipalityInfo, pc: string | undefined): boolean {
	if (!pc) return true;
	return m.postcodes.includes(pc) || departmentsOfPostcode(pc).includes(m.departmentCode);
}

const ARR_NAME_RE = /^(paris|lyon|marseille)\s*(\d{1,2})\s*(?:er|e|eme|ème)?(?:\s*arrondissement)?$/i;

export interface ResolveInput {
	insee?: string;
	postcode?: string;
	name?: string;
}

export interface Resolved {
	municipality?: MunicipalityInfo;
	warnings: string[];
	/** why no commune was found (French), when none */
	failure?: string;
}

function byInseeOrParent(lookup: MunicipalityLookup, code: string): MunicipalityInfo | undefined {
	const m = lookup.byInsee(code);
	if (m) return m;
	const n = Number(code);
	for (const [from, to, parent] of ARRONDISSEMENT_PARENT) if (n >= from && n <= to) return lookup.byInsee(parent);
	return undefined;
}

const TRAILING_PARENS_RE = /\s*\([^)]*\)\s*$/;
const LOOSE_WORDS: Record<string, string> = { st: 'saint', ste: 'sainte' };

function looseTokens(name: string): string[] {
	const out: string[] = [];
	for (const t of foldKey(name).split(' ')) if (t) out.push(LOOSE_WORDS[t] ?? t);
	return out;
}

function isSubset(a: string[], b: string[]): boolean {
	return a.length > 0 && a.some((t) => t.length >= 4) && a.every((t) => b.includes(t));
}

/**
 * The one commune of a postcode whose name is a shortened or longer form of the given name
 * ("BARBEZIEUX" → Barbezieux-Saint-Hilaire, "Neuvic-sur-l'Isle" → Neuvic, "Quimerc'h" → Quimerch).
 */
function looseMatch(candidates: MunicipalityInfo[], name: string): MunicipalityInfo | undefined {
	const a = looseTokens(name);
	const joined = a.join('');
	let best: MunicipalityInfo | undefined;
	let bestScore = 0;
	let tie = false;
	for (const c of candidates) {
		const b = looseTokens(c.name);
		// 3: same letters; 2: one name starts the other ("Barbezieux" / "Barbezieux-Saint-Hilaire"); 1: words included
		const score = b.join('') === joined ? 3 : isPrefix(a, b) || isPrefix(b, a) ? 2 : isSubset(a, b) || isSubset(b, a) ? 1 : 0;
		if (score === 0 || score < bestScore) continue;
		if (score > bestScore) {
			best = c;
			bestScore = score;
			tie = false;
		} else if (c !== best) tie = true;
	}
	return tie ? undefined : best;
}

function isPrefix(a: string[], b: string[]): boolean {
	if (!a.length || a.length > b.length || !a.some((t) => t.length >= 4)) return false;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
	return true;
}

const PLM_NAME_RE = /^(paris|lyon|marseille)$/;
/** "Paris" + 75019 → 75119 (the arrondissement: a better centroid than the city's). */
function plmArrondissement(name: string, pc: string): string | undefined {
	const k = PLM_NAME_RE.exec(foldKey(name));
	if (!k) return undefined;
	const n = Number(pc.slice(3));
	if (k[1] === 'paris' && pc.startsWith('75')) return pc === '75116' ? '75116' : n >= 1 && n <= 20 && pc.startsWith('750') ? String(75100 + n) : undefined;
	if (k[1] === 'lyon' && pc.startsWith('6900') && n >= 1 && n <= 9) return String(69380 + n);
	if (k[1] === 'marseille' && pc.startsWith('130') && n >= 1 && n <= 16) return String(13200 + n);
	return undefined;
}

interface NameMatch {
	municipality: MunicipalityInfo;
	/** exact name, name matched loosely, or the only commune of the postcode (name ignored) */
	how: 'name' | 'loose' | 'postcode';
}

function byNameAndPostcode(lookup: MunicipalityLookup, rawName: string | undefined, pc: string | undefined): NameMatch | undefined {
	const name = rawName?.replace(TRAILING_PARENS_RE, '').trim() || undefined;
	if (name) {
		const arr = ARR_NAME_RE.exec(name);
		if (arr) {
			const city = arr[1].toLowerCase();
			const n = Number(arr[2]);
			const code = city === 'paris' ? 75100 + n : city === 'lyon' ? 69380 + n : 13200 + n;
			const m = byInseeOrParent(lookup, String(code));
			if (m) return { municipality: m, how: 'name' };
		}
		if (pc) {
			const arrondissement = plmArrondissement(name, pc);
			if (arrondissement) {
				const m = lookup.byInsee(arrondissement);
				if (m) return { municipality: m, how: 'name' };
			}
			const m = lookup.byName(name, { postcode: pc });
			if (m) return { municipality: m, how: 'name' };
			for (const d of departmentsOfPostcode(pc)) {
				const md = lookup.byName(name, { departmentCode: d });
				if (md) return { municipality: md, how: 'name' };
			}
		}
	}
	if (pc) {
		const list = lookup.byPostcode(pc);
		if (name) {
			const m = looseMatch(list, name);
			if (m) return { municipality: m, how: 'loose' };
		}
		if (list.length === 1) return { municipality: list[0], how: name ? 'postcode' : 'name' };
	}
	if (name && !pc) {
		const m = lookup.byName(name);
		if (m) return { municipality: m, how: 'name' };
	}
	return undefined;
}

function describe(match: NameMatch, name: string | undefined, pc: string | undefined): string | undefined {
	const m = match.municipality;
	if (match.how === 'loose') return `commune « ${name} » rapprochée de ${m.name} (${m.inseeCode})`;
	if (match.how === 'postcode')
		return `commune « ${name} » inconnue au code postal ${pc} : ${m.name} (${m.inseeCode}), seule commune de ce code postal, retenue`;
	return undefined;
}

/**
 * Finds a commune from an INSEE code, a postcode and a name, in that order of trust, but
 * checks the INSEE code against the postcode: a code from another département (a default
 * value, a typo) is overridden by the postcode and name when they designate a commune.
 */
export function resolveMunicipality(lookup: MunicipalityLookup, input: ResolveInput): Resolved {
	const warnings: string[] = [];
	const { insee, postcode: pc, name } = input;
	const accept = (match: NameMatch): Resolved => {
		const note = describe(match, name, pc);
		if (note) warnings.push(note);
		return { municipality: match.municipality, warnings };
	};
	if (insee) {
		const m = byInseeOrParent(lookup, insee);
		if (m && compatible(m, pc)) return { municipality: m, warnings };
		const alt = byNameAndPostcode(lookup, name, pc);
		if (m) {
			if (alt) {
				warnings.push(
					`code INSEE ${insee} (${m.name}) incohérent avec le code postal ${pc} : commune ${alt.municipality.name} (${alt.municipality.inseeCode}) retenue`
				);
				return accept(alt);
			}
			return { warnings, failure: `commune incohérente : code INSEE ${insee} (${m.name}) et code postal ${pc}${name ? ` (« ${name} »)` : ''}` };
		}
		if (alt) {
			warnings.push(
				`code INSEE ${insee} inconnu : commune ${alt.municipality.name} (${alt.municipality.inseeCode}) retenue d’après ${name ? 'le nom et ' : ''}le code postal`
			);
			return accept(alt);
		}
		return { warnings, failure: `commune introuvable (code INSEE ${insee}${pc ? `, code postal ${pc}` : ''}${name ? `, « ${name} »` : ''})` };
	}
	if (!pc && !name) return { warnings, failure: 'commune absente' };
	const match = byNameAndPostcode(lookup, name, pc);
	if (match) return accept(match);
	return { warnings, failure: `commune introuvable (${[pc && `code postal ${pc}`, name && `« ${name} »`].filter(Boolean).join(', ')})` };
}

/**
 * The commune of a postcode whose whole name appears in a text, e.g. the structure's name
 * "France Services Barcelonnette" with postcode 04400 → Barcelonnette (the longest name wins).
 */
export function municipalityNamedIn(lookup: MunicipalityLookup, pc: string, text: string): MunicipalityInfo | undefined {
	const haystack = ` ${looseTokens(text).join(' ')} `;
	let best: MunicipalityInfo | undefined;
	let bestLength = 0;
	for (const c of lookup.byPostcode(pc)) {
		const key = looseTokens(c.name).join(' ');
		if (key.length >= 4 && key.length > bestLength && haystack.includes(` ${key} `)) {
			best = c;
			bestLength = key.length;
		}
	}
	return best;
}
