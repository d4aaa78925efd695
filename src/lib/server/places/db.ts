import { sql } from 'drizzle-orm';
import { pgTable, boolean, text, doublePrecision, integer, serial, index, uniqueIndex, timestamp, date, jsonb } from 'drizzle-orm/pg-core';
import { cube, int4multirange } from '../db/types.ts';

const list = (name: string) =>
	text(name)
		.array()
		.notNull()
		.default(sql`'{}'::text[]`);

/**
 * A place of digital mediation, with every field of the national standard v1.0.2
 * (schéma des lieux de médiation numérique). Multi-valued fields are text arrays.
 */
export const places = pgTable(
	'places',
	{
		id: text('id').primaryKey(),
		pivot: text('pivot').notNull(),
		nom: text('nom').notNull(),
		commune: text('commune').notNull(),
		codePostal: text('code_postal').notNull(),
		codeInsee: text('code_insee'),
		adresse: text('adresse').notNull(),
		complementAdresse: text('complement_adresse'),
		latitude: doublePrecision('latitude'),
		longitude: doublePrecision('longitude'),
		typologie: list('typologie'),
		telephone: text('telephone'),
		courriels: list('courriels'),
		siteWeb: list('site_web'),
		horaires: text('horaires'),
		presentationResume: text('presentation_resume'),
		presentationDetail: text('presentation_detail'),
		source: text('source'),
		itinerance: list('itinerance'),
		structureParente: text('structure_parente'),
		dateMaj: date('date_maj', { mode: 'string' }).notNull(),
		services: list('services'),
		publicsSpecifiquementAdresses: list('publics_specifiquement_adresses'),
		priseEnChargeSpecifique: list('prise_en_charge_specifique'),
		fraisACharge: list('frais_a_charge'),
		dispositifProgrammesNationaux: list('dispositif_programmes_nationaux'),
		formationsLabels: list('formations_labels'),
		autresFormationsLabels: list('autres_formations_labels'),
		modalitesAcces: list('modalites_acces'),
		modalitesAccompagnement: list('modalites_accompagnement'),
		ficheAccesLibre: text('fiche_acces_libre'),
		priseRdv: text('prise_rdv'),
		// — our own columns, not in the standard —
		/** a source says the place accepts the Pass Numérique (v0 « Accepte le Pass numérique »), besides qualifications */
		passNumerique: boolean('pass_numerique').notNull().default(false),
		/** 'address' (geocoded address) or 'municipality' (placed at the commune's centroid) */
		locationPrecision: text('location_precision').notNull().default('address'),
		departmentCode: text('department_code'),
		/** position on the earth as a 3-D point (cube), for nearest-first search with a GiST index */
		pos: cube('pos'),
		/** weekly opening as minutes from Monday 00:00 (0–10080), derived from horaires */
		openWeek: int4multirange('open_week'),
		nameKey: text('name_key').notNull(),
		/** NULL (open), 'temporary' (until closedUntil) or 'permanent' (hidden from search) */
		closure: text('closure'),
		closedUntil: date('closed_until', { mode: 'string' }),
		/** shown on the public page */
		closureReason: text('closure_reason'),
		/** ids of the places merged into this one: their addresses redirect here */
		mergedIds: text('merged_ids')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		/** hand corrections by a coordinator, field → value: imports leave these fields alone */
		overrides: jsonb('overrides')
			.$type<Record<string, unknown>>()
			.notNull()
			.default(sql`'{}'::jsonb`),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('places_department_idx').on(t.departmentCode),
		index('places_services_idx').using('gin', t.services),
		index('places_publics_idx').using('gin', t.publicsSpecifiquementAdresses),
		index('places_pec_idx').using('gin', t.priseEnChargeSpecifique),
		index('places_programmes_idx').using('gin', t.dispositifProgrammesNationaux),
		index('places_open_week_idx').using('gist', t.openWeek),
		index('places_pos_idx').using('gist', t.pos),
		// the last change of any place, read by every answer of the API (places/freshness.ts)
		index('places_updated_at_idx').on(t.updatedAt),
		// the Pass Numérique's places (maillage_pass_places(), migration 0032): its two branches on places
		index('places_pass_numerique_idx')
			.on(t.id)
			.where(sql`${t.passNumerique}`),
		index('places_pivot_idx').on(t.pivot)
	]
);

/** Each source a place was seen in: the same place from two files keeps both. */
export const placeSources = pgTable(
	'place_sources',
	{
		id: serial('id').primaryKey(),
		placeId: text('place_id')
			.notNull()
			.references(() => places.id, { onDelete: 'cascade' }),
		/** the data set, e.g. "france-services", "gironde-33", or the standard's `source` value */
		source: text('source').notNull(),
		sourceId: text('source_id').notNull(),
		/** the record as mapped to the standard, before merging */
		record: jsonb('record').notNull(),
		contentHash: text('content_hash').notNull(),
		importId: integer('import_id'),
		matchScore: doublePrecision('match_score'),
		firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull().defaultNow(),
		lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [uniqueIndex('place_sources_source_id_idx').on(t.source, t.sourceId), index('place_sources_place_idx').on(t.placeId)]
);

/** One import run: its counts and every rejected row with its reason. */
export const importReports = pgTable('import_reports', {
	id: serial('id').primaryKey(),
	fileName: text('file_name').notNull(),
	format: text('format').notNull(),
	source: text('source').notNull(),
	startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
	finishedAt: timestamp('finished_at', { withTimezone: true }),
	total: integer('total').notNull().default(0),
	created: integer('created').notNull().default(0),
	updated: integer('updated').notNull().default(0),
	merged: integer('merged').notNull().default(0),
	unchanged: integer('unchanged').notNull().default(0),
	rejected: integer('rejected').notNull().default(0),
	/** valid records outside the départements asked for */
	skipped: integer('skipped').notNull().default(0),
	/** [{ row, sourceId, reasons: string[] }] */
	rejections: jsonb('rejections')
		.notNull()
		.default(sql`'[]'::jsonb`),
	/** [{ row, sourceId, message }]: accepted rows with something not mapped or corrected */
	warnings: jsonb('warnings')
		.notNull()
		.default(sql`'[]'::jsonb`),
	/** [{ field, read, kept, mapped, dropped, conversions, drops }]: what became of each value read (sources/fidelity.ts) */
	fidelity: jsonb('fidelity')
		.notNull()
		.default(sql`'[]'::jsonb`)
});

/** "Signaler une erreur" on a place's page, read by coordinators. */
export const placeErrorReports = pgTable(
	'place_error_reports',
	{
		id: serial('id').primaryKey(),
		placeId: text('place_id')
			.notNull()
			.references(() => places.id, { onDelete: 'cascade' }),
		fields: text('fields')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		message: text('message').notNull(),
		contactEmail: text('contact_email'),
		status: text('status').notNull().default('open'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		resolvedAt: timestamp('resolved_at', { withTimezone: true })
	},
	(t) => [index('place_error_reports_status_idx').on(t.status, t.createdAt)]
);
