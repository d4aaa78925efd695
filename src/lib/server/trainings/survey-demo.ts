/**
 * The demo's satisfaction survey (issue 17, item 5): two past sessions of the demo's first
 * training, with fictitious attendees (« Démo », addresses in the reserved .invalid domain)
 * present — one ended 40 days ago whose survey is closed with 6 answers (the organiser's
 * results show), one ended 2 days ago whose survey is sent now (the links are in the
 * outbox: the browser tests answer it). Once (skipped when a session of the training already has
 * answers: the demo's held Thursday of the attendance is past too, without any).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { addDays, parisDay, parisMidnight } from '../../time.ts';
import { trainingAttendance, trainingRegistrations, trainingSatisfaction, trainingSessions, trainingSlots, trainings } from './db.ts';
import { hashToken } from './tokens.ts';
import type { Links } from './messages.ts';
import { sendSurveys } from './survey.ts';
import { getBoss } from '../jobs/boss.ts';

const GLOBAL = [5, 4, 4, 5, 3, 4];
const COMMENTS = ['Très concret, avec des cas pratiques.', 'Un peu court pour tout voir.'];

export async function seedDemoSurvey(database: Database, links: Links, now = new Date()): Promise<{ sessions: number; sent: number }> {
	const db = database.db;
	const today = parisDay(now);
	const [t] = await db.select().from(trainings).where(eq(trainings.departmentCode, '47')).orderBy(asc(trainings.createdAt)).limit(1);
	if (!t) return { sessions: 0, sent: 0 };
	const [answered] = await db
		.select({ id: trainingSatisfaction.id })
		.from(trainingSatisfaction)
		.innerJoin(trainingSessions, eq(trainingSessions.id, trainingSatisfaction.sessionId))
		.where(eq(trainingSessions.trainingId, t.id))
		.limit(1);
	if (answered) return { sessions: 0, sent: 0 };
	const [model] = await db.select().from(trainingSessions).where(eq(trainingSessions.trainingId, t.id)).limit(1);
	for (const [k, days, present] of [
		['ancienne', 40, 8],
		['recente', 2, 6]
	] as const) {
		const day = addDays(today, -days);
		const [s] = await db
			.insert(trainingSessions)
			.values({
				trainingId: t.id,
				departmentCode: '47',
				status: 'published',
				placeId: model?.placeId ?? null,
				communeCode: model?.communeCode ?? null,
				registrationDeadline: addDays(day, -1),
				firstDay: day,
				lastDay: day,
				seatsTaken: present,
				lastPosition: present
			})
			.returning({ id: trainingSessions.id });
		const [slot] = await db
			.insert(trainingSlots)
			.values({ sessionId: s.id, day, half: 'pm', startTime: '14:00', endTime: '17:00' })
			.returning({ id: trainingSlots.id });
		const closed = k === 'ancienne';
		for (let i = 1; i <= present; i++) {
			const id = randomUUID();
			await db.insert(trainingRegistrations).values({
				id,
				sessionId: s.id,
				departmentCode: '47',
				firstName: 'Démo',
				lastName: `Aidant ${i}`,
				email: `demo.enquete-${k}${i}@exemple.invalid`,
				profile: i % 3 === 0 ? 'social_worker' : 'volunteer',
				status: 'confirmed',
				position: i,
				tokenHash: hashToken(randomBytes(24).toString('base64url')),
				placedAt: parisMidnight(addDays(day, -10)),
				confirmedAt: parisMidnight(addDays(day, -10)),
				...(closed
					? {
							surveySentAt: parisMidnight(addDays(day, 1)),
							surveyTokenHash: hashToken(randomBytes(24).toString('base64url')),
							surveyAnsweredAt: i <= GLOBAL.length ? parisMidnight(day) : null
						}
					: {})
			});
			await db.insert(trainingAttendance).values({
				registrationId: id,
				slotId: slot.id,
				departmentCode: '47',
				present: true,
				method: 'sheet',
				recordedAt: new Date(parisMidnight(day).getTime() + 17.5 * 3600_000)
			});
		}
		if (closed)
			await db.insert(trainingSatisfaction).values(
				GLOBAL.map((g, i) => ({
					sessionId: s.id,
					departmentCode: '47',
					answeredOn: addDays(day, 1 + (i % 3)),
					scores: { contenu: 4, clarte: g, organisation: 4, utilite: Math.max(3, g - 1), global: g },
					comment: COMMENTS[i] ?? ''
				}))
			);
	}
	// the queue started before a transaction queues an e-mail (on PGlite it would wait for that transaction)
	await getBoss(database);
	return { sessions: 2, sent: await sendSurveys(database, links, now) };
}
