CREATE TABLE "consent_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"consent_id" uuid NOT NULL,
	"beneficiary_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"requested_by" uuid,
	"phone" text NOT NULL,
	"reference" text NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"resends" integer DEFAULT 0 NOT NULL,
	"outbox_id" uuid,
	"closed_at" timestamp with time zone,
	"referral" jsonb,
	"referral_id" uuid,
	CONSTRAINT "consent_requests_consent_id_unique" UNIQUE("consent_id")
);
--> statement-breakpoint
ALTER TABLE "consents" ADD COLUMN "status" text DEFAULT 'in_force' NOT NULL;--> statement-breakpoint
ALTER TABLE "consent_requests" ADD CONSTRAINT "consent_requests_consent_id_consents_id_fk" FOREIGN KEY ("consent_id") REFERENCES "public"."consents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_requests" ADD CONSTRAINT "consent_requests_beneficiary_id_beneficiaries_id_fk" FOREIGN KEY ("beneficiary_id") REFERENCES "public"."beneficiaries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_requests" ADD CONSTRAINT "consent_requests_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_requests" ADD CONSTRAINT "consent_requests_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consent_requests_phone_idx" ON "consent_requests" USING btree ("phone","sent_at");--> statement-breakpoint
CREATE INDEX "consent_requests_beneficiary_idx" ON "consent_requests" USING btree ("beneficiary_id");--> statement-breakpoint
CREATE INDEX "consent_requests_open_idx" ON "consent_requests" USING btree ("expires_at") WHERE "consent_requests"."closed_at" IS NULL;--> statement-breakpoint
-- Territory isolation (0010, 0011): a consent opens a record to another département only
-- once in force. A consent asked by SMS is 'pending' until the person answers OUI: it must
-- open nothing, here as in the services.
DROP POLICY beneficiaries_territory ON beneficiaries;--> statement-breakpoint
CREATE POLICY beneficiaries_territory ON beneficiaries TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]) OR EXISTS (
		SELECT 1 FROM consents c JOIN organisations o ON o.id = c.with_organisation_id
		WHERE c.beneficiary_id = beneficiaries.id AND c.status = 'in_force' AND c.withdrawn_at IS NULL
			AND ((SELECT maillage_scope_all()) OR o.department_code = ANY ((SELECT maillage_scope_departments())::text[]))));--> statement-breakpoint
-- the requests follow their organisation's territory, as the consents do
GRANT SELECT, INSERT, UPDATE, DELETE ON consent_requests TO maillage_scoped;--> statement-breakpoint
ALTER TABLE consent_requests ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY consent_requests_territory ON consent_requests TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM organisations o WHERE o.id = organisation_id
		AND ((SELECT maillage_scope_all()) OR o.department_code = ANY ((SELECT maillage_scope_departments())::text[]))));
