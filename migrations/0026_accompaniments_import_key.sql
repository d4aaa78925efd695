-- Issue 14, item 8: accompaniments imported from La Coop de la médiation numérique's export
-- of activities keep where they came from, so that importing the same file again creates
-- nothing: 'coop:<ID CRA>' (the Coop's activity id), or 'coop-sha256:<digest>' for a line
-- without one. One key per organisation: a second import of the same activity into the
-- same structure is a duplicate, whoever imports it.
ALTER TABLE accompaniments ADD COLUMN import_key text;--> statement-breakpoint
CREATE UNIQUE INDEX accompaniments_import_key_idx ON accompaniments (organisation_id, import_key) WHERE import_key IS NOT NULL;
