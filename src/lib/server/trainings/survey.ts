/**
 * The anonymous satisfaction survey (issue 17, item 5): once a session has ended, each
 * registrant present at one of its half-days at least gets, once, an e-mail with a one-use
 * link to a short survey; the organiser reads the results on the session's page
 * (survey-model.ts: from 5 answers, once the survey has closed).
 *
 * Anonymity (docs/decisions/0022-training-survey.md): the answer (`training_satisfaction`)
 * holds the session, the département, the Paris day and the scores, never the registration;
 * the registration holds that it was answered (`survey_answered_at`, written as the
 * session's last day, not the time of the answer) and its `updated_at` is left as it was.
 * No journal entry names the registration with the answer. The link (`survey_token_hash`:
 * only the hash of a random token is kept) is spent in the same transaction as the answer is
 * written, by an UPDATE … WHERE survey_answered_at IS NULL: two submissions at once give one
 * answer, the other is refused.
 *
 * The link is used without a session, by a registrant of any département: it runs on the
 * owner's connection (test/security/privileged-use.test.ts), as the registrations' links do.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, gte, inArray, isNotNull, isNull, lte, ne, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import type { Actor } from '../accounts/index.ts';
import { plainMail, queueMail, type Mail } from '../mail/index.ts';
import { inlineName as n } from '../../text/names.ts';
import { addDays, parisDay, parisMidnight } from '../../time.ts';
import { trainingAttendance, trainingRegistrations, trainingSatisfaction, trainingSessions, trainings } from './db.ts';
import { slotInstants, slotLabel } from './model.ts';
import { TrainingError, loadSession, loadTraining, mustManage, slotsOf } from './internal.ts';
import { hashToken, TOKEN } from './tokens.ts';
import type { Links } from './messages.ts';
import { SURVEY_OPEN_DAYS, surveyClosesOn, surveyErrors, surveyResults, type SurveyInput, type SurveyResults } from './survey-model.ts';

export const NO_SURVEY = 'Ce lien ne correspond à aucune enquête de satisfaction.';
export const surveyLink = (links: Links, token: string) => `${links.origin}/formations/enquete/${token}`;

export function surveyMail(p: { to: string; firstName: string; title: string; link: string; closesOn: string; links: Links }): Mail {
	const d = `${p.closesOn.slice(8, 10)}/${p.closesOn.slice(5, 7)}/${p.closesOn.slice(0, 4)}`;
	return plainMail(
		p.to,
		`Votre avis sur la formation\u00a0: ${n(p.title)} – ${n(p.links.instanceName)}`,
		[
			`Bonjour ${n(p.firstName)},`,
			`Merci d’avoir participé à la formation « ${n(p.title)} ».`,
			`Donnez-nous votre avis en 5 questions (2 minutes). L’enquête est anonyme\u00a0: votre réponse n’est pas reliée à votre nom, et l’organisateur ne voit que les résultats d’ensemble, à partir de 5 réponses.`,
			`Ce lien ne sert qu’une fois et fonctionne jusqu’au ${d}.`
		],
		{ href: p.link, label: 'Donner mon avis' },
		'training-survey',
		'Ce lien vous est personnel\u00a0: ne le transférez pas.'
	);
}

/**
 * Sends the survey of every session ended by `now` (its last half-day over, within the
 * survey's weeks) to its registrants present at one half-day at least, once each: the
 * registration is claimed (`survey_sent_at`) in the transaction that queues the e-mail.
 * Run by the scheduled job 'training-survey' (../app.ts).
 */
export async function sendSurveys(database: Database, links: Links, now = new Date()): Promise<number> {
	const db = database.privileged.db;
	const today = parisDay(now);
	const sessions = await db
		.select({ s: trainingSessions, title: trainings.title })
		.from(trainingSessions)
		.innerJoin(trainings, eq(trainings.id, trainingSessions.trainingId))
		.where(
			and(ne(trainingSessions.status, 'cancelled'), lte(trainingSessions.lastDay, today), gte(trainingSessions.lastDay, addDays(today, -SURVEY_OPEN_DAYS + 1)))
		);
	const slots = await slotsOf(
		db,
		sessions.map((x) => x.s.id)
	);
	let sent = 0;
	for (const { s, title } of sessions) {
		const list = slots.get(s.id) ?? [];
		const last = list.at(-1);
		if (!last || slotInstants(last).end > now) continue;
		sent += await db.transaction(async (tx) => {
			const present = tx
				.selectDistinct({ id: trainingAttendance.registrationId })
				.from(trainingAttendance)
				.where(
					and(
						eq(trainingAttendance.present, true),
						inArray(
							trainingAttendance.slotId,
							list.map((x) => x.id)
						)
					)
				);
			const due = await tx
				.select({ id: trainingRegistrations.id })
				.from(trainingRegistrations)
				.where(and(eq(trainingRegistrations.sessionId, s.id), isNull(trainingRegistrations.surveySentAt), inArray(trainingRegistrations.id, present)))
				.for('update', { skipLocked: true });
			let k = 0;
			for (const { id } of due) {
				const token = randomBytes(24).toString('base64url');
				const [r] = await tx
					.update(trainingRegistrations)
					.set({ surveySentAt: now, surveyTokenHash: hashToken(token) })
					.where(and(eq(trainingRegistrations.id, id), isNull(trainingRegistrations.surveySentAt)))
					.returning({ email: trainingRegistrations.email, firstName: trainingRegistrations.firstName });
				if (!r) continue;
				await queueMail(
					database,
					tx,
					surveyMail({ to: r.email, firstName: r.firstName, title, link: surveyLink(links, token), closesOn: surveyClosesOn(s.lastDay), links })
				);
				k++;
			}
			return k;
		});
	}
	return sent;
}

export interface SurveyView {
	state: 'open' | 'answered' | 'closed';
	title: string;
	slots: string[];
	closesOn: string;
}

async function byToken(database: Database, token: string) {
	if (!TOKEN.test(token)) throw new TrainingError('not_found', NO_SURVEY);
	const [r] = await database.privileged.db
		.select({
			sessionId: trainingRegistrations.sessionId,
			answered: trainingRegistrations.surveyAnsweredAt,
			lastDay: trainingSessions.lastDay,
			departmentCode: trainingSessions.departmentCode,
			title: trainings.title
		})
		.from(trainingRegistrations)
		.innerJoin(trainingSessions, eq(trainingSessions.id, trainingRegistrations.sessionId))
		.innerJoin(trainings, eq(trainings.id, trainingSessions.trainingId))
		.where(and(eq(trainingRegistrations.surveyTokenHash, hashToken(token)), isNotNull(trainingRegistrations.surveySentAt)));
	if (!r) throw new TrainingError('not_found', NO_SURVEY);
	return r;
}

const stateOf = (r: { answered: Date | null; lastDay: string }, now: Date): SurveyView['state'] =>
	r.answered ? 'answered' : parisDay(now) > surveyClosesOn(r.lastDay) ? 'closed' : 'open';

/** The survey behind a link: its session's title and days, and whether it still takes an answer. */
export async function surveyByToken(database: Database, token: string, now = new Date()): Promise<SurveyView> {
	const r = await byToken(database, token);
	const slots = (await slotsOf(database.privileged.db, [r.sessionId])).get(r.sessionId) ?? [];
	return { state: stateOf(r, now), title: r.title, slots: slots.map(slotLabel), closesOn: surveyClosesOn(r.lastDay) };
}

export const ALREADY_ANSWERED = 'Vous avez déjà répondu à cette enquête\u00a0: merci\u00a0! Un lien ne sert qu’une fois.';
export const SURVEY_CLOSED = 'Cette enquête est close\u00a0: elle ne reçoit plus de réponses.';

/**
 * Records an answer and spends the link, in one transaction: the registration is marked
 * answered only if it was not (the row's lock serialises two submissions: one answer), and
 * the answer is written without it.
 */
export async function answerSurvey(database: Database, token: string, input: SurveyInput, now = new Date()): Promise<void> {
	const errors = surveyErrors(input);
	if (Object.keys(errors).length) throw new TrainingError('invalid', 'Le questionnaire n’est pas complet.', errors);
	const r = await byToken(database, token);
	const state = stateOf(r, now);
	if (state === 'answered') throw new TrainingError('conflict', ALREADY_ANSWERED);
	if (state === 'closed') throw new TrainingError('conflict', SURVEY_CLOSED);
	await database.privileged.db.transaction(async (tx) => {
		// « answered », with no time of its own: the session's last day (updated_at is left as it was)
		const spent = await tx
			.update(trainingRegistrations)
			.set({ surveyAnsweredAt: parisMidnight(r.lastDay) })
			.where(and(eq(trainingRegistrations.surveyTokenHash, hashToken(token)), isNull(trainingRegistrations.surveyAnsweredAt)))
			.returning({ sessionId: trainingRegistrations.sessionId });
		if (!spent.length) throw new TrainingError('conflict', ALREADY_ANSWERED);
		await tx.insert(trainingSatisfaction).values({
			sessionId: r.sessionId,
			departmentCode: r.departmentCode,
			answeredOn: parisDay(now),
			scores: Object.fromEntries(Object.entries(input.scores)),
			comment: input.comment.trim()
		});
	});
}

/** The survey of a session for its organisers: surveys sent, answers, and the results when they may be shown (survey-model.ts). */
export async function sessionSurvey(database: Database, actor: Actor, sessionId: string, now = new Date()): Promise<SurveyResults & { sent: number }> {
	const s = await loadSession(database.db, sessionId);
	mustManage(actor, await loadTraining(database.db, s.trainingId));
	const [rows, [{ sent }]] = await Promise.all([
		database.db
			.select({ scores: trainingSatisfaction.scores, comment: trainingSatisfaction.comment })
			.from(trainingSatisfaction)
			.where(eq(trainingSatisfaction.sessionId, s.id)),
		database.db
			.select({ sent: sql<number>`count(*)::int` })
			.from(trainingRegistrations)
			.where(and(eq(trainingRegistrations.sessionId, s.id), isNotNull(trainingRegistrations.surveySentAt)))
	]);
	return { ...surveyResults(rows, s.lastDay, parisDay(now)), sent };
}
