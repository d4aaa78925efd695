/**
 * Scheduled purges of what must not outlive its use: expired and idle sessions, old
 * throttling counters, expired invitations' personal data (their e-mail and name), the
 * person's ended sessions and dead links.
 * Runs every hour through pg-boss on the server.
 */
import { and, isNull, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { getBoss } from './boss.ts';
import { log } from '../log.ts';
import { purgeSessions, remindWaitingInvitations } from '../accounts/index.ts';
import { invitations, throttles } from '../accounts/db.ts';
import { anonymiseInactive, expireConsentRequests } from '../beneficiaries/index.ts';
import { personCodes, personLinks, personSessions } from '../beneficiaries/db.ts';
import { runReferralClock } from '../referral/index.ts';
import { runPassClock } from '../pass/index.ts';
import { getInstanceSettings } from '../territory/index.ts';
import { publicOrigin } from '../web/origin.ts';
import { AuditIntegrityError, makeCheckpoint } from '../audit/index.ts';

const QUEUE = 'maintenance-purge';
/** an unused invitation keeps its addressee's name and e-mail this long after expiring */
export const EXPIRED_INVITATION_DAYS = 30;

export async function purgePersonalData(database: Database, now = new Date()) {
	const db = database.db;
	const sessions = await purgeSessions(db, now);
	const dayAgo = new Date(now.getTime() - 86400_000);
	const counters = (
		await db
			.delete(throttles)
			.where(and(lt(throttles.windowStart, dayAgo), or(isNull(throttles.lockedUntil), lt(throttles.lockedUntil, now))))
			.returning({ k: throttles.key })
	).length;
	const cutoff = new Date(now.getTime() - EXPIRED_INVITATION_DAYS * 86400_000);
	const anonymised = (
		await db
			.update(invitations)
			.set({ email: sql`'expiree-' || ${invitations.id} || '@invalid'`, displayName: '(invitation expirée)' })
			.where(and(isNull(invitations.usedAt), lt(invitations.expiresAt, cutoff), sql`${invitations.email} not like 'expiree-%'`))
			.returning({ id: invitations.id })
	).length;
	const codes = (await db.delete(personCodes).where(lt(personCodes.expiresAt, dayAgo)).returning({ id: personCodes.id })).length;
	// the person's sessions a day after their end; their links (hashes) a month after they stopped working
	const monthAgo = new Date(now.getTime() - 30 * 86400_000);
	const personAccess =
		(await db.delete(personSessions).where(lt(personSessions.expiresAt, dayAgo)).returning({ id: personSessions.id })).length +
		(
			await db
				.delete(personLinks)
				.where(or(lt(personLinks.expiresAt, monthAgo), lt(personLinks.revokedAt, monthAgo)))
				.returning({ id: personLinks.id })
		).length;
	const records = await anonymiseInactive(database, now);
	return { sessions, counters, invitations: anonymised, codes, personAccess, records };
}

/** The links in reminders need the public address: ORIGIN, else the local one (web/origin.ts). */
export async function publicLinks(database: Database): Promise<{ origin: string; instanceName: string }> {
	return { origin: publicOrigin(), instanceName: (await getInstanceSettings(database)).name };
}

const CLOCK_QUEUE = 'referral-clock';
const PASS_QUEUE = 'pass-clock';
const CHECKPOINT_QUEUE = 'audit-checkpoint';

/** A last checkpoint when the server stops (the scheduled one may be minutes away). */
export async function checkpointAtStop(database: Database): Promise<void> {
	try {
		await makeCheckpoint(database);
	} catch (e) {
		log('error', 'no checkpoint at stop', { error: e instanceof AuditIntegrityError ? 'journal tampered with' : (e as Error).message });
	}
}

export async function startMaintenance(database: Database): Promise<void> {
	const boss = await getBoss(database);
	await boss.createQueue(QUEUE);
	await boss.work(QUEUE, async () => {
		const r = await purgePersonalData(database);
		if (r.sessions || r.counters || r.invitations || r.codes || r.personAccess || r.records) log('info', 'personal data purged', r);
	});
	await boss.schedule(QUEUE, '7 * * * *');
	// referrals: reminders at day 10 and 20, expiry at day 30; consents asked by SMS: expiry at day 7;
	// invitations not accepted: reminders at day 3 and 10
	await boss.createQueue(CLOCK_QUEUE);
	await boss.work(CLOCK_QUEUE, async () => {
		const links = await publicLinks(database);
		const r = await runReferralClock(database, links);
		if (r.reminded || r.expired) log('info', 'referral clock', r);
		const consentRequests = await expireConsentRequests(database, links);
		if (consentRequests) log('info', 'consent requests expired', { count: consentRequests });
		// invitations not accepted: reminded at D+3 and D+10, their link renewed
		const invitationsReminded = await remindWaitingInvitations(database, links);
		if (invitationsReminded) log('info', 'invitations reminded', { count: invitationsReminded });
	});
	await boss.schedule(CLOCK_QUEUE, '17 * * * *');
	// Pass Numérique: expiry and credit-back, warnings at D-30/15/7, statements of finished months
	await boss.createQueue(PASS_QUEUE);
	await boss.work(PASS_QUEUE, async () => {
		const r = await runPassClock(database, await publicLinks(database));
		if (r.expired || r.creditedBack || r.warned || r.statements) log('info', 'pass clock', r);
	});
	await boss.schedule(PASS_QUEUE, '27 1 * * *', null, { tz: 'Europe/Paris' });
	// the audit journal's head, signed and written outside the database (audit/checkpoint.ts)
	await boss.createQueue(CHECKPOINT_QUEUE);
	await boss.work(CHECKPOINT_QUEUE, async () => {
		try {
			await makeCheckpoint(database);
		} catch (e) {
			if (!(e instanceof AuditIntegrityError)) throw e;
			log('error', 'audit journal tampered with: no checkpoint written', { problems: e.problems.slice(0, 20) });
		}
	});
	// every 5 minutes (a line only when the journal grew): entries cut from the tail after the
	// latest checkpoint are the ones verify cannot see, so that window stays short
	await boss.schedule(CHECKPOINT_QUEUE, '*/5 * * * *');
}
