/**
 * What a reader of the steering space may steer, and what they asked for: the départements
 * (the coordinator's, the partner's), the period, the level, and the choices the filter form
 * offers. Shared by every `/pilotage` page and export (the layout loads it once).
 */
import type { Database } from '../db/client.ts';
import { can, departmentsWith, type Actor } from '../accounts/index.ts';
import { departmentNames, getInstanceSettings, listAreas, type AreaKind } from '../territory/index.ts';
import { DomainError } from '../errors.ts';
import { parisDay } from '../../time.ts';
import { levelChoices, levelKey, levelLabel, parsePeriod, parseSteeringQuery, recentPeriods, type Level, type Period, type SteeringQuery } from './model.ts';

export interface SteeringContext {
	departments: { code: string; name: string }[];
	query: SteeringQuery;
	levels: Level[];
	periods: { year: Period[]; quarter: Period[]; month: Period[] };
	/** a coordinator of the département (or the administrator): the whole network's figures */
	coordinator: boolean;
	/** the structures the reader is a partner of in this département (their scope when not a coordinator) */
	partnerOrganisationIds: string[];
}

/** The départements the actor may steer: those they coordinate or are a partner in; every one of the instance for the administrator. */
export async function steeringDepartments(database: Database, actor: Actor): Promise<string[]> {
	if (actor.isAdmin) return (await getInstanceSettings(database)).departmentCodes;
	return departmentsWith(actor, ['coordinator', 'partner']).sort();
}

export async function steeringContext(database: Database, actor: Actor, params: URLSearchParams, today = parisDay()): Promise<SteeringContext> {
	const codes = await steeringDepartments(database, actor);
	if (!codes.length) throw new DomainError('forbidden', 'Le pilotage est réservé à la coordination départementale et aux partenaires du réseau.');
	const query = parseSteeringQuery(params, codes, today);
	if (!can(actor, 'steering.read', { departmentCode: query.departmentCode }))
		throw new DomainError('forbidden', 'Le pilotage est réservé à la coordination départementale et aux partenaires du réseau.');
	const kinds = [...new Set((await listAreas(database, query.departmentCode)).map((a) => a.kind as AreaKind))];
	const levels = levelChoices(kinds);
	// a level of areas the département does not have falls back to the EPCI
	if (!levels.some((l) => levelKey(l) === levelKey(query.level))) query.level = { kind: 'epci' };
	const names = await departmentNames(database.db, codes);
	return {
		departments: codes.map((code) => ({ code, name: names.find((n) => n.code === code)?.name ?? code })),
		query,
		levels,
		periods: { year: recentPeriods('year', today), quarter: recentPeriods('quarter', today), month: recentPeriods('month', today) },
		coordinator: can(actor, 'steering.read_all', { departmentCode: query.departmentCode }),
		partnerOrganisationIds: actor.memberships.filter((m) => m.role === 'partner' && m.departmentCode === query.departmentCode).map((m) => m.organisationId)
	};
}

export { levelLabel };

/**
 * The open data's context (no reader): the instance's départements, the period and level
 * asked for (by default the last finished year, by EPCI); nothing about people is read with it.
 */
export async function openDataContext(database: Database, params: URLSearchParams, today = parisDay()): Promise<SteeringContext> {
	const codes = (await getInstanceSettings(database)).departmentCodes;
	const asked = (params.get('departement') ?? '').trim().toUpperCase();
	if (!codes.includes(asked)) throw new DomainError('not_found', 'Ce département n’est pas publié ici.');
	// a stable address means what it says: a period or a level that is not one is refused, never replaced by a default
	const withDefaults = new URLSearchParams(params);
	if (!withDefaults.get('periode')) withDefaults.set('periode', String(Number(today.slice(0, 4)) - 1));
	else if (!parsePeriod(withDefaults.get('periode'), today))
		throw new DomainError(
			'invalid',
			'Cette période n’existe pas ou n’a pas commencé : écrivez une année (2025), un trimestre (2025-T3) ou un mois (2025-03), à partir de 2015.'
		);
	const kinds = [...new Set((await listAreas(database, asked)).map((a) => a.kind as AreaKind))];
	const levels = levelChoices(kinds);
	const level = withDefaults.get('niveau');
	if (level && !levels.some((l) => levelKey(l) === level))
		throw new DomainError('invalid', `Ce découpage n’existe pas pour ce département : écrivez ${levels.map((l) => levelKey(l)).join(', ')}.`);
	const query = parseSteeringQuery(withDefaults, [asked], today);
	const names = await departmentNames(database.db, [asked]);
	return {
		departments: [{ code: asked, name: names[0]?.name ?? asked }],
		query,
		levels,
		periods: { year: recentPeriods('year', today), quarter: recentPeriods('quarter', today), month: recentPeriods('month', today) },
		coordinator: false,
		partnerOrganisationIds: []
	};
}
