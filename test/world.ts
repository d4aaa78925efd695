/**
 * Test builders: a database with the people and places a test needs, written through the
 * real use cases (the journal, the checks and the row-level security see what production
 * would), in a few readable lines instead of a copied setup.
 *
 *   const w = await openWorld({ places: 'agen' });
 *   const ccas = await w.organisation('CCAS de Nérac', 'ccas');
 *   const pat = await w.member('pat@ccas.test', ccas, 'prescriber');
 *   const lacepede = await w.runs(mediatheque, 'Médiathèque Lacépède');
 *   const rosa = await w.person(pat, ccas, { firstName: 'Rosa' });
 *   …
 *   await w.close();
 *
 * Also: `w.member(…, { displayName, mfa })` when a test reads the name or needs a member
 * who has not typed their code yet; `w.placeByEmail(nom, courriel)` for a place without a
 * team that takes referrals by e-mail; `w.requestDatabase()` (PostgreSQL) for the request
 * role's pool, under row-level security, closed with the world. `openWorld({ territory:
 * false })` starts from a migrated database with nothing loaded (accounts' tests).
 */
import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import type { Database } from '../src/lib/server/db/client.ts';
import { getBoss, stopBoss } from '../src/lib/server/jobs/boss.ts';
import { importPlaces } from '../src/lib/server/places/index.ts';
import { places } from '../src/lib/server/places/db.ts';
import { openRequestDatabase } from '../src/lib/server/db/request-pool.ts';
import { organisationPlaces } from '../src/lib/server/accounts/db.ts';
import { actorFor, addMember, createOrganisation, type Actor, type Role } from '../src/lib/server/accounts/index.ts';
import { createBeneficiary } from '../src/lib/server/beneficiaries/index.ts';
import { createEmptyTestDatabase, createTestDatabase } from './db.ts';

/** A password every test member shares: long enough for the rules, never a real one. */
export const TEST_PASSWORD = 'une phrase de passe solide';

/** Fixtures of places in the national standard (test/fixtures), by short name. */
const PLACE_FILES = { agen: 'places-agen.json' } as const;

export interface WorldOptions {
	/** the territory (communes of France) loaded; default true */
	territory?: boolean;
	/** places imported from a fixture file, on the given day (default '2026-11-18') */
	places?: keyof typeof PLACE_FILES | false;
	placesDay?: string;
	/** the job queue started before any transaction sends to it (needed by mail and SMS); default true */
	boss?: boolean;
}

export interface PersonFields {
	firstName?: string;
	lastName?: string;
	pseudonym?: string;
	birthYear?: string;
	commune?: string;
	phone?: string;
	email?: string;
	preferredContact?: string;
	language?: string;
	accessibilityNeeds?: string[];
	accessibilityNote?: string;
	[k: string]: unknown;
}

export interface MemberOptions {
	/** the name others read (in e-mails, « invited by »); default: the e-mail's part before the @ */
	displayName?: string;
	/** the second factor passed; default true */
	mfa?: boolean;
}

export interface World {
	db: Database;
	/** an organisation of the département (47 unless said) */
	organisation(name: string, kind?: string, departmentCode?: string): Promise<string>;
	/** a member with a password and (unless said) the second factor passed, as the actor the use cases take */
	member(email: string, organisationId: string, role: Role, opts?: MemberOptions): Promise<Actor>;
	/** the id of an imported place, by its exact name */
	place(nom: string): Promise<string>;
	/** the organisation now runs the place (found by name); returns the place's id */
	runs(organisationId: string, placeNom: string): Promise<string>;
	/** a place without a team, reached by e-mail (referrals, consents): its address set; returns its id */
	placeByEmail(nom: string, courriel: string): Promise<string>;
	/**
	 * PostgreSQL only: a pool logged in as the request role (maillage_app, under row-level
	 * security), opened at the first call; w.close() closes it, and the owner's with it.
	 */
	requestDatabase(max?: number): Promise<Database>;
	/** a person recorded by a professional of the organisation; returns their id */
	person(by: Actor, organisationId: string, fields?: PersonFields): Promise<string>;
	close(): Promise<void>;
}

let people = 0;

export async function openWorld(opts: WorldOptions = {}): Promise<World> {
	const db = opts.territory === false ? await createEmptyTestDatabase() : await createTestDatabase();
	if (opts.boss !== false) await getBoss(db);
	if (opts.places) {
		const fileName = PLACE_FILES[opts.places];
		const content = await readFile(new URL(`./fixtures/${fileName}`, import.meta.url));
		await importPlaces(db, { fileName, content, today: opts.placesDay ?? '2026-11-18' });
	}
	const place = async (nom: string) => {
		const [p] = await db.db.select({ id: places.id }).from(places).where(eq(places.nom, nom));
		if (!p) throw new Error(`world: no place named ${nom}`);
		return p.id;
	};
	let request: Promise<Database> | undefined;
	return {
		db,
		organisation: async (name, kind = 'association', departmentCode = '47') => (await createOrganisation(db, null, { name, kind, departmentCode })).id,
		member: async (email, organisationId, role, { displayName = email.split('@')[0], mfa = true } = {}) =>
			actorFor(db.db, (await addMember(db, null, { email, displayName, organisationId, role, password: TEST_PASSWORD })).userId, mfa),
		place,
		runs: async (organisationId, placeNom) => {
			const placeId = await place(placeNom);
			await db.db.insert(organisationPlaces).values({ organisationId, placeId });
			return placeId;
		},
		placeByEmail: async (nom, courriel) => {
			const placeId = await place(nom);
			await db.db
				.update(places)
				.set({ courriels: [courriel] })
				.where(eq(places.id, placeId));
			return placeId;
		},
		requestDatabase: (max = 4) => (request ??= openRequestDatabase(db, max)),
		person: async (by, organisationId, fields = {}) => {
			people++;
			const r = await createBeneficiary(db, by, {
				organisationId,
				confirmNew: true,
				form: { firstName: 'Rosa', lastName: `Personne${people}`, birthYear: '1958', commune: 'Agen', preferredContact: 'none', ...fields }
			});
			if (r.status !== 'created') throw new Error(`world: person not created (${r.status})`);
			return r.id;
		},
		close: async () => {
			if (opts.boss !== false) await stopBoss(db);
			// the request role's pool closes the owner's with it
			const pool = await request?.catch(() => undefined);
			if (pool) await pool.close();
			else await db.close();
		}
	};
}
