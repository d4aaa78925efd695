import type { PageServerLoad } from './$types';
import { COOKIES } from '#lib/server/legal/index.ts';

export const load: PageServerLoad = async () => ({ cookies: COOKIES });
