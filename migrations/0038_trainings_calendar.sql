-- Issue 17, calendars: an e-mail may carry a calendar invitation (text/calendar, RFC 5545),
-- sent as its iCalendar part with its METHOD (REQUEST or CANCEL).
ALTER TABLE "outbox" ADD COLUMN "ics" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "ics_method" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_ics_method" CHECK ("outbox"."ics_method" IS NULL OR "outbox"."ics_method" IN ('REQUEST', 'CANCEL'));
