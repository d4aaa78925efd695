/**
 * The steering figures published as open data (issue 16, item 9), at a stable URL:
 * `/donnees/pilotage/{département}/{table}.csv`, for the last finished year by default
 * (`?periode=`, `?niveau=` as on the steering pages), under the Licence Ouverte. The list of
 * tables is itself stable.
 *
 * Two kinds of tables:
 * - the offer and the fragility by unit (no person in them);
 * - the demand and the outcomes (assessments, referrals, accompaniments, the Pass Numérique),
 *   counts of persons aggregated: the very tables a coordinator reads on the steering pages,
 *   for the whole network, masked the same way (decision 0018: 1 to 4 persons, and whatever
 *   would tell them by difference between cells, periods or levels), for published months
 *   only. Left out: the tables whose rows are structures, places or funders (a structure's
 *   figures are for the network's steering, and a kind of structure is often one structure),
 *   and the partners' page.
 */
import type { Database } from '../db/client.ts';
import { DomainError } from '../errors.ts';
import { departmentNames, getInstanceSettings } from '../territory/index.ts';
import { parisDay } from '../../time.ts';
import { instantOf, steeringCsv } from './exports.ts';
import { openOfferTables } from './offer.ts';
import { openDataContext } from './context.ts';
import { demandOf } from './demand.ts';
import { OUTCOME_SECTIONS } from './outcomes.ts';
import { trainingsOf } from './trainings.ts';
import { facts, type Reader } from './sections.ts';
import { NOT_PUBLISHED } from './figures.ts';
import { publishedMonths } from './publication.ts';
import { levelKey, levelLabel, type SteeringTable } from './model.ts';
import { monthLabel } from '../../components/format.ts';
import { lastRefresh } from './facts.ts';
import { EQUIPMENT_OPEN_TABLE, equipmentOpenTable } from './equipment-open.ts';

/** The tables published, by id (stable: an id is never reused for other figures; the same ids as the steering exports). */
export const OPEN_TABLES: Record<string, string> = {
	'offre-services': 'Lieux de médiation numérique par service, pour 10 000 habitants',
	'offre-territoires': 'Lieux par territoire\u00a0: pour 10 000 habitants, Pass Numérique, fraîcheur des fiches',
	'offre-services-territoires': 'Services par territoire, pour 10 000 habitants',
	'offre-acces': 'Population à moins de 5, 10 et 15 km d’un lieu (à vol d’oiseau)',
	'offre-zones-blanches': 'Communes sans lieu à moins de 15 km',
	'fragilite-territoires': 'Indice de fragilité numérique et ses cinq indicateurs, par territoire',
	'fragilite-eloignement': 'Population fragile éloignée de tout lieu',
	// counts of persons, aggregated and masked (issue 16, items 8 and 9)
	'demande-diagnostics-territoire': 'Diagnostics d’autonomie numérique, par lieu de résidence',
	'demande-autonomie': 'Autonomie mesurée au diagnostic, par axe (personnes)',
	'demande-besoins': 'Besoins exprimés au diagnostic (plusieurs réponses possibles)',
	'demande-orientations-territoire': 'Orientations envoyées, par lieu de résidence de la personne',
	'demande-orientations-besoin': 'Orientations envoyées, par besoin (du diagnostic joint\u00a0; plusieurs possibles)',
	'resultats-entonnoir': 'Parcours des orientations dans la période',
	'resultats-refus-motifs': 'Orientations refusées, par motif',
	'resultats-delai': 'Délai de première réponse des lieux (médiane et 9e décile)',
	'resultats-delai-histogramme': 'Délai de première réponse des lieux',
	'resultats-honorees-territoire': 'Orientations honorées parmi celles closes dans la période, par lieu de résidence',
	'resultats-accompagnements-territoire': 'Accompagnements, par commune du lieu (ou de la personne hors lieu)',
	'resultats-accompagnements-type': 'Accompagnements individuels et ateliers collectifs',
	'resultats-accompagnements-themes': 'Accompagnements, par thème (plusieurs thèmes possibles)',
	'resultats-autonomie': 'Autonomie atteinte à la fin de l’accompagnement individuel',
	'resultats-tranche-age': 'Personnes accompagnées, par tranche d’âge',
	'resultats-genre': 'Personnes accompagnées, par genre',
	'resultats-statut': 'Personnes accompagnées, par statut',
	'resultats-pass': 'Pass Numérique dans la période',
	// the trainings of the helpers (issue 17): by territory and profile, masked; the sessions by theme (not persons). Never by structure, nor the survey.
	'formations-aidants-territoire': 'Aidants formés, par territoire de leur structure',
	'formations-aidants-profil': 'Aidants formés, par profil',
	'formations-sessions': 'Sessions tenues et heures de formation dispensées, par thème'
};

/** A table of counts of persons (masked, published months only), by its id. */
export const aboutPersons = (tableId: string) => tableId.startsWith('demande-') || tableId.startsWith('resultats-') || isTrainingTable(tableId);
/** A table of the trainings of the helpers (built from the training facts, published months only). */
export const isTrainingTable = (tableId: string) => tableId.startsWith('formations-');

const NOT_FOUND = 'Ce jeu de données n’existe pas.';

/**
 * The sections built for the open data, for a few minutes: the files are public and the same
 * for everyone, so that a reuser's script (or anyone) asking again does not mask the year
 * again. The key holds the last refresh: a month published and refreshed makes a new key.
 */
const BUILT_TTL_MS = 5 * 60_000;
const BUILT_MAX = 64;
const built = new WeakMap<Database, Map<string, { at: number; tables: Promise<SteeringTable[]> }>>();

function cached(database: Database, key: string, build: () => Promise<SteeringTable[]>): Promise<SteeringTable[]> {
	let cache = built.get(database);
	if (!cache) built.set(database, (cache = new Map()));
	const hit = cache.get(key);
	if (hit && Date.now() - hit.at < BUILT_TTL_MS) return hit.tables;
	cache.delete(key);
	if (cache.size >= BUILT_MAX) cache.delete(cache.keys().next().value!);
	const tables = build();
	cache.set(key, { at: Date.now(), tables });
	tables.catch(() => cache.delete(key));
	return tables;
}

/** The tables of the section a table id belongs to, as the open data's reader (the whole network, no account) reads them. */
async function openTables(
	database: Database,
	tableId: string,
	params: URLSearchParams,
	today: string
): Promise<{ context: Reader['context']; tables: SteeringTable[] }> {
	if (!aboutPersons(tableId)) {
		const { context, blocks } = await openOfferTables(database, params, today);
		return { context, tables: blocks.map((b) => b.table) };
	}
	const context = await openDataContext(database, params, today);
	const q = context.query;
	const now = instantOf(today);
	// a period none of whose months is published yet is refused (its figures would grow a day at a time)
	if (!publishedMonths(q.period.months, now).length) throw new DomainError('not_found', NOT_PUBLISHED);
	const reader: Reader = { context, scope: null, departmentName: context.departments[0].name };
	const section = tableId.startsWith('demande-') ? 'demande' : isTrainingTable(tableId) ? 'formations' : 'resultats';
	// Without a session the request role reads no département's facts (row-level security): the
	// figures of the département in the address are read as the owner, as the refresh writes them.
	// The builders read the facts, the territory, places' and structures' names, never a person's
	// row, and every figure leaves masked (privileged-use.test.ts).
	const owner = database.privileged;
	const key = [section, q.departmentCode, q.period.key, levelKey(q.level), today, (await lastRefresh(owner, q.departmentCode))?.toISOString()].join('|');
	const tables = await cached(database, key, async () => {
		if (section === 'demande') return (await demandOf(owner, reader, now)).flatMap((s) => s.tables.map((t) => t.table));
		if (section === 'formations') return (await trainingsOf(owner, reader, now)).flatMap((s) => s.tables.map((t) => t.table));
		const yf = await facts(owner, reader, [...new Set(OUTCOME_SECTIONS.flatMap((s) => s.kinds))], true, now);
		const out: SteeringTable[] = [];
		for (const s of OUTCOME_SECTIONS) out.push(...(await s.build(owner, reader, yf)).tables.map((t) => t.table));
		return out;
	});
	return { context, tables };
}

export async function openDataTable(
	database: Database,
	departmentCode: string,
	tableId: string,
	params: URLSearchParams,
	today = parisDay()
): Promise<{ fileName: string; body: string; title: string }> {
	// the devices given per area and finished year (issue 18): counts only, from their own function
	if (tableId === EQUIPMENT_OPEN_TABLE) {
		if (!(await getInstanceSettings(database)).departmentCodes.includes(departmentCode)) throw new DomainError('not_found', NOT_FOUND);
		const table = await equipmentOpenTable(database, departmentCode, today);
		return { fileName: `${tableId}-${departmentCode}.csv`, body: steeringCsv(table), title: table.title };
	}
	if (!Object.hasOwn(OPEN_TABLES, tableId)) throw new DomainError('not_found', NOT_FOUND);
	const asked = new URLSearchParams(params);
	asked.set('departement', departmentCode);
	const { context, tables } = await openTables(database, tableId, asked, today);
	const table = tables.find((t) => t.id === tableId);
	if (!table) throw new DomainError('not_found', NOT_FOUND);
	// published by the calendar, but not refreshed since: not published either (every table of the section says so)
	if (tables.some((t) => t.notes?.includes(NOT_PUBLISHED))) throw new DomainError('not_found', NOT_PUBLISHED);
	const q = context.query;
	return {
		fileName: `${tableId}-${q.departmentCode}-${q.period.key}-${levelLabel(q.level)
			.toLowerCase()
			.normalize('NFD')
			.replace(/[\u0300-\u036f]/g, '')
			.replace(/[^a-z0-9]+/g, '-')}.csv`,
		body: steeringCsv(table),
		title: table.title
	};
}

/**
 * What /donnees lists: the instance's départements and the tables published for each
 * (`persons`: the demand and the outcomes, counts of persons, masked; `trainings`: the
 * trainings of the helpers, masked the same way).
 */
export async function openDataCatalogue(
	database: Database
): Promise<{ departments: { code: string; name: string }[]; tables: { id: string; title: string; persons: boolean; trainings: boolean }[] }> {
	const codes = (await getInstanceSettings(database)).departmentCodes;
	return {
		departments: await departmentNames(database.db, codes),
		tables: Object.entries(OPEN_TABLES).map(([id, title]) => ({
			id,
			title,
			persons: aboutPersons(id) && !isTrainingTable(id),
			trainings: isTrainingTable(id)
		}))
	};
}

/** The trainings' key figures of a département shown on /donnees: the year under way (its published months), else the last one. */
export interface TrainingOpenFigures {
	departmentCode: string;
	departmentName: string;
	period: string;
	periodLabel: string;
	/** the last month counted ('novembre 2026'): a month is published on the 5th of the next */
	through: string;
	sessions: number;
	hours: number;
	/** persons trained (null: masked, 1 to 4 or telling one by difference) */
	trained: number | null;
	/** sessions held by theme (themes with none left out) */
	themes: { label: string; sessions: number; hours: number }[];
}

export async function openTrainingFigures(database: Database, today = parisDay()): Promise<TrainingOpenFigures[]> {
	const codes = (await getInstanceSettings(database)).departmentCodes;
	const year = today.slice(0, 4);
	const out: TrainingOpenFigures[] = [];
	for (const code of codes) {
		let built: Awaited<ReturnType<typeof openTables>> | null = null;
		for (const periode of [year, String(Number(year) - 1)]) {
			try {
				built = await openTables(database, 'formations-sessions', new URLSearchParams({ departement: code, periode, niveau: 'departement' }), today);
				if (built.tables.some((t) => t.notes?.includes(NOT_PUBLISHED))) built = null;
			} catch (e) {
				if (!(e instanceof DomainError)) throw e;
				built = null;
			}
			if (built) break;
		}
		if (!built) continue;
		const sessions = built.tables.find((t) => t.id === 'formations-sessions');
		const trained = built.tables.find((t) => t.id === 'formations-aidants-territoire');
		const num = (v: unknown) => (typeof v === 'number' ? v : 0);
		out.push({
			departmentCode: code,
			departmentName: built.context.departments[0].name,
			period: built.context.query.period.key,
			periodLabel: built.context.query.period.label,
			through: monthLabel(publishedMonths(built.context.query.period.months, instantOf(today)).at(-1)!),
			sessions: num(sessions?.total?.[1]),
			hours: num(sessions?.total?.[2]),
			trained: typeof trained?.total?.[1] === 'number' ? (trained.total[1] as number) : null,
			themes: (sessions?.rows ?? []).filter((r) => num(r[1]) > 0).map((r) => ({ label: String(r[0]), sessions: num(r[1]), hours: num(r[2]) }))
		});
	}
	return out;
}
