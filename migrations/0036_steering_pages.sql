-- Issue 16, the steering pages' speed (docs/decisions/0018, amendment).
-- When a refresh last wrote figures a page may show (a month already published, or every
-- month in a full refresh). The pages keep the facts they read until it changes: the refresh
-- every ten minutes rewrites the month under way only, which no page shows.
ALTER TABLE "steering_refresh" ADD COLUMN "figures_changed_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
-- The facts summed over the communes, written with them month by month: what the tables not
-- drawn by commune read (the accompanied persons' profiles are 213,000 rows of facts for a
-- year of Pas-de-Calais at national density, 539 summed). The structure stays: a partner
-- reads its own. Aggregates like the facts, read by the request role within its départements.
CREATE TABLE "steering_facts_summed" (
	"department_code" text NOT NULL,
	"month" date NOT NULL,
	"kind" text NOT NULL,
	"organisation_id" text DEFAULT '' NOT NULL,
	"dim_a" text DEFAULT '' NOT NULL,
	"dim_b" text DEFAULT '' NOT NULL,
	"n" integer NOT NULL,
	"persons" integer DEFAULT 0 NOT NULL,
	"amount_cents" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "steering_facts_summed_pkey" PRIMARY KEY ("department_code", "kind", "month", "organisation_id", "dim_a", "dim_b")
);--> statement-breakpoint
INSERT INTO steering_facts_summed (department_code, month, kind, organisation_id, dim_a, dim_b, n, persons, amount_cents)
	SELECT department_code, month, kind, organisation_id, dim_a, dim_b, sum(n), sum(persons), sum(amount_cents) FROM steering_facts GROUP BY 1, 2, 3, 4, 5, 6;--> statement-breakpoint
GRANT SELECT ON steering_facts_summed TO maillage_scoped;--> statement-breakpoint
ALTER TABLE steering_facts_summed ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE steering_facts_summed FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY steering_facts_summed_territory ON steering_facts_summed FOR SELECT TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
DO $$
BEGIN
	EXECUTE format('CREATE POLICY steering_facts_summed_owner ON steering_facts_summed TO %I USING (true) WITH CHECK (true)', current_user);
END
$$;
