-- Issue 16: the steering space's figures, pre-aggregated (docs/decisions/0018). One row per
-- département × month × kind of fact × commune (of residence, or of the place) × structure ×
-- two dimensions; `n` acts, `persons` people (a workshop's participants), `amount_cents`
-- money. Refreshed every 10 minutes by the `steering-refresh` job, month by month (a month
-- is deleted and written again in one transaction): only the months whose sources changed.
-- Aggregates without any person's row, but with their small counts unmasked: the request
-- role reads them within its départements (the services mask them before anyone sees them).
CREATE TABLE "steering_facts" (
	"department_code" text NOT NULL,
	"month" date NOT NULL,
	"kind" text NOT NULL,
	"commune_code" text DEFAULT '' NOT NULL,
	"organisation_id" text DEFAULT '' NOT NULL,
	"dim_a" text DEFAULT '' NOT NULL,
	"dim_b" text DEFAULT '' NOT NULL,
	"n" integer NOT NULL,
	"persons" integer DEFAULT 0 NOT NULL,
	"amount_cents" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "steering_facts_pkey" PRIMARY KEY ("department_code", "kind", "month", "commune_code", "organisation_id", "dim_a", "dim_b")
);--> statement-breakpoint
-- per département: up to when the sources were read (the next refresh reads what changed since, with a margin)
CREATE TABLE "steering_refresh" (
	"department_code" text PRIMARY KEY NOT NULL,
	"watermark" timestamp with time zone NOT NULL,
	"refreshed_at" timestamp with time zone NOT NULL,
	"months" integer DEFAULT 0 NOT NULL
);--> statement-breakpoint
-- what the refresh looks up: the rows changed since the watermark, month by month
CREATE INDEX IF NOT EXISTS "accompaniments_department_created_idx" ON "accompaniments" ("department_code", "created_at");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "accompaniments_department_date_idx" ON "accompaniments" ("department_code", "date");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "referral_events_at_idx" ON "referral_events" ("at");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "referrals_sent_idx" ON "referrals" ("department_code", "sent_at");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "assessments_created_idx" ON "assessments" ("created_at");--> statement-breakpoint
GRANT SELECT ON steering_facts, steering_refresh TO maillage_scoped;--> statement-breakpoint
ALTER TABLE steering_facts ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE steering_facts FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY steering_facts_territory ON steering_facts FOR SELECT TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
ALTER TABLE steering_refresh ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE steering_refresh FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY steering_refresh_territory ON steering_refresh FOR SELECT TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
DO $$
BEGIN
	EXECUTE format('CREATE POLICY steering_facts_owner ON steering_facts TO %I USING (true) WITH CHECK (true)', current_user);
	EXECUTE format('CREATE POLICY steering_refresh_owner ON steering_refresh TO %I USING (true) WITH CHECK (true)', current_user);
END
$$;
