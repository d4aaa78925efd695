/**
 * Address search adapter. One real implementation: the national address API
 * (api-adresse.data.gouv.fr, BAN), `GET {base}/search/?q=…&limit=5`, answering a GeoJSON
 * FeatureCollection. Disabled unless ADDRESS_API_URL is set (the machines are offline).
 * Failures never reach the page: `searchAddress` turns them into { status: 'unavailable' }.
 */
import { z } from 'zod';
import type { WherePoint } from '../places/index.ts';

export interface AddressSearchOptions {
	/** 1–20, default 5 */
	limit?: number;
	/** restrict to a postcode or an INSEE code */
	postcode?: string;
	citycode?: string;
	/** favour results near a point */
	lat?: number;
	lon?: number;
	/** only this kind of result */
	type?: 'housenumber' | 'street' | 'locality' | 'municipality';
	signal?: AbortSignal;
}

export interface AddressApi {
	search(q: string, opts?: AddressSearchOptions): Promise<WherePoint[]>;
}

/** What the real adapter returns: a WherePoint with the service's own fields. */
export interface AddressPoint extends WherePoint {
	/** 0–1, the service's confidence */
	score: number;
	/** the service's type: housenumber, street, locality, municipality */
	type: string;
	postcode: string | null;
	city: string | null;
}

export type AddressApiFailure = 'timeout' | 'network' | 'http' | 'invalid_response' | 'circuit_open';

export class AddressApiUnavailableError extends Error {
	constructor(
		readonly reason: AddressApiFailure,
		message: string,
		readonly status?: number
	) {
		super(message);
		this.name = 'AddressApiUnavailableError';
	}
}

export type AddressSearchResult = { status: 'ok'; points: WherePoint[] } | { status: 'unavailable'; reason: AddressApiFailure | 'error'; message: string };

/** Calls the adapter and never throws. */
export async function searchAddress(api: AddressApi, q: string, opts?: AddressSearchOptions): Promise<AddressSearchResult> {
	try {
		return { status: 'ok', points: await api.search(q, opts) };
	} catch (err) {
		if (err instanceof AddressApiUnavailableError) return { status: 'unavailable', reason: err.reason, message: err.message };
		return { status: 'unavailable', reason: 'error', message: (err as Error)?.message ?? String(err) };
	}
}

const featureSchema = z.object({
	geometry: z.object({ coordinates: z.tuple([z.number(), z.number()]).rest(z.number()) }),
	properties: z.looseObject({
		label: z.string(),
		type: z.string().default('unknown'),
		score: z.number().default(0),
		citycode: z.string().optional(),
		postcode: z.string().optional(),
		city: z.string().optional()
	})
});
const collectionSchema = z.object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) });

export interface NationalAddressApiOptions {
	/** e.g. https://api-adresse.data.gouv.fr (the adapter appends /search/) */
	baseUrl: string;
	/** per request, body included; default 1500 ms */
	timeoutMs?: number;
	/** after a timeout, a network error or a 5xx, answer "unavailable" at once for this long; default 30 s */
	cooldownMs?: number;
	fetch?: typeof globalThis.fetch;
}

/** The national address API (or anything answering the same /search/ GeoJSON, e.g. a local addok). */
export function createNationalAddressApi(options: NationalAddressApiOptions): AddressApi & { readonly baseUrl: string } {
	const base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
	const timeoutMs = options.timeoutMs ?? 1500;
	const cooldownMs = options.cooldownMs ?? 30_000;
	const doFetch = options.fetch ?? globalThis.fetch;
	let openUntil = 0;

	const fail = (reason: AddressApiFailure, message: string, status?: number): never => {
		if (reason !== 'invalid_response') openUntil = Date.now() + cooldownMs;
		throw new AddressApiUnavailableError(reason, message, status);
	};

	return {
		baseUrl: base,
		async search(q, opts = {}) {
			const text = q.trim().slice(0, 200);
			// the API answers 400 below 3 characters or when the text does not start with a letter or digit
			if (text.length < 3 || !/^[\p{L}\p{N}]/u.test(text)) return [];
			if (Date.now() < openUntil) throw new AddressApiUnavailableError('circuit_open', 'Service d\u2019adresses indisponible (nouvel essai plus tard).');
			const url = new URL('search/', base);
			url.searchParams.set('q', text);
			url.searchParams.set('limit', String(Math.min(20, Math.max(1, opts.limit ?? 5))));
			if (opts.postcode) url.searchParams.set('postcode', opts.postcode);
			if (opts.citycode) url.searchParams.set('citycode', opts.citycode);
			if (opts.type) url.searchParams.set('type', opts.type);
			if (opts.lat != null && opts.lon != null) {
				url.searchParams.set('lat', String(opts.lat));
				url.searchParams.set('lon', String(opts.lon));
			}
			const timeout = AbortSignal.timeout(timeoutMs);
			const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
			let body: unknown;
			try {
				const res = await doFetch(url, { signal, headers: { accept: 'application/json' } });
				if (res.status === 400) {
					await res.body?.cancel();
					return [];
				}
				if (!res.ok) {
					await res.body?.cancel();
					return fail('http', `Service d\u2019adresses en erreur (HTTP ${res.status}).`, res.status);
				}
				body = await res.json();
			} catch (err) {
				if (err instanceof AddressApiUnavailableError) throw err;
				if (timeout.aborted) return fail('timeout', `Service d\u2019adresses trop lent (plus de ${timeoutMs} ms).`);
				if (opts.signal?.aborted) throw err;
				if (err instanceof SyntaxError) return fail('invalid_response', 'Réponse illisible du service d\u2019adresses.');
				return fail('network', `Service d\u2019adresses injoignable (${(err as Error).message}).`);
			}
			const collection = collectionSchema.safeParse(body);
			if (!collection.success) return fail('invalid_response', 'Réponse inattendue du service d\u2019adresses.');
			openUntil = 0;
			const points: AddressPoint[] = [];
			for (const raw of collection.data.features) {
				const f = featureSchema.safeParse(raw);
				if (!f.success) continue;
				const [longitude, latitude] = f.data.geometry.coordinates;
				if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) continue;
				const p = f.data.properties;
				points.push({
					label: p.label,
					latitude,
					longitude,
					kind: p.type === 'municipality' ? 'municipality' : 'address',
					...(p.citycode ? { inseeCode: p.citycode } : {}),
					score: p.score,
					type: p.type,
					postcode: p.postcode ?? null,
					city: p.city ?? null
				});
			}
			return points;
		}
	};
}

/** The adapter configured by ADDRESS_API_URL (and ADDRESS_API_TIMEOUT_MS), or undefined: disabled. */
export function addressApiFromEnv(env: Record<string, string | undefined> = process.env): AddressApi | undefined {
	const baseUrl = env.ADDRESS_API_URL?.trim();
	if (!baseUrl) return undefined;
	const timeoutMs = Number(env.ADDRESS_API_TIMEOUT_MS);
	return createNationalAddressApi({ baseUrl, timeoutMs: Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : undefined });
}
