-- Ordered "(name_key, id)" for the keyset pagination of lists sorted by name.
CREATE INDEX IF NOT EXISTS places_name_key_id_idx ON places (name_key, id);
