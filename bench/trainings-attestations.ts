/**
 * Issue 17, attestations: the attestations of a 200-person session generated (target ≤ 10 s).
 * On the embedded database (PGlite, the slower of the two): a session of two half-days held
 * yesterday, 200 registrants with a seat, all present in the morning and 150 in the
 * afternoon; then, timed, what the job does (issueNow: 200 contents signed with Ed25519,
 * stored, 200 e-mails queued, one transaction) and the 200 PDFs with their QR code (what
 * the holders download), and the public check of each. Runnable alone:
 * `node --import tsx bench/trainings-attestations.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { openDatabase } from '../src/lib/server/db/client.ts';
import { getBoss, stopBoss } from '../src/lib/server/jobs/boss.ts';
import { actorFor, addMember, createOrganisation } from '../src/lib/server/accounts/index.ts';
import { addDays, parisDay } from '../src/lib/time.ts';
import { trainingAttestations, trainingRegistrations, trainingSessions } from '../src/lib/server/trainings/db.ts';
import {
	checkAttestation,
	createSession,
	createTraining,
	holderAttestation,
	issueNow,
	recordAttendance,
	sessionAttendance,
	verificationLink
} from '../src/lib/server/trainings/index.ts';
import { hashToken, linkToken } from '../src/lib/server/trainings/tokens.ts';
import { trainingAttestationPdf } from '../src/lib/server/documents/index.ts';

const TARGET_MS = 10_000;

export async function trainingsAttestationsBench(log: (m: string) => void, n = 200) {
	process.env.SECRET_KEY ??= 'banc-d-essai-des-attestations-de-formation-47';
	const dir = mkdtempSync(join(tmpdir(), 'maillage-bench-attestations-'));
	const db = await openDatabase({ dataDir: dir });
	const links = { origin: 'https://maillage.example.fr', instanceName: 'Réseau numérique 47' };
	// the job queue started first, as the server does (queueing an e-mail in a transaction on the embedded database must not start it)
	await getBoss(db);
	try {
		const org = await createOrganisation(db, null, { name: 'Département de Lot-et-Garonne', kind: 'departement', departmentCode: '47' });
		const { userId } = await addMember(db, null, {
			email: 'coordination@banc-47.test',
			displayName: 'Banc d’essai',
			organisationId: org.id,
			role: 'coordinator',
			password: 'une phrase de passe solide'
		});
		const actor = await actorFor(db.db, userId, true);
		if (process.env.BENCH_VERBOSE) log('[trainings-attestations] coordinator ready');
		const trainingId = await createTraining(db, actor, {
			organiserId: org.id,
			title: 'Forum de la vie numérique & citoyenne : accompagner sans faire à la place',
			objectives: 'Accompagner les démarches en ligne.',
			programme: '',
			audiences: ['social_workers', 'volunteers'],
			theme: 'procedures',
			format: 'on_site',
			trainerOrganisationId: '',
			trainerStructure: 'Campus Numérique 47',
			trainerPerson: 'Claire Formatrice',
			prerequisites: '',
			accessibility: ''
		});
		const held = addDays(parisDay(), -1);
		const sessionId = await createSession(
			db,
			actor,
			trainingId,
			{
				slots: [
					{ day: held, start: '09:00', end: '12:30' },
					{ day: held, start: '14:00', end: '17:00' }
				],
				placeId: '',
				location: 'Centre des congrès, Agen',
				broadcastUrl: '',
				capacity: String(n),
				registrationDeadline: '',
				status: 'published',
				eventId: ''
			},
			null,
			addDays(held, -20)
		);
		const ids = Array.from({ length: n }, () => randomUUID());
		await db.privileged.db.insert(trainingRegistrations).values(
			ids.map((id, i) => ({
				id,
				sessionId,
				departmentCode: '47',
				firstName: `Prénom${i + 1}`,
				lastName: `Participant ${i + 1}`,
				email: `participant-${i + 1}@banc.invalid`,
				profile: 'volunteer',
				status: 'confirmed',
				position: i + 1,
				tokenHash: hashToken(linkToken(id)),
				placedAt: new Date(),
				confirmedAt: new Date()
			}))
		);
		await db.privileged.db.update(trainingSessions).set({ seatsTaken: n, lastPosition: n }).where(eq(trainingSessions.id, sessionId));
		const slots = (await sessionAttendance(db, actor, sessionId)).slots;
		await recordAttendance(db, actor, { sessionId, slotId: slots[0].id, present: ids, method: 'sheet' });
		await recordAttendance(db, actor, { sessionId, slotId: slots[1].id, present: ids.slice(0, Math.round(n * 0.75)), method: 'screen' });

		if (process.env.BENCH_VERBOSE) log('[trainings-attestations] attendance recorded');
		let t = performance.now();
		const issued = await issueNow(db, actor, sessionId, links);
		const issueMs = Math.round(performance.now() - t);
		const rows = await db.privileged.db.select().from(trainingAttestations).where(eq(trainingAttestations.sessionId, sessionId));
		t = performance.now();
		let bytes = 0;
		for (const r of rows) {
			const a = (await holderAttestation(db, linkToken(r.registrationId)))!;
			const pdf = await trainingAttestationPdf({
				instanceName: links.instanceName,
				number: a.shown.number,
				holder: a.shown.holder,
				training: a.shown.training,
				halfDays: a.shown.halfDays,
				hours: a.shown.hours,
				organiser: a.shown.organiser,
				trainer: a.shown.trainer,
				where: 'Centre des congrès, Agen',
				issuedOn: a.shown.issuedOn,
				digest: a.row.digest,
				link: verificationLink(links, a.shown.number)
			});
			bytes += pdf.length;
		}
		const pdfMs = Math.round(performance.now() - t);
		t = performance.now();
		let valid = 0;
		for (const r of rows) if ((await checkAttestation(db, r.number)).status === 'valid') valid++;
		const checkMs = Math.round(performance.now() - t);
		const out = {
			attendees: n,
			issued,
			issueMs,
			pdfMs,
			pdfAverageKb: Math.round(bytes / rows.length / 102.4) / 10,
			totalMs: issueMs + pdfMs,
			checkAllMs: checkMs,
			valid,
			targetMs: TARGET_MS
		};
		log(`[trainings-attestations] ${JSON.stringify(out)} (target ≤ ${TARGET_MS} ms for issue + PDFs)`);
		return out;
	} finally {
		await stopBoss(db);
		await db.close();
		rmSync(dir, { recursive: true, force: true });
	}
}

if (import.meta.url === `file://${process.argv[1]}`)
	trainingsAttestationsBench(console.log)
		.then(() => process.exit(0))
		.catch((e) => {
			console.error(e);
			process.exit(1);
		});
