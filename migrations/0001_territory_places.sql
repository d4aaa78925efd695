CREATE TABLE "area_municipalities" (
	"area_id" integer NOT NULL,
	"insee_code" text NOT NULL,
	CONSTRAINT "area_municipalities_area_id_insee_code_pk" PRIMARY KEY("area_id","insee_code")
);
--> statement-breakpoint
CREATE TABLE "areas" (
	"id" serial PRIMARY KEY NOT NULL,
	"department_code" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "departments" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"region_code" text,
	"latitude" double precision,
	"longitude" double precision
);
--> statement-breakpoint
CREATE TABLE "fragility_index" (
	"insee_code" text PRIMARY KEY NOT NULL,
	"no_thd_coverage" double precision NOT NULL,
	"no_4g_coverage" double precision NOT NULL,
	"poverty" double precision NOT NULL,
	"older_65" double precision NOT NULL,
	"low_diploma" double precision NOT NULL,
	"total" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "instance_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"name" text NOT NULL,
	"department_codes" text[] NOT NULL,
	"logo_url" text,
	"color_primary" text NOT NULL,
	"color_accent" text NOT NULL,
	"contact_email" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "municipalities" (
	"insee_code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"name_key" text NOT NULL,
	"postcodes" text[] DEFAULT '{}'::text[] NOT NULL,
	"latitude" double precision,
	"longitude" double precision,
	"population" integer,
	"epci_code" text,
	"epci_name" text,
	"department_code" text NOT NULL,
	"region_code" text
);
--> statement-breakpoint
CREATE TABLE "seed_runs" (
	"step" text PRIMARY KEY NOT NULL,
	"done_at" timestamp with time zone DEFAULT now() NOT NULL,
	"detail" text
);
--> statement-breakpoint
CREATE TABLE "import_reports" (
	"id" serial PRIMARY KEY NOT NULL,
	"file_name" text NOT NULL,
	"format" text NOT NULL,
	"source" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"total" integer DEFAULT 0 NOT NULL,
	"created" integer DEFAULT 0 NOT NULL,
	"updated" integer DEFAULT 0 NOT NULL,
	"merged" integer DEFAULT 0 NOT NULL,
	"unchanged" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"rejections" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"warnings" jsonb DEFAULT '[]'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "place_error_reports" (
	"id" serial PRIMARY KEY NOT NULL,
	"place_id" text NOT NULL,
	"fields" text[] DEFAULT '{}'::text[] NOT NULL,
	"message" text NOT NULL,
	"contact_email" text,
	"status" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "place_sources" (
	"id" serial PRIMARY KEY NOT NULL,
	"place_id" text NOT NULL,
	"source" text NOT NULL,
	"source_id" text NOT NULL,
	"record" jsonb NOT NULL,
	"content_hash" text NOT NULL,
	"import_id" integer,
	"match_score" double precision,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "places" (
	"id" text PRIMARY KEY NOT NULL,
	"pivot" text NOT NULL,
	"nom" text NOT NULL,
	"commune" text NOT NULL,
	"code_postal" text NOT NULL,
	"code_insee" text,
	"adresse" text NOT NULL,
	"complement_adresse" text,
	"latitude" double precision,
	"longitude" double precision,
	"typologie" text[] DEFAULT '{}'::text[] NOT NULL,
	"telephone" text,
	"courriels" text[] DEFAULT '{}'::text[] NOT NULL,
	"site_web" text[] DEFAULT '{}'::text[] NOT NULL,
	"horaires" text,
	"presentation_resume" text,
	"presentation_detail" text,
	"source" text,
	"itinerance" text[] DEFAULT '{}'::text[] NOT NULL,
	"structure_parente" text,
	"date_maj" date NOT NULL,
	"services" text[] DEFAULT '{}'::text[] NOT NULL,
	"publics_specifiquement_adresses" text[] DEFAULT '{}'::text[] NOT NULL,
	"prise_en_charge_specifique" text[] DEFAULT '{}'::text[] NOT NULL,
	"frais_a_charge" text[] DEFAULT '{}'::text[] NOT NULL,
	"dispositif_programmes_nationaux" text[] DEFAULT '{}'::text[] NOT NULL,
	"formations_labels" text[] DEFAULT '{}'::text[] NOT NULL,
	"autres_formations_labels" text[] DEFAULT '{}'::text[] NOT NULL,
	"modalites_acces" text[] DEFAULT '{}'::text[] NOT NULL,
	"modalites_accompagnement" text[] DEFAULT '{}'::text[] NOT NULL,
	"fiche_acces_libre" text,
	"prise_rdv" text,
	"location_precision" text DEFAULT 'address' NOT NULL,
	"department_code" text,
	"pos" "cube",
	"open_week" "int4multirange",
	"name_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "area_municipalities" ADD CONSTRAINT "area_municipalities_area_id_areas_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."areas"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "area_municipalities" ADD CONSTRAINT "area_municipalities_insee_code_municipalities_insee_code_fk" FOREIGN KEY ("insee_code") REFERENCES "public"."municipalities"("insee_code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "place_error_reports" ADD CONSTRAINT "place_error_reports_place_id_places_id_fk" FOREIGN KEY ("place_id") REFERENCES "public"."places"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "place_sources" ADD CONSTRAINT "place_sources_place_id_places_id_fk" FOREIGN KEY ("place_id") REFERENCES "public"."places"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "area_municipalities_insee_idx" ON "area_municipalities" USING btree ("insee_code");--> statement-breakpoint
CREATE UNIQUE INDEX "areas_dep_kind_name_idx" ON "areas" USING btree ("department_code","kind","name");--> statement-breakpoint
CREATE INDEX "municipalities_name_key_idx" ON "municipalities" USING btree ("name_key");--> statement-breakpoint
CREATE INDEX "municipalities_postcodes_idx" ON "municipalities" USING gin ("postcodes");--> statement-breakpoint
CREATE INDEX "municipalities_department_idx" ON "municipalities" USING btree ("department_code");--> statement-breakpoint
CREATE INDEX "municipalities_epci_idx" ON "municipalities" USING btree ("epci_code");--> statement-breakpoint
CREATE INDEX "place_error_reports_status_idx" ON "place_error_reports" USING btree ("status","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "place_sources_source_id_idx" ON "place_sources" USING btree ("source","source_id");--> statement-breakpoint
CREATE INDEX "place_sources_place_idx" ON "place_sources" USING btree ("place_id");--> statement-breakpoint
CREATE INDEX "places_department_idx" ON "places" USING btree ("department_code");--> statement-breakpoint
CREATE INDEX "places_insee_idx" ON "places" USING btree ("code_insee");--> statement-breakpoint
CREATE INDEX "places_postcode_idx" ON "places" USING btree ("code_postal");--> statement-breakpoint
CREATE INDEX "places_services_idx" ON "places" USING gin ("services");--> statement-breakpoint
CREATE INDEX "places_publics_idx" ON "places" USING gin ("publics_specifiquement_adresses");--> statement-breakpoint
CREATE INDEX "places_pec_idx" ON "places" USING gin ("prise_en_charge_specifique");--> statement-breakpoint
CREATE INDEX "places_programmes_idx" ON "places" USING gin ("dispositif_programmes_nationaux");--> statement-breakpoint
CREATE INDEX "places_open_week_idx" ON "places" USING gist ("open_week");--> statement-breakpoint
CREATE INDEX "places_pos_idx" ON "places" USING gist ("pos");