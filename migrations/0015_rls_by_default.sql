-- Row-level security by default (issue 11, finding 5; docs/decisions/0006-rls-by-default.md).
-- Every professional's request now runs as the login role maillage_app: not the tables'
-- owner, no BYPASSRLS, owns nothing (so it cannot ALTER a table or DISABLE TRIGGER), a
-- member of maillage_scoped so the territorial policies (0008 to 0013, TO maillage_scoped)
-- apply to it. The owner (DATABASE_URL's user) keeps migrations, scheduled jobs and the
-- command line. Roles are cluster-wide and test databases share one cluster: creating
-- and granting them tolerates another database doing the same at the same moment.
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'maillage_app') THEN
		BEGIN
			CREATE ROLE maillage_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE INHERIT;
		EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
		END;
	END IF;
	IF NOT pg_has_role('maillage_app', 'maillage_scoped', 'MEMBER') THEN
		BEGIN
			GRANT maillage_scoped TO maillage_app;
		EXCEPTION WHEN OTHERS THEN
			IF NOT pg_has_role('maillage_app', 'maillage_scoped', 'MEMBER') THEN RAISE; END IF;
		END;
	END IF;
END
$$;--> statement-breakpoint
-- The tables that hold no personal data: read by anyone, written by the request path
-- where the services say (the first wall, can(), decides who may).
GRANT SELECT ON departments, municipalities, fragility_index, seed_runs TO maillage_scoped;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON areas, area_municipalities, instance_settings, places, place_sources, import_reports, throttles TO maillage_scoped;--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO maillage_scoped;--> statement-breakpoint
-- users: never the secrets (password hash, TOTP secrets): those are read by the owner's
-- connection in src/lib/server/accounts only (database.privileged).
REVOKE ALL ON users FROM maillage_scoped;--> statement-breakpoint
GRANT SELECT (id, email, display_name, totp_confirmed_at, is_admin, active, deactivated_at, last_login_at, created_at, updated_at) ON users TO maillage_scoped;--> statement-breakpoint
GRANT UPDATE (display_name, is_admin, active, deactivated_at, last_login_at, updated_at) ON users TO maillage_scoped;--> statement-breakpoint
GRANT INSERT ON users TO maillage_scoped;--> statement-breakpoint
-- sessions and recovery codes: credentials, owner only
REVOKE ALL ON sessions, recovery_codes FROM maillage_scoped;--> statement-breakpoint
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE recovery_codes ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
-- the outbox: written in the services' transactions, read by the mail worker (owner) only
GRANT INSERT ON outbox TO maillage_scoped;--> statement-breakpoint
GRANT SELECT (id) ON outbox TO maillage_scoped;--> statement-breakpoint
-- a person's one-time codes: the hash is never readable; rows follow their person
GRANT SELECT (id, beneficiary_id, expires_at, attempts, used_at, created_at), UPDATE (beneficiary_id, attempts, used_at), DELETE ON person_codes TO maillage_scoped;--> statement-breakpoint
ALTER TABLE person_codes ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY person_codes_territory ON person_codes TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM beneficiaries b WHERE b.id = beneficiary_id));--> statement-breakpoint
-- reports of errors on a place (with the reporter's e-mail): anyone writes one, the
-- place's département reads them
GRANT SELECT, INSERT, UPDATE ON place_error_reports TO maillage_scoped;--> statement-breakpoint
ALTER TABLE place_error_reports ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY place_error_reports_territory ON place_error_reports TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR EXISTS (SELECT 1 FROM places p WHERE p.id = place_id
		AND p.department_code = ANY ((SELECT maillage_scope_departments())::text[])));--> statement-breakpoint
CREATE POLICY place_error_reports_report ON place_error_reports FOR INSERT TO maillage_scoped WITH CHECK (true);--> statement-breakpoint
-- FORCE on every table with row-level security, so that it would hold even for a role
-- that owned them; the owner itself keeps every row through its own policy.
DO $$
DECLARE t text;
BEGIN
	FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relrowsecurity
	LOOP
		EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
		EXECUTE format('CREATE POLICY %I ON %I TO %I USING (true) WITH CHECK (true)', t || '_owner', t, current_user);
	END LOOP;
END
$$;
--> statement-breakpoint
-- ending a user's sessions (a role removed, an account deactivated) from the request path,
-- which cannot read the sessions table
CREATE FUNCTION maillage_end_sessions(target uuid) RETURNS integer LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
	WITH gone AS (DELETE FROM sessions WHERE user_id = target RETURNING 1) SELECT count(*)::int FROM gone
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION maillage_end_sessions(uuid) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION maillage_end_sessions(uuid) TO maillage_scoped;
--> statement-breakpoint
-- /pass/{code}: whoever holds a voucher's code reads that voucher and its campaign (value,
-- validity), nothing else; the request sets maillage.voucher_code from the URL
CREATE POLICY pass_vouchers_by_code ON pass_vouchers FOR SELECT TO maillage_scoped
	USING (code = (SELECT nullif(current_setting('maillage.voucher_code', true), '')));--> statement-breakpoint
CREATE POLICY pass_campaigns_by_code ON pass_campaigns FOR SELECT TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM pass_vouchers v WHERE v.campaign_id = pass_campaigns.id
		AND v.code = (SELECT nullif(current_setting('maillage.voucher_code', true), ''))));
