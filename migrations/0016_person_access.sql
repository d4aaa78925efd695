-- The person's access without an account (issue 11, findings 3 and "session after logout"):
-- links stored server-side (hashed token), revocable, rotated on reprint, expiring; and
-- sessions opened by a one-time code or a link, ended server-side at logout.
CREATE TABLE "person_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"beneficiary_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"channel" text NOT NULL,
	"referral_id" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"last_used_at" timestamp with time zone,
	"uses" integer DEFAULT 0 NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by" text,
	CONSTRAINT "person_links_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "person_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"beneficiary_ids" uuid[] NOT NULL,
	"via" text NOT NULL,
	"link_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	CONSTRAINT "person_sessions_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
ALTER TABLE "person_links" ADD CONSTRAINT "person_links_beneficiary_id_beneficiaries_id_fk" FOREIGN KEY ("beneficiary_id") REFERENCES "public"."beneficiaries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_links" ADD CONSTRAINT "person_links_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_sessions" ADD CONSTRAINT "person_sessions_link_id_person_links_id_fk" FOREIGN KEY ("link_id") REFERENCES "public"."person_links"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "person_links_beneficiary_idx" ON "person_links" USING btree ("beneficiary_id","channel") WHERE "person_links"."revoked_at" IS NULL;--> statement-breakpoint
CREATE INDEX "person_sessions_expires_idx" ON "person_sessions" USING btree ("expires_at");--> statement-breakpoint
-- The messages to or about a person (outbox): found and purged with the record on erasure.
ALTER TABLE "outbox" ADD COLUMN "beneficiary_id" uuid;--> statement-breakpoint
CREATE INDEX "outbox_beneficiary_idx" ON "outbox" USING btree ("beneficiary_id") WHERE "outbox"."beneficiary_id" IS NOT NULL;
--> statement-breakpoint
-- A professional's request (the holder ends the person's links, the prescriber prints the
-- sheet) may run as the scoped role: it needs these tables (no département column: the
-- services check the record first).
GRANT SELECT, INSERT, UPDATE, DELETE ON person_links, person_sessions TO maillage_scoped;
