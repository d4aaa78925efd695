/**
 * Importing La Coop's export of activities (issue 14, item 8), so that nobody types an
 * accompaniment twice: the mediator uploads the Coop's .xlsx as it is, or a CSV (coop-xlsx.ts
 * and coop-read.ts read and check it), each activity becomes an accompaniment of their
 * structure, recorded by them, at one of its places (the place of that name, else the one
 * chosen), for an anonymous person.
 *
 * All or nothing: one line refused and nothing is written. Importing the same file again
 * creates nothing: an activity is known by its Coop id (or its line's digest), and an
 * accompaniment exported by us (its id in « ID CRA ») is recognised as already here. One
 * transaction, one journal entry (counts, never a person).
 */
import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { can, type Actor } from '../accounts/index.ts';
import { CareError } from '../beneficiaries/index.ts';
import { municipalityLookup } from '../territory/index.ts';
import { normalizeKey } from '../../text/keys.ts';
import { parisDay as todayInParis } from '../../time.ts';
import { accompaniments } from './db.ts';
import { recordingOrganisations } from './service.ts';
import { periodOf, type Period, type RecordingOrganisation } from './model.ts';
import { type CoopActivity, type Dropped, type Rejection } from './coop-read.ts';
import { readCoopFile } from './coop-xlsx.ts';

export interface CoopImportReport {
	/** checked only (« Vérifier »): nothing written */
	dryRun: boolean;
	/** the accompaniments were written */
	written: boolean;
	organisationId: string;
	placeId: string | null;
	/** the table's lines (one per person) and the activities they make */
	lines: number;
	activities: number;
	/** created (or, checked only, to create) */
	created: number;
	/** already here: imported before, exported by us, or twice in the file */
	duplicates: number;
	rejected: Rejection[];
	dropped: Dropped[];
	warning: string | null;
	/** the first and last dates of the file's activities (null when it has none): where to see them once imported */
	period: { from: string; to: string } | null;
}

export type CoopImportResult = { fileError: string } | { fileError: null; report: CoopImportReport; text: string };

const FORBIDDEN = 'Seuls les médiateurs et les responsables d’un lieu importent des accompagnements, pour leur structure.';

export interface CoopPageView {
	/** the structures the actor records for, with their places */
	organisations: RecordingOrganisation[];
	/** the structure and the place asked for, when they are the actor's */
	organisationId: string | null;
	placeId: string | null;
	/** the export's period (this month by default) */
	from: string;
	to: string;
	periodErrors: Period['errors'];
}

/** What the Coop page offers the actor: their structures and places, the export's period. A place team only. */
export async function coopPage(
	database: Database,
	actor: Actor,
	opts: { organisationId?: string | null; placeId?: string | null; from?: string | null; to?: string | null; today?: string } = {}
): Promise<CoopPageView> {
	const organisations = await recordingOrganisations(database, actor);
	if (!organisations.length) throw new CareError('forbidden', FORBIDDEN);
	const organisationId = organisations.some((o) => o.id === opts.organisationId) ? opts.organisationId! : null;
	const inOrgs = organisationId ? organisations.filter((o) => o.id === organisationId) : organisations;
	const placeId = inOrgs.some((o) => o.places.some((p) => p.id === opts.placeId)) ? opts.placeId! : null;
	const period = periodOf(opts.from, opts.to, opts.today ?? todayInParis());
	return { organisations, organisationId, placeId, from: period.from, to: period.to, periodErrors: period.errors };
}
const BATCH = 500;
const UUID = /^[0-9a-f-]{36}$/;

/**
 * Checks (`dryRun`) or imports the Coop's export (.xlsx or CSV) for one of the actor's organisations. The
 * organisation must be one they record for (can 'accompaniment.record'); the place one it
 * runs. A file that cannot be read answers `fileError`; lines refused are in the report and
 * nothing is written.
 */
function periodOfActivities(dates: string[]): CoopImportReport['period'] {
	const sorted = [...dates].sort();
	return sorted.length ? { from: sorted[0], to: sorted.at(-1)! } : null;
}

export async function importCoopActivities(
	database: Database,
	actor: Actor,
	input: Uint8Array | string,
	opts: { organisationId?: string | null; placeId?: string | null; dryRun?: boolean; today?: string; ip?: string | null } = {}
): Promise<CoopImportResult> {
	const orgs = await recordingOrganisations(database, actor);
	const organisationId = opts.organisationId?.trim() || (orgs.length === 1 ? orgs[0].id : '');
	const org = orgs.find((o) => o.id === organisationId);
	if (!org || !can(actor, 'accompaniment.record', { organisationId })) throw new CareError('forbidden', FORBIDDEN);
	const chosen = opts.placeId?.trim() || (org.places.length === 1 ? org.places[0].id : null);
	if (org.places.length ? !org.places.some((p) => p.id === chosen) : chosen)
		throw new CareError('invalid', 'Choisissez un des lieux de votre structure.', { placeId: 'Choisissez un des lieux de votre structure.' });

	const today = opts.today ?? todayInParis();
	const read = await readCoopFile(input, today);
	if (read.error !== null) return { fileError: read.error };

	// the person's commune: its INSEE code, else its name and postcode; one we do not know is set aside
	const lookup = await municipalityLookup(database);
	const dropped = [...read.dropped];
	let communesDropped = 0;
	const communeOf = (c: CoopActivity['commune']) => {
		if (!c) return null;
		const m = (c.insee && lookup.byInsee(c.insee)) || (c.name && lookup.byName(c.name, { postcode: c.postcode || undefined })) || undefined;
		if (!m) communesDropped++;
		return m?.inseeCode ?? null;
	};
	const placeByName = new Map(org.places.map((p) => [normalizeKey(p.nom), p.id]));
	const rows = read.activities.map((a) => ({
		a,
		values: {
			organisationId: org.id,
			placeId: (a.placeName && placeByName.get(normalizeKey(a.placeName))) || chosen,
			mediatorId: actor.userId,
			departmentCode: org.departmentCode,
			date: a.date,
			kind: a.kind,
			durationMinutes: a.durationMinutes,
			location: a.location,
			themes: a.themes,
			procedureThemes: a.procedureThemes,
			autonomy: a.autonomy,
			equipment: a.equipment,
			redirectedTo: a.redirectedTo,
			gender: a.gender,
			ageBand: a.ageBand,
			socialStatus: a.socialStatus,
			communeCode: communeOf(a.commune),
			title: a.title,
			level: a.level,
			participants: a.participants,
			breakdown: a.breakdown,
			importKey: a.key
		}
	}));
	if (communesDropped) dropped.push({ column: 'Commune du bénéficiaire', count: communesDropped, values: [] });

	// already here: the same key imported into this structure, or one of our accompaniments (our export's « ID CRA »)
	const keys = rows.map((r) => r.a.key);
	const ids = rows.map((r) => r.a.coopId).filter((id): id is string => !!id && UUID.test(id));
	const known = new Set<string>();
	for (let i = 0; i < keys.length; i += BATCH) {
		const found = await database.db
			.select({ key: accompaniments.importKey })
			.from(accompaniments)
			.where(and(eq(accompaniments.organisationId, org.id), inArray(accompaniments.importKey, keys.slice(i, i + BATCH))));
		for (const f of found) if (f.key) known.add(f.key);
	}
	for (let i = 0; i < ids.length; i += BATCH) {
		const found = await database.db
			.select({ id: accompaniments.id })
			.from(accompaniments)
			.where(and(eq(accompaniments.organisationId, org.id), inArray(accompaniments.id, ids.slice(i, i + BATCH))));
		for (const f of found) known.add(`coop:${f.id}`);
	}
	const fresh = rows.filter((r) => !known.has(r.a.key));

	const report: CoopImportReport = {
		dryRun: !!opts.dryRun,
		written: false,
		organisationId: org.id,
		placeId: chosen,
		lines: read.lines,
		activities: read.activities.length,
		created: fresh.length,
		duplicates: rows.length - fresh.length + read.repeated,
		rejected: read.rejected,
		dropped,
		warning: read.warning,
		period: periodOfActivities(rows.map((r) => r.a.date))
	};
	if (read.rejected.length) {
		// all or nothing: the file is refused whole
		report.created = 0;
		return { fileError: null, report, text: read.text };
	}
	if (opts.dryRun || !fresh.length) return { fileError: null, report, text: read.text };

	report.created = await database.db.transaction(async (tx) => {
		let created = 0;
		for (let i = 0; i < fresh.length; i += BATCH) {
			// a concurrent import of the same file: its rows are already there, these do nothing
			const inserted = await tx
				.insert(accompaniments)
				.values(fresh.slice(i, i + BATCH).map((r) => r.values))
				.onConflictDoNothing()
				.returning({ id: accompaniments.id });
			created += inserted.length;
		}
		const dates = fresh.map((r) => r.a.date).sort();
		// no personal data: counts, the period, the file's digest
		await journal(tx, {
			actor: { kind: 'user', id: actor.userId },
			action: 'accompaniment.imported',
			targetType: 'organisation',
			targetId: org.id,
			departmentCode: org.departmentCode,
			ip: opts.ip,
			details: {
				source: 'coop',
				organisationId: org.id,
				placeId: chosen,
				lines: read.lines,
				created,
				duplicates: rows.length - created + read.repeated,
				from: dates[0],
				to: dates.at(-1),
				fileSha256: createHash('sha256').update(read.text).digest('hex')
			}
		});
		return created;
	});
	report.duplicates = rows.length - report.created + read.repeated;
	report.written = true;
	return { fileError: null, report, text: read.text };
}
