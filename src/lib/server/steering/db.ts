import { bigint, date, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The steering space's pre-aggregated figures (migration 0033, docs/decisions/0018): one row
 * per département × month × kind of fact × commune × structure × two dimensions. Written by
 * the refresh job only (facts.ts), read by the steering services, which mask them.
 */
export const steeringFacts = pgTable(
	'steering_facts',
	{
		departmentCode: text('department_code').notNull(),
		month: date('month').notNull(),
		kind: text('kind').notNull(),
		communeCode: text('commune_code').notNull().default(''),
		organisationId: text('organisation_id').notNull().default(''),
		dimA: text('dim_a').notNull().default(''),
		dimB: text('dim_b').notNull().default(''),
		n: integer('n').notNull(),
		persons: integer('persons').notNull().default(0),
		amountCents: bigint('amount_cents', { mode: 'number' }).notNull().default(0)
	},
	(t) => [primaryKey({ name: 'steering_facts_pkey', columns: [t.departmentCode, t.kind, t.month, t.communeCode, t.organisationId, t.dimA, t.dimB] })]
);

/**
 * The facts summed over the communes (migration 0036): one row per département × month × kind
 * × structure × two dimensions, written with the facts month by month (facts.ts). The pages
 * read from here the kinds no table draws by commune (figures.ts, `FACT_DIMENSIONS`).
 */
export const steeringFactsSummed = pgTable(
	'steering_facts_summed',
	{
		departmentCode: text('department_code').notNull(),
		month: date('month').notNull(),
		kind: text('kind').notNull(),
		organisationId: text('organisation_id').notNull().default(''),
		dimA: text('dim_a').notNull().default(''),
		dimB: text('dim_b').notNull().default(''),
		n: integer('n').notNull(),
		persons: integer('persons').notNull().default(0),
		amountCents: bigint('amount_cents', { mode: 'number' }).notNull().default(0)
	},
	(t) => [primaryKey({ name: 'steering_facts_summed_pkey', columns: [t.departmentCode, t.kind, t.month, t.organisationId, t.dimA, t.dimB] })]
);

/**
 * Per département: the sources were read up to `watermark` (the next refresh reads what
 * changed since, with a margin); `figures_changed_at` (migration 0036): when a refresh last
 * wrote a month a page may show (published, or any in a full refresh), the key of the facts
 * the pages keep (figures.ts).
 */
export const steeringRefresh = pgTable('steering_refresh', {
	departmentCode: text('department_code').primaryKey(),
	watermark: timestamp('watermark', { withTimezone: true }).notNull(),
	refreshedAt: timestamp('refreshed_at', { withTimezone: true }).notNull(),
	months: integer('months').notNull().default(0),
	figuresChangedAt: timestamp('figures_changed_at', { withTimezone: true }).notNull().defaultNow()
});
