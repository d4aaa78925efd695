/**
 * Calendar feeds by secret address (issue 17, item 3): a professional's own sessions (those
 * where they have a seat) and an organising structure's sessions (all of them, with their
 * counts, never names). The address is `/formations/agenda/<secret>.ics`; the secret is
 * derived from the feed's id with a key of the instance secret (like a registration's link,
 * tokens.ts), so that the page can show it again while only its SHA-256 is stored. Renewing
 * revokes the feed and makes a new one: the old address answers 404 from then on.
 *
 * Reading a feed has no session (a calendar application asks): it runs on the owner's
 * connection, the secret's hash found, then compared in constant time.
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { can, organisationSummaries, type Actor } from '../accounts/index.ts';
import { placeCard } from '../places/index.ts';
import { derivedKey } from '../security/secret.ts';
import { trainingCalendarFeeds, trainingRegistrations, trainingSessions, trainings } from './db.ts';
import { isWebinar } from './model.ts';
import { TrainingError, mustManage, slotsOf, userActor } from './internal.ts';
import { hashToken } from './tokens.ts';
import { feedIcs, type CalendarSession } from './calendar.ts';
import type { Links } from './messages.ts';

/** A feed's secret: 32 characters of base64url derived from its id. */
export const feedSecret = (feedId: string) => createHmac('sha256', derivedKey('training-calendar-feeds')).update(feedId).digest('base64url').slice(0, 32);
const SECRET = /^[A-Za-z0-9_-]{32}$/;
export const feedUrl = (links: Pick<Links, 'origin'>, feedId: string) => `${links.origin}/formations/agenda/${feedSecret(feedId)}.ics`;

type Owner = { kind: 'personal'; userId: string } | { kind: 'organiser'; organisationId: string; departmentCode: string };

const ownerWhere = (o: Owner) =>
	o.kind === 'personal'
		? and(eq(trainingCalendarFeeds.kind, 'personal'), eq(trainingCalendarFeeds.userId, o.userId), isNull(trainingCalendarFeeds.revokedAt))
		: and(eq(trainingCalendarFeeds.kind, 'organiser'), eq(trainingCalendarFeeds.organisationId, o.organisationId), isNull(trainingCalendarFeeds.revokedAt));

async function createFeed(db: DbOrTx, o: Owner): Promise<string> {
	const id = randomUUID();
	await db.insert(trainingCalendarFeeds).values({
		id,
		kind: o.kind,
		userId: o.kind === 'personal' ? o.userId : null,
		organisationId: o.kind === 'organiser' ? o.organisationId : null,
		departmentCode: o.kind === 'organiser' ? o.departmentCode : null,
		secretHash: hashToken(feedSecret(id))
	});
	return id;
}

/** The feed of this owner (made at the first ask), or a new one replacing it (`renew`: the old address stops working). */
async function feedOf(database: Database, actor: Actor, o: Owner, renew: boolean, links: Links): Promise<string> {
	const db = database.privileged.db;
	return db.transaction(async (tx) => {
		// one feed per owner at a time: the owner's rows locked while looking
		const current = await tx.select({ id: trainingCalendarFeeds.id }).from(trainingCalendarFeeds).where(ownerWhere(o)).for('update');
		if (current.length && !renew) return feedUrl(links, current[0].id);
		if (current.length)
			await tx
				.update(trainingCalendarFeeds)
				.set({ revokedAt: new Date() })
				.where(
					inArray(
						trainingCalendarFeeds.id,
						current.map((c) => c.id)
					)
				);
		const id = await createFeed(tx, o);
		if (renew)
			await journal(tx, {
				actor: userActor(actor),
				action: 'training.feed.renewed',
				targetType: 'training_calendar_feed',
				targetId: id,
				departmentCode: o.kind === 'organiser' ? o.departmentCode : null,
				details: { kind: o.kind }
			});
		return feedUrl(links, id);
	});
}

/** The professional's own feed (the sessions where they have a seat): its address. */
export async function myFeed(database: Database, actor: Actor | null, links: Links, opts: { renew?: boolean } = {}): Promise<string> {
	if (!actor || !can(actor, 'training.register', {})) throw new TrainingError('unauthenticated', 'Connectez-vous pour obtenir votre agenda.');
	return feedOf(database, actor, { kind: 'personal', userId: actor.userId }, !!opts.renew, links);
}

/** An organising structure's feed (all its sessions, with counts): its address; its managers and the coordination only. */
export async function organiserFeed(database: Database, actor: Actor, organisationId: string, links: Links, opts: { renew?: boolean } = {}): Promise<string> {
	const org = (await organisationSummaries(database.db, [organisationId])).get(organisationId);
	if (!org) throw new TrainingError('not_found', 'Cette structure n’existe pas.');
	mustManage(actor, { departmentCode: org.departmentCode, organiserOrganisationId: org.id });
	return feedOf(database, actor, { kind: 'organiser', organisationId: org.id, departmentCode: org.departmentCode }, !!opts.renew, links);
}

/** Where a session is, for a calendar: the place's name and address, the room; « En ligne » for a webinar. */
async function whereOf(db: DbOrTx, s: { placeId: string | null; location: string }, format: string, cache: Map<string, string>): Promise<string> {
	let at = '';
	if (s.placeId) {
		if (!cache.has(s.placeId)) {
			const p = await placeCard(db, s.placeId);
			cache.set(s.placeId, p ? `${p.nom}, ${p.adresse}, ${p.codePostal} ${p.commune}` : '');
		}
		at = cache.get(s.placeId)!;
	}
	if (isWebinar(format)) return format === 'relayed_webinar' && at ? `En ligne, ou en groupe à ${at}` : 'En ligne';
	return [at, s.location].filter(Boolean).join(' – ');
}

/**
 * The feed's text for its secret, or null (unknown, malformed or revoked: the route answers
 * 404). A personal feed: the sessions where its owner has a seat (the webinar's link
 * included), nothing of anyone else. An organiser's: every published or cancelled session of
 * the structure's trainings, with the counts of seats and waiting list.
 */
export async function feedBySecret(database: Database, secret: string, links: Links, now = new Date()): Promise<string | null> {
	if (!SECRET.test(secret)) return null;
	const db = database.privileged.db;
	const hash = hashToken(secret);
	const [feed] = await db.select().from(trainingCalendarFeeds).where(eq(trainingCalendarFeeds.secretHash, hash));
	if (!feed || feed.revokedAt || !timingSafeEqual(Buffer.from(feed.secretHash), Buffer.from(hash))) return null;
	await db.update(trainingCalendarFeeds).set({ lastUsedAt: now }).where(eq(trainingCalendarFeeds.id, feed.id));
	const cols = {
		id: trainingSessions.id,
		status: trainingSessions.status,
		placeId: trainingSessions.placeId,
		location: trainingSessions.location,
		broadcastUrl: trainingSessions.broadcastUrl,
		icsSequence: trainingSessions.icsSequence,
		capacity: trainingSessions.capacity,
		seatsTaken: trainingSessions.seatsTaken,
		waitingCount: trainingSessions.waitingCount,
		title: trainings.title,
		format: trainings.format
	};
	const rows =
		feed.kind === 'personal'
			? await db
					.select(cols)
					.from(trainingRegistrations)
					.innerJoin(trainingSessions, eq(trainingSessions.id, trainingRegistrations.sessionId))
					.innerJoin(trainings, eq(trainings.id, trainingSessions.trainingId))
					.where(and(eq(trainingRegistrations.userId, feed.userId!), eq(trainingRegistrations.status, 'confirmed')))
					.orderBy(asc(trainingSessions.firstDay))
			: await db
					.select(cols)
					.from(trainingSessions)
					.innerJoin(trainings, eq(trainings.id, trainingSessions.trainingId))
					.where(and(eq(trainings.organiserOrganisationId, feed.organisationId!), sql`${trainingSessions.status} <> 'draft'`))
					.orderBy(asc(trainingSessions.firstDay));
	const slots = await slotsOf(
		db,
		rows.map((r) => r.id)
	);
	const places = new Map<string, string>();
	const sessions: CalendarSession[] = [];
	for (const r of rows)
		sessions.push({
			id: r.id,
			title: r.title,
			slots: slots.get(r.id) ?? [],
			location: await whereOf(db, r, r.format, places),
			url: isWebinar(r.format) ? r.broadcastUrl : null,
			sequence: r.icsSequence,
			cancelled: r.status === 'cancelled',
			description:
				feed.kind === 'organiser'
					? `${r.seatsTaken} inscrit${r.seatsTaken > 1 ? 's' : ''}${r.capacity !== null ? ` sur ${r.capacity} places` : ''}, ${r.waitingCount} en liste d’attente. ${links.origin}/formations/${r.id}`
					: `${links.origin}/formations/${r.id}`
		});
	const name = feed.kind === 'personal' ? `Mes formations – ${links.instanceName}` : `Formations organisées – ${links.instanceName}`;
	// the text built last time for this feed, while nothing it says has changed (a calendar asks every hour or so)
	const stamp = createHash('sha256')
		.update(JSON.stringify([name, links.origin, sessions]))
		.digest('base64url');
	const cached = builtFeeds.get(feed.id);
	if (cached?.stamp === stamp) return cached.text;
	const text = feedIcs({ name, sessions, owner: { origin: links.origin, instanceName: links.instanceName }, now });
	builtFeeds.delete(feed.id);
	builtFeeds.set(feed.id, { stamp, text });
	if (builtFeeds.size > BUILT_FEEDS) builtFeeds.delete(builtFeeds.keys().next().value!);
	return text;
}

/**
 * The feeds' texts last built, by feed, with the stamp of what they say (the sessions'
 * titles, slots, places, SEQUENCE, status and counts): a feed read again unchanged is not
 * built again. Per process, the least recently built dropped first; a renewed feed has a new
 * id, a revoked one is refused before its text is looked at.
 */
const builtFeeds = new Map<string, { stamp: string; text: string }>();
const BUILT_FEEDS = 500;
