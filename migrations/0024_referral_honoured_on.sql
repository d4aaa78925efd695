-- Issue 13, item 3: the day a referral was honoured is the referral's own fact. It was read
-- from the accompaniment that honoured it, which made referral read accompaniments' table
-- while accompaniments calls referral (a cycle between the two capabilities). The day is now
-- written on the referral when the accompaniment honours it; the rows honoured before take
-- their accompaniment's day.
ALTER TABLE referrals ADD COLUMN honoured_on date;--> statement-breakpoint
UPDATE referrals r SET honoured_on = a.date FROM accompaniments a WHERE a.id = r.honoured_by_accompaniment_id;
