CREATE TABLE "pass_alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"department_code" text NOT NULL,
	"kind" text NOT NULL,
	"campaign_id" uuid,
	"booklet_id" uuid,
	"voucher_id" uuid,
	"place_id" text,
	"organisation_id" uuid,
	"user_id" uuid,
	"details" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reviewed_at" timestamp with time zone,
	"reviewed_by" uuid,
	"review_note" text
);
--> statement-breakpoint
CREATE TABLE "pass_booklets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"campaign_id" uuid NOT NULL,
	"department_code" text NOT NULL,
	"number" integer NOT NULL,
	"size" integer NOT NULL,
	"holder_organisation_id" uuid,
	"entrusted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pass_campaign_funders" (
	"campaign_id" uuid NOT NULL,
	"funder_id" uuid NOT NULL,
	"share_cents" bigint NOT NULL,
	"paid_at" timestamp with time zone,
	"paid_by" uuid,
	CONSTRAINT "pass_campaign_funders_campaign_id_funder_id_pk" PRIMARY KEY("campaign_id","funder_id"),
	CONSTRAINT "pass_campaign_funders_positive" CHECK ("pass_campaign_funders"."share_cents" > 0)
);
--> statement-breakpoint
CREATE TABLE "pass_campaigns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"department_code" text NOT NULL,
	"name" text NOT NULL,
	"face_value_cents" integer DEFAULT 1000 NOT NULL,
	"booklet_size" integer DEFAULT 10 NOT NULL,
	"valid_from" date NOT NULL,
	"valid_until" date NOT NULL,
	"tolerance_days" integer DEFAULT 31 NOT NULL,
	"publics" text[] DEFAULT '{}'::text[] NOT NULL,
	"area_ids" integer[] DEFAULT '{}'::integer[] NOT NULL,
	"commune_codes" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"funded_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pass_campaigns_booklet_size" CHECK ("pass_campaigns"."booklet_size" IN (5, 10)),
	CONSTRAINT "pass_campaigns_face_value" CHECK ("pass_campaigns"."face_value_cents" > 0),
	CONSTRAINT "pass_campaigns_status" CHECK ("pass_campaigns"."status" IN ('draft', 'funded', 'closed')),
	CONSTRAINT "pass_campaigns_dates" CHECK ("pass_campaigns"."valid_from" <= "pass_campaigns"."valid_until")
);
--> statement-breakpoint
CREATE TABLE "pass_contributions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"department_code" text NOT NULL,
	"funder_id" uuid NOT NULL,
	"amount_cents" bigint NOT NULL,
	"received_on" date NOT NULL,
	"agreement_ref" text NOT NULL,
	"restrictions" text,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pass_contributions_positive" CHECK ("pass_contributions"."amount_cents" > 0)
);
--> statement-breakpoint
CREATE TABLE "pass_ledger_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"department_code" text NOT NULL,
	"kind" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"ref_type" text NOT NULL,
	"ref_id" text NOT NULL,
	"memo" text
);
--> statement-breakpoint
CREATE TABLE "pass_ledger_lines" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"entry_id" bigint NOT NULL,
	"account" text NOT NULL,
	"amount_cents" bigint NOT NULL,
	CONSTRAINT "pass_ledger_lines_nonzero" CHECK ("pass_ledger_lines"."amount_cents" <> 0)
);
--> statement-breakpoint
CREATE TABLE "pass_qualifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"department_code" text NOT NULL,
	"siret" text NOT NULL,
	"organisation_id" uuid NOT NULL,
	"qualified_at" timestamp with time zone DEFAULT now() NOT NULL,
	"qualified_by" uuid,
	"suspended_at" timestamp with time zone,
	"suspension_reason" text
);
--> statement-breakpoint
CREATE TABLE "pass_statements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"department_code" text NOT NULL,
	"month" date NOT NULL,
	"place_id" text NOT NULL,
	"organisation_id" uuid NOT NULL,
	"voucher_count" integer NOT NULL,
	"total_cents" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"paid_at" timestamp with time zone,
	"paid_by" uuid,
	"payment_ref" text
);
--> statement-breakpoint
CREATE TABLE "pass_vouchers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"campaign_id" uuid NOT NULL,
	"booklet_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"department_code" text NOT NULL,
	"face_value_cents" integer NOT NULL,
	"state" text DEFAULT 'created' NOT NULL,
	"activated_at" timestamp with time zone,
	"distributed_at" timestamp with time zone,
	"distributed_by" uuid,
	"distributed_organisation_id" uuid,
	"beneficiary_id" uuid,
	"referral_id" uuid,
	"redeemed_at" timestamp with time zone,
	"redeemed_by" uuid,
	"redeemed_place_id" text,
	"redeemed_organisation_id" uuid,
	"accompaniment_id" uuid,
	"statement_id" uuid,
	"reimbursed_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"ended_reason" text,
	"credited_back_at" timestamp with time zone,
	CONSTRAINT "pass_vouchers_state" CHECK ("pass_vouchers"."state" IN ('created', 'activated', 'distributed', 'redeemed', 'reimbursed', 'expired', 'cancelled', 'credited_back')),
	CONSTRAINT "pass_vouchers_redeemed" CHECK ("pass_vouchers"."state" NOT IN ('redeemed', 'reimbursed') OR ("pass_vouchers"."redeemed_at" IS NOT NULL AND "pass_vouchers"."redeemed_place_id" IS NOT NULL)),
	CONSTRAINT "pass_vouchers_reimbursed" CHECK ("pass_vouchers"."state" <> 'reimbursed' OR ("pass_vouchers"."reimbursed_at" IS NOT NULL AND "pass_vouchers"."statement_id" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "pass_warnings" (
	"campaign_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"days_before" integer NOT NULL,
	"voucher_count" integer NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pass_warnings_campaign_id_user_id_days_before_pk" PRIMARY KEY("campaign_id","user_id","days_before")
);
--> statement-breakpoint
ALTER TABLE "pass_alerts" ADD CONSTRAINT "pass_alerts_campaign_id_pass_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."pass_campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_alerts" ADD CONSTRAINT "pass_alerts_booklet_id_pass_booklets_id_fk" FOREIGN KEY ("booklet_id") REFERENCES "public"."pass_booklets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_alerts" ADD CONSTRAINT "pass_alerts_voucher_id_pass_vouchers_id_fk" FOREIGN KEY ("voucher_id") REFERENCES "public"."pass_vouchers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_alerts" ADD CONSTRAINT "pass_alerts_place_id_places_id_fk" FOREIGN KEY ("place_id") REFERENCES "public"."places"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_alerts" ADD CONSTRAINT "pass_alerts_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_alerts" ADD CONSTRAINT "pass_alerts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_alerts" ADD CONSTRAINT "pass_alerts_reviewed_by_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_booklets" ADD CONSTRAINT "pass_booklets_campaign_id_pass_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."pass_campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_booklets" ADD CONSTRAINT "pass_booklets_holder_organisation_id_organisations_id_fk" FOREIGN KEY ("holder_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_campaign_funders" ADD CONSTRAINT "pass_campaign_funders_campaign_id_pass_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."pass_campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_campaign_funders" ADD CONSTRAINT "pass_campaign_funders_funder_id_organisations_id_fk" FOREIGN KEY ("funder_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_campaign_funders" ADD CONSTRAINT "pass_campaign_funders_paid_by_users_id_fk" FOREIGN KEY ("paid_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_campaigns" ADD CONSTRAINT "pass_campaigns_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_contributions" ADD CONSTRAINT "pass_contributions_funder_id_organisations_id_fk" FOREIGN KEY ("funder_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_contributions" ADD CONSTRAINT "pass_contributions_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_ledger_lines" ADD CONSTRAINT "pass_ledger_lines_entry_id_pass_ledger_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."pass_ledger_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_qualifications" ADD CONSTRAINT "pass_qualifications_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_qualifications" ADD CONSTRAINT "pass_qualifications_qualified_by_users_id_fk" FOREIGN KEY ("qualified_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_statements" ADD CONSTRAINT "pass_statements_place_id_places_id_fk" FOREIGN KEY ("place_id") REFERENCES "public"."places"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_statements" ADD CONSTRAINT "pass_statements_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_statements" ADD CONSTRAINT "pass_statements_paid_by_users_id_fk" FOREIGN KEY ("paid_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_vouchers" ADD CONSTRAINT "pass_vouchers_campaign_id_pass_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."pass_campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_vouchers" ADD CONSTRAINT "pass_vouchers_booklet_id_pass_booklets_id_fk" FOREIGN KEY ("booklet_id") REFERENCES "public"."pass_booklets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_vouchers" ADD CONSTRAINT "pass_vouchers_distributed_by_users_id_fk" FOREIGN KEY ("distributed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_vouchers" ADD CONSTRAINT "pass_vouchers_distributed_organisation_id_organisations_id_fk" FOREIGN KEY ("distributed_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_vouchers" ADD CONSTRAINT "pass_vouchers_beneficiary_id_beneficiaries_id_fk" FOREIGN KEY ("beneficiary_id") REFERENCES "public"."beneficiaries"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_vouchers" ADD CONSTRAINT "pass_vouchers_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_vouchers" ADD CONSTRAINT "pass_vouchers_redeemed_by_users_id_fk" FOREIGN KEY ("redeemed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_vouchers" ADD CONSTRAINT "pass_vouchers_redeemed_place_id_places_id_fk" FOREIGN KEY ("redeemed_place_id") REFERENCES "public"."places"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_vouchers" ADD CONSTRAINT "pass_vouchers_redeemed_organisation_id_organisations_id_fk" FOREIGN KEY ("redeemed_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_vouchers" ADD CONSTRAINT "pass_vouchers_accompaniment_id_accompaniments_id_fk" FOREIGN KEY ("accompaniment_id") REFERENCES "public"."accompaniments"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_vouchers" ADD CONSTRAINT "pass_vouchers_statement_id_pass_statements_id_fk" FOREIGN KEY ("statement_id") REFERENCES "public"."pass_statements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_warnings" ADD CONSTRAINT "pass_warnings_campaign_id_pass_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."pass_campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pass_warnings" ADD CONSTRAINT "pass_warnings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "pass_alerts_department_idx" ON "pass_alerts" USING btree ("department_code","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "pass_alerts_booklet_burst_idx" ON "pass_alerts" USING btree ("booklet_id") WHERE "pass_alerts"."kind" = 'booklet_burst';--> statement-breakpoint
CREATE UNIQUE INDEX "pass_booklets_number_idx" ON "pass_booklets" USING btree ("campaign_id","number");--> statement-breakpoint
CREATE INDEX "pass_booklets_holder_idx" ON "pass_booklets" USING btree ("holder_organisation_id");--> statement-breakpoint
CREATE INDEX "pass_campaigns_department_idx" ON "pass_campaigns" USING btree ("department_code","valid_until");--> statement-breakpoint
CREATE INDEX "pass_contributions_funder_idx" ON "pass_contributions" USING btree ("department_code","funder_id");--> statement-breakpoint
CREATE INDEX "pass_ledger_entries_ref_idx" ON "pass_ledger_entries" USING btree ("ref_type","ref_id");--> statement-breakpoint
CREATE INDEX "pass_ledger_entries_department_idx" ON "pass_ledger_entries" USING btree ("department_code","at");--> statement-breakpoint
CREATE INDEX "pass_ledger_lines_entry_idx" ON "pass_ledger_lines" USING btree ("entry_id");--> statement-breakpoint
CREATE INDEX "pass_ledger_lines_account_idx" ON "pass_ledger_lines" USING btree ("account");--> statement-breakpoint
CREATE UNIQUE INDEX "pass_qualifications_siret_idx" ON "pass_qualifications" USING btree ("siret");--> statement-breakpoint
CREATE INDEX "pass_qualifications_organisation_idx" ON "pass_qualifications" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "pass_statements_month_place_idx" ON "pass_statements" USING btree ("month","place_id");--> statement-breakpoint
CREATE INDEX "pass_statements_department_idx" ON "pass_statements" USING btree ("department_code","month");--> statement-breakpoint
CREATE UNIQUE INDEX "pass_vouchers_code_idx" ON "pass_vouchers" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "pass_vouchers_booklet_idx" ON "pass_vouchers" USING btree ("booklet_id","position");--> statement-breakpoint
CREATE INDEX "pass_vouchers_campaign_state_idx" ON "pass_vouchers" USING btree ("campaign_id","state");--> statement-breakpoint
CREATE INDEX "pass_vouchers_distributed_by_idx" ON "pass_vouchers" USING btree ("distributed_by") WHERE "pass_vouchers"."state" = 'distributed';--> statement-breakpoint
CREATE INDEX "pass_vouchers_redeemed_idx" ON "pass_vouchers" USING btree ("redeemed_organisation_id","redeemed_at") WHERE "pass_vouchers"."redeemed_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "pass_vouchers_statement_idx" ON "pass_vouchers" USING btree ("statement_id") WHERE "pass_vouchers"."statement_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "pass_vouchers_accompaniment_idx" ON "pass_vouchers" USING btree ("accompaniment_id") WHERE "pass_vouchers"."accompaniment_id" IS NOT NULL;--> statement-breakpoint
-- Territory isolation for the scoped role (as 0011): a second wall behind the services' checks.
GRANT SELECT, INSERT, UPDATE, DELETE ON pass_contributions, pass_campaigns, pass_campaign_funders, pass_booklets, pass_vouchers, pass_qualifications, pass_statements, pass_ledger_entries, pass_ledger_lines, pass_alerts, pass_warnings TO maillage_scoped;--> statement-breakpoint
GRANT USAGE ON SEQUENCE pass_ledger_entries_id_seq, pass_ledger_lines_id_seq TO maillage_scoped;--> statement-breakpoint
ALTER TABLE pass_contributions ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY pass_contributions_territory ON pass_contributions TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]))
	WITH CHECK ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
ALTER TABLE pass_campaigns ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY pass_campaigns_territory ON pass_campaigns TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]))
	WITH CHECK ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
ALTER TABLE pass_booklets ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY pass_booklets_territory ON pass_booklets TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]))
	WITH CHECK ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
ALTER TABLE pass_vouchers ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY pass_vouchers_territory ON pass_vouchers TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]))
	WITH CHECK ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
ALTER TABLE pass_qualifications ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY pass_qualifications_territory ON pass_qualifications TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]))
	WITH CHECK ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
ALTER TABLE pass_statements ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY pass_statements_territory ON pass_statements TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]))
	WITH CHECK ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
ALTER TABLE pass_ledger_entries ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY pass_ledger_entries_territory ON pass_ledger_entries TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]))
	WITH CHECK ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
ALTER TABLE pass_alerts ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY pass_alerts_territory ON pass_alerts TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]))
	WITH CHECK ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
ALTER TABLE pass_campaign_funders ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY pass_campaign_funders_territory ON pass_campaign_funders TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM pass_campaigns p WHERE p.id = campaign_id));--> statement-breakpoint
ALTER TABLE pass_warnings ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY pass_warnings_territory ON pass_warnings TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM pass_campaigns p WHERE p.id = campaign_id));--> statement-breakpoint
ALTER TABLE pass_ledger_lines ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY pass_ledger_lines_territory ON pass_ledger_lines TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM pass_ledger_entries p WHERE p.id = entry_id));
