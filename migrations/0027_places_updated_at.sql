-- Issue 14, item 4: every answer of the places API says when the data last changed
-- (Last-Modified): the latest places.updated_at, read with one probe of this index instead
-- of a scan of every place at each request.
CREATE INDEX places_updated_at_idx ON places (updated_at);
