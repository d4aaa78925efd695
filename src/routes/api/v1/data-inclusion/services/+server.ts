import type { RequestHandler } from './$types';
import { dataInclusionResponse } from '../respond.ts';

/** GET /api/v1/data-inclusion/services — the places' services of digital help as data·inclusion v1 services (JSON array, streamed). Public. */
export const GET: RequestHandler = ({ url, request }) => dataInclusionResponse('services', url, request);
