/**
 * pg-boss, on the same database as everything else: PostgreSQL through its own small
 * pool, PGlite through its adapter (one connection, in process). Started once per process
 * by the server (hooks.server.ts); the command line never starts workers.
 */
import { PgBoss, fromPglite } from 'pg-boss';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { log } from '../log.ts';

/** the outbox's delivery queue (mail/service.ts MAIL_QUEUE) */
export const TRANSACTIONAL_QUEUES = ['mail-outbox'] as const;

const bosses = new WeakMap<Database, Promise<PgBoss>>();

export function getBoss(requestOrOwner: Database): Promise<PgBoss> {
	// the queue is the owner's (docs/decisions/0006-rls-by-default.md), whichever handle asks
	const database = requestOrOwner.privileged;
	let b = bosses.get(database);
	if (!b) {
		b = (async () => {
			const boss =
				database.kind === 'pglite'
					? new PgBoss({ db: fromPglite(database.pglite! as never), backend: 'pglite', schema: 'pgboss' })
					: new PgBoss({ connectionString: database.url!, max: 3, schema: 'pgboss', application_name: 'maillage-jobs' });
			boss.on('error', (e: Error) => log('error', 'job queue error', { error: e.message }));
			await boss.start();
			// the request path queues jobs inside its own transactions (the outbox), as maillage_scoped
			if (database.kind === 'postgres') {
				try {
					await database.query(sql.raw('GRANT USAGE ON SCHEMA pgboss TO maillage_scoped'));
					await database.query(sql.raw('GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA pgboss TO maillage_scoped'));
				} catch (e) {
					// another process granting at the same moment ("tuple concurrently updated")
					log('warn', 'job queue grants', { error: (e as Error).message });
				}
			}
			// Queues that services send to inside their own transaction (the outbox) must be in
			// pg-boss's queue cache first: on a cache miss it looks the queue up outside the
			// transaction, which on PGlite (a single connection) waits for that transaction forever.
			for (const q of TRANSACTIONAL_QUEUES) {
				await boss.createQueue(q);
				// a read that goes through the cache (and fills it): no job has the nil id
				await boss.getJobById(q, '00000000-0000-0000-0000-000000000000');
			}
			return boss;
		})();
		bosses.set(database, b);
	}
	return b;
}

export async function stopBoss(requestOrOwner: Database): Promise<void> {
	const database = requestOrOwner.privileged;
	const b = bosses.get(database);
	if (!b) return;
	bosses.delete(database);
	const boss = await b.catch(() => null);
	await boss?.stop({ graceful: true, timeout: 5000 });
}
