import type { RequestHandler } from './$types';
import { openApiDocument } from '#lib/server/places/index.ts';
import { json } from '#lib/server/api/errors.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';

/** GET /api/v1/openapi.json — the API's OpenAPI 3.1 document. Public. */
export const GET: RequestHandler = async () =>
	json(openApiDocument(publicOrigin()), 200, { 'cache-control': 'public, max-age=3600', 'access-control-allow-origin': '*' });
