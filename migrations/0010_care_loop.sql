CREATE TABLE "assessments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"beneficiary_id" uuid,
	"organisation_id" uuid,
	"version" integer NOT NULL,
	"answers" jsonb NOT NULL,
	"result" jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "beneficiaries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"department_code" text NOT NULL,
	"first_name" text,
	"last_name" text,
	"pseudonym" text,
	"birth_year" integer,
	"commune_code" text,
	"commune_name" text,
	"phone" text,
	"email" text,
	"preferred_contact" text DEFAULT 'none' NOT NULL,
	"language" text DEFAULT 'fr' NOT NULL,
	"accessibility_needs" text[] DEFAULT '{}'::text[] NOT NULL,
	"accessibility_note" text,
	"name_key" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_activity_at" timestamp with time zone DEFAULT now() NOT NULL,
	"anonymised_at" timestamp with time zone,
	"merged_into" uuid
);
--> statement-breakpoint
CREATE TABLE "consents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"beneficiary_id" uuid NOT NULL,
	"scope" text[] NOT NULL,
	"with_organisation_id" uuid,
	"with_place_id" text,
	"purpose" text NOT NULL,
	"method" text NOT NULL,
	"given_at" timestamp with time zone DEFAULT now() NOT NULL,
	"recorded_by" uuid,
	"recorded_by_organisation_id" uuid NOT NULL,
	"withdrawn_at" timestamp with time zone,
	"withdrawn_by" text
);
--> statement-breakpoint
CREATE TABLE "person_codes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"beneficiary_id" uuid NOT NULL,
	"code_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "referral_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"referral_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"type" text NOT NULL,
	"actor_kind" text NOT NULL,
	"user_id" uuid,
	"from_status" text,
	"to_status" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "referrals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"beneficiary_id" uuid NOT NULL,
	"from_organisation_id" uuid NOT NULL,
	"prescriber_id" uuid,
	"place_id" text NOT NULL,
	"to_organisation_id" uuid,
	"consent_id" uuid NOT NULL,
	"assessment_id" uuid,
	"reason" text NOT NULL,
	"status" text DEFAULT 'sent' NOT NULL,
	"department_code" text NOT NULL,
	"place_department_code" text,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status_at" timestamp with time zone DEFAULT now() NOT NULL,
	"appointment_at" timestamp with time zone,
	"decline_reason" text,
	"decline_note" text,
	"reminders_sent" integer DEFAULT 0 NOT NULL,
	"link_nonce" text NOT NULL,
	"honoured_by_accompaniment_id" uuid
);
--> statement-breakpoint
CREATE TABLE "accompaniments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"place_id" text,
	"mediator_id" uuid,
	"department_code" text NOT NULL,
	"date" date NOT NULL,
	"kind" text NOT NULL,
	"duration_minutes" integer NOT NULL,
	"location" text NOT NULL,
	"themes" text[] DEFAULT '{}'::text[] NOT NULL,
	"procedure_themes" text[] DEFAULT '{}'::text[] NOT NULL,
	"autonomy" text,
	"equipment" text[] DEFAULT '{}'::text[] NOT NULL,
	"redirected_to" text[] DEFAULT '{}'::text[] NOT NULL,
	"beneficiary_id" uuid,
	"referral_id" uuid,
	"gender" text,
	"age_band" text,
	"social_status" text,
	"commune_code" text,
	"title" text,
	"level" text,
	"participants" integer DEFAULT 1 NOT NULL,
	"breakdown" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "channel" text DEFAULT 'email' NOT NULL;--> statement-breakpoint
ALTER TABLE "assessments" ADD CONSTRAINT "assessments_beneficiary_id_beneficiaries_id_fk" FOREIGN KEY ("beneficiary_id") REFERENCES "public"."beneficiaries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessments" ADD CONSTRAINT "assessments_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessments" ADD CONSTRAINT "assessments_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "beneficiaries" ADD CONSTRAINT "beneficiaries_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "beneficiaries" ADD CONSTRAINT "beneficiaries_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_beneficiary_id_beneficiaries_id_fk" FOREIGN KEY ("beneficiary_id") REFERENCES "public"."beneficiaries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_with_organisation_id_organisations_id_fk" FOREIGN KEY ("with_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_recorded_by_organisation_id_organisations_id_fk" FOREIGN KEY ("recorded_by_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_codes" ADD CONSTRAINT "person_codes_beneficiary_id_beneficiaries_id_fk" FOREIGN KEY ("beneficiary_id") REFERENCES "public"."beneficiaries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_events" ADD CONSTRAINT "referral_events_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_events" ADD CONSTRAINT "referral_events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_beneficiary_id_beneficiaries_id_fk" FOREIGN KEY ("beneficiary_id") REFERENCES "public"."beneficiaries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_from_organisation_id_organisations_id_fk" FOREIGN KEY ("from_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_prescriber_id_users_id_fk" FOREIGN KEY ("prescriber_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_place_id_places_id_fk" FOREIGN KEY ("place_id") REFERENCES "public"."places"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_to_organisation_id_organisations_id_fk" FOREIGN KEY ("to_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_consent_id_consents_id_fk" FOREIGN KEY ("consent_id") REFERENCES "public"."consents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_assessment_id_assessments_id_fk" FOREIGN KEY ("assessment_id") REFERENCES "public"."assessments"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accompaniments" ADD CONSTRAINT "accompaniments_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accompaniments" ADD CONSTRAINT "accompaniments_place_id_places_id_fk" FOREIGN KEY ("place_id") REFERENCES "public"."places"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accompaniments" ADD CONSTRAINT "accompaniments_mediator_id_users_id_fk" FOREIGN KEY ("mediator_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accompaniments" ADD CONSTRAINT "accompaniments_beneficiary_id_beneficiaries_id_fk" FOREIGN KEY ("beneficiary_id") REFERENCES "public"."beneficiaries"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accompaniments" ADD CONSTRAINT "accompaniments_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "assessments_beneficiary_idx" ON "assessments" USING btree ("beneficiary_id","created_at");--> statement-breakpoint
CREATE INDEX "beneficiaries_organisation_idx" ON "beneficiaries" USING btree ("organisation_id","updated_at");--> statement-breakpoint
CREATE INDEX "beneficiaries_activity_idx" ON "beneficiaries" USING btree ("last_activity_at") WHERE "beneficiaries"."anonymised_at" IS NULL;--> statement-breakpoint
CREATE INDEX "beneficiaries_name_key_idx" ON "beneficiaries" USING btree ("department_code","name_key");--> statement-breakpoint
CREATE INDEX "beneficiaries_phone_idx" ON "beneficiaries" USING btree ("phone") WHERE "beneficiaries"."phone" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "beneficiaries_email_idx" ON "beneficiaries" USING btree ("email") WHERE "beneficiaries"."email" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "consents_beneficiary_idx" ON "consents" USING btree ("beneficiary_id");--> statement-breakpoint
CREATE INDEX "consents_organisation_idx" ON "consents" USING btree ("with_organisation_id") WHERE "consents"."withdrawn_at" IS NULL;--> statement-breakpoint
CREATE INDEX "person_codes_beneficiary_idx" ON "person_codes" USING btree ("beneficiary_id","created_at");--> statement-breakpoint
CREATE INDEX "referral_events_referral_idx" ON "referral_events" USING btree ("referral_id","at");--> statement-breakpoint
CREATE INDEX "referrals_to_org_idx" ON "referrals" USING btree ("to_organisation_id","status","sent_at");--> statement-breakpoint
CREATE INDEX "referrals_place_idx" ON "referrals" USING btree ("place_id","status","sent_at");--> statement-breakpoint
CREATE INDEX "referrals_from_org_idx" ON "referrals" USING btree ("from_organisation_id","status","sent_at");--> statement-breakpoint
CREATE INDEX "referrals_beneficiary_idx" ON "referrals" USING btree ("beneficiary_id","sent_at");--> statement-breakpoint
CREATE INDEX "referrals_awaiting_idx" ON "referrals" USING btree ("sent_at") WHERE "referrals"."status" IN ('sent', 'under_study');--> statement-breakpoint
CREATE INDEX "accompaniments_place_idx" ON "accompaniments" USING btree ("place_id","date");--> statement-breakpoint
CREATE INDEX "accompaniments_organisation_idx" ON "accompaniments" USING btree ("organisation_id","date");--> statement-breakpoint
CREATE INDEX "accompaniments_mediator_idx" ON "accompaniments" USING btree ("mediator_id","created_at");--> statement-breakpoint
CREATE INDEX "accompaniments_beneficiary_idx" ON "accompaniments" USING btree ("beneficiary_id") WHERE "accompaniments"."beneficiary_id" IS NOT NULL;--> statement-breakpoint
-- Territory isolation, second wall (see 0008): the care loop's tables. A record of one
-- département is readable in another only through a consent given to an organisation
-- of that other département (a referral across the border).
GRANT SELECT, INSERT, UPDATE, DELETE ON beneficiaries, consents, assessments, referrals, referral_events, accompaniments TO maillage_scoped;--> statement-breakpoint
GRANT USAGE ON SEQUENCE referral_events_id_seq TO maillage_scoped;--> statement-breakpoint
ALTER TABLE beneficiaries ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY beneficiaries_territory ON beneficiaries TO maillage_scoped
	USING (maillage_in_scope(department_code) OR EXISTS (
		SELECT 1 FROM consents c JOIN organisations o ON o.id = c.with_organisation_id
		WHERE c.beneficiary_id = beneficiaries.id AND c.withdrawn_at IS NULL AND maillage_in_scope(o.department_code)));--> statement-breakpoint
ALTER TABLE consents ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY consents_territory ON consents TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM organisations o WHERE o.id IN (recorded_by_organisation_id, with_organisation_id) AND maillage_in_scope(o.department_code)));--> statement-breakpoint
ALTER TABLE assessments ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY assessments_territory ON assessments TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM beneficiaries b WHERE b.id = beneficiary_id));--> statement-breakpoint
ALTER TABLE referrals ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY referrals_territory ON referrals TO maillage_scoped
	USING (maillage_in_scope(department_code) OR maillage_in_scope(place_department_code));--> statement-breakpoint
ALTER TABLE referral_events ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY referral_events_territory ON referral_events TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM referrals r WHERE r.id = referral_id));--> statement-breakpoint
ALTER TABLE accompaniments ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY accompaniments_territory ON accompaniments TO maillage_scoped
	USING (maillage_in_scope(department_code)) WITH CHECK (maillage_in_scope(department_code));
