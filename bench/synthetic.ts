/**
 * Synthetic places in the national standard's format, placed in real communes (weighted
 * by population) with realistic vocabularies and opening hours — to reach national scale
 * (100,000 places) on top of every real place of ../shared/data.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { VOCABULARIES } from '../src/lib/server/places/index.ts';

interface Commune {
	insee: string;
	name: string;
	postcode: string;
	lat: number;
	lng: number;
	pop: number;
}

/** Deterministic PRNG (mulberry32) so every run benchmarks the same data. */
export function rng(seed: number) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export function loadCommunes(sharedDir: string): Commune[] {
	const rows = parse(readFileSync(join(sharedDir, 'territoire', 'communes-2024.csv')), { columns: true }) as Record<string, string>[];
	return rows
		.filter((r) => r.commune_type === 'COM' && r.lat && r.lng)
		.map((r) => ({
			insee: r.insee_com,
			name: r.commune_article || r.commune,
			postcode: r.code_postal,
			lat: +r.lat,
			lng: +r.lng,
			pop: +r.population_2021 || 1
		}));
}

const KINDS = [
	'Médiathèque',
	'Espace numérique',
	'France services',
	'CCAS',
	'Tiers-lieu',
	'Centre social',
	'Maison de quartier',
	'Point numérique CAF',
	'Mairie',
	'Association'
];
const STREETS = [
	'rue de la République',
	'place de la Mairie',
	'avenue Jean Jaurès',
	'rue Victor Hugo',
	'place du Marché',
	'rue des Écoles',
	'boulevard Gambetta',
	'rue de la Gare'
];
const HOURS = [
	'Mo-Fr 09:00-12:00,14:00-17:00',
	'Mo-Fr 09:00-12:00,13:30-17:00; Sa 09:00-12:00',
	'Tu,Th 14:00-18:00',
	'We 09:00-12:00,14:00-18:00; Sa 10:00-12:00',
	'Mo-Th 08:30-12:30,13:30-17:30; Fr 08:30-12:30',
	'Tu-Sa 10:00-18:00',
	''
];

function pick<T>(r: () => number, a: readonly T[]): T {
	return a[Math.floor(r() * a.length)];
}
function some(r: () => number, a: readonly string[], max: number): string {
	const n = 1 + Math.floor(r() * max);
	const out = new Set<string>();
	for (let i = 0; i < n; i++) out.add(pick(r, a));
	return [...out].join('|');
}

/** Luhn-valid SIRET from a number */
export function siret(n: number): string {
	const base = String(100000000 + (n % 800000000)).padStart(9, '0') + '0001';
	for (let k = 0; k < 10; k++) {
		const s = base + k;
		let sum = 0;
		for (let i = 0; i < 14; i++) {
			let d = +s[13 - i];
			if (i % 2 === 1) {
				d *= 2;
				if (d > 9) d -= 9;
			}
			sum += d;
		}
		if (sum % 10 === 0) return s;
	}
	throw new Error('unreachable');
}

/** `count` synthetic records as standard JSON objects. */
export function syntheticPlaces(count: number, sharedDir: string, seed = 47): Record<string, string | number>[] {
	const r = rng(seed);
	const communes = loadCommunes(sharedDir);
	// cumulative population for weighted choice
	const cum: number[] = [];
	let total = 0;
	for (const c of communes) cum.push((total += Math.sqrt(c.pop)));
	const choose = () => {
		const x = r() * total;
		let lo = 0;
		let hi = cum.length - 1;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (cum[mid] < x) lo = mid + 1;
			else hi = mid;
		}
		return communes[lo];
	};
	const out: Record<string, string | number>[] = [];
	for (let i = 0; i < count; i++) {
		const c = choose();
		const kind = pick(r, KINDS);
		out.push({
			id: `synth-${i}`,
			pivot: siret(i * 7919 + 13),
			nom: `${kind} ${c.name} ${i}`,
			commune: c.name,
			code_postal: c.postcode,
			code_insee: c.insee,
			adresse: `${1 + Math.floor(r() * 80)} ${pick(r, STREETS)}`,
			latitude: +(c.lat + (r() - 0.5) * 0.02).toFixed(6),
			longitude: +(c.lng + (r() - 0.5) * 0.02).toFixed(6),
			telephone: `+335${String(Math.floor(r() * 1e8)).padStart(8, '0')}`,
			horaires: pick(r, HOURS),
			services: some(r, VOCABULARIES.services, 4),
			publics_specifiquement_adresses: r() < 0.3 ? some(r, VOCABULARIES.publics_specifiquement_adresses, 2) : '',
			prise_en_charge_specifique: r() < 0.2 ? some(r, VOCABULARIES.prise_en_charge_specifique, 2) : '',
			frais_a_charge: pick(r, VOCABULARIES.frais_a_charge),
			modalites_acces: some(r, VOCABULARIES.modalites_acces, 2),
			modalites_accompagnement: some(r, VOCABULARIES.modalites_accompagnement, 2),
			dispositif_programmes_nationaux: r() < 0.5 ? some(r, VOCABULARIES.dispositif_programmes_nationaux, 2) : '',
			itinerance: r() < 0.05 ? 'Itinérant' : 'Fixe',
			date_maj: `2024-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`,
			source: 'synthetique'
		});
	}
	return out;
}
