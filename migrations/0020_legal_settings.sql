-- Issue 12, item 14: the legal pages read the publisher, the publication's director, the
-- host, the data protection officer's contact and the accessibility contact from the
-- instance's settings (set in /admin/instance). All optional: a page says what is missing.
ALTER TABLE "instance_settings" ADD COLUMN "publisher" text;--> statement-breakpoint
ALTER TABLE "instance_settings" ADD COLUMN "publication_director" text;--> statement-breakpoint
ALTER TABLE "instance_settings" ADD COLUMN "host" text;--> statement-breakpoint
ALTER TABLE "instance_settings" ADD COLUMN "dpo_contact" text;--> statement-breakpoint
ALTER TABLE "instance_settings" ADD COLUMN "accessibility_contact" text;
