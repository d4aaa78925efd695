/**
 * « Signaler une erreur »: the public reports an error on a place's page; coordinators of
 * its département list the reports and close them.
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { places, placeErrorReports } from './db.ts';
import { can, departmentsWith, type Actor } from '../permissions/index.ts';
import { PlaceManagementError } from './errors.ts';

export const ERROR_REPORT_FIELDS = {
	horaires: 'Les horaires',
	adresse: 'L’adresse',
	telephone: 'Le téléphone ou le courriel',
	services: 'Les services proposés',
	ferme: 'Le lieu a fermé définitivement',
	autre: 'Autre chose'
} as const;

const errorReportSchema = z.object({
	champs: z
		.array(z.enum(Object.keys(ERROR_REPORT_FIELDS) as [keyof typeof ERROR_REPORT_FIELDS]))
		.max(6)
		.default([]),
	message: z
		.string()
		.trim()
		.min(1, { error: 'Décrivez l’erreur en quelques mots.' })
		.max(2000, { error: 'Votre message est trop long\u00a0: 2\u202f000 caractères au plus.' }),
	courriel: z.union([z.literal(''), z.email({ error: 'L’adresse e-mail n’est pas valide. Exemple\u00a0: nom@exemple.fr' })]).optional()
});

export type ErrorReportResult = { ok: true } | { ok: false; errors: Record<string, string> };

export async function reportPlaceError(database: Database, placeId: string, form: unknown): Promise<ErrorReportResult> {
	const parsed = errorReportSchema.safeParse(form);
	if (!parsed.success) {
		const errors: Record<string, string> = {};
		for (const issue of parsed.error.issues) {
			const k = String(issue.path[0] ?? 'message');
			errors[k] ??= k === 'champs' ? 'Choix inconnu.' : issue.message;
		}
		return { ok: false, errors };
	}
	const [exists] = await database.db.select({ id: places.id, departmentCode: places.departmentCode }).from(places).where(eq(places.id, placeId)).limit(1);
	if (!exists) return { ok: false, errors: { message: 'Ce lieu n’existe plus.' } };
	await database.db.transaction(async (tx) => {
		// the id is drawn first: on PostgreSQL the public request may insert a report (row-level security,
		// place_error_reports_report) but not read it back, and RETURNING reads it (an error page, no report)
		const drawn = (await tx.execute(sql`select nextval(pg_get_serial_sequence('place_error_reports', 'id'))::int as id`)) as unknown as {
			rows: { id: number }[];
		};
		const row = { id: Number(drawn.rows[0].id) };
		await tx
			.insert(placeErrorReports)
			.values({ id: row.id, placeId, fields: parsed.data.champs, message: parsed.data.message, contactEmail: parsed.data.courriel || null });
		// the message and the e-mail are personal data: journaled as a digest
		await journal(tx, {
			actor: { kind: 'public' },
			action: 'error_report.created',
			targetType: 'error_report',
			targetId: String(row.id),
			departmentCode: exists.departmentCode,
			after: parsed.data,
			details: { placeId, withEmail: !!parsed.data.courriel }
		});
	});
	return { ok: true };
}

/**
 * The error reports a coordinator moderates: those of the départements where they
 * coordinate (every one for the instance's administrator). Refused to anyone else.
 */
export async function errorReportsFor(database: Database, actor: Actor, opts: { status?: 'open' | 'resolved'; limit?: number } = {}) {
	const departments = actor.isAdmin ? null : departmentsWith(actor, ['coordinator']).filter((d) => can(actor, 'report.moderate', { departmentCode: d }));
	if (departments && !departments.length) throw new PlaceManagementError('forbidden', 'Les signalements sont traités par la coordination départementale.');
	return listErrorReports(database, { ...opts, departments });
}

/** Every report of the given départements (null: all), for the command line and the use case above. */
export async function listErrorReports(database: Database, opts: { status?: 'open' | 'resolved'; limit?: number; departments?: string[] | null } = {}) {
	const conds = [eq(placeErrorReports.status, opts.status ?? 'open')];
	if (opts.departments) conds.push(opts.departments.length ? inArray(places.departmentCode, opts.departments) : sql`false`);
	return database.db
		.select({
			id: placeErrorReports.id,
			placeId: placeErrorReports.placeId,
			placeName: places.nom,
			commune: places.commune,
			departmentCode: places.departmentCode,
			fields: placeErrorReports.fields,
			message: placeErrorReports.message,
			contactEmail: placeErrorReports.contactEmail,
			status: placeErrorReports.status,
			createdAt: placeErrorReports.createdAt,
			resolvedAt: placeErrorReports.resolvedAt
		})
		.from(placeErrorReports)
		.innerJoin(places, eq(places.id, placeErrorReports.placeId))
		.where(and(...conds))
		.orderBy(opts.status === 'resolved' ? desc(placeErrorReports.resolvedAt) : asc(placeErrorReports.createdAt))
		.limit(opts.limit ?? 200);
}

/**
 * A coordinator closes a "Signaler une erreur" report of their département (after fixing
 * the place, or not). The reporter's e-mail is erased then: it served only to answer.
 * Returns false when the report is unknown, already closed, or of a place the actor may not
 * moderate (can: report.moderate, the place's département).
 */
/** A report's number: the table's ids are 32-bit serials (a larger number would be a database error, not « not found »). */
export const isReportId = (id: number) => Number.isSafeInteger(id) && id > 0 && id <= 2_147_483_647;

export async function resolveErrorReport(database: Database, actor: Actor, id: number, opts: { ip?: string | null } = {}): Promise<boolean> {
	if (!isReportId(id)) return false;
	return database.db.transaction(async (tx) => {
		const [r] = await tx
			.select({ id: placeErrorReports.id, departmentCode: places.departmentCode, status: placeErrorReports.status })
			.from(placeErrorReports)
			.innerJoin(places, eq(places.id, placeErrorReports.placeId))
			.where(eq(placeErrorReports.id, id))
			// two coordinators (or a double click) at once: the second waits, then finds it resolved
			.for('update', { of: placeErrorReports });
		if (!r || r.status !== 'open' || !can(actor, 'report.moderate', { departmentCode: r.departmentCode })) return false;
		await tx.update(placeErrorReports).set({ status: 'resolved', resolvedAt: new Date(), contactEmail: null }).where(eq(placeErrorReports.id, id));
		await journal(tx, {
			actor: { kind: 'user', id: actor.userId },
			action: 'error_report.resolved',
			targetType: 'error_report',
			targetId: String(id),
			departmentCode: r.departmentCode,
			ip: opts.ip
		});
		return true;
	});
}
