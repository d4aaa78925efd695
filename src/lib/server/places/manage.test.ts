import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { createTestDatabase } from '../../../../test/db.ts';
import type { Database } from '../db/client.ts';
import { importPlaces } from './import.ts';
import { getPlace, allPlaces } from './place.ts';
import { managedPlaces, remindStalePlace, stalePlaces, updatePlace, canEditPlace, type PlaceForm } from './manage.ts';
import { usePlaceTeams } from './teams.ts';
import { PlaceManagementError } from './errors.ts';
import {
	createOrganisation,
	actorFor,
	addMember,
	type Actor,
	clearAttempts as clear,
	reserveAttempt as reserve,
	THROTTLE_RULES as RULES,
	claimPlace,
	decideClaim,
	listClaims,
	placeTeams
} from '../accounts/index.ts';
import { horairesToRanges } from './hours-week.ts';
import { places } from './db.ts';
import { eq } from 'drizzle-orm';
import { searchJournal, verifyChain } from '../audit/index.ts';
import { placeClaims } from '../accounts/db.ts';

let db: Database;
let manager: Actor;
let coordinator: Actor;
let coordinator33: Actor;
let mediatheque: string;

beforeAll(async () => {
	// who runs a place: accounts' answer to places' port, as the composition root (app.ts) wires it
	usePlaceTeams(placeTeams);
	db = await createTestDatabase();
	const content = await readFile(new URL('../../../../test/fixtures/places-agen.json', import.meta.url));
	await importPlaces(db, { fileName: 'places-agen.json', content, today: '2026-11-18' });
	const cd47 = (await createOrganisation(db, null, { name: 'Département de Lot-et-Garonne', kind: 'departement', departmentCode: '47' })).id;
	const cd33 = (await createOrganisation(db, null, { name: 'Département de la Gironde', kind: 'departement', departmentCode: '33' })).id;
	mediatheque = (await createOrganisation(db, null, { name: 'Médiathèque Lacépède', kind: 'mediatheque', departmentCode: '47' })).id;
	const P = 'une phrase de passe solide';
	manager = await actorFor(
		db.db,
		(await addMember(db, null, { email: 'noa@mediatheque.test', displayName: 'Noa', organisationId: mediatheque, role: 'place_manager', password: P })).userId,
		true
	);
	coordinator = await actorFor(
		db.db,
		(await addMember(db, null, { email: 'c@cd47.test', displayName: 'Camille', organisationId: cd47, role: 'coordinator', password: P })).userId,
		true
	);
	coordinator33 = await actorFor(
		db.db,
		(await addMember(db, null, { email: 'c@cd33.test', displayName: 'Dominique', organisationId: cd33, role: 'coordinator', password: P })).userId,
		true
	);
});
afterAll(async () => db?.close());

const form = (over: Partial<PlaceForm> = {}): PlaceForm => ({
	presentationResume: 'Ateliers et aide aux démarches en ligne, sur rendez-vous ou en libre accès.',
	telephone: '05 53 66 00 01',
	courriels: 'numerique@mediatheque.test',
	siteWeb: 'https://mediatheque.test',
	priseRdv: '',
	services: ['Aide aux démarches administratives', 'Maîtrise des outils numériques du quotidien'],
	publics: ['Seniors'],
	frais: ['Gratuit'],
	modalitesAcces: ['Se présenter'],
	modalitesAccompagnement: ['Accompagnement individuel'],
	week: [
		[
			{ start: '09:00', end: '12:00' },
			{ start: '14:00', end: '18:00' }
		],
		[
			{ start: '09:00', end: '12:00' },
			{ start: '14:00', end: '18:00' }
		],
		[],
		[
			{ start: '09:00', end: '12:00' },
			{ start: '14:00', end: '18:00' }
		],
		[
			{ start: '09:00', end: '12:00' },
			{ start: '14:00', end: '18:00' }
		],
		[{ start: '09:00', end: '12:00' }],
		[]
	],
	closures: [{ from: '2026-12-24', to: '2026-12-26' }],
	...over
});

describe('claiming a place', () => {
	it('a place manager asks, a coordinator of the département approves, then they may edit', async () => {
		expect(await canEditPlace(db, manager, 'fixture-lacepede')).toBe(false);
		await expect(updatePlace(db, manager, 'fixture-lacepede', form())).rejects.toThrow(PlaceManagementError);
		const claim = await claimPlace(db, manager, { placeId: 'fixture-lacepede', organisationId: mediatheque, message: 'Je suis la responsable.' });
		await expect(claimPlace(db, manager, { placeId: 'fixture-lacepede', organisationId: mediatheque })).rejects.toThrow(/déjà en attente/);
		expect((await listClaims(db, coordinator)).map((c) => c.placeName)).toEqual(['Médiathèque Lacépède']);
		expect(await listClaims(db, coordinator33)).toEqual([]);
		await expect(decideClaim(db, coordinator33, claim.id, true)).rejects.toThrow(/pas dans votre département/);
		await decideClaim(db, coordinator, claim.id, true);
		await expect(decideClaim(db, coordinator, claim.id, true)).rejects.toThrow(/déjà été traitée/);
		expect(await canEditPlace(db, manager, 'fixture-lacepede')).toBe(true);
		expect((await managedPlaces(db, manager)).map((p) => p.id)).toEqual(['fixture-lacepede']);
		expect(await canEditPlace(db, manager, 'fixture-boe')).toBe(false);
	});
});

describe('claims per account', () => {
	it('10 a day at most: the 11th is refused in French, nothing written, and allowed again a day later', async () => {
		const key = `place-claim:${manager.userId}`;
		await clear(db.db, key);
		const now = new Date('2026-12-06T10:00:00Z');
		for (let i = 0; i < 10; i++) expect((await reserve(db.db, key, RULES.claim, now)).allowed).toBe(true);
		const before = await db.db.select().from(placeClaims);
		const later = new Date(now.getTime() + 3600_000);
		await expect(claimPlace(db, manager, { placeId: 'fixture-boe', organisationId: mediatheque }, null, later)).rejects.toThrow(
			'Vous avez déjà fait 10\u00a0demandes ces dernières 24\u00a0heures, le maximum\u00a0: chacune est lue par l’équipe de coordination. Réessayez dans 23 heures, ou écrivez à l’équipe de coordination de votre département pour les lieux qui restent.'
		);
		expect(await db.db.select().from(placeClaims)).toHaveLength(before.length);
		// the next day
		const claim = await claimPlace(db, manager, { placeId: 'fixture-boe', organisationId: mediatheque }, null, new Date(now.getTime() + 25 * 3600_000));
		expect(claim.placeId).toBe('fixture-boe');
		await clear(db.db, key);
	});
});

describe('editing a place', () => {
	it('explains each problem in French, field by field, and writes nothing', async () => {
		const before = await getPlace(db, 'fixture-lacepede');
		const e = await updatePlace(
			db,
			manager,
			'fixture-lacepede',
			form({ telephone: '12', courriels: 'pas-un-mail', services: [], week: form().week.map((d, i) => (i === 0 ? [{ start: '18:00', end: '09:00' }] : d)) })
		).catch((x) => x);
		expect(e).toBeInstanceOf(PlaceManagementError);
		expect(Object.keys(e.fields).sort()).toEqual(['courriels', 'horaires', 'services', 'telephone']);
		expect(e.fields.horaires).toMatch(/Lundi\s: la plage 18:00–09:00 doit finir après son début/);
		expect(await getPlace(db, 'fixture-lacepede')).toEqual(before);
	});

	it('saves, turns the week into OSM hours with the closures, updates date_maj, and the export shows it', async () => {
		const p = (await updatePlace(db, manager, 'fixture-lacepede', form(), '192.0.2.3', '2026-11-22'))!;
		expect(p.horaires).toBe('Mo,Tu,Th,Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; 2026 Dec 24-2026 Dec 26 off');
		expect(p.dateMaj).toBe('2026-11-22');
		expect(p.telephone).toBe('+33553660001');
		expect(p.services).toEqual(['Aide aux démarches administratives', 'Maîtrise des outils numériques du quotidien']);
		expect(p.priseEnChargeSpecifique).toEqual(['Surdité']); // not on the form: kept
		expect(horairesToRanges('Mo,Tu,Th,Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00')![2]).toEqual([]);
		const exported = [];
		for await (const b of allPlaces(db)) exported.push(...b);
		expect(exported.find((x) => x.id === 'fixture-lacepede')?.dateMaj).toBe('2026-11-22');
		// the manager's version wins over a later import of the original source
		const content = await readFile(new URL('../../../../test/fixtures/places-agen.json', import.meta.url));
		await importPlaces(db, {
			fileName: 'places-agen.json',
			content: content.toString().replace('Place Armand Fallières', 'Place A. Fallières'),
			today: '2026-11-23'
		});
		expect((await getPlace(db, 'fixture-lacepede'))?.telephone).toBe('+33553660001');
		const log = await searchJournal(db, { departmentCodes: ['47'], action: 'place.updated' });
		expect(log.rows[0].details).toMatchObject({ fields: expect.arrayContaining(['horaires', 'telephone', 'date_maj']) });
		expect((await verifyChain(db)).ok).toBe(true);
	});
});

describe('stale places', () => {
	it('lists places of the département not updated for 12 months, oldest first', async () => {
		const stale = await stalePlaces(db, coordinator, 100, '2026-11-22');
		expect(stale.map((s) => s.id)).not.toContain('fixture-lacepede');
		expect(stale.every((s) => s.dateMaj < '2025-11-22')).toBe(true);
		expect(stale.map((s) => s.dateMaj)).toEqual([...stale.map((s) => s.dateMaj)].sort());
		expect(await stalePlaces(db, manager)).toEqual([]);
	});

	it('leaves out a place closed for good (nothing to update), and says when one is closed for a while', async () => {
		const stale = await stalePlaces(db, coordinator, 100, '2026-11-22');
		expect(stale.length).toBeGreaterThan(1);
		const [gone, paused] = stale;
		await db.db.update(places).set({ closure: 'permanent' }).where(eq(places.id, gone.id));
		await db.db.update(places).set({ closure: 'temporary', closedUntil: '2027-01-15' }).where(eq(places.id, paused.id));
		try {
			const after = await stalePlaces(db, coordinator, 100, '2026-11-22');
			expect(after.map((s) => s.id)).not.toContain(gone.id);
			expect(after.find((s) => s.id === paused.id)!.closure).toEqual({ kind: 'temporary', until: '2027-01-15', reason: null });
			expect(after.find((s) => s.id !== paused.id)!.closure).toBeNull();
			await expect(remindStalePlace(db, coordinator, gone.id, { origin: 'https://exemple.fr', instanceName: 'Test' })).rejects.toMatchObject({
				code: 'invalid'
			});
		} finally {
			await db.db.update(places).set({ closure: null, closedUntil: null }).where(eq(places.id, gone.id));
			await db.db.update(places).set({ closure: null, closedUntil: null }).where(eq(places.id, paused.id));
		}
	});

	it('« Mes lieux » carries each place’s closure in force', async () => {
		expect((await managedPlaces(db, manager)).map((p) => p.closure)).toEqual([null]);
		await db.db.update(places).set({ closure: 'temporary', closedUntil: '2027-01-15', closureReason: 'Travaux' }).where(eq(places.id, 'fixture-lacepede'));
		try {
			expect((await managedPlaces(db, manager, '2026-12-06'))[0].closure).toEqual({ kind: 'temporary', until: '2027-01-15', reason: 'Travaux' });
			// on the day it reopens, it is open
			expect((await managedPlaces(db, manager, '2027-01-15'))[0].closure).toBeNull();
		} finally {
			await db.db.update(places).set({ closure: null, closedUntil: null, closureReason: null }).where(eq(places.id, 'fixture-lacepede'));
		}
	});
});
