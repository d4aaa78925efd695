-- Issue 16, item 7: the boundaries the steering maps are drawn from, one TopoJSON topology per
-- département (communes where ../shared/data/geo has them, else the département's outline),
-- built when the territory is loaded (territory/shapes.ts). Reference data: read by anyone.
CREATE TABLE "territory_shapes" (
	"department_code" text PRIMARY KEY NOT NULL,
	"detail" text NOT NULL,
	"topology" jsonb NOT NULL,
	"source" text NOT NULL,
	"built_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
GRANT SELECT ON territory_shapes TO maillage_scoped;
