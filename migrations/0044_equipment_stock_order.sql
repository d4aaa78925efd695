-- Issue 18, the stock page at 100,000 devices: a refurbisher's devices are listed newest change
-- first, all of them or one status. With only (refurbisher, status, type) indexed, each page
-- sorted the structure's whole stock (40,000 devices in the bench: 70 ms); these indexes give
-- the first page in index order.
CREATE INDEX "equipment_devices_stock_recent_idx" ON "equipment_devices" USING btree ("refurbisher_organisation_id","status_changed_at" DESC,"id");--> statement-breakpoint
CREATE INDEX "equipment_devices_stock_status_recent_idx" ON "equipment_devices" USING btree ("refurbisher_organisation_id","status","status_changed_at" DESC,"id");
