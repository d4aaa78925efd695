/**
 * What the person's vault pages share: who is acting (the person, from their own session:
 * the route rule `person` lets no one else in), the private headers, and a file's answer.
 */
import { Readable } from 'node:stream';
import type { RequestEvent } from '@sveltejs/kit';
import { error, redirect } from '@sveltejs/kit';
import type { VaultActor } from '#lib/server/vault/index.ts';

export const PRIVATE_HEADERS = { 'cache-control': 'private, no-store', 'referrer-policy': 'same-origin', 'x-robots-tag': 'noindex' };

export function personActor(event: Pick<RequestEvent, 'locals' | 'url'>): Extract<VaultActor, { kind: 'person' }> {
	const p = event.locals.person;
	if (!p) error(401, 'Reconnectez-vous pour voir vos documents.');
	// a link (a message, the printed sheet) opens Mon espace for 90 days; the vault asks for more:
	// a code received now, a passkey or a code of the recovery sheet
	if (p.via === 'link') redirect(303, `/mon-espace/connexion?coffre=1&retour=${encodeURIComponent(event.url.pathname)}`);
	return { kind: 'person', beneficiaryIds: p.beneficiaryIds, ip: event.locals.ip };
}

/** A stream as the answer: never cached, never sniffed, shown in the page or saved under a neutral name. */
export function fileResponse(stream: Readable, p: { mime: string; bytes: number | null; download: boolean; name: string }): Response {
	const headers: Record<string, string> = {
		...PRIVATE_HEADERS,
		'content-type': p.mime,
		'x-content-type-options': 'nosniff',
		'content-security-policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
		'content-disposition': `${p.download ? 'attachment' : 'inline'}; filename="${p.name}"`
	};
	if (p.bytes !== null) headers['content-length'] = String(p.bytes);
	return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, { headers });
}
