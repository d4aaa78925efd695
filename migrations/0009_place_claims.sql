CREATE TABLE "place_claims" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"place_id" text NOT NULL,
	"organisation_id" uuid NOT NULL,
	"requested_by" uuid,
	"message" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "place_claims" ADD CONSTRAINT "place_claims_place_id_places_id_fk" FOREIGN KEY ("place_id") REFERENCES "public"."places"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "place_claims" ADD CONSTRAINT "place_claims_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "place_claims" ADD CONSTRAINT "place_claims_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "place_claims" ADD CONSTRAINT "place_claims_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "place_claims_status_idx" ON "place_claims" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "place_claims_place_idx" ON "place_claims" USING btree ("place_id");--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON place_claims TO maillage_scoped;--> statement-breakpoint
ALTER TABLE place_claims ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY place_claims_territory ON place_claims TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM organisations o WHERE o.id = organisation_id AND maillage_in_scope(o.department_code)));
