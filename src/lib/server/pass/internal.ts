/**
 * What the Pass Numérique's files share and do not offer outside: the error every
 * operation throws (PassError), the rows' types, who manages which département, the
 * journal's actors, and the raw-SQL helpers. Imports no topic file of pass/.
 */
import type { Database, DbOrTx } from '../db/client.ts';
import { can, departmentsWith, organisationInDepartment, type Actor } from '../accounts/index.ts';
import { getInstanceSettings } from '../territory/index.ts';
import { passCampaigns, passStatements, passVouchers } from './db.ts';
import { DomainError } from '../errors.ts';

export type Campaign = typeof passCampaigns.$inferSelect;
export type Voucher = typeof passVouchers.$inferSelect;
export type Statement = typeof passStatements.$inferSelect;

/** A refusal of the Pass Numérique's use cases (the one error model, ../errors.ts). */
export class PassError extends DomainError<'forbidden' | 'not_found' | 'invalid' | 'conflict' | 'throttled'> {
	constructor(code: PassError['code'], message: string, fields: Record<string, string> = {}) {
		super(code, message, { fields });
	}
}

export const userActor = (a: Actor) => ({ kind: 'user' as const, id: a.userId });
export const SYSTEM = { kind: 'system' as const };
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type Rows<T> = { rows: T[] };
export const rowsOf = <T>(r: unknown): T[] => (r as Rows<T>).rows;

/**
 * A hot query as a named prepared statement on PostgreSQL (parsed and planned once per
 * connection: planning the redemption's joins costs more than running them), the same
 * text unnamed on PGlite. `on`: the database handle or the transaction.
 */
export async function prepared<T>(on: DbOrTx, name: string, text: string, values: unknown[]): Promise<T[]> {
	type Client = { query: (...args: unknown[]) => Promise<{ rows: T[] }>; release?: unknown; totalCount?: unknown };
	const client = (on as unknown as { session: { client: Client } }).session.client;
	// node-postgres: a Pool (outside a transaction) or a PoolClient (inside one)
	const nodePg = typeof client.release === 'function' || typeof client.totalCount === 'number';
	return (await (nodePg ? client.query({ name, text, values }) : client.query(text, values))).rows;
}

/** The actor's organisations where they may do a care team's Pass action (hand out, redeem). */
export function organisationsFor(actor: Actor, action: 'pass.redeem' | 'pass.distribute'): string[] {
	return [...new Set(actor.memberships.map((m) => m.organisationId))].filter((id) => can(actor, action, { organisationId: id }));
}

/** The départements whose fund the actor manages: a coordinator's, all the instance's for its administrator. */
export async function managedDepartments(database: Database, actor: Actor): Promise<string[]> {
	if (actor.isAdmin) return (await getInstanceSettings(database)).departmentCodes;
	return departmentsWith(actor, ['coordinator']);
}

export function mustManage(actor: Actor, departmentCode: string) {
	if (!can(actor, 'pass.manage', { departmentCode }))
		throw new PassError('forbidden', 'Seule la coordination départementale gère le fonds et les campagnes du Pass Numérique.');
}

export async function orgInDepartment(db: DbOrTx, id: string, departmentCode: string) {
	if (!UUID.test(id)) return null;
	return organisationInDepartment(db, id, departmentCode);
}
