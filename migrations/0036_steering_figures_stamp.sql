-- Issue 16, the steering pages' speed (docs/decisions/0018, amendment): when a refresh last
-- wrote figures a page may show (a month already published, or every month in a full
-- refresh). The pages keep the facts they read until it changes: the refresh every ten
-- minutes rewrites the month under way only, which no page shows.
ALTER TABLE "steering_refresh" ADD COLUMN "figures_changed_at" timestamp with time zone DEFAULT now() NOT NULL;
