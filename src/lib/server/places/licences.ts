/**
 * The licence of each source of places, and what may be republished (issue 14, item 5).
 *
 * The rule. A data.gouv.fr dataset has ONE licence, which covers every row of its files;
 * data received with no licence cannot be relicensed by us. So:
 * - a place is open data (Licence Ouverte 2.0) when at least one of its sources is under
 *   that licence, or when it was entered on this site (its manager or the coordination);
 * - a place known ONLY from sources with no explicit licence (today the Aidants Connect list
 *   of habilitated structures, as copied from inclusion-numerique/stack) is shown on the
 *   site and in the API, where its `licence` is null, but it is left out of the files
 *   offered for reuse (the national CSV and the downloads), and /donnees says how many.
 *
 * The licence follows the FILE a source record came from (its import's format), not the
 * record's `source` name: the national map's files, under Licence Ouverte, also carry
 * records whose `source` is "aidants-connect".
 */
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { importReports, places, placeSources } from './db.ts';
import type { SourceFormat } from './sources/index.ts';

export interface Licence {
	/** SPDX identifier */
	id: string;
	name: string;
	url: string;
}

export const LICENCE_OUVERTE: Licence = Object.freeze({
	id: 'etalab-2.0',
	name: 'Licence Ouverte 2.0',
	url: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/'
});

/** What /donnees says when a source has no licence. */
export const NO_EXPLICIT_LICENCE = 'Pas de licence explicite';

export interface SourceDescription {
	key: string;
	/** the import formats of its files (sources/index.ts); none for what is entered on the site */
	formats: readonly SourceFormat[];
	name: string;
	producer: string;
	licence: Licence | null;
	/** where the licence comes from, or why there is none */
	note: string;
}

/** Places entered on the site itself: a manager's form, a coordinator's new place. */
export const ENTERED_HERE = 'saisie';

/** Every source of places, with its licence. A new import format must be declared here (a test checks it). */
export const PLACE_SOURCES: readonly SourceDescription[] = Object.freeze([
	{
		key: 'standard',
		formats: ['standard-csv', 'standard-json', 'v0-csv', 'v0-json'],
		name: 'Fichiers au standard national des lieux de médiation numérique (cartographie nationale, conseillers numériques, hubs, collectivités)',
		producer: 'ANCT et producteurs locaux',
		licence: LICENCE_OUVERTE,
		note: 'Publiés sur data.gouv.fr sous Licence Ouverte 2.0.'
	},
	{
		key: 'data-inclusion',
		formats: ['data-inclusion-json'],
		name: 'Fichiers data·inclusion (structures et services d’inclusion)',
		producer: 'GIP de l’inclusion et producteurs de data·inclusion',
		licence: LICENCE_OUVERTE,
		note: 'data·inclusion publie ses structures et services sous Licence Ouverte 2.0, comme nos propres exports à ce format.'
	},
	{
		key: 'france-services',
		formats: ['france-services-csv'],
		name: 'France Services',
		producer: 'Agence nationale de la cohésion des territoires (ANCT)',
		licence: LICENCE_OUVERTE,
		note: 'Liste publiée par l’ANCT sous Licence Ouverte 2.0.'
	},
	{
		key: 'conseillers-numeriques-structures',
		formats: ['conseillers-numeriques-structures-csv'],
		name: 'Conseillers numériques\u00a0: structures',
		producer: 'ANCT',
		licence: LICENCE_OUVERTE,
		note: 'Données de l’ANCT, sous Licence Ouverte 2.0.'
	},
	{
		key: 'gironde-33',
		formats: ['gironde-33'],
		name: 'Lieux de médiation numérique de la Gironde',
		producer: 'Département de la Gironde',
		licence: LICENCE_OUVERTE,
		note: 'Republiés par la cartographie nationale sous Licence Ouverte 2.0.'
	},
	{
		key: 'fibre64',
		formats: ['fibre64'],
		name: 'Enquête La Fibre64 auprès des lieux des Pyrénées-Atlantiques',
		producer: 'La Fibre64',
		licence: LICENCE_OUVERTE,
		note: 'Republiée par la cartographie nationale sous Licence Ouverte 2.0.'
	},
	{
		key: 'aidants-connect',
		formats: ['aidants-connect-csv'],
		name: 'Aidants Connect\u00a0: structures habilitées',
		producer: 'ANCT (via le projet inclusion-numerique/stack)',
		licence: null,
		note: 'Copie publiée sans licence pour les données\u00a0: ces lieux ne sont pas republiés dans les fichiers.'
	},
	{
		key: ENTERED_HERE,
		formats: [],
		name: 'Lieux saisis sur ce site (gestionnaires de lieux, coordination)',
		producer: 'Ce site et ses partenaires',
		licence: LICENCE_OUVERTE,
		note: 'Publiés par ce site sous Licence Ouverte 2.0.'
	}
] satisfies SourceDescription[]);

/** The sources published with no licence, by name, in one phrase: « Aidants Connect : structures habilitées ». */
export const UNLICENSED_SOURCES: string = PLACE_SOURCES.filter((s) => !s.licence)
	.map((s) => s.name)
	.join(', ');

/** The licence of a source record, from the format of the file it was imported from (null: entered on the site); null when none, or the format is not declared. */
export function licenceOfFormat(format: string | null): Licence | null {
	if (format === null) return LICENCE_OUVERTE;
	return PLACE_SOURCES.find((s) => (s.formats as readonly string[]).includes(format))?.licence ?? null;
}

/** Import formats whose files come under a licence; any other (a new format not yet declared) is not republished. */
export const LICENSED_FORMATS: readonly string[] = PLACE_SOURCES.filter((s) => s.licence).flatMap((s) => s.formats);

/** SQL: a source record is under a licence (entered on the site: no import, no format). */
const licensedRecord = (format: SQL): SQL =>
	sql`(${format} IS NULL OR ${format} IN (${sql.join(
		LICENSED_FORMATS.map((f) => sql`${f}`),
		sql`, `
	)}))`;

/**
 * The licence of each of these places (a page of results, a batch of an export): its
 * identifier when one of its source records is under a licence or it has none (entered
 * here), else null. One look-up by the sources' place index, whatever the number of places
 * in the base (a condition in the search's own statement was planned as a scan of every
 * source record).
 */
export async function licencesOf(database: Database, ids: string[]): Promise<Map<string, string | null>> {
	const out = new Map<string, string | null>(ids.map((id) => [id, LICENCE_OUVERTE.id]));
	if (!ids.length) return out;
	const rows = await database.db
		.select({ id: placeSources.placeId, open: sql<boolean>`bool_or(${licensedRecord(sql`${importReports.format}`)})` })
		.from(placeSources)
		.leftJoin(importReports, eq(importReports.id, placeSources.importId))
		.where(inArray(placeSources.placeId, ids))
		.groupBy(placeSources.placeId);
	for (const r of rows) if (!r.open) out.set(r.id, null);
	return out;
}

/**
 * SQL, for a whole set (the counts of an export): the place is open data, as licencesOf
 * says, written as one hashed look-up of the places none of whose records is under a
 * licence.
 */
export const OPEN_PLACE_IN_SET = sql<boolean>`(${places.id} NOT IN (SELECT us.place_id FROM ${placeSources} us LEFT JOIN ${importReports} ur ON ur.id = us.import_id GROUP BY us.place_id HAVING NOT bool_or(${licensedRecord(sql`ur.format`)})))`;

export interface SourceCount {
	source: SourceDescription;
	/** published places (not closed for good) with a record from this source */
	places: number;
	/** the last import of a file of this source */
	lastImport: Date | null;
}

/** SQL: the key of the source a record came from (PLACE_SOURCES), from its import's format. */
function sourceKeySql(format: SQL): SQL<string> {
	const cases = PLACE_SOURCES.filter((s) => s.formats.length).map(
		(s) =>
			sql`WHEN ${format} IN (${sql.join(
				s.formats.map((f) => sql`${f}`),
				sql`, `
			)}) THEN ${s.key}::text`
	);
	return sql<string>`(CASE ${sql.join(cases, sql` `)} WHEN ${format} IS NULL THEN ${ENTERED_HERE}::text ELSE 'autre' END)`;
}

/** Per source: how many published places it informs, and its last import. For /donnees. */
export async function sourceCounts(database: Database): Promise<SourceCount[]> {
	const key = sourceKeySql(sql`${importReports.format}`);
	const rows = await database.db
		.select({ key, n: sql<number>`count(DISTINCT ${placeSources.placeId})::int`, last: sql<string | Date | null>`max(${importReports.finishedAt})` })
		.from(placeSources)
		.innerJoin(places, and(eq(places.id, placeSources.placeId), sql`${places.closure} IS DISTINCT FROM 'permanent'`))
		.leftJoin(importReports, eq(importReports.id, placeSources.importId))
		.groupBy(sql`1`);
	return PLACE_SOURCES.map((source) => {
		const row = rows.find((r) => r.key === source.key);
		return { source, places: Number(row?.n ?? 0), lastImport: row?.last ? new Date(row.last) : null };
	});
}
