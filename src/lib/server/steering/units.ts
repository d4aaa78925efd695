/**
 * Steering (issue 16), pure: the units of a level — the communes, the intercommunalities, the
 * areas of one kind, the département — each with its communes, so that every figure computed
 * per commune adds up to any level, and every map (choropleth by commune, by EPCI, by area)
 * is fed the same way: `UnitFigure`.
 */
import type { Level } from './model.ts';

const collator = new Intl.Collator('fr');
/** French alphabetical order (one collator: `localeCompare(…, 'fr')` builds one per call). */
export const byFrench = (a: string, b: string) => collator.compare(a, b);

/** What a unit needs of a commune. */
export interface UnitCommune {
	inseeCode: string;
	name: string;
	epciCode: string | null;
	epciName: string | null;
	areas: { id: number; kind: string; name: string }[];
}

export interface SteeringUnit {
	/** INSEE code (commune), SIREN (EPCI), `area-<id>`, the département's code, or a bucket: `sans-epci`, `hors-territoire` */
	code: string;
	name: string;
	/** its communes' INSEE codes */
	communes: string[];
}

/**
 * One value per unit, what a map is fed (a choropleth paints each unit's communes, or the
 * EPCI by its code): `value` null when unknown (or masked: `masked` true, never drawn).
 */
export interface UnitFigure {
	code: string;
	name: string;
	communes: string[];
	value: number | null;
	masked: boolean;
}

const PLURALS: Record<string, string> = {
	commune: 'communes',
	epci: 'intercommunalités',
	departement: 'départements',
	pole_territorial: 'pôles territoriaux',
	bassin_de_vie: 'bassins de vie',
	secteur: 'secteurs',
	autre: 'autres territoires'
};

/** « communes », « intercommunalités », « bassins de vie »… (lower case) */
export function levelPlural(level: Level): string {
	return PLURALS[level.kind === 'area' ? level.areaKind : level.kind];
}

export const NO_EPCI = { code: 'sans-epci', name: 'Sans intercommunalité' } as const;
export const OUTSIDE_AREAS = { code: 'hors-territoire', name: 'Hors des territoires définis' } as const;

/**
 * The units of the level, by name (the buckets of communes in no EPCI or no area last). A
 * commune belongs to one unit; if the instance put it in two areas of the same kind, it counts
 * in both (each area is what the Département defined).
 */
export function unitsOf(communes: readonly UnitCommune[], level: Level, department: { code: string; name: string }): SteeringUnit[] {
	const byName = (a: SteeringUnit, b: SteeringUnit) => byFrench(a.name, b.name) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
	if (level.kind === 'departement') return [{ code: department.code, name: department.name, communes: communes.map((c) => c.inseeCode) }];
	if (level.kind === 'commune') return communes.map((c) => ({ code: c.inseeCode, name: c.name, communes: [c.inseeCode] })).sort(byName);
	const units = new Map<string, SteeringUnit>();
	const bucket: SteeringUnit = level.kind === 'epci' ? { ...NO_EPCI, communes: [] } : { ...OUTSIDE_AREAS, communes: [] };
	const add = (code: string, name: string, insee: string) => {
		const u = units.get(code) ?? { code, name, communes: [] };
		u.communes.push(insee);
		units.set(code, u);
	};
	for (const c of communes) {
		if (level.kind === 'epci') {
			if (c.epciCode) add(c.epciCode, c.epciName ?? c.epciCode, c.inseeCode);
			else bucket.communes.push(c.inseeCode);
		} else {
			const mine = c.areas.filter((a) => a.kind === level.areaKind);
			for (const a of mine) add(`area-${a.id}`, a.name, c.inseeCode);
			if (!mine.length) bucket.communes.push(c.inseeCode);
		}
	}
	const out = [...units.values()].sort(byName);
	return bucket.communes.length ? [...out, bucket] : out;
}
