/**
 * Coordinators keep the places right (issue 12, item 8), on the demo département's real
 * data (Lot-et-Garonne, from ../shared/data as the demo loads it): corrections that
 * survive re-imports, closures, merges with redirects, the work list's counts, and the
 * territory: a coordinator of the Gironde changes nothing in Lot-et-Garonne.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { and, eq, ilike, sql } from 'drizzle-orm';
import { createTestDatabase } from '../../../../test/db.ts';
import type { Database } from '../db/client.ts';
import { sharedDataDir } from '../paths.ts';
import { DEMO_FILES } from '../demo/index.ts';
import { importPlaces } from './import.ts';
import { emptyFilters } from './filters.ts';
import { getPlace, allPlaces } from './place.ts';
import { searchPlaces } from './search.ts';
import { places, placeSources, placeErrorReports } from './db.ts';
import { PlaceManagementError } from './errors.ts';
import { correctPlace, identityFormOf, takeSourceValue, placeOverrides, createPlace, survivorOf, applyNormalCase } from './edit.ts';
import { closePlace, reopenPlace } from './closing.ts';
import { normalCase, inCapitals } from './names.ts';
import { mergePlaces } from './merge.ts';
import { workAreas, workList } from './worklist.ts';
import { createArea } from '../territory/index.ts';
import { rejectErrorReport } from './report-answer.ts';
import { reportPlaceError } from './error-reports.ts';
import { outbox } from '../mail/db.ts';
import { getBoss, stopBoss } from '../jobs/boss.ts';
import { createOrganisation, actorFor, addMember, placeTeams, type Actor } from '../accounts/index.ts';
import { usePlaceTeams } from './teams.ts';
import { searchJournal, verifyChain } from '../audit/index.ts';

const TODAY = '2026-12-06';
let db: Database;
let coordinator: Actor;
let coordinator33: Actor;
const files = DEMO_FILES.filter((f) => !f.includes('gironde'));

async function importDemo() {
	const reports = [];
	for (const file of files)
		reports.push(await importPlaces(db, { fileName: file, content: await readFile(join(sharedDataDir(), file)), onlyDepartments: ['47'], today: TODAY }));
	return reports;
}

async function placesNamed(pattern: string) {
	return db.db
		.select()
		.from(places)
		.where(and(eq(places.departmentCode, '47'), ilike(places.nom, pattern)))
		.orderBy(places.id);
}

/** the sources of a place read as changed, so that the next import recomposes it */
async function touchSources(placeId: string) {
	await db.db.update(placeSources).set({ contentHash: 'changed' }).where(eq(placeSources.placeId, placeId));
}

beforeAll(async () => {
	// who runs a place: accounts' answer to places' port, as the composition root (app.ts) wires it
	usePlaceTeams(placeTeams);
	db = await createTestDatabase();
	// started before any transaction queues an e-mail (on PGlite it would wait for that transaction)
	await getBoss(db);
	await importDemo();
	const cd47 = (await createOrganisation(db, null, { name: 'Département de Lot-et-Garonne', kind: 'departement', departmentCode: '47' })).id;
	const cd33 = (await createOrganisation(db, null, { name: 'Département de la Gironde', kind: 'departement', departmentCode: '33' })).id;
	const P = 'une phrase de passe solide';
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
}, 300_000);
afterAll(async () => {
	if (db) await stopBoss(db);
	await db?.close();
});

describe('the work list of Lot-et-Garonne', () => {
	it('counts the places to check, the names in capitals and the probable duplicates', async () => {
		const w = await workList(db, coordinator, { today: TODAY });
		expect(w.total).toBe(99);
		expect(w.counts.noms).toBe(32); // the 32 names in capitals of the issue
		const mpt = w.duplicates.find((g) => g.places.some((p) => /saint exup/i.test(p.nom)));
		expect(mpt?.places.filter((p) => /maison pour tous saint exup/i.test(p.nom)).length).toBe(2);
		const addressGroups = w.duplicates.filter((g) => g.reason === 'adresse');
		const summary = JSON.stringify(w.duplicates.map((g) => [g.reason, g.places.map((p) => p.nom)]));
		// the issue counted 7 addresses holding 15 places (same text); addresses written differently are found too
		expect(addressGroups.length, summary).toBeGreaterThanOrEqual(7);
		expect(
			addressGroups.reduce((n, g) => n + g.places.length, 0),
			summary
		).toBeGreaterThanOrEqual(15);
		expect(
			w.duplicates.some((g) => g.places.some((p) => /^mairie d.agen$/i.test(p.nom)) && g.places.some((p) => /^ville d.agen$/i.test(p.nom))),
			summary
		).toBe(true);
		expect(w.counts.doublons).toBe(w.duplicates.reduce((n, g) => n + g.places.length, 0));
		for (const k of ['position', 'horaires', 'contact', 'anciens'] as const) expect(w.counts[k]).toBe(w.lists[k].length);
		// nothing for a coordinator of another département
		const other = await workList(db, coordinator33, { today: TODAY });
		expect(other.total).toBe(0);
	});

	it('narrows to one area of the coordinator’s départements, its communes only', async () => {
		const agen = await createArea(db, { departmentCode: '47', kind: 'secteur', name: 'Secteur d’Agen (test)', inseeCodes: ['47001'] });
		const bordeaux = await createArea(db, { departmentCode: '33', kind: 'secteur', name: 'Secteur de Bordeaux (test)', inseeCodes: ['33063'] });
		expect((await workAreas(db, coordinator)).map((a) => a.name)).toContain('Secteur d’Agen (test)');
		expect((await workAreas(db, coordinator)).map((a) => a.name)).not.toContain('Secteur de Bordeaux (test)');
		expect((await workAreas(db, coordinator33)).map((a) => a.id)).toContain(bordeaux.id);
		const w = await workList(db, coordinator, { today: TODAY, areaId: agen.id });
		const listed = [...Object.values(w.lists).flat(), ...w.duplicates.flatMap((g) => g.places)];
		expect(w.total).toBeGreaterThan(0);
		expect(w.total).toBeLessThan(99);
		expect(
			listed.every((p) => p.commune.toLowerCase() === 'agen'),
			JSON.stringify(listed.map((p) => p.commune))
		).toBe(true);
		// another département's area is not the coordinator's
		expect((await workList(db, coordinator, { today: TODAY, areaId: bordeaux.id })).total).toBe(0);
	});

	it('suggests a name in normal case, applied only on the coordinator’s click', async () => {
		expect(normalCase('MAISON POUR TOUS SAINT EXUPERY')).toBe('Maison pour tous Saint Exupery');
		expect(normalCase('CCAS DE NERAC')).toBe('CCAS de Nerac');
		// only the case changes: accents and apostrophes kept, or put back when the source lost them
		expect(normalCase('CAMPUS NUMÉRIQUE 47')).toBe('Campus numérique 47');
		expect(normalCase('CAMPUS NUMERIQUE 47')).toBe('Campus numérique 47');
		expect(normalCase("MISSION LOCALE DE L'AGENAIS")).toBe("Mission locale de l'Agenais");
		expect(normalCase('MISSION LOCALE DE L AGENAIS ET DE L ALBRET')).toBe('Mission locale de l’Agenais et de l’Albret');
		expect(normalCase('CCPL47')).toBe('CCPL47');
		expect(normalCase('DÉPARTEMENT DE LOT-ET-GARONNE')).toBe('Département de Lot-et-Garonne');
		expect(normalCase('DEPARTEMENT DU LOT ET GARONNE')).toBe('Département du Lot-et-Garonne');
		expect(normalCase('TIERS-LIEU DE VILLENEUVE-SUR-LOT')).toBe('Tiers-lieu de Villeneuve-sur-Lot');
		expect(normalCase('ESPACE NUMERIQUE A AGEN')).toBe('Espace numérique à Agen');
		// with the communes' names: their accents and hyphens
		const communes = new Map([
			['nerac', 'Nérac'],
			['villeneuve sur lot', 'Villeneuve-sur-Lot'],
			['penne d agenais', "Penne-d'Agenais"]
		]);
		expect(normalCase('CCAS DE NERAC', communes)).toBe('CCAS de Nérac');
		expect(normalCase('EPN VILLENEUVE SUR LOT', communes)).toBe('EPN Villeneuve-sur-Lot');
		expect(normalCase('FRANCE SERVICES PENNE D AGENAIS', communes)).toBe("France services Penne-d'Agenais");
		const w = await workList(db, coordinator, { today: TODAY });
		const first = w.lists.noms.find((p) => p.suggestion)!;
		expect((await getPlace(db, first.id))!.nom).toBe(first.nom); // not changed by listing
		await applyNormalCase(db, coordinator, first.id);
		const after = (await getPlace(db, first.id))!;
		expect(after.nom).toBe(first.suggestion);
		expect(inCapitals(after.nom)).toBe(false);
		expect((await workList(db, coordinator, { today: TODAY })).counts.noms).toBe(w.counts.noms - 1);
	});
});

describe('a hand correction', () => {
	it('survives a re-import, until the coordinator takes the source’s value', async () => {
		const [p] = await placesNamed('%mairie%agen%');
		const form = identityFormOf(p);
		await correctPlace(
			db,
			coordinator,
			p.id,
			{ ...form, nom: 'Mairie d’Agen – accueil numérique', latitude: '44,2034', longitude: '0,6165' },
			{ today: TODAY }
		);
		let after = (await getPlace(db, p.id))!;
		expect(after).toMatchObject({ nom: 'Mairie d’Agen – accueil numérique', latitude: 44.2034, longitude: 0.6165, locationPrecision: 'address' });
		const [{ overrides }] = await db.db.select({ overrides: places.overrides }).from(places).where(eq(places.id, p.id));
		expect(overrides).toMatchObject({ nom: 'Mairie d’Agen – accueil numérique', latitude: 44.2034 });

		// the sources change: the import recomposes the place and leaves the corrected fields alone
		await db.db.update(places).set({ telephone: null }).where(eq(places.id, p.id));
		await touchSources(p.id);
		const reports = await importDemo();
		expect(reports.reduce((n, r) => n + r.updated, 0)).toBeGreaterThan(0);
		after = (await getPlace(db, p.id))!;
		expect(after.nom).toBe('Mairie d’Agen – accueil numérique');
		expect(after.latitude).toBe(44.2034);
		expect(after.telephone).toBe(p.telephone); // not corrected: the source's value is back

		// the page shows the source's value, and the coordinator may take it
		const o = await placeOverrides(db, p.id);
		expect(o.find((x) => x.field === 'nom')).toMatchObject({ value: 'Mairie d’Agen – accueil numérique', sourceValue: p.nom });
		await takeSourceValue(db, coordinator, p.id, 'nom');
		expect((await getPlace(db, p.id))!.nom).toBe(p.nom);
		expect((await placeOverrides(db, p.id)).map((x) => x.field)).not.toContain('nom');

		const { rows } = await searchJournal(db, { departmentCodes: null, targetType: 'place', targetId: p.id });
		expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(['place.corrected', 'place.source_value_taken']));
		const corrected = rows.find((r) => r.action === 'place.corrected')!;
		expect(corrected.actorId).toBe(coordinator.userId);
		expect((corrected.details as { fields: string[] }).fields).toEqual(expect.arrayContaining(['nom', 'latitude', 'longitude']));
	});

	it('refuses what cannot be right, field by field, in French', async () => {
		const [p] = await placesNamed('%ville d%agen%');
		const err = await correctPlace(db, coordinator, p.id, {
			...identityFormOf(p),
			nom: '',
			pivot: '12345678901234',
			codePostal: '470',
			latitude: '48,85',
			longitude: 'x'
		}).catch((e) => e);
		expect(err).toBeInstanceOf(PlaceManagementError);
		expect(Object.keys(err.fields).sort()).toEqual(['codePostal', 'longitude', 'nom', 'pivot']);
		expect(err.fields.pivot).toMatch(/clé de contrôle/);
		const far = await correctPlace(db, coordinator, p.id, { ...identityFormOf(p), latitude: '48,85', longitude: '2,35' }).catch((e) => e);
		expect(far.fields.latitude).toMatch(/km de Agen/);
		// the national CSV carries these fields as they are: no spreadsheet formula gets in
		const formula = await correctPlace(db, coordinator, p.id, {
			...identityFormOf(p),
			nom: "-2+3+cmd|' /C calc'!A0",
			adresse: '@SUM(1+1)',
			complementAdresse: '=HYPERLINK("http://evil.test";"x")'
		}).catch((e) => e);
		expect(Object.keys(formula.fields).sort()).toEqual(['adresse', 'complementAdresse', 'nom']);
		expect(formula.fields.nom).toMatch(/formule de tableur/);
	});

	it('is refused to a coordinator of another département', async () => {
		const [p] = await placesNamed('%ville d%agen%');
		for (const attempt of [
			() => correctPlace(db, coordinator33, p.id, { ...identityFormOf(p), nom: 'Autre nom' }),
			() => closePlace(db, coordinator33, p.id, { kind: 'permanent', until: '', reason: '' }),
			() => applyNormalCase(db, coordinator33, p.id)
		])
			await expect(attempt()).rejects.toMatchObject({ code: 'forbidden' });
		const [a, b] = await placesNamed('%maison pour tous saint exup%');
		await expect(mergePlaces(db, coordinator33, { survivorId: a.id, otherId: b.id, choices: {} })).rejects.toMatchObject({ code: 'forbidden' });
		expect((await getPlace(db, p.id))!.nom).toBe(p.nom);
	});
});

describe('closing a place', () => {
	it('for a while: the page says until when and why; for good: it leaves the search', async () => {
		const [p] = await placesNamed('%ville d%agen%');
		await expect(closePlace(db, coordinator, p.id, { kind: 'temporary', until: '2026-01-01', reason: '' }, { today: TODAY })).rejects.toMatchObject({
			fields: { until: expect.any(String), reason: expect.any(String) }
		});
		// a day that does not exist, or more than a year (closing for good is the coordination's decision)
		for (const until of ['2026-13-45', '2027-02-30', '9999-12-31', '2027-12-07'])
			await expect(closePlace(db, coordinator, p.id, { kind: 'temporary', until, reason: 'Travaux' }, { today: TODAY })).rejects.toMatchObject({
				fields: { until: expect.any(String) }
			});
		// the messages give an example in the French form, which is accepted too (a browser without a date picker)
		await expect(closePlace(db, coordinator, p.id, { kind: 'temporary', until: '', reason: 'Travaux' }, { today: TODAY })).rejects.toMatchObject({
			fields: { until: 'Indiquez la date de réouverture. Exemple\u00a0: 15/01/2027' }
		});
		await expect(closePlace(db, coordinator, p.id, { kind: 'temporary', until: '30/02/2027', reason: 'Travaux' }, { today: TODAY })).rejects.toMatchObject({
			fields: { until: 'Cette date n’existe pas. Écrivez-la ainsi\u00a0: 15/01/2027' }
		});
		await closePlace(db, coordinator, p.id, { kind: 'temporary', until: '15/01/2027', reason: 'Travaux' }, { today: TODAY });
		expect((await getPlace(db, p.id, new Date('2026-12-10T10:00:00Z')))!.closure).toEqual({ kind: 'temporary', until: '2027-01-15', reason: 'Travaux' });
		await closePlace(db, coordinator, p.id, { kind: 'temporary', until: '2027-01-15', reason: 'Travaux' }, { today: TODAY });
		expect((await getPlace(db, p.id, new Date('2026-12-10T10:00:00Z')))!.closure).toEqual({ kind: 'temporary', until: '2027-01-15', reason: 'Travaux' });
		expect((await getPlace(db, p.id, new Date('2027-01-14T22:30:00Z')))!.closure).toMatchObject({ kind: 'temporary' }); // 23 h 30 in Paris, the last day closed
		expect((await getPlace(db, p.id, new Date('2027-01-14T23:30:00Z')))!.closure).toBeNull(); // 0 h 30 in Paris on the 15th: it reopens that day
		expect((await getPlace(db, p.id, new Date('2027-01-20T10:00:00Z')))!.closure).toBeNull(); // the date passed
		const search = async () =>
			(await searchPlaces(db, { where: 'Agen', filters: emptyFilters(), limit: 100, homeDepartments: ['47'] })).items.map((i) => i.place.id);
		expect(await search()).toContain(p.id);
		// the results say it is closed, and "open now" leaves it out even at an hour it would be open
		const monday10 = new Date('2026-12-14T09:00:00Z');
		const listed = (
			await searchPlaces(db, { where: 'Agen', filters: emptyFilters(), limit: 100, homeDepartments: ['47'], withStatus: true, now: monday10 })
		).items.find((i) => i.place.id === p.id)!;
		expect(listed.status).toEqual({ open: false, label: 'Fermé temporairement', detail: 'rouvre le 15 janvier 2027' });
		// on the day it reopens, it is open again (the form asks « Rouvre le »)
		const reopeningDay = (
			await searchPlaces(db, {
				where: 'Agen',
				filters: emptyFilters(),
				limit: 100,
				homeDepartments: ['47'],
				withStatus: true,
				now: new Date('2027-01-15T09:00:00Z')
			})
		).items.find((i) => i.place.id === p.id)!;
		expect(reopeningDay.status?.label).not.toBe('Fermé temporairement');
		const openNow = (
			await searchPlaces(db, { where: 'Agen', filters: { ...emptyFilters(), ouvertMaintenant: true }, limit: 200, homeDepartments: ['47'], now: monday10 })
		).items.map((i) => i.place.id);
		expect(openNow).not.toContain(p.id);
		await closePlace(db, coordinator, p.id, { kind: 'permanent', until: '', reason: 'Service regroupé à la mairie' }, { today: TODAY });
		expect((await getPlace(db, p.id))!.closure).toMatchObject({ kind: 'permanent' });
		expect(await search()).not.toContain(p.id);
		const exported: string[] = [];
		for await (const batch of allPlaces(db, { departements: ['47'] })) exported.push(...batch.map((x) => x.id));
		expect(exported).not.toContain(p.id); // nor in the open data
		await reopenPlace(db, coordinator, p.id);
		expect(await search()).toContain(p.id);
		const { rows } = await searchJournal(db, { departmentCodes: null, targetType: 'place', targetId: p.id });
		expect(rows.filter((r) => r.action === 'place.closed').length).toBe(2);
	});
});

describe('merging the two Maison Pour Tous Saint Exupéry', () => {
	it('keeps both sources, chooses field by field, and the old id leads to the survivor', async () => {
		const [a, b] = await placesNamed('%maison pour tous saint exup%');
		expect(b).toBeDefined();
		const sourcesBefore = await db.db
			.select()
			.from(placeSources)
			.where(sql`${placeSources.placeId} in (${a.id}, ${b.id})`);
		// an error report on the other place follows it
		await db.db.insert(placeErrorReports).values({ placeId: b.id, message: 'Deux fois le même lieu', fields: ['autre'] });
		const r = await mergePlaces(
			db,
			coordinator,
			{ survivorId: a.id, otherId: b.id, choices: { nom: 'autre', telephone: 'autre', horaires: 'autre' } },
			{ today: TODAY }
		);
		expect(r.movedSources).toBe(sourcesBefore.filter((s) => s.placeId === b.id).length);
		const survivor = (await getPlace(db, a.id))!;
		expect(survivor.nom).toBe(b.nom);
		expect(survivor.telephone).toBe(b.telephone ?? a.telephone ?? null);
		expect(survivor.sources.map((s) => s.sourceId).sort()).toEqual(sourcesBefore.map((s) => s.sourceId).sort());
		expect(await getPlace(db, b.id)).toBeNull();
		expect(await survivorOf(db, b.id)).toBe(a.id);
		const [report] = await db.db.select().from(placeErrorReports).where(eq(placeErrorReports.message, 'Deux fois le même lieu'));
		expect(report.placeId).toBe(a.id);

		// a re-import lands both sources on the survivor: no place comes back
		await touchSources(a.id);
		const count = async () =>
			(
				await db.db
					.select({ n: sql<number>`count(*)::int` })
					.from(places)
					.where(eq(places.departmentCode, '47'))
			)[0].n;
		const n = await count();
		await importDemo();
		expect(await count()).toBe(n);
		expect(await getPlace(db, b.id)).toBeNull();
		expect((await getPlace(db, a.id))!.nom).toBe(b.nom);

		const { rows } = await searchJournal(db, { departmentCodes: null, targetType: 'place', targetId: a.id });
		const merged = rows.find((x) => x.action === 'place.merged')!;
		expect(merged.details).toMatchObject({ mergedId: b.id, choices: { nom: 'autre', adresse: 'survivant' } });
		expect((await verifyChain(db)).ok).toBe(true);
	});
});

describe('acting on an error report from the report', () => {
	it('a correction closes the report; a rejection answers the reporter by e-mail, then forgets the address', async () => {
		const [p] = await placesNamed('%ville d%agen%');
		const reportsOf = async () => db.db.select().from(placeErrorReports).where(eq(placeErrorReports.placeId, p.id)).orderBy(placeErrorReports.id);
		expect(await reportPlaceError(db, p.id, { champs: ['autre'], message: 'Le nom est en double avec la mairie.' })).toEqual({ ok: true });
		expect(await reportPlaceError(db, p.id, { champs: ['ferme'], message: 'Le lieu a fermé.', courriel: 'visiteur@exemple.fr' })).toEqual({ ok: true });
		const [first, second] = (await reportsOf()).slice(-2);
		await correctPlace(db, coordinator, p.id, { ...identityFormOf(p), nom: 'Ville d’Agen – accueil' }, { reportId: first.id, today: TODAY });
		expect((await reportsOf()).find((r) => r.id === first.id)!.status).toBe('resolved');

		const opts = { instanceName: 'Déclic 47', origin: 'https://declic47.test' };
		await expect(rejectErrorReport(db, coordinator33, second.id, 'Non.', opts)).rejects.toMatchObject({ code: 'not_found' });
		await expect(rejectErrorReport(db, coordinator, second.id, '  ', opts)).rejects.toMatchObject({ fields: { reponse: expect.any(String) } });
		expect(await rejectErrorReport(db, coordinator, second.id, 'Le lieu est ouvert\u00a0: nous avons appelé la mairie.', opts)).toEqual({ mailed: true });
		const after = (await reportsOf()).find((r) => r.id === second.id)!;
		expect(after).toMatchObject({ status: 'resolved', contactEmail: null });
		const [mail] = await db.db.select().from(outbox).where(eq(outbox.to, 'visiteur@exemple.fr'));
		expect(mail.text).toContain('nous avons appelé la mairie');
		expect(mail.text).toContain(`https://declic47.test/lieux/${p.id}`);
		const { rows } = await searchJournal(db, { departmentCodes: null, targetType: 'error_report', targetId: String(second.id) });
		expect(rows[0]).toMatchObject({ action: 'error_report.rejected', actorId: coordinator.userId });
		expect(JSON.stringify(rows[0].details)).not.toContain('visiteur@exemple.fr');
	});
});

describe('a new place', () => {
	it('is created in the coordinator’s département only, with its position or its commune’s', async () => {
		const form = {
			nom: 'Espace numérique de la gare',
			adresse: '1 place de la Gare',
			complementAdresse: '',
			codePostal: '47000',
			commune: 'Agen',
			latitude: '',
			longitude: '',
			telephone: '05 53 00 00 00',
			courriels: 'gare@exemple.fr',
			siteWeb: '',
			services: ['Aide aux démarches administratives']
		};
		const id = await createPlace(db, coordinator, form, { today: TODAY });
		const p = (await getPlace(db, id))!;
		expect(p).toMatchObject({
			nom: 'Espace numérique de la gare',
			commune: 'Agen',
			codeInsee: '47001',
			locationPrecision: 'municipality',
			departmentCode: '47'
		});
		expect(p.sources.map((s) => s.source)).toEqual(['maillage']);
		await expect(createPlace(db, coordinator33, form)).rejects.toMatchObject({
			code: 'invalid',
			fields: { commune: expect.stringMatching(/pas dans votre département/) }
		});
		await expect(createPlace(db, coordinator, { ...form, nom: '', services: [] })).rejects.toMatchObject({
			fields: { nom: expect.any(String), services: expect.any(String) }
		});

		// added by mistake beside a known place: merged into it, its own record becomes the survivor's
		const [known] = await placesNamed('%ville d%agen%');
		await mergePlaces(db, coordinator, { survivorId: known.id, otherId: id, choices: { telephone: 'autre' } }, { today: TODAY });
		const merged = (await getPlace(db, known.id))!;
		expect(merged.telephone).toBe(p.telephone);
		expect(merged.sources.filter((s) => s.source === 'maillage').map((s) => s.sourceId)).toEqual([known.id]);
		expect(await survivorOf(db, id)).toBe(known.id);
	});
});
