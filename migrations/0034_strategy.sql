-- The territorial strategy (issue 16, item 6): the departmental roadmap as actions (an axis,
-- a pilot partner and co-partners, the areas it covers, a budget and who funds it, the
-- steering indicators it follows with their targets, a due date and a status, dated
-- progress notes) and the steering committees' meetings with their decisions. Coordinators
-- of the département write; its coordinators and partners read (can(), strategy/). Nothing
-- about a person helped: organisations, and the professionals who wrote (users, set null).
CREATE TABLE "strategy_axes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"department_code" text NOT NULL,
	"label" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "strategy_actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"department_code" text NOT NULL,
	"axis_id" uuid,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"pilot_organisation_id" uuid NOT NULL,
	"partner_organisation_ids" uuid[] DEFAULT '{}' NOT NULL,
	"whole_department" boolean DEFAULT false NOT NULL,
	"area_ids" integer[] DEFAULT '{}' NOT NULL,
	"epci_codes" text[] DEFAULT '{}' NOT NULL,
	"commune_codes" text[] DEFAULT '{}' NOT NULL,
	"budget_cents" bigint,
	"due_date" date NOT NULL,
	"status" text DEFAULT 'planned' NOT NULL,
	"created_by" uuid,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "strategy_actions_status" CHECK ("status" IN ('planned', 'in_progress', 'done', 'dropped')),
	CONSTRAINT "strategy_actions_budget" CHECK ("budget_cents" IS NULL OR "budget_cents" >= 0)
);
--> statement-breakpoint
CREATE TABLE "strategy_action_fundings" (
	"action_id" uuid NOT NULL,
	"funder_organisation_id" uuid NOT NULL,
	"amount_cents" bigint NOT NULL,
	CONSTRAINT "strategy_action_fundings_pk" PRIMARY KEY("action_id","funder_organisation_id"),
	CONSTRAINT "strategy_action_fundings_amount" CHECK ("amount_cents" > 0)
);
--> statement-breakpoint
CREATE TABLE "strategy_action_indicators" (
	"action_id" uuid NOT NULL,
	"indicator" text NOT NULL,
	"target" double precision,
	"target_date" date,
	CONSTRAINT "strategy_action_indicators_pk" PRIMARY KEY("action_id","indicator")
);
--> statement-breakpoint
CREATE TABLE "strategy_action_notes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"action_id" uuid NOT NULL,
	"noted_on" date NOT NULL,
	"body" text NOT NULL,
	"author_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "strategy_meetings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"department_code" text NOT NULL,
	"kind" text NOT NULL,
	"held_on" date NOT NULL,
	"start_time" text,
	"mode" text DEFAULT 'in_person' NOT NULL,
	"location" text DEFAULT '' NOT NULL,
	"present_organisation_ids" uuid[] DEFAULT '{}' NOT NULL,
	"agenda" text DEFAULT '' NOT NULL,
	"minutes" text DEFAULT '' NOT NULL,
	"created_by" uuid,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "strategy_meetings_kind" CHECK ("kind" IN ('copil', 'cotech', 'pleniere', 'groupe_travail', 'autre')),
	CONSTRAINT "strategy_meetings_mode" CHECK ("mode" IN ('in_person', 'video', 'hybrid')),
	CONSTRAINT "strategy_meetings_time" CHECK ("start_time" IS NULL OR "start_time" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$')
);
--> statement-breakpoint
CREATE TABLE "strategy_decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"department_code" text NOT NULL,
	"body" text NOT NULL,
	"owner_organisation_id" uuid,
	"due_date" date,
	"action_ids" uuid[] DEFAULT '{}' NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"done_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "strategy_decisions_status" CHECK ("status" IN ('open', 'in_progress', 'done', 'dropped')),
	CONSTRAINT "strategy_decisions_done" CHECK (("status" = 'done') = ("done_on" IS NOT NULL))
);
--> statement-breakpoint
ALTER TABLE "strategy_actions" ADD CONSTRAINT "strategy_actions_axis_id_strategy_axes_id_fk" FOREIGN KEY ("axis_id") REFERENCES "public"."strategy_axes"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy_actions" ADD CONSTRAINT "strategy_actions_pilot_organisation_id_organisations_id_fk" FOREIGN KEY ("pilot_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy_actions" ADD CONSTRAINT "strategy_actions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy_actions" ADD CONSTRAINT "strategy_actions_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy_action_fundings" ADD CONSTRAINT "strategy_action_fundings_action_id_strategy_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."strategy_actions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy_action_fundings" ADD CONSTRAINT "strategy_action_fundings_funder_organisation_id_organisations_id_fk" FOREIGN KEY ("funder_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy_action_indicators" ADD CONSTRAINT "strategy_action_indicators_action_id_strategy_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."strategy_actions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy_action_notes" ADD CONSTRAINT "strategy_action_notes_action_id_strategy_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."strategy_actions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy_action_notes" ADD CONSTRAINT "strategy_action_notes_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy_meetings" ADD CONSTRAINT "strategy_meetings_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy_meetings" ADD CONSTRAINT "strategy_meetings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy_decisions" ADD CONSTRAINT "strategy_decisions_meeting_id_strategy_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."strategy_meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy_decisions" ADD CONSTRAINT "strategy_decisions_owner_organisation_id_organisations_id_fk" FOREIGN KEY ("owner_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "strategy_axes_label_idx" ON "strategy_axes" USING btree ("department_code","label");--> statement-breakpoint
CREATE INDEX "strategy_actions_department_idx" ON "strategy_actions" USING btree ("department_code","due_date");--> statement-breakpoint
CREATE INDEX "strategy_actions_axis_idx" ON "strategy_actions" USING btree ("axis_id");--> statement-breakpoint
CREATE INDEX "strategy_action_notes_action_idx" ON "strategy_action_notes" USING btree ("action_id","noted_on");--> statement-breakpoint
CREATE INDEX "strategy_meetings_department_idx" ON "strategy_meetings" USING btree ("department_code","held_on");--> statement-breakpoint
CREATE INDEX "strategy_decisions_meeting_idx" ON "strategy_decisions" USING btree ("meeting_id");--> statement-breakpoint
CREATE INDEX "strategy_decisions_department_idx" ON "strategy_decisions" USING btree ("department_code","status");--> statement-breakpoint
-- Row-level security (as the Pass tables, 0012; decision 0010): the rows of a département are
-- seen and written by the requests whose départements include it; the actions' fundings,
-- indicators and notes follow their action. The owner keeps every row.
GRANT SELECT, INSERT, UPDATE, DELETE ON strategy_axes, strategy_actions, strategy_action_fundings, strategy_action_indicators, strategy_action_notes, strategy_meetings, strategy_decisions TO maillage_scoped;--> statement-breakpoint
ALTER TABLE strategy_axes ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE strategy_axes FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY strategy_axes_territory ON strategy_axes TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]))
	WITH CHECK ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
ALTER TABLE strategy_actions ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE strategy_actions FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY strategy_actions_territory ON strategy_actions TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]))
	WITH CHECK ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
ALTER TABLE strategy_meetings ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE strategy_meetings FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY strategy_meetings_territory ON strategy_meetings TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]))
	WITH CHECK ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
ALTER TABLE strategy_decisions ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE strategy_decisions FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY strategy_decisions_territory ON strategy_decisions TO maillage_scoped
	USING ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]))
	WITH CHECK ((SELECT maillage_scope_all()) OR department_code = ANY ((SELECT maillage_scope_departments())::text[]));--> statement-breakpoint
ALTER TABLE strategy_action_fundings ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE strategy_action_fundings FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY strategy_action_fundings_territory ON strategy_action_fundings TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM strategy_actions a WHERE a.id = action_id))
	WITH CHECK (EXISTS (SELECT 1 FROM strategy_actions a WHERE a.id = action_id));--> statement-breakpoint
ALTER TABLE strategy_action_indicators ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE strategy_action_indicators FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY strategy_action_indicators_territory ON strategy_action_indicators TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM strategy_actions a WHERE a.id = action_id))
	WITH CHECK (EXISTS (SELECT 1 FROM strategy_actions a WHERE a.id = action_id));--> statement-breakpoint
ALTER TABLE strategy_action_notes ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE strategy_action_notes FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY strategy_action_notes_territory ON strategy_action_notes TO maillage_scoped
	USING (EXISTS (SELECT 1 FROM strategy_actions a WHERE a.id = action_id))
	WITH CHECK (EXISTS (SELECT 1 FROM strategy_actions a WHERE a.id = action_id));--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['strategy_axes', 'strategy_actions', 'strategy_action_fundings', 'strategy_action_indicators', 'strategy_action_notes', 'strategy_meetings', 'strategy_decisions'] LOOP
		EXECUTE format('CREATE POLICY %I ON %I TO %I USING (true) WITH CHECK (true)', t || '_owner', t, current_user);
	END LOOP;
END
$$;
