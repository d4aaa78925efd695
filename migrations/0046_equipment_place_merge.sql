-- Issue 18: a place merged (places/merge.ts) takes the equipment channel's references with it —
-- the devices stocked there, the handovers made there and the set-up accompaniments proposed
-- there — instead of losing them when the merged place goes (ON DELETE SET NULL). The function
-- of migration 0037 with three more statements; everything else unchanged.
CREATE OR REPLACE FUNCTION maillage_move_place_references(old_id text, new_id text) RETURNS void
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
	UPDATE training_sessions SET place_id = new_id WHERE place_id = old_id;
	UPDATE training_events SET place_id = new_id WHERE place_id = old_id;
	UPDATE training_registrations SET relay_id = s.id
		FROM training_relays o JOIN training_relays s ON s.session_id = o.session_id AND s.place_id = new_id
		WHERE o.place_id = old_id AND training_registrations.relay_id = o.id;
	DELETE FROM training_relays o WHERE o.place_id = old_id AND EXISTS (SELECT 1 FROM training_relays s WHERE s.session_id = o.session_id AND s.place_id = new_id);
	UPDATE training_relays SET place_id = new_id WHERE place_id = old_id;
	UPDATE equipment_devices SET place_id = new_id WHERE place_id = old_id;
	UPDATE equipment_handovers SET place_id = new_id WHERE place_id = old_id;
	UPDATE equipment_handovers SET accompaniment_place_id = new_id WHERE accompaniment_place_id = old_id;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION maillage_move_place_references(text, text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION maillage_move_place_references(text, text) TO maillage_scoped;
