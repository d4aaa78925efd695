import type { RequestHandler } from './$types';
import { dataInclusionResponse } from '../respond.ts';

/** GET /api/v1/data-inclusion/structures — one data·inclusion v1 structure per place (JSON array, streamed). Public. */
export const GET: RequestHandler = ({ url, request }) => dataInclusionResponse('structures', url, request);
