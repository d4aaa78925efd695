/**
 * Places read by other capabilities (the Pass Numérique's lists, the demo) without reaching
 * into this capability's tables: names and communes by id, a place found by name, the places
 * of a commune. Each takes the database handle or the caller's transaction (`db`).
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { places } from './db.ts';

export interface PlaceLabel {
	nom: string;
	commune: string;
}

/** The name and commune of these places, the map in name order (the database's collation); unknown ids are left out. */
export async function placeLabels(db: DbOrTx, ids: readonly (string | null | undefined)[]): Promise<Map<string, PlaceLabel>> {
	const wanted = [...new Set(ids.filter((id): id is string => !!id))];
	if (!wanted.length) return new Map();
	const rows = await db
		.select({ id: places.id, nom: places.nom, commune: places.commune })
		.from(places)
		.where(inArray(places.id, wanted))
		.orderBy(asc(places.nom), asc(places.id));
	return new Map(rows.map((r) => [r.id, { nom: r.nom, commune: r.commune }]));
}

/** The place of this name in a département (the demo's structures name theirs), or null. */
export async function placeIdByName(db: DbOrTx, nom: string, departmentCode: string): Promise<string | null> {
	const [p] = await db
		.select({ id: places.id })
		.from(places)
		.where(and(eq(places.nom, nom), eq(places.departmentCode, departmentCode)));
	return p?.id ?? null;
}

/** The places of a commune of a département with their SIRET (pivot), by name, the one named `first` first. */
export async function placesOfCommune(
	db: DbOrTx,
	codeInsee: string,
	departmentCode: string,
	first: string | null = null
): Promise<{ nom: string; pivot: string }[]> {
	return db
		.select({ nom: places.nom, pivot: places.pivot })
		.from(places)
		.where(and(eq(places.codeInsee, codeInsee), eq(places.departmentCode, departmentCode)))
		.orderBy(sql`${places.nom} = ${first ?? ''} desc`, asc(places.nom));
}
