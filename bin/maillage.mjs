#!/usr/bin/env node
// The `maillage` command. Runs the TypeScript sources through tsx (no build step needed).
import { register } from 'tsx/esm/api';

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
	process.stderr.write(
		`maillage needs Node.js 22 (this is ${process.version}). Use ./run maillage …, or put Node 22 first on PATH (bash scripts/node22.sh prints its folder).\n`
	);
	process.exit(1);
}
register();
const { run } = await import('../src/cli/main.ts');
await run();
