-- code_insee and code_postal are never searched on: their indexes only cost every import
DROP INDEX "places_insee_idx";--> statement-breakpoint
DROP INDEX "places_postcode_idx";