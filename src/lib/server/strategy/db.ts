import { bigint, boolean, check, date, doublePrecision, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { organisations, users } from '../accounts/db.ts';

/**
 * The territorial strategy (issue 16, item 6), per département: the roadmap's axes, its
 * actions (with their fundings, the steering indicators they follow and their dated progress
 * notes), the steering committees' meetings and their decisions. Nothing about a person
 * helped; the professionals who wrote are users (set null when their account goes).
 */

/** The roadmap's axes, an editable list per département (« Fonds départemental », « Réseau des lieux »…). */
export const strategyAxes = pgTable(
	'strategy_axes',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		departmentCode: text('department_code').notNull(),
		label: text('label').notNull(),
		position: integer('position').notNull().default(0),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [uniqueIndex('strategy_axes_label_idx').on(t.departmentCode, t.label)]
);

/** One action of the roadmap. Its areas: the whole département, or areas of the instance, EPCIs and communes (INSEE codes). */
export const strategyActions = pgTable(
	'strategy_actions',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		departmentCode: text('department_code').notNull(),
		axisId: uuid('axis_id').references(() => strategyAxes.id, { onDelete: 'restrict' }),
		title: text('title').notNull(),
		description: text('description').notNull().default(''),
		pilotOrganisationId: uuid('pilot_organisation_id')
			.notNull()
			.references(() => organisations.id),
		/** the co-partners (organisations of the département), checked at write */
		partnerOrganisationIds: uuid('partner_organisation_ids')
			.array()
			.notNull()
			.default(sql`'{}'`),
		wholeDepartment: boolean('whole_department').notNull().default(false),
		areaIds: integer('area_ids')
			.array()
			.notNull()
			.default(sql`'{}'`),
		epciCodes: text('epci_codes')
			.array()
			.notNull()
			.default(sql`'{}'`),
		communeCodes: text('commune_codes')
			.array()
			.notNull()
			.default(sql`'{}'`),
		budgetCents: bigint('budget_cents', { mode: 'number' }),
		dueDate: date('due_date').notNull(),
		/** see ACTION_STATUSES; « en retard » is derived (effectiveStatus) */
		status: text('status').notNull().default('planned'),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('strategy_actions_department_idx').on(t.departmentCode, t.dueDate),
		index('strategy_actions_axis_idx').on(t.axisId),
		check('strategy_actions_status', sql`${t.status} IN ('planned', 'in_progress', 'done', 'dropped')`),
		check('strategy_actions_budget', sql`${t.budgetCents} IS NULL OR ${t.budgetCents} >= 0`)
	]
);

/** Who funds an action, and how much. */
export const strategyActionFundings = pgTable(
	'strategy_action_fundings',
	{
		actionId: uuid('action_id')
			.notNull()
			.references(() => strategyActions.id, { onDelete: 'cascade' }),
		funderOrganisationId: uuid('funder_organisation_id')
			.notNull()
			.references(() => organisations.id),
		amountCents: bigint('amount_cents', { mode: 'number' }).notNull()
	},
	(t) => [
		primaryKey({ name: 'strategy_action_fundings_pk', columns: [t.actionId, t.funderOrganisationId] }),
		check('strategy_action_fundings_amount', sql`${t.amountCents} > 0`)
	]
);

/** A steering indicator an action follows (INDICATORS), with its target value and date. */
export const strategyActionIndicators = pgTable(
	'strategy_action_indicators',
	{
		actionId: uuid('action_id')
			.notNull()
			.references(() => strategyActions.id, { onDelete: 'cascade' }),
		indicator: text('indicator').notNull(),
		target: doublePrecision('target'),
		targetDate: date('target_date')
	},
	(t) => [primaryKey({ name: 'strategy_action_indicators_pk', columns: [t.actionId, t.indicator] })]
);

/** The action's history: dated progress notes. */
export const strategyActionNotes = pgTable(
	'strategy_action_notes',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		actionId: uuid('action_id')
			.notNull()
			.references(() => strategyActions.id, { onDelete: 'cascade' }),
		notedOn: date('noted_on').notNull(),
		body: text('body').notNull(),
		authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('strategy_action_notes_action_idx').on(t.actionId, t.notedOn)]
);

/** A meeting of the steering committee (or its technical committee, a plenary, a working group). */
export const strategyMeetings = pgTable(
	'strategy_meetings',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		departmentCode: text('department_code').notNull(),
		kind: text('kind').notNull(),
		heldOn: date('held_on').notNull(),
		/** 'HH:MM', Paris time; null when not said */
		startTime: text('start_time'),
		mode: text('mode').notNull().default('in_person'),
		/** the address, or the video link's name */
		location: text('location').notNull().default(''),
		presentOrganisationIds: uuid('present_organisation_ids')
			.array()
			.notNull()
			.default(sql`'{}'`),
		agenda: text('agenda').notNull().default(''),
		minutes: text('minutes').notNull().default(''),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('strategy_meetings_department_idx').on(t.departmentCode, t.heldOn),
		check('strategy_meetings_kind', sql`${t.kind} IN ('copil', 'cotech', 'pleniere', 'groupe_travail', 'autre')`),
		check('strategy_meetings_mode', sql`${t.mode} IN ('in_person', 'video', 'hybrid')`),
		check('strategy_meetings_time', sql`${t.startTime} IS NULL OR ${t.startTime} ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'`)
	]
);

/** A decision of a meeting, followed until done: who carries it, by when, the actions it concerns. */
export const strategyDecisions = pgTable(
	'strategy_decisions',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		meetingId: uuid('meeting_id')
			.notNull()
			.references(() => strategyMeetings.id, { onDelete: 'cascade' }),
		departmentCode: text('department_code').notNull(),
		body: text('body').notNull(),
		ownerOrganisationId: uuid('owner_organisation_id').references(() => organisations.id),
		dueDate: date('due_date'),
		actionIds: uuid('action_ids')
			.array()
			.notNull()
			.default(sql`'{}'`),
		status: text('status').notNull().default('open'),
		doneOn: date('done_on'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('strategy_decisions_meeting_idx').on(t.meetingId),
		index('strategy_decisions_department_idx').on(t.departmentCode, t.status),
		check('strategy_decisions_status', sql`${t.status} IN ('open', 'in_progress', 'done', 'dropped')`),
		check('strategy_decisions_done', sql`(${t.status} = 'done') = (${t.doneOn} IS NOT NULL)`)
	]
);

export type StrategyAction = typeof strategyActions.$inferSelect;
export type StrategyMeeting = typeof strategyMeetings.$inferSelect;
export type StrategyDecision = typeof strategyDecisions.$inferSelect;
