import type { RequestHandler } from './$types';
import { openApiDocument } from '#lib/server/places/openapi.ts';
import { json } from '#lib/server/api/errors.ts';

/** GET /api/v1/openapi.json — the API's OpenAPI 3.1 document. Public. */
export const GET: RequestHandler = async ({ url }) =>
	json(openApiDocument(url.origin), 200, { 'cache-control': 'public, max-age=3600', 'access-control-allow-origin': '*' });
