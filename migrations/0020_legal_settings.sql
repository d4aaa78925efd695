-- Issue 12, item 14: the legal pages read the publisher, the publication's director, the
-- host, the data protection officer's contact and the accessibility contact from the
-- instance's settings (set in /admin/instance). All optional: a page says what is missing.
ALTER TABLE "instance_settings" ADD COLUMN "publisher" text;--> statement-breakpoint
ALTER TABLE "instance_settings" ADD COLUMN "publication_director" text;--> statement-breakpoint
ALTER TABLE "instance_settings" ADD COLUMN "host" text;--> statement-breakpoint
ALTER TABLE "instance_settings" ADD COLUMN "dpo_contact" text;--> statement-breakpoint
ALTER TABLE "instance_settings" ADD COLUMN "accessibility_contact" text;
--> statement-breakpoint
-- Issue 12, item 17: a wrong contribution is corrected, never updated. A correction is a
-- reversal (a row of the opposite amount naming the contribution it cancels, posted and
-- journaled like any contribution) and, when needed, a new contribution with the right
-- amount. One reversal per contribution at most; a reversal is never itself reversed.
ALTER TABLE "pass_contributions" ADD COLUMN "corrects_id" uuid REFERENCES "pass_contributions"("id");--> statement-breakpoint
ALTER TABLE "pass_contributions" ADD COLUMN "correction_reason" text;--> statement-breakpoint
ALTER TABLE "pass_contributions" DROP CONSTRAINT "pass_contributions_positive";--> statement-breakpoint
ALTER TABLE "pass_contributions" ADD CONSTRAINT "pass_contributions_sign" CHECK (("corrects_id" IS NULL AND "amount_cents" > 0) OR ("corrects_id" IS NOT NULL AND "amount_cents" < 0 AND "correction_reason" IS NOT NULL));--> statement-breakpoint
CREATE UNIQUE INDEX "pass_contributions_corrects_idx" ON "pass_contributions" USING btree ("corrects_id") WHERE "corrects_id" IS NOT NULL;
