-- Row-level security for the person's links and sessions (0016), which came after the
-- default of 0015: they follow their person's record, as person_codes do; FORCE, and the
-- owner (jobs, the person's own flows) keeps every row through its own policy.
ALTER TABLE person_links ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE person_links FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY person_links_territory ON person_links TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM beneficiaries b WHERE b.id = beneficiary_id))
	WITH CHECK (EXISTS (SELECT 1 FROM beneficiaries b WHERE b.id = beneficiary_id));--> statement-breakpoint
ALTER TABLE person_sessions ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE person_sessions FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY person_sessions_territory ON person_sessions TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM beneficiaries b WHERE b.id = ANY (beneficiary_ids)))
	WITH CHECK (EXISTS (SELECT 1 FROM beneficiaries b WHERE b.id = ANY (beneficiary_ids)));--> statement-breakpoint
DO $$
BEGIN
	EXECUTE format('CREATE POLICY person_links_owner ON person_links TO %I USING (true) WITH CHECK (true)', current_user);
	EXECUTE format('CREATE POLICY person_sessions_owner ON person_sessions TO %I USING (true) WITH CHECK (true)', current_user);
END
$$;
