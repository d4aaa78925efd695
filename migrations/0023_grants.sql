-- One grants model (issue 13, decision 0014): the consents become grants of kind 'consent'
-- on one table that mandates, document shares and appointments will use too. The rows
-- stay; the columns take the model's names; a grant may name a professional instead of a
-- structure, end by itself (valid_until), and keep what proves it (evidence).
ALTER TABLE "consents" RENAME TO "grants";--> statement-breakpoint
ALTER TABLE "grants" RENAME COLUMN "scope" TO "scopes";--> statement-breakpoint
ALTER TABLE "grants" RENAME COLUMN "with_organisation_id" TO "grantee_organisation_id";--> statement-breakpoint
ALTER TABLE "grants" RENAME COLUMN "with_place_id" TO "grantee_place_id";--> statement-breakpoint
ALTER TABLE "grants" RENAME COLUMN "given_at" TO "valid_from";--> statement-breakpoint
ALTER TABLE "grants" RENAME COLUMN "withdrawn_at" TO "revoked_at";--> statement-breakpoint
ALTER TABLE "grants" RENAME COLUMN "withdrawn_by" TO "revoked_by";--> statement-breakpoint
ALTER TABLE "grants" ADD COLUMN "kind" text DEFAULT 'consent' NOT NULL;--> statement-breakpoint
ALTER TABLE "grants" ADD COLUMN "grantee_user_id" uuid;--> statement-breakpoint
ALTER TABLE "grants" ADD COLUMN "valid_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "grants" ADD COLUMN "evidence" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "grants" ADD COLUMN "revoked_by_user_id" uuid;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_grantee_user_id_users_id_fk" FOREIGN KEY ("grantee_user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_revoked_by_user_id_users_id_fk" FOREIGN KEY ("revoked_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grants" RENAME CONSTRAINT "consents_pkey" TO "grants_pkey";--> statement-breakpoint
ALTER TABLE "grants" RENAME CONSTRAINT "consents_beneficiary_id_beneficiaries_id_fk" TO "grants_beneficiary_id_beneficiaries_id_fk";--> statement-breakpoint
ALTER TABLE "grants" RENAME CONSTRAINT "consents_with_organisation_id_organisations_id_fk" TO "grants_grantee_organisation_id_organisations_id_fk";--> statement-breakpoint
ALTER TABLE "grants" RENAME CONSTRAINT "consents_recorded_by_users_id_fk" TO "grants_recorded_by_users_id_fk";--> statement-breakpoint
ALTER TABLE "grants" RENAME CONSTRAINT "consents_recorded_by_organisation_id_organisations_id_fk" TO "grants_recorded_by_organisation_id_organisations_id_fk";--> statement-breakpoint
ALTER TABLE "referrals" RENAME CONSTRAINT "referrals_consent_id_consents_id_fk" TO "referrals_consent_id_grants_id_fk";--> statement-breakpoint
ALTER TABLE "consent_requests" RENAME CONSTRAINT "consent_requests_consent_id_consents_id_fk" TO "consent_requests_consent_id_grants_id_fk";--> statement-breakpoint
DROP INDEX "consents_beneficiary_idx";--> statement-breakpoint
DROP INDEX "consents_organisation_idx";--> statement-breakpoint
CREATE INDEX "grants_beneficiary_idx" ON "grants" USING btree ("beneficiary_id");--> statement-breakpoint
CREATE INDEX "grants_organisation_idx" ON "grants" USING btree ("grantee_organisation_id") WHERE "grants"."revoked_at" IS NULL;--> statement-breakpoint
CREATE INDEX "grants_user_idx" ON "grants" USING btree ("grantee_user_id") WHERE "grants"."revoked_at" IS NULL AND "grants"."grantee_user_id" IS NOT NULL;--> statement-breakpoint
-- a revocation says who revoked: rows withdrawn before the model always did; any that did not are the system's
UPDATE "grants" SET "revoked_by" = 'system' WHERE "revoked_at" IS NOT NULL AND "revoked_by" IS NULL;--> statement-breakpoint
UPDATE "grants" SET "revoked_at" = NULL, "revoked_by" = NULL WHERE "revoked_at" IS NULL AND "revoked_by" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_window" CHECK ("grants"."valid_until" IS NULL OR "grants"."valid_until" > "grants"."valid_from");--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_method" CHECK ("grants"."method" IN ('signature', 'oral', 'sms', 'code'));--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_status" CHECK ("grants"."status" IN ('pending', 'in_force', 'refused', 'expired', 'cancelled'));--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_revoked" CHECK (("grants"."revoked_at" IS NULL) = ("grants"."revoked_by" IS NULL));--> statement-breakpoint
-- The signed-in professional, read once per query like the départements (decision 0010).
CREATE FUNCTION maillage_user() RETURNS uuid LANGUAGE sql STABLE AS $$
	SELECT nullif(current_setting('maillage.user_id', true), '')::uuid
$$;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION maillage_user() TO maillage_scoped;--> statement-breakpoint
-- The policies read the grants as can() does (permissions/grants.ts): a grant opens a
-- person's record only in force (given, not revoked, now within its window), to a
-- structure of the request's départements or to the signed-in professional by name.
DROP POLICY beneficiaries_territory ON beneficiaries;--> statement-breakpoint
CREATE POLICY beneficiaries_territory ON beneficiaries TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]) OR EXISTS (
		SELECT 1 FROM grants g LEFT JOIN organisations o ON o.id = g.grantee_organisation_id
		WHERE g.beneficiary_id = beneficiaries.id AND g.status = 'in_force' AND g.revoked_at IS NULL
			AND g.valid_from <= now() AND (g.valid_until IS NULL OR g.valid_until > now())
			AND (g.grantee_user_id = (SELECT maillage_user())
				OR (g.grantee_user_id IS NULL AND ((SELECT maillage_scope_all()) OR o.department_code = ANY ((SELECT maillage_scope_departments())::text[]))))));--> statement-breakpoint
DROP POLICY consents_territory ON grants;--> statement-breakpoint
CREATE POLICY grants_territory ON grants TO maillage_scoped
	USING (grantee_user_id = (SELECT maillage_user()) OR EXISTS (SELECT 1 FROM organisations o WHERE o.id IN (recorded_by_organisation_id, grantee_organisation_id)
		AND ((SELECT maillage_scope_all()) OR o.department_code = ANY ((SELECT maillage_scope_departments())::text[]))));--> statement-breakpoint
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_policies WHERE tablename = 'grants' AND policyname = 'consents_owner') THEN
		ALTER POLICY consents_owner ON grants RENAME TO grants_owner;
	END IF;
END
$$;
