import type { RequestHandler } from './$types';
import { coopExportAnswer } from '../export-answer.ts';

/** GET: the actor's own accompaniments of the period for La Coop (json; see export-answer.ts). */
export const GET: RequestHandler = ({ locals, url }) => coopExportAnswer('json', locals, url);
