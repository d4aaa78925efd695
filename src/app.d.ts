// See https://svelte.dev/docs/kit/types#app.d.ts
import type { LoadedSession } from '#lib/server/accounts/index.ts';
import type { PersonSession } from '#lib/server/beneficiaries/index.ts';

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
			/** the person helped, in their own session (Mon espace), if any (hooks.server.ts) */
			person: PersonSession | null;
			/** the raw cookie token of that session, to end it */
			personToken: string | null;
			/** the client's address, for throttling and the journal */
			ip: string | null;
		}
	}
}

export {};
