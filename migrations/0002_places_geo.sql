-- Nearest-first search: a GiST index on the place's position on the earth (cube),
-- used by ORDER BY ll_to_earth(...) <-> ll_to_earth(...) (KNN) and earth_box filters.
CREATE INDEX IF NOT EXISTS places_earth_idx ON places USING gist (ll_to_earth(latitude, longitude)) WHERE latitude IS NOT NULL AND longitude IS NOT NULL;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS places_name_trgm_idx ON places USING gin (name_key gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS places_name_key_id_idx ON places (name_key, id);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS municipalities_name_trgm_idx ON municipalities USING gin (name_key gin_trgm_ops);
