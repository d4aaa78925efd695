import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { and, eq, sql } from 'drizzle-orm';
import { createTestDatabase } from '../../../../test/db.ts';
import type { Database } from '../db/client.ts';
import { importPlaces } from '../places/index.ts';
import { places } from '../places/db.ts';
import { getBoss, stopBoss } from '../jobs/boss.ts';
import { verifyChain } from '../audit/index.ts';
import { actorFor, addMember, createOrganisation, organisationDetail, type Actor } from './index.ts';
import { invitations, organisationPlaces, organisations } from './db.ts';
import { importOnboarding } from './onboarding.ts';
import { readOnboardingCsv } from './onboarding-csv.ts';
import { byFrenchName, placeKind, invitePlaceContacts, placeContactRows, placeManagerState, placesWithoutManager } from './place-contacts.ts';
import { auditLog } from '../audit/db.ts';

let db: Database;
let coordinator: Actor;
let coordinator33: Actor;
const P = 'une phrase de passe solide';
const opts = { origin: 'https://maillage.example.fr', instanceName: 'maillage 47', showLinks: true };

beforeAll(async () => {
	db = await createTestDatabase();
	await getBoss(db);
	const content = await readFile(new URL('../../../../test/fixtures/places-agen.json', import.meta.url));
	await importPlaces(db, { fileName: 'places-agen.json', content, today: '2026-11-18' });
	const cd47 = (await createOrganisation(db, null, { name: 'Département de Lot-et-Garonne', kind: 'departement', departmentCode: '47' })).id;
	const cd33 = (await createOrganisation(db, null, { name: 'Département de la Gironde', kind: 'departement', departmentCode: '33' })).id;
	coordinator = await actorFor(
		db.db,
		(await addMember(db, null, { email: 'camille@cd47.test', displayName: 'Camille', organisationId: cd47, role: 'coordinator', password: P })).userId,
		true
	);
	coordinator33 = await actorFor(
		db.db,
		(await addMember(db, null, { email: 'dom@cd33.test', displayName: 'Dominique', organisationId: cd33, role: 'coordinator', password: P })).userId,
		true
	);
});
afterAll(async () => {
	if (db) await stopBoss(db);
	await db?.close();
});

const CSV = [
	'Structure;SIRET;Type;Lieu;Nom;Courriel;Rôle',
	'Médiathèque Lacépède;;mediatheque;fixture-lacepede;Noa Bernard;noa@lacepede.test;responsable|médiateur',
	'Médiathèque Lacépède;;mediatheque;;Sam Roux;sam@lacepede.test;mediateur',
	'France services de Boé;;France Services;fixture-boe;;accueil@boe.test;',
	'CCAS d’Agen;;ccas;;;;'
].join('\n');

const count = async (t: typeof organisations | typeof invitations | typeof organisationPlaces) =>
	Number((await db.db.select({ n: sql<number>`count(*)::int` }).from(t))[0].n);

describe('importing structures, places and members from a CSV', () => {
	it('reads the columns whatever their order and accents, with\u00a0; or ,', () => {
		const r = readOnboardingCsv('\uFEFFcourriel,STRUCTURE,rôle\nx@y.test,Asso,mediateur\n');
		expect(r.rows).toEqual([{ courriel: 'x@y.test', structure: 'Asso', role: 'mediateur' }]);
		expect(readOnboardingCsv('nom;courriel\nA;b@c.test').error).toMatch(/« structure »/);
	});

	it('reads a file saved by Excel in Windows-1252 with its accents, and says so', async () => {
		const latin1 = new Uint8Array(Buffer.from('Structure;Nom;Courriel;Rôle\r\nAssociation Françoise;Zoé Dupré;zoe@francoise.test;médiateur\r\n', 'latin1'));
		const r = readOnboardingCsv(latin1);
		expect(r.error).toBeNull();
		expect(r.warning).toMatch(/^Le fichier n’était pas en UTF-8\s: lu comme Windows-1252 \(Excel\)/);
		expect(r.rows).toEqual([{ structure: 'Association Françoise', nom: 'Zoé Dupré', courriel: 'zoe@francoise.test', role: 'médiateur' }]);
		const report = await importOnboarding(db, coordinator, r.rows!, { ...opts, dryRun: true });
		expect(report).toMatchObject({ errors: [], structures: { created: 1 }, members: { invited: 1 } });
		expect(report.outcomes[0].roles).toMatch(/médiat/i);
		// the same file in UTF-8, with or without a byte order mark: no warning
		const utf8 = new TextEncoder().encode('\uFEFFStructure;Rôle\nAssociation Françoise;médiateur\n');
		expect(readOnboardingCsv(utf8)).toMatchObject({ warning: null, rows: [{ structure: 'Association Françoise', role: 'médiateur' }] });
	});

	it('refuses random bytes with a French message, without throwing', () => {
		let seed = 12;
		const random = new Uint8Array(4096).map(() => (seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 23);
		const r = readOnboardingCsv(random);
		expect(r.rows).toBeNull();
		expect(r.error).toMatch(/enregistrez-le au format « CSV UTF-8 »/);
		expect(readOnboardingCsv(new Uint8Array([0x73, 0x74, 0x72, 0x75, 0x63, 0x74, 0x75, 0x72, 0x65, 0x0a, 0x00, 0x01])).error).toMatch(/CSV UTF-8/);
		expect(readOnboardingCsv('structure\nA\u0000B').error).toMatch(/CSV UTF-8/);
		expect(readOnboardingCsv(new Uint8Array()).error).toBe('Le fichier est vide.');
	});

	it('refuses a file of more than 1\u202f000 lines or 512\u00a0Ko whole, saying the limit and how to split it', () => {
		const lines = (n: number) => ['structure;courriel', ...Array.from({ length: n }, (_, i) => `Asso ${i};p${i}@asso.test`)].join('\n');
		expect(readOnboardingCsv(lines(1000))).toMatchObject({ error: null });
		expect(readOnboardingCsv(lines(1000)).rows).toHaveLength(1000);
		const tooMany = readOnboardingCsv(lines(3000));
		expect(tooMany.rows).toBeNull();
		expect(tooMany.error).toBe(
			'Le fichier compte 3\u202f000\u00a0lignes\u00a0: 1\u202f000\u00a0au plus par import. Découpez-le en plusieurs fichiers de 1\u202f000\u00a0lignes au plus, en recopiant la première ligne (le nom des colonnes) en haut de chacun, puis importez-les l’un après l’autre.'
		);
		// bytes: refused before they are decoded or parsed (a few long lines are as costly as many short ones)
		const big = new TextEncoder().encode('structure;courriel\n' + `Asso;${'x'.repeat(600 * 1024)}@asso.test\n`);
		expect(readOnboardingCsv(big).error).toMatch(/^Le fichier pèse 601\u00a0Ko\u00a0: 512\u00a0Ko au plus par import\. Découpez-le/);
		expect(readOnboardingCsv(new TextDecoder().decode(big)).error).toMatch(/^Le fichier pèse/);
	});

	it('refuses a hostile name (a line break, a link, an address) line by line, in French, and writes nothing', async () => {
		const hostile = [
			'structure;nom;courriel',
			'"Mairie',
			'Cliquez ici\u00a0: https://evil.example";;victime@asso.test',
			'Asso www.evil.example;;b@asso.test',
			'Asso contact@evil.example;;c@asso.test',
			'Asso du Pin;Noa https://evil.example;d@asso.test'
		].join('\n');
		const before = await count(organisations);
		const r = await importOnboarding(db, coordinator, readOnboardingCsv(hostile).rows!, opts);
		expect(r.written).toBe(false);
		const messages = r.errors.map((e) => e.message);
		expect(messages).toContain('Ligne 2\u00a0: Le nom de la structure doit tenir sur une seule ligne\u00a0: retirez les retours à la ligne.');
		expect(messages.find((m) => m.startsWith('Ligne 3'))).toMatch(/Le nom de la structure ne peut pas contenir d’adresse de site/);
		expect(messages.find((m) => m.startsWith('Ligne 4'))).toMatch(/Le nom de la structure ne peut pas contenir d’adresse e-mail/);
		expect(messages.find((m) => m.startsWith('Ligne 5'))).toMatch(/Le nom ne peut/);
		expect(await count(organisations)).toBe(before);
	});

	it('a dry run says what would be done and writes nothing', async () => {
		const before = [await count(organisations), await count(invitations), await count(organisationPlaces)];
		const r = await importOnboarding(db, coordinator, readOnboardingCsv(CSV).rows!, { ...opts, dryRun: true });
		expect(r).toMatchObject({
			dryRun: true,
			written: false,
			errors: [],
			structures: { created: 3, existing: 0 },
			places: { linked: 2 },
			members: { invited: 3 }
		});
		expect([await count(organisations), await count(invitations), await count(organisationPlaces)]).toEqual(before);
	});

	it('names every line in error, in French, and writes nothing', async () => {
		const bad = [
			CSV,
			'Asso du Pin;123;;;;;',
			'Asso du Lac;;garage;;;;',
			'Asso du Lot;;;lieu-inconnu;;x@lot.test;chef',
			'Asso des Landes;;;;Léa;;',
			'Tiers-lieu;;;fixture-bordeaux;;t@bdx.test;'
		].join('\n');
		const before = await count(organisations);
		const r = await importOnboarding(db, coordinator, readOnboardingCsv(bad).rows!, opts);
		expect(r.written).toBe(false);
		const messages = r.errors.map((e) => e.message).join('\n');
		expect(messages).toMatch(/Ligne 6\s: Le SIRET compte 14 chiffres/);
		expect(messages).toMatch(/Ligne 7\s: le type « garage » n’existe pas\. Types possibles\s: departement,/);
		expect(messages).toMatch(/Ligne 8\s: aucun lieu de l’annuaire n’a l’identifiant « lieu-inconnu »/);
		expect(messages).toMatch(/Ligne 8\s: le rôle « chef » n’existe pas/);
		expect(messages).toMatch(/Ligne 9\s: indiquez l’adresse e-mail/);
		// a place of another département: not this coordinator's
		expect(messages).toMatch(/Ligne 10\s: .*(département 33|vous ne pouvez pas)/);
		expect(await count(organisations)).toBe(before);
	});

	it('imports in one go, then a second run changes nothing', async () => {
		const r = await importOnboarding(db, coordinator, readOnboardingCsv(CSV).rows!, opts);
		expect(r).toMatchObject({ written: true, errors: [], structures: { created: 3 }, places: { linked: 2 }, members: { invited: 3 } });
		// the links, to pass on by hand when no e-mail is sent
		expect(r.outcomes.map((o) => o.link)).toEqual([
			expect.stringMatching(/^https:\/\/maillage.example.fr\/invitation\//),
			expect.any(String),
			expect.any(String)
		]);
		const [noa] = await db.db.select().from(invitations).where(eq(invitations.email, 'noa@lacepede.test'));
		expect([noa.role, ...noa.extraRoles]).toEqual(['place_manager', 'mediator']);
		const [boe] = await db.db.select().from(invitations).where(eq(invitations.email, 'accueil@boe.test'));
		expect(boe).toMatchObject({ role: 'place_manager', displayName: 'Équipe du lieu' });
		const again = await importOnboarding(db, coordinator, readOnboardingCsv(CSV).rows!, opts);
		expect(again).toMatchObject({
			written: true,
			structures: { created: 0, existing: 3 },
			places: { linked: 0, already: 2 },
			members: { invited: 0, waiting: 3 }
		});
		expect(await db.db.select().from(invitations).where(eq(invitations.email, 'noa@lacepede.test'))).toHaveLength(1);
		expect(await verifyChain(db)).toMatchObject({ ok: true });
	});

	it('rolls everything back when a write fails half-way', async () => {
		// the database refuses the third line's invitation, after the first lines were written
		await db.db.execute(
			sql.raw(
				`create function refuse_one() returns trigger language plpgsql as $$ begin if new.email = 'refuse@asso.test' then raise exception 'refused for the test'; end if; return new; end $$`
			)
		);
		await db.db.execute(sql.raw('create trigger refuse_one before insert on invitations for each row execute function refuse_one()'));
		const before = [await count(organisations), await count(invitations), await count(organisationPlaces)];
		const rows = readOnboardingCsv(
			['structure;lieu;courriel', 'Asso Un;fixture-bus;un@asso.test', 'Asso Deux;;deux@asso.test', 'Asso Trois;;refuse@asso.test'].join('\n')
		).rows!;
		await expect(importOnboarding(db, coordinator, rows, opts)).rejects.toThrow();
		expect([await count(organisations), await count(invitations), await count(organisationPlaces)]).toEqual(before);
		await db.db.execute(sql.raw('drop trigger refuse_one on invitations'));
		await db.db.execute(sql.raw('drop function refuse_one()'));
	});

	it('refuses a SIRET held by another département’s structure', async () => {
		await createOrganisation(db, null, { name: 'Commune de Gironde', kind: 'collectivite', departmentCode: '33', siret: '21330063500017' });
		const r = await importOnboarding(db, coordinator, readOnboardingCsv('structure;siret\nAutre mairie;21330063500017').rows!, opts);
		expect(r.errors[0].message).toMatch(/Ligne 2\s: le SIRET 21330063500017 est celui d’une structure du département 33/);
	});

	it('keeps each coordinator to their département', async () => {
		const r = await importOnboarding(db, coordinator33, readOnboardingCsv('structure;departement\nAsso;47').rows!, opts);
		expect(r.errors[0].message).toMatch(/Ligne 2\s: vous ne pouvez pas ajouter de structure dans le département 47/);
	});
});

describe('inviting places’ own contact addresses as their managers', () => {
	it('one structure per place (or the one that runs it), the contact invited as place manager', async () => {
		await db.db
			.update(places)
			.set({ courriels: ['contact@villeneuve.test'] })
			.where(eq(places.id, 'fixture-villeneuve'));
		const { rows, skipped } = await placeContactRows(db.db, ['fixture-villeneuve', 'fixture-bus', 'fixture-boe']);
		expect(skipped.map((s) => s.id).sort()).toEqual(['fixture-boe', 'fixture-bus']);
		const r = await importOnboarding(db, coordinator, rows, opts);
		expect(r).toMatchObject({ written: true, structures: { created: 1 }, places: { linked: 1 }, members: { invited: 1 } });
		const [org] = await db.db.select().from(organisations).where(eq(organisations.name, 'EPN de Villeneuve-sur-Lot'));
		const [link] = await db.db
			.select()
			.from(organisationPlaces)
			.where(and(eq(organisationPlaces.organisationId, org.id), eq(organisationPlaces.placeId, 'fixture-villeneuve')));
		expect(link).toBeTruthy();
	});

	it('one place from its page (invitePlaceContacts): by a coordinator of its département only, journaled, not twice', async () => {
		await db.db
			.update(places)
			.set({ courriels: ['bus@layrac.test'] })
			.where(eq(places.id, 'fixture-bus'));
		expect(await placeManagerState(db.db, 'fixture-bus')).toEqual({ managed: false, waiting: false, email: 'bus@layrac.test' });
		// the coordinator of another département: nothing taken, nothing written
		const before = await count(invitations);
		expect(await invitePlaceContacts(db, coordinator33, ['fixture-bus'], opts)).toEqual({ report: null, skipped: [] });
		expect(await count(invitations)).toBe(before);
		const { report } = await invitePlaceContacts(db, coordinator, ['fixture-bus'], { ...opts, ip: '203.0.113.9' });
		expect(report).toMatchObject({ written: true, members: { invited: 1 } });
		expect(await placeManagerState(db.db, 'fixture-bus')).toEqual({ managed: false, waiting: true, email: 'bus@layrac.test' });
		const [inv] = await db.db.select().from(invitations).where(eq(invitations.email, 'bus@layrac.test'));
		expect(inv).toMatchObject({ role: 'place_manager', invitedBy: coordinator.userId });
		const [entry] = await db.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'invitation.created'), eq(auditLog.targetId, inv.id)));
		expect(entry).toMatchObject({ actorId: coordinator.userId, departmentCode: '47' });
		// journaled as what it was, not as « a importé un fichier de 1 ligne »
		const { readableEntries } = await import('../journal/index.ts');
		const clicks = await db.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'organisation.contacts_invited'), eq(auditLog.targetId, 'fixture-bus')));
		expect(clicks).toHaveLength(1);
		const [read] = await readableEntries(db.db, coordinator, clicks);
		expect(read.sentence).toBe('Camille a invité le contact de Bus numérique 47 (Layrac) comme responsable.');
		expect(read.actionLabel).toBe('Contact d’un lieu invité comme responsable');
		expect(
			await db.db
				.select()
				.from(auditLog)
				.where(and(eq(auditLog.action, 'organisation.imported'), eq(auditLog.ip, '203.0.113.9')))
		).toEqual([]);
		// the structure made at the place's name: of the kind its data says, and its page lists the place
		const [made] = await db.db.select().from(organisations).where(eq(organisations.id, inv.organisationId));
		const [busRow] = await db.db.select().from(places).where(eq(places.id, 'fixture-bus'));
		expect(made.kind).toBe(
			placeKind({
				nom: busRow.nom,
				typologie: busRow.typologie as unknown as string[],
				programmes: busRow.dispositifProgrammesNationaux as unknown as string[],
				pivot: busRow.pivot
			})
		);
		expect((await organisationDetail(db, coordinator, made.id))!.places).toEqual([{ id: 'fixture-bus', nom: 'Bus numérique 47', commune: 'Layrac' }]);
		// again: the invitation waits, nothing more is sent
		expect((await invitePlaceContacts(db, coordinator, ['fixture-bus'], opts)).report).toMatchObject({ members: { invited: 0, waiting: 1 } });
		expect(await count(invitations)).toBe(before + 1);
		// a place without a contact address is said so
		expect((await invitePlaceContacts(db, coordinator, ['fixture-boe'], opts)).skipped.map((x) => x.id)).toEqual(['fixture-boe']);
		expect(await verifyChain(db)).toMatchObject({ ok: true });
	});
});

describe('the kind of a structure made at a place’s name', () => {
	it('is what the place’s data says, else « autre »', () => {
		expect(placeKind({ nom: 'Espace public', programmes: ['France Services'] })).toBe('france_services');
		expect(placeKind({ nom: 'Maison de services', typologie: ['MSAP'] })).toBe('france_services');
		expect(placeKind({ nom: 'France services de Boé' })).toBe('france_services');
		expect(placeKind({ nom: 'Médiathèque Lacépède' })).toBe('mediatheque');
		expect(placeKind({ nom: 'Lieu', typologie: ['BIB'] })).toBe('mediatheque');
		expect(placeKind({ nom: 'CCAS d’Agen' })).toBe('ccas');
		expect(placeKind({ nom: 'Mairie', typologie: ['MUNI'] })).toBe('collectivite');
		expect(placeKind({ nom: 'Clic', pivot: 'W473001234' })).toBe('association');
		expect(placeKind({ nom: 'Mission locale', typologie: ['ML'] })).toBe('emploi');
		expect(placeKind({ nom: 'AUDACE/S', pivot: '12345678900012' })).toBe('autre');
	});
});

describe('the places without a manager, in French order', () => {
	it('sorts as a French reader does: case and accents aside', async () => {
		expect(['AUDACE/S', 'Agence postale', 'espace numérique', 'École', 'Bus'].sort(byFrenchName)).toEqual([
			'Agence postale',
			'AUDACE/S',
			'Bus',
			'École',
			'espace numérique'
		]);
		const names = (await placesWithoutManager(db.db, coordinator)).map((p) => p.nom);
		expect(names.length).toBeGreaterThan(1);
		expect(names).toEqual([...names].sort(byFrenchName));
	});
});

describe('claiming a place by its name', () => {
	it('finds it by words of its name or commune, accents ignored, and shows the claim waiting', async () => {
		const { claimPlace } = await import('./index.ts');
		const { placesToClaim, pendingClaimsOf } = await import('./claims.ts');
		const org = (await createOrganisation(db, null, { name: 'Association Clic Villeneuvois', kind: 'association', departmentCode: '47' })).id;
		const manager = await actorFor(
			db.db,
			(await addMember(db, null, { email: 'resp@clic.test', displayName: 'Rémi Resp', organisationId: org, role: 'place_manager', password: P })).userId,
			true
		);
		expect((await placesToClaim(db, manager, 'epn VILLENEUVE')).map((p) => p.id)).toEqual(['fixture-villeneuve']);
		expect((await placesToClaim(db, manager, 'médiathèque agen')).map((p) => p.id)).toEqual(['fixture-lacepede']);
		expect(await placesToClaim(db, manager, 'x')).toEqual([]);
		await claimPlace(db, manager, { placeId: 'fixture-villeneuve', organisationId: org });
		expect((await pendingClaimsOf(db, manager)).map((c) => [c.placeId, c.organisationName])).toEqual([['fixture-villeneuve', 'Association Clic Villeneuvois']]);
		expect(await placesToClaim(db, manager, 'villeneuve')).toMatchObject([{ id: 'fixture-villeneuve', pending: true, ours: false }]);
	});

	it('one word may be the commune and another a word of the name, hyphens and apostrophes ignored', async () => {
		const { placesToClaim } = await import('./claims.ts');
		const org = (await createOrganisation(db, null, { name: 'Association Agen Numérique', kind: 'association', departmentCode: '47' })).id;
		const manager = await actorFor(
			db.db,
			(await addMember(db, null, { email: 'resp@agen-num.test', displayName: 'Rose Resp', organisationId: org, role: 'place_manager', password: P })).userId,
			true
		);
		expect((await placesToClaim(db, manager, 'Médiathèque AGEN')).map((p) => p.id)).toEqual(['fixture-lacepede']);
		expect((await placesToClaim(db, manager, 'agen lacepede')).map((p) => p.id)).toEqual(['fixture-lacepede']);
		expect((await placesToClaim(db, manager, 'bus layrac')).map((p) => p.id)).toEqual(['fixture-bus']);
		expect((await placesToClaim(db, manager, 'villeneuve sur lot epn')).map((p) => p.id)).toEqual(['fixture-villeneuve']);
		expect(await placesToClaim(db, manager, 'médiathèque layrac')).toEqual([]);
	});

	it('keeps the search and the claim to the département of the claimant’s structure, whose coordinators decide', async () => {
		const { claimPlace, listClaims, decideClaim } = await import('./index.ts');
		const { placesToClaim } = await import('./claims.ts');
		const org = (await createOrganisation(db, null, { name: 'Espace numérique de Nérac', kind: 'association', departmentCode: '47' })).id;
		const manager = await actorFor(
			db.db,
			(await addMember(db, null, { email: 'resp@nerac.test', displayName: 'Noé Resp', organisationId: org, role: 'place_manager', password: P })).userId,
			true
		);
		// a manager of Lot-et-Garonne searching « Bordeaux » finds nothing of Gironde
		expect(await placesToClaim(db, manager, 'Bordeaux')).toEqual([]);
		expect(await placesToClaim(db, manager, 'tiers lieu numerique')).toEqual([]);
		// and cannot claim it by its identifier either: a clear French message, no claim recorded
		await expect(claimPlace(db, manager, { placeId: 'fixture-bordeaux', organisationId: org })).rejects.toThrow(
			/Ce lieu n’est pas dans le département de votre structure \(47\)\s: seule l’équipe de coordination de son département/
		);
		expect((await listClaims(db, coordinator33)).filter((c) => c.placeId === 'fixture-bordeaux')).toEqual([]);
		// a manager of Gironde finds it and their claim reaches the Gironde coordinator
		const org33 = (await createOrganisation(db, null, { name: 'Tiers-lieu de Bordeaux', kind: 'association', departmentCode: '33' })).id;
		const manager33 = await actorFor(
			db.db,
			(await addMember(db, null, { email: 'resp@tl33.test', displayName: 'Léa Resp', organisationId: org33, role: 'place_manager', password: P })).userId,
			true
		);
		expect((await placesToClaim(db, manager33, 'Bordeaux')).map((p) => p.id)).toEqual(['fixture-bordeaux']);
		expect(await placesToClaim(db, manager33, 'agen')).toEqual([]);
		const claim = await claimPlace(db, manager33, { placeId: 'fixture-bordeaux', organisationId: org33 });
		expect((await listClaims(db, coordinator33)).map((c) => c.placeId)).toEqual(['fixture-bordeaux']);
		await decideClaim(db, coordinator33, claim.id, false);
		await expect(claimPlace(db, manager33, { placeId: 'fixture-lacepede', organisationId: org33 })).rejects.toThrow(/département de votre structure \(33\)/);
	});
});

describe('the coordinator’s home', () => {
	it('counts what waits for them in their département only', async () => {
		const { coordinatorDashboard } = await import('../network/dashboard.ts');
		const d = (await coordinatorDashboard(db, coordinator))!;
		expect(d.departments).toEqual(['47']);
		// claims (Villeneuve), invitations of this file's imports, the 4 fixture places of 47
		expect(d.waiting.claims).toBe(1);
		expect(d.waiting.invitationsWaiting).toBeGreaterThanOrEqual(4);
		expect(d.waiting.placesWithoutManager).toBe(4);
		expect(d.waiting.placesWithoutHours + d.waiting.placesApproximate + d.waiting.placesWithoutContact).toBeGreaterThan(0);
		expect(d.month.referrals).toEqual([]);
		const d33 = (await coordinatorDashboard(db, coordinator33))!;
		expect(d33.waiting.claims).toBe(0);
		expect(d33.waiting.invitationsWaiting).toBe(0);
		expect(JSON.stringify(d)).not.toMatch(/@/);
	});
});
