-- Issue 17, the satisfaction survey: a registrant present at a session gets, once, a link to
-- an anonymous survey. The link's hash is kept on the registration (to find it, once), with
-- when the e-mail was queued; the answer (training_satisfaction, 0037) names no registration
-- and carries the day only. Whether it was answered is on the registration
-- (survey_answered_at), written with no time of its own (the session's last day): nothing on
-- either side tells when one person answered (docs/decisions/0040-training-survey.md).
ALTER TABLE "training_registrations" ADD COLUMN "survey_token_hash" text;--> statement-breakpoint
ALTER TABLE "training_registrations" ADD COLUMN "survey_sent_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "training_registrations_survey_token_idx" ON "training_registrations" USING btree ("survey_token_hash") WHERE "survey_token_hash" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "training_satisfaction" ADD CONSTRAINT "training_satisfaction_comment_length" CHECK (char_length("comment") <= 2000);
