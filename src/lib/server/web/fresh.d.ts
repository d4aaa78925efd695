// `fresh` (jshttp, the check express and send use) ships no types.
declare module 'fresh' {
	/** True when the response described by `resHeaders` is still fresh for a request with these conditional headers. */
	export default function fresh(reqHeaders: Record<string, string | undefined>, resHeaders: Record<string, string | undefined>): boolean;
}
