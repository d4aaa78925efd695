/**
 * The anonymous satisfaction survey (issue 17, item 5), on PGlite and on PostgreSQL: sent
 * once to the registrants present at a session that has ended (never to the absent), one
 * answer per link (two submissions at once give one), nothing in the answer that names or
 * dates the person, the organiser's results from 5 answers once closed; on PostgreSQL, an
 * anonymous request reads no answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { openWorld, type World } from '../../../../test/world.ts';
import { onPostgres } from '../../../../test/db.ts';
import type { Actor } from '../accounts/index.ts';
import { scopeOf } from '../accounts/index.ts';
import { runInScope } from '../db/request-scope.ts';
import { outbox } from '../mail/db.ts';
import { addDays, parisDay, parisMidnight } from '../../time.ts';
import { trainingAttendance, trainingRegistrations, trainingSatisfaction, trainingSlots } from './db.ts';
import { answerSurvey, createSession, createTraining, sendSurveys, sessionSurvey, surveyByToken } from './index.ts';
import { MIN_ANSWERS, readSurveyForm, surveyClosesOn, surveyResults } from './survey-model.ts';

const links = { origin: 'http://localhost:3000', instanceName: 'maillage (tests)' };
const today = parisDay();
const lastDay = addDays(today, -2);
const at = (day: string, hh = 12) => new Date(parisMidnight(day).getTime() + hh * 3600_000);

let w: World;
let coordinator: Actor;
let otherManager: Actor;
let cd47: string;
let sessionId: string;
const regs: string[] = [];
const tokens = new Map<string, string>();

const full = (over: Record<string, number> = {}, comment = '') => ({
	scores: { contenu: 4, clarte: 5, organisation: 3, utilite: 4, global: 5, ...over },
	comment
});

async function tokenOf(email: string): Promise<string> {
	const [m] = await w.db.db
		.select({ text: outbox.text })
		.from(outbox)
		.where(and(eq(outbox.to, email), eq(outbox.template, 'training-survey')));
	const t = /formations\/enquete\/([A-Za-z0-9_-]{32})/.exec(m?.text ?? '')?.[1];
	if (!t) throw new Error(`no survey e-mail to ${email}`);
	return t;
}

beforeAll(async () => {
	w = await openWorld({ places: 'agen' });
	cd47 = await w.organisation('Département de Lot-et-Garonne', 'departement');
	const other = await w.organisation('Association Clic', 'association');
	coordinator = await w.member('cam@cd47.test', cd47, 'coordinator');
	otherManager = await w.member('eli@clic.test', other, 'place_manager');
	const place = await w.place('France services de Boé');
	const t = await createTraining(w.db, coordinator, {
		organiserId: cd47,
		title: 'Accompagner les démarches CAF',
		objectives: 'Les démarches en ligne.',
		programme: '',
		audiences: ['social_workers', 'volunteers'],
		theme: 'procedures',
		format: 'on_site',
		trainerOrganisationId: '',
		trainerStructure: 'Campus Numérique 47',
		trainerPerson: '',
		prerequisites: '',
		accessibility: ''
	});
	// a session of two half-days that ended two days ago (created as on a day before it)
	sessionId = await createSession(
		w.db,
		coordinator,
		t,
		{
			slots: [
				{ day: addDays(lastDay, -1), start: '09:00', end: '12:00' },
				{ day: lastDay, start: '14:00', end: '17:00' }
			],
			placeId: place,
			location: '',
			broadcastUrl: '',
			capacity: '',
			registrationDeadline: '',
			status: 'published',
			eventId: ''
		},
		null,
		addDays(lastDay, -20)
	);
	const slots = await w.db.db.select().from(trainingSlots).where(eq(trainingSlots.sessionId, sessionId));
	// 12 registrants: 11 present at a half-day at least, 1 absent
	for (let i = 0; i < 12; i++) {
		const [r] = await w.db.db
			.insert(trainingRegistrations)
			.values({
				sessionId,
				departmentCode: '47',
				firstName: `Aidant${i}`,
				lastName: 'Test',
				email: `aidant${i}@exemple.test`,
				profile: 'volunteer',
				status: 'confirmed',
				position: i + 1,
				tokenHash: `hash-${i}-${Math.random()}`
			})
			.returning({ id: trainingRegistrations.id });
		regs.push(r.id);
		await w.db.db
			.insert(trainingAttendance)
			.values(
				slots.map((s, k) => ({ registrationId: r.id, slotId: s.id, departmentCode: '47', present: i < 11 && (k === 0 || i % 2 === 0), method: 'sheet' }))
			);
	}
}, 120_000);

afterAll(async () => {
	await w?.close();
});

describe('sending', () => {
	it('waits for the session’s end, then sends once to each registrant present, never to the absent', async () => {
		// the last half-day not over yet
		expect(await sendSurveys(w.db, links, at(lastDay, 15))).toBe(0);
		expect(await sendSurveys(w.db, links, at(today, 10))).toBe(11);
		expect(await sendSurveys(w.db, links, at(today, 11))).toBe(0);
		const mails = await w.db.db.select({ to: outbox.to, text: outbox.text }).from(outbox).where(eq(outbox.template, 'training-survey'));
		expect(mails).toHaveLength(11);
		expect(mails.map((m) => m.to)).not.toContain('aidant11@exemple.test');
		expect(mails[0].text).toContain('anonyme');
		for (let i = 0; i < 11; i++) tokens.set(regs[i], await tokenOf(`aidant${i}@exemple.test`));
		// only the link's hash is kept
		const [r] = await w.db.db.select().from(trainingRegistrations).where(eq(trainingRegistrations.id, regs[0]));
		expect(r.surveyTokenHash).toMatch(/^[0-9a-f]{64}$/);
		expect(r.surveyTokenHash).not.toContain(tokens.get(regs[0])!);
	});
});

describe('answering', () => {
	it('refuses an incomplete answer in French, an unknown link, and takes one answer per link', async () => {
		const token = tokens.get(regs[0])!;
		expect((await surveyByToken(w.db, token)).state).toBe('open');
		await expect(answerSurvey(w.db, token, { scores: { contenu: 4 }, comment: '' })).rejects.toMatchObject({
			code: 'invalid',
			fields: { clarte: 'Choisissez une réponse de 1 à 5.' }
		});
		await expect(answerSurvey(w.db, token, { ...full(), comment: 'x'.repeat(2001) })).rejects.toMatchObject({ code: 'invalid' });
		await expect(surveyByToken(w.db, 'A'.repeat(32))).rejects.toMatchObject({ code: 'not_found' });
		await expect(surveyByToken(w.db, '../../etc')).rejects.toMatchObject({ code: 'not_found' });
		await answerSurvey(w.db, token, full({}, 'Très concret.'));
		expect((await surveyByToken(w.db, token)).state).toBe('answered');
		await expect(answerSurvey(w.db, token, full())).rejects.toMatchObject({ code: 'conflict' });
		// a form's values: only 1 to 5
		const f = new FormData();
		f.set('contenu', '6');
		f.set('clarte', '2');
		expect(readSurveyForm(f).scores).toEqual({ clarte: 2 });
	});

	it('gives one answer to two submissions at once', async () => {
		const token = tokens.get(regs[1])!;
		const results = await Promise.allSettled([answerSurvey(w.db, token, full()), answerSurvey(w.db, token, full()), answerSurvey(w.db, token, full())]);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(['conflict', 'conflict']);
		const [{ n }] = await w.db.query<{ n: number }>(sql`select count(*)::int as n from training_satisfaction where session_id = ${sessionId}`);
		expect(n).toBe(2);
	});

	it('keeps nothing that links an answer to its person: no registration, the day only, « answered » without a time', async () => {
		const columns = await w.db.query<{ c: string }>(
			sql`select column_name as c from information_schema.columns where table_name = 'training_satisfaction' order by ordinal_position`
		);
		expect(columns.map((c) => c.c)).toEqual(['id', 'session_id', 'department_code', 'answered_on', 'scores', 'comment']);
		const answers = await w.db.db.select().from(trainingSatisfaction).where(eq(trainingSatisfaction.sessionId, sessionId));
		expect(answers.every((a) => a.answeredOn === parisDay())).toBe(true);
		expect(JSON.stringify(answers)).not.toContain(regs[0]);
		const rows = await w.db.db.select().from(trainingRegistrations).where(eq(trainingRegistrations.sessionId, sessionId));
		const answered = rows.filter((r) => r.surveyAnsweredAt);
		expect(answered).toHaveLength(2);
		// the session's last day, whoever answered whenever; updated_at untouched
		for (const r of answered) {
			expect(r.surveyAnsweredAt!.getTime()).toBe(parisMidnight(lastDay).getTime());
			expect(r.updatedAt.getTime()).toBeLessThan(Date.now() - 1);
		}
		const journal = await w.db.query<{ n: number }>(
			sql`select count(*)::int as n from audit_log where target_id in (${sql.join(
				regs.map((r) => sql`${r}`),
				sql`, `
			)}) or details::text like '%satisfaction%'`
		);
		expect(journal[0].n).toBe(0);
	});
});

describe('the organiser’s results', () => {
	it('shows nothing before the close nor under 5 answers; counts, averages and comments after, in alphabetical order', async () => {
		const closes = surveyClosesOn(lastDay);
		let r = await sessionSurvey(w.db, coordinator, sessionId);
		expect(r).toMatchObject({ sent: 11, answers: 2, shown: false, comments: [] });
		expect(r.reason).toContain('clôture');
		expect(r.questions.every((q) => q.average === null && q.counts.length === 0)).toBe(true);
		// 4 answers, closed: still hidden
		await answerSurvey(w.db, tokens.get(regs[2])!, full({ global: 3 }, 'Un peu court.'));
		await answerSurvey(w.db, tokens.get(regs[3])!, full({ global: 4 }));
		r = await sessionSurvey(w.db, coordinator, sessionId, at(addDays(closes, 1)));
		expect(r).toMatchObject({ answers: 4, shown: false });
		expect(r.reason).toContain(`Moins de ${MIN_ANSWERS} réponses`);
		await answerSurvey(w.db, tokens.get(regs[4])!, full({ global: 1 }, 'À refaire.'));
		r = await sessionSurvey(w.db, coordinator, sessionId, at(closes));
		expect(r.shown).toBe(false);
		r = await sessionSurvey(w.db, coordinator, sessionId, at(addDays(closes, 1)));
		expect(r.shown).toBe(true);
		const global = r.questions.find((q) => q.key === 'global')!;
		expect(global.counts).toEqual([1, 0, 1, 1, 2]);
		expect(global.average).toBe(3.6);
		expect(r.questions.find((q) => q.key === 'organisation')!.average).toBe(3);
		expect(r.comments).toEqual(['À refaire.', 'Très concret.', 'Un peu court.']);
		// the link no longer takes an answer once closed
		await expect(answerSurvey(w.db, tokens.get(regs[5])!, full(), at(addDays(closes, 1)))).rejects.toMatchObject({ code: 'conflict' });
		expect((await surveyByToken(w.db, tokens.get(regs[5])!, at(addDays(closes, 1)))).state).toBe('closed');
		// another structure's manager may not read them
		await expect(sessionSurvey(w.db, otherManager, sessionId)).rejects.toMatchObject({ code: 'forbidden' });
	});

	it('computes the results from the stored scores (pure)', () => {
		const rows = Array.from({ length: 5 }, (_, i) => ({ scores: { contenu: i + 1 }, comment: '' }));
		const r = surveyResults(rows, '2026-01-10', '2026-02-10');
		expect(r.questions[0]).toMatchObject({ counts: [1, 1, 1, 1, 1], average: 3 });
		expect(r.questions[1]).toMatchObject({ counts: [0, 0, 0, 0, 0], average: null });
	});
});

describe.skipIf(!onPostgres())('row-level security (PostgreSQL)', () => {
	it('an anonymous request reads no answer; another département’s organiser neither', async () => {
		const request = await w.requestDatabase(2);
		const as = <T>(actor: Actor | null, fn: () => Promise<T>) =>
			runInScope(fn, { departments: actor ? scopeOf(actor) : '', userId: actor?.userId ?? '', owner: '', voucherCode: '' });
		const count = async () => (await request.query<{ n: number }>(sql`select count(*)::int as n from training_satisfaction`))[0].n;
		expect(await as(null, count)).toBe(0);
		expect(await as(coordinator, count)).toBeGreaterThan(0);
	});
});
