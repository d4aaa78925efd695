/**
 * Import of places from any known file format: parse → map to the standard → validate →
 * match (same source key, else dedup) → recompose each touched place from all its sources
 * → write everything in ONE transaction, with a stored report. Re-importing is idempotent.
 */
import { createHash } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { bulkUpsert } from '../db/bulk.ts';
import { journal, type AuditActor } from '../audit/index.ts';
import { earthPoint } from '../db/types.ts';
import type { Database, Tx } from '../db/client.ts';
import { places, placeSources, importReports } from './db.ts';
import { parseSourceFile } from './sources/index.ts';
import { parseStandardRecord, contentHash } from './model.ts';
import { normalizeKey } from './values.ts';
import { weeklyOpenRanges } from './hours.ts';
import { municipalityLookup } from '../territory/index.ts';
import { DedupIndex, addressKey, type DedupCandidate } from './dedup.ts';
import type { LocationPrecision, MunicipalityLookup, PlaceFields, Rejection } from './types.ts';
import type { ImportReport, ImportWarning } from './reports.ts';
import { applyOverrides, compactView, composePlace, expandView, placeIdFor, type SourceView, type StoredView } from './compose.ts';
import { ImportFailedError, TerritoryNotLoadedError, importFailure, locateFailure, type FailedChunk } from './import-failure.ts';
import type { Fidelity } from './sources/fidelity.ts';
import { frenchSpacing } from '../../text/typography';

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

/** What validating a file's records needs besides the records. */
interface ValidationContext {
	standardFormat: boolean;
	lookup: MunicipalityLookup;
	today: string;
	/** the file's date (from its name), for unknown or future date_maj */
	fileDate: string | null;
	fidelity: Fidelity;
}

/** Validates every record of a parsed file; fills INSEE code, département and missing positions. */
function validateRecords(
	records: ReturnType<typeof parseSourceFile>['records'],
	{ standardFormat, lookup, today, fileDate, fidelity }: ValidationContext,
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
		const origins = r.origins;
		const v = parseStandardRecord(r.record, {
			today,
			fileDate,
			// a value the validator drops is counted against the file's column it came from
			dropped: (field, value, reason) => fidelity.droppedAfter(origins?.[field] ?? field, value, reason),
			converted: (field, from, to) => fidelity.mappedAfter(origins?.[field] ?? field, from, to)
		});
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
		const view: SourceView = { fields, locationPrecision: precision, ...(r.passNumerique ? { passNumerique: true } : {}) };
		accepted.push({
			row: r.row,
			source: r.source,
			sourceId: r.sourceId,
			view,
			hash: contentHash(view.fields) + (precision === 'municipality' ? ':m' : '') + (r.passNumerique ? ':p' : ''),
			standardId: standardFormat ? String(r.record.id ?? '') || null : null
		});
	}
	return accepted;
}

function toRow(p: PlaceFields & { locationPrecision: LocationPrecision; passNumerique: boolean }, lookup: MunicipalityLookup) {
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
	// without the communes every row would be rejected or lose its INSEE code: refuse
	if (lookup.all.length === 0) throw new TerritoryNotLoadedError();
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
		total: parsed.records.length + parsed.rejected.length + (parsed.skipped?.length ?? 0),
		created: 0,
		updated: 0,
		merged: 0,
		unchanged: 0,
		rejected: 0,
		skipped: 0,
		rejections,
		warnings,
		fidelity: [],
		ms: 0,
		phases
	};
	// records the format itself leaves out (a data·inclusion structure with no digital help): counted, with why
	for (const k of parsed.skipped ?? []) {
		report.skipped++;
		warnings.push({ row: k.row, sourceId: k.sourceId, message: `non importé\u00a0: ${k.reason}` });
	}
	const keepDepartments = opts.onlyDepartments?.length ? new Set(opts.onlyDepartments) : null;
	const validation: ValidationContext = {
		standardFormat: parsed.format.startsWith('standard'),
		lookup,
		today,
		fileDate: parsed.fileDate,
		fidelity: parsed.fidelity
	};

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
				accepted.push(...validateRecords(parsed.records.slice(v, Math.min(v + SLICE, c + CHUNK)), validation, rejections, chunkWarnings, seen));
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
			} else for (const w of chunkWarnings) warnings.push(w); // a spread of this many arguments overflows the stack
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
		report.fidelity = parsed.fidelity.table();
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
					warnings: report.warnings,
					fidelity: report.fidelity
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
