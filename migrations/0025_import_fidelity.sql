-- Issue 14, item 1: an import no longer drops official values without a word.
-- The report keeps, per field of the file, how many values were read, kept, mapped to the
-- standard and dropped (with the values); a source's « Accepte le Pass numérique » (v0
-- conditions_acces, no v1 field) becomes the place's Pass flag, beside qualifications.
ALTER TABLE import_reports ADD COLUMN fidelity jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE places ADD COLUMN pass_numerique boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE OR REPLACE FUNCTION maillage_pass_places() RETURNS SETOF text LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
	SELECT p.id FROM places p JOIN pass_qualifications q ON q.siret = p.pivot WHERE q.suspended_at IS NULL
	UNION
	SELECT op.place_id FROM organisation_places op
		JOIN organisations o ON o.id = op.organisation_id AND o.active
		JOIN pass_qualifications q ON q.siret = o.siret AND q.suspended_at IS NULL
	UNION
	SELECT p.id FROM places p WHERE p.pass_numerique
$$;
