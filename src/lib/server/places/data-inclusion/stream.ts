/**
 * Every place as data·inclusion records, streamed page by page (GET /api/v1/data-inclusion…,
 * `maillage export places --format data-inclusion`): the structures, the services, or both
 * in one object that the import reads back as it is.
 */
import type { Database } from '../../db/client.ts';
import { allPlaces } from '../place.ts';
import { DATA_INCLUSION_SCHEMA, DEFAULT_PRODUCER } from './mapping.ts';
import { placeToServices, placeToStructure, type ExportContext } from './export.ts';

export type DataInclusionPart = 'structures' | 'services' | 'both';

const PRODUCER_RE = /^[a-z0-9][a-z0-9-]{1,62}$/;

/**
 * Our producer's identifier in data·inclusion (`source`, the prefix of every id):
 * DATA_INCLUSION_SOURCE (lower case letters, digits, hyphens) when set, else "maillage".
 */
export function producerName(env: Record<string, string | undefined> = process.env): string {
	const v = env.DATA_INCLUSION_SOURCE?.trim();
	if (!v) return DEFAULT_PRODUCER;
	if (!PRODUCER_RE.test(v)) throw new Error(`DATA_INCLUSION_SOURCE must be lower case letters, digits and hyphens (e.g. "maillage-47"): ${JSON.stringify(v)}`);
	return v;
}

/** Where the schema of a part is published (the `describedby` link of the answers). */
export function schemaUrl(part: 'structure' | 'service'): string {
	return `https://raw.githubusercontent.com/${DATA_INCLUSION_SCHEMA.repository}/v${DATA_INCLUSION_SCHEMA.version}/schemas/v1/${part}.json`;
}

export interface StreamOptions extends ExportContext {
	departements?: string[];
}

/** The JSON text, in pieces: `[…]` of structures or of services, or `{"structures":[…],"services":[…]}`. */
export async function* dataInclusionChunks(database: Database, part: DataInclusionPart, opts: StreamOptions): AsyncGenerator<string> {
	const ctx: ExportContext = { producer: opts.producer, origin: opts.origin };
	async function* array(kind: 'structures' | 'services'): AsyncGenerator<string> {
		yield '[';
		let first = true;
		for await (const batch of allPlaces(database, { departements: opts.departements, openOnly: true })) {
			const items = kind === 'structures' ? batch.map((p) => placeToStructure(p, ctx)) : batch.flatMap((p) => placeToServices(p, ctx));
			if (!items.length) continue;
			yield (first ? '' : ',') + items.map((x) => JSON.stringify(x)).join(',');
			first = false;
		}
		yield ']';
	}
	if (part !== 'both') {
		yield* array(part);
		return;
	}
	yield '{"structures":';
	yield* array('structures');
	yield ',"services":';
	yield* array('services');
	yield '}';
}

/** The same as a byte stream for a Response (stops reading the database when the client goes). */
export function dataInclusionStream(database: Database, part: DataInclusionPart, opts: StreamOptions): ReadableStream<Uint8Array> {
	const it = dataInclusionChunks(database, part, opts);
	const encoder = new TextEncoder();
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			const { value, done } = await it.next();
			if (done) controller.close();
			else controller.enqueue(encoder.encode(value));
		},
		async cancel() {
			await it.return(undefined);
		}
	});
}
