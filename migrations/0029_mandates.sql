-- Mandates (issue 15, item 8): a structure of helpers acts for a person on named procedure
-- themes, for 1 day, 1, 6 or 12 months. A mandate is a set of grants of kind 'mandate'
-- (decision 0014), one per theme (scopes 'identity' and 'theme:<key>'), so that revoking a
-- theme is revoking one grant and the one rule (permissions/grants.ts) and the policies of
-- 0023 read them as they read consents. The mandate keeps what was signed: its content
-- (canonical JSON) and digest, how it was confirmed, the legal representative if any, the
-- hash of the attestation's verification token, the reminders sent. Each use is a row of
-- mandate_uses, shown to the person.
CREATE TABLE "mandates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"beneficiary_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"department_code" text NOT NULL,
	"themes" text[] NOT NULL,
	"duration" text NOT NULL,
	"status" text DEFAULT 'prepared' NOT NULL,
	"method" text,
	"representative_kind" text,
	"representative_name" text,
	"valid_from" timestamp with time zone,
	"valid_until" timestamp with time zone,
	"content" jsonb,
	"digest" text,
	"token_salt" text,
	"token_hash" text,
	"code_hash" text,
	"code_channel" text,
	"code_expires_at" timestamp with time zone,
	"code_attempts" integer DEFAULT 0 NOT NULL,
	"code_sends" integer DEFAULT 0 NOT NULL,
	"prepared_by" uuid,
	"confirmed_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"signed_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"revoked_by" text,
	"revoked_by_user_id" uuid,
	"reminded_30_at" timestamp with time zone,
	"reminded_7_at" timestamp with time zone,
	CONSTRAINT "mandates_token_hash_unique" UNIQUE("token_hash"),
	CONSTRAINT "mandates_duration" CHECK ("duration" IN ('1d', '1m', '6m', '12m')),
	CONSTRAINT "mandates_status" CHECK ("status" IN ('prepared', 'signed', 'cancelled')),
	CONSTRAINT "mandates_method" CHECK ("method" IS NULL OR "method" IN ('signature', 'code')),
	CONSTRAINT "mandates_signed" CHECK ("status" <> 'signed' OR ("method" IS NOT NULL AND "valid_from" IS NOT NULL AND "valid_until" > "valid_from" AND "digest" IS NOT NULL AND "token_hash" IS NOT NULL)),
	CONSTRAINT "mandates_representative" CHECK (("representative_kind" IS NULL) = ("representative_name" IS NULL) AND ("representative_kind" IS NULL OR "representative_kind" IN ('tutelle', 'curatelle', 'habilitation_familiale'))),
	CONSTRAINT "mandates_revoked" CHECK (("revoked_at" IS NULL) = ("revoked_by" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "mandate_uses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"mandate_id" uuid NOT NULL,
	"beneficiary_id" uuid NOT NULL,
	"grant_id" uuid,
	"theme" text NOT NULL,
	"kind" text NOT NULL,
	"label" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"user_id" uuid,
	"organisation_id" uuid NOT NULL,
	CONSTRAINT "mandate_uses_kind" CHECK ("kind" IN ('accompaniment', 'vault', 'procedure'))
);
--> statement-breakpoint
ALTER TABLE "mandates" ADD CONSTRAINT "mandates_beneficiary_id_beneficiaries_id_fk" FOREIGN KEY ("beneficiary_id") REFERENCES "public"."beneficiaries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mandates" ADD CONSTRAINT "mandates_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mandates" ADD CONSTRAINT "mandates_prepared_by_users_id_fk" FOREIGN KEY ("prepared_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mandates" ADD CONSTRAINT "mandates_confirmed_by_users_id_fk" FOREIGN KEY ("confirmed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mandates" ADD CONSTRAINT "mandates_revoked_by_user_id_users_id_fk" FOREIGN KEY ("revoked_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mandate_uses" ADD CONSTRAINT "mandate_uses_mandate_id_mandates_id_fk" FOREIGN KEY ("mandate_id") REFERENCES "public"."mandates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mandate_uses" ADD CONSTRAINT "mandate_uses_beneficiary_id_beneficiaries_id_fk" FOREIGN KEY ("beneficiary_id") REFERENCES "public"."beneficiaries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mandate_uses" ADD CONSTRAINT "mandate_uses_grant_id_grants_id_fk" FOREIGN KEY ("grant_id") REFERENCES "public"."grants"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mandate_uses" ADD CONSTRAINT "mandate_uses_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mandate_uses" ADD CONSTRAINT "mandate_uses_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mandates_beneficiary_idx" ON "mandates" USING btree ("beneficiary_id");--> statement-breakpoint
CREATE INDEX "mandates_organisation_idx" ON "mandates" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "mandates_ending_idx" ON "mandates" USING btree ("valid_until") WHERE "mandates"."status" = 'signed' AND "mandates"."revoked_at" IS NULL;--> statement-breakpoint
CREATE INDEX "mandate_uses_mandate_idx" ON "mandate_uses" USING btree ("mandate_id","at");--> statement-breakpoint
CREATE INDEX "mandate_uses_beneficiary_idx" ON "mandate_uses" USING btree ("beneficiary_id");--> statement-breakpoint
-- a mandate's grants: one per theme; they go with the mandate
ALTER TABLE "grants" ADD COLUMN "mandate_id" uuid;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_mandate_id_mandates_id_fk" FOREIGN KEY ("mandate_id") REFERENCES "public"."mandates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_mandate_kind" CHECK (("kind" = 'mandate') = ("mandate_id" IS NOT NULL));--> statement-breakpoint
CREATE INDEX "grants_mandate_idx" ON "grants" USING btree ("mandate_id") WHERE "grants"."mandate_id" IS NOT NULL;--> statement-breakpoint
-- Row-level security, as the grants (0023): a mandate and its uses are seen by the requests
-- whose départements include the structure that holds it; the owner (jobs, the person's own
-- pages, the attestation's public check) keeps every row.
GRANT SELECT, INSERT, UPDATE, DELETE ON mandates, mandate_uses TO maillage_scoped;--> statement-breakpoint
ALTER TABLE mandates ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE mandates FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY mandates_territory ON mandates TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM organisations o WHERE o.id = organisation_id
		AND ((SELECT maillage_scope_all()) OR o.department_code = ANY ((SELECT maillage_scope_departments())::text[]))));--> statement-breakpoint
ALTER TABLE mandate_uses ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE mandate_uses FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY mandate_uses_territory ON mandate_uses TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM organisations o WHERE o.id = organisation_id
		AND ((SELECT maillage_scope_all()) OR o.department_code = ANY ((SELECT maillage_scope_departments())::text[]))));--> statement-breakpoint
DO $$
BEGIN
	EXECUTE format('CREATE POLICY mandates_owner ON mandates TO %I USING (true) WITH CHECK (true)', current_user);
	EXECUTE format('CREATE POLICY mandate_uses_owner ON mandate_uses TO %I USING (true) WITH CHECK (true)', current_user);
END
$$;
