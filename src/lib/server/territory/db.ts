import { sql } from 'drizzle-orm';
import { pgTable, text, doublePrecision, integer, jsonb, serial, primaryKey, index, uniqueIndex, timestamp } from 'drizzle-orm/pg-core';

/** Every French commune (INSEE code), joined from @etalab/decoupage-administratif and communes-2024.csv. */
export const municipalities = pgTable(
	'municipalities',
	{
		inseeCode: text('insee_code').primaryKey(),
		name: text('name').notNull(),
		/** lower-case, unaccented, punctuation → space: for search and matching */
		nameKey: text('name_key').notNull(),
		postcodes: text('postcodes')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		latitude: doublePrecision('latitude'),
		longitude: doublePrecision('longitude'),
		population: integer('population'),
		epciCode: text('epci_code'),
		epciName: text('epci_name'),
		departmentCode: text('department_code').notNull(),
		regionCode: text('region_code')
	},
	(t) => [
		index('municipalities_name_key_idx').on(t.nameKey),
		index('municipalities_postcodes_idx').using('gin', t.postcodes),
		index('municipalities_department_idx').on(t.departmentCode),
		index('municipalities_epci_idx').on(t.epciCode)
	]
);

export const departments = pgTable('departments', {
	code: text('code').primaryKey(),
	name: text('name').notNull(),
	regionCode: text('region_code'),
	latitude: doublePrecision('latitude'),
	longitude: doublePrecision('longitude')
});

/** Indice de fragilité numérique per commune: five scores 0–10 and their total (higher = more fragile). */
export const fragilityIndex = pgTable('fragility_index', {
	inseeCode: text('insee_code').primaryKey(),
	noThdCoverage: doublePrecision('no_thd_coverage').notNull(),
	no4gCoverage: doublePrecision('no_4g_coverage').notNull(),
	poverty: doublePrecision('poverty').notNull(),
	older65: doublePrecision('older_65').notNull(),
	lowDiploma: doublePrecision('low_diploma').notNull(),
	total: doublePrecision('total').notNull()
});

/** Bassin de vie, pôle territorial…: a named group of communes inside a département. */
export const areas = pgTable(
	'areas',
	{
		id: serial('id').primaryKey(),
		departmentCode: text('department_code').notNull(),
		kind: text('kind').notNull(),
		name: text('name').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [uniqueIndex('areas_dep_kind_name_idx').on(t.departmentCode, t.kind, t.name)]
);

export const areaMunicipalities = pgTable(
	'area_municipalities',
	{
		areaId: integer('area_id')
			.notNull()
			.references(() => areas.id, { onDelete: 'cascade' }),
		inseeCode: text('insee_code')
			.notNull()
			.references(() => municipalities.inseeCode)
	},
	(t) => [primaryKey({ columns: [t.areaId, t.inseeCode] }), index('area_municipalities_insee_idx').on(t.inseeCode)]
);

/** The instance: which Département(s) it serves, its name, logo and colours. One row (id = 1). */
export const instanceSettings = pgTable('instance_settings', {
	id: integer('id').primaryKey().default(1),
	name: text('name').notNull(),
	departmentCodes: text('department_codes').array().notNull(),
	logoUrl: text('logo_url'),
	colorPrimary: text('color_primary').notNull(),
	colorAccent: text('color_accent').notNull(),
	contactEmail: text('contact_email'),
	/** the legal pages (issue 12, item 14, migration 0020): who publishes, who hosts, whom to write to */
	publisher: text('publisher'),
	publicationDirector: text('publication_director'),
	host: text('host'),
	dpoContact: text('dpo_contact'),
	accessibilityContact: text('accessibility_contact'),
	updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
});

/** Which demo/seed steps have run, so first start is done once. */
export const seedRuns = pgTable('seed_runs', {
	step: text('step').primaryKey(),
	doneAt: timestamp('done_at', { withTimezone: true }).notNull().defaultNow(),
	detail: text('detail')
});

/**
 * Boundaries per département (issue 16, item 7; migration 0035), built at load time from
 * ../shared/data/geo (which production may not keep): a TopoJSON topology, simplified and
 * quantized, with the object `communes` (one geometry per commune, `id` its INSEE code) where
 * commune boundaries exist, else the object `departement` (its outline) only.
 */
export const territoryShapes = pgTable('territory_shapes', {
	departmentCode: text('department_code').primaryKey(),
	/** 'communes' when the topology has the communes' boundaries, 'outline' when only the département's */
	detail: text('detail').notNull(),
	topology: jsonb('topology').notNull(),
	/** the source file(s), for the maps' note */
	source: text('source').notNull(),
	builtAt: timestamp('built_at', { withTimezone: true }).notNull().defaultNow()
});
