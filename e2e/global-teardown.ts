import { rmSync } from 'node:fs';

/** Removes the throw-away DATA_DIR created by playwright.config.ts. */
export default function globalTeardown() {
	const dir = process.env.E2E_DATA_DIR;
	if (dir && process.env.E2E_DATA_DIR_OWNED === '1' && /maillage-e2e-/.test(dir)) {
		rmSync(dir, { recursive: true, force: true });
	}
}
