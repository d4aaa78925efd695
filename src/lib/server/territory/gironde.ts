/**
 * Gironde's pôles territoriaux, from the Département's own file of places: one area per pôle,
 * the communes of the EPCIs written for it, the conflicts reported.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../db/client.ts';
import { decoupageEpcis, releaseDecoupageCache } from './load.ts';
import type { TerritoryMunicipality } from './model.ts';
import { matchEpciName } from './area-model.ts';
import { hasPoint, municipalityLookup } from './lookup.ts';
import { saveAreas } from './areas.ts';

export interface GirondeAreasReport {
	/** one per pôle */
	areas: { name: string; id: number; municipalities: number; population: number; epcis: string[]; places: number }[];
	/** an EPCI written under several pôles */
	conflicts: { epci: string; epciCode: string; poles: { name: string; places: number }[]; resolution: string }[];
	/** EPCI names not found in the national list: the communes of their places were used */
	unmatchedEpcis: { written: string; poles: string[]; municipalities: string[] }[];
	/** communes of a conflicting EPCI with no place, hence no pôle (unless assignUnplaced = 'nearest') */
	unassigned: { inseeCode: string; name: string; epci: string; candidates: string[] }[];
	/** communes placed by proximity (assignUnplaced = 'nearest') */
	assignedByProximity: { inseeCode: string; name: string; pole: string }[];
	/** EPCIs of the département never named in the file: their communes are in no pôle */
	uncoveredEpcis: { epci: string; municipalities: number }[];
	/** places whose commune could not be identified */
	unresolvedPlaces: { row: number; commune: string }[];
	/** French */
	warnings: string[];
	places: number;
}

const GIRONDE = '33';

/**
 * One area of kind 'pole_territorial' per "Pôle territorial" of the Gironde file: all the communes
 * (in Gironde) of every EPCI written for that pôle. An EPCI written under several pôles is a
 * conflict: each of its communes hosting places goes to the pôle of its places, the others are
 * left out and listed (or, with assignUnplaced: 'nearest', given the pôle of the nearest commune
 * of the same EPCI, and listed). Re-running replaces the pôles' communes.
 */
export async function importAreasFromGironde(
	database: Database,
	sharedDir: string,
	opts: { assignUnplaced?: 'none' | 'nearest' } = {}
): Promise<GirondeAreasReport> {
	const file = join(sharedDir, 'lieux', 'gironde-33-departement.json');
	const records = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>[];
	const lookup = await municipalityLookup(database);
	const str = (v: unknown) => (typeof v === 'string' ? v.trim() : v == null ? '' : String(v).trim());
	const report: GirondeAreasReport = {
		areas: [],
		conflicts: [],
		unmatchedEpcis: [],
		unassigned: [],
		assignedByProximity: [],
		uncoveredEpcis: [],
		unresolvedPlaces: [],
		warnings: [],
		places: records.length
	};

	const epcis = decoupageEpcis()
		.map((e) => ({
			code: e.code,
			name: e.nom,
			members: e.membres.map((m) => lookup.byInsee(m.code)).filter((m): m is TerritoryMunicipality => m?.departmentCode === GIRONDE),
			outside: e.membres.filter((m) => lookup.byInsee(m.code)?.departmentCode !== GIRONDE).length
		}))
		.filter((e) => e.members.length);
	releaseDecoupageCache();

	type Epci = (typeof epcis)[number];
	const poleOrder: string[] = [];
	const placesPerPole = new Map<string, number>();
	const epciPoles = new Map<string, Map<string, number>>(); // epci code → pôle → places
	const epciByCode = new Map<string, Epci>();
	const writtenMatch = new Map<string, Epci | undefined>();
	const unmatched = new Map<string, { poles: Set<string>; communes: Set<string> }>();
	const communePoles = new Map<string, Map<string, number>>(); // insee → pôle → places
	const polesEpcis = new Map<string, Set<string>>();

	records.forEach((rec, index) => {
		const row = index + 1;
		const pole = str(rec['Pôle territorial']);
		const written = str(rec['Intercommunalité']);
		const commune = str(rec['Commune']);
		const postcode = /\b(\d{5})\b/.exec(str(rec['Adresse postale']))?.[1];
		if (!pole) {
			report.warnings.push(`Lieu ${row} (${str(rec['Lieu']) || 'sans nom'})\u00a0: pas de pôle territorial, ignoré.`);
			return;
		}
		if (!placesPerPole.has(pole)) poleOrder.push(pole);
		placesPerPole.set(pole, (placesPerPole.get(pole) ?? 0) + 1);
		const m = commune ? (lookup.byName(commune, { postcode, departmentCode: GIRONDE }) ?? lookup.byName(commune, { departmentCode: GIRONDE })) : undefined;
		if (!m) report.unresolvedPlaces.push({ row, commune: commune || '(vide)' });
		else {
			const counts = communePoles.get(m.inseeCode) ?? new Map<string, number>();
			counts.set(pole, (counts.get(pole) ?? 0) + 1);
			communePoles.set(m.inseeCode, counts);
		}
		if (!written) return;
		if (!writtenMatch.has(written)) writtenMatch.set(written, matchEpciName(written, epcis));
		const epci = writtenMatch.get(written);
		if (!epci) {
			const u = unmatched.get(written) ?? { poles: new Set<string>(), communes: new Set<string>() };
			u.poles.add(pole);
			if (m) u.communes.add(m.inseeCode);
			unmatched.set(written, u);
			return;
		}
		if (m && m.epciCode && m.epciCode !== epci.code)
			report.warnings.push(`Lieu ${row}\u00a0: la commune ${m.name} n’est pas dans « ${written} » mais dans « ${m.epciName} ».`);
		epciByCode.set(epci.code, epci);
		const counts = epciPoles.get(epci.code) ?? new Map<string, number>();
		counts.set(pole, (counts.get(pole) ?? 0) + 1);
		epciPoles.set(epci.code, counts);
		const set = polesEpcis.get(pole) ?? new Set<string>();
		set.add(epci.name);
		polesEpcis.set(pole, set);
	});

	const assignment = new Map<string, string>(); // insee → pôle
	const majority = (counts: Map<string, number>) => [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
	const assign = (insee: string, pole: string, why: string) => {
		const prev = assignment.get(insee);
		if (prev && prev !== pole) {
			const m = lookup.byInsee(insee);
			report.warnings.push(`La commune ${m?.name ?? insee} relève à la fois de « ${prev} » et de « ${pole} » (${why})\u00a0: laissée dans « ${prev} ».`);
			return;
		}
		assignment.set(insee, pole);
	};

	for (const [code, counts] of epciPoles) {
		const epci = epciByCode.get(code)!;
		if (epci.outside) report.warnings.push(`${epci.name}\u00a0: ${epci.outside} commune(s) hors de la Gironde non rattachée(s).`);
		if (counts.size === 1) {
			const pole = [...counts.keys()][0];
			for (const m of epci.members) assign(m.inseeCode, pole, epci.name);
			continue;
		}
		const poles = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([name, places]) => ({ name, places }));
		const placed = epci.members.filter((m) => communePoles.has(m.inseeCode));
		for (const m of placed) {
			const own = communePoles.get(m.inseeCode)!;
			if (own.size > 1)
				report.warnings.push(
					`La commune ${m.name} a des lieux dans plusieurs pôles (${[...own.keys()].join(', ')})\u00a0: rattachée à « ${majority(own)} », qui en compte le plus.`
				);
			assign(m.inseeCode, majority(own), 'lieux');
		}
		const rest = epci.members.filter((m) => !communePoles.has(m.inseeCode));
		let resolution = `${placed.length} commune(s) ayant des lieux rattachée(s) au pôle de leurs lieux`;
		if (rest.length && opts.assignUnplaced === 'nearest') {
			for (const m of rest) {
				const nearest = placed
					.filter((p) => hasPoint(p) && hasPoint(m))
					.map((p) => ({ p, d: (p.latitude! - m.latitude!) ** 2 + ((p.longitude! - m.longitude!) * Math.cos((m.latitude! * Math.PI) / 180)) ** 2 }))
					.sort((a, b) => a.d - b.d)[0]?.p;
				if (!nearest) continue;
				const pole = assignment.get(nearest.inseeCode)!;
				assign(m.inseeCode, pole, 'proximité');
				report.assignedByProximity.push({ inseeCode: m.inseeCode, name: m.name, pole });
			}
			resolution += `, ${rest.length} autre(s) au pôle de la commune la plus proche`;
		} else if (rest.length) {
			for (const m of rest) report.unassigned.push({ inseeCode: m.inseeCode, name: m.name, epci: epci.name, candidates: poles.map((p) => p.name) });
			resolution += `, ${rest.length} commune(s) sans lieu laissée(s) hors pôle (${rest.map((m) => m.name).join(', ')})`;
		}
		report.conflicts.push({ epci: epci.name, epciCode: epci.code, poles, resolution: `${resolution}.` });
	}

	for (const [written, u] of unmatched) {
		for (const insee of u.communes) assign(insee, majority(communePoles.get(insee)!), 'lieux');
		report.unmatchedEpcis.push({
			written,
			poles: [...u.poles],
			municipalities: [...u.communes].map((c) => lookup.byInsee(c)?.name ?? c)
		});
		report.warnings.push(`Intercommunalité « ${written} » non reconnue\u00a0: seules les communes de ses lieux sont rattachées.`);
	}

	const mentioned = new Set(epciPoles.keys());
	for (const e of epcis)
		if (!mentioned.has(e.code) && !e.members.some((m) => assignment.has(m.inseeCode)))
			report.uncoveredEpcis.push({ epci: e.name, municipalities: e.members.length });

	const members = new Map<string, string[]>(poleOrder.map((p) => [p, []]));
	for (const [insee, pole] of assignment) members.get(pole)?.push(insee);
	const saved = await saveAreas(
		database,
		poleOrder.map((pole) => ({ departmentCode: GIRONDE, kind: 'pole_territorial' as const, name: pole, inseeCodes: members.get(pole)!.sort() }))
	);
	report.areas = saved.map((area) => ({
		name: area.name,
		id: area.id,
		municipalities: area.municipalityCount,
		population: area.population,
		epcis: [...(polesEpcis.get(area.name) ?? [])].sort(),
		places: placesPerPole.get(area.name) ?? 0
	}));
	return report;
}
