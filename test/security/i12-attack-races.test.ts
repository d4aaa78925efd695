/**
 * Issue 12, attacks on what it added (the attack helper's report): the same change sent many
 * times at once must have exactly one effect. On PostgreSQL, 50 simultaneous requests gave
 * 10 merges of the same place (and 40 errors 500, « unknown places », a foreign key
 * violation), 7 answers e-mailed to one reporter for one report, 10 copies of an imported
 * structure with 10 invitations e-mailed to the same person, 10 identical claims of a
 * place, 50 journal entries for one closure. And: the public « Signaler une erreur » form
 * answered a 500 on PostgreSQL (the insert's RETURNING read the new row back, which the
 * anonymous request may not read under row-level security); a « % » typed in the place
 * field of the merge page or of a claim gave a 500 (decodeURIComponent).
 *
 * Runs on PGlite (one connection: the requests queue) and on PostgreSQL (a pool of 4: the
 * requests really race), where the anonymous report goes through the request role.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { onPostgres } from '../db.ts';
import { openWorld, type World } from '../world.ts';
import { setDatabase, type Database } from '../../src/lib/server/db/client.ts';
import { runInScope } from '../../src/lib/server/db/request-scope.ts';
import { mergePlaces, closePlace, reopenPlace, rejectErrorReport, reportPlaceError, PlaceManagementError } from '../../src/lib/server/places/index.ts';
import { places, placeErrorReports } from '../../src/lib/server/places/db.ts';
import { placeClaims, organisations, invitations } from '../../src/lib/server/accounts/db.ts';
import { outbox } from '../../src/lib/server/mail/db.ts';
import { claimPlace, type Actor, importOnboarding, readOnboardingCsv } from '../../src/lib/server/accounts/index.ts';
import { verifyChain } from '../../src/lib/server/audit/index.ts';

const N = 20;
let w: World;
let db: Database;
let coordinator: Actor;
let manager: Actor;
let team: string;
const ids: Record<string, string> = {};

const journaled = async (action: string, targetId?: string) =>
	Number(
		(
			await db.query<{ n: number }>(
				sql`select count(*)::int as n from audit_log where action = ${action} ${targetId ? sql`and target_id = ${targetId}` : sql``}`
			)
		)[0].n
	);

/** N times the same call at once: how many succeeded, and the errors (each a PlaceManagementError, never a database error) */
async function race<T>(fn: (i: number) => Promise<T>) {
	const settled = await Promise.allSettled(Array.from({ length: N }, (_, i) => fn(i)));
	const errors = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason);
	return { ok: settled.length - errors.length, errors };
}

beforeAll(async () => {
	w = await openWorld({ places: 'agen', placesDay: '2026-12-06' });
	db = w.db;
	setDatabase(db);
	for (const r of await db.db.select({ id: places.id, nom: places.nom }).from(places)) ids[r.nom] = r.id;
	const cd47 = await w.organisation('Département de Lot-et-Garonne', 'departement');
	team = await w.organisation('Association Les Claviers');
	coordinator = await w.member('cam@cd47.test', cd47, 'coordinator', { displayName: 'Camille' });
	manager = await w.member('noa@claviers.test', team, 'place_manager', { displayName: 'Noa' });
}, 120_000);

afterAll(async () => {
	setDatabase(undefined);
	await w?.close(); // with the request role's pool, if a test opened it
});

describe('issue 12, attacks: the same change sent many times at once has one effect', () => {
	it('merges: the same merge N times, then A into B and B into A at once: one merge each, the others told in French', async () => {
		const keep = ids['Médiathèque Lacépède'];
		const gone = ids['France services de Boé'];
		const same = await race(() => mergePlaces(db, coordinator, { survivorId: keep, otherId: gone, choices: {} }));
		expect(same.ok).toBe(1);
		for (const e of same.errors) expect(e).toBeInstanceOf(PlaceManagementError);
		expect(await journaled('place.merged', keep)).toBe(1);

		const a = ids['Bus numérique 47'];
		const b = ids['EPN de Villeneuve-sur-Lot'];
		const cross = await race((i) =>
			mergePlaces(db, coordinator, i % 2 ? { survivorId: a, otherId: b, choices: {} } : { survivorId: b, otherId: a, choices: {} })
		);
		expect(cross.ok).toBe(1);
		for (const e of cross.errors) expect(e).toBeInstanceOf(PlaceManagementError);
		// one of the two is left, holding the other's id
		const left = await db.db
			.select({ id: places.id, mergedIds: places.mergedIds })
			.from(places)
			.where(sql`${places.id} in (${a}, ${b})`);
		expect(left).toHaveLength(1);
		expect(left[0].mergedIds).toContain(left[0].id === a ? b : a);
		expect((await verifyChain(db)).ok).toBe(true);
	});

	it('a report rejected N times at once: one answer e-mailed to the reporter', async () => {
		const place = ids['Médiathèque Lacépède'];
		expect((await reportPlaceError(db, place, { champs: ['horaires'], message: 'Fermé le lundi', courriel: 'zoe@exemple.test' })).ok).toBe(true);
		const [r] = await db.db.select({ id: placeErrorReports.id }).from(placeErrorReports).where(eq(placeErrorReports.placeId, place));
		const done = await race(() =>
			rejectErrorReport(db, coordinator, r.id, 'Les horaires sont bons.', { instanceName: 'maillage (tests)', origin: 'http://localhost:3000' })
		);
		expect(done.ok).toBe(1);
		for (const e of done.errors) expect(e).toBeInstanceOf(PlaceManagementError);
		expect(await db.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.to, 'zoe@exemple.test'))).toHaveLength(1);
	});

	it('the same onboarding file imported N times at once: one structure, one invitation, one e-mail', async () => {
		const read = readOnboardingCsv(
			'structure,type,departement,nom,courriel,role\nCentre social Les Tilleuls,association,47,Zoé Martin,zoe.martin@exemple.test,mediateur\n'
		);
		const done = await race(() => importOnboarding(db, coordinator, read.rows!, { origin: 'http://localhost:3000', instanceName: 'maillage (tests)' }));
		expect(done.errors).toEqual([]);
		expect(await db.db.select({ id: organisations.id }).from(organisations).where(eq(organisations.name, 'Centre social Les Tilleuls'))).toHaveLength(1);
		expect(await db.db.select({ id: invitations.id }).from(invitations).where(eq(invitations.email, 'zoe.martin@exemple.test'))).toHaveLength(1);
		expect(await db.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.to, 'zoe.martin@exemple.test'))).toHaveLength(1);
	});

	it('the same claim N times at once: one claim waits', async () => {
		const place = ids['Médiathèque Lacépède'];
		const done = await race(() => claimPlace(db, manager, { placeId: place, organisationId: team, message: 'C’est notre lieu.' }));
		expect(done.ok).toBe(1);
		for (const e of done.errors) expect(e).toBeInstanceOf(PlaceManagementError);
		expect(await db.db.select({ id: placeClaims.id }).from(placeClaims).where(eq(placeClaims.placeId, place))).toHaveLength(1);
		// asked again later: told it waits, the day's quota untouched
		await expect(claimPlace(db, manager, { placeId: place, organisationId: team })).rejects.toMatchObject({ code: 'conflict' });
	});

	it('the same closure N times at once: one change, one journal entry; the same for reopening', async () => {
		const place = ids['Médiathèque Lacépède'];
		const closed = await race(() => closePlace(db, coordinator, place, { kind: 'permanent', until: '', reason: 'Le bâtiment est vendu.' }));
		expect(closed.errors).toEqual([]);
		expect(await journaled('place.closed', place)).toBe(1);
		const reopened = await race(() => reopenPlace(db, coordinator, place));
		expect(reopened.errors).toEqual([]);
		expect(await journaled('place.reopened', place)).toBe(1);
	});
});

describe('issue 12, attacks: a place’s name is never a link in the answer to a reporter', () => {
	it('a name with a web address (open data, or a hand correction) is neutralised in the subject and the text', async () => {
		const place = ids['Tiers-lieu numérique de Bordeaux'];
		await db.db.update(places).set({ nom: 'Tiers-lieu – validez votre compte sur https://evil.example/login' }).where(eq(places.id, place));
		expect((await reportPlaceError(db, place, { champs: ['horaires'], message: 'Fermé le lundi', courriel: 'lea@exemple.test' })).ok).toBe(true);
		const [r] = await db.db.select({ id: placeErrorReports.id }).from(placeErrorReports).where(eq(placeErrorReports.placeId, place));
		const admin = { ...coordinator, isAdmin: true };
		await rejectErrorReport(db, admin, r.id, 'Les horaires sont bons.', { instanceName: 'maillage (tests)', origin: 'http://localhost:3000' });
		const [mail] = await db.db.select().from(outbox).where(eq(outbox.to, 'lea@exemple.test'));
		for (const part of [mail.subject, mail.text, mail.html ?? '']) {
			expect(part).not.toMatch(/https:\/\/evil|evil\.example/);
			expect(part).toContain('https[:]//evil[.]example');
		}
	});
});

describe('issue 12, attacks: malformed input is not a 500', () => {
	it('a « % » in the merge page’s place fields and in a claim', async () => {
		const { load } = await import('../../src/routes/(pro)/admin/lieux/fusion/+page.server.ts');
		const session = { actor: coordinator };
		for (const q of ['garder=%25', `garder=${ids['Médiathèque Lacépède']}&autre=%25E0%25A4`]) {
			const url = new URL(`http://localhost:3000/admin/lieux/fusion?${q}`);
			const out = await (load as (e: unknown) => Promise<unknown>)({ url, locals: { session } }).catch((e: { status?: number }) => e);
			expect((out as { status?: number }).status ?? 200).not.toBe(500);
			expect(out).not.toBeInstanceOf(URIError);
		}
		const { actions } = await import('../../src/routes/(pro)/espace/lieux/+page.server.ts');
		const body = new URLSearchParams({ lieu: '%', organisation: team });
		const request = new Request('http://localhost:3000/espace/lieux', {
			method: 'POST',
			body,
			headers: { 'content-type': 'application/x-www-form-urlencoded' }
		});
		const out = await (actions.default as (e: unknown) => Promise<unknown>)({
			request,
			locals: { session: { actor: manager } },
			url: new URL(request.url)
		}).catch((e: unknown) => e);
		expect(out).not.toBeInstanceOf(URIError);
		// no place has that id: the claim's refusal (not_found) answers its status through the one mapping, said next to the field
		expect((out as { status?: number }).status).toBe(404);
		expect((out as { data: { fields: Record<string, string> } }).data.fields.lieu).toBeTruthy();
	});
});

describe.skipIf(!onPostgres())('issue 12, attacks: the public error report under row-level security', () => {
	it('an anonymous request reports an error on a place: written, not an error', async () => {
		const request = await w.requestDatabase(2);
		{
			const place = ids['Tiers-lieu numérique de Bordeaux'];
			const r = await runInScope(() => reportPlaceError(request, place, { champs: ['telephone'], message: 'Le numéro ne répond plus', courriel: '' }), {
				departments: '',
				userId: '',
				owner: '',
				voucherCode: ''
			});
			expect(r.ok).toBe(true);
			expect(
				await db.db.select({ id: placeErrorReports.id }).from(placeErrorReports).where(eq(placeErrorReports.message, 'Le numéro ne répond plus'))
			).toHaveLength(1);
		}
	});
});
