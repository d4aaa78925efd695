import { sql } from 'drizzle-orm';
import { pgTable, text, uuid, integer, timestamp, index, uniqueIndex, jsonb, date } from 'drizzle-orm/pg-core';
import { organisations, users } from '../accounts/db.ts';
import { places } from '../places/db.ts';
import { beneficiaries } from '../beneficiaries/db.ts';
import { referrals } from '../referral/db.ts';

/**
 * An accompaniment recorded by a mediator, in the national vocabulary (model.ts):
 * individual (anonymous profile or a beneficiary) or collective (a workshop with its
 * participants counted by gender, age band and status).
 */
export const accompaniments = pgTable(
	'accompaniments',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisations.id),
		placeId: text('place_id').references(() => places.id),
		mediatorId: uuid('mediator_id').references(() => users.id, { onDelete: 'set null' }),
		departmentCode: text('department_code').notNull(),
		date: date('date').notNull(),
		/** 'individual' | 'collective' */
		kind: text('kind').notNull(),
		durationMinutes: integer('duration_minutes').notNull(),
		location: text('location').notNull(),
		themes: text('themes')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		procedureThemes: text('procedure_themes')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		autonomy: text('autonomy'),
		equipment: text('equipment')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		redirectedTo: text('redirected_to')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		beneficiaryId: uuid('beneficiary_id').references(() => beneficiaries.id, { onDelete: 'set null' }),
		referralId: uuid('referral_id').references(() => referrals.id, { onDelete: 'set null' }),
		/** anonymous profile of an individual accompaniment */
		gender: text('gender'),
		ageBand: text('age_band'),
		socialStatus: text('social_status'),
		communeCode: text('commune_code'),
		/** workshop */
		title: text('title'),
		level: text('level'),
		participants: integer('participants').notNull().default(1),
		/** { gender: {F: n…}, ageBand: {…}, status: {…} } */
		breakdown: jsonb('breakdown'),
		/** imported from La Coop's export of activities: 'coop:<ID CRA>' or 'coop-sha256:<digest>' (coop-import.ts); null when recorded here */
		importKey: text('import_key'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('accompaniments_place_idx').on(t.placeId, t.date),
		// the team's view of a period (placeAccompaniments) reads its totals, themes and autonomy
		// from this index alone (index-only scans): migration 0011 creates it with
		// INCLUDE (kind, participants, duration_minutes, autonomy, themes, department_code),
		// which Drizzle cannot declare. It also serves the list's page (same key columns as the
		// former accompaniments_organisation_idx, dropped).
		index('accompaniments_organisation_cover_idx').on(t.organisationId, t.date),
		index('accompaniments_mediator_idx').on(t.mediatorId, t.createdAt),
		index('accompaniments_beneficiary_idx')
			.on(t.beneficiaryId)
			.where(sql`${t.beneficiaryId} IS NOT NULL`),
		// the same activity imported twice into one structure is one accompaniment (migration 0026)
		uniqueIndex('accompaniments_import_key_idx')
			.on(t.organisationId, t.importKey)
			.where(sql`${t.importKey} IS NOT NULL`)
	]
);
