/**
 * Place management: a place manager claims a place for their organisation (a coordinator
 * of the place's département approves or rejects), then keeps its page up to date with a
 * form. What they write becomes the place's "maillage" source, which wins over imported
 * ones (compose.ts, MANAGER_SOURCE); date_maj becomes today, so the export shows it.
 * Coordinators see stale places (not updated for 12 months) and remind their managers.
 */
import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal, changedFields } from '../audit/index.ts';
import { can, departmentsWith, type Actor, reserveAttempt as reserve, THROTTLE_RULES as RULES } from '../accounts/index.ts';
import { organisationPlaces, organisations, placeClaims, memberships, users } from '../accounts/db.ts';
import { places, placeSources } from './db.ts';
import { parseStandardRecord, toStandardRecord, contentHash } from './model.ts';
import { parisToday } from './paris-time.ts';
import { normalizeKey } from './values.ts';
import { composePlace, MANAGER_SOURCE, compactView, type SourceView } from './compose.ts';
import { weeklyOpenRanges } from './hours.ts';
import { withClosures, rangesToHoraires, type Closure, type WeekRanges } from './hours-week.ts';
import { earthPoint } from '../db/types.ts';
import type { PlaceFields, LocationPrecision } from './types.ts';
import { closureOf, getPlace } from './place.ts';
import { PlaceManagementError } from './errors.ts';
import { queueMail, staleReminderMail } from '../mail/index.ts';
import { plural } from '../../components/format.ts';

async function placeOrganisations(database: Database, placeId: string): Promise<string[]> {
	const rows = await database.db.select({ o: organisationPlaces.organisationId }).from(organisationPlaces).where(eq(organisationPlaces.placeId, placeId));
	return rows.map((r) => r.o);
}

// ——— claims ———

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
	const [place] = await database.db.select({ id: places.id, departmentCode: places.departmentCode }).from(places).where(eq(places.id, input.placeId));
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
	if ((await placeOrganisations(database, place.id)).includes(input.organisationId))
		throw new PlaceManagementError('conflict', 'Votre structure gère déjà ce lieu.');
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

export async function listClaims(database: Database, actor: Actor, status: 'pending' | 'approved' | 'rejected' = 'pending') {
	const deps = actor.isAdmin ? null : departmentsWith(actor, ['coordinator']);
	if (deps && !deps.length) return [];
	return database.db
		.select({
			id: placeClaims.id,
			placeId: places.id,
			placeName: places.nom,
			commune: places.commune,
			departmentCode: places.departmentCode,
			organisationName: organisations.name,
			requestedBy: users.displayName,
			message: placeClaims.message,
			createdAt: placeClaims.createdAt
		})
		.from(placeClaims)
		.innerJoin(places, eq(places.id, placeClaims.placeId))
		.innerJoin(organisations, eq(organisations.id, placeClaims.organisationId))
		.leftJoin(users, eq(users.id, placeClaims.requestedBy))
		.where(and(eq(placeClaims.status, status), deps ? inArray(places.departmentCode, deps) : undefined))
		.orderBy(asc(placeClaims.createdAt));
}

export async function decideClaim(database: Database, actor: Actor, claimId: string, approve: boolean, ip?: string | null): Promise<void> {
	if (!/^[0-9a-f-]{36}$/.test(claimId)) throw new PlaceManagementError('not_found', 'Demande introuvable.');
	await database.db.transaction(async (tx) => {
		const [c] = await tx
			.select({ claim: placeClaims, departmentCode: places.departmentCode })
			.from(placeClaims)
			.innerJoin(places, eq(places.id, placeClaims.placeId))
			.where(eq(placeClaims.id, claimId));
		if (!c || c.claim.status !== 'pending') throw new PlaceManagementError('not_found', 'Cette demande n’existe pas ou a déjà été traitée.');
		if (!can(actor, 'claim.moderate', { departmentCode: c.departmentCode }))
			throw new PlaceManagementError('forbidden', 'Ce lieu n’est pas dans votre département.');
		await tx
			.update(placeClaims)
			.set({ status: approve ? 'approved' : 'rejected', decidedBy: actor.userId, decidedAt: new Date() })
			.where(eq(placeClaims.id, claimId));
		if (approve) await tx.insert(organisationPlaces).values({ organisationId: c.claim.organisationId, placeId: c.claim.placeId }).onConflictDoNothing();
		await journal(tx, {
			actor: { kind: 'user', id: actor.userId },
			action: approve ? 'place.claim_approved' : 'place.claim_rejected',
			targetType: 'place',
			targetId: c.claim.placeId,
			departmentCode: c.departmentCode,
			ip,
			details: { organisationId: c.claim.organisationId }
		});
	});
}

/** The places the actor's organisations run (place managers), or of their département (coordinators). */
/** The places the actor's structures manage, each with its closure in force (null when open). */
export async function managedPlaces(database: Database, actor: Actor, today = parisToday()) {
	const orgs = actor.memberships.filter((m) => m.role === 'place_manager').map((m) => m.organisationId);
	if (!orgs.length) return [];
	return database.db
		.selectDistinct({
			id: places.id,
			nom: places.nom,
			commune: places.commune,
			dateMaj: places.dateMaj,
			closure: places.closure,
			closedUntil: places.closedUntil,
			closureReason: places.closureReason
		})
		.from(organisationPlaces)
		.innerJoin(places, eq(places.id, organisationPlaces.placeId))
		.where(inArray(organisationPlaces.organisationId, orgs))
		.orderBy(asc(places.nom))
		.then((rows) =>
			rows.map(({ closure: _k, closedUntil: _u, closureReason: _r, ...r }) => ({
				...r,
				closure: closureOf({ closure: _k, closedUntil: _u, closureReason: _r }, today)
			}))
		);
}

// ——— editing ———

export interface PlaceForm {
	presentationResume: string;
	telephone: string;
	courriels: string;
	siteWeb: string;
	priseRdv: string;
	services: string[];
	publics: string[];
	frais: string[];
	modalitesAcces: string[];
	modalitesAccompagnement: string[];
	week: WeekRanges;
	closures: Closure[];
}

/** Field of the form each validator message is about ("telephone : …" → telephone). */
const FIELD_OF: Record<string, string> = {
	presentation_resume: 'presentationResume',
	telephone: 'telephone',
	courriels: 'courriels',
	site_web: 'siteWeb',
	prise_rdv: 'priseRdv',
	services: 'services',
	publics_specifiquement_adresses: 'publics',
	frais_a_charge: 'frais',
	modalites_acces: 'modalitesAcces',
	modalites_accompagnement: 'modalitesAccompagnement',
	horaires: 'horaires'
};

export async function canEditPlace(database: Database, actor: Actor, placeId: string): Promise<boolean> {
	const [p] = await database.db.select({ departmentCode: places.departmentCode }).from(places).where(eq(places.id, placeId));
	if (!p) return false;
	return can(actor, 'place.edit', { departmentCode: p.departmentCode, placeOrganisationIds: await placeOrganisations(database, placeId) });
}

export async function updatePlace(database: Database, actor: Actor, placeId: string, form: PlaceForm, ip?: string | null, today = parisToday()) {
	const [row] = await database.db.select().from(places).where(eq(places.id, placeId));
	if (!row) throw new PlaceManagementError('not_found', 'Ce lieu n’existe pas.');
	if (!(await canEditPlace(database, actor, placeId))) throw new PlaceManagementError('forbidden', 'Vous ne gérez pas ce lieu.');
	const fields: Record<string, string> = {};
	let horaires: string | null = null;
	try {
		horaires = withClosures(rangesToHoraires(form.week), form.closures);
	} catch (e) {
		fields.horaires = `Horaires\u00a0: ${(e as Error).message}.`;
	}
	const current = toStandardRecord({ ...row } as unknown as PlaceFields);
	const record = {
		...current,
		presentation_resume: form.presentationResume,
		telephone: form.telephone,
		courriels: form.courriels,
		site_web: form.siteWeb,
		prise_rdv: form.priseRdv,
		services: form.services.join('|'),
		publics_specifiquement_adresses: form.publics.join('|'),
		frais_a_charge: form.frais.join('|'),
		modalites_acces: form.modalitesAcces.join('|'),
		modalites_accompagnement: form.modalitesAccompagnement.join('|'),
		horaires: horaires ?? '',
		date_maj: today
	};
	const parsed = parseStandardRecord(record, { today });
	const messages = parsed.ok ? parsed.warnings : parsed.errors;
	for (const m of messages) {
		const key = FIELD_OF[/^(\w+)\s:/.exec(m)?.[1] ?? ''];
		// what the form sets is checked strictly: a value the validator would drop is an error here
		if (key && !fields[key] && !/aucun service du référentiel/.test(m)) fields[key] = m.replace(/^\w+\s:\s/, '').replace(/\s; valeur ignorée$/, '');
	}
	if (!form.services.length) fields.services = 'Cochez au moins un service proposé.';
	if (!parsed.ok || Object.keys(fields).length) throw new PlaceManagementError('invalid', 'Vérifiez les champs signalés.', fields);
	const { id: _id, ...placeFields } = parsed.place;
	const view: SourceView = {
		fields: placeFields,
		locationPrecision: (row.locationPrecision === 'municipality' ? 'municipality' : 'address') as LocationPrecision
	};
	const composed = composePlace(placeId, [{ ...view, source: MANAGER_SOURCE }]);
	const before = toStandardRecord({ ...row } as unknown as PlaceFields);
	await database.db.transaction(async (tx) => {
		await tx
			.update(places)
			.set({
				...composed,
				openWeek: weeklyOpenRanges(composed.horaires),
				pos: composed.latitude != null && composed.longitude != null ? earthPoint(composed.latitude, composed.longitude, placeId) : null,
				nameKey: normalizeKey(composed.nom),
				updatedAt: new Date()
			})
			.where(eq(places.id, placeId));
		const now = new Date();
		await tx
			.insert(placeSources)
			.values({
				placeId,
				source: MANAGER_SOURCE,
				sourceId: placeId,
				record: compactView(view),
				contentHash: contentHash(placeFields),
				firstSeenAt: now,
				lastSeenAt: now
			})
			.onConflictDoUpdate({
				target: [placeSources.source, placeSources.sourceId],
				set: { record: compactView(view), contentHash: contentHash(placeFields), lastSeenAt: now }
			});
		await journal(tx, {
			actor: { kind: 'user', id: actor.userId },
			action: 'place.updated',
			targetType: 'place',
			targetId: placeId,
			departmentCode: row.departmentCode,
			ip,
			before,
			after: toStandardRecord(composed),
			details: { fields: changedFields(before, toStandardRecord(composed)) }
		});
	});
	return getPlace(database, placeId);
}

// ——— stale places ———

/** Places of the coordinator's départements not updated for 12 months, oldest first, with who manages them. */
export async function stalePlaces(database: Database, actor: Actor, limit = 100, today = parisToday()) {
	const deps = actor.isAdmin ? null : departmentsWith(actor, ['coordinator']);
	if (deps && !deps.length) return [];
	const cutoff = `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`;
	return (
		database.db
			.select({
				id: places.id,
				nom: places.nom,
				commune: places.commune,
				dateMaj: places.dateMaj,
				closure: places.closure,
				closedUntil: places.closedUntil,
				managers: sql<number>`(select count(*)::int from ${organisationPlaces} op join ${memberships} m on m.organisation_id = op.organisation_id and m.role = 'place_manager' where op.place_id = ${places.id})`
			})
			.from(places)
			// a place closed for good has nothing to update: it is not asked (nor listed)
			.where(and(lt(places.dateMaj, cutoff), sql`${places.closure} IS DISTINCT FROM 'permanent'`, deps ? inArray(places.departmentCode, deps) : undefined))
			.orderBy(asc(places.dateMaj), asc(places.nom))
			.limit(limit)
			.then((rows) =>
				rows.map(({ closure: _k, closedUntil: _u, ...r }) => ({ ...r, closure: closureOf({ closure: _k, closedUntil: _u, closureReason: null }, today) }))
			)
	);
}

/** E-mails the managers of a stale place, asking them to check its page. Returns how many were written to. */
export async function remindStalePlace(
	database: Database,
	actor: Actor,
	placeId: string,
	opts: { origin: string; instanceName: string; ip?: string | null }
): Promise<number> {
	const [p] = await database.db
		.select({ nom: places.nom, dateMaj: places.dateMaj, departmentCode: places.departmentCode, closure: places.closure })
		.from(places)
		.where(eq(places.id, placeId));
	if (!p) throw new PlaceManagementError('not_found', 'Ce lieu n’existe pas.');
	if (p.closure === 'permanent') throw new PlaceManagementError('invalid', 'Ce lieu a fermé définitivement\u00a0: il n’a plus rien à mettre à jour.');
	if (!can(actor, 'claim.moderate', { departmentCode: p.departmentCode }))
		throw new PlaceManagementError('forbidden', 'Ce lieu n’est pas dans votre département.');
	const managers = await database.db
		.selectDistinct({ email: users.email, displayName: users.displayName })
		.from(organisationPlaces)
		.innerJoin(memberships, and(eq(memberships.organisationId, organisationPlaces.organisationId), eq(memberships.role, 'place_manager')))
		.innerJoin(users, and(eq(users.id, memberships.userId), eq(users.active, true)))
		.where(eq(organisationPlaces.placeId, placeId));
	if (!managers.length) return 0;
	await database.db.transaction(async (tx) => {
		for (const m of managers)
			await queueMail(
				database,
				tx,
				staleReminderMail({
					to: m.email,
					displayName: m.displayName,
					placeName: p.nom,
					lastUpdate: p.dateMaj,
					link: `${opts.origin.replace(/\/$/, '')}/espace/lieux/${encodeURIComponent(placeId)}`,
					instanceName: opts.instanceName
				})
			);
		await journal(tx, {
			actor: { kind: 'user', id: actor.userId },
			action: 'place.reminder_sent',
			targetType: 'place',
			targetId: placeId,
			departmentCode: p.departmentCode,
			ip: opts.ip,
			details: { recipients: managers.length }
		});
	});
	return managers.length;
}
