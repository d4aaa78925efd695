-- Equipping people (issue 18, decision 0020): the local channel of refurbished devices.
-- Donors (the Département, communes, partners, companies) give lots of retired devices to a
-- refurbisher (a structure of the network); each device is tested, its data erased
-- (décret 2022-190: required before it is offered or handed over), described, graded and
-- priced, then offered, reserved for a prescriber's request (the waiting list of an area),
-- handed over with a receipt, returned or exchanged under warranty, or recycled. Every
-- change is an event of the device's history. One active request per device (a partial
-- unique index) refuses a double allocation whatever the code does; a check constraint
-- refuses an offer without grade, warranty and price. Only the requests name a person.
CREATE TABLE "equipment_settings" (
	"department_code" text PRIMARY KEY NOT NULL,
	"eligibility_kinds" text[] NOT NULL,
	"default_warranty_months" integer DEFAULT 12 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "equipment_settings_warranty" CHECK ("equipment_settings"."default_warranty_months" BETWEEN 0 AND 60)
);--> statement-breakpoint
CREATE TABLE "equipment_donors" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"department_code" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"organisation_id" uuid,
	"commune_code" text,
	"siret" text,
	"public_body" boolean DEFAULT false NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "equipment_donors_kind" CHECK ("equipment_donors"."kind" IN ('departement', 'commune', 'public_body', 'partner', 'company', 'other'))
);--> statement-breakpoint
CREATE TABLE "equipment_donor_stock" (
	"donor_id" uuid NOT NULL,
	"department_code" text NOT NULL,
	"year" integer NOT NULL,
	"retired_in_stock" integer NOT NULL,
	"declared_by" uuid,
	"declared_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "equipment_donor_stock_donor_id_year_pk" PRIMARY KEY("donor_id","year"),
	CONSTRAINT "equipment_donor_stock_values" CHECK ("equipment_donor_stock"."year" BETWEEN 2000 AND 2100 AND "equipment_donor_stock"."retired_in_stock" >= 0)
);--> statement-breakpoint
CREATE TABLE "equipment_lots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"department_code" text NOT NULL,
	"donor_id" uuid NOT NULL,
	"refurbisher_organisation_id" uuid NOT NULL,
	"reference" text NOT NULL,
	"received_on" date NOT NULL,
	"legal_basis" text DEFAULT '' NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE TABLE "equipment_devices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"department_code" text NOT NULL,
	"lot_id" uuid NOT NULL,
	"refurbisher_organisation_id" uuid NOT NULL,
	"place_id" text,
	"type" text NOT NULL,
	"brand" text DEFAULT '' NOT NULL,
	"model" text DEFAULT '' NOT NULL,
	"serial" text DEFAULT '' NOT NULL,
	"manufacture_year" integer,
	"state_on_receipt" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'received' NOT NULL,
	"status_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"cpu" text DEFAULT '' NOT NULL,
	"memory_gb" integer,
	"storage_gb" integer,
	"screen_inches" text DEFAULT '' NOT NULL,
	"battery_health" integer,
	"operating_system" text DEFAULT '' NOT NULL,
	"grade" text,
	"warranty_months" integer,
	"price_cents" integer,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "equipment_devices_status" CHECK ("equipment_devices"."status" IN ('received', 'refurbishing', 'available', 'reserved', 'handed_over', 'returned', 'recycled')),
	CONSTRAINT "equipment_devices_type" CHECK ("equipment_devices"."type" IN ('laptop', 'desktop', 'tablet', 'smartphone', 'screen', 'other')),
	CONSTRAINT "equipment_devices_grade" CHECK ("equipment_devices"."grade" IS NULL OR "equipment_devices"."grade" IN ('A', 'B', 'C')),
	CONSTRAINT "equipment_devices_numbers" CHECK (("equipment_devices"."price_cents" IS NULL OR "equipment_devices"."price_cents" BETWEEN 0 AND 100000) AND ("equipment_devices"."warranty_months" IS NULL OR "equipment_devices"."warranty_months" BETWEEN 0 AND 60) AND ("equipment_devices"."battery_health" IS NULL OR "equipment_devices"."battery_health" BETWEEN 0 AND 100) AND ("equipment_devices"."memory_gb" IS NULL OR "equipment_devices"."memory_gb" BETWEEN 0 AND 4096) AND ("equipment_devices"."storage_gb" IS NULL OR "equipment_devices"."storage_gb" BETWEEN 0 AND 1048576) AND ("equipment_devices"."manufacture_year" IS NULL OR "equipment_devices"."manufacture_year" BETWEEN 1980 AND 2100)),
	CONSTRAINT "equipment_devices_offer_complete" CHECK ("equipment_devices"."status" NOT IN ('available', 'reserved', 'handed_over') OR ("equipment_devices"."grade" IS NOT NULL AND "equipment_devices"."warranty_months" IS NOT NULL AND "equipment_devices"."price_cents" IS NOT NULL))
);--> statement-breakpoint
CREATE TABLE "equipment_device_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"device_id" uuid NOT NULL,
	"department_code" text NOT NULL,
	"kind" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"request_id" uuid,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_user_id" uuid,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);--> statement-breakpoint
CREATE TABLE "equipment_tests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"device_id" uuid NOT NULL,
	"department_code" text NOT NULL,
	"tested_on" date NOT NULL,
	"results" jsonb NOT NULL,
	"passed" boolean NOT NULL,
	"operator_user_id" uuid,
	"note" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE TABLE "equipment_erasures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"device_id" uuid NOT NULL,
	"department_code" text NOT NULL,
	"method" text NOT NULL,
	"tool" text DEFAULT '' NOT NULL,
	"erased_on" date NOT NULL,
	"operator_user_id" uuid,
	"operator_name" text NOT NULL,
	"report_reference" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "equipment_erasures_method" CHECK ("equipment_erasures"."method" IN ('overwrite', 'secure_erase', 'crypto_erase', 'factory_reset', 'storage_destroyed'))
);--> statement-breakpoint
CREATE TABLE "equipment_recycling" (
	"device_id" uuid PRIMARY KEY NOT NULL,
	"department_code" text NOT NULL,
	"recycled_on" date NOT NULL,
	"channel" text NOT NULL,
	"certificate_reference" text DEFAULT '' NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE TABLE "equipment_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"department_code" text NOT NULL,
	"beneficiary_id" uuid,
	"organisation_id" uuid NOT NULL,
	"area_id" integer,
	"need" text NOT NULL,
	"eligibility_kind" text NOT NULL,
	"reference" text NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'waiting' NOT NULL,
	"device_id" uuid,
	"reserved_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "equipment_requests_status" CHECK ("equipment_requests"."status" IN ('waiting', 'reserved', 'handed_over', 'closed', 'cancelled')),
	CONSTRAINT "equipment_requests_need" CHECK ("equipment_requests"."need" IN ('laptop', 'desktop', 'tablet', 'smartphone')),
	CONSTRAINT "equipment_requests_eligibility" CHECK ("equipment_requests"."eligibility_kind" IN ('minima_sociaux', 'job_seeker', 'student', 'quotient', 'reste_a_vivre')),
	CONSTRAINT "equipment_requests_device" CHECK ("equipment_requests"."status" NOT IN ('reserved', 'handed_over') OR "equipment_requests"."device_id" IS NOT NULL)
);--> statement-breakpoint
CREATE TABLE "equipment_handovers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"department_code" text NOT NULL,
	"request_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"place_id" text,
	"handed_over_at" timestamp with time zone NOT NULL,
	"receipt" text NOT NULL,
	"warranty_until" date NOT NULL,
	"price_cents" integer NOT NULL,
	"accompaniment" text NOT NULL,
	"accompaniment_place_id" text,
	"accompaniment_outcome" text DEFAULT 'pending' NOT NULL,
	"accompaniment_on" date,
	"returned_at" timestamp with time zone,
	"return_reason" text,
	"exchanged_for_device_id" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "equipment_handovers_receipt" CHECK ("equipment_handovers"."receipt" IN ('on_screen', 'paper')),
	CONSTRAINT "equipment_handovers_accompaniment" CHECK ("equipment_handovers"."accompaniment" IN ('referral', 'appointment', 'declined')),
	CONSTRAINT "equipment_handovers_outcome" CHECK ("equipment_handovers"."accompaniment_outcome" IN ('pending', 'done', 'not_done', 'declined')),
	CONSTRAINT "equipment_handovers_return" CHECK ("equipment_handovers"."return_reason" IS NULL OR "equipment_handovers"."return_reason" IN ('warranty', 'exchange', 'other'))
);--> statement-breakpoint
ALTER TABLE "equipment_device_events" ADD CONSTRAINT "equipment_device_events_device_id_equipment_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."equipment_devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_device_events" ADD CONSTRAINT "equipment_device_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_devices" ADD CONSTRAINT "equipment_devices_lot_id_equipment_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."equipment_lots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_devices" ADD CONSTRAINT "equipment_devices_refurbisher_organisation_id_organisations_id_fk" FOREIGN KEY ("refurbisher_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_devices" ADD CONSTRAINT "equipment_devices_place_id_places_id_fk" FOREIGN KEY ("place_id") REFERENCES "public"."places"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_devices" ADD CONSTRAINT "equipment_devices_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_donor_stock" ADD CONSTRAINT "equipment_donor_stock_donor_id_equipment_donors_id_fk" FOREIGN KEY ("donor_id") REFERENCES "public"."equipment_donors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_donor_stock" ADD CONSTRAINT "equipment_donor_stock_declared_by_users_id_fk" FOREIGN KEY ("declared_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_donors" ADD CONSTRAINT "equipment_donors_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_donors" ADD CONSTRAINT "equipment_donors_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_erasures" ADD CONSTRAINT "equipment_erasures_device_id_equipment_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."equipment_devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_erasures" ADD CONSTRAINT "equipment_erasures_operator_user_id_users_id_fk" FOREIGN KEY ("operator_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_handovers" ADD CONSTRAINT "equipment_handovers_request_id_equipment_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."equipment_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_handovers" ADD CONSTRAINT "equipment_handovers_device_id_equipment_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."equipment_devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_handovers" ADD CONSTRAINT "equipment_handovers_place_id_places_id_fk" FOREIGN KEY ("place_id") REFERENCES "public"."places"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_handovers" ADD CONSTRAINT "equipment_handovers_accompaniment_place_id_places_id_fk" FOREIGN KEY ("accompaniment_place_id") REFERENCES "public"."places"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_handovers" ADD CONSTRAINT "equipment_handovers_exchanged_for_device_id_equipment_devices_id_fk" FOREIGN KEY ("exchanged_for_device_id") REFERENCES "public"."equipment_devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_handovers" ADD CONSTRAINT "equipment_handovers_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_lots" ADD CONSTRAINT "equipment_lots_donor_id_equipment_donors_id_fk" FOREIGN KEY ("donor_id") REFERENCES "public"."equipment_donors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_lots" ADD CONSTRAINT "equipment_lots_refurbisher_organisation_id_organisations_id_fk" FOREIGN KEY ("refurbisher_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_lots" ADD CONSTRAINT "equipment_lots_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_recycling" ADD CONSTRAINT "equipment_recycling_device_id_equipment_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."equipment_devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_recycling" ADD CONSTRAINT "equipment_recycling_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_requests" ADD CONSTRAINT "equipment_requests_beneficiary_id_beneficiaries_id_fk" FOREIGN KEY ("beneficiary_id") REFERENCES "public"."beneficiaries"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_requests" ADD CONSTRAINT "equipment_requests_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_requests" ADD CONSTRAINT "equipment_requests_area_id_areas_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."areas"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_requests" ADD CONSTRAINT "equipment_requests_device_id_equipment_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."equipment_devices"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_requests" ADD CONSTRAINT "equipment_requests_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_tests" ADD CONSTRAINT "equipment_tests_device_id_equipment_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."equipment_devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_tests" ADD CONSTRAINT "equipment_tests_operator_user_id_users_id_fk" FOREIGN KEY ("operator_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "equipment_device_events_device_idx" ON "equipment_device_events" USING btree ("device_id","at");--> statement-breakpoint
CREATE INDEX "equipment_device_events_kind_idx" ON "equipment_device_events" USING btree ("department_code","kind","at");--> statement-breakpoint
CREATE INDEX "equipment_devices_lot_idx" ON "equipment_devices" USING btree ("lot_id");--> statement-breakpoint
CREATE INDEX "equipment_devices_stock_idx" ON "equipment_devices" USING btree ("refurbisher_organisation_id","status","type");--> statement-breakpoint
CREATE INDEX "equipment_devices_department_idx" ON "equipment_devices" USING btree ("department_code","status");--> statement-breakpoint
CREATE INDEX "equipment_donors_department_idx" ON "equipment_donors" USING btree ("department_code","name");--> statement-breakpoint
CREATE INDEX "equipment_erasures_device_idx" ON "equipment_erasures" USING btree ("device_id");--> statement-breakpoint
CREATE INDEX "equipment_handovers_request_idx" ON "equipment_handovers" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "equipment_handovers_device_idx" ON "equipment_handovers" USING btree ("device_id");--> statement-breakpoint
CREATE INDEX "equipment_handovers_department_idx" ON "equipment_handovers" USING btree ("department_code","handed_over_at");--> statement-breakpoint
CREATE INDEX "equipment_lots_donor_idx" ON "equipment_lots" USING btree ("donor_id","received_on");--> statement-breakpoint
CREATE INDEX "equipment_lots_refurbisher_idx" ON "equipment_lots" USING btree ("refurbisher_organisation_id","received_on");--> statement-breakpoint
CREATE UNIQUE INDEX "equipment_lots_reference_idx" ON "equipment_lots" USING btree ("department_code","reference");--> statement-breakpoint
CREATE INDEX "equipment_requests_waiting_idx" ON "equipment_requests" USING btree ("department_code","area_id","requested_at","id") WHERE "equipment_requests"."status" = 'waiting';--> statement-breakpoint
CREATE INDEX "equipment_requests_beneficiary_idx" ON "equipment_requests" USING btree ("beneficiary_id");--> statement-breakpoint
CREATE INDEX "equipment_requests_organisation_idx" ON "equipment_requests" USING btree ("organisation_id","requested_at");--> statement-breakpoint
CREATE UNIQUE INDEX "equipment_requests_device_active_idx" ON "equipment_requests" USING btree ("device_id") WHERE "equipment_requests"."status" IN ('reserved', 'handed_over');--> statement-breakpoint
CREATE UNIQUE INDEX "equipment_requests_reference_idx" ON "equipment_requests" USING btree ("reference");--> statement-breakpoint
CREATE INDEX "equipment_tests_device_idx" ON "equipment_tests" USING btree ("device_id","tested_on");--> statement-breakpoint
-- The public count of devices handed over per area and year (open data): counts only, read
-- by anyone through this function, so that no page needs the owner's connection for it.
-- Areas with fewer than 5 are masked by the caller (decision 0008).
CREATE OR REPLACE FUNCTION maillage_equipment_public_counts(dep text)
RETURNS TABLE (area_id integer, year integer, handed_over integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
	SELECT r.area_id, extract(year FROM h.handed_over_at AT TIME ZONE 'Europe/Paris')::int AS year, count(*)::int
	FROM equipment_handovers h JOIN equipment_requests r ON r.id = h.request_id
	WHERE h.department_code = dep
	GROUP BY 1, 2
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION maillage_equipment_public_counts(text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION maillage_equipment_public_counts(text) TO maillage_scoped;--> statement-breakpoint
-- Row-level security (decisions 0006, 0010): every table is read and written within its
-- département (its coordinators, the refurbishers' teams, the prescribers: can() narrows to
-- the structure); the requests name a person and follow the same wall. The owner keeps
-- every row (jobs, the command line, the demo seed).
GRANT SELECT, INSERT, UPDATE, DELETE ON equipment_settings, equipment_donors, equipment_donor_stock, equipment_lots, equipment_devices, equipment_device_events, equipment_tests, equipment_erasures, equipment_recycling, equipment_requests, equipment_handovers TO maillage_scoped;--> statement-breakpoint
GRANT USAGE, SELECT ON SEQUENCE equipment_device_events_id_seq TO maillage_scoped;--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['equipment_settings', 'equipment_donors', 'equipment_donor_stock', 'equipment_lots', 'equipment_devices', 'equipment_device_events', 'equipment_tests', 'equipment_erasures', 'equipment_recycling', 'equipment_requests', 'equipment_handovers'] LOOP
		EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
		EXECUTE format('CREATE POLICY %I ON %I TO maillage_scoped USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[])) WITH CHECK ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]))', t || '_territory', t);
		EXECUTE format('CREATE POLICY %I ON %I TO %I USING (true) WITH CHECK (true)', t || '_owner', t, current_user);
	END LOOP;
END
$$;
