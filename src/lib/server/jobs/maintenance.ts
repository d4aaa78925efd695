/**
 * Scheduled purges of what must not outlive its use: expired and idle sessions, old
 * throttling counters, expired invitations' personal data (their e-mail and name), the
 * person's ended sessions and dead links, training registrations past their time, the
 * equipment requests' link to their person past retention.
 * Scheduled every hour with the other jobs, in the composition root (../app.ts).
 */
import type { Database } from '../db/client.ts';
import { log } from '../log.ts';
import { anonymiseExpiredInvitations, purgeSessions, purgeThrottleCounters } from '../accounts/index.ts';
import { anonymiseInactive } from '../privacy/index.ts';
import { purgePersonAccess } from '../beneficiaries/index.ts';
import { promoteFreedSeats, purgeOldRegistrations } from '../trainings/index.ts';
import { unlinkPastRetention } from '../equipment/index.ts';
import { getInstanceSettings } from '../territory/index.ts';
import { publicOrigin } from '../web/origin.ts';
import { AuditIntegrityError, makeCheckpoint } from '../audit/index.ts';

/** an unused invitation keeps its addressee's name and e-mail this long after expiring */
export const EXPIRED_INVITATION_DAYS = 30;

export async function purgePersonalData(database: Database, now = new Date()) {
	const db = database.db;
	const sessions = await purgeSessions(db, now);
	const dayAgo = new Date(now.getTime() - 86400_000);
	const counters = await purgeThrottleCounters(db, dayAgo, now);
	const anonymised = await anonymiseExpiredInvitations(db, new Date(now.getTime() - EXPIRED_INVITATION_DAYS * 86400_000));
	// the person's codes and sessions a day after their end; their links (hashes) a month after they stopped working
	const { codes, personAccess } = await purgePersonAccess(db, now);
	const records = await anonymiseInactive(database, now);
	// trainings (issue 17): registrations never confirmed expire; all go 36 months after their session
	const registrations = await purgeOldRegistrations(db, now);
	// the seats freed by the purge or by an erasure go to the waiting lists, in order, each person told
	const promoted = await promoteFreedSeats(database, await publicLinks(database), now);
	// equipment (issue 18): a request no longer names its person 36 months after the handover or its end
	const equipmentUnlinked = await unlinkPastRetention(database, now);
	return {
		sessions,
		counters,
		invitations: anonymised,
		codes,
		personAccess,
		records,
		registrationsExpired: registrations.expired,
		registrationsDeleted: registrations.deleted,
		registrationsPromoted: promoted,
		equipmentUnlinked
	};
}

/** The links in reminders need the public address: ORIGIN, else the local one (web/origin.ts). */
export async function publicLinks(database: Database): Promise<{ origin: string; instanceName: string }> {
	return { origin: publicOrigin(), instanceName: (await getInstanceSettings(database)).name };
}

/** A last checkpoint when the server stops (the scheduled one may be minutes away). */
export async function checkpointAtStop(database: Database): Promise<void> {
	try {
		await makeCheckpoint(database);
	} catch (e) {
		log('error', 'no checkpoint at stop', { error: e instanceof AuditIntegrityError ? 'journal tampered with' : (e as Error).message });
	}
}
