-- Issue 18, item 4: the set-up accompaniment proposed at a handover is a real referral of the
-- person to a place of the network (or an appointment there: the referral accepted with its
-- time), created by the handover through the referral capability; its outcome is read from
-- the referral's own life. 'outside': an accompaniment done outside the network, whose outcome
-- the team still records by hand (decision 0023).
ALTER TABLE "equipment_handovers" ADD COLUMN "referral_id" uuid;--> statement-breakpoint
ALTER TABLE "equipment_handovers" ADD CONSTRAINT "equipment_handovers_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "equipment_handovers_referral_idx" ON "equipment_handovers" USING btree ("referral_id") WHERE "equipment_handovers"."referral_id" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "equipment_handovers" DROP CONSTRAINT "equipment_handovers_accompaniment";--> statement-breakpoint
ALTER TABLE "equipment_handovers" ADD CONSTRAINT "equipment_handovers_accompaniment" CHECK ("equipment_handovers"."accompaniment" IN ('referral', 'appointment', 'outside', 'declined'));
