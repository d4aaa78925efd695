/**
 * Issue 11, finding 5 (and 7's "the application's role cannot disable triggers"): the
 * request role maillage_app, on PostgreSQL.
 * - the catalog: every table is public (no personal data), or under FORCE ROW LEVEL
 *   SECURITY with a policy for the request role, or closed to it; the role owns nothing
 *   and reads no secret column;
 * - the role cannot read password hashes or TOTP secrets, nor DISABLE TRIGGER;
 * - the professionals' writes work through the request pool, scoped to the actor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { onPostgres } from '../db.ts';
import { openWorld, type World } from '../world.ts';
import type { Database } from '../../src/lib/server/db/client.ts';
import { openRequestDatabase, APP_ROLE } from '../../src/lib/server/db/request-pool.ts';
import { runInScope } from '../../src/lib/server/db/request-scope.ts';
import { scopeOf, listOrganisations, removeMember, setUserActive, type Actor, createSession, invite } from '../../src/lib/server/accounts/index.ts';
import { sessions } from '../../src/lib/server/accounts/db.ts';
import { outbox } from '../../src/lib/server/mail/db.ts';
import { createBeneficiary, loadBeneficiary } from '../../src/lib/server/beneficiaries/index.ts';
import { actOnReferral, sendReferral, teamReferrals } from '../../src/lib/server/referral/index.ts';
import { verifyChain } from '../../src/lib/server/audit/index.ts';
import { newCode } from '../../src/lib/server/pass/index.ts';
import { publicPassStatus } from '../../src/lib/server/pass/index.ts';

/** Tables without personal data: readable by anyone (SELECT granted, no row-level security needed). */
export const PUBLIC_TABLES = [
	'area_municipalities',
	'areas',
	'departments',
	'fragility_index',
	'import_reports',
	'instance_settings',
	'municipalities',
	'place_sources',
	'places',
	'seed_runs',
	'territory_shapes'
];
/** Failure counters of the throttles: read and written by anonymous requests (login, forms), by key. */
export const COUNTER_TABLES = ['throttles'];
/** Tables the request role may write but reads only these columns of (no RLS needed: nothing personal is readable). */
export const WRITE_ONLY_TABLES: Record<string, string[]> = { outbox: ['id'] };
/** The professionals' directory: column-level SELECT, never the secrets (docs/decisions/0006). */
export const DIRECTORY_TABLES: Record<string, string[]> = {
	users: ['id', 'email', 'display_name', 'totp_confirmed_at', 'is_admin', 'active', 'deactivated_at', 'last_login_at', 'created_at', 'updated_at']
};
/** Credentials: the request role has no privilege at all on them. */
export const OWNER_ONLY_TABLES = [
	'person_passkey_challenges',
	'person_passkeys',
	'person_recovery_codes',
	'recovery_codes',
	'sessions',
	'vault_keys',
	'vault_presence_codes'
];
/** Columns that hold secrets: never readable by the request role, wherever they are. */
export const SECRET_COLUMNS = [
	['users', 'password_hash'],
	['users', 'totp_secret'],
	['users', 'totp_pending_secret'],
	['users', 'totp_last_step'],
	['recovery_codes', 'code_hash'],
	['sessions', 'token_hash'],
	['person_codes', 'code_hash'],
	['person_recovery_codes', 'code_hash']
];

const links = { origin: 'http://localhost:3000', instanceName: 'maillage (tests)' };

describe.skipIf(!onPostgres())('issue 11, finding 5: the request role maillage_app', () => {
	let w: World;
	let owner: Database;
	let request: Database;
	let prescriber: Actor;
	let mediator: Actor;
	let coordinator: Actor;
	let ccas: string;
	let mediatheque: string;
	let withTeam: string;
	const as = <T>(actor: Actor, fn: () => Promise<T>) => runInScope(fn, { departments: scopeOf(actor), userId: actor.userId, owner: '', voucherCode: '' });

	beforeAll(async () => {
		w = await openWorld({ places: 'agen' });
		owner = w.db;
		request = await w.requestDatabase(4);
		ccas = await w.organisation('CCAS de Nérac', 'ccas');
		mediatheque = await w.organisation('Médiathèque Lacépède', 'mediatheque');
		const cd47 = await w.organisation('Département de Lot-et-Garonne', 'departement');
		prescriber = await w.member('pat@ccas.test', ccas, 'prescriber');
		mediator = await w.member('lou@mediatheque.test', mediatheque, 'mediator');
		coordinator = await w.member('cam@cd47.test', cd47, 'coordinator');
		withTeam = await w.runs(mediatheque, 'Médiathèque Lacépède');
	}, 120_000);

	afterAll(async () => {
		await w?.close(); // the request role's pool, and the owner's with it
	});

	/** runs SQL as maillage_app (the owner's superuser session takes the role: the same privileges) */
	async function asApp<T = Record<string, unknown>>(statement: string): Promise<{ rows?: T[]; error?: string }> {
		try {
			const rows = await owner.db.transaction(async (tx) => {
				await tx.execute(sql.raw(`set local role ${APP_ROLE}`));
				return ((await tx.execute(sql.raw(statement))) as unknown as { rows: T[] }).rows;
			});
			return { rows };
		} catch (e) {
			return { error: (e as Error & { cause?: Error }).cause?.message ?? (e as Error).message };
		}
	}

	it('catalog: every table is public, or under forced row-level security with a policy, or closed; the role owns nothing', async () => {
		const tables = await owner.query<{ name: string; rls: boolean; forced: boolean; policies: number; owned: boolean; any_privilege: boolean }>(sql`
			select c.relname as name, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
				(select count(*)::int from pg_policy p where p.polrelid = c.oid
					and (p.polroles @> array[0::oid] or p.polroles && array[(select oid from pg_roles where rolname = 'maillage_scoped'), (select oid from pg_roles where rolname = ${APP_ROLE})]::oid[])) as policies,
				pg_get_userbyid(c.relowner) = ${APP_ROLE} as owned,
				(has_table_privilege(${APP_ROLE}, c.oid, 'SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER')
					or has_any_column_privilege(${APP_ROLE}, c.oid, 'SELECT,INSERT,UPDATE,REFERENCES')) as any_privilege
			from pg_class c join pg_namespace n on n.oid = c.relnamespace
			where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`);
		const problems: string[] = [];
		for (const t of tables) {
			if (t.owned) problems.push(`${t.name}: owned by ${APP_ROLE}`);
			if (PUBLIC_TABLES.includes(t.name) || COUNTER_TABLES.includes(t.name)) continue;
			if (t.name in WRITE_ONLY_TABLES || t.name in DIRECTORY_TABLES) {
				const allowed = WRITE_ONLY_TABLES[t.name] ?? DIRECTORY_TABLES[t.name];
				const cols = await owner.query<{ col: string }>(sql`select attname as col from pg_attribute
					where attrelid = ${t.name}::regclass and attnum > 0 and not attisdropped and has_column_privilege(${APP_ROLE}, attrelid, attnum, 'SELECT')`);
				const extra = cols.map((c) => c.col).filter((c) => !allowed.includes(c));
				if (extra.length) problems.push(`${t.name}: ${APP_ROLE} reads ${extra.join(', ')}`);
				continue;
			}
			if (OWNER_ONLY_TABLES.includes(t.name)) {
				if (t.any_privilege) problems.push(`${t.name}: ${APP_ROLE} has a privilege on a credentials table`);
				if (!t.rls || !t.forced) problems.push(`${t.name}: row-level security not forced`);
				continue;
			}
			if (!t.rls || !t.forced) problems.push(`${t.name}: neither public nor under FORCE ROW LEVEL SECURITY`);
			else if (t.policies === 0) problems.push(`${t.name}: no policy for the request role`);
		}
		expect(problems).toEqual([]);
		expect(tables.length).toBeGreaterThan(30);

		const [role] = await owner.query<{ super: boolean; bypass: boolean; createrole: boolean; createdb: boolean; schemas: number; functions: number }>(sql`
			select rolsuper as super, rolbypassrls as bypass, rolcreaterole as createrole, rolcreatedb as createdb,
				(select count(*)::int from pg_namespace where nspowner = r.oid) as schemas,
				(select count(*)::int from pg_proc where proowner = r.oid) as functions
			from pg_roles r where rolname = ${APP_ROLE}`);
		expect(role).toEqual({ super: false, bypass: false, createrole: false, createdb: false, schemas: 0, functions: 0 });
	});

	it('cannot read a password hash, a TOTP secret, a recovery code or a session token', async () => {
		for (const [table, column] of SECRET_COLUMNS) {
			const [{ can }] = await owner.query<{ can: boolean }>(sql`select has_column_privilege(${APP_ROLE}, ${table}::regclass, ${column}, 'SELECT') as can`);
			expect(can, `${table}.${column}`).toBe(false);
		}
		expect((await asApp('select password_hash from users limit 1')).error).toMatch(/permission denied/);
		expect((await asApp('select totp_secret from users limit 1')).error).toMatch(/permission denied/);
		expect((await asApp('select * from users limit 1')).error).toMatch(/permission denied/);
		expect((await asApp('select code_hash from recovery_codes limit 1')).error).toMatch(/permission denied/);
		expect((await asApp('select token_hash from sessions limit 1')).error).toMatch(/permission denied/);
		// what it may read of the directory
		expect((await asApp('select id, email, display_name from users limit 1')).rows).toHaveLength(1);
	});

	it('cannot disable the journal’s triggers, nor alter or drop a table', async () => {
		expect((await asApp('alter table audit_log disable trigger all')).error).toMatch(/must be owner/);
		expect((await asApp('alter table audit_log disable row level security')).error).toMatch(/must be owner/);
		expect((await asApp('alter table pass_ledger_lines no force row level security')).error).toMatch(/must be owner/);
		expect((await asApp('drop table beneficiaries')).error).toMatch(/must be owner/);
		expect((await asApp('truncate audit_log')).error).toMatch(/permission denied/);
	});

	it('refuses to serve requests through the owner’s login (a DATABASE_APP_URL set to DATABASE_URL)', async () => {
		process.env.DATABASE_APP_URL = owner.url;
		try {
			await expect(openRequestDatabase(owner, 1)).rejects.toThrow(/not a superuser, bypass row-level security or own tables/);
		} finally {
			delete process.env.DATABASE_APP_URL;
		}
	});

	it('sees public data only outside a request (fail closed), and one département inside', async () => {
		const n = async () => (await request.query<{ n: number }>(sql`select count(*)::int as n from organisations`))[0].n;
		expect(await n()).toBe(0);
		expect(await as(coordinator, n)).toBe(3);
		expect((await request.query<{ n: number }>(sql`select count(*)::int as n from places`))[0].n).toBeGreaterThan(0);
		expect(await as(coordinator, () => listOrganisations(request, coordinator))).toHaveLength(3);
	});

	it('/pass/{code}: the holder of a code reads that voucher and its campaign, nothing else', async () => {
		const voucher = async (code: string, dep: string) => {
			const [c] = await owner.query<{ id: string }>(sql`insert into pass_campaigns (department_code, name, valid_from, valid_until, status)
				values (${dep}, ${'Campagne ' + dep}, current_date - 10, current_date + 300, 'funded') returning id`);
			const [b] = await owner.query<{ id: string }>(
				sql`insert into pass_booklets (campaign_id, department_code, number, size) values (${c.id}, ${dep}, 1, 10) returning id`
			);
			await owner.query(sql`insert into pass_vouchers (code, campaign_id, booklet_id, position, department_code, face_value_cents, state, distributed_at)
				values (${code}, ${c.id}, ${b.id}, 1, ${dep}, 1000, 'distributed', now())`);
		};
		const mine = newCode();
		const other = newCode();
		await voucher(mine, '47');
		await voucher(other, '33');
		const holder = (code: string) => ({ departments: '', userId: '', owner: '', voucherCode: code });
		const found = await runInScope(() => publicPassStatus(request, mine, '192.0.2.1'), holder(mine));
		expect(found.status).toBe('found');
		// anonymous without the code: nothing; with one code: that voucher only
		expect((await publicPassStatus(request, mine, '192.0.2.2')).status).toBe('unknown');
		const seen = await runInScope(() => request.query<{ code: string }>(sql`select code from pass_vouchers`), holder(mine));
		expect(seen.map((r) => r.code)).toEqual([mine]);
		const campaigns = await runInScope(() => request.query<{ d: string }>(sql`select department_code as d from pass_campaigns`), holder(mine));
		expect(campaigns.map((r) => r.d)).toEqual(['47']);
	});

	it('runs the professionals’ writes: a record, a referral with its e-mail, its answer, an invitation, a role removed', async () => {
		const created = await as(prescriber, () =>
			createBeneficiary(request, prescriber, {
				organisationId: ccas,
				form: {
					firstName: 'Marie',
					lastName: 'Durand',
					birthYear: '1958',
					commune: 'Nérac',
					phone: '06 12 34 56 78',
					email: 'marie@exemple.test',
					preferredContact: 'email',
					language: 'fr',
					accessibilityNeeds: []
				},
				confirmNew: true
			})
		);
		expect(created.status).toBe('created');
		const id = created.status === 'created' ? created.id : '';
		expect((await as(prescriber, () => loadBeneficiary(request.db, prescriber, id, 'write'))).firstName).toBe('Marie');
		// outside the request's scope the record is not there
		await expect(loadBeneficiary(request.db, prescriber, id, 'read')).rejects.toThrow();

		const { id: rid } = await as(prescriber, () =>
			sendReferral(
				request,
				prescriber,
				{
					beneficiaryId: id,
					organisationId: ccas,
					placeId: withTeam,
					reason: 'Créer son compte Ameli.',
					consent: { method: 'oral', scope: ['identity', 'referral_reason'] }
				},
				links
			)
		);
		const box = await as(mediator, () => teamReferrals(request, mediator, { box: 'received' }));
		expect(JSON.stringify(box)).toContain(rid);
		await as(mediator, () => actOnReferral(request, mediator, rid, { type: 'study' }, links));
		// the e-mails went to the outbox and the queue, written by maillage_app
		expect((await owner.db.select().from(outbox)).length).toBeGreaterThan(0);
		const [{ jobs }] = await owner.query<{ jobs: number }>(sql`select count(*)::int as jobs from pgboss.job where name = 'mail-outbox'`);
		expect(jobs).toBeGreaterThan(0);

		const inv = await as(coordinator, () =>
			invite(request, coordinator, { email: 'nouvelle@ccas.test', displayName: 'Nouvelle Personne', organisationId: ccas, role: 'prescriber' })
		);
		expect(inv.token).toBeTruthy();

		// removing a role ends the member's sessions, though the request role cannot read them
		await createSession(owner.db, mediator.userId, { method: 'password', mfa: true });
		await as(coordinator, () => removeMember(request, coordinator, { userId: mediator.userId, organisationId: mediatheque, role: 'mediator' }));
		expect(await owner.db.select().from(sessions).where(eq(sessions.userId, mediator.userId))).toHaveLength(0);
		await as(coordinator, () => setUserActive(request, coordinator, prescriber.userId, false));

		// the journal written through both pools is one chain
		expect((await verifyChain(owner)).ok).toBe(true);
	});
});
