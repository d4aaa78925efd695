/**
 * Areas (pôles territoriaux, bassins de vie), pure: kinds, schema, the CSV of areas and the
 * matching of EPCI names as people write them.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { CONNECTORS, isDepartmentCode, isInseeCode, nameKey, spellingKey, trigramSimilarity, type TerritoryLookup } from './model.ts';

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
