/**
 * Attendance and attestations (issue 17, item 5) through the use cases, on PGlite and on
 * PostgreSQL: who checks in (the organisers, the trainer's structure; nobody else), a
 * half-day not yet held refused; the attestations issued once each to the attendees only,
 * minutes the sum of the half-days attended, idempotent (twice, and two runs at once); the
 * public check (valid with the minimum, tampered, unknown, revoked showing nothing of the
 * person); the Open Badges 3.0 credential and its verification; the personal-data hooks
 * (export, erasure: the number then unknown); on PostgreSQL, row-level security.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { openWorld, type World } from '../../../../test/world.ts';
import { onPostgres } from '../../../../test/db.ts';
import type { Actor } from '../accounts/index.ts';
import { outbox } from '../mail/db.ts';
import { runInScope } from '../db/request-scope.ts';
import { scopeOf } from '../accounts/index.ts';
import { addDays, parisDay } from '../../time.ts';
import { trainingAttestations, trainingRegistrations, trainingSessions } from './db.ts';
import {
	ANIMATED_PAST_DAYS,
	animatedSessions,
	checkAttestation,
	createSession,
	createTraining,
	holderAttestation,
	issueAttestations,
	issueNow,
	myAttestations,
	openBadge,
	personalData,
	recordAttendance,
	revokeAttestation,
	sessionAttendance,
	sessionAttestations,
	verifyCredential
} from './index.ts';
import { hashToken, linkToken } from './tokens.ts';
import { readJwt } from './attestation-keys.ts';

const links = { origin: 'http://localhost:3000', instanceName: 'maillage (tests)' };
const day = (n: number) => addDays(parisDay(), n);

let w: World;
let coordinator: Actor;
let trainerHelper: Actor;
let otherManager: Actor;
let coordinator33: Actor;
let prescriber: Actor;
let cd47: string;
let campus: string;

const training = (over: Record<string, unknown> = {}) => ({
	organiserId: cd47,
	title: 'Les jeudis de l’inclusion numérique',
	objectives: 'Accompagner une démarche en ligne sans faire à la place.',
	programme: '',
	audiences: ['social_workers', 'volunteers'],
	theme: 'procedures',
	format: 'on_site',
	trainerOrganisationId: campus,
	trainerStructure: 'Campus Numérique 47',
	trainerPerson: 'Claire Formatrice',
	prerequisites: '',
	accessibility: '',
	...over
});

/** A published session of two half-days `daysAgo` days back (created as if it were then), with `n` registrants with a seat. */
async function pastSession(daysAgo: number, n: number, title = 'Session passée') {
	const t = await createTraining(w.db, coordinator, training({ title }));
	const first = day(-daysAgo);
	const id = await createSession(
		w.db,
		coordinator,
		t,
		{
			slots: [
				{ day: first, start: '09:00', end: '12:00' },
				{ day: first, start: '13:30', end: '17:00' }
			],
			placeId: '',
			location: 'Salle des fêtes, Agen',
			broadcastUrl: '',
			capacity: '',
			registrationDeadline: '',
			status: 'published',
			eventId: ''
		},
		null,
		addDays(first, -10)
	);
	const regs = Array.from({ length: n }, (_, i) => {
		const rid = randomUUID();
		return {
			id: rid,
			sessionId: id,
			departmentCode: '47',
			firstName: `Prénom${i + 1}`,
			lastName: `Aidant ${title} ${i + 1}`,
			email: `aidant-${i + 1}-${id.slice(0, 8)}@test.invalid`,
			profile: 'volunteer',
			status: 'confirmed',
			position: i + 1,
			tokenHash: hashToken(linkToken(rid)),
			placedAt: new Date(),
			confirmedAt: new Date()
		};
	});
	if (regs.length) await w.db.privileged.db.insert(trainingRegistrations).values(regs);
	await w.db.privileged.db.update(trainingSessions).set({ seatsTaken: n, lastPosition: n }).where(eq(trainingSessions.id, id));
	const att = await sessionAttendance(w.db, coordinator, id);
	return { trainingId: t, sessionId: id, slots: att.slots.map((s) => s.id), registrations: regs.map((r) => r.id) };
}

beforeAll(async () => {
	w = await openWorld({ places: 'agen' });
	cd47 = await w.organisation('Département de Lot-et-Garonne', 'departement');
	campus = await w.organisation('Campus Numérique 47', 'association');
	const other = await w.organisation('Association Clic', 'association');
	const cd33 = await w.organisation('Département de la Gironde', 'departement', '33');
	const ccas = await w.organisation('CCAS de Nérac', 'ccas');
	coordinator = await w.member('cam@cd47.test', cd47, 'coordinator');
	trainerHelper = await w.member('leo@campus.test', campus, 'mediator');
	otherManager = await w.member('eli@clic.test', other, 'place_manager');
	coordinator33 = await w.member('dom@cd33.test', cd33, 'coordinator');
	prescriber = await w.member('pat@ccas.test', ccas, 'prescriber');
}, 120_000);

afterAll(async () => {
	await w?.close();
});

describe('attendance', () => {
	it('is checked in by the organisers and the trainer’s structure, per half-day, never before its day; nobody else', async () => {
		const s = await pastSession(2, 3, 'Pointage');
		const [a, b, c] = s.registrations;
		expect(await recordAttendance(w.db, trainerHelper, { sessionId: s.sessionId, slotId: s.slots[0], present: [a, b], method: 'screen' })).toEqual({
			present: 2,
			absent: 1
		});
		// corrected from the paper sheet: replaces the half-day's marks
		await recordAttendance(w.db, coordinator, { sessionId: s.sessionId, slotId: s.slots[0], present: [a, b, c], method: 'sheet' });
		const d = await sessionAttendance(w.db, coordinator, s.sessionId);
		expect([...d.slots[0].marks.values()].every((m) => m.present && m.method === 'sheet')).toBe(true);
		for (const actor of [otherManager, coordinator33, prescriber])
			await expect(recordAttendance(w.db, actor, { sessionId: s.sessionId, slotId: s.slots[0], present: [a], method: 'screen' })).rejects.toMatchObject({
				code: 'forbidden'
			});
		await expect(sessionAttendance(w.db, otherManager, s.sessionId)).rejects.toMatchObject({ code: 'forbidden' });
		// a registrant of another session, a slot of another session
		const other = await pastSession(2, 1, 'Autre');
		await expect(
			recordAttendance(w.db, coordinator, { sessionId: s.sessionId, slotId: s.slots[0], present: [other.registrations[0]], method: 'screen' })
		).rejects.toMatchObject({ code: 'invalid' });
		await expect(recordAttendance(w.db, coordinator, { sessionId: s.sessionId, slotId: other.slots[0], present: [], method: 'screen' })).rejects.toMatchObject({
			code: 'not_found'
		});
		// a half-day to come
		await expect(
			recordAttendance(w.db, coordinator, { sessionId: s.sessionId, slotId: s.slots[0], present: [], method: 'screen' }, { today: day(-3) })
		).rejects.toMatchObject({ code: 'invalid' });
	});
});

describe('the sessions my structure runs', () => {
	it('lists to the trainer’s structure the sessions it trains, upcoming first, with their counts; to nobody outside', async () => {
		const s = await pastSession(3, 2, 'Animée');
		const next = await pastSession(-10, 0, 'À venir');
		await recordAttendance(w.db, trainerHelper, { sessionId: s.sessionId, slotId: s.slots[0], present: [s.registrations[0]], method: 'screen' });
		const mine = await animatedSessions(w.db, trainerHelper);
		expect(mine.find((x) => x.id === s.sessionId)).toMatchObject({
			title: 'Animée',
			part: 'trainer',
			organiser: 'Département de Lot-et-Garonne',
			seatsTaken: 2,
			halfDays: 2,
			recorded: 1,
			present: 1,
			manage: false,
			past: true
		});
		const ids = mine.map((x) => x.id);
		expect(ids.indexOf(next.sessionId)).toBeLessThan(ids.indexOf(s.sessionId));
		expect(mine.slice(mine.findIndex((x) => x.past)).every((x) => x.past)).toBe(true);
		// the organiser's coordination: the same sessions, with the management link
		expect((await animatedSessions(w.db, coordinator)).find((x) => x.id === s.sessionId)).toMatchObject({ part: 'organiser', manage: true });
		for (const who of [otherManager, coordinator33, prescriber]) expect((await animatedSessions(w.db, who)).map((x) => x.id)).not.toContain(s.sessionId);
		// more than three months ago: no longer listed
		const old = await pastSession(ANIMATED_PAST_DAYS + 5, 0, 'Ancienne');
		expect((await animatedSessions(w.db, trainerHelper)).map((x) => x.id)).not.toContain(old.sessionId);
	});
});

describe('attestations', () => {
	it('are issued once each, to the attendees only, with the minutes of the half-days attended, and e-mailed', async () => {
		const s = await pastSession(1, 4, 'Délivrance');
		const [both, morning, afternoon, absent] = s.registrations;
		await recordAttendance(w.db, coordinator, { sessionId: s.sessionId, slotId: s.slots[0], present: [both, morning], method: 'screen' });
		await recordAttendance(w.db, coordinator, { sessionId: s.sessionId, slotId: s.slots[1], present: [both, afternoon], method: 'sheet' });
		const first = await issueAttestations(w.db, links);
		expect(first.attestations).toBeGreaterThanOrEqual(3);
		const rows = await w.db.privileged.db.select().from(trainingAttestations).where(eq(trainingAttestations.sessionId, s.sessionId));
		const minutes = new Map(rows.map((r) => [r.registrationId, r.minutes]));
		expect(minutes.get(both)).toBe(180 + 210);
		expect(minutes.get(morning)).toBe(180);
		expect(minutes.get(afternoon)).toBe(210);
		expect(minutes.has(absent)).toBe(false);
		// idempotent: again, and two runs at once, issue nothing more
		const again = await Promise.all([issueAttestations(w.db, links), issueAttestations(w.db, links), issueNow(w.db, coordinator, s.sessionId, links)]);
		expect(again[0].attestations + again[1].attestations + again[2]).toBe(0);
		expect(await w.db.privileged.db.select().from(trainingAttestations).where(eq(trainingAttestations.sessionId, s.sessionId))).toHaveLength(3);
		const mails = await w.db.db
			.select({ to: outbox.to, text: outbox.text })
			.from(outbox)
			.where(and(eq(outbox.template, 'training-attestation'), sql`${outbox.to} like ${'%' + s.sessionId.slice(0, 8) + '%'}`));
		expect(mails).toHaveLength(3);
		expect(mails[0].text).toMatch(/\/formations\/inscription\/[A-Za-z0-9_-]{32}\/attestation/);
		// a presence recorded later gets its attestation at the next run
		await recordAttendance(w.db, coordinator, { sessionId: s.sessionId, slotId: s.slots[1], present: [both, afternoon, absent], method: 'sheet' });
		expect((await issueAttestations(w.db, links)).attestations).toBe(1);
		// the organisers see who has one; the trainer’s structure does not issue nor list them
		expect((await sessionAttestations(w.db, coordinator, s.sessionId)).map((a) => a.holderName)).toHaveLength(4);
		await expect(sessionAttestations(w.db, trainerHelper, s.sessionId)).rejects.toMatchObject({ code: 'forbidden' });
	});

	it('are not issued before the last half-day has ended, nor for a session out of the window', async () => {
		const s = await pastSession(0, 1, 'Aujourd’hui');
		await recordAttendance(w.db, coordinator, { sessionId: s.sessionId, slotId: s.slots[0], present: s.registrations, method: 'screen' });
		const morning = new Date(`${day(0)}T09:30:00+01:00`);
		await expect(issueNow(w.db, coordinator, s.sessionId, links, { now: morning })).rejects.toMatchObject({ code: 'conflict' });
		await issueAttestations(w.db, links, morning);
		expect(await w.db.privileged.db.select().from(trainingAttestations).where(eq(trainingAttestations.sessionId, s.sessionId))).toHaveLength(0);
	});

	it('verify on their public page: valid with the minimum, tampered, unknown, revoked showing nothing of the person', async () => {
		const s = await pastSession(3, 3, 'Vérification');
		await recordAttendance(w.db, coordinator, { sessionId: s.sessionId, slotId: s.slots[0], present: s.registrations, method: 'screen' });
		await issueNow(w.db, coordinator, s.sessionId, links);
		const rows = await w.db.privileged.db.select().from(trainingAttestations).where(eq(trainingAttestations.sessionId, s.sessionId));
		const [valid, tampered, revoked] = rows;
		const ok = await checkAttestation(w.db, valid.number);
		expect(ok.status).toBe('valid');
		expect(ok.shown).toMatchObject({ holder: valid.holderName, training: 'Vérification', hours: '3\u00a0h', issuer: links.instanceName });
		expect(ok.shown!.halfDays).toHaveLength(1);
		// nothing else of the person: no e-mail, no profile, no structure
		expect(JSON.stringify(ok)).not.toMatch(/@|volunteer|Bénévole/);
		// tampered: the minutes (content and column), or only the name's column
		await w.db.privileged.db
			.update(trainingAttestations)
			.set({ minutes: 600, content: sql`jsonb_set(${trainingAttestations.content}, '{minutes}', '600')` })
			.where(eq(trainingAttestations.id, tampered.id));
		expect(await checkAttestation(w.db, tampered.number)).toEqual({ status: 'invalid', shown: null });
		await w.db.privileged.db.update(trainingAttestations).set({ holderName: 'Quelqu’un d’autre' }).where(eq(trainingAttestations.id, valid.id));
		expect((await checkAttestation(w.db, valid.number)).status).toBe('invalid');
		await w.db.privileged.db.update(trainingAttestations).set({ holderName: valid.holderName }).where(eq(trainingAttestations.id, valid.id));
		expect((await checkAttestation(w.db, valid.number)).status).toBe('valid');
		// unknown: a well-formed number nobody holds, garbage
		expect(await checkAttestation(w.db, 'FORM-2026-0000-0000-0000')).toEqual({ status: 'unknown', shown: null });
		expect(await checkAttestation(w.db, '../../etc/passwd')).toEqual({ status: 'unknown', shown: null });
		// revoked, with a reason; only the organisers revoke
		await expect(
			revokeAttestation(w.db, trainerHelper, { sessionId: s.sessionId, attestationId: revoked.id, reason: 'Erreur de pointage' })
		).rejects.toMatchObject({ code: 'forbidden' });
		await expect(revokeAttestation(w.db, coordinator, { sessionId: s.sessionId, attestationId: revoked.id, reason: '' })).rejects.toMatchObject({
			code: 'invalid'
		});
		await revokeAttestation(w.db, coordinator, { sessionId: s.sessionId, attestationId: revoked.id, reason: 'Erreur de pointage' });
		expect(await checkAttestation(w.db, revoked.number)).toEqual({ status: 'revoked', shown: null });
		// the holder's page, by their link
		const mine = await holderAttestation(w.db, linkToken(valid.registrationId));
		expect(mine?.status).toBe('valid');
		expect(await holderAttestation(w.db, 'x'.repeat(32))).toBeNull();
	});

	it('are given as an Open Badges 3.0 credential (VC-JWT) that the verification endpoint checks', async () => {
		const s = await pastSession(4, 2, 'Badge');
		await recordAttendance(w.db, coordinator, { sessionId: s.sessionId, slotId: s.slots[1], present: s.registrations, method: 'screen' });
		await issueNow(w.db, coordinator, s.sessionId, links);
		const [row, other] = await w.db.privileged.db.select().from(trainingAttestations).where(eq(trainingAttestations.sessionId, s.sessionId));
		const { credential, jwt } = openBadge(links, row);
		expect(credential['@context']).toEqual(['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json']);
		expect(credential.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
		expect(credential).toMatchObject({
			id: `${links.origin}/formations/attestations/${row.number}`,
			issuer: { id: `${links.origin}/formations/attestations/emetteur`, type: ['Profile'], name: links.instanceName },
			credentialSubject: {
				type: ['AchievementSubject'],
				achievement: { type: ['Achievement'], name: 'Badge', criteria: { narrative: expect.stringContaining('demi-journées') } }
			}
		});
		expect(typeof credential.validFrom).toBe('string');
		const header = JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString());
		expect(header).toMatchObject({ alg: 'EdDSA', typ: 'vc+jwt' });
		expect(readJwt(jwt)).toEqual(credential);
		expect(await verifyCredential(w.db, links, jwt)).toMatchObject({ verified: true, status: 'valid', number: row.number });
		expect(await verifyCredential(w.db, links, JSON.stringify({ credential: jwt }))).toMatchObject({ verified: true });
		// a payload changed (the signature no longer holds), a stranger's signature, garbage
		const [h, p, sig] = jwt.split('.');
		const forged = JSON.parse(Buffer.from(p, 'base64url').toString());
		forged.credentialSubject.identifier[0].identityHash = 'Mallory';
		expect(await verifyCredential(w.db, links, `${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${sig}`)).toMatchObject({
			verified: false,
			status: 'invalid'
		});
		expect(await verifyCredential(w.db, links, 'not a jwt')).toMatchObject({ verified: false, status: 'invalid' });
		// revoked: the credential no longer verifies
		await revokeAttestation(w.db, coordinator, { sessionId: s.sessionId, attestationId: other.id, reason: 'Absent en réalité' });
		expect(await verifyCredential(w.db, links, openBadge(links, other).jwt)).toMatchObject({ verified: false, status: 'revoked' });
	});

	it('are in the personal-data export; erased with the registration, their number is then unknown', async () => {
		const s = await pastSession(5, 1, 'Données personnelles');
		await recordAttendance(w.db, coordinator, { sessionId: s.sessionId, slotId: s.slots[0], present: s.registrations, method: 'screen' });
		await issueNow(w.db, coordinator, s.sessionId, links);
		const [row] = await w.db.privileged.db.select().from(trainingAttestations).where(eq(trainingAttestations.sessionId, s.sessionId));
		const [reg] = await w.db.privileged.db.select().from(trainingRegistrations).where(eq(trainingRegistrations.id, row.registrationId));
		const exported = await personalData.exportOf!(w.db.privileged.db, { id: randomUUID(), departmentCode: '47', phone: null, email: reg.email });
		expect(JSON.stringify(exported)).toContain(row.number);
		await w.db.privileged.db.transaction((tx) =>
			personalData.erase!(tx, { id: randomUUID(), departmentCode: '47', phone: null, email: reg.email }, new Date())
		);
		expect(await checkAttestation(w.db, row.number)).toEqual({ status: 'unknown', shown: null });
	});
});

describe.skipIf(!onPostgres())('row-level security (PostgreSQL)', () => {
	it('lets the holder read their own attestations, the organisers those of their département, nobody else', async () => {
		const request = await w.requestDatabase(4);
		const as = <T>(actor: Actor | null, fn: () => Promise<T>) =>
			runInScope(fn, { departments: actor ? scopeOf(actor) : '', userId: actor?.userId ?? '', owner: '', voucherCode: '' });
		const s = await pastSession(6, 1, 'RLS');
		await w.db.privileged.db.update(trainingRegistrations).set({ userId: prescriber.userId }).where(eq(trainingRegistrations.id, s.registrations[0]));
		await as(trainerHelper, () =>
			recordAttendance(request, trainerHelper, { sessionId: s.sessionId, slotId: s.slots[0], present: s.registrations, method: 'screen' })
		);
		await as(coordinator, () => issueNow(request, coordinator, s.sessionId, links));
		expect((await as(prescriber, () => myAttestations(request, prescriber))).map((a) => a.title)).toEqual(['RLS']);
		expect(await as(coordinator33, () => myAttestations(request, coordinator33))).toEqual([]);
		const n = async () =>
			(await request.query<{ n: number }>(sql`select count(*)::int as n from training_attestations where session_id = ${s.sessionId}`))[0].n;
		expect(await as(null, n)).toBe(0);
		expect(await as(coordinator33, n)).toBe(0);
		expect(await as(coordinator, n)).toBe(1);
		// the trainer's structure lists the session through the request role; another département's coordinator does not
		expect((await as(trainerHelper, () => animatedSessions(request, trainerHelper))).map((x) => x.id)).toContain(s.sessionId);
		expect(await as(coordinator33, () => animatedSessions(request, coordinator33))).toEqual([]);
	});
});
