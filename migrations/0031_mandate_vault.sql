-- Issue 15, item 8: a mandate may also open the vault, for the documents of the categories its
-- themes need (mandates/model.ts THEME_VAULT_CATEGORIES), when the person said so at
-- signing. Its grants then carry those `category:` scopes; the policy reads them as it reads
-- a share, and lets the structure's helpers add a document of those categories.
ALTER TABLE "mandates" ADD COLUMN "vault_access" boolean DEFAULT false NOT NULL;--> statement-breakpoint
DROP POLICY vault_documents_granted ON vault_documents;--> statement-breakpoint
CREATE POLICY vault_documents_granted ON vault_documents TO maillage_scoped
	USING (EXISTS (
		SELECT 1 FROM grants g
		WHERE g.beneficiary_id = vault_documents.beneficiary_id AND g.kind IN ('document_share', 'vault_presence', 'mandate')
			AND g.status = 'in_force' AND g.revoked_at IS NULL AND g.valid_from <= now() AND (g.valid_until IS NULL OR g.valid_until > now())
			AND g.scopes && ARRAY['vault', 'document:' || vault_documents.id::text, 'category:' || vault_documents.category]
			AND (g.grantee_user_id = (SELECT maillage_user())
				OR (g.grantee_user_id IS NULL AND g.grantee_organisation_id IN (
					SELECT m.organisation_id FROM memberships m WHERE m.user_id = (SELECT maillage_user()) AND m.role IN ('prescriber', 'mediator', 'place_manager'))))))
	WITH CHECK (EXISTS (
		SELECT 1 FROM grants g
		WHERE g.beneficiary_id = vault_documents.beneficiary_id
			AND g.status = 'in_force' AND g.revoked_at IS NULL AND g.valid_from <= now() AND (g.valid_until IS NULL OR g.valid_until > now())
			AND ((g.kind = 'vault_presence' AND g.grantee_user_id = (SELECT maillage_user()))
				OR (g.kind = 'mandate' AND 'category:' || vault_documents.category = ANY (g.scopes) AND g.grantee_organisation_id IN (
					SELECT m.organisation_id FROM memberships m WHERE m.user_id = (SELECT maillage_user()) AND m.role IN ('prescriber', 'mediator', 'place_manager'))))));
