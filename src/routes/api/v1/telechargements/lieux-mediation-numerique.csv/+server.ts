import type { RequestHandler } from './$types';
import { downloadAnswer } from '../answer.ts';

/**
 * GET /api/v1/telechargements/lieux-mediation-numerique.csv — every published open-data place
 * of the territory in the national standard's CSV, one streamed file named after the data's
 * last change (« 20261207-lieux-mediation-numerique-lot-et-garonne.csv »). Public.
 */
export const GET: RequestHandler = ({ request }) => downloadAnswer('csv', request);
