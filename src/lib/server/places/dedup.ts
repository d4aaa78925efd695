/**
 * Same place, two sources: a score on name, address and distance (pure, no I/O).
 *
 * score = 0.45·name + 0.30·address + 0.25·proximity, plus a small bonus for the same
 * real SIRET. Two records from one file are never merged (a file lists distinct places).
 */
import { normalizeKey } from './values.ts';
import { greatCircleMetres } from '../db/types.ts';

export interface DedupCandidate {
	id: string;
	nameKey: string;
	addressKey: string;
	/** normalised commune name: its words are ignored when comparing names */
	communeKey?: string;
	latitude: number | null;
	longitude: number | null;
	codeInsee: string | null;
	codePostal: string;
	pivot: string;
	precise: boolean;
	/** import run that last attached a source to it (records of one file never merge together) */
	importTag?: number;
}

export const MERGE_THRESHOLD = 0.72;
const NEAR_METRES = 300;
const GENERIC = new Set([
	'de',
	'du',
	'des',
	'la',
	'le',
	'les',
	'l',
	'd',
	'et',
	'a',
	'au',
	'aux',
	'en',
	'sur',
	'sous',
	'numerique',
	'espace',
	'services',
	'service',
	'france',
	'maison',
	'mairie',
	'centre',
	'point',
	'association',
	'communal',
	'communale',
	'social',
	'sociale',
	'ccas',
	'cias',
	'mediatheque',
	'bibliotheque',
	'site',
	'principal',
	'antenne'
]);

/** the specific words of a name: no generic word, no word of its commune's name */
function nameTokens(key: string, commune: Set<string>): Set<string> {
	return new Set(key.split(' ').filter((t) => t.length > 1 && !GENERIC.has(t) && !commune.has(t)));
}

function bigrams(s: string): Map<string, number> {
	const m = new Map<string, number>();
	const t = ` ${s} `;
	for (let i = 0; i < t.length - 1; i++) {
		const g = t.slice(i, i + 2);
		m.set(g, (m.get(g) ?? 0) + 1);
	}
	return m;
}

/** Sørensen–Dice similarity on character bigrams, 0..1 */
export function dice(a: string, b: string): number {
	if (!a || !b) return 0;
	if (a === b) return 1;
	const ga = bigrams(a);
	const gb = bigrams(b);
	let inter = 0;
	let na = 0;
	let nb = 0;
	for (const v of ga.values()) na += v;
	for (const v of gb.values()) nb += v;
	for (const [g, v] of ga) inter += Math.min(v, gb.get(g) ?? 0);
	return (2 * inter) / (na + nb);
}

/**
 * Similarity of two normalised names, 0..1: character bigrams of the whole names, or the
 * share of specific words in common. Words of the commune's name don't count as
 * specific ("Bibliothèque La Teste de Buch" vs "Maison de quartier … La Teste de Buch").
 */
export function nameSimilarity(a: string, b: string, communeKey = ''): number {
	const commune = new Set(communeKey.split(' '));
	const ta = nameTokens(a, commune);
	const tb = nameTokens(b, commune);
	if (!ta.size || !tb.size) return dice(a, b);
	let inter = 0;
	for (const t of ta) if (tb.has(t)) inter++;
	const jaccard = inter / (ta.size + tb.size - inter || 1);
	const containment = inter / Math.min(ta.size, tb.size || 1);
	return Math.max(dice(a, b), jaccard, 0.9 * containment);
}

const NUMBER = /^(\d+)\s*(bis|ter|quater|[a-d])?\b/;
const STREET_WORDS: [RegExp, string][] = [
	[/\b(av|ave)\b/g, 'avenue'],
	[/\b(bd|boul|bld)\b/g, 'boulevard'],
	[/\b(pl)\b/g, 'place'],
	[/\b(r)\b/g, 'rue'],
	[/\b(rte)\b/g, 'route'],
	[/\b(che|chem)\b/g, 'chemin'],
	[/\b(imp)\b/g, 'impasse'],
	[/\b(all)\b/g, 'allee'],
	[/\b(st)\b/g, 'saint'],
	[/\b(ste)\b/g, 'sainte']
];

export function addressKey(adresse: string): string {
	let k = normalizeKey(adresse);
	for (const [re, w] of STREET_WORDS) k = k.replace(re, w);
	return k;
}

export function addressSimilarity(a: string, b: string): number {
	if (!a || !b) return 0;
	const na = NUMBER.exec(a)?.[1];
	const nb = NUMBER.exec(b)?.[1];
	const sa = a.replace(NUMBER, '').trim();
	const sb = b.replace(NUMBER, '').trim();
	let s = dice(sa, sb);
	if (na && nb && na !== nb) s *= 0.6;
	return s;
}

/** Great-circle distance (metres), with the one earth radius of maillage (db/types.ts). */
export const distanceMetres = greatCircleMetres;

const UNKNOWN_PIVOT = /^0+$/;

export function matchScore(a: DedupCandidate, b: DedupCandidate): number {
	const name = nameSimilarity(a.nameKey, b.nameKey, a.communeKey === b.communeKey ? a.communeKey : `${a.communeKey ?? ''} ${b.communeKey ?? ''}`);
	const address = addressSimilarity(a.addressKey, b.addressKey);
	let proximity = 0;
	if (a.precise && b.precise && a.latitude != null && a.longitude != null && b.latitude != null && b.longitude != null) {
		const d = distanceMetres(a.latitude, a.longitude, b.latitude, b.longitude);
		proximity = d >= NEAR_METRES ? 0 : 1 - d / NEAR_METRES;
	} else if (a.codeInsee && a.codeInsee === b.codeInsee) {
		proximity = 0.6;
	} else if (a.codePostal === b.codePostal) {
		proximity = 0.4;
	}
	let score = 0.45 * name + 0.3 * address + 0.25 * proximity;
	if (a.pivot === b.pivot && !UNKNOWN_PIVOT.test(a.pivot)) score += 0.1;
	// a very different name is never the same place, whatever the address (one building hosts several),
	// and neither is a namesake that is not nearby
	if (name < 0.35 || proximity === 0) score = Math.min(score, 0.5);
	return Math.min(1, score);
}

/** In-memory spatial index of places for matching during an import. */
export class DedupIndex {
	private cells = new Map<string, DedupCandidate[]>();
	private byInsee = new Map<string, DedupCandidate[]>();
	private byId = new Map<string, DedupCandidate>();

	private static cell(lat: number, lng: number): string {
		return `${Math.floor(lat * 200)}:${Math.floor(lng * 200)}`; // ≈ 550 m × 400 m cells
	}

	add(c: DedupCandidate): void {
		this.remove(c.id);
		this.byId.set(c.id, c);
		if (c.precise && c.latitude != null && c.longitude != null) {
			push(this.cells, DedupIndex.cell(c.latitude, c.longitude), c);
		}
		const k = c.codeInsee ?? `cp:${c.codePostal}`;
		push(this.byInsee, k, c);
	}

	has(id: string): boolean {
		return this.byId.has(id);
	}

	remove(id: string): void {
		const old = this.byId.get(id);
		if (!old) return;
		this.byId.delete(id);
		if (old.precise && old.latitude != null && old.longitude != null) {
			pull(this.cells, DedupIndex.cell(old.latitude, old.longitude), id);
		}
		pull(this.byInsee, old.codeInsee ?? `cp:${old.codePostal}`, id);
	}

	/** the best existing place for this record, if it scores above the threshold */
	bestMatch(c: DedupCandidate): { id: string; score: number } | null {
		const seen = new Set<string>();
		let best: { id: string; score: number } | null = null;
		const consider = (o: DedupCandidate) => {
			if (seen.has(o.id) || o.id === c.id) return;
			seen.add(o.id);
			if (c.importTag !== undefined && o.importTag === c.importTag) return;
			const s = matchScore(c, o);
			if (s >= MERGE_THRESHOLD && (!best || s > best.score)) best = { id: o.id, score: s };
		};
		if (c.precise && c.latitude != null && c.longitude != null) {
			const y = Math.floor(c.latitude * 200);
			const x = Math.floor(c.longitude * 200);
			for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) for (const o of this.cells.get(`${y + dy}:${x + dx}`) ?? []) consider(o);
		}
		for (const o of this.byInsee.get(c.codeInsee ?? `cp:${c.codePostal}`) ?? []) consider(o);
		return best;
	}
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
	const a = m.get(k);
	if (a) a.push(v);
	else m.set(k, [v]);
}

function pull(m: Map<string, DedupCandidate[]>, k: string, id: string) {
	const a = m.get(k);
	if (!a) return;
	const i = a.findIndex((x) => x.id === id);
	if (i >= 0) a.splice(i, 1);
	if (!a.length) m.delete(k);
}
