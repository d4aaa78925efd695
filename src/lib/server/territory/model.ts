/**
 * Territory: types, schemas and pure rules (no I/O). Communes, postcodes, names as
 * people type them, areas (pôles territoriaux, bassins de vie) and the instance settings.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import type { MunicipalityInfo, MunicipalityLookup, WherePoint } from '../places/index.ts';

// ---------------------------------------------------------------------------
// Communes

/** A commune as the territory capability keeps it (a superset of MunicipalityInfo). */
export interface TerritoryMunicipality extends MunicipalityInfo {
	nameKey: string;
	population: number | null;
	epciCode: string | null;
	epciName: string | null;
	regionCode: string | null;
	/** for a Paris/Lyon/Marseille arrondissement: the commune it belongs to (75056, 69123, 13055) */
	parentInseeCode: string | null;
}

/** The in-memory lookup: MunicipalityLookup plus what the search and the areas need. */
export interface TerritoryLookup extends MunicipalityLookup {
	byInsee(code: string): TerritoryMunicipality | undefined;
	byPostcode(postcode: string): TerritoryMunicipality[];
	byName(name: string, opts?: { postcode?: string; departmentCode?: string }): TerritoryMunicipality | undefined;
	/** every commune matching the name (current names, then former names), best first; no filtering by hints */
	byNameAll(name: string): TerritoryMunicipality[];
	/** communes whose name starts with the text (current names, with and without article), unordered */
	byNamePrefix(prefix: string, max?: number): TerritoryMunicipality[];
	/** communes whose postcode starts with the digits, unordered */
	byPostcodePrefix(prefix: string, max?: number): TerritoryMunicipality[];
	/** the closest names by trigram similarity (as pg_trgm's), best first; in memory, < 1 ms */
	fuzzy(text: string, opts?: { limit?: number; minimum?: number }): { municipality: TerritoryMunicipality; score: number }[];
	/** the commune's keys: spelling (with article) and match (without) */
	keys(m: TerritoryMunicipality): { spelling: string; match: string };
	/** communes of a département, by name */
	inDepartment(departmentCode: string): TerritoryMunicipality[];
	/** every commune (and arrondissement) loaded */
	all: readonly TerritoryMunicipality[];
}

/** lower-case, unaccented, non-alphanumerics → single space, trimmed ("L'Haÿ-les-Roses" → "l hay les roses"). */
export function nameKey(text: string): string {
	return text
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/œ/g, 'oe')
		.replace(/æ/g, 'ae')
		.replace(/ß/g, 'ss')
		.replace(/[^a-z0-9]+/g, ' ')
		.trim();
}

const SAINT_TOKENS: Record<string, string> = { st: 'saint', ste: 'sainte', sts: 'saints', stes: 'saintes' };
const ARTICLES = new Set(['le', 'la', 'les', 'l']);
const ARRONDISSEMENT_RE = /^(.+?) (\d{1,2}) ?(?:er|e|eme|ieme|em|me)?(?: arrondissement| arrdt| arr)?$/;

/** nameKey with "s/" → "sur", CEDEX and what follows removed, ST/STE → saint/sainte. Keeps articles. */
export function spellingKey(text: string): string {
	return spellingFromNameKey(nameKey(text.replace(/(^|[\s-])s\s*\/\s*/gi, '$1sur ')));
}

/** spellingKey of a text whose nameKey is known (cheap: no Unicode normalisation). */
export function spellingFromNameKey(key: string): string {
	const k = key.replace(/(^| )cedex( .*)?$/, '').trim();
	if (!k) return '';
	return k
		.split(' ')
		.map((t) => SAINT_TOKENS[t] ?? t)
		.join(' ');
}

/**
 * The key names are matched on: spellingKey without a leading article ("Le Pian-Médoc" →
 * "pian medoc") and with arrondissements written one way ("Marseille 11e Arrondissement",
 * "marseille 11ème", "Marseille 11" → "marseille 11").
 */
export function matchKey(text: string): string {
	return matchFromSpelling(spellingKey(text));
}

/** matchKey of a text whose spellingKey is known. */
export function matchFromSpelling(spelling: string): string {
	let key = spelling;
	const space = key.indexOf(' ');
	if (space > 0 && ARTICLES.has(key.slice(0, space))) key = key.slice(space + 1);
	const arr = ARRONDISSEMENT_RE.exec(key);
	if (arr) key = `${arr[1]} ${Number(arr[2])}`;
	return key;
}

/** pg_trgm's trigrams of a key: each word padded with two spaces before and one after. */
export function trigrams(key: string): Set<string> {
	const set = new Set<string>();
	for (const word of key.split(' ')) {
		if (!word) continue;
		const w = `  ${word} `;
		for (let i = 0; i + 3 <= w.length; i++) set.add(w.slice(i, i + 3));
	}
	return set;
}

/** A 5-digit postcode from "47000", "47916 CEDEX 9", "1000" (leading zero lost by a spreadsheet); else null. */
export function normalizePostcode(text: string | number | null | undefined): string | null {
	if (text == null) return null;
	const s = String(text)
		.replace(/cedex.*$/i, '')
		.replace(/\s+/g, '');
	if (/^\d{5}$/.test(s)) return s;
	if (/^\d{4}$/.test(s)) return `0${s}`;
	return null;
}

/** INSEE commune code shape: 2 digits (or 2A/2B) + 3 digits. */
export function isInseeCode(text: string): boolean {
	return /^(\d{2}|2[AB])\d{3}$/.test(text);
}

export function isDepartmentCode(text: string): boolean {
	return /^(0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-8]|98[4-9])$/.test(text);
}

/** The département(s) a postcode most probably belongs to (a hint only: some postcodes cross a border). */
export function departmentsOfPostcode(postcode: string): string[] {
	if (postcode.startsWith('97') || postcode.startsWith('98')) return [postcode.slice(0, 3)];
	if (postcode.startsWith('20')) return Number(postcode) < 20200 ? ['2A', '2B'] : ['2B', '2A'];
	return [postcode.slice(0, 2)];
}

/** Paris, Lyon and Marseille arrondissements municipaux → the commune's INSEE code; else null. */
export function parentOfArrondissement(inseeCode: string): string | null {
	if (/^751(0[1-9]|1\d|20)$/.test(inseeCode)) return '75056';
	if (/^6938[1-9]$/.test(inseeCode)) return '69123';
	if (/^132(0[1-9]|1[0-6])$/.test(inseeCode)) return '13055';
	return null;
}

/** "Castelnau-sur-Gupie (47)": how a commune is shown where homonyms may exist. */
export function municipalityLabel(m: Pick<MunicipalityInfo, 'name' | 'departmentCode'>): string {
	return `${m.name} (${m.departmentCode})`;
}

export function municipalityPoint(m: TerritoryMunicipality, kind: WherePoint['kind'] = 'municipality', label = municipalityLabel(m)): WherePoint | undefined {
	if (m.latitude == null || m.longitude == null) return undefined;
	return { label, latitude: m.latitude, longitude: m.longitude, kind, inseeCode: m.inseeCode };
}

/** Similarity of two keys, 0..1, as pg_trgm's similarity(): shared trigrams / all trigrams. */
export function trigramSimilarity(a: string, b: string): number {
	if (a === b) return 1;
	const ga = trigrams(a);
	const gb = trigrams(b);
	if (!ga.size || !gb.size) return 0;
	let common = 0;
	for (const g of ga) if (gb.has(g)) common++;
	return common / (ga.size + gb.size - common);
}

// ---------------------------------------------------------------------------
// The "Où ?" query

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
const CONNECTORS = new Set(['de', 'du', 'des', 'd', 'la', 'le', 'les', 'l', 'a', 'au', 'aux', 'et', 'en', 'sur']);

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

// ---------------------------------------------------------------------------
// Areas

export const AREA_KINDS = ['pole_territorial', 'bassin_de_vie', 'secteur', 'autre'] as const;
export type AreaKind = (typeof AREA_KINDS)[number];
export const AREA_KIND_LABELS: Record<AreaKind, string> = {
	pole_territorial: 'Pôle territorial',
	bassin_de_vie: 'Bassin de vie',
	secteur: 'Secteur',
	autre: 'Autre'
};

/** "pole_territorial", "Pôle territorial", "pôles territoriaux", "bassin de vie", "secteur"… → the kind. */
export function parseAreaKind(text: string): AreaKind | undefined {
	const key = nameKey(text);
	if (!key) return undefined;
	for (const kind of AREA_KINDS) if (key === nameKey(kind) || key === nameKey(AREA_KIND_LABELS[kind])) return kind;
	if (/^poles? territoria(l|ux)/.test(key) || key === 'pole') return 'pole_territorial';
	if (/^bassins? de vie/.test(key) || key === 'bassin') return 'bassin_de_vie';
	if (/^secteurs?\b/.test(key)) return 'secteur';
	return undefined;
}

export interface AreaInput {
	departmentCode: string;
	kind: AreaKind;
	name: string;
	inseeCodes: string[];
}

export const areaInputSchema = z.object({
	departmentCode: z.string().trim().toUpperCase().refine(isDepartmentCode, { message: 'Code de département invalide (exemples\u00a0: 47, 2A, 974).' }),
	kind: z.enum(AREA_KINDS, { message: `Type de territoire inconnu (attendu\u00a0: ${AREA_KINDS.join(', ')}).` }),
	name: z
		.string()
		.trim()
		.min(1, { message: 'Le nom du territoire est obligatoire.' })
		.max(120, { message: 'Le nom du territoire est trop long (120 caractères au plus).' }),
	inseeCodes: z.array(z.string().trim().toUpperCase()).default([])
});

export interface Area {
	id: number;
	departmentCode: string;
	kind: AreaKind;
	name: string;
}

export interface AreaSummary extends Area {
	municipalityCount: number;
	population: number;
}

export interface CsvRejection {
	/** line in the file (1 = first line, the header when there is one) */
	line: number;
	/** French, one per problem */
	reasons: string[];
	/** the row as read */
	values: string[];
}

export interface AreasFromCsvResult {
	areas: AreaInput[];
	rejected: CsvRejection[];
	/** French: accepted with a correction or a doubt */
	warnings: string[];
}

/**
 * Areas from a CSV `departement;type;nom;code_insee` (one commune per row; `;` or `,`; header
 * optional). With a lookup, communes are checked (exist, in the département; a former code
 * or a name is accepted with a warning). Every rejected row is reported with its reasons.
 */
export function areasFromCsv(text: string, opts: { lookup?: TerritoryLookup } = {}): AreasFromCsvResult {
	const rejected: CsvRejection[] = [];
	const warnings: string[] = [];
	const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
	const delimiter = (firstLine.match(/;/g)?.length ?? 0) >= (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
	let records: { record: string[]; info: { lines: number } }[];
	try {
		records = parseCsv(text, {
			bom: true,
			delimiter,
			relax_column_count: true,
			relax_quotes: true,
			skip_empty_lines: true,
			trim: true,
			info: true
		}) as unknown as { record: string[]; info: { lines: number } }[];
	} catch (err) {
		return {
			areas: [],
			rejected: [{ line: 0, reasons: [`Fichier illisible\u00a0: ${(err as Error).message}`], values: [] }],
			warnings
		};
	}
	const areas = new Map<string, AreaInput>();
	const seen = new Map<string, string>(); // dep|kind|insee → area name
	records.forEach(({ record, info }, index) => {
		const line = info.lines;
		const values = record.map((v) => String(v ?? '').trim());
		if (values.every((v) => v === '')) return;
		if (index === 0 && /^d[ée]p/i.test(values[0] ?? '') && !isDepartmentCode(values[0])) return; // header
		const reasons: string[] = [];
		if (values.length < 4) {
			rejected.push({ line, values, reasons: ['Ligne incomplète\u00a0: 4 colonnes attendues (departement;type;nom;code_insee).'] });
			return;
		}
		const [rawDep, kindText, name] = values;
		let code = values[3];
		const upper = rawDep.toUpperCase();
		const dep = /^\d$/.test(upper) ? `0${upper}` : upper;
		if (!isDepartmentCode(dep)) reasons.push(`Département « ${values[0]} » invalide.`);
		const kind = parseAreaKind(kindText);
		if (!kind) reasons.push(`Type « ${kindText} » inconnu (attendu\u00a0: ${AREA_KINDS.map((k) => AREA_KIND_LABELS[k].toLowerCase()).join(', ')}).`);
		if (!name) reasons.push('Nom du territoire manquant.');
		else if (name.length > 120) reasons.push('Nom du territoire trop long (120 caractères au plus).');
		code = code.toUpperCase();
		if (/^\d{4}$/.test(code)) code = `0${code}`;
		let insee: string | null = null;
		if (!code) reasons.push('Code INSEE manquant.');
		else if (opts.lookup) {
			const lookup = opts.lookup;
			let m = isInseeCode(code) ? lookup.byInsee(code) : undefined;
			if (m && m.inseeCode !== code) warnings.push(`Ligne ${line}\u00a0: le code ${code} est un ancien code, remplacé par ${m.inseeCode} (${m.name}).`);
			if (!m && !isInseeCode(code)) {
				m = lookup.byName(values[3], { departmentCode: dep });
				if (m) warnings.push(`Ligne ${line}\u00a0: « ${values[3]} » lu comme la commune ${m.name} (${m.inseeCode}).`);
			}
			if (!m) reasons.push(`Commune « ${values[3]} » inconnue.`);
			else if (isDepartmentCode(dep) && m.departmentCode !== dep)
				reasons.push(`La commune ${m.name} (${m.inseeCode}) est dans le département ${m.departmentCode}, pas ${dep}.`);
			else insee = m.inseeCode;
		} else if (!isInseeCode(code)) reasons.push(`Code INSEE « ${values[3]} » invalide (5 caractères, par exemple 47001).`);
		else if (isDepartmentCode(dep) && !code.startsWith(dep.length === 3 ? dep : dep.slice(0, 2)))
			reasons.push(`Le code INSEE ${code} n’est pas dans le département ${dep}.`);
		else insee = code;
		if (reasons.length || !kind || !insee) {
			rejected.push({ line, values, reasons });
			return;
		}
		const key = `${dep}|${kind}|${nameKey(name)}`;
		let area = areas.get(key);
		if (!area) areas.set(key, (area = { departmentCode: dep, kind, name, inseeCodes: [] }));
		if (area.inseeCodes.includes(insee)) {
			rejected.push({ line, values, reasons: [`Commune ${insee} déjà listée pour « ${area.name} ».`] });
			return;
		}
		const other = seen.get(`${dep}|${kind}|${insee}`);
		if (other && other !== area.name) warnings.push(`Ligne ${line}\u00a0: la commune ${insee} est aussi dans « ${other} » (même type de territoire).`);
		seen.set(`${dep}|${kind}|${insee}`, area.name);
		area.inseeCodes.push(insee);
	});
	return { areas: [...areas.values()], rejected, warnings };
}

/** Key for matching EPCI names as people write them ("CA du Bassin d'Arcachon Nord" ~ "… Nord (COBAN)"). */
export function epciKey(name: string): string {
	return spellingKey(name.replace(/\([^)]*\)/g, ' '))
		.replace(/\b(communaute de communes|communaute d agglomeration|communaute urbaine)\b/g, (m) =>
			m.startsWith('communaute de') ? 'cc' : m.endsWith('agglomeration') ? 'ca' : 'cu'
		)
		.replace(/\s+/g, ' ')
		.trim();
}

/** The best EPCI for a written name among candidates, or undefined when none is close enough. */
export function matchEpciName<T extends { name: string }>(written: string, candidates: T[]): T | undefined {
	const key = epciKey(written);
	if (!key) return undefined;
	const keyed = candidates.map((c) => ({ c, k: epciKey(c.name) }));
	const exact = keyed.filter((x) => x.k === key);
	if (exact.length === 1) return exact[0].c;
	const words = (s: string) => new Set(s.split(' ').filter((w) => !CONNECTORS.has(w)));
	const wk = words(key);
	let best: { c: T; score: number } | undefined;
	let second = 0;
	for (const { c, k } of keyed) {
		const wc = words(k);
		let common = 0;
		for (const w of wk) if (wc.has(w)) common++;
		const jaccard = common / (wk.size + wc.size - common || 1);
		const score = Math.max(jaccard, trigramSimilarity(key, k));
		if (!best || score > best.score) {
			second = best?.score ?? 0;
			best = { c, score };
		} else if (score > second) second = score;
	}
	return best && best.score >= 0.6 && best.score - second >= 0.05 ? best.c : undefined;
}

// ---------------------------------------------------------------------------
// Instance settings

export interface InstanceSettings {
	name: string;
	departmentCodes: string[];
	logoUrl: string | null;
	colorPrimary: string;
	colorAccent: string;
	contactEmail: string | null;
	/** the publisher: its name and postal address (mentions légales) */
	publisher: string | null;
	/** the director of the publication (usually the Département's president) */
	publicationDirector: string | null;
	/** the host: name, address, telephone */
	host: string | null;
	/** how to reach the data protection officer: an e-mail address or a postal address */
	dpoContact: string | null;
	/** the accessibility contact: an e-mail address or a web page */
	accessibilityContact: string | null;
	updatedAt: Date;
}

export const DEFAULT_INSTANCE_NAME = 'Déclic 47 — réseau d’inclusion numérique';
export const DEFAULT_COLOR_PRIMARY = '#1f4e8c';
/** burnt orange, 5.5:1 against white: usable for text, borders and focus rings */
export const DEFAULT_COLOR_ACCENT = '#b34700';

/** The Départements of the embedded demo: Lot-et-Garonne and its neighbours. */
export function demoDepartments(): string[] {
	return ['47', '33', '24', '46', '82', '32', '40'];
}

/** Defaults for the one settings row, from MAILLAGE_NAME and MAILLAGE_DEPARTEMENTS ("47" or "47,33"). */
export function defaultInstanceSettings(env: Record<string, string | undefined> = process.env): Omit<InstanceSettings, 'updatedAt'> {
	const deps = (env.MAILLAGE_DEPARTEMENTS ?? '47')
		.split(/[\s,;]+/)
		.map((d) => d.trim().toUpperCase())
		.map((d) => (/^\d$/.test(d) ? `0${d}` : d))
		.filter(isDepartmentCode);
	return {
		name: env.MAILLAGE_NAME?.trim() || DEFAULT_INSTANCE_NAME,
		departmentCodes: deps.length ? [...new Set(deps)] : ['47'],
		logoUrl: null,
		colorPrimary: DEFAULT_COLOR_PRIMARY,
		colorAccent: DEFAULT_COLOR_ACCENT,
		contactEmail: null,
		publisher: null,
		publicationDirector: null,
		host: null,
		dpoContact: null,
		accessibilityContact: null
	};
}

/** WCAG 2.1 relative luminance of a #rrggbb colour. */
export function relativeLuminance(hex: string): number {
	const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
	return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrastRatio(a: string, b: string): number {
	const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
	return (hi + 0.05) / (lo + 0.05);
}

const formatRatio = (r: number) => (Math.floor(r * 100) / 100).toFixed(2).replace('.', ',');

const emptyToNull = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : v);

const hexColour = (what: string) =>
	z
		.string({ message: `${what}\u00a0: une couleur est attendue.` })
		.trim()
		.regex(/^#[0-9a-fA-F]{6}$/, { message: `${what}\u00a0: couleur attendue au format #rrggbb (par exemple #1f4e8c).` })
		.transform((s) => s.toLowerCase());

/** A text of the legal pages (several lines allowed), empty → null. */
const legalText = (what: string, max: number) =>
	z.preprocess(
		emptyToNull,
		z
			.string()
			.trim()
			.max(max, { message: `${what}\u00a0: ${max} caractères au plus.` })
			.nullable()
	);

/** What an administrator may change; department codes are checked against the database by the service. */
export const instanceSettingsPatchSchema = z.strictObject(
	{
		name: z
			.string({ message: 'Le nom est obligatoire.' })
			.trim()
			.min(2, { message: 'Le nom doit compter au moins 2 caractères.' })
			.max(120, { message: 'Le nom doit compter au plus 120 caractères.' })
			.optional(),
		departmentCodes: z
			.array(
				z
					.string()
					.trim()
					.toUpperCase()
					.transform((d) => (/^\d$/.test(d) ? `0${d}` : d))
					.refine(isDepartmentCode, { message: 'Code de département invalide (exemples\u00a0: 47, 2A, 974).' }),
				{ message: 'Liste de départements attendue.' }
			)
			.min(1, { message: 'Indiquez au moins un département.' })
			.max(20, { message: 'Vingt départements au plus.' })
			.transform((codes) => [...new Set(codes)])
			.optional(),
		logoUrl: z
			.preprocess(
				emptyToNull,
				z
					.string()
					.trim()
					.max(2000, { message: 'L’adresse du logo est trop longue.' })
					.refine((s) => /^https:\/\/[^\s]+$/i.test(s) || /^\/[^\s/][^\s]*$/.test(s), {
						message: 'Le logo doit être une adresse https://… ou un chemin du site commençant par « / ».'
					})
					.nullable()
			)
			.optional(),
		colorPrimary: hexColour('Couleur principale')
			.superRefine((c, ctx) => {
				const ratio = contrastRatio(c, '#ffffff');
				if (ratio < 4.5)
					ctx.addIssue({
						code: 'custom',
						message: `Couleur principale ${c} trop claire\u00a0: le texte blanc n’y est pas lisible (contraste ${formatRatio(ratio)}:1, il faut au moins 4,5:1 pour le niveau AA). Choisissez une couleur plus foncée.`
					});
			})
			.optional(),
		colorAccent: hexColour('Couleur d’accent').optional(),
		contactEmail: z.preprocess(emptyToNull, z.email({ message: 'Adresse e-mail de contact invalide.' }).max(254).nullable()).optional(),
		publisher: legalText('L’éditeur', 600).optional(),
		publicationDirector: legalText('Le directeur ou la directrice de la publication', 200).optional(),
		host: legalText('L’hébergeur', 600).optional(),
		dpoContact: z
			.preprocess(
				emptyToNull,
				z
					.string()
					.trim()
					.max(600, { message: 'Le contact du délégué à la protection des données est trop long (600 caractères au plus).' })
					.refine((s) => !s.includes('@') || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s), {
						message: 'Contact du délégué à la protection des données\u00a0: adresse e-mail invalide. Exemple\u00a0: dpo@cd47.fr'
					})
					.nullable()
			)
			.optional(),
		accessibilityContact: z
			.preprocess(
				emptyToNull,
				z
					.string()
					.trim()
					.max(600, { message: 'Le contact pour l’accessibilité est trop long (600 caractères au plus).' })
					.refine((s) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s) || /^https:\/\/\S+$/i.test(s), {
						message: 'Contact pour l’accessibilité\u00a0: une adresse e-mail ou une page https://… Exemple\u00a0: accessibilite@cd47.fr'
					})
					.nullable()
			)
			.optional()
	},
	{ error: (issue) => (issue.code === 'unrecognized_keys' ? `Champ(s) inconnu(s)\u00a0: ${issue.keys.join(', ')}.` : undefined) }
);

export type InstanceSettingsPatch = z.input<typeof instanceSettingsPatchSchema>;

export interface FieldError {
	/** the field's name ("colorPrimary"…), or "" for the whole form */
	field: string;
	/** French */
	message: string;
}

export function zodFieldErrors(error: z.ZodError): FieldError[] {
	return error.issues.map((i) => ({ field: String(i.path[0] ?? ''), message: i.message }));
}

// ---------------------------------------------------------------------------
// Fragility (IFN)

export interface FragilityScores {
	inseeCode: string;
	noThdCoverage: number;
	no4gCoverage: number;
	poverty: number;
	older65: number;
	lowDiploma: number;
	total: number;
}

export interface MunicipalityFragility extends FragilityScores {
	name: string;
	population: number | null;
}

/** Thrown by the territory services; `message` is French, for the user. */
export class TerritoryError extends Error {
	constructor(
		readonly code: 'invalid' | 'not_found' | 'conflict',
		message: string,
		readonly details: string[] = []
	) {
		super(message);
		this.name = 'TerritoryError';
	}
}
