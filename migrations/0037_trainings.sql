-- Training the helpers (issue 17): the catalogue (trainings, their sessions in half-day
-- slots, events grouping sessions such as the yearly forum), registrations (professionals
-- with an account, helpers without one confirmed by e-mail; a waiting list promoted in
-- order), and what the issue's later parts fill: relay groups of relayed webinars and
-- their headcounts, attendance per half-day, attestations (digest and signature),
-- anonymous satisfaction answers, calendar feeds by secret address, the calendar entry's
-- SEQUENCE per session. Seats are counted on the session row under its lock; a check
-- constraint refuses overbooking whatever the code does.
CREATE TABLE "training_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"department_code" text NOT NULL,
	"organiser_organisation_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"place_id" text,
	"location" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"created_by" uuid,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "training_events_status" CHECK ("status" IN ('draft', 'published', 'cancelled')),
	CONSTRAINT "training_events_days" CHECK ("ends_on" >= "starts_on")
);
--> statement-breakpoint
CREATE TABLE "trainings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"department_code" text NOT NULL,
	"organiser_organisation_id" uuid NOT NULL,
	"title" text NOT NULL,
	"objectives" text DEFAULT '' NOT NULL,
	"programme" text DEFAULT '' NOT NULL,
	"audiences" text[] NOT NULL,
	"theme" text NOT NULL,
	"format" text NOT NULL,
	"trainer_organisation_id" uuid,
	"trainer_structure" text DEFAULT '' NOT NULL,
	"trainer_person" text DEFAULT '' NOT NULL,
	"prerequisites" text DEFAULT '' NOT NULL,
	"accessibility" text DEFAULT '' NOT NULL,
	"created_by" uuid,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trainings_format" CHECK ("format" IN ('on_site', 'webinar', 'relayed_webinar')),
	CONSTRAINT "trainings_audiences" CHECK (cardinality("audiences") > 0 AND "audiences" <@ ARRAY['social_workers', 'partner_agents', 'france_services', 'mediators', 'volunteers', 'public']::text[]),
	CONSTRAINT "trainings_theme" CHECK ("theme" IN ('procedures', 'detection', 'helper_role', 'security', 'everyday_tools', 'local_schemes', 'accessibility'))
);
--> statement-breakpoint
CREATE TABLE "training_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"training_id" uuid NOT NULL,
	"department_code" text NOT NULL,
	"event_id" uuid,
	"status" text DEFAULT 'draft' NOT NULL,
	"place_id" text,
	"commune_code" text,
	"location" text DEFAULT '' NOT NULL,
	"broadcast_url" text,
	"capacity" integer,
	"registration_deadline" date NOT NULL,
	"first_day" date NOT NULL,
	"last_day" date NOT NULL,
	"seats_taken" integer DEFAULT 0 NOT NULL,
	"waiting_count" integer DEFAULT 0 NOT NULL,
	"last_position" integer DEFAULT 0 NOT NULL,
	"ics_sequence" integer DEFAULT 0 NOT NULL,
	"cancelled_at" timestamp with time zone,
	"cancel_reason" text DEFAULT '' NOT NULL,
	"created_by" uuid,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "training_sessions_status" CHECK ("status" IN ('draft', 'published', 'cancelled')),
	CONSTRAINT "training_sessions_capacity" CHECK ("capacity" IS NULL OR "capacity" > 0),
	CONSTRAINT "training_sessions_no_overbooking" CHECK ("seats_taken" >= 0 AND "waiting_count" >= 0 AND ("capacity" IS NULL OR "seats_taken" <= "capacity")),
	CONSTRAINT "training_sessions_days" CHECK ("last_day" >= "first_day")
);
--> statement-breakpoint
CREATE TABLE "training_slots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"day" date NOT NULL,
	"half" text NOT NULL,
	"start_time" text NOT NULL,
	"end_time" text NOT NULL,
	CONSTRAINT "training_slots_half" CHECK ("half" IN ('am', 'pm')),
	CONSTRAINT "training_slots_times" CHECK ("start_time" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' AND "end_time" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' AND "end_time" > "start_time")
);
--> statement-breakpoint
CREATE TABLE "training_relays" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"department_code" text NOT NULL,
	"place_id" text NOT NULL,
	"commune_code" text,
	"organisation_id" uuid,
	"contact_user_id" uuid,
	"capacity" integer,
	"status" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "training_relays_status" CHECK ("status" IN ('open', 'cancelled')),
	CONSTRAINT "training_relays_capacity" CHECK ("capacity" IS NULL OR "capacity" > 0)
);
--> statement-breakpoint
CREATE TABLE "training_registrations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"department_code" text NOT NULL,
	"user_id" uuid,
	"organisation_id" uuid,
	"first_name" text NOT NULL,
	"last_name" text NOT NULL,
	"email" text NOT NULL,
	"profile" text NOT NULL,
	"structure_name" text DEFAULT '' NOT NULL,
	"relay_id" uuid,
	"status" text NOT NULL,
	"position" integer,
	"token_hash" text NOT NULL,
	"confirm_before" timestamp with time zone,
	"placed_at" timestamp with time zone,
	"confirmed_at" timestamp with time zone,
	"promoted_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"cancelled_by" text,
	"reminded_d7_at" timestamp with time zone,
	"reminded_d1_at" timestamp with time zone,
	"survey_answered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "training_registrations_token_hash_unique" UNIQUE("token_hash"),
	CONSTRAINT "training_registrations_status" CHECK ("status" IN ('pending', 'confirmed', 'waiting', 'cancelled', 'expired')),
	CONSTRAINT "training_registrations_profile" CHECK ("profile" IN ('social_worker', 'partner_agent', 'france_services', 'mediator', 'volunteer', 'person', 'other')),
	CONSTRAINT "training_registrations_cancelled_by" CHECK ("cancelled_by" IS NULL OR "cancelled_by" IN ('registrant', 'organiser', 'system')),
	CONSTRAINT "training_registrations_placed" CHECK (("status" IN ('confirmed', 'waiting')) <= ("position" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "training_attendance" (
	"registration_id" uuid NOT NULL,
	"slot_id" uuid NOT NULL,
	"department_code" text NOT NULL,
	"present" boolean NOT NULL,
	"method" text NOT NULL,
	"recorded_by" uuid,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "training_attendance_pk" PRIMARY KEY("registration_id","slot_id"),
	CONSTRAINT "training_attendance_method" CHECK ("method" IN ('sheet', 'screen', 'relay'))
);
--> statement-breakpoint
CREATE TABLE "training_relay_attendance" (
	"relay_id" uuid NOT NULL,
	"slot_id" uuid NOT NULL,
	"department_code" text NOT NULL,
	"attendees" integer NOT NULL,
	"recorded_by" uuid,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "training_relay_attendance_pk" PRIMARY KEY("relay_id","slot_id"),
	CONSTRAINT "training_relay_attendance_count" CHECK ("attendees" >= 0)
);
--> statement-breakpoint
CREATE TABLE "training_attestations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"registration_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"department_code" text NOT NULL,
	"number" text NOT NULL,
	"holder_name" text NOT NULL,
	"minutes" integer NOT NULL,
	"content" jsonb NOT NULL,
	"digest" text NOT NULL,
	"signature" text NOT NULL,
	"key_id" text NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_reason" text DEFAULT '' NOT NULL,
	CONSTRAINT "training_attestations_number_unique" UNIQUE("number"),
	CONSTRAINT "training_attestations_minutes" CHECK ("minutes" >= 0)
);
--> statement-breakpoint
CREATE TABLE "training_satisfaction" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"department_code" text NOT NULL,
	"answered_on" date NOT NULL,
	"scores" jsonb NOT NULL,
	"comment" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_calendar_feeds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"department_code" text,
	"user_id" uuid,
	"email" text,
	"organisation_id" uuid,
	"secret_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "training_calendar_feeds_secret_hash_unique" UNIQUE("secret_hash"),
	CONSTRAINT "training_calendar_feeds_kind" CHECK ("kind" IN ('personal', 'organiser')),
	CONSTRAINT "training_calendar_feeds_owner" CHECK (("kind" = 'personal' AND "organisation_id" IS NULL AND ("user_id" IS NULL) <> ("email" IS NULL)) OR ("kind" = 'organiser' AND "organisation_id" IS NOT NULL AND "department_code" IS NOT NULL AND "user_id" IS NULL AND "email" IS NULL))
);
--> statement-breakpoint
ALTER TABLE "training_events" ADD CONSTRAINT "training_events_organiser_organisation_id_organisations_id_fk" FOREIGN KEY ("organiser_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_events" ADD CONSTRAINT "training_events_place_id_places_id_fk" FOREIGN KEY ("place_id") REFERENCES "public"."places"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_events" ADD CONSTRAINT "training_events_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_events" ADD CONSTRAINT "training_events_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trainings" ADD CONSTRAINT "trainings_organiser_organisation_id_organisations_id_fk" FOREIGN KEY ("organiser_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trainings" ADD CONSTRAINT "trainings_trainer_organisation_id_organisations_id_fk" FOREIGN KEY ("trainer_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trainings" ADD CONSTRAINT "trainings_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trainings" ADD CONSTRAINT "trainings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_sessions" ADD CONSTRAINT "training_sessions_training_id_trainings_id_fk" FOREIGN KEY ("training_id") REFERENCES "public"."trainings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_sessions" ADD CONSTRAINT "training_sessions_event_id_training_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."training_events"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_sessions" ADD CONSTRAINT "training_sessions_place_id_places_id_fk" FOREIGN KEY ("place_id") REFERENCES "public"."places"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_sessions" ADD CONSTRAINT "training_sessions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_sessions" ADD CONSTRAINT "training_sessions_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_slots" ADD CONSTRAINT "training_slots_session_id_training_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."training_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_relays" ADD CONSTRAINT "training_relays_session_id_training_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."training_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_relays" ADD CONSTRAINT "training_relays_place_id_places_id_fk" FOREIGN KEY ("place_id") REFERENCES "public"."places"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_relays" ADD CONSTRAINT "training_relays_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_relays" ADD CONSTRAINT "training_relays_contact_user_id_users_id_fk" FOREIGN KEY ("contact_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_registrations" ADD CONSTRAINT "training_registrations_session_id_training_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."training_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_registrations" ADD CONSTRAINT "training_registrations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_registrations" ADD CONSTRAINT "training_registrations_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_registrations" ADD CONSTRAINT "training_registrations_relay_id_training_relays_id_fk" FOREIGN KEY ("relay_id") REFERENCES "public"."training_relays"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_attendance" ADD CONSTRAINT "training_attendance_registration_id_training_registrations_id_fk" FOREIGN KEY ("registration_id") REFERENCES "public"."training_registrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_attendance" ADD CONSTRAINT "training_attendance_slot_id_training_slots_id_fk" FOREIGN KEY ("slot_id") REFERENCES "public"."training_slots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_attendance" ADD CONSTRAINT "training_attendance_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_relay_attendance" ADD CONSTRAINT "training_relay_attendance_relay_id_training_relays_id_fk" FOREIGN KEY ("relay_id") REFERENCES "public"."training_relays"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_relay_attendance" ADD CONSTRAINT "training_relay_attendance_slot_id_training_slots_id_fk" FOREIGN KEY ("slot_id") REFERENCES "public"."training_slots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_relay_attendance" ADD CONSTRAINT "training_relay_attendance_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_attestations" ADD CONSTRAINT "training_attestations_registration_id_training_registrations_id_fk" FOREIGN KEY ("registration_id") REFERENCES "public"."training_registrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_attestations" ADD CONSTRAINT "training_attestations_session_id_training_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."training_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_satisfaction" ADD CONSTRAINT "training_satisfaction_session_id_training_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."training_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_calendar_feeds" ADD CONSTRAINT "training_calendar_feeds_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_calendar_feeds" ADD CONSTRAINT "training_calendar_feeds_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "training_events_department_idx" ON "training_events" USING btree ("department_code","starts_on");--> statement-breakpoint
CREATE INDEX "trainings_department_idx" ON "trainings" USING btree ("department_code");--> statement-breakpoint
CREATE INDEX "trainings_organiser_idx" ON "trainings" USING btree ("organiser_organisation_id");--> statement-breakpoint
CREATE INDEX "training_sessions_training_idx" ON "training_sessions" USING btree ("training_id");--> statement-breakpoint
CREATE INDEX "training_sessions_department_idx" ON "training_sessions" USING btree ("department_code","first_day");--> statement-breakpoint
CREATE INDEX "training_sessions_catalogue_idx" ON "training_sessions" USING btree ("status","last_day");--> statement-breakpoint
CREATE INDEX "training_sessions_place_idx" ON "training_sessions" USING btree ("place_id");--> statement-breakpoint
CREATE INDEX "training_sessions_event_idx" ON "training_sessions" USING btree ("event_id");--> statement-breakpoint
CREATE UNIQUE INDEX "training_slots_half_idx" ON "training_slots" USING btree ("session_id","day","half");--> statement-breakpoint
CREATE UNIQUE INDEX "training_relays_place_idx" ON "training_relays" USING btree ("session_id","place_id");--> statement-breakpoint
CREATE INDEX "training_relays_place_lookup_idx" ON "training_relays" USING btree ("place_id");--> statement-breakpoint
CREATE INDEX "training_registrations_session_idx" ON "training_registrations" USING btree ("session_id","status","position");--> statement-breakpoint
CREATE INDEX "training_registrations_user_idx" ON "training_registrations" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "training_registrations_email_idx" ON "training_registrations" USING btree ("email");--> statement-breakpoint
CREATE UNIQUE INDEX "training_registrations_email_active_idx" ON "training_registrations" USING btree ("session_id","email") WHERE "status" IN ('pending', 'confirmed', 'waiting');--> statement-breakpoint
CREATE INDEX "training_attendance_slot_idx" ON "training_attendance" USING btree ("slot_id");--> statement-breakpoint
CREATE UNIQUE INDEX "training_attestations_registration_idx" ON "training_attestations" USING btree ("registration_id");--> statement-breakpoint
CREATE INDEX "training_attestations_session_idx" ON "training_attestations" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "training_satisfaction_session_idx" ON "training_satisfaction" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "training_calendar_feeds_user_idx" ON "training_calendar_feeds" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "training_calendar_feeds_email_idx" ON "training_calendar_feeds" USING btree ("email");--> statement-breakpoint
-- A merged place's references move to the survivor (0018): the sessions, events and relay
-- groups held there too. A relay group at both places of a merge keeps the survivor's.
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
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION maillage_move_place_references(text, text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION maillage_move_place_references(text, text) TO maillage_scoped;--> statement-breakpoint
-- Row-level security (decisions 0006, 0010). The catalogue is public: a session that is not
-- a draft, its training, slots and event are read by anyone (anonymous requests included);
-- drafts and every write stay with the requests whose départements include the training's.
-- Registrations, attendance, attestations, answers and feeds are read and written within the
-- training's département (its organisers; can() narrows to the organiser's structure), and a
-- professional reads their own registrations, attestations and feeds. The seats (a
-- registrant from another département, a helper without an account, the promotion of
-- another registrant) are taken on the owner's connection (trainings/seats.ts, reviewed in
-- test/security/privileged-use.test.ts). The owner keeps every row.
GRANT SELECT, INSERT, UPDATE, DELETE ON training_events, trainings, training_sessions, training_slots, training_relays, training_registrations, training_attendance, training_relay_attendance, training_attestations, training_satisfaction, training_calendar_feeds TO maillage_scoped;--> statement-breakpoint
ALTER TABLE training_events ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE training_events FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY training_events_catalogue ON training_events FOR SELECT TO maillage_scoped USING (status <> 'draft');--> statement-breakpoint
CREATE POLICY training_events_territory ON training_events TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]))
	WITH CHECK ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
ALTER TABLE training_sessions ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE training_sessions FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY training_sessions_catalogue ON training_sessions FOR SELECT TO maillage_scoped USING (status <> 'draft');--> statement-breakpoint
CREATE POLICY training_sessions_territory ON training_sessions TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]))
	WITH CHECK ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
ALTER TABLE trainings ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE trainings FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY trainings_catalogue ON trainings FOR SELECT TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM training_sessions s WHERE s.training_id = trainings.id AND s.status <> 'draft'));--> statement-breakpoint
CREATE POLICY trainings_territory ON trainings TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]))
	WITH CHECK ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
ALTER TABLE training_slots ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE training_slots FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY training_slots_catalogue ON training_slots FOR SELECT TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM training_sessions s WHERE s.id = session_id));--> statement-breakpoint
CREATE POLICY training_slots_territory ON training_slots TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM training_sessions s WHERE s.id = session_id AND ((SELECT maillage_scope_all()) OR s.department_code = ANY ((SELECT maillage_scope_departments())::text[]))))
	WITH CHECK (EXISTS (SELECT 1 FROM training_sessions s WHERE s.id = session_id AND ((SELECT maillage_scope_all()) OR s.department_code = ANY ((SELECT maillage_scope_departments())::text[]))));--> statement-breakpoint
ALTER TABLE training_relays ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE training_relays FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY training_relays_catalogue ON training_relays FOR SELECT TO maillage_scoped
	USING (status = 'open' AND EXISTS (SELECT 1 FROM training_sessions s WHERE s.id = session_id));--> statement-breakpoint
CREATE POLICY training_relays_territory ON training_relays TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]))
	WITH CHECK ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
ALTER TABLE training_registrations ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE training_registrations FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY training_registrations_territory ON training_registrations TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]) OR user_id = (SELECT maillage_user()))
	WITH CHECK ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]) OR user_id = (SELECT maillage_user()));--> statement-breakpoint
ALTER TABLE training_attendance ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE training_attendance FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY training_attendance_territory ON training_attendance TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]))
	WITH CHECK ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
ALTER TABLE training_relay_attendance ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE training_relay_attendance FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY training_relay_attendance_territory ON training_relay_attendance TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]))
	WITH CHECK ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
ALTER TABLE training_attestations ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE training_attestations FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY training_attestations_territory ON training_attestations TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[])
		OR EXISTS (SELECT 1 FROM training_registrations r WHERE r.id = registration_id AND r.user_id = (SELECT maillage_user())))
	WITH CHECK ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
ALTER TABLE training_satisfaction ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE training_satisfaction FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY training_satisfaction_territory ON training_satisfaction TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]))
	WITH CHECK ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
ALTER TABLE training_calendar_feeds ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE training_calendar_feeds FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY training_calendar_feeds_own ON training_calendar_feeds TO maillage_scoped
	USING (user_id = (SELECT maillage_user()) OR (organisation_id IS NOT NULL AND ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]))))
	WITH CHECK (user_id = (SELECT maillage_user()) OR (organisation_id IS NOT NULL AND ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]))));--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['training_events', 'trainings', 'training_sessions', 'training_slots', 'training_relays', 'training_registrations', 'training_attendance', 'training_relay_attendance', 'training_attestations', 'training_satisfaction', 'training_calendar_feeds'] LOOP
		EXECUTE format('CREATE POLICY %I ON %I TO %I USING (true) WITH CHECK (true)', t || '_owner', t, current_user);
	END LOOP;
END
$$;
