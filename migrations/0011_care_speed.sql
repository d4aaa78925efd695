-- The team's view of accompaniments over a period (placeAccompaniments) reads the
-- organisation's rows for the period from the index alone (index-only scans), not from
-- the table; the former index on the same key columns is redundant.
DROP INDEX "accompaniments_organisation_idx";--> statement-breakpoint
CREATE INDEX "accompaniments_organisation_cover_idx" ON "accompaniments" USING btree ("organisation_id","date") INCLUDE ("kind","participants","duration_minutes","autonomy","themes","department_code");--> statement-breakpoint
-- Territory isolation (0008, 0009, 0010), same meaning, cheaper: maillage_in_scope(code)
-- is inlined into the policies and reads the setting maillage.departments for EVERY row.
-- The policies now read it once per query: the two functions below, called in a
-- (SELECT …), are InitPlans evaluated once (the ::text[] cast makes `= ANY` take the
-- subquery's array, not its rows). maillage_in_scope stays for other callers.
CREATE FUNCTION maillage_scope_all() RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT coalesce(current_setting('maillage.departments', true), '') = '*'
$$;--> statement-breakpoint
CREATE FUNCTION maillage_scope_departments() RETURNS text[] LANGUAGE sql STABLE AS $$
	SELECT string_to_array(coalesce(current_setting('maillage.departments', true), ''), ',')
$$;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION maillage_scope_all(), maillage_scope_departments() TO maillage_scoped;--> statement-breakpoint
DROP POLICY organisations_territory ON organisations;--> statement-breakpoint
CREATE POLICY organisations_territory ON organisations TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]))
	WITH CHECK ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
DROP POLICY memberships_territory ON memberships;--> statement-breakpoint
CREATE POLICY memberships_territory ON memberships TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM organisations o WHERE o.id = organisation_id
		AND ((SELECT maillage_scope_all()) OR o.department_code = ANY ((SELECT maillage_scope_departments())::text[]))));--> statement-breakpoint
DROP POLICY invitations_territory ON invitations;--> statement-breakpoint
CREATE POLICY invitations_territory ON invitations TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM organisations o WHERE o.id = organisation_id
		AND ((SELECT maillage_scope_all()) OR o.department_code = ANY ((SELECT maillage_scope_departments())::text[]))));--> statement-breakpoint
DROP POLICY organisation_places_territory ON organisation_places;--> statement-breakpoint
CREATE POLICY organisation_places_territory ON organisation_places TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM organisations o WHERE o.id = organisation_id
		AND ((SELECT maillage_scope_all()) OR o.department_code = ANY ((SELECT maillage_scope_departments())::text[]))));--> statement-breakpoint
DROP POLICY audit_log_read_territory ON audit_log;--> statement-breakpoint
CREATE POLICY audit_log_read_territory ON audit_log FOR SELECT TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
DROP POLICY place_claims_territory ON place_claims;--> statement-breakpoint
CREATE POLICY place_claims_territory ON place_claims TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM organisations o WHERE o.id = organisation_id
		AND ((SELECT maillage_scope_all()) OR o.department_code = ANY ((SELECT maillage_scope_departments())::text[]))));--> statement-breakpoint
DROP POLICY beneficiaries_territory ON beneficiaries;--> statement-breakpoint
CREATE POLICY beneficiaries_territory ON beneficiaries TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]) OR EXISTS (
		SELECT 1 FROM consents c JOIN organisations o ON o.id = c.with_organisation_id
		WHERE c.beneficiary_id = beneficiaries.id AND c.withdrawn_at IS NULL
			AND ((SELECT maillage_scope_all()) OR o.department_code = ANY ((SELECT maillage_scope_departments())::text[]))));--> statement-breakpoint
DROP POLICY consents_territory ON consents;--> statement-breakpoint
CREATE POLICY consents_territory ON consents TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM organisations o WHERE o.id IN (recorded_by_organisation_id, with_organisation_id)
		AND ((SELECT maillage_scope_all()) OR o.department_code = ANY ((SELECT maillage_scope_departments())::text[]))));--> statement-breakpoint
DROP POLICY referrals_territory ON referrals;--> statement-breakpoint
CREATE POLICY referrals_territory ON referrals TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[])
		OR place_department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
DROP POLICY accompaniments_territory ON accompaniments;--> statement-breakpoint
CREATE POLICY accompaniments_territory ON accompaniments TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]))
	WITH CHECK ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));
