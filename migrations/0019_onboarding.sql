-- Bringing the network on (issue 12, item 9): an invitation can carry several roles in one
-- structure (accepted together), is reminded at D+3 and D+10 (its link renewed), and an
-- address has at most one invitation waiting per structure and role (F5 on "Créer
-- l'invitation" made two). Older duplicates waiting are cancelled, the newest kept.
ALTER TABLE "invitations" ADD COLUMN "extra_roles" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "invitations" ADD COLUMN "reminders" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "invitations" ADD COLUMN "reminded_at" timestamp with time zone;--> statement-breakpoint
UPDATE "invitations" SET "revoked_at" = now() WHERE "id" IN (
	SELECT "id" FROM (
		SELECT "id", row_number() OVER (PARTITION BY "organisation_id", "email", "role" ORDER BY "created_at" DESC) AS rn
		FROM "invitations" WHERE "used_at" IS NULL AND "revoked_at" IS NULL
	) d WHERE d.rn > 1
);--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_waiting_idx" ON "invitations" USING btree ("organisation_id", "email", "role") WHERE "used_at" IS NULL AND "revoked_at" IS NULL;
