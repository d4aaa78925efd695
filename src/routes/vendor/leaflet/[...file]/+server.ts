import { error } from '@sveltejs/kit';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RequestHandler } from './$types';

/**
 * Leaflet's browser files, served from our own origin (no CDN, CSP 'self'), read from the
 * installed package. Only the map view loads them.
 */
const FILES: Record<string, string> = {
	'leaflet.js': 'text/javascript; charset=utf-8',
	'leaflet.css': 'text/css; charset=utf-8',
	'images/marker-icon.png': 'image/png',
	'images/marker-icon-2x.png': 'image/png',
	'images/marker-shadow.png': 'image/png',
	'images/layers.png': 'image/png',
	'images/layers-2x.png': 'image/png'
};

let dist: string | undefined;
const cache = new Map<string, Uint8Array>();

export const GET: RequestHandler = async ({ params }) => {
	const type = FILES[params.file];
	if (!type) error(404, 'Fichier introuvable.');
	let body = cache.get(params.file);
	if (!body) {
		dist ??= join(dirname(createRequire(import.meta.url).resolve('leaflet/package.json')), 'dist');
		body = new Uint8Array(await readFile(join(dist, params.file)));
		cache.set(params.file, body);
	}
	return new Response(body as BodyInit, {
		headers: {
			'content-type': type,
			'cache-control': 'public, max-age=604800',
			'x-content-type-options': 'nosniff'
		}
	});
};
