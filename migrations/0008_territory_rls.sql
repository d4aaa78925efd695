-- Territory isolation, second wall: row-level security on the tables that belong to a
-- département. The services already filter by the actor's départements (can()); on
-- PostgreSQL they also run a professional's reads of these tables as the role
-- maillage_scoped, with the départements in the setting maillage.departments ('*' for
-- the instance administrator). The table owner (the application's own connection) is not
-- subject to the policies: imports, jobs and the command line keep working.
-- The application's database user must be allowed to create the role (or a DBA creates
-- maillage_scoped NOLOGIN and grants it to that user before the first start).
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'maillage_scoped') THEN
		CREATE ROLE maillage_scoped NOLOGIN;
	END IF;
	EXECUTE format('GRANT maillage_scoped TO %I', current_user);
END
$$;--> statement-breakpoint
CREATE FUNCTION maillage_in_scope(code text) RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT coalesce(current_setting('maillage.departments', true), '') = '*'
		OR code = ANY (string_to_array(coalesce(current_setting('maillage.departments', true), ''), ','))
$$;--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO maillage_scoped;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON organisations, memberships, invitations, organisation_places TO maillage_scoped;--> statement-breakpoint
GRANT SELECT ON users, places, departments TO maillage_scoped;--> statement-breakpoint
GRANT SELECT, INSERT ON audit_log TO maillage_scoped;--> statement-breakpoint
GRANT USAGE ON SEQUENCE audit_log_id_seq TO maillage_scoped;--> statement-breakpoint
ALTER TABLE organisations ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY organisations_territory ON organisations TO maillage_scoped
	USING (maillage_in_scope(department_code)) WITH CHECK (maillage_in_scope(department_code));--> statement-breakpoint
ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY memberships_territory ON memberships TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM organisations o WHERE o.id = organisation_id AND maillage_in_scope(o.department_code)));--> statement-breakpoint
ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY invitations_territory ON invitations TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM organisations o WHERE o.id = organisation_id AND maillage_in_scope(o.department_code)));--> statement-breakpoint
ALTER TABLE organisation_places ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY organisation_places_territory ON organisation_places TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM organisations o WHERE o.id = organisation_id AND maillage_in_scope(o.department_code)));--> statement-breakpoint
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY audit_log_read_territory ON audit_log FOR SELECT TO maillage_scoped USING (maillage_in_scope(department_code));--> statement-breakpoint
CREATE POLICY audit_log_append ON audit_log FOR INSERT TO maillage_scoped WITH CHECK (true);
--> statement-breakpoint
-- the journal's chain continues from the last entry of ALL départements, whoever writes:
-- read through a function that runs with the owner's rights (no policy applies)
CREATE FUNCTION audit_last_hash() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
	SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1
$$;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION audit_last_hash() TO maillage_scoped;
