/**
 * A département's map at one level (issue 16, item 7), for the steering pages: its units
 * (communes, EPCI, the instance's areas of one kind, the département), projected, from the
 * boundaries the territory stored (territory/shapes.ts) or, without them, dots at the
 * communes' centres. Reference data only (boundaries, names, populations): no personal data,
 * no permission to check; the figures drawn on it are the caller's.
 *
 * Cached in memory per database, département and level (Gironde by commune: ≈ 60 ms to
 * build, then nothing); a level of areas is keyed by its areas' composition, so that editing
 * an area draws the new map.
 */
import { createHash } from 'node:crypto';
import type { Database } from '../db/client.ts';
import { areasWithCommunes, departmentName, departmentShapes, municipalityLookup, type DepartmentShapes } from '../territory/index.ts';
import type { MapGeometry } from '../../components/charts/types.ts';
import { buildMapGeometry, mapLevelKey, type MapCommune, type MapLevel, type MapUnitSpec } from './model.ts';

const cache = new WeakMap<Database, Map<string, MapGeometry>>();
const shapesCache = new WeakMap<Database, Map<string, Promise<DepartmentShapes | null>>>();
/** At most this many maps kept per database (départements × levels × areas' versions). */
const MAX_CACHED = 64;

function shapesOf(database: Database, departmentCode: string): Promise<DepartmentShapes | null> {
	let m = shapesCache.get(database);
	if (!m) shapesCache.set(database, (m = new Map()));
	let p = m.get(departmentCode);
	if (!p) {
		p = departmentShapes(database.db, departmentCode);
		m.set(departmentCode, p);
		p.catch(() => m.delete(departmentCode));
	}
	return p;
}

/** Forgets the maps built for this database (after the territory or its boundaries are reloaded). */
export function forgetMaps(database: Database): void {
	cache.delete(database);
	shapesCache.delete(database);
}

/**
 * The map of a département at a level: units keyed as the figures are (commune: INSEE code;
 * EPCI: its SIREN; area: the area's id; département: its code), in the order of their names.
 */
export async function departmentMap(database: Database, departmentCode: string, level: MapLevel): Promise<MapGeometry> {
	const lookup = await municipalityLookup(database);
	const communes = lookup.inDepartment(departmentCode).filter((c) => !c.parentInseeCode);
	let perDb = cache.get(database);
	if (!perDb) cache.set(database, (perDb = new Map()));
	// the areas are read each time (they may be edited): their composition is part of the key
	const areas = level.kind === 'area' ? await areasWithCommunes(database.db, departmentCode, level.areaKind) : null;
	const signature = areas
		? createHash('sha1')
				.update(JSON.stringify(areas.map((a) => [a.id, a.name, a.inseeCodes])))
				.digest('base64url')
		: String(communes.length);
	const key = `${departmentCode}|${mapLevelKey(level)}|${signature}`;
	const hit = perDb.get(key);
	if (hit) return hit;

	let units: MapUnitSpec[];
	switch (level.kind) {
		case 'commune':
			units = communes.map((c) => ({ code: c.inseeCode, name: c.name, communes: [c.inseeCode] }));
			break;
		case 'epci': {
			const byEpci = new Map<string, MapUnitSpec>();
			for (const c of communes) {
				const code = c.epciCode ?? c.inseeCode;
				const u = byEpci.get(code) ?? { code, name: c.epciName ?? c.name, communes: [] };
				u.communes.push(c.inseeCode);
				byEpci.set(code, u);
			}
			units = [...byEpci.values()];
			break;
		}
		case 'area':
			units = (areas ?? []).map((a) => ({ code: String(a.id), name: a.name, communes: a.inseeCodes }));
			break;
		case 'departement':
			units = [
				{ code: departmentCode, name: (await departmentName(database.db, departmentCode)) ?? departmentCode, communes: communes.map((c) => c.inseeCode) }
			];
			break;
	}
	units.sort((a, b) => a.name.localeCompare(b.name, 'fr'));

	const shapes = await shapesOf(database, departmentCode);
	const mapCommunes: MapCommune[] = communes.map((c) => ({
		inseeCode: c.inseeCode,
		name: c.name,
		latitude: c.latitude,
		longitude: c.longitude,
		population: c.population
	}));
	const geometry = buildMapGeometry({
		departmentCode,
		levelKey: mapLevelKey(level),
		topology: shapes?.topology ?? null,
		communes: mapCommunes,
		units
	});
	if (perDb.size >= MAX_CACHED) perDb.delete(perDb.keys().next().value!);
	perDb.set(key, geometry);
	return geometry;
}
