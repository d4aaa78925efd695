// The project's test command (npm test / ./run test): runs the suites and ends with the
// plain line "N passed, N failed" that CI reads.
//   node scripts/test.mjs                 all suites available here
//   node scripts/test.mjs --suite pglite   unit + integration tests on the embedded PGlite
//   node scripts/test.mjs --suite postgres integration tests on PostgreSQL (DATABASE_URL,
//                                          default postgres://postgres@127.0.0.1:5432/postgres)
//   node scripts/test.mjs --suite security the attacks of issue 11 and their regression tests
//                                          (test/security/), on PGlite, then on PostgreSQL when
//                                          DATABASE_URL is set (concurrency, row-level security)
//   node scripts/test.mjs --suite browser  Playwright + axe in Chromium
//   node scripts/test.mjs --suite types    svelte-check (TypeScript strict), the French typography of the source (scripts/typography.mjs),
//                                          Prettier and ESLint: one test each
// Extra arguments after -- go to the test runner (e.g. a file filter).
//
// Speed (docs/benchmarks.md, CI time): vitest runs TEST_WORKERS test files at once (default:
// the machine's cores; vitest's own default, cores − 1, ran one file at a time on two cores).
// Each test file has its own database, so files do not share state. The suites run one
// after the other: two suites side by side on two cores were slower (each file's PGlite is
// CPU-bound), and the browser suite's timeouts are those of a person waiting.
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { existsSync, readFileSync, readdirSync, rmSync, mkdtempSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const suites = [];
const passthrough = [];
for (let i = 0; i < args.length; i++) {
	if (args[i] === '--suite') suites.push(...args[++i].split(','));
	else if (args[i] !== '--') passthrough.push(args[i]);
}
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!suites.length) {
	suites.push('types', 'pglite');
	if (process.env.DATABASE_URL) suites.push('postgres');
	suites.push('security');
	if (existsSync(chromium)) suites.push('browser');
	else console.log(`(browser suite skipped: no Chromium at ${chromium})`);
}

const results = mkdtempSync(join(tmpdir(), 'maillage-results-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
const bin = (name) => join(root, 'node_modules', '.bin', name);

function files(dir, pred, acc = []) {
	for (const e of readdirSync(dir, { withFileTypes: true })) {
		const p = join(dir, e.name);
		if (e.isDirectory()) files(p, pred, acc);
		else if (pred(p)) acc.push(p);
	}
	return acc;
}

const workers = Number(process.env.TEST_WORKERS) || availableParallelism();

/** Runs a command, its output to the terminal. */
function run(cmd, argv, opts) {
	return spawnSync(cmd, argv, { ...opts, stdio: 'inherit' });
}

/** Runs commands side by side (each single-threaded: on two cores, two at a time finish in about half the time); their exit codes. */
function runTogether(commands, opts) {
	return Promise.all(
		commands.map(
			([cmd, argv]) =>
				new Promise((done) => {
					const child = spawn(cmd, argv, { ...opts, stdio: 'inherit' });
					child.on('error', () => done(1));
					child.on('close', (code) => done(code ?? 1));
				})
		)
	);
}

function vitest(name, env, filter) {
	const json = join(results, `${name}.json`);
	const r = run(
		bin('vitest'),
		['run', `--maxWorkers=${workers}`, '--reporter=default', '--reporter=json', `--outputFile.json=${json}`, ...filter, ...passthrough],
		{ cwd: root, env: { ...process.env, ...env } }
	);
	let passed = 0,
		failed = 0,
		skipped = 0;
	if (existsSync(json)) {
		const j = JSON.parse(readFileSync(json, 'utf8'));
		passed = j.numPassedTests;
		// failed tests, plus test files that failed before running any test (e.g. an import error)
		failed = j.numFailedTests + (j.testResults ?? []).filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).length).length;
		skipped = j.numPendingTests + j.numTodoTests;
		if (!j.success && failed === 0) failed = 1;
	} else if (r.status !== 0) failed = 1;
	return { passed, failed, skipped };
}

function playwright() {
	const json = join(results, 'browser.json');
	const r = run(bin('playwright'), ['test', '--reporter=list,json', ...passthrough], {
		cwd: root,
		env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: json, CHROMIUM_PATH: chromium }
	});
	let passed = 0,
		failed = 0,
		skipped = 0;
	if (existsSync(json)) {
		const s = JSON.parse(readFileSync(json, 'utf8')).stats ?? {};
		passed = (s.expected ?? 0) + (s.flaky ?? 0);
		failed = s.unexpected ?? 0;
		skipped = s.skipped ?? 0;
		if (r.status !== 0 && failed === 0) failed = 1;
	} else if (r.status !== 0) failed = 1;
	return { passed, failed, skipped };
}

// .svelte-kit/tsconfig.json and the generated types must exist before vite/vitest start
spawnSync(bin('svelte-kit'), ['sync'], { cwd: root, stdio: 'inherit' });

/** One suite: its counts and how long it took. */
async function runSuite(suite) {
	let res;
	const started = Date.now();
	if (suite === 'pglite') {
		res = vitest('pglite', { DATABASE_URL: '' }, ['--exclude', 'test/security/**']);
	} else if (suite === 'postgres') {
		// only the test files that use a database (directly, or through the test builders of test/world.ts)
		const dbFiles = files(join(root, 'src'), (p) => p.endsWith('.test.ts'))
			.concat(existsSync(join(root, 'test')) ? files(join(root, 'test'), (p) => p.endsWith('.test.ts')) : [])
			.filter((p) => /create(Empty)?TestDatabase|openDatabase\(|openWorld\(/.test(readFileSync(p, 'utf8')))
			.filter((p) => !relative(root, p).startsWith(join('test', 'security')))
			.map((p) => relative(root, p));
		res = vitest('postgres', { DATABASE_URL: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres' }, dbFiles);
	} else if (suite === 'security') {
		// on PGlite (the embedded default), then on PostgreSQL when there is one
		res = vitest('security-pglite', { DATABASE_URL: '' }, ['test/security']);
		if (process.env.DATABASE_URL) {
			const pgRes = vitest('security-postgres', { DATABASE_URL: process.env.DATABASE_URL }, ['test/security']);
			for (const k of Object.keys(res)) res[k] += pgRes[k];
		}
	} else if (suite === 'browser') {
		res = playwright();
	} else if (suite === 'types') {
		const checks = await runTogether(
			[
				[bin('svelte-check'), ['--tsconfig', './tsconfig.json', '--fail-on-warnings']],
				// French typography of the source's user-facing text (scripts/typography.mjs)
				[process.execPath, [join(root, 'scripts', 'typography.mjs')]],
				// the layout (Prettier) and the lint rules (ESLint: typescript-eslint, eslint-plugin-svelte; eslint.config.js)
				[bin('prettier'), ['--check', '--log-level', 'warn', '.']],
				[bin('eslint'), ['.']]
			],
			{ cwd: root }
		);
		if (checks[2] !== 0) console.error('prettier: run `npm run format` to lay the files out');
		const ok = checks.filter((s) => s === 0).length;
		res = { passed: ok, failed: checks.length - ok, skipped: 0 };
	} else {
		console.error(`unknown suite ${suite}`);
		res = { passed: 0, failed: 1, skipped: 0 };
	}
	return { res, seconds: Math.round((Date.now() - started) / 1000) };
}

for (const suite of suites) {
	console.log(`\n=== ${suite} suite ===`);
	const { res, seconds } = await runSuite(suite);
	console.log(`${suite}: ${res.passed} passed, ${res.failed} failed, ${res.skipped} skipped (${seconds} s)`);
	for (const k of Object.keys(totals)) totals[k] += res[k];
}
rmSync(results, { recursive: true, force: true });
if (totals.skipped) console.log(`(${totals.skipped} skipped: tests for another database than this suite's)`);
// the last line, plain, as CI reads it
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed ? 1 : 0);
