import type { RequestHandler } from './$types';
import { dataInclusionResponse } from './respond.ts';

/** GET /api/v1/data-inclusion — every place as data·inclusion v1 {"structures": [...], "services": [...]} in one file, streamed. Public. */
export const GET: RequestHandler = ({ url, request }) => dataInclusionResponse('both', url, request);
