/**
 * TEST HELPER: a small, real MunicipalityLookup built from territoire/communes-2024.csv
 * (communes `COM`, plus Paris/Lyon/Marseille arrondissements `ARM`: the file has no `COM`
 * row for those three cities). Same interface as the production lookup of the territory
 * module; used by the adapters' tests only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { sharedDataDir } from '../../paths.ts';
import type { MunicipalityInfo, MunicipalityLookup } from '../types.ts';
import { fold } from './common.ts';

const ARTICLES = new Set(['le', 'la', 'les', 'l']);
const ORDINAL_RE = /^(\d{1,2})(?:e|er|eme|ieme)$/;

const KEYS = new Map<string, string>();

/** Name key: accents, case, hyphens, "ST"/"SAINT", leading articles and "arrondissement" ignored. */
export function municipalityNameKey(name: string): string {
	let k = KEYS.get(name);
	if (k === undefined) {
		if (KEYS.size > 50_000) KEYS.clear();
		KEYS.set(name, (k = computeKey(name)));
	}
	return k;
}

function computeKey(name: string): string {
	const tokens = fold(name)
		.replace(/[^a-z0-9]+/g, ' ')
		.trim()
		.split(' ');
	const out: string[] = [];
	for (const t of tokens) {
		if (!t || t === 'arrondissement' || t === 'cedex') continue;
		if (t === 'st') out.push('saint');
		else if (t === 'ste') out.push('sainte');
		else {
			const m = ORDINAL_RE.exec(t);
			out.push(m ? String(Number(m[1])) : t);
		}
	}
	while (out.length > 1 && ARTICLES.has(out[0])) out.shift();
	return out.join(' ');
}

interface Entry extends MunicipalityInfo {
	population: number;
}

const PLM: [code: string, name: string, department: string, from: number, to: number][] = [
	['75056', 'Paris', '75', 75101, 75120],
	['69123', 'Lyon', '69', 69381, 69389],
	['13055', 'Marseille', '13', 13201, 13216]
];

let cached: MunicipalityLookup | undefined;

export function testMunicipalityLookup(): MunicipalityLookup {
	if (cached) return cached;
	const file = join(sharedDataDir(), 'territoire', 'communes-2024.csv');
	const rows = parse(readFileSync(file), { columns: true, bom: true }) as Record<string, string>[];
	const byInsee = new Map<string, Entry>();
	for (const r of rows) {
		if (r.commune_type !== 'COM' && r.commune_type !== 'ARM') continue;
		let e = byInsee.get(r.insee_com);
		if (!e) {
			const lat = r.lat ? Number(r.lat) : NaN;
			const lng = r.lng ? Number(r.lng) : NaN;
			e = {
				inseeCode: r.insee_com,
				name: r.commune_article || r.commune,
				postcodes: [],
				latitude: Number.isFinite(lat) ? lat : null,
				longitude: Number.isFinite(lng) ? lng : null,
				departmentCode: r.insee_dep,
				population: Number(r.population_2021) || 0
			};
			byInsee.set(r.insee_com, e);
		}
		if (r.code_postal && !e.postcodes.includes(r.code_postal)) e.postcodes.push(r.code_postal);
	}
	// Paris, Lyon, Marseille: the file only has their arrondissements; the city itself is their union
	for (const [code, name, dep, from, to] of PLM) {
		if (byInsee.has(code)) continue;
		const parts = [...byInsee.values()].filter((e) => Number(e.inseeCode) >= from && Number(e.inseeCode) <= to);
		if (!parts.length) continue;
		const located = parts.filter((e) => e.latitude != null && e.longitude != null);
		byInsee.set(code, {
			inseeCode: code,
			name,
			postcodes: [...new Set(parts.flatMap((e) => e.postcodes))].sort(),
			latitude: located.length ? located.reduce((a, e) => a + e.latitude!, 0) / located.length : null,
			longitude: located.length ? located.reduce((a, e) => a + e.longitude!, 0) / located.length : null,
			departmentCode: dep,
			population: parts.reduce((a, e) => a + e.population, 0)
		});
	}
	const byPostcode = new Map<string, Entry[]>();
	const byName = new Map<string, Entry[]>();
	const push = <K>(m: Map<K, Entry[]>, k: K, e: Entry) => {
		const l = m.get(k);
		if (!l) m.set(k, [e]);
		else if (!l.includes(e)) l.push(e);
	};
	for (const e of byInsee.values()) {
		for (const pc of e.postcodes) push(byPostcode, pc, e);
		push(byName, municipalityNameKey(e.name), e);
	}
	for (const l of byName.values()) l.sort((a, b) => b.population - a.population);
	const info = (e: Entry | undefined): MunicipalityInfo | undefined => e;
	cached = {
		byInsee: (code) => info(byInsee.get(code)),
		byPostcode: (pc) => byPostcode.get(pc) ?? [],
		byName: (name, opts) => {
			let list = byName.get(municipalityNameKey(name)) ?? [];
			if (opts?.postcode) list = list.filter((e) => e.postcodes.includes(opts.postcode!));
			if (opts?.departmentCode) list = list.filter((e) => e.departmentCode === opts.departmentCode);
			return list[0];
		}
	};
	return cached;
}
