/**
 * Issue 12, item 8, on PostgreSQL through the request role (row-level security): a
 * coordinator merges two places of their département; the referral sent to the merged
 * place follows it to the survivor
 * (maillage_move_place_references, migration 0018). A coordinator of the Gironde can
 * neither correct nor merge places of Lot-et-Garonne, even by calling the function.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { onPostgres } from '../db.ts';
import { openWorld, type World } from '../world.ts';
import type { Database } from '../../src/lib/server/db/client.ts';
import { runInScope } from '../../src/lib/server/db/request-scope.ts';
import { scopeOf, placeTeams, type Actor } from '../../src/lib/server/accounts/index.ts';
import { mergePlaces, correctPlace, identityFormOf, survivorOf, closePlace, usePlaceTeams } from '../../src/lib/server/places/index.ts';
import { places } from '../../src/lib/server/places/db.ts';
import { referrals } from '../../src/lib/server/referral/db.ts';
import { createBeneficiary } from '../../src/lib/server/beneficiaries/index.ts';
import { sendReferral } from '../../src/lib/server/referral/index.ts';
import { verifyChain } from '../../src/lib/server/audit/index.ts';

const links = { origin: 'http://localhost:3000', instanceName: 'maillage (tests)' };

describe.skipIf(!onPostgres())('issue 12, item 8: merging and correcting places through the request role', () => {
	let w: World;
	let owner: Database;
	let request: Database;
	let prescriber: Actor;
	let coordinator: Actor;
	let coordinator33: Actor;
	let ccas: string;
	let keep: string;
	let gone: string;
	const as = <T>(actor: Actor, fn: () => Promise<T>) => runInScope(fn, { departments: scopeOf(actor), userId: actor.userId, owner: '', voucherCode: '' });

	beforeAll(async () => {
		// who runs a place: accounts' answer to places' port, as the composition root (app.ts) wires it
		usePlaceTeams(placeTeams);
		w = await openWorld({ places: 'agen' });
		owner = w.db;
		request = await w.requestDatabase(4);
		ccas = await w.organisation('CCAS d’Agen', 'ccas');
		const cd47 = await w.organisation('Département de Lot-et-Garonne', 'departement');
		const cd33 = await w.organisation('Département de la Gironde', 'departement', '33');
		prescriber = await w.member('pat@ccas.test', ccas, 'prescriber');
		coordinator = await w.member('cam@cd47.test', cd47, 'coordinator');
		coordinator33 = await w.member('dom@cd33.test', cd33, 'coordinator');
		keep = await w.place('Médiathèque Lacépède');
		// a place without a team receives referrals by e-mail
		gone = await w.placeByEmail('France services de Boé', 'boe@exemple.test');
	}, 120_000);

	afterAll(async () => {
		await w?.close(); // the request role's pool, and the owner's with it
	});

	it('a coordinator of another département changes nothing, even through the function', async () => {
		const [p] = await owner.db.select().from(places).where(eq(places.id, keep));
		await expect(as(coordinator33, () => correctPlace(request, coordinator33, keep, { ...identityFormOf(p), nom: 'Autre' }))).rejects.toMatchObject({
			code: 'forbidden'
		});
		await expect(as(coordinator33, () => closePlace(request, coordinator33, keep, { kind: 'permanent', until: '', reason: '' }))).rejects.toMatchObject({
			code: 'forbidden'
		});
		await expect(as(coordinator33, () => mergePlaces(request, coordinator33, { survivorId: keep, otherId: gone, choices: {} }))).rejects.toMatchObject({
			code: 'forbidden'
		});
		// the database refuses the move itself outside the caller's territory
		await expect(
			as(coordinator33, () => request.db.transaction((tx) => tx.execute(sql`select maillage_move_place_references(${gone}, ${keep})`)))
		).rejects.toThrow();
		expect((await owner.db.select({ nom: places.nom }).from(places).where(eq(places.id, keep)))[0].nom).toBe('Médiathèque Lacépède');
	});

	it('a coordinator of the département merges: the referral sent to the merged place follows it', async () => {
		const created = await as(prescriber, () =>
			createBeneficiary(request, prescriber, {
				organisationId: ccas,
				form: {
					firstName: 'Marie',
					lastName: 'Durand',
					birthYear: '1958',
					commune: 'Agen',
					phone: '06 12 34 56 78',
					email: 'marie@exemple.test',
					preferredContact: 'email',
					language: 'fr',
					accessibilityNeeds: []
				},
				confirmNew: true
			})
		);
		const bid = created.status === 'created' ? created.id : '';
		const { id: rid } = await as(prescriber, () =>
			sendReferral(
				request,
				prescriber,
				{
					beneficiaryId: bid,
					organisationId: ccas,
					placeId: gone,
					reason: 'Créer son compte Ameli.',
					consent: { method: 'oral', scope: ['identity', 'referral_reason'] }
				},
				links
			)
		);
		// a coordinator of another département does not even see the referral
		const seen = await as(coordinator33, () => request.query<{ id: string }>(sql`select id from referrals`));
		expect(seen.map((r) => r.id)).not.toContain(rid);

		await as(coordinator, () => mergePlaces(request, coordinator, { survivorId: keep, otherId: gone, choices: { telephone: 'autre' } }));
		const [r] = await owner.db.select({ placeId: referrals.placeId }).from(referrals).where(eq(referrals.id, rid));
		expect(r.placeId).toBe(keep);
		expect(await survivorOf(owner, gone)).toBe(keep);
		expect((await verifyChain(owner)).ok).toBe(true);
	});
});
