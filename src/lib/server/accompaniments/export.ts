/**
 * The place team's own accompaniments as a CSV for a spreadsheet (issue 12, item 17): the
 * same organisations, place and period as the list (/espace/accompagnements), every row
 * of the period. French headers, ';', a BOM; every text cell neutralised against formulas
 * (docs/decisions/0005-csv-formulas.md); the person's short name only where the list
 * shows it (the actor may read their record). Journaled, in the export's transaction.
 */
import { and, eq, gte, inArray, lte } from 'drizzle-orm';
import { stringify } from 'csv-stringify/sync';
import type { Database, DbOrTx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { asScoped, type Actor } from '../accounts/index.ts';
import { shortName } from '../beneficiaries/index.ts';
import { neutraliseFormula } from '../web/spreadsheet.ts';
import { accompaniments } from './db.ts';
import { accompanimentRows, placeAccompaniments } from './service.ts';
import { AUTONOMY, KINDS, LOCATIONS, type Autonomy, type Kind } from './vocabulary.ts';

export const EXPORT_HEADERS = [
	'Date',
	'Type',
	'Personne ou atelier',
	'Participants',
	'Durée (minutes)',
	'Thèmes',
	'Démarches',
	'Autonomie',
	'Lieu',
	'Où',
	'Médiateur ou médiatrice',
	'Orientation honorée'
];

/** At most this many rows in one file (a year of a busy place is a few thousand). */
export const EXPORT_MAX_ROWS = 20_000;

export async function accompanimentsCsv(
	database: Database,
	actor: Actor,
	opts: { organisationId?: string | null; placeId?: string | null; from?: string | null; to?: string | null; today?: string } = {},
	ip?: string | null
): Promise<{ csv: string; rows: number; from: string; to: string }> {
	// the list's checks and filters (throws CareError 'forbidden' outside a place team)
	const view = await placeAccompaniments(database, actor, { ...opts, page: 1 });
	const orgIds = (view.organisationId ? view.organisations.filter((o) => o.id === view.organisationId) : view.organisations).map((o) => o.id);
	const where = and(
		inArray(accompaniments.organisationId, orgIds),
		view.placeId ? eq(accompaniments.placeId, view.placeId) : undefined,
		gte(accompaniments.date, view.from),
		lte(accompaniments.date, view.to)
	);
	const rows = await asScoped(database, actor, (db: DbOrTx) => accompanimentRows(db, actor, where, { limit: EXPORT_MAX_ROWS }));
	const records = rows.map(({ a, placeName, mediatorName, b }) => {
		const kind = a.kind as Kind;
		const who = kind === 'collective' ? (a.title ?? 'Atelier') : a.beneficiaryId ? (b?.id ? shortName(b) : 'Personne suivie') : 'Personne anonyme';
		return [
			a.date,
			KINDS[kind] ?? a.kind,
			who,
			String(a.participants),
			String(a.durationMinutes),
			a.themes.join(', '),
			a.procedureThemes.join(', '),
			a.autonomy ? (AUTONOMY[a.autonomy as Autonomy] ?? '') : '',
			placeName ?? '',
			LOCATIONS[a.location as keyof typeof LOCATIONS] ?? a.location,
			mediatorName ?? 'Compte supprimé',
			a.referralId ? 'oui' : 'non'
		].map((v) => neutraliseFormula(v));
	});
	// RFC 4180: quoted when a cell holds the separator, a quote, CR or LF
	const csv = '\ufeff' + stringify([EXPORT_HEADERS, ...records], { delimiter: ';', record_delimiter: '\r\n', quoted_match: /[\r\n]/ });
	const departmentCode = view.organisations.find((o) => orgIds.includes(o.id))?.departmentCode ?? null;
	await journal(database.db, {
		actor: { kind: 'user', id: actor.userId },
		action: 'accompaniment.exported',
		targetType: 'organisation',
		targetId: orgIds.length === 1 ? orgIds[0] : null,
		departmentCode,
		ip,
		details: { organisationIds: orgIds, placeId: view.placeId, from: view.from, to: view.to, rows: records.length, format: 'csv' }
	});
	return { csv, rows: records.length, from: view.from, to: view.to };
}
