import { sveltekit } from '@sveltejs/kit/vite';
import adapter from '@sveltejs/adapter-node';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [
		sveltekit({
			// static assets precompressed (gzip, brotli) at build time
			adapter: adapter({ out: 'build', precompress: true }),
			// absolute asset paths: an error page rendered for a deep URL (a 403 under
			// /espace/structure/<id>) linked its stylesheets one level too shallow when relative
			paths: { relative: false },
			// Strict CSP: no inline script. Public pages are server-rendered without
			// JavaScript; SvelteKit hashes what it injects itself.
			csp: {
				mode: 'auto',
				directives: {
					'default-src': ['self'],
					'script-src': ['self'],
					'style-src': ['self'],
					'img-src': ['self', 'data:', 'https:'],
					'connect-src': ['self'],
					'font-src': ['self'],
					'object-src': ['none'],
					'base-uri': ['self'],
					'form-action': ['self'],
					'frame-ancestors': ['none']
				}
			}
		})
	],
	server: { fs: { allow: ['..'] } },
	test: {
		include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
		globalSetup: ['test/global-setup.ts'],
		testTimeout: 60_000,
		hookTimeout: 120_000,
		pool: 'forks',
		// a fixed instance secret: tests never create data/secret.key
		env: { SECRET_KEY: 'test-secret-key-not-for-production-0123456789' }
	}
});
