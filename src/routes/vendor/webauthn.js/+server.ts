import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RequestHandler } from './$types';

/**
 * @simplewebauthn/browser's bundle (the global SimpleWebAuthnBrowser), served from our own
 * origin (CSP 'self'), read from the installed package. Only Mon espace's sign-in and
 * security pages load it, for passkeys (static/mon-espace-cle.js).
 */
let body: Uint8Array | undefined;

export const GET: RequestHandler = async () => {
	if (!body) {
		// the package exports no package.json: its CommonJS entry is script/index.js, the bundle beside it in dist/
		const dir = join(dirname(createRequire(import.meta.url).resolve('@simplewebauthn/browser')), '..');
		body = new Uint8Array(await readFile(join(dir, 'dist', 'bundle', 'index.umd.min.js')));
	}
	return new Response(body as BodyInit, {
		headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=604800', 'x-content-type-options': 'nosniff' }
	});
};
