/**
 * An import the database refused: the file's row at fault and the reason, never the SQL
 * nor the values.
 */
import type { Database } from '../db/client.ts';
import { bulkUpsert } from '../db/bulk.ts';
import { places, placeSources } from './db.ts';

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

/**
 * An import into a database whose communes are not loaded: every row would be rejected as
 * « commune introuvable » or lose its INSEE code. Nothing is read; the message says what to run.
 */
export class TerritoryNotLoadedError extends Error {
	constructor() {
		super(
			'Le référentiel des communes n’est pas chargé\u00a0: aucun lieu ne pourrait être rattaché à sa commune. ' +
				'Chargez-le avec « maillage seed territory », puis relancez l’import. Rien n’a été importé.'
		);
		this.name = 'TerritoryNotLoadedError';
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

export interface FailedChunk {
	rows: number[];
	placeRows: Record<string, unknown>[];
	srcRows: Record<string, unknown>[];
	/** the place of each row (same order as rows) */
	placeOf: string[];
}

class Rollback extends Error {}

/** Writes the failed chunk's rows one at a time (savepoints, all rolled back) to name the first refused. */
export async function locateFailure(database: Database, e: ImportFailedError, failed: FailedChunk): Promise<ImportFailedError> {
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

export function importFailure(e: unknown, failed: FailedChunk | null): unknown {
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
