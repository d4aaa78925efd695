/**
 * A place's card: what other capabilities show of a place whose id they hold (a referral's,
 * an accompaniment's, a structure's): its name, address, phone, e-mails and hours, as
 * stored. Read through the caller's handle (its transaction); places are public data.
 */
import { asc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { places } from './db.ts';

export type PlaceCard = Pick<typeof places.$inferSelect, 'id' | 'nom' | 'adresse' | 'codePostal' | 'commune' | 'telephone' | 'courriels' | 'horaires'>;

const CARD = {
	id: places.id,
	nom: places.nom,
	adresse: places.adresse,
	codePostal: places.codePostal,
	commune: places.commune,
	telephone: places.telephone,
	courriels: places.courriels,
	horaires: places.horaires
};

/** One `inArray` per this many ids. */
const BATCH = 5000;

/**
 * The cards of these places, by id. The map iterates by name, then commune (the database's
 * order, as an `order by nom, commune` gives it) within each batch of 5,000 ids: one batch
 * for any page or structure's list.
 */
export async function placeCards(db: DbOrTx, ids: readonly string[]): Promise<Map<string, PlaceCard>> {
	const unique = [...new Set(ids)];
	const rows: PlaceCard[] = [];
	for (let i = 0; i < unique.length; i += BATCH)
		rows.push(
			...(await db
				.select(CARD)
				.from(places)
				.where(inArray(places.id, unique.slice(i, i + BATCH)))
				.orderBy(asc(places.nom), asc(places.commune)))
		);
	return new Map(rows.map((r) => [r.id, r]));
}

/** One place's card, or undefined when there is no such place. */
export async function placeCard(db: DbOrTx, id: string): Promise<PlaceCard | undefined> {
	const [card] = await db.select(CARD).from(places).where(eq(places.id, id));
	return card;
}
