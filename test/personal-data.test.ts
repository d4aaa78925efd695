/**
 * The personal-data registry (src/lib/server/personal-data.ts) against the database's own
 * catalogue: every table that names a person helped is declared, what a declaration says of
 * erasure is what the foreign key does, the export gives what the declaration says, and
 * erasing a person leaves no row of a declared table naming them. Export, erasure and merge
 * are walks of the registry (privacy/): each declaration carries its part, and these tests
 * check that the parts cover what the tables say.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { PERSONAL_DATA, eraseBeneficiary, exportRecord, mergeBeneficiaries } from '../src/lib/server/privacy/index.ts';
import { insertGrant } from '../src/lib/server/grants/index.ts';
import { openWorld, type World } from './world.ts';
import type { Actor } from '../src/lib/server/accounts/index.ts';

let w: World;
let prescriber: Actor;
let ccas: string;
beforeAll(async () => {
	w = await openWorld();
	ccas = await w.organisation('CCAS de Nérac', 'ccas');
	prescriber = await w.member('pat@ccas.test', ccas, 'prescriber');
});
afterAll(async () => {
	await w.close();
});

const declared = PERSONAL_DATA.flatMap((d) => d.tables.map((t) => ({ ...t, capability: d.capability })));

describe('the personal-data registry', () => {
	it('declares every table that names a person helped, with what erasure really does', async () => {
		const fks = await w.db.query<{ table_name: string; column_name: string; delete_rule: string }>(sql`
			select kcu.table_name, kcu.column_name, rc.delete_rule
			from information_schema.referential_constraints rc
			join information_schema.key_column_usage kcu on kcu.constraint_name = rc.constraint_name and kcu.constraint_schema = rc.constraint_schema
			join information_schema.constraint_column_usage ccu on ccu.constraint_name = rc.constraint_name and ccu.constraint_schema = rc.constraint_schema
			where ccu.table_name = 'beneficiaries' and ccu.column_name = 'id' and kcu.table_schema = 'public'`);
		// a person's id without a foreign key (a list of ids, a message's): found by its name
		const named = await w.db.query<{ table_name: string; column_name: string }>(
			sql`select table_name, column_name from information_schema.columns where column_name in ('beneficiary_id', 'beneficiary_ids')`
		);
		const onDelete = (rule: string) => (rule === 'CASCADE' ? 'deleted' : rule === 'SET NULL' ? 'unlinked' : rule);
		const inDatabase = [
			{ table: 'beneficiaries', person: 'id', onRecordDeleted: 'deleted' },
			...fks.map((f) => ({ table: f.table_name, person: f.column_name, onRecordDeleted: onDelete(f.delete_rule) })),
			...named
				.filter((n) => !fks.some((f) => f.table_name === n.table_name && f.column_name === n.column_name))
				.map((n) => ({ table: n.table_name, person: n.column_name, onRecordDeleted: 'expires' }))
		];
		const key = (t: { table: string; person: string }) => `${t.table}.${t.person}`;
		expect([...new Set(inDatabase.map(key))].sort(), 'tables naming a person, not declared in a personal-data.ts').toEqual(declared.map(key).sort());
		for (const t of declared) expect(`${key(t)}: ${t.onRecordDeleted}`).toBe(`${key(t)}: ${inDatabase.find((d) => key(d) === key(t))!.onRecordDeleted}`);
	});

	it('says where the person’s export gives each table, and the export does', async () => {
		const id = await w.person(prescriber, ccas);
		const data = (await exportRecord(w.db, prescriber, id, 'maillage 47')) as unknown as Record<string, unknown>;
		for (const t of declared.filter((t) => !t.export.startsWith('not exported')))
			expect(Object.keys(data), `${t.table}: ${t.export}`).toContain(t.export.split(/[\s,(]/)[0]);
		for (const t of declared) expect(t.retention.length, `${t.table}: retention`).toBeGreaterThan(0);
	});

	it('erases what each declaration says: rows deleted, personal columns emptied', async () => {
		const id = await w.person(prescriber, ccas, { phone: '06 12 34 56 78', email: 'rosa@example.test', pseudonym: 'Rosa' });
		await eraseBeneficiary(w.db, prescriber, id);
		for (const t of declared) {
			const naming = t.person.endsWith('_ids') ? sql`${id} = any(${sql.identifier(t.person)})` : sql`${sql.identifier(t.person)} = ${id}`;
			if ('deleted' in t.erasure) {
				const [{ n }] = await w.db.query<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(t.table)} where ${naming}`);
				expect(`${t.table}: ${n} left`).toBe(`${t.table}: 0 left`);
			}
			if ('cleared' in t.erasure)
				for (const c of t.erasure.cleared) {
					const col = sql.identifier(c);
					const [{ n }] = await w.db.query<{ n: number }>(
						sql`select count(*)::int as n from ${sql.identifier(t.table)} where ${naming} and ${col} is not null and ${col}::text not in ('', '{}')`
					);
					expect(`${t.table}.${c}: ${n} not empty`).toBe(`${t.table}.${c}: 0 not empty`);
				}
		}
	});

	it('gives each declaration the parts its tables need: erasure for what is cleared or deleted, a merge for every row that names the record (the export: tested above)', () => {
		for (const d of PERSONAL_DATA) {
			const erased = d.tables.filter((t) => !('kept' in t.erasure) && t.onRecordDeleted !== 'deleted');
			// rows deleted with the record need no hook only if erasure deletes the record: it never does (it is emptied in place)
			if (d.tables.some((t) => !('kept' in t.erasure)) || erased.length) expect(d.erase, `${d.capability}: erase`).toBeTypeOf('function');
			if (d.tables.some((t) => t.onRecordDeleted !== 'expires')) expect(d.move, `${d.capability}: move`).toBeTypeOf('function');
		}
	});

	it('merges by walking the registry: no row of a declared table names the folded record any more', async () => {
		const keep = await w.person(prescriber, ccas, { firstName: 'Rosa', lastName: 'Lafitte' });
		const drop = await w.person(prescriber, ccas, { firstName: 'Rosa', lastName: 'Laffite', phone: '06 12 34 56 79' });
		await w.db.db.transaction((tx) =>
			insertGrant(tx, {
				beneficiaryId: drop,
				granteeOrganisationId: ccas,
				scopes: ['identity'],
				purpose: 'Suivi',
				method: 'signature',
				status: 'in_force',
				recordedBy: prescriber.userId,
				recordedByOrganisationId: ccas
			})
		);
		await mergeBeneficiaries(w.db, prescriber, keep, drop);
		for (const t of declared.filter((t) => t.person !== 'id' && t.onRecordDeleted !== 'expires')) {
			const [{ n }] = await w.db.query<{ n: number }>(
				sql`select count(*)::int as n from ${sql.identifier(t.table)} where ${sql.identifier(t.person)} = ${drop}`
			);
			expect(`${t.table}: ${n} still naming the folded record`).toBe(`${t.table}: 0 still naming the folded record`);
		}
		const [{ n }] = await w.db.query<{ n: number }>(sql`select count(*)::int as n from grants where beneficiary_id = ${keep}`);
		expect(n).toBe(1);
	});
});
