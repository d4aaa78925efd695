/**
 * Row-level security, the second wall of territory isolation: on PostgreSQL, queried as
 * the scoped database role, another département's rows do not exist, whatever the SQL.
 * (PGlite, one embedded user, relies on the services' filter: tested in accounts.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createEmptyTestDatabase, onPostgres } from '../../../../test/db.ts';
import type { Database } from '../db/client.ts';
import { journal, verifyChain } from '../audit/index.ts';
import { asScoped, createOrganisation, invite, listOrganisations, organisationDetail, type Actor } from './index.ts';

const pgOnly = onPostgres() ? describe : describe.skip;

pgOnly('row-level security on PostgreSQL', () => {
	let db: Database;
	let cd47: string;
	let cd33: string;
	const coordinator47 = (): Actor => ({
		userId: '00000000-0000-4000-8000-000000000047',
		isAdmin: false,
		mfa: true,
		memberships: [{ organisationId: cd47, role: 'coordinator', departmentCode: '47' }]
	});

	beforeAll(async () => {
		db = await createEmptyTestDatabase();
		cd47 = (await createOrganisation(db, null, { name: 'Département de Lot-et-Garonne', kind: 'departement', departmentCode: '47' })).id;
		cd33 = (await createOrganisation(db, null, { name: 'Département de la Gironde', kind: 'departement', departmentCode: '33' })).id;
		await invite(db, null, { email: 'a@cd33.test', displayName: 'Agent Gironde', organisationId: cd33, role: 'prescriber' });
		await invite(db, null, { email: 'a@cd47.test', displayName: 'Agent Lot', organisationId: cd47, role: 'prescriber' });
	});
	afterAll(async () => db?.close());

	/** raw SQL as the scoped role, with the given départements */
	const asRole = <T>(departments: string | null, q: ReturnType<typeof sql>) =>
		db.db.transaction(async (tx) => {
			await tx.execute(sql`set local role maillage_scoped`);
			if (departments !== null) await tx.execute(sql`select set_config('maillage.departments', ${departments}, true)`);
			const r = await tx.execute(q);
			return (r as unknown as { rows: T[] }).rows;
		});

	it('hides other départements’ structures, invitations and journal entries, whatever the query', async () => {
		const orgs = await asRole<{ department_code: string }>('47', sql`select department_code from organisations`);
		expect(orgs.map((o) => o.department_code)).toEqual(['47']);
		const inv = await asRole<{ email: string }>('47', sql`select email from invitations`);
		expect(inv.map((i) => i.email)).toEqual(['a@cd47.test']);
		const log = await asRole<{ department_code: string }>('47', sql`select distinct department_code from audit_log`);
		expect(log.map((l) => l.department_code)).toEqual(['47']);
		// no setting at all: nothing
		expect(await asRole('', sql`select * from organisations`)).toEqual([]);
		expect(await asRole(null, sql`select * from organisations`)).toEqual([]);
		// the administrator
		expect((await asRole('*', sql`select * from organisations`)).length).toBe(2);
	});

	it('refuses to write into another département', async () => {
		const failure = await asRole('47', sql`insert into organisations (name, kind, department_code) values ('Pirate', 'autre', '33')`).then(
			() => 'accepted',
			(e: Error & { cause?: Error }) => e.cause?.message ?? e.message
		);
		expect(failure).toMatch(/row-level security/);
		const updated = await asRole<{ id: string }>('47', sql`update organisations set name = 'Renommée' where department_code = '33' returning id`);
		expect(updated).toEqual([]);
		// the journal stays append-only for the scoped role too
		const changed = await asRole('47', sql`update audit_log set action = 'x'`).then(
			() => 'accepted',
			() => 'refused'
		);
		expect(changed).toBe('refused');
	});

	it('is what the services use for a professional’s reads', async () => {
		// even an unfiltered query, run through asScoped, sees one département
		const all = await asScoped(db, coordinator47(), (tx) => tx.execute(sql`select department_code from organisations`));
		expect((all as unknown as { rows: { department_code: string }[] }).rows.map((r) => r.department_code)).toEqual(['47']);
		expect((await listOrganisations(db, coordinator47())).map((o) => o.departmentCode)).toEqual(['47']);
		expect(await organisationDetail(db, coordinator47(), cd33)).toBeNull();
		expect((await organisationDetail(db, coordinator47(), cd47))?.invitations.map((i) => i.email)).toEqual(['a@cd47.test']);
		// and journaling from inside a scoped transaction still works (the chain is read unscoped by verify)
		await journal(db.db, { actor: { kind: 'cli' }, action: 'test.other', targetType: 'test', departmentCode: '33' });
		await asScoped(db, coordinator47(), (tx) =>
			journal(tx as never, { actor: { kind: 'user', id: coordinator47().userId }, action: 'test.scoped', targetType: 'test', departmentCode: '47' })
		);
		expect(await verifyChain(db)).toMatchObject({ ok: true });
	});
});
