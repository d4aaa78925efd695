/**
 * The request pool (docs/decisions/0006-rls-by-default.md): on PostgreSQL, the server's
 * requests log in as maillage_app, a role that owns nothing and is subject to row-level
 * security, and each connection handed out carries the current request's scope
 * (request-scope.ts) in the settings the policies read. The scope is set again only when
 * the connection's last one differs, so most checkouts cost no round trip. This applies
 * to pool.query (drizzle's plain queries) and to pool.connect (drizzle's transactions).
 */
import { createHmac } from 'node:crypto';
import type pgTypes from 'pg';
import { sql } from 'drizzle-orm';
import * as schema from './schema.ts';
import type { Database, Db } from './client.ts';
import { poolOf, rowsOf } from './handles.ts';
import { currentScope, scopeKey } from './request-scope.ts';
import { derivedKey } from '../security/secret.ts';

/** the login role of the request pool (created by migration 0015) */
export const APP_ROLE = 'maillage_app';

/** The role's password when the instance sets it itself: derived from the instance secret. */
export function appRolePassword(): string {
	return createHmac('sha256', derivedKey('database-app-role')).update(APP_ROLE).digest('base64url');
}

/**
 * The URL the request pool connects with: DATABASE_APP_URL when the operator gives one
 * (nothing is altered then), else DATABASE_URL's server and database as maillage_app, whose
 * password the owner sets now (it needs CREATEROLE, or to be a superuser).
 */
async function appUrl(owner: Database): Promise<string> {
	if (process.env.DATABASE_APP_URL) return process.env.DATABASE_APP_URL;
	const password = appRolePassword(); // base64url: no quote can appear in it
	const u = new URL(owner.url!);
	u.username = APP_ROLE;
	u.password = password;
	const url = u.toString();
	if (await canLogIn(url)) return url; // already set (another process, an earlier start)
	for (let attempt = 1; ; attempt++) {
		try {
			// one process at a time (two servers starting together would update the role concurrently)
			await owner.db.transaction(async (tx) => {
				await tx.execute(sql`select pg_advisory_xact_lock(734002)`);
				await tx.execute(sql.raw(`ALTER ROLE ${APP_ROLE} LOGIN PASSWORD '${password}'`));
			});
			return url;
		} catch (e) {
			// the driver's message, never the statement (it holds the password)
			const reason = ((e as { cause?: Error }).cause ?? (e as Error)).message.replace(/PASSWORD '[^']*'/gi, "PASSWORD '…'");
			if (attempt < 4 && /concurrently/.test(reason)) {
				await new Promise((r) => setTimeout(r, 50 * attempt));
				continue;
			}
			throw new Error(
				`Cannot set the password of the database role ${APP_ROLE} (${reason}). Give DATABASE_URL's user the CREATEROLE attribute, or create the login yourself and set DATABASE_APP_URL.`,
				{ cause: e }
			);
		}
	}
}

async function canLogIn(url: string): Promise<boolean> {
	const pg = (await import('pg')).default;
	const c = new pg.Client({ connectionString: url });
	try {
		await c.connect();
		return true;
	} catch {
		return false;
	} finally {
		await c.end().catch(() => {});
	}
}

/** clients of the request pool → the scope their session settings hold */
const applied = new WeakMap<object, string>();

export async function openRequestDatabase(owner: Database, max = 10): Promise<Database> {
	const pg = (await import('pg')).default;
	const { drizzle } = await import('drizzle-orm/node-postgres');
	const url = await appUrl(owner);
	const pool = new pg.Pool({ connectionString: url, max });
	pool.on('error', (err) => console.error('[db] idle client error', err.message));
	const checkout = pool.connect.bind(pool) as () => Promise<pgTypes.PoolClient>;
	const ownerPool = poolOf.get(owner)!;
	const connect = async (): Promise<pgTypes.PoolClient> => {
		const scope = currentScope();
		if (scope.owner) return ownerPool.connect();
		const client = await checkout();
		const key = scopeKey(scope);
		if (applied.get(client) !== key) {
			try {
				await client.query(
					`select set_config('maillage.departments', $1, false), set_config('maillage.user_id', $2, false), set_config('maillage.voucher_code', $3, false)`,
					[scope.departments, scope.userId, scope.voucherCode]
				);
			} catch (e) {
				client.release(e as Error);
				throw e;
			}
			applied.set(client, key);
		}
		return client;
	};
	pool.connect = connect as typeof pool.connect;
	pool.query = (async (...args: unknown[]) => {
		const client = await connect();
		try {
			return await (client.query as (...a: unknown[]) => Promise<unknown>)(...args);
		} finally {
			client.release();
		}
	}) as typeof pool.query;
	const db = drizzle(pool, { schema }) as unknown as Db;
	// fail early (and clearly) when the role cannot log in, or would not be held by the policies
	const [role] = (
		(await db.execute(sql`select current_user as name, r.rolsuper as super, r.rolbypassrls as bypass,
			exists (select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relowner = r.oid) as owns,
			pg_has_role(current_user, 'maillage_scoped', 'USAGE') as scoped
			from pg_roles r where r.rolname = current_user`)) as unknown as { rows: { name: string; super: boolean; bypass: boolean; owns: boolean; scoped: boolean }[] }
	).rows;
	if (!role || role.super || role.bypass || role.owns || !role.scoped) {
		await pool.end();
		throw new Error(
			`The request role ${role?.name ?? '?'} must be a member of maillage_scoped (with its privileges), and not a superuser, bypass row-level security or own tables (DATABASE_APP_URL must log in as a role like ${APP_ROLE}, not as the owner).`
		);
	}
	return {
		db,
		kind: 'postgres',
		url,
		appRole: APP_ROLE,
		query: rowsOf(db),
		close: async () => {
			await pool.end();
			await owner.close();
		},
		privileged: owner
	};
}
