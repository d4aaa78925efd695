/**
 * The composition root: what the server starts, in one place. Making the database ready
 * (territory, demo), the workers and every scheduled job (one table, SCHEDULE), the
 * control socket, and the orderly stop. hooks.server.ts calls startApp() once; nothing
 * else starts a worker or schedules a job.
 */
import type { Database } from './db/client.ts';
import { closeDatabase, getDatabase } from './db/client.ts';
import { log } from './log.ts';
import { getBoss, stopBoss } from './jobs/boss.ts';
import { checkpointAtStop, publicLinks, purgePersonalData } from './jobs/maintenance.ts';
import { startControlSocket } from './ops/control.ts';
import { ensureDemo, ensureTerritory } from './demo/index.ts';
import { mailConfigured, purgeOutbox, startMailWorker, sweepOutbox, useSmsChannel } from './mail/index.ts';
import { smsChannel } from './sms/index.ts';
import { placeTeams, remindWaitingInvitations } from './accounts/index.ts';
import { usePlaceTeams } from './places/index.ts';
import { expireConsentRequests } from './beneficiaries/index.ts';
import { runReferralClock } from './referral/index.ts';
import { runPassClock } from './pass/index.ts';
import { runMandateClock } from './mandates/index.ts';
import { AuditIntegrityError, makeCheckpoint } from './audit/index.ts';
import { checkIntegrity, purgeOrphanBlobs, remindExpiringDocuments } from './vault/index.ts';
import { refreshSteeringFacts, warmSteering } from './steering/index.ts';
import { issueAttestations, remindRegistrants, sendSurveys } from './trainings/index.ts';

export interface ScheduledJob {
	queue: string;
	/** cron, in UTC unless `tz` */
	cron: string;
	tz?: string;
	/** what it does, for the logs and for whoever reads this table */
	what: string;
	run: (database: Database) => Promise<void>;
}

/** Every recurring job of the server. */
export const SCHEDULE: ScheduledJob[] = [
	{
		queue: 'maintenance-purge',
		cron: '7 * * * *',
		what: 'purge what must not outlive its use: sessions, counters, expired invitations, person codes and links, inactive records, equipment requests’ link to their person past retention',
		run: async (database) => {
			const r = await purgePersonalData(database);
			if (r.sessions || r.counters || r.invitations || r.codes || r.personAccess || r.records || r.equipmentUnlinked) log('info', 'personal data purged', r);
		}
	},
	{
		queue: 'referral-clock',
		cron: '17 * * * *',
		what: 'referrals: reminders at day 10 and 20, expiry at day 30; consents asked by SMS: expiry at day 7; invitations: reminders at day 3 and 10',
		run: async (database) => {
			const links = await publicLinks(database);
			const r = await runReferralClock(database, links);
			if (r.reminded || r.expired) log('info', 'referral clock', r);
			const consentRequests = await expireConsentRequests(database, links);
			if (consentRequests) log('info', 'consent requests expired', { count: consentRequests });
			const invitationsReminded = await remindWaitingInvitations(database, links);
			if (invitationsReminded) log('info', 'invitations reminded', { count: invitationsReminded });
		}
	},
	{
		queue: 'pass-clock',
		cron: '27 1 * * *',
		tz: 'Europe/Paris',
		what: 'Pass Numérique: expiry and credit-back, warnings at D-30/15/7, statements of finished months',
		run: async (database) => {
			const r = await runPassClock(database, await publicLinks(database));
			if (r.expired || r.creditedBack || r.warned || r.statements) log('info', 'pass clock', r);
		}
	},
	{
		queue: 'mandate-clock',
		cron: '37 9 * * *',
		tz: 'Europe/Paris',
		what: 'mandates: the reminders before their end (D-30 and D-7), to the person and to the structure, each once',
		run: async (database) => {
			const r = await runMandateClock(database, await publicLinks(database));
			if (r.reminded) log('info', 'mandate clock', r);
		}
	},
	{
		queue: 'training-reminders',
		cron: '7 9 * * *',
		tz: 'Europe/Paris',
		what: 'trainings: the reminders seven days and one day before a session, to the registrants with a seat, each once',
		run: async (database) => {
			const r = await remindRegistrants(database, await publicLinks(database));
			if (r.d7 || r.d1) log('info', 'training reminders', r);
		}
	},
	{
		queue: 'training-survey',
		cron: '23 * * * *',
		tz: 'Europe/Paris',
		what: 'trainings: the anonymous satisfaction survey, once, to the registrants present at a session that has ended',
		run: async (database) => {
			const n = await sendSurveys(database, await publicLinks(database));
			if (n) log('info', 'training surveys sent', { sent: n });
		}
	},
	{
		queue: 'training-attestations',
		cron: '23 * * * *',
		what: 'trainings: the attestations of attendance, within the hour after a session’s last half-day (and for attendance recorded later), each once',
		run: async (database) => {
			const r = await issueAttestations(database, await publicLinks(database));
			if (r.attestations) log('info', 'training attestations issued', r);
		}
	},
	{
		queue: 'audit-checkpoint',
		// every 5 minutes (a line only when the journal grew): entries cut from the tail after the
		// latest checkpoint are the ones verify cannot see, so that window stays short
		cron: '*/5 * * * *',
		what: 'the audit journal’s head, signed and written outside the database',
		run: async (database) => {
			try {
				await makeCheckpoint(database);
			} catch (e) {
				if (!(e instanceof AuditIntegrityError)) throw e;
				log('error', 'audit journal tampered with: no checkpoint written', { problems: e.problems.slice(0, 20) });
			}
		}
	},
	{
		queue: 'vault-expiry',
		cron: '37 9 * * *',
		tz: 'Europe/Paris',
		what: 'vault: reminders to the person (and the professional they chose) 90, 30 and 7 days before a paper expires',
		run: async (database) => {
			const n = await remindExpiringDocuments(database, await publicLinks(database));
			if (n) log('info', 'vault expiry reminders', { documents: n });
		}
	},
	{
		queue: 'vault-integrity',
		cron: '43 2 1 * *',
		tz: 'Europe/Paris',
		what: 'vault: every document decrypted and its digest checked (L.103, criterion 1); orphan blobs removed',
		run: async (database) => {
			const r = await checkIntegrity(database);
			if (r.failed.length) log('error', 'vault documents no longer match their digest', { checked: r.checked, failed: r.failed });
			else log('info', 'vault integrity checked', { checked: r.checked });
			const removed = await purgeOrphanBlobs(database);
			if (removed) log('info', 'vault orphan blobs removed', { removed });
		}
	},
	{
		queue: 'mail-purge',
		cron: '17 3 * * *',
		tz: 'Europe/Paris',
		what: 'the outbox: messages sent or failed past their retention',
		run: async (database) => {
			const n = await purgeOutbox(database);
			if (n) log('info', 'outbox purged', { removed: n });
		}
	},
	{
		queue: 'steering-refresh',
		// the steering figures at most 15 minutes old (docs/decisions/0018): every 10 minutes, the months whose sources changed
		cron: '*/10 * * * *',
		what: 'steering: the pre-aggregated figures of the months whose sources changed since the last refresh',
		run: async (database) => {
			const r = await refreshSteeringFacts(database);
			const months = r.departments.reduce((s, d) => s + d.months.length, 0);
			if (months) log('info', 'steering figures refreshed', { months, ms: r.ms });
			// then the pages' figures read and masked in advance where a month was published (or at start), in this
			// process, so that the first reader after a publication does not pay for it (steering/warm.ts); bounded
			try {
				const w = await warmSteering(database);
				if (w.departments.length) log('info', 'steering pages warmed', { departments: w.departments.length, left: w.left.length, ms: w.ms });
			} catch (e) {
				log('warn', 'steering pages not warmed', { error: e instanceof Error ? e.message : String(e) });
			}
		}
	},
	{
		queue: 'mail-sweep',
		cron: '*/10 * * * *',
		what: 'the outbox: pending messages whose delivery job was lost are queued again',
		run: async (database) => {
			const n = await sweepOutbox(database);
			if (n) log('info', 'outbox swept', { enqueued: n });
		}
	}
];

/** The delivery worker and every job of SCHEDULE (server only: MAILLAGE_JOBS=0 turns them off). */
export async function startJobs(database: Database): Promise<void> {
	// the outbox sends SMS through the sms capability's provider (mail does not import sms)
	useSmsChannel(smsChannel);
	await startMailWorker(database);
	const boss = await getBoss(database);
	for (const job of SCHEDULE) {
		await boss.createQueue(job.queue);
		await boss.work(job.queue, () => job.run(database));
		await boss.schedule(job.queue, job.cron, null, job.tz ? { tz: job.tz } : undefined);
	}
	// the steering figures at once, not at the next tick (the months changed while the server was down)
	await boss.send('steering-refresh', null);
}

/** Starts the server's side of the application; returns the orderly stop. */
export async function startApp(): Promise<() => Promise<void>> {
	const t = performance.now();
	// places asks accounts who runs a place through a port (accounts depends on places, not the other way)
	usePlaceTeams(placeTeams);
	// seeding and the scheduled jobs run as the tables' owner (docs/decisions/0006)
	const db = (await getDatabase()).privileged;
	const say = (m: string) => log('info', m);
	if (process.env.MAILLAGE_DEMO === '0') await ensureTerritory(db, say);
	else await ensureDemo(db, say);
	log('info', 'database ready', { kind: db.kind, ms: Math.round(performance.now() - t) });
	const jobs = process.env.MAILLAGE_JOBS !== '0';
	if (jobs) {
		await startJobs(db);
		if (!mailConfigured()) log('warn', 'SMTP_URL is not set: e-mails wait in the outbox and invitation links are shown on screen');
	} else {
		// no workers here, but the queue is started now: messages are queued inside the
		// services' transactions, where starting it would wait on PGlite's single connection
		await getBoss(db);
	}
	// PGlite belongs to this process: `maillage backup` asks it for the dump
	const stopControl = await startControlSocket(db);
	return async () => {
		await stopControl();
		if (jobs) await checkpointAtStop(db);
		await stopBoss(db);
		await closeDatabase();
	};
}
