import type { PageServerLoad } from './$types';
import { COOKIES } from '#lib/server/legal/service.ts';

export const load: PageServerLoad = async () => ({ cookies: COOKIES });
