/**
 * Places' own contact addresses invited as their managers, through the onboarding engine:
 * which places nobody manages yet, the lines that invite their contacts (one structure per
 * place when it has none) and the kind of structure a place's data says it is.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import { invitations, memberships, organisationPlaces, organisations } from './db.ts';
import { placeSummaries, placesOf } from '../places/index.ts';
import { normalizeKey } from '../../text/keys.ts';
import type { OrganisationKind } from './model.ts';
import { departmentsWith, type Actor } from '../permissions/index.ts';
import type { OnboardingRow } from './onboarding-csv.ts';
import { importOnboarding, type OnboardingOptions, type OnboardingReport } from './onboarding.ts';

/**
 * The lines that invite places' own contact addresses as their managers: the structure that
 * runs the place when there is one, else a new one named after the place.
 */
export async function placeContactRows(
	db: DbOrTx,
	placeIds: string[]
): Promise<{ rows: OnboardingRow[]; skipped: { id: string; nom: string; reason: string }[] }> {
	if (!placeIds.length) return { rows: [], skipped: [] };
	const summaries = await placeSummaries(db, placeIds);
	// the structure running each place (the oldest when several), in one look-up
	const running = new Map<string, string>();
	if (summaries.length)
		for (const r of await db
			.select({ placeId: organisationPlaces.placeId, name: organisations.name })
			.from(organisationPlaces)
			.innerJoin(organisations, eq(organisations.id, organisationPlaces.organisationId))
			.where(
				inArray(
					organisationPlaces.placeId,
					summaries.map((p) => p.id)
				)
			)
			.orderBy(desc(organisations.createdAt)))
			running.set(r.placeId, r.name);
	const list = summaries.map((p) => ({ ...p, organisation: running.get(p.id) ?? null }));
	const rows: OnboardingRow[] = [];
	const skipped: { id: string; nom: string; reason: string }[] = [];
	for (const p of list) {
		const email = (p.courriels as unknown as string[] | null)?.[0];
		if (!email) skipped.push({ id: p.id, nom: p.nom, reason: 'pas d’adresse e-mail de contact' });
		else
			rows.push({
				structure: p.organisation ?? p.nom.slice(0, 200),
				// a new structure at the place's name: of the kind its source data says (used only when it is created)
				type: p.organisation
					? undefined
					: placeKind({
							nom: p.nom,
							typologie: p.typologie as unknown as string[] | null,
							programmes: p.programmes as unknown as string[] | null,
							pivot: p.pivot
						}),
				departement: p.departmentCode ?? '',
				lieu: p.id,
				courriel: email,
				role: 'place_manager'
			});
	}
	return { rows, skipped };
}

const TYPOLOGY_KINDS: Record<string, OrganisationKind> = {
	MSAP: 'france_services',
	BIB: 'mediatheque',
	CCAS: 'ccas',
	CIAS: 'ccas',
	MUNI: 'collectivite',
	EPCI: 'collectivite',
	CC: 'collectivite',
	ASSO: 'association',
	ASSO_CHOMEUR: 'association',
	CAF: 'operateur',
	CPAM: 'operateur',
	MSA: 'operateur',
	FT: 'emploi',
	PE: 'emploi',
	ML: 'emploi',
	CAP_EMPLOI: 'emploi',
	MDE: 'emploi',
	MDEF: 'emploi',
	PLIE: 'emploi'
};

/**
 * The kind of structure a place's source data says it is (« Inviter son contact comme
 * responsable » creates one at its name): France Services by its programme or typology, a
 * médiathèque by its typology or its name, a CCAS, a commune, an association (also by an RNA
 * number), an operator, an employment service; else « autre ».
 */
export function placeKind(p: { nom: string; typologie?: string[] | null; programmes?: string[] | null; pivot?: string | null }): OrganisationKind {
	const programmes = (p.programmes ?? []).map((x) => normalizeKey(x));
	if (programmes.includes(normalizeKey('France Services'))) return 'france_services';
	for (const t of p.typologie ?? []) {
		const kind = TYPOLOGY_KINDS[t.trim().toUpperCase()];
		if (kind) return kind;
	}
	const name = normalizeKey(p.nom);
	if (/^france services\b/.test(name)) return 'france_services';
	if (/^(mediatheque|bibliotheque)\b/.test(name)) return 'mediatheque';
	if (/^(ccas|cias)\b/.test(name)) return 'ccas';
	if (/^W\d{9}$/i.test((p.pivot ?? '').trim())) return 'association';
	return 'autre';
}

/** Of these places, those where a place manager's invitation waits at a structure running them. */
async function waitingFor(db: DbOrTx, placeIds: string[]): Promise<Set<string>> {
	if (!placeIds.length) return new Set();
	const rows = await db
		.selectDistinct({ placeId: organisationPlaces.placeId })
		.from(organisationPlaces)
		.innerJoin(invitations, eq(invitations.organisationId, organisationPlaces.organisationId))
		.where(
			and(
				inArray(organisationPlaces.placeId, placeIds),
				sql`${invitations.usedAt} is null and ${invitations.revokedAt} is null and ${invitations.expiresAt} > now() and (${invitations.role} = 'place_manager' or 'place_manager' = any(${invitations.extraRoles}))`
			)
		);
	return new Set(rows.map((r) => r.placeId));
}

/** The places a structure running them has a place manager for (of `placeIds` when given, else all). */
async function managedOf(db: DbOrTx, placeIds?: string[]): Promise<string[]> {
	if (placeIds && !placeIds.length) return [];
	const rows = await db
		.selectDistinct({ placeId: organisationPlaces.placeId })
		.from(organisationPlaces)
		.innerJoin(memberships, and(eq(memberships.organisationId, organisationPlaces.organisationId), eq(memberships.role, 'place_manager')))
		.where(placeIds ? inArray(organisationPlaces.placeId, placeIds) : undefined);
	return rows.map((r) => r.placeId);
}

/**
 * The places of the coordinator's départements that nobody manages yet (no structure of
 * theirs has a place manager), with their contact address and whether a manager's
 * invitation already waits. By name; only those of `ids` when given.
 */
export async function placesWithoutManager(db: DbOrTx, actor: Actor, ids?: string[]) {
	const deps = actor.isAdmin ? null : departmentsWith(actor, ['coordinator']);
	if (deps && !deps.length) return [];
	if (ids && !ids.length) return [];
	// the places managed already are left out: their ids first (a structure's team), then the places
	const found = await placesOf(db, { departmentCodes: deps, ids, excluding: await managedOf(db, ids), limit: 1000 });
	const waiting = await waitingFor(
		db,
		found.map((p) => p.id)
	);
	return found
		.map((r) => ({ id: r.id, nom: r.nom, commune: r.commune, email: r.courriels?.[0] ?? null, waiting: waiting.has(r.id) }))
		.sort((a, b) => byFrenchName(a.nom, b.nom) || byFrenchName(a.commune, b.commune));
}

const FRENCH = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });
/** As a French reader sorts: case and accents aside (« Agence postale » before « AUDACE/S », which the database's byte order put first). */
export function byFrenchName(a: string | null | undefined, b: string | null | undefined): number {
	return FRENCH.compare(a ?? '', b ?? '');
}

/**
 * Who answers for one place (a coordinator's place page): a place manager, an invitation
 * waiting for one, or neither; its contact address (the first), the one to invite.
 */
export async function placeManagerState(db: DbOrTx, placeId: string): Promise<{ managed: boolean; waiting: boolean; email: string | null } | null> {
	const [p] = await placeSummaries(db, [placeId]);
	if (!p) return null;
	return {
		managed: (await managedOf(db, [placeId])).length > 0,
		waiting: (await waitingFor(db, [placeId])).has(placeId),
		email: p.courriels?.[0] ?? null
	};
}

/**
 * The contact address of each place given invited as its manager, in one click: the
 * onboarding page's « Lieux sans responsable » and a coordinator's place page. Only the
 * places without a manager in the actor's départements are taken (placesWithoutManager);
 * each becomes a line of the onboarding engine (placeContactRows: the structure running it,
 * else a new one at its name), which checks the rights again, writes in one transaction,
 * journals and e-mails (recordInvitation). `report` null: none of the places could be taken.
 */
export async function invitePlaceContacts(
	database: Database,
	actor: Actor,
	placeIds: string[],
	opts: Pick<OnboardingOptions, 'origin' | 'instanceName' | 'ip'> = {}
): Promise<{ report: OnboardingReport | null; skipped: { id: string; nom: string; reason: string }[] }> {
	const allowed = await placesWithoutManager(database.db, actor, [...new Set(placeIds)]);
	if (!allowed.length) return { report: null, skipped: [] };
	const { rows, skipped } = await placeContactRows(
		database.db,
		allowed.map((p) => p.id)
	);
	if (!rows.length) return { report: null, skipped };
	return { report: await importOnboarding(database, actor, rows, { ...opts, contactsOf: rows.map((r) => r.lieu!).filter(Boolean) }), skipped };
}
