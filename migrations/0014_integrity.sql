-- The Pass Numérique ledger is append-only, like the journal (0005): the database refuses to
-- change or remove a posting, whoever asks (the owner included, short of disabling the
-- triggers, which `pass verify` then detects against the source records and the journal).
-- A correction is a new posting.
CREATE FUNCTION pass_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;--> statement-breakpoint
CREATE TRIGGER pass_ledger_entries_no_update_delete BEFORE UPDATE OR DELETE ON pass_ledger_entries FOR EACH ROW EXECUTE FUNCTION pass_ledger_append_only();--> statement-breakpoint
CREATE TRIGGER pass_ledger_entries_no_truncate BEFORE TRUNCATE ON pass_ledger_entries FOR EACH STATEMENT EXECUTE FUNCTION pass_ledger_append_only();--> statement-breakpoint
CREATE TRIGGER pass_ledger_lines_no_update_delete BEFORE UPDATE OR DELETE ON pass_ledger_lines FOR EACH ROW EXECUTE FUNCTION pass_ledger_append_only();--> statement-breakpoint
CREATE TRIGGER pass_ledger_lines_no_truncate BEFORE TRUNCATE ON pass_ledger_lines FOR EACH STATEMENT EXECUTE FUNCTION pass_ledger_append_only();--> statement-breakpoint
-- The journal's entries get a gapless sequence number (1, 2, 3…), assigned under the
-- journal's lock: ids come from a sequence and skip the values of rolled-back
-- transactions, sequence numbers do not, so a missing entry is named by its number. The
-- signed checkpoints written outside the database (audit/checkpoint.ts) anchor it.
ALTER TABLE audit_log ADD COLUMN seq bigint;--> statement-breakpoint
-- each new entry's seal: an HMAC of its number and hash with a key derived from the
-- instance secret, which is not in the database: whoever holds only the database cannot
-- append an entry that passes `audit verify` (entries written before this have none)
ALTER TABLE audit_log ADD COLUMN mac text;--> statement-breakpoint
ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete;--> statement-breakpoint
UPDATE audit_log a SET seq = n.seq FROM (SELECT id, row_number() OVER (ORDER BY id) AS seq FROM audit_log) n WHERE n.id = a.id;--> statement-breakpoint
ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete;--> statement-breakpoint
ALTER TABLE audit_log ALTER COLUMN seq SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX audit_log_seq_idx ON audit_log USING btree (seq);--> statement-breakpoint
-- the head of the chain (number and hash) of ALL départements, whoever writes (as audit_last_hash)
CREATE FUNCTION audit_head() RETURNS TABLE (seq bigint, hash text) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
	SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1
$$;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION audit_head() TO maillage_scoped;
