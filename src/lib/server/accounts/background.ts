/**
 * Work done after the answer, off the request: used where the work itself would tell
 * something by its duration (whether an address or a phone number is known). The request
 * does the same work either way, then hands the rest over here; what happens next (a
 * lookup, a code, a message) no longer shows in the response time.
 *
 * The work runs in this process, on the next turn of the event loop; a crash loses it
 * (the person or the professional simply asks again). Errors are logged without details.
 */
import { log } from '../log.ts';

const pending = new Set<Promise<void>>();

/** Runs `task` after the current request has answered. */
export function afterResponse(name: string, task: () => Promise<void>): void {
	const p = new Promise<void>((resolve) => setImmediate(resolve))
		.then(task)
		.catch((e: unknown) => log('error', 'background task failed', { task: name, error: e instanceof Error ? e.name : 'unknown' }))
		.finally(() => pending.delete(p));
	pending.add(p);
}

/** Waits for every background task started so far (tests, graceful shutdown). */
export async function backgroundSettled(): Promise<void> {
	while (pending.size) await Promise.all([...pending]);
}

/** How many background tasks are under way (tests). */
export function backgroundPending(): number {
	return pending.size;
}
