import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organisations, users } from '../accounts/db.ts';
import { places } from '../places/db.ts';

/**
 * Training the helpers (issue 17): the whole schema of the issue, so that its later parts
 * (calendars, relayed webinars' groups, attendance, attestations, satisfaction, steering
 * figures) add code, not tables.
 *
 * A training (`trainings`) is what the catalogue describes: title, objectives, audience,
 * theme, trainer, format. It runs as sessions (`training_sessions`, the unit one registers
 * to, with a page of its own), each made of half-day slots (`training_slots`, Paris days and
 * wall-clock times, decision 0013), optionally grouped into an event (`training_events`: the
 * yearly forum). Registrations (`training_registrations`) are by a professional with an
 * account or by a helper without one (4 fields, confirmed by e-mail): personal data, under
 * row-level security, declared in personal-data.ts. Seats are counted on the session row
 * (`seats_taken`, `waiting_count`) under its row lock: a check constraint refuses
 * overbooking whatever the code does.
 */

/** An event grouping sessions (the yearly « Forum de la vie numérique & citoyenne »). */
export const trainingEvents = pgTable(
	'training_events',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		departmentCode: text('department_code').notNull(),
		organiserOrganisationId: uuid('organiser_organisation_id')
			.notNull()
			.references(() => organisations.id),
		title: text('title').notNull(),
		description: text('description').notNull().default(''),
		startsOn: date('starts_on').notNull(),
		endsOn: date('ends_on').notNull(),
		placeId: text('place_id').references(() => places.id),
		/** the address or the room, when not (only) a place of the directory */
		location: text('location').notNull().default(''),
		/** see SESSION_STATUSES: a draft is seen by the organisers only */
		status: text('status').notNull().default('draft'),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('training_events_department_idx').on(t.departmentCode, t.startsOn),
		check('training_events_status', sql`${t.status} IN ('draft', 'published', 'cancelled')`),
		check('training_events_days', sql`${t.endsOn} >= ${t.startsOn}`)
	]
);

/** A training of the catalogue: what it is, for whom, by whom, in which format. */
export const trainings = pgTable(
	'trainings',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		departmentCode: text('department_code').notNull(),
		/** the structure that organises it: its place managers edit it (can('training.manage')) */
		organiserOrganisationId: uuid('organiser_organisation_id')
			.notNull()
			.references(() => organisations.id),
		title: text('title').notNull(),
		objectives: text('objectives').notNull().default(''),
		/** the programme, in a few lines */
		programme: text('programme').notNull().default(''),
		/** keys of AUDIENCES */
		audiences: text('audiences').array().notNull(),
		/** a key of THEMES */
		theme: text('theme').notNull(),
		/** a key of FORMATS: at a place, webinar, webinar relayed at several places */
		format: text('format').notNull(),
		/** the trainer's structure when it is one of the network's */
		trainerOrganisationId: uuid('trainer_organisation_id').references(() => organisations.id, { onDelete: 'set null' }),
		/** the trainer's structure as shown (its name, or an outside body's) */
		trainerStructure: text('trainer_structure').notNull().default(''),
		/** the trainer, a professional named publicly in the catalogue */
		trainerPerson: text('trainer_person').notNull().default(''),
		prerequisites: text('prerequisites').notNull().default(''),
		accessibility: text('accessibility').notNull().default(''),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('trainings_department_idx').on(t.departmentCode),
		index('trainings_organiser_idx').on(t.organiserOrganisationId),
		check('trainings_format', sql`${t.format} IN ('on_site', 'webinar', 'relayed_webinar')`),
		check(
			'trainings_audiences',
			sql`cardinality(${t.audiences}) > 0 AND ${t.audiences} <@ ARRAY['social_workers', 'partner_agents', 'france_services', 'mediators', 'volunteers', 'public']::text[]`
		),
		check('trainings_theme', sql`${t.theme} IN ('procedures', 'detection', 'helper_role', 'security', 'everyday_tools', 'local_schemes', 'accessibility')`)
	]
);

/** One run of a training: its slots, where (or its link), its seats, until when one registers. */
export const trainingSessions = pgTable(
	'training_sessions',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		trainingId: uuid('training_id')
			.notNull()
			.references(() => trainings.id, { onDelete: 'cascade' }),
		/** the training's */
		departmentCode: text('department_code').notNull(),
		eventId: uuid('event_id').references(() => trainingEvents.id, { onDelete: 'set null' }),
		/** see SESSION_STATUSES */
		status: text('status').notNull().default('draft'),
		/** at a place of the directory (on site; for a webinar, where the trainer broadcasts from, if said) */
		placeId: text('place_id').references(() => places.id),
		/** the place's commune (INSEE code), kept when written: the catalogue's area filter */
		communeCode: text('commune_code'),
		/** the room, the floor, an address when it is not a place of the directory */
		location: text('location').notNull().default(''),
		/** the webinar's link, sent to the registrants (never shown in the catalogue) */
		broadcastUrl: text('broadcast_url'),
		/** null: no limit */
		capacity: integer('capacity'),
		/** the last Paris day on which one may register (registrations also close when the first slot starts) */
		registrationDeadline: date('registration_deadline').notNull(),
		/** the first and last slots' days, kept with the slots */
		firstDay: date('first_day').notNull(),
		lastDay: date('last_day').notNull(),
		/** confirmed registrations, and those on the waiting list: counted under the row's lock */
		seatsTaken: integer('seats_taken').notNull().default(0),
		waitingCount: integer('waiting_count').notNull().default(0),
		/** the last queue number given (a registration's `position`: the order of the waiting list) */
		lastPosition: integer('last_position').notNull().default(0),
		/** RFC 5545 SEQUENCE of the session's calendar entry: incremented at every change sent to the registrants */
		icsSequence: integer('ics_sequence').notNull().default(0),
		cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
		cancelReason: text('cancel_reason').notNull().default(''),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('training_sessions_training_idx').on(t.trainingId),
		index('training_sessions_department_idx').on(t.departmentCode, t.firstDay),
		index('training_sessions_catalogue_idx').on(t.status, t.lastDay),
		index('training_sessions_place_idx').on(t.placeId),
		index('training_sessions_event_idx').on(t.eventId),
		check('training_sessions_status', sql`${t.status} IN ('draft', 'published', 'cancelled')`),
		check('training_sessions_capacity', sql`${t.capacity} IS NULL OR ${t.capacity} > 0`),
		check(
			'training_sessions_no_overbooking',
			sql`${t.seatsTaken} >= 0 AND ${t.waitingCount} >= 0 AND (${t.capacity} IS NULL OR ${t.seatsTaken} <= ${t.capacity})`
		),
		check('training_sessions_days', sql`${t.lastDay} >= ${t.firstDay}`)
	]
);

/** A half-day of a session, Paris time: its day, morning or afternoon, its hours ('HH:MM'). */
export const trainingSlots = pgTable(
	'training_slots',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		sessionId: uuid('session_id')
			.notNull()
			.references(() => trainingSessions.id, { onDelete: 'cascade' }),
		day: date('day').notNull(),
		/** 'am' | 'pm' */
		half: text('half').notNull(),
		startTime: text('start_time').notNull(),
		endTime: text('end_time').notNull()
	},
	(t) => [
		uniqueIndex('training_slots_half_idx').on(t.sessionId, t.day, t.half),
		check('training_slots_half', sql`${t.half} IN ('am', 'pm')`),
		check(
			'training_slots_times',
			sql`${t.startTime} ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' AND ${t.endTime} ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' AND ${t.endTime} > ${t.startTime}`
		)
	]
);

/** A relayed webinar's group at a place: the relaying structure registers it, and records its local attendance. */
export const trainingRelays = pgTable(
	'training_relays',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		sessionId: uuid('session_id')
			.notNull()
			.references(() => trainingSessions.id, { onDelete: 'cascade' }),
		/** the session's */
		departmentCode: text('department_code').notNull(),
		placeId: text('place_id')
			.notNull()
			.references(() => places.id),
		/** the place's commune (INSEE code), kept when written */
		communeCode: text('commune_code'),
		organisationId: uuid('organisation_id').references(() => organisations.id, { onDelete: 'set null' }),
		contactUserId: uuid('contact_user_id').references(() => users.id, { onDelete: 'set null' }),
		/** the seats of the room (null: not said) */
		capacity: integer('capacity'),
		/** 'open' | 'cancelled' */
		status: text('status').notNull().default('open'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('training_relays_place_idx').on(t.sessionId, t.placeId),
		index('training_relays_place_lookup_idx').on(t.placeId),
		check('training_relays_status', sql`${t.status} IN ('open', 'cancelled')`),
		check('training_relays_capacity', sql`${t.capacity} IS NULL OR ${t.capacity} > 0`)
	]
);

/**
 * A registration to a session: by a professional with an account (`userId`), or by a helper
 * without one (4 fields, 'pending' until the link sent by e-mail confirms it). `position` is
 * its queue number, given when it takes its place (confirmed, or waiting): the waiting list
 * is promoted in that order. `tokenHash`: SHA-256 of the link that confirms and cancels it.
 */
export const trainingRegistrations = pgTable(
	'training_registrations',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		sessionId: uuid('session_id')
			.notNull()
			.references(() => trainingSessions.id, { onDelete: 'cascade' }),
		/** the session's */
		departmentCode: text('department_code').notNull(),
		userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
		/** the professional's structure when they registered */
		organisationId: uuid('organisation_id').references(() => organisations.id, { onDelete: 'set null' }),
		firstName: text('first_name').notNull(),
		lastName: text('last_name').notNull(),
		/** lower-cased */
		email: text('email').notNull(),
		/** a key of PROFILES */
		profile: text('profile').notNull(),
		/** the structure's name as registered (a professional's; free text for a later form) */
		structureName: text('structure_name').notNull().default(''),
		/** a relayed webinar followed at a relay place */
		relayId: uuid('relay_id').references(() => trainingRelays.id, { onDelete: 'set null' }),
		/** see REGISTRATION_STATUSES */
		status: text('status').notNull(),
		position: integer('position'),
		tokenHash: text('token_hash').notNull().unique(),
		/** a pending registration's link works until then */
		confirmBefore: timestamp('confirm_before', { withTimezone: true }),
		/** took its place (confirmed or waiting) */
		placedAt: timestamp('placed_at', { withTimezone: true }),
		/** got a seat */
		confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
		/** got a seat from the waiting list */
		promotedAt: timestamp('promoted_at', { withTimezone: true }),
		cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
		/** 'registrant' | 'organiser' | 'system' */
		cancelledBy: text('cancelled_by'),
		/** the reminders at D-7 and D-1, once each */
		remindedD7At: timestamp('reminded_d7_at', { withTimezone: true }),
		remindedD1At: timestamp('reminded_d1_at', { withTimezone: true }),
		/** whether the anonymous survey was answered (what was answered is not linked to the registration) */
		surveyAnsweredAt: timestamp('survey_answered_at', { withTimezone: true }),
		/** SHA-256 of the survey's one-use link (survey.ts; migration 0040) */
		surveyTokenHash: text('survey_token_hash'),
		/** when the survey's e-mail was queued (once) */
		surveySentAt: timestamp('survey_sent_at', { withTimezone: true }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('training_registrations_session_idx').on(t.sessionId, t.status, t.position),
		index('training_registrations_user_idx').on(t.userId),
		index('training_registrations_email_idx').on(t.email),
		uniqueIndex('training_registrations_survey_token_idx')
			.on(t.surveyTokenHash)
			.where(sql`${t.surveyTokenHash} IS NOT NULL`),
		uniqueIndex('training_registrations_email_active_idx')
			.on(t.sessionId, t.email)
			.where(sql`${t.status} IN ('pending', 'confirmed', 'waiting')`),
		check('training_registrations_status', sql`${t.status} IN ('pending', 'confirmed', 'waiting', 'cancelled', 'expired')`),
		check(
			'training_registrations_profile',
			sql`${t.profile} IN ('social_worker', 'partner_agent', 'france_services', 'mediator', 'volunteer', 'person', 'other')`
		),
		check('training_registrations_cancelled_by', sql`${t.cancelledBy} IS NULL OR ${t.cancelledBy} IN ('registrant', 'organiser', 'system')`),
		check('training_registrations_placed', sql`(${t.status} IN ('confirmed', 'waiting')) <= (${t.position} IS NOT NULL)`)
	]
);

/** Attendance of a registrant, per half-day: signed on the sheet, checked in on screen, or recorded at a relay place. */
export const trainingAttendance = pgTable(
	'training_attendance',
	{
		registrationId: uuid('registration_id')
			.notNull()
			.references(() => trainingRegistrations.id, { onDelete: 'cascade' }),
		slotId: uuid('slot_id')
			.notNull()
			.references(() => trainingSlots.id, { onDelete: 'cascade' }),
		departmentCode: text('department_code').notNull(),
		present: boolean('present').notNull(),
		/** 'sheet' | 'screen' | 'relay' */
		method: text('method').notNull(),
		recordedBy: uuid('recorded_by').references(() => users.id, { onDelete: 'set null' }),
		recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ name: 'training_attendance_pk', columns: [t.registrationId, t.slotId] }),
		index('training_attendance_slot_idx').on(t.slotId),
		check('training_attendance_method', sql`${t.method} IN ('sheet', 'screen', 'relay')`)
	]
);

/** A relay group's headcount per half-day (people who came without registering one by one). */
export const trainingRelayAttendance = pgTable(
	'training_relay_attendance',
	{
		relayId: uuid('relay_id')
			.notNull()
			.references(() => trainingRelays.id, { onDelete: 'cascade' }),
		slotId: uuid('slot_id')
			.notNull()
			.references(() => trainingSlots.id, { onDelete: 'cascade' }),
		departmentCode: text('department_code').notNull(),
		attendees: integer('attendees').notNull(),
		recordedBy: uuid('recorded_by').references(() => users.id, { onDelete: 'set null' }),
		recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ name: 'training_relay_attendance_pk', columns: [t.relayId, t.slotId] }),
		check('training_relay_attendance_count', sql`${t.attendees} >= 0`)
	]
);

/**
 * An attestation of attendance (Code du travail L.6353-1): what it attests (`content`,
 * canonical JSON), its SHA-256 `digest` and the instance's signature of it (`keyId`: which
 * key), so that its public page (the QR code's) tells valid, tampered or unknown; also
 * given as an Open Badges 3.0 credential built from the same content.
 */
export const trainingAttestations = pgTable(
	'training_attestations',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		registrationId: uuid('registration_id')
			.notNull()
			.references(() => trainingRegistrations.id, { onDelete: 'cascade' }),
		sessionId: uuid('session_id')
			.notNull()
			.references(() => trainingSessions.id, { onDelete: 'cascade' }),
		departmentCode: text('department_code').notNull(),
		/** « FORM-2027-000123 » */
		number: text('number').notNull().unique(),
		holderName: text('holder_name').notNull(),
		/** the minutes attended (the half-days signed) */
		minutes: integer('minutes').notNull(),
		content: jsonb('content').notNull(),
		digest: text('digest').notNull(),
		signature: text('signature').notNull(),
		keyId: text('key_id').notNull(),
		issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().defaultNow(),
		revokedAt: timestamp('revoked_at', { withTimezone: true }),
		revokedReason: text('revoked_reason').notNull().default('')
	},
	(t) => [
		uniqueIndex('training_attestations_registration_idx').on(t.registrationId),
		index('training_attestations_session_idx').on(t.sessionId),
		check('training_attestations_minutes', sql`${t.minutes} >= 0`)
	]
);

/** An answer to the satisfaction survey: anonymous (no registration, the day only). */
export const trainingSatisfaction = pgTable(
	'training_satisfaction',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		sessionId: uuid('session_id')
			.notNull()
			.references(() => trainingSessions.id, { onDelete: 'cascade' }),
		departmentCode: text('department_code').notNull(),
		answeredOn: date('answered_on').notNull(),
		/** question key → score 1–5 */
		scores: jsonb('scores').notNull(),
		comment: text('comment').notNull().default('')
	},
	(t) => [index('training_satisfaction_session_idx').on(t.sessionId), check('training_satisfaction_comment_length', sql`char_length(${t.comment}) <= 2000`)]
);

/**
 * A calendar feed by secret address: a professional's own registrations (`userId`), a
 * helper's without an account (`email`), or an organiser's sessions (`organisationId`).
 */
export const trainingCalendarFeeds = pgTable(
	'training_calendar_feeds',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		/** 'personal' | 'organiser' */
		kind: text('kind').notNull(),
		departmentCode: text('department_code'),
		userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
		/** lower-cased */
		email: text('email'),
		organisationId: uuid('organisation_id').references(() => organisations.id, { onDelete: 'cascade' }),
		secretHash: text('secret_hash').notNull().unique(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
		revokedAt: timestamp('revoked_at', { withTimezone: true })
	},
	(t) => [
		index('training_calendar_feeds_user_idx').on(t.userId),
		index('training_calendar_feeds_email_idx').on(t.email),
		check('training_calendar_feeds_kind', sql`${t.kind} IN ('personal', 'organiser')`),
		check(
			'training_calendar_feeds_owner',
			sql`(${t.kind} = 'personal' AND ${t.organisationId} IS NULL AND (${t.userId} IS NULL) <> (${t.email} IS NULL)) OR (${t.kind} = 'organiser' AND ${t.organisationId} IS NOT NULL AND ${t.departmentCode} IS NOT NULL AND ${t.userId} IS NULL AND ${t.email} IS NULL)`
		)
	]
);

export type Training = typeof trainings.$inferSelect;
export type TrainingSession = typeof trainingSessions.$inferSelect;
export type TrainingSlot = typeof trainingSlots.$inferSelect;
export type TrainingRegistration = typeof trainingRegistrations.$inferSelect;
