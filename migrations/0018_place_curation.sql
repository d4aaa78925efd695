-- Coordinators keep the places right (issue 12, item 8): closures, merges, hand corrections.
-- closure: NULL (open), 'temporary' (until closed_until, closure_reason shown publicly) or
-- 'permanent' (hidden from search, the page says closed).
ALTER TABLE "places" ADD COLUMN "closure" text;--> statement-breakpoint
ALTER TABLE "places" ADD COLUMN "closed_until" date;--> statement-breakpoint
ALTER TABLE "places" ADD COLUMN "closure_reason" text;--> statement-breakpoint
ALTER TABLE "places" ADD CONSTRAINT "places_closure_check" CHECK ("closure" IS NULL OR "closure" IN ('temporary', 'permanent'));--> statement-breakpoint
-- ids of the places merged into this one: /lieux/<old id> redirects here
ALTER TABLE "places" ADD COLUMN "merged_ids" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
CREATE INDEX "places_merged_ids_idx" ON "places" USING gin ("merged_ids");--> statement-breakpoint
-- per-field hand corrections { field: value }: an import leaves these fields alone
ALTER TABLE "places" ADD COLUMN "overrides" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
-- Merging two places moves what refers to the old one (referrals, accompaniments, Pass
-- Numérique rows, teams, claims, reports) to the survivor. Those rows are the care teams',
-- which a coordinator's request may not see (row-level security): this function moves
-- them all, only when both places are in the caller's territory (for the request role: the
-- owner's connection, used by the command line and the jobs, is not scoped), and nothing else.
CREATE FUNCTION maillage_move_place_references(old_id text, new_id text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
DECLARE
	old_dep text;
	new_dep text;
BEGIN
	SELECT department_code INTO old_dep FROM places WHERE id = old_id;
	SELECT department_code INTO new_dep FROM places WHERE id = new_id;
	IF old_dep IS NULL OR new_dep IS NULL OR old_id = new_id THEN
		RAISE EXCEPTION 'unknown places';
	END IF;
	IF (SELECT NOT r.rolsuper AND pg_has_role(session_user, 'maillage_scoped', 'USAGE') FROM pg_roles r WHERE r.rolname = session_user)
		AND NOT (maillage_scope_all() OR (old_dep = ANY (maillage_scope_departments()) AND new_dep = ANY (maillage_scope_departments()))) THEN
		RAISE EXCEPTION 'places outside the scope';
	END IF;
	UPDATE referrals SET place_id = new_id WHERE place_id = old_id;
	UPDATE accompaniments SET place_id = new_id WHERE place_id = old_id;
	UPDATE pass_alerts SET place_id = new_id WHERE place_id = old_id;
	UPDATE pass_statements SET place_id = new_id WHERE place_id = old_id;
	UPDATE pass_vouchers SET redeemed_place_id = new_id WHERE redeemed_place_id = old_id;
	INSERT INTO organisation_places (organisation_id, place_id)
		SELECT organisation_id, new_id FROM organisation_places WHERE place_id = old_id
		ON CONFLICT DO NOTHING;
	DELETE FROM organisation_places WHERE place_id = old_id;
	UPDATE place_claims SET place_id = new_id WHERE place_id = old_id;
	UPDATE place_error_reports SET place_id = new_id WHERE place_id = old_id;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION maillage_move_place_references(text, text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION maillage_move_place_references(text, text) TO maillage_scoped;
