/**
 * Attendance and attestations of trainings (issue 17, item 5), attacked:
 * - the check-in and the sign-in sheets are the organisers' and the trainer's structure's:
 *   another structure's manager, another département's coordinator, a registrant, nobody
 *   signed in are refused (the routes ask for a professional session first);
 * - only the organisers issue or revoke, and only their own session's attestations (an id
 *   of another session is not found);
 * - the public check shows the minimum of a valid attestation and nothing of the person
 *   otherwise; its numbers cannot be walked through (random, not a sequence); a forged or
 *   foreign credential is refused; the holder's page opens with their link only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { openWorld, type World } from '../world.ts';
import type { Actor } from '../../src/lib/server/accounts/index.ts';
import { decide } from '../../src/lib/server/access.ts';
import { addDays, parisDay } from '../../src/lib/time.ts';
import { trainingAttestations, trainingRegistrations, trainingSessions } from '../../src/lib/server/trainings/db.ts';
import {
	checkAttestation,
	createSession,
	createTraining,
	holderAttestation,
	issueNow,
	recordAttendance,
	revokeAttestation,
	sessionAttendance,
	sessionAttestations,
	verifyCredential
} from '../../src/lib/server/trainings/index.ts';
import { hashToken, linkToken } from '../../src/lib/server/trainings/tokens.ts';
import { signJwt } from '../../src/lib/server/trainings/attestation-keys.ts';

const links = { origin: 'http://localhost:3000', instanceName: 'maillage (tests)' };

let w: World;
let coordinator: Actor;
let otherManager: Actor;
let coordinator33: Actor;
let registrant: Actor;
let cd47: string;
let session: string;
let slot: string;
let registration: string;
let otherSession: string;

async function heldSession(title: string, userId: string | null) {
	const t = await createTraining(w.db, coordinator, {
		organiserId: cd47,
		title,
		objectives: 'Objectifs de la formation.',
		programme: '',
		audiences: ['volunteers'],
		theme: 'security',
		format: 'on_site',
		trainerOrganisationId: '',
		trainerStructure: 'Campus Numérique 47',
		trainerPerson: '',
		prerequisites: '',
		accessibility: ''
	});
	const held = addDays(parisDay(), -2);
	const id = await createSession(
		w.db,
		coordinator,
		t,
		{
			slots: [{ day: held, start: '09:00', end: '12:00' }],
			placeId: '',
			location: 'Salle 2',
			broadcastUrl: '',
			capacity: '',
			registrationDeadline: '',
			status: 'published',
			eventId: ''
		},
		null,
		addDays(held, -10)
	);
	const rid = randomUUID();
	await w.db.privileged.db.insert(trainingRegistrations).values({
		id: rid,
		sessionId: id,
		departmentCode: '47',
		userId,
		firstName: 'Alix',
		lastName: 'Canari',
		email: `alix-${rid.slice(0, 6)}@canari.test`,
		profile: 'social_worker',
		structureName: 'CCAS secret',
		status: 'confirmed',
		position: 1,
		tokenHash: hashToken(linkToken(rid)),
		placedAt: new Date(),
		confirmedAt: new Date()
	});
	await w.db.privileged.db.update(trainingSessions).set({ seatsTaken: 1, lastPosition: 1 }).where(eq(trainingSessions.id, id));
	const slots = (await sessionAttendance(w.db, coordinator, id)).slots;
	return { id, slot: slots[0].id, registration: rid };
}

beforeAll(async () => {
	w = await openWorld({ places: 'agen' });
	cd47 = await w.organisation('Département de Lot-et-Garonne', 'departement');
	const other = await w.organisation('Association Clic', 'association');
	const cd33 = await w.organisation('Département de la Gironde', 'departement', '33');
	const ccas = await w.organisation('CCAS de Nérac', 'ccas');
	coordinator = await w.member('cam@cd47.test', cd47, 'coordinator');
	otherManager = await w.member('eli@clic.test', other, 'place_manager');
	coordinator33 = await w.member('dom@cd33.test', cd33, 'coordinator');
	registrant = await w.member('alix@ccas.test', ccas, 'prescriber');
	const a = await heldSession('Sécurité des aidants', registrant.userId);
	session = a.id;
	slot = a.slot;
	registration = a.registration;
	otherSession = (await heldSession('Autre session', null)).id;
}, 120_000);

afterAll(async () => {
	await w?.close();
});

describe('attendance: only the organisers and the trainer’s structure', () => {
	it('refuses the check-in and the sheet to anyone else, and the routes to anyone not signed in', async () => {
		for (const actor of [otherManager, coordinator33, registrant]) {
			await expect(recordAttendance(w.db, actor, { sessionId: session, slotId: slot, present: [registration], method: 'screen' })).rejects.toMatchObject({
				code: 'forbidden'
			});
			// the sheet's data (the PDF route reads it through this use case)
			await expect(sessionAttendance(w.db, actor, session)).rejects.toMatchObject({ code: 'forbidden' });
		}
		// the address's training must be the session's
		await expect(sessionAttendance(w.db, coordinator, session, randomUUID())).rejects.toMatchObject({ code: 'not_found' });
		for (const route of [
			'/(pro)/espace/formations/[id]/sessions/[session]/presences',
			'/(pro)/espace/formations/[id]/sessions/[session]/emargement/[slot].pdf'
		])
			expect(decide(route, null)).toBe('login');
		// a method that is not one is refused
		await expect(recordAttendance(w.db, coordinator, { sessionId: session, slotId: slot, present: [], method: 'relay' as never })).rejects.toMatchObject({
			code: 'invalid'
		});
	});
});

describe('attestations: issued and revoked by the organisers only; the public check says the minimum', () => {
	it('refuses issuing and revoking to anyone else, and an attestation of another session', async () => {
		await recordAttendance(w.db, coordinator, { sessionId: session, slotId: slot, present: [registration], method: 'screen' });
		for (const actor of [otherManager, coordinator33, registrant]) {
			await expect(issueNow(w.db, actor, session, links)).rejects.toMatchObject({ code: 'forbidden' });
			await expect(sessionAttestations(w.db, actor, session)).rejects.toMatchObject({ code: 'forbidden' });
		}
		expect(await issueNow(w.db, coordinator, session, links)).toBe(1);
		const [a] = await w.db.privileged.db.select().from(trainingAttestations).where(eq(trainingAttestations.sessionId, session));
		for (const actor of [otherManager, coordinator33, registrant])
			await expect(revokeAttestation(w.db, actor, { sessionId: session, attestationId: a.id, reason: 'Par malveillance' })).rejects.toMatchObject({
				code: 'forbidden'
			});
		// an attestation id through another session's address
		await expect(revokeAttestation(w.db, coordinator, { sessionId: otherSession, attestationId: a.id, reason: 'Mauvaise session' })).rejects.toMatchObject({
			code: 'not_found'
		});
		expect((await checkAttestation(w.db, a.number)).status).toBe('valid');
	});

	it('shows the minimum of a valid attestation, nothing of the person otherwise; numbers are not a sequence', async () => {
		const [a] = await w.db.privileged.db.select().from(trainingAttestations).where(eq(trainingAttestations.sessionId, session));
		const ok = await checkAttestation(w.db, a.number);
		expect(Object.keys(ok.shown!).sort()).toEqual(['halfDays', 'holder', 'hours', 'issuedOn', 'issuer', 'number', 'organiser', 'trainer', 'training'].sort());
		const text = JSON.stringify(ok);
		for (const secret of ['canari.test', 'CCAS secret', 'social_worker', registration, session]) expect(text).not.toContain(secret);
		// lower case, spaces, other shapes: unknown, never an error
		expect((await checkAttestation(w.db, a.number.toLowerCase())).status).toBe('valid');
		for (const junk of ['', ' ', 'FORM-', "FORM-2026-' OR 1=1 --", a.number + 'X', 'x'.repeat(5000)])
			expect(await checkAttestation(w.db, junk)).toEqual({ status: 'unknown', shown: null });
		// revoked: the page says so, and nothing of the person nor of the reason
		await revokeAttestation(w.db, coordinator, { sessionId: session, attestationId: a.id, reason: 'Alix Canari absente' });
		expect(await checkAttestation(w.db, a.number)).toEqual({ status: 'revoked', shown: null });
		// numbers: 60 random bits after the year, never the next of the previous one
		const numbers = new Set<string>();
		const { newNumber } = await import('../../src/lib/server/trainings/attestations.ts');
		for (let i = 0; i < 200; i++) numbers.add(newNumber('2027-01-01'));
		expect(numbers.size).toBe(200);
	});

	it('refuses a credential forged, signed by another key, or naming an attestation that is not its', async () => {
		// well signed by the instance, but naming an unknown number: not valid
		const stray = signJwt({ type: ['VerifiableCredential', 'OpenBadgeCredential'], id: `${links.origin}/formations/attestations/FORM-2026-0000-0000-0000` });
		expect(await verifyCredential(w.db, links, stray)).toMatchObject({ verified: false, status: 'unknown' });
		// another key (alg none, a made-up kid)
		const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'vc+jwt' })).toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`;
		expect(await verifyCredential(w.db, links, none)).toMatchObject({ verified: false, status: 'invalid' });
		expect(await verifyCredential(w.db, links, 'x'.repeat(30_000))).toMatchObject({ verified: false });
		// the holder's page: their link only
		expect(await holderAttestation(w.db, linkToken(randomUUID()))).toBeNull();
		expect(await holderAttestation(w.db, '../../../../etc/passwd')).toBeNull();
	});
});
