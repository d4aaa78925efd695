/**
 * Import of places from any known file format: parse → map to the standard → validate →
 * match (same source key, else dedup) → recompose each touched place from all its sources
 * → write everything in ONE transaction, with a stored report. Re-importing is idempotent.
 */
import { createHash } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { bulkUpsert } from '../db/bulk.ts';
import { journal, type AuditActor } from '../audit/service.ts';
import { earthPoint } from '../db/types.ts';
import type { Database, Tx } from '../db/client.ts';
import { places, placeSources, importReports } from './db.ts';
import { parseSourceFile } from './sources/index.ts';
import { parseStandardRecord, contentHash } from './model.ts';
import { normalizeKey } from './values.ts';
import { weeklyOpenRanges } from './hours.ts';
import { municipalityLookup } from '../territory/service.ts';
import { DedupIndex, addressKey, type DedupCandidate } from './dedup.ts';
import type { LocationPrecision, MunicipalityLookup, PlaceFields, Rejection } from './types.ts';
import { frenchSpacing } from '../../text/typography';

export interface ImportWarning {
	row: number;
	sourceId?: string;
	message: string;
}

export interface ImportReport {
	id: number | null;
	fileName: string;
	format: string;
	source: string;
	total: number;
	created: number;
	updated: number;
	merged: number;
	unchanged: number;
	rejected: number;
	/** valid records outside onlyDepartments */
	skipped: number;
	rejections: Rejection[];
	warnings: ImportWarning[];
	ms: number;
	/** milliseconds per phase: lookup, parse, validate, match, compose, write */
	phases: Record<string, number>;
}

export interface ImportOptions {
	fileName: string;
	content: Buffer | string;
	/** today's date for date_maj defaults (YYYY-MM-DD) */
	today?: string;
	/** validate and report without writing */
	dryRun?: boolean;
	/** tag the report's source differently from the detected one */
	source?: string;
	/** keep only places in these départements (others are counted as skipped, not rejected) */
	onlyDepartments?: string[];
	/** who imports, for the journal (default: the command line) */
	actor?: AuditActor;
}

/** What we keep of one source's view of a place: validated fields + how precise its position is. */
export interface SourceView {
	fields: Omit<PlaceFields, 'id'>;
	locationPrecision: LocationPrecision;
}

/** A source view as stored: fields without their empty values (lists [], null), about half the size. */
export type StoredView = { fields: Partial<Omit<PlaceFields, 'id'>>; locationPrecision: LocationPrecision };

export function compactView(v: SourceView): StoredView {
	const fields: Record<string, unknown> = {};
	for (const [k, x] of Object.entries(v.fields)) {
		if (x == null || (Array.isArray(x) && x.length === 0)) continue;
		fields[k] = x;
	}
	return { fields: fields as StoredView['fields'], locationPrecision: v.locationPrecision };
}

const EMPTY_FIELDS: Omit<PlaceFields, 'id' | 'pivot' | 'nom' | 'commune' | 'codePostal' | 'adresse' | 'dateMaj'> = {
	codeInsee: null,
	complementAdresse: null,
	latitude: null,
	longitude: null,
	typologie: [],
	telephone: null,
	courriels: [],
	siteWeb: [],
	horaires: null,
	presentationResume: null,
	presentationDetail: null,
	source: null,
	itinerance: [],
	structureParente: null,
	services: [],
	publicsSpecifiquementAdresses: [],
	priseEnChargeSpecifique: [],
	fraisACharge: [],
	dispositifProgrammesNationaux: [],
	formationsLabels: [],
	autresFormationsLabels: [],
	modalitesAcces: [],
	modalitesAccompagnement: [],
	ficheAccesLibre: null,
	priseRdv: null
};

export function expandView(v: StoredView): SourceView {
	return { fields: { ...EMPTY_FIELDS, ...v.fields } as SourceView['fields'], locationPrecision: v.locationPrecision };
}

interface Accepted {
	row: number;
	source: string;
	sourceId: string;
	view: SourceView;
	hash: string;
	/** the standard's id when the file is in the standard's format */
	standardId: string | null;
}

/** records validated, matched and written together */
const CHUNK = 2000;
/** records validated between two turns of the event loop */
const SLICE = 250;
/** rows written from which an import refreshes the planner's statistics */
const ANALYZE_AFTER = 500;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{5,127}$/;

export function placeIdFor(source: string, sourceId: string): string {
	return 'l' + createHash('sha256').update(`${source}\u0000${sourceId}`).digest('hex').slice(0, 15);
}

export function departmentOf(codeInsee: string | null, codePostal: string, lookup?: MunicipalityLookup): string | null {
	if (codeInsee) {
		const m = lookup?.byInsee(codeInsee);
		if (m) return m.departmentCode;
		return codeInsee.startsWith('97') ? codeInsee.slice(0, 3) : codeInsee.slice(0, 2);
	}
	const byCp = lookup?.byPostcode(codePostal)[0];
	if (byCp) return byCp.departmentCode;
	return codePostal.startsWith('97') ? codePostal.slice(0, 3) : codePostal.slice(0, 2);
}

/** Validates every record of a parsed file; fills INSEE code, département and missing positions. */
function validateRecords(
	records: ReturnType<typeof parseSourceFile>['records'],
	standardFormat: boolean,
	lookup: MunicipalityLookup,
	today: string,
	rejections: Rejection[],
	warnings: ImportWarning[],
	/** source keys already seen in the file (shared by the chunks of one file) */
	seen: Set<string>
): Accepted[] {
	const accepted: Accepted[] = [];
	for (const r of records) {
		const key = `${r.source}\u0000${r.sourceId}`;
		if (seen.has(key)) {
			rejections.push({ row: r.row, sourceId: r.sourceId, reasons: [`identifiant « ${r.sourceId} » déjà présent plus haut dans le fichier`] });
			continue;
		}
		const v = parseStandardRecord(r.record, { today });
		if (!v.ok) {
			rejections.push({ row: r.row, sourceId: r.sourceId, reasons: v.errors });
			continue;
		}
		seen.add(key);
		// (destructured, not `delete`d: a deleted key turns the object into a slow dictionary
		// that every later step, hashing, composing and serialising, pays for)
		const { id: _id, ...fields } = v.place as PlaceFields;
		const notes = [...r.warnings, ...v.warnings];
		let precision: LocationPrecision = r.locationPrecision;
		const commune =
			(fields.codeInsee && lookup.byInsee(fields.codeInsee)) ||
			lookup.byName(fields.commune, { postcode: fields.codePostal }) ||
			(lookup.byPostcode(fields.codePostal).length === 1 ? lookup.byPostcode(fields.codePostal)[0] : undefined);
		if (!fields.codeInsee && commune) fields.codeInsee = commune.inseeCode;
		if (fields.latitude == null || fields.longitude == null) {
			if (commune?.latitude != null && commune.longitude != null) {
				fields.latitude = commune.latitude;
				fields.longitude = commune.longitude;
				precision = 'municipality';
				notes.push('coordonnées absentes\u00a0: lieu placé au centre de la commune');
			} else {
				rejections.push({
					row: r.row,
					sourceId: r.sourceId,
					reasons: [
						`commune introuvable (« ${fields.commune} », ${fields.codePostal}) et pas de coordonnées\u00a0: le lieu ne pourrait pas être trouvé par distance`
					]
				});
				seen.delete(key);
				continue;
			}
		}
		for (const message of notes) warnings.push({ row: r.row, sourceId: r.sourceId, message });
		const view: SourceView = { fields, locationPrecision: precision };
		accepted.push({
			row: r.row,
			source: r.source,
			sourceId: r.sourceId,
			view,
			hash: contentHash(view.fields) + (precision === 'municipality' ? ':m' : ''),
			standardId: standardFormat ? String(r.record.id ?? '') || null : null
		});
	}
	return accepted;
}

const SCALARS_FROM_PRIMARY = ['nom', 'commune', 'codePostal', 'codeInsee', 'adresse', 'complementAdresse', 'latitude', 'longitude'] as const;
const LISTS = [
	'typologie',
	'courriels',
	'siteWeb',
	'itinerance',
	'services',
	'publicsSpecifiquementAdresses',
	'priseEnChargeSpecifique',
	'fraisACharge',
	'dispositifProgrammesNationaux',
	'formationsLabels',
	'autresFormationsLabels',
	'modalitesAcces',
	'modalitesAccompagnement'
] as const;
const OTHER_SCALARS = ['telephone', 'horaires', 'presentationResume', 'presentationDetail', 'structureParente', 'ficheAccesLibre', 'priseRdv'] as const;

/** Orders a place's sources: precise position first, then the most recently updated. */
function byPriority(a: SourceView & { source: string }, b: SourceView & { source: string }): number {
	if (a.locationPrecision !== b.locationPrecision) return a.locationPrecision === 'address' ? -1 : 1;
	if (a.fields.dateMaj !== b.fields.dateMaj) return a.fields.dateMaj < b.fields.dateMaj ? 1 : -1;
	return a.source < b.source ? -1 : a.source > b.source ? 1 : 0;
}

/** One place from all its sources: identity and position from the best source, the rest completed, lists joined. */
/** The source of what a place's manager wrote in maillage itself: it wins over imported sources. */
export const MANAGER_SOURCE = 'maillage';

export function composePlace(id: string, views: (SourceView & { source: string })[]): PlaceFields & { locationPrecision: LocationPrecision } {
	const managed = views.find((v) => v.source === MANAGER_SOURCE);
	if (managed) views = [managed];
	if (views.length === 1) {
		// one source (most places): its fields as they are, lists already without duplicates
		const [v] = views;
		const out = { ...v.fields, id, locationPrecision: v.locationPrecision };
		if (!out.source) out.source = v.source;
		return out;
	}
	const sorted = [...views].sort(byPriority);
	const primary = sorted[0];
	const out = { ...primary.fields, id } as PlaceFields & { locationPrecision: LocationPrecision };
	out.locationPrecision = primary.locationPrecision;
	for (const k of SCALARS_FROM_PRIMARY) (out as unknown as Record<string, unknown>)[k] = primary.fields[k];
	for (const k of OTHER_SCALARS) {
		const found = sorted.find((v) => v.fields[k] != null && v.fields[k] !== '');
		(out as unknown as Record<string, unknown>)[k] = found ? found.fields[k] : null;
	}
	if (/^0+$/.test(out.pivot)) {
		const real = sorted.find((v) => !/^0+$/.test(v.fields.pivot));
		if (real) out.pivot = real.fields.pivot;
	}
	for (const k of LISTS) {
		const set = new Set<string>();
		for (const v of sorted) for (const x of v.fields[k]) set.add(x);
		out[k] = [...set];
	}
	out.dateMaj = sorted.reduce((m, v) => (v.fields.dateMaj > m ? v.fields.dateMaj : m), primary.fields.dateMaj);
	out.source = primary.fields.source || primary.source;
	return out;
}

/** Fields a coordinator may correct by hand (places.overrides); the import leaves them as corrected. */
const OVERRIDABLE = new Set<string>([
	'nom',
	'adresse',
	'complementAdresse',
	'codePostal',
	'commune',
	'codeInsee',
	'latitude',
	'longitude',
	'locationPrecision',
	'telephone',
	'courriels',
	'siteWeb',
	'horaires',
	'presentationResume',
	'presentationDetail',
	'priseRdv',
	'pivot',
	'services',
	'publicsSpecifiquementAdresses',
	'fraisACharge',
	'modalitesAcces',
	'modalitesAccompagnement',
	'typologie',
	'structureParente'
]);

/** Puts a place's hand corrections back over what its sources say. */
export function applyOverrides<T extends PlaceFields & { locationPrecision: LocationPrecision }>(
	p: T,
	overrides: Record<string, unknown> | null | undefined
): T {
	if (!overrides) return p;
	let out: Record<string, unknown> | null = null;
	for (const [k, v] of Object.entries(overrides)) {
		if (!OVERRIDABLE.has(k)) continue;
		const o: Record<string, unknown> = out ?? { ...(p as Record<string, unknown>) };
		o[k] = v;
		out = o;
	}
	return (out ?? p) as T;
}

function toRow(p: PlaceFields & { locationPrecision: LocationPrecision }, lookup: MunicipalityLookup) {
	return {
		...p,
		nom: frenchSpacing(p.nom), // the sources' "ESPACE 3E: EMPLOI" reads with French spacing
		departmentCode: departmentOf(p.codeInsee, p.codePostal, lookup),
		openWeek: weeklyOpenRanges(p.horaires), // memoised per horaires value in hours.ts
		pos: p.latitude != null && p.longitude != null ? earthPoint(p.latitude, p.longitude, p.id) : null,
		nameKey: normalizeKey(p.nom),
		updatedAt: new Date()
	} satisfies Omit<typeof places.$inferInsert, 'createdAt'>;
}

function candidateOf(
	id: string,
	p: Pick<PlaceFields, 'nom' | 'commune' | 'adresse' | 'latitude' | 'longitude' | 'codeInsee' | 'codePostal' | 'pivot'>,
	precise: boolean,
	importTag?: number
): DedupCandidate {
	return {
		id,
		nameKey: normalizeKey(p.nom),
		communeKey: normalizeKey(p.commune),
		addressKey: addressKey(p.adresse),
		latitude: p.latitude,
		longitude: p.longitude,
		codeInsee: p.codeInsee,
		codePostal: p.codePostal,
		pivot: p.pivot,
		precise,
		importTag
	};
}

export async function importPlaces(database: Database, opts: ImportOptions): Promise<ImportReport> {
	const t0 = performance.now();
	const phases: Record<string, number> = {};
	let tp = t0;
	const phase = (name: string) => {
		const t = performance.now();
		phases[name] = Math.round((phases[name] ?? 0) + t - tp);
		tp = t;
	};
	const today = opts.today ?? new Date().toISOString().slice(0, 10);
	const lookup = await municipalityLookup(database);
	phase('lookup');
	const parsed = parseSourceFile(opts.fileName, opts.content, { municipalities: lookup, today });
	phase('parse');
	const rejections: Rejection[] = [...parsed.rejected];
	const warnings: ImportWarning[] = [];
	const report: ImportReport = {
		id: null,
		fileName: opts.fileName,
		format: parsed.format,
		source: opts.source ?? parsed.source,
		total: parsed.records.length + parsed.rejected.length,
		created: 0,
		updated: 0,
		merged: 0,
		unchanged: 0,
		rejected: 0,
		skipped: 0,
		rejections,
		warnings,
		ms: 0,
		phases
	};
	const keepDepartments = opts.onlyDepartments?.length ? new Set(opts.onlyDepartments) : null;
	const standardFormat = parsed.format.startsWith('standard');

	/**
	 * The file goes through in chunks: validating and matching chunk n+1 (JavaScript) runs
	 * while PostgreSQL writes chunk n, since the writes are sent without waiting. Queries
	 * on the transaction's one connection run in order, so each chunk reads what the
	 * previous ones wrote.
	 */
	let failure: unknown = null;
	/** the file's rows of the chunk being written when the database refused it */
	let failedRows: FailedChunk | null = null;
	const write = async (tx: Tx) => {
		try {
			await writeChunks(tx);
		} catch (e) {
			// a later query may fail only because an earlier write aborted the transaction;
			// the message names the row and the reason, never the SQL nor the values
			throw importFailure(failure ?? e, failedRows);
		}
	};
	const writeChunks = async (tx: Tx) => {
		const seen = new Set<string>();
		const importTag = Date.now();
		const sources = [...new Set(parsed.records.map((r) => r.source))];
		// 1. existing source keys, every place id, and the reports row (its id goes on each source)
		const existing = new Map<string, { placeId: string; hash: string }>();
		if (sources.length) {
			const rows = await tx
				.select({ source: placeSources.source, sourceId: placeSources.sourceId, placeId: placeSources.placeId, hash: placeSources.contentHash })
				.from(placeSources)
				.where(inArray(placeSources.source, sources));
			for (const r of rows) existing.set(`${r.source}\u0000${r.sourceId}`, { placeId: r.placeId, hash: r.hash });
		}
		const allIds = new Set<string>();
		for (const r of await tx.select({ id: places.id }).from(places)) allIds.add(r.id);
		if (!opts.dryRun) {
			const [rep] = await tx
				.insert(importReports)
				.values({ fileName: opts.fileName, format: parsed.format, source: report.source })
				.returning({ id: importReports.id });
			report.id = rep.id;
		}
		const index = new DedupIndex();
		const loadedDeps = new Set<string>();
		phase('load');

		let pending: Promise<unknown> = Promise.resolve();
		for (let c = 0; c < parsed.records.length; c += CHUNK) {
			// 2. validate this chunk (while the previous chunk is being written)
			const chunkWarnings: ImportWarning[] = [];
			let accepted: Accepted[] = [];
			for (let v = c; v < Math.min(c + CHUNK, parsed.records.length); v += SLICE) {
				accepted.push(
					...validateRecords(parsed.records.slice(v, Math.min(v + SLICE, c + CHUNK)), standardFormat, lookup, today, rejections, chunkWarnings, seen)
				);
				// give the event loop a turn: the driver sends the previous chunk's next statement
				await new Promise<void>((resolve) => setImmediate(resolve));
			}
			if (keepDepartments) {
				const before = accepted.length;
				accepted = accepted.filter((a) => keepDepartments.has(departmentOf(a.view.fields.codeInsee, a.view.fields.codePostal, lookup) ?? ''));
				report.skipped += before - accepted.length;
				// warnings of records outside the territory are not reported
				const kept = new Set(accepted.map((a) => a.row));
				for (const w of chunkWarnings) if (kept.has(w.row)) warnings.push(w);
			} else warnings.push(...chunkWarnings);
			phase('validate');
			// 3. the places of the départements this chunk touches, for matching (once each)
			const deps = [
				...new Set(
					accepted.map((a) => departmentOf(a.view.fields.codeInsee, a.view.fields.codePostal, lookup)).filter((d): d is string => !!d && !loadedDeps.has(d))
				)
			];
			if (deps.length) {
				for (const d of deps) loadedDeps.add(d);
				const rows = await tx
					.select({
						id: places.id,
						nom: places.nom,
						commune: places.commune,
						adresse: places.adresse,
						latitude: places.latitude,
						longitude: places.longitude,
						codeInsee: places.codeInsee,
						codePostal: places.codePostal,
						pivot: places.pivot,
						precision: places.locationPrecision
					})
					.from(places)
					.where(inArray(places.departmentCode, deps));
				// places created by earlier chunks of this file are already in the index
				for (const r of rows) if (!index.has(r.id)) index.add(candidateOf(r.id, r, r.precision === 'address'));
				phase('load');
			}
			// 4. match
			const dirty = new Map<string, Map<string, Accepted>>(); // placeId → key → record of this chunk
			const createdHere = new Set<string>(); // new places: no other source to read back
			const touched: { a: Accepted; placeId: string; score: number | null }[] = [];
			for (const a of accepted) {
				const key = `${a.source}\u0000${a.sourceId}`;
				const ex = existing.get(key);
				let placeId: string;
				let score: number | null = null;
				if (ex) {
					if (ex.hash === a.hash) {
						report.unchanged++;
						continue;
					}
					placeId = ex.placeId;
					report.updated++;
				} else {
					const cand = candidateOf('', a.view.fields, a.view.locationPrecision === 'address', importTag);
					const own = a.standardId && allIds.has(a.standardId) ? { id: a.standardId, score: 1 } : null;
					const match = own ?? index.bestMatch(cand);
					if (match) {
						placeId = match.id;
						score = match.score;
						report.merged++;
					} else {
						placeId = a.standardId && ID_PATTERN.test(a.standardId) && !allIds.has(a.standardId) ? a.standardId : placeIdFor(a.source, a.sourceId);
						if (allIds.has(placeId)) placeId = placeIdFor(a.source, `${a.sourceId}\u0000${importTag}`);
						allIds.add(placeId);
						report.created++;
						createdHere.add(placeId);
						cand.id = placeId;
						index.add(cand);
					}
				}
				let m = dirty.get(placeId);
				if (!m) dirty.set(placeId, (m = new Map()));
				m.set(key, a);
				touched.push({ a, placeId, score });
			}
			phase('match');
			if (opts.dryRun || dirty.size === 0) continue;
			// 5. the other sources of each touched place that existed before this chunk (this
			// query waits for the previous writes: skipped when the chunk only creates places)
			const dirtyIds = [...dirty.keys()];
			const otherViews = new Map<string, (SourceView & { source: string })[]>();
			const known = dirtyIds.filter((id) => !createdHere.has(id));
			const rows = known.length
				? await tx
						.select({ placeId: placeSources.placeId, source: placeSources.source, sourceId: placeSources.sourceId, record: placeSources.record })
						.from(placeSources)
						.where(inArray(placeSources.placeId, known))
				: [];
			for (const r of rows) {
				if (dirty.get(r.placeId)?.has(`${r.source}\u0000${r.sourceId}`)) continue; // replaced by this chunk
				const list = otherViews.get(r.placeId) ?? [];
				list.push({ ...expandView(r.record as StoredView), source: r.source });
				otherViews.set(r.placeId, list);
			}
			// hand corrections of the known places (edit.ts): the fields corrected stay as corrected
			const corrections = new Map<string, Record<string, unknown>>();
			if (known.length)
				for (const r of await tx
					.select({ id: places.id, overrides: places.overrides })
					.from(places)
					.where(and(inArray(places.id, known), sql`${places.overrides} <> '{}'::jsonb`)))
					corrections.set(r.id, r.overrides);
			phase('load-sources');
			// 6. compose the places, then send their rows and the sources' without waiting
			const placeRows = dirtyIds.map((id) => {
				const views = [...(otherViews.get(id) ?? []), ...[...dirty.get(id)!.values()].map((a) => ({ ...a.view, source: a.source }))];
				return toRow(applyOverrides(composePlace(id, views), corrections.get(id)), lookup);
			});
			const now = new Date();
			const srcRows = touched.map(({ a, placeId, score }) => ({
				placeId,
				source: a.source,
				sourceId: a.sourceId,
				record: compactView(a.view),
				contentHash: a.hash,
				importId: report.id,
				matchScore: score,
				firstSeenAt: now,
				lastSeenAt: now
			}));
			phase('compose');
			await pending;
			phase('write');
			pending = bulkUpsert(tx, places, placeRows, { conflict: ['id'] }).then(() =>
				bulkUpsert(tx, placeSources, srcRows, {
					conflict: ['source', 'sourceId'],
					update: ['placeId', 'record', 'contentHash', 'importId', 'lastSeenAt']
				})
			);
			// a failed write aborts the transaction: remember its error, the real cause
			const chunkRows = { rows: touched.map((t) => t.a.row), placeRows, srcRows, placeOf: touched.map((t) => t.placeId) };
			pending.catch((e: unknown) => {
				if (!failure) failedRows = chunkRows;
				failure ??= e;
			});
		}
		await pending;
		phase('write');
		rejections.sort((a, b) => a.row - b.row);
		report.rejected = rejections.length;
	};

	if (!opts.dryRun) {
		await database.db
			.transaction(async (tx) => {
				await write(tx);
				report.ms = Math.round(performance.now() - t0);
				const values = {
					fileName: opts.fileName,
					format: parsed.format,
					source: report.source,
					finishedAt: new Date(),
					total: report.total,
					created: report.created,
					updated: report.updated,
					merged: report.merged,
					unchanged: report.unchanged,
					rejected: report.rejected,
					skipped: report.skipped,
					rejections: report.rejections,
					warnings: report.warnings
				};
				if (report.id == null) {
					const [rep] = await tx.insert(importReports).values(values).returning({ id: importReports.id });
					report.id = rep.id;
				} else {
					await tx.update(importReports).set(values).where(eq(importReports.id, report.id));
				}
				// one journal entry per file: its digest and counts (the rows are in the stored report)
				if (report.created + report.updated + report.merged > 0)
					await journal(tx, {
						actor: opts.actor ?? { kind: 'cli' },
						action: 'places.imported',
						targetType: 'import_report',
						targetId: String(report.id),
						after: { sha256: createHash('sha256').update(opts.content).digest('hex') },
						details: {
							file: opts.fileName,
							format: parsed.format,
							created: report.created,
							updated: report.updated,
							merged: report.merged,
							rejected: report.rejected
						}
					});
			})
			.catch(async (e: unknown) => {
				// the database refused a chunk: find its row at fault (each alone, then rolled back)
				if (e instanceof ImportFailedError && failedRows && e.rows.length > 1) throw await locateFailure(database, e, failedRows);
				throw e;
			});
		// fresh planner statistics after a large import: with stale ones PostgreSQL guesses
		// that a filter like services && {…} keeps 0.5 % of the places and sorts thousands
		// of rows instead of walking the position index nearest first (54 ms instead of 1 ms)
		if (report.created + report.updated + report.merged >= ANALYZE_AFTER) {
			await database.db.execute(sql`analyze places`);
			await database.db.execute(sql`analyze place_sources`);
		}
	} else {
		// matching only: `write` returns before writing anything
		await database.db.transaction(write);
	}
	report.ms = Math.round(performance.now() - t0);
	return report;
}

/** Human-readable summary for the CLI (English; rejection reasons stay in French as stored). */
export function formatReport(r: ImportReport, maxLines = 50): string {
	const lines = [
		`${r.fileName} (${r.format}, source ${r.source}): ${r.total} rows in ${r.ms} ms`,
		`  created ${r.created} · updated ${r.updated} · merged into existing ${r.merged} · unchanged ${r.unchanged} · rejected ${r.rejected}${r.skipped ? ` · skipped (outside the territory) ${r.skipped}` : ''}`
	];
	if (r.id != null) lines.push(`  report #${r.id} stored`);
	for (const rej of r.rejections.slice(0, maxLines)) {
		lines.push(`  rejected row ${rej.row}${rej.sourceId ? ` (${rej.sourceId})` : ''}: ${rej.reasons.join('\u00a0; ')}`);
	}
	if (r.rejections.length > maxLines) lines.push(`  … and ${r.rejections.length - maxLines} more rejections (see the stored report)`);
	if (r.warnings.length) lines.push(`  ${r.warnings.length} warnings (see the stored report)`);
	return lines.join('\n');
}

/**
 * An import the database refused (issue 11, low finding: the command line printed the raw
 * SQL and every row of the chunk). Its message gives the file's row and the reason only.
 */
export class ImportFailedError extends Error {
	constructor(
		message: string,
		public rows: number[],
		public code: string | null
	) {
		super(message);
		this.name = 'ImportFailedError';
	}
}

const REASONS: Record<string, string> = {
	'22021': 'a text holds a character the database refuses (NUL or invalid UTF-8)',
	'22P05': 'a text holds a character the database refuses (NUL or invalid UTF-8)',
	'22001': 'a value is too long for its column',
	'22003': 'a number is out of range',
	'23505': 'the same place or source identifier appears twice',
	'23502': 'a required value is missing',
	'23514': 'a value breaks a rule of the database'
};

interface FailedChunk {
	rows: number[];
	placeRows: Record<string, unknown>[];
	srcRows: Record<string, unknown>[];
	/** the place of each row (same order as rows) */
	placeOf: string[];
}

class Rollback extends Error {}

/** Writes the failed chunk's rows one at a time (savepoints, all rolled back) to name the first refused. */
async function locateFailure(database: Database, e: ImportFailedError, failed: FailedChunk): Promise<ImportFailedError> {
	let found: number | null = null;
	await database.db
		.transaction(async (tx) => {
			for (const row of failed.placeRows) {
				const ok = await tx
					.transaction(async (sp) => bulkUpsert(sp, places, [row] as never, { conflict: ['id'] }))
					.then(
						() => true,
						() => false
					);
				if (!ok) {
					const i = failed.placeOf.indexOf(String(row.id));
					if (i >= 0) found = failed.rows[i];
					break;
				}
			}
			if (found === null)
				for (let i = 0; i < failed.srcRows.length; i++) {
					const ok = await tx
						.transaction(async (sp) =>
							bulkUpsert(sp, placeSources, [{ ...failed.srcRows[i], importId: null }] as never, {
								conflict: ['source', 'sourceId'],
								update: ['placeId', 'record', 'contentHash', 'importId', 'lastSeenAt']
							})
						)
						.then(
							() => true,
							() => false
						);
					if (!ok) {
						found = failed.rows[i];
						break;
					}
				}
			throw new Rollback();
		})
		.catch((x: unknown) => {
			if (!(x instanceof Rollback)) throw x;
		})
		.catch(() => undefined);
	if (found === null) return e;
	return new ImportFailedError(e.message.replace(/^rows \d+–\d+/, `row ${found}`), [found], e.code);
}

function importFailure(e: unknown, failed: FailedChunk | null): unknown {
	if (e instanceof ImportFailedError) return e;
	const cause = (e as { cause?: unknown })?.cause;
	const code =
		[e, cause].map((x) => (x as { code?: unknown } | undefined)?.code).find((c): c is string => typeof c === 'string' && /^[0-9A-Z]{5}$/.test(c)) ?? null;
	if (!code && !(e instanceof Error && /Failed query/.test(e.message))) return e; // not the database's refusal
	const reason = (code && REASONS[code]) ?? `the database refused it (SQLSTATE ${code ?? 'unknown'})`;
	const rows = failed?.rows ?? [];
	const where = rows.length === 0 ? 'import failed' : rows.length === 1 ? `row ${rows[0]}` : `rows ${Math.min(...rows)}–${Math.max(...rows)}`;
	return new ImportFailedError(`${where}: ${reason}; nothing was imported`, rows, code);
}
