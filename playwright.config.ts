import { defineConfig, devices } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Browser tests against the real server: `node e2e/serve.mjs` (seeds the test accounts'
 * invitations, then `scripts/start.mjs`: builds when needed, migrates and seeds the demo
 * territory) on a free port, with a throw-away DATA_DIR.
 * Chromium is Debian's (/usr/bin/chromium): never `playwright install`.
 *
 * The config is evaluated again in each worker: the port and the folder are chosen once
 * and passed down through the environment.
 */
/** A free TCP port, asked of the system (synchronously: the config is not async). */
const freePort = () =>
	execFileSync(
		process.execPath,
		['-e', "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"],
		{ encoding: 'utf8' }
	).trim();
process.env.E2E_PORT ??= freePort();
process.env.E2E_OIDC_PORT ??= freePort();
if (!process.env.E2E_DATA_DIR) {
	process.env.E2E_DATA_DIR = mkdtempSync(join(tmpdir(), 'maillage-e2e-'));
	process.env.E2E_DATA_DIR_OWNED = '1';
}

const port = Number(process.env.E2E_PORT);
const oidcPort = Number(process.env.E2E_OIDC_PORT);
const baseURL = process.env.E2E_BASE_URL ?? `http://127.0.0.1:${port}`;

export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync'
];

export default defineConfig({
	testDir: 'e2e',
	timeout: 60_000,
	expect: { timeout: 10_000 },
	fullyParallel: false,
	workers: 2,
	retries: 0,
	reporter: [['list']],
	globalTeardown: './e2e/global-teardown.ts',
	use: {
		baseURL,
		locale: 'fr-FR',
		timezoneId: 'Europe/Paris',
		trace: 'retain-on-failure',
		launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS }
	},
	projects: [
		// accepts each persona's invitation, sets up their second factor, keeps their session
		{ name: 'accounts', testMatch: /accounts\.setup\.ts/, use: { ...devices['Desktop Chrome'], channel: undefined } },
		{
			name: 'chromium',
			dependencies: ['accounts'],
			testIgnore: /sessions-end\.spec\.ts/,
			use: { ...devices['Desktop Chrome'], channel: undefined }
		},
		// ends every session of an account: after every other spec, which keep the sessions the setup opened
		{ name: 'last', dependencies: ['chromium'], testMatch: /sessions-end\.spec\.ts/, use: { ...devices['Desktop Chrome'], channel: undefined } }
	],
	webServer: process.env.E2E_BASE_URL
		? undefined
		: [
				{
					// the identity provider standing in for ProConnect
					command: 'node e2e/oidc-provider.mjs',
					url: `http://127.0.0.1:${oidcPort}/.well-known/openid-configuration`,
					timeout: 60_000,
					reuseExistingServer: false,
					stdout: 'ignore',
					stderr: 'pipe',
					env: {
						OIDC_PORT: String(oidcPort),
						OIDC_REDIRECT_URI: `${baseURL}/connexion/proconnect/retour`,
						OIDC_CLIENT_ID: 'maillage-e2e',
						OIDC_CLIENT_SECRET: 'e2e-client-secret'
					}
				},
				{
					command: 'node e2e/serve.mjs',
					url: `${baseURL}/lieux`,
					timeout: 300_000,
					reuseExistingServer: false,
					stdout: 'ignore',
					stderr: 'pipe',
					env: {
						PORT: String(port),
						HOST: '127.0.0.1',
						ORIGIN: baseURL,
						DATA_DIR: process.env.E2E_DATA_DIR!,
						// the embedded database in the throw-away folder, even when the shell has a
						// DATABASE_URL (.ci/run sets one for the PostgreSQL suite): a browser run must
						// never write into, or depend on, a shared database
						DATABASE_URL: process.env.E2E_DATABASE_URL ?? '',
						LOG_REQUESTS: '0',
						// no outside network in tests: the map's tiles must fail, visibly
						MAP_TILES_URL: process.env.E2E_TILES_URL ?? 'https://127.0.0.1:9/{z}/{x}/{y}.png',
						OIDC_ISSUER: `http://127.0.0.1:${oidcPort}`,
						OIDC_CLIENT_ID: 'maillage-e2e',
						OIDC_CLIENT_SECRET: 'e2e-client-secret',
						// oidc.spec.ts checks that a provider's second factor (eidas2) is trusted when so configured
						OIDC_TRUST_MFA: '1'
					}
				}
			]
});
