/**
 * The grants model (decision 0014): one rule decides what a grant opens (in force, within
 * its window, reaching the actor by structure or by name), the services' filters say the
 * same, and on PostgreSQL the row-level security policies read the same table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { onPostgres } from '../../../../test/db.ts';
import { openWorld, type World } from '../../../../test/world.ts';
import { can, type Actor } from '../accounts/index.ts';
import { beneficiaryDetail, CareError, listBeneficiaries, loadBeneficiary } from '../beneficiaries/index.ts';
import { grantInForce, grantReaches, grantsOf, insertGrant, revokeGrant, type GrantFacts } from './index.ts';

const DAY = 86_400_000;
const now = new Date('2026-12-07T10:00:00Z');
const grant = (g: Partial<GrantFacts> = {}): GrantFacts => ({
	granteeOrganisationId: 'org-b',
	granteeUserId: null,
	scopes: ['identity'],
	status: 'in_force',
	validFrom: new Date(now.getTime() - DAY),
	validUntil: null,
	revokedAt: null,
	...g
});
const actor = (userId: string, organisationId: string, role: Actor['memberships'][number]['role']): Actor => ({
	userId,
	isAdmin: false,
	mfa: true,
	memberships: [{ organisationId, role, departmentCode: '47' }]
});

describe('the rule of a grant', () => {
	it('is in force only once given, before its end, and until revoked', () => {
		expect(grantInForce(grant(), now)).toBe(true);
		expect(grantInForce(grant({ status: 'pending' }), now)).toBe(false);
		expect(grantInForce(grant({ status: 'refused' }), now)).toBe(false);
		expect(grantInForce(grant({ revokedAt: new Date(now.getTime() - 1) }), now)).toBe(false);
		expect(grantInForce(grant({ validFrom: new Date(now.getTime() + 1) }), now)).toBe(false);
		expect(grantInForce(grant({ validUntil: now }), now)).toBe(false);
		expect(grantInForce(grant({ validUntil: new Date(now.getTime() + 1) }), now)).toBe(true);
	});

	it('reaches a structure’s team, or one named professional and nobody else', () => {
		const mediatorB = actor('u-1', 'org-b', 'mediator');
		const colleagueB = actor('u-2', 'org-b', 'mediator');
		const partnerB = actor('u-3', 'org-b', 'partner');
		expect(grantReaches(grant(), mediatorB, ['mediator'])).toBe(true);
		expect(grantReaches(grant(), partnerB, ['mediator', 'prescriber', 'place_manager'])).toBe(false);
		const byName = grant({ granteeUserId: 'u-1' });
		expect(grantReaches(byName, mediatorB, ['mediator'])).toBe(true);
		expect(grantReaches(byName, colleagueB, ['mediator'])).toBe(false);
		// a grant to a place without an account reaches nobody through can(): the place reads by its signed link
		expect(grantReaches(grant({ granteeOrganisationId: null }), mediatorB, ['mediator'])).toBe(false);
	});

	it('is what can() reads for a person’s record: in force and reaching the actor, never a coordinator by rank', () => {
		const mediatorB = actor('u-1', 'org-b', 'mediator');
		const read = (grants: GrantFacts[], who: Actor = mediatorB) => can(who, 'beneficiary.read', { organisationId: 'org-a', grants, at: now });
		expect(read([])).toBe(false);
		expect(read([grant()])).toBe(true);
		expect(read([grant({ validUntil: new Date(now.getTime() - 1), validFrom: new Date(now.getTime() - 2 * DAY) })])).toBe(false);
		expect(read([grant({ granteeUserId: 'u-9' })])).toBe(false);
		expect(read([grant()], actor('u-4', 'org-b', 'coordinator'))).toBe(false);
		// a grant opens reading, never editing
		expect(can(mediatorB, 'beneficiary.write', { organisationId: 'org-a' })).toBe(false);
	});
});

describe('grants in the services and the database', () => {
	let w: World;
	let ccas: string;
	let assoc: string;
	let prescriber: Actor;
	let named: Actor;
	let colleague: Actor;
	let person: string;

	beforeAll(async () => {
		w = await openWorld({ boss: false });
		ccas = await w.organisation('CCAS de Nérac', 'ccas');
		assoc = await w.organisation('Association Lien numérique');
		prescriber = await w.member('prescriptrice@ccas-nerac.test', ccas, 'prescriber');
		named = await w.member('mediatrice@lien.test', assoc, 'mediator');
		colleague = await w.member('collegue@lien.test', assoc, 'mediator');
		person = await w.person(prescriber, ccas, { firstName: 'Odette', lastName: 'Garrigues' });
	});
	afterAll(async () => w?.close());

	const grantTo = (g: { userId?: string; organisationId?: string; validFrom?: Date; validUntil?: Date | null }) =>
		w.db.db.transaction(async (tx) => {
			const id = await insertGrant(tx, {
				beneficiaryId: person,
				granteeOrganisationId: g.organisationId ?? (g.userId ? assoc : null),
				granteeUserId: g.userId ?? null,
				scopes: ['identity', 'contact'],
				purpose: 'Suivi de ses démarches en ligne',
				method: 'signature',
				status: 'in_force',
				validFrom: g.validFrom,
				validUntil: g.validUntil ?? null,
				recordedBy: prescriber.userId,
				recordedByOrganisationId: ccas
			});
			return id;
		});
	const refused = (p: Promise<unknown>) =>
		p.then(
			() => 'opened',
			(e: Error & { cause?: { constraint?: string } }) => (e instanceof CareError ? e.code : (e.cause?.constraint ?? String(e)))
		);

	it('opens the record to the professional it names, not to their colleagues, until its end', async () => {
		expect(await refused(loadBeneficiary(w.db.db, named, person))).toBe('not_found');
		const id = await grantTo({ userId: named.userId, validUntil: new Date(Date.now() + DAY) });
		expect(await refused(loadBeneficiary(w.db.db, named, person))).toBe('opened');
		expect(await refused(loadBeneficiary(w.db.db, colleague, person))).toBe('not_found');
		// the lists filter the same way (grantOpensRecord is the SQL twin of the rule)
		expect((await listBeneficiaries(w.db, named)).map((b) => b.id)).toEqual([person]);
		expect(await listBeneficiaries(w.db, colleague)).toEqual([]);
		// what the record shows: the scopes granted (identity and contact), never more
		const seen = await beneficiaryDetail(w.db, named, person);
		expect(seen.record.firstName).toBe('Odette');
		await w.db.db.transaction((tx) => revokeGrant(tx, id, { by: 'person' }));
		expect(await refused(loadBeneficiary(w.db.db, named, person))).toBe('not_found');
		const [g] = (await grantsOf(w.db.db, person)).filter((x) => x.id === id);
		expect(g).toMatchObject({ revokedBy: 'person', revokedByUserId: null });
	});

	it('opens nothing once past its end, nor before its start', async () => {
		await grantTo({ organisationId: assoc, validFrom: new Date(Date.now() - 3 * DAY), validUntil: new Date(Date.now() - DAY) });
		expect(await refused(loadBeneficiary(w.db.db, colleague, person))).toBe('not_found');
		expect(await listBeneficiaries(w.db, colleague)).toEqual([]);
	});

	it('refuses a window that ends before it starts, and an unknown method (the table’s own checks)', async () => {
		const bad = await refused(grantTo({ organisationId: assoc, validUntil: new Date(Date.now() - DAY) }));
		expect(bad).toMatch(/grants_window/);
		const method = await refused(w.db.db.execute(sql`update grants set method = 'telepathy' where beneficiary_id = ${person}::uuid`));
		expect(method).toMatch(/grants_method/);
	});

	(onPostgres() ? it : it.skip)('is read by the row-level security policies: by name across départements, and not after its end', async () => {
		const asUser = async <T>(departments: string, userId: string, q: ReturnType<typeof sql>) =>
			w.db.db.transaction(async (tx) => {
				await tx.execute(sql`set local role maillage_scoped`);
				await tx.execute(sql`select set_config('maillage.departments', ${departments}, true), set_config('maillage.user_id', ${userId}, true)`);
				return (await tx.execute(q)) as unknown as { rows: T[] };
			});
		const outsider = await w.member('agente@cd33.test', await w.organisation('Département de la Gironde', 'departement', '33'), 'prescriber');
		const visible = async () => (await asUser<{ id: string }>('33', outsider.userId, sql`select id from beneficiaries where id = ${person}::uuid`)).rows.length;
		expect(await visible()).toBe(0);
		const id = await grantTo({ userId: outsider.userId, organisationId: assoc, validUntil: new Date(Date.now() + DAY) });
		expect(await visible()).toBe(1);
		// another professional of the same département: nothing
		expect((await asUser<{ id: string }>('33', colleague.userId, sql`select id from beneficiaries where id = ${person}::uuid`)).rows.length).toBe(0);
		// the grant itself is readable by whom it names
		expect((await asUser<{ id: string }>('33', outsider.userId, sql`select id from grants where id = ${id}::uuid`)).rows.length).toBe(1);
		await w.db.db.execute(sql`update grants set valid_from = now() - interval '2 days', valid_until = now() - interval '1 day' where id = ${id}::uuid`);
		expect(await visible()).toBe(0);
	});
});
