/**
 * A mediator's own accompaniments in La Coop's words (issue 14, item 8): the CSV of the
 * Coop's export of activities (its columns, its order, its spellings: coop.ts) and the JSON
 * of its API v1 (`activite` resources). The same checks, organisations, place and period as
 * the list and its CSV (placeAccompaniments): a place team only; of those, the actor's own
 * accompaniments (what they would have typed into the Coop).
 *
 * Nothing personal: every person is « Bénéficiaire anonyme »; a person followed here gives
 * no gender, age band, status nor commune (« Non communiqué »), an anonymous person their
 * profile as recorded; notes and tags are never written. Journaled, like the list's CSV.
 */
import { and, desc, eq, gte, inArray, lte } from 'drizzle-orm';
import { stringify } from 'csv-stringify/sync';
import type { Database, DbOrTx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { asScoped, type Actor } from '../accounts/index.ts';
import { placeCards, type PlaceCard } from '../places/index.ts';
import { municipalityLookup } from '../territory/index.ts';
import { neutraliseFormula } from '../web/spreadsheet.ts';
import { parisWallClock } from '../../time.ts';
import { accompaniments } from './db.ts';
import { placeAccompaniments, type Accompaniment } from './service.ts';
import { EXPORT_MAX_ROWS } from './export.ts';
import {
	AGE_BANDS,
	GENDERS,
	STATUSES,
	type AgeBand,
	type Autonomy,
	type Breakdown,
	type Gender,
	type Kind,
	type Location,
	type SocialStatus,
	type WorkshopLevel
} from './vocabulary.ts';
import {
	COOP_AGE_BANDS,
	COOP_ANONYMOUS,
	COOP_AUTONOMY,
	COOP_CELL_SEPARATOR,
	COOP_EXPORT_HEADERS,
	COOP_GENDERS,
	COOP_LEVELS,
	COOP_NO,
	COOP_PLACES,
	COOP_STATUSES,
	COOP_TYPES,
	COOP_YES,
	coopEquipment,
	coopRedirection,
	coopStars,
	coopThemes
} from './coop.ts';

/** The Coop's activity id of an accompaniment: the one it came from, else ours (recognised when imported back). */
export function coopActivityId(a: Pick<Accompaniment, 'id' | 'importKey'>): string {
	return a.importKey?.startsWith('coop:') ? a.importKey.slice('coop:'.length) : a.id;
}

/** One profile a line: an individual's, or a workshop's participants spread from its counts (the rest « Non communiqué »). */
interface Profile {
	gender: Gender;
	ageBand: AgeBand | 'unknown';
	status: SocialStatus;
}

function spread<K extends string>(counts: Partial<Record<K, number>> | undefined, order: readonly K[], n: number, rest: K | 'unknown'): (K | 'unknown')[] {
	const out: (K | 'unknown')[] = [];
	for (const k of order) for (let i = 0; i < (counts?.[k] ?? 0) && out.length < n; i++) out.push(k);
	while (out.length < n) out.push(rest);
	return out;
}

/** The people of an accompaniment, one profile each (a person followed: nothing of their record). */
export function profilesOf(a: Pick<Accompaniment, 'kind' | 'participants' | 'gender' | 'ageBand' | 'socialStatus' | 'breakdown' | 'beneficiaryId'>): Profile[] {
	if (a.kind !== 'collective') {
		if (a.beneficiaryId) return [{ gender: 'unknown', ageBand: 'unknown', status: 'unknown' }];
		return [
			{
				gender: (a.gender as Gender | null) ?? 'unknown',
				ageBand: (a.ageBand as AgeBand | null) ?? 'unknown',
				status: (a.socialStatus as SocialStatus | null) ?? 'unknown'
			}
		];
	}
	const n = Math.max(1, a.participants);
	const b = (a.breakdown ?? {}) as Breakdown;
	const genders = spread(b.gender, Object.keys(GENDERS) as Gender[], n, 'unknown') as Gender[];
	const ages = spread(b.ageBand, Object.keys(AGE_BANDS) as AgeBand[], n, 'unknown');
	const statuses = spread(b.status, Object.keys(STATUSES) as SocialStatus[], n, 'unknown') as SocialStatus[];
	return genders.map((gender, i) => ({ gender, ageBand: ages[i], status: statuses[i] }));
}

const two = (n: number) => String(n).padStart(2, '0');
/** '21/11/2026' */
const frenchDay = (day: string) => day.split('-').reverse().join('/');
/** « 21/11/2026 à 14:05 », Paris time, as the Coop writes « Enregistré le » */
function recordedAt(at: Date): string {
	const w = parisWallClock(at);
	return `${two(w.day)}/${two(w.month)}/${w.year} à ${two(w.hour)}:${two(w.minute)}`;
}

interface Commune {
	name: string;
	postcode: string;
}

/** The lines of one accompaniment in the Coop's columns (COOP_EXPORT_HEADERS), one per person. */
export function coopLines(a: Accompaniment, place: PlaceCard | undefined, commune: Commune | undefined): string[][] {
	const kind = a.kind as Kind;
	const individual = kind !== 'collective';
	const atPlace = a.location === 'place' && place;
	const redirection = coopRedirection(a.redirectedTo);
	const stars = individual
		? a.autonomy && COOP_AUTONOMY[a.autonomy as Autonomy]
			? coopStars(COOP_AUTONOMY[a.autonomy as Autonomy].stars)
			: ''
		: a.level && COOP_LEVELS[a.level as WorkshopLevel]
			? coopStars(COOP_LEVELS[a.level as WorkshopLevel].stars)
			: '';
	const profiles = profilesOf(a);
	return profiles.map((p, i) => {
		const ownCommune = individual && !a.beneficiaryId && commune;
		const cells: Record<(typeof COOP_EXPORT_HEADERS)[number], string> = {
			Date: frenchDay(a.date),
			'Enregistré le': recordedAt(a.createdAt),
			'Dernière modification le': '',
			Type: COOP_TYPES[kind]?.label ?? '',
			Participants: profiles.length === 1 ? '1' : `${i + 1}/${profiles.length}`,
			Bénéficiaire: COOP_ANONYMOUS,
			'Canaux d’accompagnement': COOP_PLACES[a.location as Location]?.label ?? '',
			'Nom du lieu': atPlace ? place.nom : '',
			Adresse: atPlace ? place.adresse : '',
			Commune: atPlace ? place.commune : '',
			'Code postal': atPlace ? place.codePostal : '',
			'Code Insee': atPlace ? (place.codeInsee ?? '') : '',
			'Durée (min)': String(a.durationMinutes),
			'Nom de l’atelier': individual ? '' : (a.title ?? ''),
			'Matériel numérique utilisé': coopEquipment(a.equipment)
				.map((w) => w.label)
				.join(COOP_CELL_SEPARATOR),
			'Thématique(s) d’accompagnement': coopThemes(a.themes, a.procedureThemes)
				.map((w) => w.label)
				.join(COOP_CELL_SEPARATOR),
			Tags: '',
			'Nom de la démarche administrative': '',
			'Niveau d’autonomie (ou de l’atelier)': stars,
			'Bénéficiaire réorienté': individual ? (a.redirectedTo.length ? COOP_YES : COOP_NO) : '',
			'Structure de redirection': individual && redirection ? redirection.label : '',
			'Commune du bénéficiaire': ownCommune ? commune.name : '',
			'Code postal du bénéficiaire': ownCommune ? commune.postcode : '',
			'Code Insee du bénéficiaire': ownCommune ? (a.communeCode ?? '') : '',
			'Genre du bénéficiaire': COOP_GENDERS[p.gender].label,
			'Tranche d’âge du bénéficiaire': COOP_AGE_BANDS[p.ageBand].label,
			'Statut du bénéficiaire': COOP_STATUSES[p.status].label,
			'Notes supplémentaires': '',
			'ID CRA': coopActivityId(a)
		};
		return COOP_EXPORT_HEADERS.map((h) => neutraliseFormula(cells[h]));
	});
}

/** The `activite` resource of the Coop's API v1 (its attribute names and values). */
export function coopResource(a: Accompaniment, place: PlaceCard | undefined) {
	const kind = a.kind as Kind;
	const individual = kind !== 'collective';
	const profiles = profilesOf(a);
	const count = <K extends string>(values: K[], words: Record<K, { api: string }>, all: readonly K[]) =>
		Object.fromEntries(all.map((k) => [words[k].api, values.filter((v) => v === k).length]));
	const redirection = individual ? coopRedirection(a.redirectedTo) : null;
	return {
		type: 'activite' as const,
		id: coopActivityId(a),
		attributes: {
			type: COOP_TYPES[kind]?.api ?? null,
			// our identifiers, not the Coop's (it has no account for our mediators): docs/interop-coop.md
			mediateur_id: a.mediatorId,
			user_id: a.mediatorId,
			accompagnements: profiles.length,
			date: a.date,
			duree: a.durationMinutes,
			type_lieu: COOP_PLACES[a.location as Location]?.api ?? null,
			structure_id: a.location === 'place' ? (place?.id ?? null) : null,
			lieu_code_postal: null,
			lieu_commune: null,
			lieu_code_insee: null,
			creation: a.createdAt.toISOString(),
			modification: a.createdAt.toISOString(),
			suppression: null,
			autonomie: individual && a.autonomy ? (COOP_AUTONOMY[a.autonomy as Autonomy]?.api ?? null) : null,
			oriente_vers_structure: individual ? a.redirectedTo.length > 0 : null,
			structure_de_redirection: redirection?.api ?? null,
			materiel: coopEquipment(a.equipment).map((w) => w.api),
			thematiques: coopThemes(a.themes, a.procedureThemes).map((w) => w.api),
			tags: [] as string[],
			precisions_demarche: null,
			titre_atelier: individual ? null : a.title,
			niveau_atelier: !individual && a.level ? (COOP_LEVELS[a.level as WorkshopLevel]?.api ?? null) : null,
			beneficiaires: {
				total: profiles.length,
				genres: count(
					profiles.map((p) => p.gender),
					COOP_GENDERS,
					['M', 'F', 'unknown']
				),
				tranches_age: count(
					profiles.map((p) => p.ageBand),
					COOP_AGE_BANDS,
					Object.keys(COOP_AGE_BANDS) as (AgeBand | 'unknown')[]
				),
				statuts: count(
					profiles.map((p) => p.status),
					COOP_STATUSES,
					Object.keys(COOP_STATUSES) as SocialStatus[]
				)
			}
		}
	};
}
export type CoopResource = ReturnType<typeof coopResource>;

export type CoopFormat = 'csv' | 'json';

export interface CoopExport {
	/** the CSV (`;`, BOM, CRLF) or the JSON document */
	body: string;
	/** accompaniments (activities) */
	activities: number;
	/** the CSV's lines (one per person) */
	lines: number;
	from: string;
	to: string;
}

/**
 * The actor's own accompaniments of the list's organisations, place and period, in La
 * Coop's CSV or API v1 JSON. `self` is the JSON's own address (its `links.self`).
 */
export async function coopExport(
	database: Database,
	actor: Actor,
	format: CoopFormat,
	opts: { organisationId?: string | null; placeId?: string | null; from?: string | null; to?: string | null; today?: string; self?: string } = {},
	ip?: string | null
): Promise<CoopExport> {
	// the list's checks and filters (throws CareError 'forbidden' outside a place team)
	const view = await placeAccompaniments(database, actor, { ...opts, page: 1 });
	const orgIds = (view.organisationId ? view.organisations.filter((o) => o.id === view.organisationId) : view.organisations).map((o) => o.id);
	const where = and(
		inArray(accompaniments.organisationId, orgIds),
		eq(accompaniments.mediatorId, actor.userId),
		view.placeId ? eq(accompaniments.placeId, view.placeId) : undefined,
		gte(accompaniments.date, view.from),
		lte(accompaniments.date, view.to)
	);
	const rows = await asScoped(database, actor, (db: DbOrTx) =>
		db.select().from(accompaniments).where(where).orderBy(desc(accompaniments.date), desc(accompaniments.createdAt)).limit(EXPORT_MAX_ROWS)
	);
	const places = await placeCards(
		database.db,
		rows.map((a) => a.placeId)
	);
	const place = (a: Accompaniment) => (a.placeId ? places.get(a.placeId) : undefined);

	let body: string;
	let lines: number;
	if (format === 'csv') {
		const lookup = await municipalityLookup(database);
		const communeOf = (code: string | null): Commune | undefined => {
			const m = code ? lookup.byInsee(code) : undefined;
			return m ? { name: m.name, postcode: m.postcodes[0] ?? '' } : undefined;
		};
		const records = rows.flatMap((a) => coopLines(a, place(a), communeOf(a.communeCode)));
		lines = records.length;
		// RFC 4180, as the Coop writes its CSV files (csv-stringify, `;`, a BOM); a cell of several values holds them one a line
		body = '\ufeff' + stringify([[...COOP_EXPORT_HEADERS], ...records], { delimiter: ';', record_delimiter: '\r\n', quoted_match: /[\r\n]/ });
	} else {
		const data = rows.map((a) => coopResource(a, place(a)));
		lines = data.length;
		body = JSON.stringify({
			data,
			links: { self: { href: opts.self ?? '' } },
			meta: { total_count: data.length, items_per_page: data.length, total_pages: 1, has_next_page: false, has_prev_page: false }
		});
	}

	const departmentCode = view.organisations.find((o) => orgIds.includes(o.id))?.departmentCode ?? null;
	await journal(database.db, {
		actor: { kind: 'user', id: actor.userId },
		action: 'accompaniment.exported',
		targetType: 'organisation',
		targetId: orgIds.length === 1 ? orgIds[0] : null,
		departmentCode,
		ip,
		details: { organisationIds: orgIds, placeId: view.placeId, from: view.from, to: view.to, rows: rows.length, format: `coop-${format}`, own: true }
	});
	return { body, activities: rows.length, lines, from: view.from, to: view.to };
}
