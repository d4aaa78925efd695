import type { RequestHandler } from './$types';
import { downloadAnswer } from '../answer.ts';

/**
 * GET /api/v1/telechargements/lieux-mediation-numerique.json — every published open-data place
 * of the territory as the API gives them, one streamed JSON file with its licence, the count
 * of places left out and the total. Public.
 */
export const GET: RequestHandler = ({ request }) => downloadAnswer('json', request);
