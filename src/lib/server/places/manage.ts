/**
 * Place management: a place manager, once their organisation runs the place (a claim a
 * coordinator approved: accounts' claims.ts), keeps its page up to date with a
 * form. What they write becomes the place's "maillage" source, which wins over imported
 * ones (compose.ts, MANAGER_SOURCE); date_maj becomes today, so the export shows it.
 * Coordinators see stale places (not updated for 12 months) and remind their managers.
 */
import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal, changedFields } from '../audit/index.ts';
import { can, departmentsWith, type Actor } from '../permissions/index.ts';
import { places, placeSources } from './db.ts';
import { parseStandardRecord, toStandardRecord, contentHash } from './model.ts';
import { parisDay } from '../../time.ts';
import { normalizeKey } from './values.ts';
import { composePlace, MANAGER_SOURCE, compactView, type SourceView } from './compose.ts';
import { weeklyOpenRanges } from './hours.ts';
import { withClosures, rangesToHoraires, type Closure, type WeekRanges } from './hours-week.ts';
import { earthPoint } from '../db/types.ts';
import type { PlaceFields, LocationPrecision } from './types.ts';
import { closureOf, getPlace } from './place.ts';
import { PlaceManagementError } from './errors.ts';
import { queueMail, staleReminderMail } from '../mail/index.ts';
import { placeOrganisations } from './edit.ts';
import { placeTeams } from './teams.ts';

/** The places the actor's organisations run (place managers), or of their département (coordinators). */
/** The places the actor's structures manage, each with its closure in force (null when open). */
export async function managedPlaces(database: Database, actor: Actor, today = parisDay()) {
	const orgs = actor.memberships.filter((m) => m.role === 'place_manager').map((m) => m.organisationId);
	if (!orgs.length) return [];
	const ids = await placeTeams().placesRunBy(database.db, orgs);
	if (!ids.length) return [];
	return database.db
		.select({
			id: places.id,
			nom: places.nom,
			commune: places.commune,
			dateMaj: places.dateMaj,
			closure: places.closure,
			closedUntil: places.closedUntil,
			closureReason: places.closureReason
		})
		.from(places)
		.where(inArray(places.id, ids))
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

export async function updatePlace(database: Database, actor: Actor, placeId: string, form: PlaceForm, ip?: string | null, today = parisDay()) {
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
export async function stalePlaces(database: Database, actor: Actor, limit = 100, today = parisDay()) {
	const deps = actor.isAdmin ? null : departmentsWith(actor, ['coordinator']);
	if (deps && !deps.length) return [];
	const cutoff = `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`;
	const rows = await database.db
		.select({
			id: places.id,
			nom: places.nom,
			commune: places.commune,
			dateMaj: places.dateMaj,
			closure: places.closure,
			closedUntil: places.closedUntil
		})
		.from(places)
		// a place closed for good has nothing to update: it is not asked (nor listed)
		.where(and(lt(places.dateMaj, cutoff), sql`${places.closure} IS DISTINCT FROM 'permanent'`, deps ? inArray(places.departmentCode, deps) : undefined))
		.orderBy(asc(places.dateMaj), asc(places.nom))
		.limit(limit);
	// who manages them: one batched look-up of the structures' place managers
	const managers = await placeTeams().managerCounts(
		database.db,
		rows.map((r) => r.id)
	);
	return rows.map(({ closure: _k, closedUntil: _u, ...r }) => ({
		...r,
		managers: managers.get(r.id) ?? 0,
		closure: closureOf({ closure: _k, closedUntil: _u, closureReason: null }, today)
	}));
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
	const managers = await placeTeams().activeManagers(database.db, placeId);
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
