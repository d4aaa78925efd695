/**
 * Place claims: a place manager claims a place for their structure, a coordinator of the
 * place's département approves (the structure then runs the place) or rejects. Claiming by
 * name (issue 12, item 9): the place manager finds their place in a short list by name or
 * commune (no address to paste), and sees their claims waiting in « Mes lieux ». The claims
 * and who runs which place are accounts' data; the places are read through places' index.
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { organisationPlaces, organisations, placeClaims, users } from './db.ts';
import { PlaceManagementError, placeSummaries, placesMatchingWords } from '../places/index.ts';
import { normalizeKey } from '../../text/keys.ts';
import { can, departmentsWith, type Actor } from '../permissions/index.ts';
import { reserve, RULES } from './throttle.ts';
import { plural } from '../../components/format.ts';

const managerOrgs = (actor: Actor) => actor.memberships.filter((m) => m.role === 'place_manager').map((m) => m.organisationId);

/**
 * The départements where the actor may claim a place: those of their structures (a claim
 * goes to the coordinators of the place's département, who see only theirs). null: any
 * (the instance administrator, who decides every claim).
 */
export function claimDepartments(actor: Actor): string[] | null {
	const deps = departmentsWith(actor, ['place_manager']);
	return actor.isAdmin && !deps.length ? null : deps;
}

/**
 * Places of the actor's départements where each word typed is in the name or in the commune
 * (one word may be the commune, another a word of the name; accents, case, hyphens and
 * apostrophes ignored), 20 at most, with who runs them.
 */
/** The claimed places' names and départements, by id: one batched look-up for a list of claims. */
async function summariesById(db: Parameters<typeof placeSummaries>[0], ids: string[]) {
	return new Map((await placeSummaries(db, ids)).map((p) => [p.id, p]));
}

export async function placesToClaim(database: Database, actor: Actor, query: string, limit = 20) {
	const words = normalizeKey(query)
		.split(' ')
		.filter((w) => w.length >= 2)
		.slice(0, 6);
	if (!words.length) return [];
	const deps = claimDepartments(actor);
	if (deps && !deps.length) return [];
	const found = await placesMatchingWords(database.db, words, deps, limit);
	if (!found.length) return [];
	// whether one of the actor's structures runs it, or waits for a decision on it: two batched look-ups
	const orgs = managerOrgs(actor);
	const ids = found.map((p) => p.id);
	const [ours, pending] = orgs.length
		? await Promise.all([
				database.db
					.select({ placeId: organisationPlaces.placeId })
					.from(organisationPlaces)
					.where(and(inArray(organisationPlaces.placeId, ids), inArray(organisationPlaces.organisationId, orgs))),
				database.db
					.select({ placeId: placeClaims.placeId })
					.from(placeClaims)
					.where(and(inArray(placeClaims.placeId, ids), eq(placeClaims.status, 'pending'), inArray(placeClaims.organisationId, orgs)))
			]).then(([o, p]) => [new Set(o.map((r) => r.placeId)), new Set(p.map((r) => r.placeId))])
		: [new Set<string>(), new Set<string>()];
	return found.map((p) => ({
		id: p.id,
		nom: p.nom,
		commune: p.commune,
		adresse: p.adresse,
		departmentCode: p.departmentCode,
		ours: ours.has(p.id),
		pending: pending.has(p.id)
	}));
}

/** The claims of the actor's structures still waiting for a coordinator's decision, newest first. */
export async function pendingClaimsOf(database: Database, actor: Actor) {
	const orgs = managerOrgs(actor);
	if (!orgs.length) return [];
	const claims = await database.db
		.select({
			id: placeClaims.id,
			placeId: placeClaims.placeId,
			organisationName: organisations.name,
			createdAt: placeClaims.createdAt
		})
		.from(placeClaims)
		.innerJoin(organisations, eq(organisations.id, placeClaims.organisationId))
		.where(and(eq(placeClaims.status, 'pending'), inArray(placeClaims.organisationId, orgs)))
		.orderBy(desc(placeClaims.createdAt));
	const byId = await summariesById(
		database.db,
		claims.map((c) => c.placeId)
	);
	return claims.flatMap((c) => {
		const p = byId.get(c.placeId);
		return p ? [{ id: c.id, placeId: p.id, nom: p.nom, commune: p.commune, organisationName: c.organisationName, createdAt: c.createdAt }] : [];
	});
}

// ——— the claim and its decision ———

/** « Vous avez déjà fait 10 demandes… Réessayez dans 5 heures. » */
export function claimLimitMessage(until: Date | null, now = new Date()): string {
	const hours = until ? Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 3_600_000)) : 24;
	return `Vous avez déjà fait ${RULES.claim.limit}\u00a0demandes ces dernières 24\u00a0heures, le maximum\u00a0: chacune est lue par l’équipe de coordination. Réessayez dans ${plural(hours, 'heure', 'heures')}, ou écrivez à l’équipe de coordination de votre département pour les lieux qui restent.`;
}

export async function claimPlace(
	database: Database,
	actor: Actor,
	input: { placeId: string; organisationId: string; message?: string },
	ip?: string | null,
	now = new Date()
) {
	if (!can(actor, 'place.claim', { organisationId: input.organisationId }))
		throw new PlaceManagementError('forbidden', 'Seul un responsable de lieu peut demander à gérer un lieu pour sa structure.');
	const [place] = await placeSummaries(database.db, [input.placeId]);
	if (!place) throw new PlaceManagementError('not_found', 'Ce lieu n’existe pas.');
	// the claim goes to the coordinators of the place's département: the structure must be of it
	const organisationDepartment =
		actor.memberships.find((m) => m.organisationId === input.organisationId)?.departmentCode ??
		(/^[0-9a-f-]{36}$/i.test(input.organisationId)
			? (await database.db.select({ d: organisations.departmentCode }).from(organisations).where(eq(organisations.id, input.organisationId)))[0]?.d
			: undefined);
	if (!organisationDepartment) throw new PlaceManagementError('not_found', 'Cette structure n’existe pas.');
	if (place.departmentCode !== organisationDepartment)
		throw new PlaceManagementError(
			'invalid',
			`Ce lieu n’est pas dans le département de votre structure (${organisationDepartment})\u00a0: seule l’équipe de coordination de son département peut le confier. Cherchez un lieu de votre département, ou contactez l’équipe de coordination.`
		);
	const running = await database.db.select({ o: organisationPlaces.organisationId }).from(organisationPlaces).where(eq(organisationPlaces.placeId, place.id));
	if (running.some((r) => r.o === input.organisationId)) throw new PlaceManagementError('conflict', 'Votre structure gère déjà ce lieu.');
	const waitingAlready = () =>
		new PlaceManagementError('conflict', 'Une demande est déjà en attente pour ce lieu\u00a0: l’équipe de coordination va l’examiner.');
	// a claim already waiting does not spend the day's quota
	const [before] = await database.db
		.select({ id: placeClaims.id })
		.from(placeClaims)
		.where(and(eq(placeClaims.placeId, place.id), eq(placeClaims.organisationId, input.organisationId), eq(placeClaims.status, 'pending')));
	if (before) throw waitingAlready();
	// each claim is read by a coordinator: 10 a day per account (counted before it is written, so that concurrent ones cannot pass the limit)
	const quota = await reserve(database.db, `place-claim:${actor.userId}`, RULES.claim, now);
	if (!quota.allowed) throw new PlaceManagementError('throttled', claimLimitMessage(quota.lockedUntil, now));
	return database.db.transaction(async (tx) => {
		// the same claim sent several times at once: one claim, the others told it waits already
		await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'place-claim:' + place.id + ':' + input.organisationId}))`);
		const [pending] = await tx
			.select({ id: placeClaims.id })
			.from(placeClaims)
			.where(and(eq(placeClaims.placeId, place.id), eq(placeClaims.organisationId, input.organisationId), eq(placeClaims.status, 'pending')));
		if (pending) throw waitingAlready();
		const [claim] = await tx
			.insert(placeClaims)
			.values({ placeId: place.id, organisationId: input.organisationId, requestedBy: actor.userId, message: input.message?.trim().slice(0, 1000) || null })
			.returning();
		await journal(tx, {
			actor: { kind: 'user', id: actor.userId },
			action: 'place.claimed',
			targetType: 'place',
			targetId: place.id,
			departmentCode: place.departmentCode,
			ip,
			details: { organisationId: input.organisationId }
		});
		return claim;
	});
}

/** The claims of a status, of the coordinator's départements (all for the instance administrator), oldest first. */
export async function listClaims(database: Database, actor: Actor, status: 'pending' | 'approved' | 'rejected' = 'pending') {
	const deps = actor.isAdmin ? null : departmentsWith(actor, ['coordinator']);
	if (deps && !deps.length) return [];
	const claims = await database.db
		.select({
			id: placeClaims.id,
			placeId: placeClaims.placeId,
			organisationName: organisations.name,
			requestedBy: users.displayName,
			message: placeClaims.message,
			createdAt: placeClaims.createdAt
		})
		.from(placeClaims)
		.innerJoin(organisations, eq(organisations.id, placeClaims.organisationId))
		.leftJoin(users, eq(users.id, placeClaims.requestedBy))
		.where(eq(placeClaims.status, status))
		.orderBy(asc(placeClaims.createdAt));
	// the places' names and départements: one batched look-up, then the coordinator's départements only
	const byId = await summariesById(
		database.db,
		claims.map((c) => c.placeId)
	);
	return claims.flatMap((c) => {
		const p = byId.get(c.placeId);
		if (!p || (deps && !deps.includes(p.departmentCode ?? ''))) return [];
		return [
			{
				id: c.id,
				placeId: p.id,
				placeName: p.nom,
				commune: p.commune,
				departmentCode: p.departmentCode,
				organisationName: c.organisationName,
				requestedBy: c.requestedBy,
				message: c.message,
				createdAt: c.createdAt
			}
		];
	});
}

export async function decideClaim(database: Database, actor: Actor, claimId: string, approve: boolean, ip?: string | null): Promise<void> {
	if (!/^[0-9a-f-]{36}$/.test(claimId)) throw new PlaceManagementError('not_found', 'Demande introuvable.');
	await database.db.transaction(async (tx) => {
		const [claim] = await tx.select().from(placeClaims).where(eq(placeClaims.id, claimId));
		const [place] = claim ? await placeSummaries(tx, [claim.placeId]) : [];
		if (!claim || !place || claim.status !== 'pending') throw new PlaceManagementError('not_found', 'Cette demande n’existe pas ou a déjà été traitée.');
		if (!can(actor, 'claim.moderate', { departmentCode: place.departmentCode }))
			throw new PlaceManagementError('forbidden', 'Ce lieu n’est pas dans votre département.');
		await tx
			.update(placeClaims)
			.set({ status: approve ? 'approved' : 'rejected', decidedBy: actor.userId, decidedAt: new Date() })
			.where(eq(placeClaims.id, claimId));
		if (approve) await tx.insert(organisationPlaces).values({ organisationId: claim.organisationId, placeId: claim.placeId }).onConflictDoNothing();
		await journal(tx, {
			actor: { kind: 'user', id: actor.userId },
			action: approve ? 'place.claim_approved' : 'place.claim_rejected',
			targetType: 'place',
			targetId: claim.placeId,
			departmentCode: place.departmentCode,
			ip,
			details: { organisationId: claim.organisationId }
		});
	});
}
