-- How a referral reached its place (issue 12): 'team' (the place's team on the platform),
-- 'email' (a signed link to the place's e-mail), 'prescriber' (the place receives nothing
-- online: the prescriber said they would tell it themselves, by phone or in person).
-- Existing rows: team when sent to an organisation, else e-mail.
ALTER TABLE referrals ADD COLUMN delivery text NOT NULL DEFAULT 'email';--> statement-breakpoint
UPDATE referrals SET delivery = 'team' WHERE to_organisation_id IS NOT NULL;--> statement-breakpoint
ALTER TABLE referrals ADD CONSTRAINT referrals_delivery_check CHECK (delivery IN ('team', 'email', 'prescriber'));
