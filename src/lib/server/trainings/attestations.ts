/**
 * Attestations of attendance (issue 17, item 5; decision 0021). Once a session's last
 * half-day has ended, each registrant marked present at one half-day at least gets one
 * attestation: the minutes are the sum of the half-days attended, the content (canonical
 * JSON) is signed with the instance's Ed25519 key (attestation-keys.ts), and an e-mail gives
 * the holder the link of their registration's attestation page. Issued by the hourly job
 * 'training-attestations' (every département, the owner's connection), or at once by an
 * organiser for their session (their own connection, within the département). Idempotent:
 * one attestation per registration (a unique index; ON CONFLICT DO NOTHING), so that two
 * runs at once, or a run after the organiser's, issue nothing twice; a registrant marked
 * present later (the paper sheet copied the next day) gets theirs at the next run.
 *
 * The organisers see who has one and revoke one with a reason (journaled); the account
 * holder sees theirs in « Mes formations » (row-level security lets them read it).
 */
import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, gte, inArray, isNull, lte } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { organisationNames, type Actor } from '../accounts/index.ts';
import { queueMail } from '../mail/index.ts';
import { addDays, parisDay } from '../../time.ts';
import { trainingAttendance, trainingAttestations, trainingRegistrations, trainingSessions, trainingSlots, trainings, type TrainingSession } from './db.ts';
import { slotInstants, slotMinutes } from './model.ts';
import { TrainingError, loadSession, loadTraining, mustManage, slotsOf, userActor, NO_SESSION } from './internal.ts';
import { attestationMail } from './attestation-mail.ts';
import type { Links } from './messages.ts';
import { sessionWords } from './seats.ts';
import { linkToken } from './tokens.ts';
import { signContent } from './attestation-keys.ts';

/** How long after its last day a session still gets attestations for attendance recorded late. */
export const ATTESTATION_WINDOW_DAYS = 30;

/** What an attestation says, signed as is (its keys are the public page's and the PDF's). */
export interface AttestationContent {
	v: 1;
	number: string;
	holder: string;
	training: { id: string; title: string };
	sessionId: string;
	organiser: string;
	trainer: string;
	where: string;
	halfDays: { day: string; start: string; end: string }[];
	minutes: number;
	issuedOn: string;
	issuer: string;
	departmentCode: string;
}

// Crockford's base32: no I, L, O, U
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** « FORM-2027-7K3M-9XQ2-HT4B »: the year, then 60 random bits — not a sequence, so that numbers cannot be walked through to list the people trained. */
export function newNumber(day: string): string {
	const bytes = randomBytes(12);
	const chars = [...bytes].map((b) => ALPHABET[b & 31]).join('');
	return `FORM-${day.slice(0, 4)}-${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
}
export const NUMBER = /^FORM-\d{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

/** « 1 h 30 », « 3 h », « 45 min » */
export function hoursText(minutes: number): string {
	const h = Math.floor(minutes / 60);
	const m = minutes % 60;
	if (!h) return `${m}\u00a0min`;
	return m ? `${h}\u00a0h\u00a0${String(m).padStart(2, '0')}` : `${h}\u00a0h`;
}

/** Whether the session's last half-day has ended at `now`. */
export async function sessionEnded(db: DbOrTx, s: TrainingSession, now: Date): Promise<boolean> {
	const slots = (await slotsOf(db, [s.id])).get(s.id) ?? [];
	const last = slots.at(-1);
	return !!last && slotInstants(last).end.getTime() <= now.getTime();
}

/**
 * Issues the attestations due for one session (its last half-day ended): one per registrant
 * present at a half-day at least and without one yet, each e-mailed. Returns how many.
 */
export async function issueForSession(
	database: Database,
	db: DbOrTx,
	s: TrainingSession,
	links: Links,
	now = new Date(),
	by: { kind: 'system' } | { kind: 'user'; id: string } = { kind: 'system' }
): Promise<number> {
	if (s.status !== 'published' || !(await sessionEnded(db, s, now))) return 0;
	return db.transaction(async (tx) => {
		const rows = await tx
			.select({
				registrationId: trainingRegistrations.id,
				firstName: trainingRegistrations.firstName,
				lastName: trainingRegistrations.lastName,
				email: trainingRegistrations.email,
				day: trainingSlots.day,
				start: trainingSlots.startTime,
				end: trainingSlots.endTime
			})
			.from(trainingAttendance)
			.innerJoin(trainingRegistrations, eq(trainingRegistrations.id, trainingAttendance.registrationId))
			.innerJoin(trainingSlots, eq(trainingSlots.id, trainingAttendance.slotId))
			.leftJoin(trainingAttestations, eq(trainingAttestations.registrationId, trainingRegistrations.id))
			.where(and(eq(trainingRegistrations.sessionId, s.id), eq(trainingAttendance.present, true), isNull(trainingAttestations.id)))
			.orderBy(asc(trainingSlots.day), asc(trainingSlots.startTime));
		if (!rows.length) return 0;
		const [t] = await tx.select().from(trainings).where(eq(trainings.id, s.trainingId));
		const [organiser, words] = await Promise.all([organisationNames(tx, [t.organiserOrganisationId]), sessionWords(tx, s)]);
		const byRegistration = new Map<string, typeof rows>();
		for (const r of rows) byRegistration.set(r.registrationId, [...(byRegistration.get(r.registrationId) ?? []), r]);
		const today = parisDay(now);
		let issued = 0;
		for (const [registrationId, attended] of byRegistration) {
			const first = attended[0];
			const number = newNumber(today);
			const content: AttestationContent = {
				v: 1,
				number,
				holder: `${first.firstName} ${first.lastName}`,
				training: { id: t.id, title: t.title },
				sessionId: s.id,
				organiser: organiser.get(t.organiserOrganisationId) ?? '',
				trainer: [t.trainerPerson, t.trainerStructure].filter(Boolean).join(', '),
				where: words.where,
				halfDays: attended.map((a) => ({ day: a.day, start: a.start, end: a.end })),
				minutes: attended.reduce((sum, a) => sum + slotMinutes({ startTime: a.start, endTime: a.end }), 0),
				issuedOn: today,
				issuer: links.instanceName,
				departmentCode: s.departmentCode
			};
			const signed = signContent(content);
			const [row] = await tx
				.insert(trainingAttestations)
				.values({
					registrationId,
					sessionId: s.id,
					departmentCode: s.departmentCode,
					number,
					holderName: content.holder,
					minutes: content.minutes,
					content,
					digest: signed.digest,
					signature: signed.signature,
					keyId: signed.keyId,
					issuedAt: now
				})
				.onConflictDoNothing({ target: trainingAttestations.registrationId })
				.returning({ id: trainingAttestations.id });
			if (!row) continue;
			issued++;
			await queueMail(
				database,
				tx,
				attestationMail({ to: first.email, firstName: first.firstName, title: t.title, minutes: content.minutes, token: linkToken(registrationId), links })
			);
		}
		if (issued)
			await journal(tx, {
				actor: by,
				action: 'training.attestations.issued',
				targetType: 'training_session',
				targetId: s.id,
				departmentCode: s.departmentCode,
				details: { title: t.title, firstDay: s.firstDay, count: issued }
			});
		return issued;
	});
}

/** The hourly job: every published session whose last half-day ended, up to ATTESTATION_WINDOW_DAYS back (the owner's connection: every département). */
export async function issueAttestations(database: Database, links: Links, now = new Date()): Promise<{ sessions: number; attestations: number }> {
	const db = database.privileged.db;
	const today = parisDay(now);
	const due = await db
		.select()
		.from(trainingSessions)
		.where(
			and(
				eq(trainingSessions.status, 'published'),
				gte(trainingSessions.lastDay, addDays(today, -ATTESTATION_WINDOW_DAYS)),
				lte(trainingSessions.lastDay, today)
			)
		);
	const out = { sessions: 0, attestations: 0 };
	for (const s of due) {
		const n = await issueForSession(database, db, s, links, now);
		if (n) {
			out.sessions++;
			out.attestations += n;
		}
	}
	return out;
}

/** An organiser issues their session's attestations at once (after the last half-day), rather than waiting for the job. */
export async function issueNow(database: Database, actor: Actor, sessionId: string, links: Links, opts: { trainingId?: string; now?: Date } = {}) {
	const s = await loadSession(database.db, sessionId);
	if (opts.trainingId && s.trainingId !== opts.trainingId) throw new TrainingError('not_found', NO_SESSION);
	mustManage(actor, await loadTraining(database.db, s.trainingId));
	const now = opts.now ?? new Date();
	if (!(await sessionEnded(database.db, s, now)))
		throw new TrainingError('conflict', 'Les attestations sont délivrées après la dernière demi-journée de la session.');
	return issueForSession(database, database.db, s, links, now, userActor(actor));
}

/** A session's attestations for its organisers: who has one, revoked or not. */
export async function sessionAttestations(database: Database, actor: Actor, sessionId: string, trainingId?: string) {
	const s = await loadSession(database.db, sessionId);
	if (trainingId && s.trainingId !== trainingId) throw new TrainingError('not_found', NO_SESSION);
	mustManage(actor, await loadTraining(database.db, s.trainingId));
	const rows = await database.db
		.select({
			id: trainingAttestations.id,
			number: trainingAttestations.number,
			holderName: trainingAttestations.holderName,
			minutes: trainingAttestations.minutes,
			issuedAt: trainingAttestations.issuedAt,
			revokedAt: trainingAttestations.revokedAt,
			revokedReason: trainingAttestations.revokedReason
		})
		.from(trainingAttestations)
		.where(eq(trainingAttestations.sessionId, s.id))
		.orderBy(asc(trainingAttestations.holderName));
	return rows.map((r) => ({ ...r, hours: hoursText(r.minutes) }));
}

/** An organiser revokes an attestation, with a reason (journaled; the public page then says « révoquée », nothing else). */
export async function revokeAttestation(
	database: Database,
	actor: Actor,
	input: { sessionId: string; trainingId?: string; attestationId: string; reason: unknown },
	ip?: string | null
): Promise<void> {
	const reason = typeof input.reason === 'string' ? input.reason.trim().slice(0, 500) : '';
	if (reason.length < 3) throw new TrainingError('invalid', 'Donnez la raison de la révocation.', { reason: 'Donnez la raison de la révocation.' });
	const s = await loadSession(database.db, input.sessionId);
	if (input.trainingId && s.trainingId !== input.trainingId) throw new TrainingError('not_found', NO_SESSION);
	const t = await loadTraining(database.db, s.trainingId);
	mustManage(actor, t);
	await database.db.transaction(async (tx) => {
		const [a] = await tx
			.select()
			.from(trainingAttestations)
			.where(
				and(
					inArray(trainingAttestations.id, /^[0-9a-f-]{36}$/i.test(input.attestationId) ? [input.attestationId] : []),
					eq(trainingAttestations.sessionId, s.id)
				)
			)
			.for('update');
		if (!a) throw new TrainingError('not_found', 'Cette attestation n’existe pas.');
		if (a.revokedAt) return;
		await tx.update(trainingAttestations).set({ revokedAt: new Date(), revokedReason: reason }).where(eq(trainingAttestations.id, a.id));
		await journal(tx, {
			actor: userActor(actor),
			action: 'training.attestation.revoked',
			targetType: 'training_session',
			targetId: s.id,
			departmentCode: t.departmentCode,
			ip,
			details: { title: t.title, number: a.number, reason }
		});
	});
}

/** The signed-in professional's attestations (row-level security: their own registrations'), with the link of each one's page. */
export async function myAttestations(database: Database, actor: Actor) {
	const rows = await database.db
		.select({
			number: trainingAttestations.number,
			registrationId: trainingAttestations.registrationId,
			minutes: trainingAttestations.minutes,
			content: trainingAttestations.content,
			issuedAt: trainingAttestations.issuedAt,
			revokedAt: trainingAttestations.revokedAt
		})
		.from(trainingAttestations)
		.innerJoin(trainingRegistrations, eq(trainingRegistrations.id, trainingAttestations.registrationId))
		.where(eq(trainingRegistrations.userId, actor.userId))
		.orderBy(desc(trainingAttestations.issuedAt));
	return rows.map((r) => ({
		number: r.number,
		title: (r.content as AttestationContent).training?.title ?? '',
		hours: hoursText(r.minutes),
		revoked: !!r.revokedAt,
		page: `/formations/inscription/${linkToken(r.registrationId)}/attestation`
	}));
}
