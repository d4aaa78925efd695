/**
 * The demo's catalogue (first start, demo/seed.ts): Lot-et-Garonne's training of helpers as
 * its seed text tells it (../shared/seeds/002_*) — « les jeudis de l’inclusion numérique »
 * at places of the network, a webinar on a main online procedure relayed in France Services,
 * the yearly « Forum de la vie numérique & citoyenne » as an event grouping sessions — dated
 * from today, so that `./run start` shows a catalogue. A few fictitious registrants
 * (« Démo », addresses in the reserved .invalid domain) fill one Thursday to show the waiting
 * list. Written as the system, once (skipped when the département has a training).
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { createOrganisation, organisationByName, type OrganisationKind } from '../accounts/index.ts';
import { placeCards, placesOf } from '../places/index.ts';
import { addDays, parisDay, weekdayOf } from '../../time.ts';
import { trainingEvents, trainingRegistrations, trainingRelays, trainingSessions, trainingSlots, trainings } from './db.ts';
import { defaultDeadline, halfOf } from './model.ts';
import { hashToken, linkToken } from './tokens.ts';

const ORGS: { key: string; name: string; kind: OrganisationKind }[] = [
	{ key: 'cd47', name: 'Département de Lot-et-Garonne', kind: 'departement' },
	{ key: 'caf', name: 'CAF de Lot-et-Garonne', kind: 'operateur' },
	{ key: 'campus', name: 'Campus Numérique 47', kind: 'association' }
];

/** The next `weekday` (0 = Monday) at least `after` days from `today`. */
function next(today: string, weekday: number, after: number): string {
	let d = addDays(today, after);
	while (weekdayOf(d) !== weekday) d = addDays(d, 1);
	return d;
}

export async function seedDemoTrainings(database: Database, today = parisDay()): Promise<{ trainings: number; sessions: number }> {
	const db = database.db;
	const [any] = await db.select({ id: trainings.id }).from(trainings).where(eq(trainings.departmentCode, '47')).limit(1);
	if (any) return { trainings: 0, sessions: 0 };
	const org: Record<string, string> = {};
	for (const o of ORGS)
		org[o.key] = (
			(await organisationByName(db, o.name, '47')) ?? (await createOrganisation(database, null, { name: o.name, kind: o.kind, departmentCode: '47' }))
		).id;

	// places of the network in four towns (a France Services first), and three France Services to relay the webinar
	const all = await placesOf(db, { departmentCodes: ['47'], limit: 5000 });
	const isFs = (p: (typeof all)[number]) => p.programmes.includes('France Services') || /france services/i.test(p.nom);
	const inTown = (town: string) =>
		all.filter((p) => p.commune === town).sort((a, b) => Number(isFs(b)) - Number(isFs(a)) || a.nom.localeCompare(b.nom, 'fr'))[0];
	const towns = ['Agen', 'Nérac', 'Marmande', 'Villeneuve-sur-Lot'].map(inTown).filter((p) => !!p);
	const fs = all.filter(isFs).slice(0, 3);
	const cards = await placeCards(
		db,
		[...towns, ...fs].map((p) => p.id)
	);
	const commune = (id: string | undefined) => (id ? (cards.get(id)?.codeInsee ?? null) : null);

	let sessions = 0;
	const training = async (t: Omit<typeof trainings.$inferInsert, 'departmentCode' | 'organiserOrganisationId'>) =>
		(
			await db
				.insert(trainings)
				.values({ ...t, departmentCode: '47', organiserOrganisationId: org.cd47 })
				.returning({ id: trainings.id })
		)[0].id;
	const session = async (
		trainingId: string,
		slots: { day: string; start: string; end: string }[],
		s: { placeId?: string; location?: string; broadcastUrl?: string; capacity: number | null; eventId?: string }
	) => {
		const [row] = await db
			.insert(trainingSessions)
			.values({
				trainingId,
				departmentCode: '47',
				status: 'published',
				placeId: s.placeId ?? null,
				communeCode: commune(s.placeId),
				location: s.location ?? '',
				broadcastUrl: s.broadcastUrl ?? null,
				capacity: s.capacity,
				registrationDeadline: defaultDeadline(slots[0].day, today),
				firstDay: slots[0].day,
				lastDay: slots.at(-1)!.day,
				eventId: s.eventId ?? null
			})
			.returning({ id: trainingSessions.id });
		await db.insert(trainingSlots).values(slots.map((x) => ({ sessionId: row.id, day: x.day, half: halfOf(x.start), startTime: x.start, endTime: x.end })));
		sessions++;
		return row.id;
	};

	// « les jeudis de l’inclusion numérique »: four Thursday afternoons, one town each
	const jeudis = await training({
		title: 'Les jeudis de l’inclusion numérique\u00a0: accompagner les démarches en ligne sans faire à la place',
		objectives:
			'Repérer une personne en difficulté avec le numérique, l’accompagner dans une démarche en ligne (CAF, impôts, retraite, santé) sans faire à sa place, savoir vers quel lieu l’orienter.',
		programme:
			'Les démarches les plus demandées et leurs pièges. La posture de l’aidant\u00a0: montrer, laisser faire, ne pas garder les mots de passe. Le réseau des lieux et l’orientation avec l’accord de la personne. Cas pratiques.',
		audiences: ['social_workers', 'partner_agents', 'france_services', 'volunteers'],
		theme: 'procedures',
		format: 'on_site',
		trainerOrganisationId: org.campus,
		trainerStructure: 'Campus Numérique 47',
		trainerPerson: '',
		prerequisites: 'Aucun. Venez avec une démarche que les personnes que vous accueillez trouvent difficile.',
		accessibility: 'Salles accessibles en fauteuil roulant. Pour un autre besoin, prévenez-nous en vous inscrivant.'
	});
	let full: string | null = null;
	for (const [i, place] of towns.entries()) {
		const id = await session(jeudis, [{ day: next(today, 3, 7 + 7 * i), start: '14:00', end: '17:00' }], { placeId: place.id, capacity: i === 0 ? 12 : 15 });
		if (i === 0) full = id;
	}

	// a webinar on a main online procedure, relayed in France Services
	const webinar = await training({
		title: 'Webinaire\u00a0: la prime d’activité en ligne sur caf.fr',
		objectives: 'Savoir faire une demande de prime d’activité en ligne, déclarer ses ressources chaque trimestre, et réagir à un indu.',
		programme:
			'Une heure et demie avec un conseiller de la CAF, puis vos questions. Suivi en ligne, ou en groupe dans un espace France Services près de chez vous.',
		audiences: ['france_services', 'mediators', 'social_workers', 'public'],
		theme: 'procedures',
		format: 'relayed_webinar',
		trainerOrganisationId: org.caf,
		trainerStructure: 'CAF de Lot-et-Garonne',
		trainerPerson: '',
		prerequisites: 'Avoir un compte sur caf.fr aide à suivre, sans être obligatoire.',
		accessibility: 'Sous-titres en direct. Le support est envoyé aux personnes inscrites.'
	});
	const web = await session(webinar, [{ day: next(today, 1, 10), start: '10:00', end: '11:30' }], {
		broadcastUrl: 'https://visio.demo.invalid/prime-activite',
		capacity: null
	});
	for (const p of fs) await db.insert(trainingRelays).values({ sessionId: web, departmentCode: '47', placeId: p.id, communeCode: commune(p.id), capacity: 12 });

	// the yearly forum: an event grouping sessions of the same day
	const forumDay = next(today, 4, 45);
	const [forum] = await db
		.insert(trainingEvents)
		.values({
			departmentCode: '47',
			organiserOrganisationId: org.cd47,
			title: 'Forum de la vie numérique & citoyenne',
			description:
				'Le temps fort annuel du réseau\u00a0: rassembler les acteurs du numérique et des solidarités, faire le bilan des actions menées et discuter des perspectives.',
			startsOn: forumDay,
			endsOn: forumDay,
			placeId: towns[0]?.id ?? null,
			status: 'published'
		})
		.returning({ id: trainingEvents.id });
	const atelier = await training({
		title: 'Atelier du forum\u00a0: repérer les fragilités numériques à l’accueil',
		objectives: 'Poser les trois questions qui révèlent une difficulté avec le numérique, et proposer un diagnostic ou une orientation.',
		audiences: ['social_workers', 'partner_agents', 'france_services', 'mediators', 'volunteers'],
		theme: 'detection',
		format: 'on_site',
		trainerStructure: 'Département de Lot-et-Garonne',
		trainerOrganisationId: org.cd47
	});
	await session(atelier, [{ day: forumDay, start: '09:30', end: '12:00' }], { placeId: towns[0]?.id, capacity: 40, eventId: forum.id });
	const table = await training({
		title: 'Table ronde du forum\u00a0: le Pass Numérique et le réseau des lieux',
		objectives: 'Connaître les lieux du réseau, le parcours Pass Numérique, et comment orienter une personne vers une formation longue.',
		audiences: ['social_workers', 'partner_agents', 'france_services', 'mediators', 'volunteers'],
		theme: 'local_schemes',
		format: 'on_site',
		trainerStructure: 'Département de Lot-et-Garonne',
		trainerOrganisationId: org.cd47
	});
	await session(table, [{ day: forumDay, start: '14:00', end: '16:30' }], { placeId: towns[0]?.id, capacity: 80, eventId: forum.id });

	// the first Thursday is full, two people wait
	if (full) {
		const rows = Array.from({ length: 14 }, (_, i) => {
			const id = randomUUID();
			const status = i < 12 ? 'confirmed' : 'waiting';
			return {
				id,
				sessionId: full,
				departmentCode: '47',
				firstName: 'Démo',
				lastName: `Aidant ${i + 1}`,
				email: `aidant-${i + 1}@demo.invalid`,
				profile: (['social_worker', 'france_services', 'volunteer', 'partner_agent'] as const)[i % 4],
				status,
				position: i + 1,
				tokenHash: hashToken(linkToken(id)),
				placedAt: new Date(),
				confirmedAt: status === 'confirmed' ? new Date() : null
			};
		});
		await db.insert(trainingRegistrations).values(rows);
		await db.update(trainingSessions).set({ seatsTaken: 12, waitingCount: 2, lastPosition: 14 }).where(eq(trainingSessions.id, full));
	}
	// a Thursday already held, two half-days, six people with a seat: its attendance is to be ticked, then its attestations issued (issue 17, item 5)
	let held = addDays(today, -1);
	while (weekdayOf(held) !== 3) held = addDays(held, -1);
	const past = await session(
		jeudis,
		[
			{ day: held, start: '09:30', end: '12:00' },
			{ day: held, start: '13:30', end: '16:30' }
		],
		{ placeId: towns[0]?.id, capacity: 15 }
	);
	const participants = Array.from({ length: 6 }, (_, i) => {
		const id = randomUUID();
		return {
			id,
			sessionId: past,
			departmentCode: '47',
			firstName: 'Démo',
			lastName: `Participant ${i + 1}`,
			email: `participant-${i + 1}@demo.invalid`,
			profile: (['social_worker', 'france_services', 'volunteer'] as const)[i % 3],
			status: 'confirmed',
			position: i + 1,
			tokenHash: hashToken(linkToken(id)),
			placedAt: new Date(),
			confirmedAt: new Date()
		};
	});
	await db.insert(trainingRegistrations).values(participants);
	await db.update(trainingSessions).set({ seatsTaken: 6, lastPosition: 6 }).where(eq(trainingSessions.id, past));
	return { trainings: 4, sessions };
}
