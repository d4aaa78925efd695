// See https://svelte.dev/docs/kit/types#app.d.ts
import type { LoadedSession } from '#lib/server/accounts/index.ts';

declare global {
	namespace App {
		interface Error {
			message: string;
		}
		interface Locals {
			/** the logged-in professional, if any (hooks.server.ts) */
			session: LoadedSession | null;
			/** the raw cookie token, to replace or end the session */
			sessionToken: string | null;
			/** the client's address, for throttling and the journal */
			ip: string | null;
		}
	}
}

export {};
