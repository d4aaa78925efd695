-- Mon espace (issue 15): the person signs in without a password to forget. Besides a
-- one-time code or a link, a passkey (WebAuthn) and the codes of a printed recovery sheet.
-- Both belong to a person's record (one row per record when one sign-in opens several:
-- the same phone recorded by two structures); erasing the record deletes them.
CREATE TABLE "person_passkeys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"beneficiary_id" uuid NOT NULL,
	"credential_id" text NOT NULL,
	"public_key" text NOT NULL,
	"counter" bigint DEFAULT 0 NOT NULL,
	"transports" text[] DEFAULT '{}' NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "person_passkeys_name" CHECK (char_length("name") BETWEEN 1 AND 60)
);
--> statement-breakpoint
CREATE TABLE "person_recovery_codes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"beneficiary_id" uuid NOT NULL,
	"sheet_id" uuid NOT NULL,
	"code_hash" text NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- a WebAuthn challenge, spent once (a replayed answer finds it used)
CREATE TABLE "person_passkey_challenges" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"challenge" text NOT NULL,
	"purpose" text NOT NULL,
	"session_id" uuid,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	CONSTRAINT "person_passkey_challenges_challenge_unique" UNIQUE("challenge"),
	CONSTRAINT "person_passkey_challenges_purpose" CHECK ("purpose" IN ('register', 'sign_in'))
);
--> statement-breakpoint
ALTER TABLE "person_passkeys" ADD CONSTRAINT "person_passkeys_beneficiary_id_beneficiaries_id_fk" FOREIGN KEY ("beneficiary_id") REFERENCES "public"."beneficiaries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_recovery_codes" ADD CONSTRAINT "person_recovery_codes_beneficiary_id_beneficiaries_id_fk" FOREIGN KEY ("beneficiary_id") REFERENCES "public"."beneficiaries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_passkey_challenges" ADD CONSTRAINT "person_passkey_challenges_session_id_person_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."person_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "person_passkeys_credential_idx" ON "person_passkeys" USING btree ("credential_id","beneficiary_id");--> statement-breakpoint
CREATE INDEX "person_passkeys_beneficiary_idx" ON "person_passkeys" USING btree ("beneficiary_id");--> statement-breakpoint
CREATE INDEX "person_recovery_codes_hash_idx" ON "person_recovery_codes" USING btree ("code_hash") WHERE "person_recovery_codes"."used_at" IS NULL;--> statement-breakpoint
CREATE INDEX "person_recovery_codes_beneficiary_idx" ON "person_recovery_codes" USING btree ("beneficiary_id");--> statement-breakpoint
CREATE INDEX "person_passkey_challenges_expires_idx" ON "person_passkey_challenges" USING btree ("expires_at");--> statement-breakpoint
-- the sessions say how they were opened ('code' | 'link' | 'passkey' | 'recovery') and on
-- what kind of device (« Téléphone Android »…, never the full browser string), so that the
-- person recognises them on their security page
ALTER TABLE "person_sessions" ADD COLUMN "device" text;--> statement-breakpoint
-- credentials: the request role has no privilege on them (as recovery_codes and sessions);
-- only the person's own flows, on the owner's connection, read and write them
REVOKE ALL ON person_passkeys, person_recovery_codes, person_passkey_challenges FROM PUBLIC;--> statement-breakpoint
ALTER TABLE person_passkeys ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE person_passkeys FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE person_recovery_codes ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE person_recovery_codes FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE person_passkey_challenges ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE person_passkey_challenges FORCE ROW LEVEL SECURITY;--> statement-breakpoint
DO $$
BEGIN
	EXECUTE format('CREATE POLICY person_passkeys_owner ON person_passkeys TO %I USING (true) WITH CHECK (true)', current_user);
	EXECUTE format('CREATE POLICY person_recovery_codes_owner ON person_recovery_codes TO %I USING (true) WITH CHECK (true)', current_user);
	EXECUTE format('CREATE POLICY person_passkey_challenges_owner ON person_passkey_challenges TO %I USING (true) WITH CHECK (true)', current_user);
END
$$;
