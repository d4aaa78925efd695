-- Issue 12, item 7: the public directory says which places accept the Pass Numérique and
-- filters on it. A visitor's connection sees no pass_qualifications row (RLS, territory
-- policies); this function, run with the owner's rights, tells only which places are
-- qualified (a public fact: the place's SIRET, or the SIRET of an active structure running
-- it, has a qualification that is not suspended), nothing of the qualification itself.
CREATE FUNCTION maillage_pass_places() RETURNS SETOF text LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
	SELECT p.id FROM places p JOIN pass_qualifications q ON q.siret = p.pivot WHERE q.suspended_at IS NULL
	UNION
	SELECT op.place_id FROM organisation_places op
		JOIN organisations o ON o.id = op.organisation_id AND o.active
		JOIN pass_qualifications q ON q.siret = o.siret AND q.suspended_at IS NULL
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION maillage_pass_places() FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION maillage_pass_places() TO maillage_scoped;
