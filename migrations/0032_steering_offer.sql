-- Issue 16, the steering space's offer (docs/decisions/0017-steering-offer.md): the places
-- accepting the Pass Numérique (maillage_pass_places(), read by the offer's figures and the
-- search's Pass filter) were found by reading every place: its `pass_numerique` branch
-- scanned the whole table (about 100 ms at 100,000 places), its SIRET branch hash-joined
-- every place. A partial index answers the first, an index on the SIRET (`pivot`) the second.
CREATE INDEX IF NOT EXISTS places_pass_numerique_idx ON places (id) WHERE pass_numerique;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS places_pivot_idx ON places (pivot);
