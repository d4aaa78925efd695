import type { PageServerLoad } from './$types';
import { legalInfo } from '#lib/server/legal/index.ts';

export const load: PageServerLoad = async () => ({ legal: await legalInfo() });
