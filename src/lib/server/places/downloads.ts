/**
 * The files offered for reuse (issue 14, item 5): every published place of the territory
 * as the national standard's CSV (schema v1.0.2) and as JSON (the API's representation),
 * each one streamed from the database page by page (memory stays flat whatever the number
 * of places), at stable addresses, named after the data's last change and the territory,
 * ready to be declared on data.gouv.fr as remote resources. Both hold the places that are
 * open data only (licences.ts); how many are left out is said in the JSON, on /donnees and
 * in the OpenAPI document.
 */
import type { Database } from '../db/client.ts';
import { departmentNames, getInstanceSettings } from '../territory/index.ts';
import { parisDay } from '../../time.ts';
import { normalizeKey } from '../../text/keys.ts';
import { CSV_MEDIA_TYPE, csvHeader, csvRow } from './csv.ts';
import { placeToJson } from './api.ts';
import { allPlaces, type PublicPlace } from './place.ts';
import { exportState, type ExportState } from './freshness.ts';
import { LICENCE_OUVERTE, NO_EXPLICIT_LICENCE, sourceCounts, UNLICENSED_SOURCES } from './licences.ts';

export type DownloadKind = 'csv' | 'json';

/** The stable addresses of the downloads. */
export const DOWNLOAD_PATHS: Readonly<Record<DownloadKind, string>> = Object.freeze({
	csv: '/api/v1/telechargements/lieux-mediation-numerique.csv',
	json: '/api/v1/telechargements/lieux-mediation-numerique.json'
});

/**
 * The national standard's Table Schema, v1.0.2: the standard's repository at the commit
 * that made 1.0.2 (schema.data.gouv.fr lists 1.0.1 as the latest tagged version).
 */
export const STANDARD_SCHEMA_URL = 'https://raw.githubusercontent.com/LaMednum/standard-mediation-num/e347ff40a0072ed2e0caf7f04384dfd2c84dbaff/schema.json';
/** How data.gouv.fr names the standard when a resource declares it. */
export const STANDARD_SCHEMA_NAME = 'LaMednum/standard-mediation-num';

const MEDIA_TYPES: Record<DownloadKind, string> = { csv: CSV_MEDIA_TYPE, json: 'application/json; charset=utf-8' };

export interface Download extends ExportState {
	kind: DownloadKind;
	path: string;
	mediaType: string;
	/** « 20261207-lieux-mediation-numerique-lot-et-garonne.csv »: the day of the data's last change (Paris) */
	fileName: string;
	/** the territory's name, as in the file name */
	territory: string;
	departements: string[];
	/** the site's name, the title of the JSON file */
	title: string;
}

/**
 * The départements a file offered for reuse covers: those asked (`?departement=`), else the
 * instance's, so that the downloads, the national map's feed and the data·inclusion files of
 * one instance hold the same places (its territory; the neighbours' places it knows come
 * from files their own producers publish).
 */
export async function reuseDepartements(database: Database, asked: string[] = []): Promise<string[]> {
	if (asked.length) return asked;
	return (await getInstanceSettings(database)).departmentCodes ?? [];
}

/** What a download holds now: its places, validators, name. The territory is the instance's départements (all places when it has none). */
export async function describeDownload(database: Database, kind: DownloadKind): Promise<Download> {
	const settings = await getInstanceSettings(database);
	const departements = settings.departmentCodes ?? [];
	const names = await departmentNames(database.db, departements);
	const territory = normalizeKey(names.length ? names.map((n) => n.name).join(' ') : settings.name).replace(/ /g, '-') || 'territoire';
	const state = await exportState(database, kind, departements);
	const day = parisDay(state.lastModified).replace(/-/g, '');
	return {
		...state,
		kind,
		path: DOWNLOAD_PATHS[kind],
		mediaType: MEDIA_TYPES[kind],
		fileName: `${day}-lieux-mediation-numerique-${territory}.${kind}`,
		territory,
		departements,
		title: `Lieux de médiation numérique – ${settings.name}`
	};
}

interface Parts {
	head: string;
	row: (p: PublicPlace) => string;
	separator: string;
	tail: (count: number) => string;
}

/** Pages of places → bytes, one page per pull (the consumer's pace), the cursor closed if the client goes away. */
function streamOf(rows: AsyncGenerator<PublicPlace[]>, parts: Parts): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	let started = false;
	let count = 0;
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			let text = '';
			if (!started) {
				started = true;
				text = parts.head;
			}
			const { value, done } = await rows.next();
			if (done) {
				controller.enqueue(encoder.encode(text + parts.tail(count)));
				return controller.close();
			}
			for (const p of value) text += (count++ ? parts.separator : '') + parts.row(p);
			controller.enqueue(encoder.encode(text));
		},
		async cancel() {
			await rows.return(undefined);
		}
	});
}

/** The national standard's CSV of the published open-data places (of some départements), streamed. */
export function placesCsvStream(database: Database, departements: string[] = []): ReadableStream<Uint8Array> {
	return streamOf(allPlaces(database, { departements, openOnly: true }), { head: csvHeader(), row: csvRow, separator: '', tail: () => '' });
}

/** The JSON file: what it is and under which licence, the places as the API gives them, their count last. */
function placesJsonStream(database: Database, d: Download): ReadableStream<Uint8Array> {
	const head = JSON.stringify({
		titre: d.title,
		licence: { id: LICENCE_OUVERTE.id, nom: LICENCE_OUVERTE.name, url: LICENCE_OUVERTE.url },
		date_maj: parisDay(d.lastModified),
		lieux_non_inclus: {
			nombre: d.excluded,
			raison: `Lieux connus seulement par des sources publiées sans licence explicite (${UNLICENSED_SOURCES})\u00a0: ils ne sont pas republiés.`
		}
	});
	return streamOf(allPlaces(database, { departements: d.departements, openOnly: true }), {
		head: `${head.slice(0, -1)},"data":[`,
		row: (p) => JSON.stringify(placeToJson(p, { licence: LICENCE_OUVERTE.id })),
		separator: ',',
		tail: (n) => `],"total":${n}}`
	});
}

/** The bytes of a download, streamed. */
export function downloadStream(database: Database, d: Download): ReadableStream<Uint8Array> {
	return d.kind === 'csv' ? placesCsvStream(database, d.departements) : placesJsonStream(database, d);
}

/** Sizes already measured, by download and ETag: the data changes far less often than /donnees is read. */
const sizes = new Map<string, number>();

/** The size in bytes of a download as it is now (measured by producing it once per change of the data, without keeping it). */
export async function downloadSize(database: Database, d: Download): Promise<number> {
	const key = `${d.kind} ${d.etag}`;
	const known = sizes.get(key);
	if (known !== undefined) return known;
	let size = 0;
	for await (const chunk of downloadStream(database, d)) size += chunk.byteLength;
	for (const k of sizes.keys()) if (k.startsWith(`${d.kind} `)) sizes.delete(k);
	sizes.set(key, size);
	return size;
}

export interface OpenDataSummary {
	files: { kind: DownloadKind; path: string; fileName: string; count: number; bytes: number; lastModified: Date }[];
	/** places shown on the site but left out of the files (no licence) */
	excluded: number;
	/** the sources published with no licence, by name */
	unlicensed: string;
	/** the sources that inform published places; `licence` is the licence's name or « Pas de licence explicite » */
	sources: { name: string; producer: string; places: number; lastImport: Date | null; licence: string; open: boolean; note: string }[];
}

/** What /donnees says of the files and of the sources: one read of each download (sizes measured once per change) and the counts per source. */
export async function openDataSummary(database: Database): Promise<OpenDataSummary> {
	const files: OpenDataSummary['files'] = [];
	let excluded = 0;
	for (const kind of ['csv', 'json'] as const) {
		const d = await describeDownload(database, kind);
		excluded = d.excluded;
		files.push({ kind, path: d.path, fileName: d.fileName, count: d.count, bytes: await downloadSize(database, d), lastModified: d.lastModified });
	}
	const sources = (await sourceCounts(database))
		.filter((s) => s.places > 0)
		.map((s) => ({
			name: s.source.name,
			producer: s.source.producer,
			places: s.places,
			lastImport: s.lastImport,
			licence: s.source.licence?.name ?? NO_EXPLICIT_LICENCE,
			open: !!s.source.licence,
			note: s.source.note
		}));
	return { files, excluded, unlicensed: UNLICENSED_SOURCES, sources };
}
