/**
 * Issue 11, finding 10, found again by the acceptance walk: one anonymous GET whose path is
 * malformed UTF-8 (`/lieux/%C3%28`) stopped the whole server: SvelteKit runs the handle hook
 * for such a path outside its error handling, and the hook threw. Checked against the real
 * server (the in-process tests could not see a dead process): every such path gets a French
 * 400 page, and the server answers the next request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../server.ts';

describe('issue 11, finding 10: a malformed path never stops the server', () => {
	let server: RunningServer;
	const dir = mkdtempSync(join(tmpdir(), 'maillage-survive-'));
	beforeAll(async () => {
		server = await startServer({ DATABASE_URL: '', DATA_DIR: dir, MAILLAGE_DEMO: '0', MAILLAGE_JOBS: '0' });
	}, 300_000);
	afterAll(async () => {
		await server?.stop();
		rmSync(dir, { recursive: true, force: true });
	});

	it('answers 400 in French to every malformed path, and goes on serving', async () => {
		for (const path of ['/lieux/%C3%28', '/lieux/%FF', '/%FF', '/lieux/abc%C3', '/mes-orientations/%C3%28', '/lieux/%00', '/api/v1/places/%FF']) {
			const r = await fetch(server.url + path, { redirect: 'manual' });
			expect(r.status, path).toBe(400);
			const text = await r.text();
			expect(text, path).toMatch(/caractères invisibles ou mal encodés/);
			expect(server.process.exitCode, path).toBeNull();
			expect((await fetch(`${server.url}/lieux`)).status, `after ${path}`).toBe(200);
		}
	});
});
