-- Issue 15: the coffre-fort numérique. The person's key (wrapped by a master key kept
-- outside the database) and their documents (encrypted in the blob store; here only a
-- sealed title and type, the digest, the category and who deposited it). Decision 0016.
CREATE TABLE "vault_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"beneficiary_id" uuid NOT NULL REFERENCES "beneficiaries"("id") ON DELETE CASCADE,
	"master_key_id" text NOT NULL,
	"wrapped" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"rotated_at" timestamp with time zone,
	"destroyed_at" timestamp with time zone,
	CONSTRAINT "vault_keys_destroyed" CHECK (("vault_keys"."wrapped" IS NULL) = ("vault_keys"."destroyed_at" IS NOT NULL))
);--> statement-breakpoint
CREATE TABLE "vault_documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"beneficiary_id" uuid NOT NULL REFERENCES "beneficiaries"("id") ON DELETE CASCADE,
	"department_code" text NOT NULL,
	"category" text NOT NULL,
	"sealed_meta" text NOT NULL,
	"mime" text NOT NULL,
	"bytes" bigint NOT NULL,
	"pages" integer DEFAULT 1 NOT NULL,
	"sha256" text NOT NULL,
	"key_id" uuid NOT NULL REFERENCES "vault_keys"("id"),
	"wrapped_key" text NOT NULL,
	"blob" text NOT NULL,
	"thumb_blob" text,
	"origin" text NOT NULL,
	"deposited_by_user_id" uuid REFERENCES "users"("id") ON DELETE SET NULL,
	"deposited_by_organisation_id" uuid REFERENCES "organisations"("id"),
	"deposited_under_grant_id" uuid,
	"expires_on" date,
	"reminders_sent" integer[] DEFAULT '{}'::integer[] NOT NULL,
	"remind_user_id" uuid REFERENCES "users"("id") ON DELETE SET NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"integrity_checked_at" timestamp with time zone,
	"integrity_failed_at" timestamp with time zone,
	CONSTRAINT "vault_documents_origin" CHECK ("vault_documents"."origin" IN ('person', 'professional', 'issuer')),
	CONSTRAINT "vault_documents_category" CHECK ("vault_documents"."category" IN ('identite', 'ressources', 'logement', 'sante', 'impots', 'emploi', 'famille', 'autre'))
);--> statement-breakpoint
-- A professional at the counter asks to open the person's vault: a one-time code sent to
-- the person, which they read out or type on the professional's screen (hashed, 5 tries).
CREATE TABLE "vault_presence_codes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"beneficiary_id" uuid NOT NULL REFERENCES "beneficiaries"("id") ON DELETE CASCADE,
	"user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
	"organisation_id" uuid NOT NULL REFERENCES "organisations"("id"),
	"code_hash" text NOT NULL,
	"channel" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE INDEX "vault_presence_codes_idx" ON "vault_presence_codes" USING btree ("beneficiary_id", "user_id");--> statement-breakpoint
-- « Pièce demandée »: a professional asks the person for a paper; the person (or a helper
-- with them) provides it, and it is shared with the structure that asked.
CREATE TABLE "vault_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"beneficiary_id" uuid NOT NULL REFERENCES "beneficiaries"("id") ON DELETE CASCADE,
	"department_code" text NOT NULL,
	"organisation_id" uuid NOT NULL REFERENCES "organisations"("id"),
	"requested_by" uuid REFERENCES "users"("id") ON DELETE SET NULL,
	"doc_type" text NOT NULL,
	"note" text,
	"status" text DEFAULT 'open' NOT NULL,
	"document_id" uuid REFERENCES "vault_documents"("id") ON DELETE SET NULL,
	"grant_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "vault_requests_status" CHECK ("vault_requests"."status" IN ('open', 'provided', 'cancelled'))
);--> statement-breakpoint
CREATE INDEX "vault_requests_beneficiary_idx" ON "vault_requests" USING btree ("beneficiary_id");--> statement-breakpoint
CREATE INDEX "vault_keys_beneficiary_idx" ON "vault_keys" USING btree ("beneficiary_id");--> statement-breakpoint
CREATE INDEX "vault_documents_beneficiary_idx" ON "vault_documents" USING btree ("beneficiary_id");--> statement-breakpoint
CREATE INDEX "vault_documents_expiry_idx" ON "vault_documents" USING btree ("expires_on") WHERE "vault_documents"."expires_on" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "grants_kind_idx" ON "grants" USING btree ("beneficiary_id", "kind");--> statement-breakpoint
-- A share of documents or the person present at a counter opens documents, never the
-- person's record: the record opens to consents (and mandates) only.
DROP POLICY beneficiaries_territory ON beneficiaries;--> statement-breakpoint
CREATE POLICY beneficiaries_territory ON beneficiaries TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]) OR EXISTS (
		SELECT 1 FROM grants g LEFT JOIN organisations o ON o.id = g.grantee_organisation_id
		WHERE g.beneficiary_id = beneficiaries.id AND g.kind IN ('consent', 'mandate') AND g.status = 'in_force' AND g.revoked_at IS NULL
			AND g.valid_from <= now() AND (g.valid_until IS NULL OR g.valid_until > now())
			AND (g.grantee_user_id = (SELECT maillage_user())
				OR (g.grantee_user_id IS NULL AND ((SELECT maillage_scope_all()) OR o.department_code = ANY ((SELECT maillage_scope_departments())::text[]))))));--> statement-breakpoint
-- The person's keys and the presence codes: owner only (like credentials). Their documents: a professional's
-- request sees a row only under a grant in force that covers it and reaches them by name or
-- through a structure where they hold a role that receives grants; never by rank, never by
-- département alone. The person's own pages and the jobs run as the owner.
GRANT SELECT, INSERT, UPDATE ON vault_documents TO maillage_scoped;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON vault_requests TO maillage_scoped;--> statement-breakpoint
ALTER TABLE vault_requests ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE vault_requests FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- a request is the asking structure's: seen by its département's requests, like the records
CREATE POLICY vault_requests_territory ON vault_requests TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]))
	WITH CHECK ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
ALTER TABLE vault_keys ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE vault_presence_codes ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE vault_presence_codes FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE vault_keys FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE vault_documents ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE vault_documents FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY vault_documents_granted ON vault_documents TO maillage_scoped
	USING (EXISTS (
		SELECT 1 FROM grants g
		WHERE g.beneficiary_id = vault_documents.beneficiary_id AND g.kind IN ('document_share', 'vault_presence')
			AND g.status = 'in_force' AND g.revoked_at IS NULL AND g.valid_from <= now() AND (g.valid_until IS NULL OR g.valid_until > now())
			AND g.scopes && ARRAY['vault', 'document:' || vault_documents.id::text, 'category:' || vault_documents.category]
			AND (g.grantee_user_id = (SELECT maillage_user())
				OR (g.grantee_user_id IS NULL AND g.grantee_organisation_id IN (
					SELECT m.organisation_id FROM memberships m WHERE m.user_id = (SELECT maillage_user()) AND m.role IN ('prescriber', 'mediator', 'place_manager'))))))
	WITH CHECK (EXISTS (
		SELECT 1 FROM grants g
		WHERE g.beneficiary_id = vault_documents.beneficiary_id AND g.kind = 'vault_presence'
			AND g.status = 'in_force' AND g.revoked_at IS NULL AND g.valid_from <= now() AND (g.valid_until IS NULL OR g.valid_until > now())
			AND g.grantee_user_id = (SELECT maillage_user())));--> statement-breakpoint
DO $$
BEGIN
	EXECUTE format('CREATE POLICY vault_keys_owner ON vault_keys TO %I USING (true) WITH CHECK (true)', current_user);
	EXECUTE format('CREATE POLICY vault_presence_codes_owner ON vault_presence_codes TO %I USING (true) WITH CHECK (true)', current_user);
	EXECUTE format('CREATE POLICY vault_documents_owner ON vault_documents TO %I USING (true) WITH CHECK (true)', current_user);
	EXECUTE format('CREATE POLICY vault_requests_owner ON vault_requests TO %I USING (true) WITH CHECK (true)', current_user);
END
$$;--> statement-breakpoint

-- Erasure and merges run in the request's transaction (privacy/), whose role has no
-- privilege on the keys: two functions do the vault's part, for records of the caller's
-- territory only (the owner's connection, command line and jobs, is not scoped).
CREATE FUNCTION maillage_vault_erase(person uuid) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
DECLARE
	dep text;
	n integer;
BEGIN
	SELECT department_code INTO dep FROM beneficiaries WHERE id = person;
	IF dep IS NULL THEN
		RETURN 0;
	END IF;
	IF (SELECT NOT r.rolsuper AND pg_has_role(session_user, 'maillage_scoped', 'USAGE') FROM pg_roles r WHERE r.rolname = session_user)
		AND NOT (maillage_scope_all() OR dep = ANY (maillage_scope_departments())) THEN
		RAISE EXCEPTION 'record outside the scope';
	END IF;
	DELETE FROM vault_documents WHERE beneficiary_id = person;
	UPDATE vault_keys SET wrapped = NULL, destroyed_at = now() WHERE beneficiary_id = person AND wrapped IS NOT NULL;
	GET DIAGNOSTICS n = ROW_COUNT;
	DELETE FROM vault_presence_codes WHERE beneficiary_id = person;
	DELETE FROM vault_requests WHERE beneficiary_id = person;
	RETURN n;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION maillage_vault_erase(uuid) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION maillage_vault_erase(uuid) TO maillage_scoped;--> statement-breakpoint
-- a merge: the other record's keys and documents now belong to the kept record (each
-- document stays wrapped by the key it was made with: nothing is re-encrypted)
CREATE FUNCTION maillage_vault_move(from_id uuid, to_id uuid) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
DECLARE
	from_dep text;
	to_dep text;
BEGIN
	SELECT department_code INTO from_dep FROM beneficiaries WHERE id = from_id;
	SELECT department_code INTO to_dep FROM beneficiaries WHERE id = to_id;
	IF from_dep IS NULL OR to_dep IS NULL OR from_id = to_id THEN
		RAISE EXCEPTION 'unknown records';
	END IF;
	IF (SELECT NOT r.rolsuper AND pg_has_role(session_user, 'maillage_scoped', 'USAGE') FROM pg_roles r WHERE r.rolname = session_user)
		AND NOT (maillage_scope_all() OR (from_dep = ANY (maillage_scope_departments()) AND to_dep = ANY (maillage_scope_departments()))) THEN
		RAISE EXCEPTION 'records outside the scope';
	END IF;
	UPDATE vault_keys SET beneficiary_id = to_id WHERE beneficiary_id = from_id;
	UPDATE vault_documents SET beneficiary_id = to_id, department_code = to_dep WHERE beneficiary_id = from_id;
	DELETE FROM vault_presence_codes WHERE beneficiary_id = from_id;
	UPDATE vault_requests SET beneficiary_id = to_id, department_code = to_dep WHERE beneficiary_id = from_id;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION maillage_vault_move(uuid, uuid) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION maillage_vault_move(uuid, uuid) TO maillage_scoped;
