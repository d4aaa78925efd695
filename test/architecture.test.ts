/**
 * The rules that keep the house livable (docs/architecture.md), read from the code's own
 * imports, static and dynamic:
 * 1. no file under src/lib/server over 500 lines (tests aside);
 * 2. no import cycle between modules, `await import()` included (type-only imports are
 *    erased at build and do not count);
 * 3. a capability is entered from outside only through its index.ts: nobody imports
 *    another capability's db.ts or inner files;
 * 4. no cycle between capabilities at run time;
 * 5. a capability's raw SQL names another capability's tables only in the few read-only
 *    statements listed below (READS_ACROSS), each with why one statement is needed there;
 *    anywhere else, it asks the owner (a look-up, or an SQL condition such as accounts'
 *    `placeHasTeam` or beneficiaries' `recordReadable`);
 * 6. routes decide no permission and write no journal entry: no `can()`, no `journal()`,
 *    no comparison of a role; the use case takes the actor and says what it may do (a
 *    route may read `abilities()`, `hasRole()` and the like to choose what to show).
 * A capability's db.ts may name another's tables for its foreign keys (the schema is one
 * graph), and db/schema.ts gathers them all for drizzle-kit; any other read of another
 * capability's tables is a breach of rule 3.
 *
 * Issue 13 paid off every breach (85 table reads, 3 capability cycles): none is allowed.
 * A failure names the files: fix the code, do not widen the rule.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const SERVER = join(root, 'src/lib/server');
const MAX_LINES = 500;
/** Gathers every capability's db.ts (and only those) for drizzle-kit and the typed database handle. */
const SCHEMA = join(SERVER, 'db/schema.ts');

/**
 * Folders of src/lib/server that are plumbing shared by all, not capabilities: any module
 * may import their files directly (the database client and schema, the web edge, logging…).
 */
const INFRASTRUCTURE = new Set(['db', 'web', 'api', 'jobs', 'security', 'ops']);
/** Loose files of src/lib/server: shared by all, and the composition root (app.ts), which enters capabilities through their indexes. */
const SHARED_FILES = new Set(['log.ts', 'paths.ts', 'errors.ts', 'access.ts', 'app.ts', 'personal-data.ts']);

function walk(dir: string, out: string[] = []): string[] {
	for (const name of readdirSync(dir)) {
		const p = join(dir, name);
		if (statSync(p).isDirectory()) walk(p, out);
		else if (/\.(ts|js|mjs|svelte)$/.test(name) && !/\.test\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
	}
	return out;
}

const files = [...walk(join(root, 'src')), ...walk(join(root, 'bin')), ...walk(join(root, 'scripts'))];
const known = new Set(files);

interface Edge {
	to: string;
	/** erased at build: `import type`, or every name imported as `type` */
	typeOnly: boolean;
	dynamic: boolean;
}

const IMPORT =
	/(?:^|\n)\s*(import|export)\s+(type\s+)?([^;'"]*?)\s*from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;

function resolveSpecifier(from: string, spec: string): string | null {
	let target: string;
	if (spec.startsWith('#lib/') || spec.startsWith('$lib/')) target = join(root, 'src/lib', spec.slice(5));
	else if (spec.startsWith('.')) target = resolve(dirname(from), spec);
	else return null;
	for (const candidate of [target, `${target}.ts`, join(target, 'index.ts')]) if (known.has(candidate)) return candidate;
	return null;
}

function edgesOf(file: string): Edge[] {
	const text = readFileSync(file, 'utf8');
	const code = file.endsWith('.svelte') ? [...text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n') : text;
	const out: Edge[] = [];
	for (const m of code.matchAll(IMPORT)) {
		const spec = m[4] ?? m[5] ?? m[6];
		const to = resolveSpecifier(file, spec);
		if (!to) continue;
		const names = m[3] ?? '';
		const allTypes =
			/^\{[^}]*\}$/.test(names.trim()) &&
			names
				.replace(/[{}\s]/g, '')
				.split(',')
				.filter(Boolean)
				.every((n) => n.startsWith('type'));
		out.push({ to, typeOnly: !!m[2] || allTypes, dynamic: !!m[5] });
	}
	return out;
}

const graph = new Map(files.map((f) => [f, edgesOf(f)]));
const rel = (f: string) => relative(root, f).split(sep).join('/');

/** The capability a file of src/lib/server belongs to (its first folder), or null for shared files. */
function capabilityOf(file: string): string | null {
	if (!file.startsWith(SERVER + sep)) return null;
	const parts = relative(SERVER, file).split(sep);
	if (parts.length === 1) return SHARED_FILES.has(parts[0]) ? null : parts[0].replace(/\.ts$/, '');
	return INFRASTRUCTURE.has(parts[0]) ? null : parts[0];
}

/** Strongly connected components of more than one node (Tarjan), over run-time edges. */
function cycles(nodes: string[], next: (n: string) => string[]): string[][] {
	let index = 0;
	const idx = new Map<string, number>();
	const low = new Map<string, number>();
	const stack: string[] = [];
	const on = new Set<string>();
	const out: string[][] = [];
	const visit = (v: string) => {
		idx.set(v, index);
		low.set(v, index++);
		stack.push(v);
		on.add(v);
		for (const w of next(v)) {
			if (!idx.has(w)) {
				visit(w);
				low.set(v, Math.min(low.get(v)!, low.get(w)!));
			} else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
		}
		if (low.get(v) === idx.get(v)) {
			const scc: string[] = [];
			let w: string;
			do {
				w = stack.pop()!;
				on.delete(w);
				scc.push(w);
			} while (w !== v);
			if (scc.length > 1 || next(v).includes(v)) out.push(scc.sort());
		}
	};
	for (const n of nodes) if (!idx.has(n)) visit(n);
	return out;
}

const runtime = (f: string) => (graph.get(f) ?? []).filter((e) => !e.typeOnly).map((e) => e.to);

describe('architecture', () => {
	it(`no file under src/lib/server is over ${MAX_LINES} lines (tests aside)`, () => {
		const long = files
			.filter((f) => f.startsWith(SERVER + sep))
			.map((f) => ({ file: rel(f), lines: readFileSync(f, 'utf8').split('\n').length - 1 }))
			.filter((x) => x.lines > MAX_LINES)
			.sort((a, b) => b.lines - a.lines);
		expect(long).toEqual([]);
	});

	it('has no import cycle between modules, dynamic imports included', () => {
		expect(cycles(files, runtime).map((c) => c.map(rel))).toEqual([]);
	});

	it('enters a capability from outside only through its index.ts', () => {
		const breaches: string[] = [];
		for (const [from, edges] of graph) {
			const fromCap = capabilityOf(from);
			for (const e of edges) {
				const toCap = capabilityOf(e.to);
				if (!toCap || toCap === fromCap) continue;
				const inner = relative(join(SERVER, toCap), e.to);
				// a foreign key: one db.ts naming another's table
				if (inner === 'db.ts' && fromCap && relative(join(SERVER, fromCap), from) === 'db.ts') continue;
				// the schema's composition for drizzle-kit and the typed handle: every db.ts, nothing else
				if (inner === 'db.ts' && from === SCHEMA) continue;
				if (inner !== 'index.ts') breaches.push(`${rel(from)} → ${rel(e.to)}`);
			}
		}
		const found = [...new Set(breaches)].sort();
		expect(found, 'imports of another capability’s db.ts or inner files').toEqual([]);
	});

	it('has no cycle between capabilities at run time', () => {
		const caps = [...new Set(files.map(capabilityOf).filter((c): c is string => !!c))];
		const next = (cap: string) => [
			...new Set(
				files
					.filter((f) => capabilityOf(f) === cap)
					.flatMap(runtime)
					.map(capabilityOf)
					.filter((c): c is string => !!c && c !== cap)
			)
		];
		const found = cycles(caps, next).map((c) => c.join(' ↔ '));
		expect(found, 'cycles between capabilities').toEqual([]);
	});

	it('leaves permissions and the journal to the use cases: no can(), journal() or role test in a route', () => {
		const found: string[] = [];
		// the server side of routes (a component's own `can('accept')` reads what the server said)
		for (const f of files.filter((f) => f.startsWith(join(root, 'src/routes')) && f.endsWith('.ts'))) {
			const text = readFileSync(f, 'utf8');
			for (const [re, what] of [
				[/\bcan\(/, 'can()'],
				[/\bjournal\(/, 'journal()'],
				[/\.role\s*[!=]==?\s*['"]/, 'a role compared']
			] as const)
				if (re.test(text)) found.push(`${rel(f)}: ${what}`);
		}
		expect(found).toEqual([]);
	});

	it('names another capability’s tables in raw SQL only where one statement is needed (READS_ACROSS)', () => {
		const owner = new Map<string, string>();
		for (const f of files.filter((f) => f.endsWith(`${sep}db.ts`) && capabilityOf(f)))
			for (const m of readFileSync(f, 'utf8').matchAll(/pgTable\(\s*'([a-z_]+)'/g)) owner.set(m[1], capabilityOf(f)!);
		const found: string[] = [];
		for (const f of files.filter((f) => f.startsWith(SERVER) && !f.endsWith(`${sep}db.ts`))) {
			const cap = capabilityOf(f);
			if (!cap) continue;
			const tables = new Set<string>();
			for (const literal of readFileSync(f, 'utf8').matchAll(/`([^`]*)`/g))
				for (const m of literal[1].matchAll(/\b(?:from|join)\s+([a-z_]+)\b/g)) if (owner.has(m[1]) && owner.get(m[1]) !== cap) tables.add(m[1]);
			if (tables.size) found.push(`${rel(f)}: ${[...tables].sort().join(', ')}`);
		}
		expect(found.sort()).toEqual(Object.keys(READS_ACROSS).sort());
	});
});

/**
 * The read-only statements that join other capabilities' tables, and why each is one
 * statement (docs/architecture.md). A new one is a design decision: say why here.
 */
const READS_ACROSS: Record<string, string> = {
	'src/lib/server/demo/activity.ts: municipalities, organisation_places, places':
		'the demo’s twelve months of activity (issue 16): the communes by population and the places without a team, read once at the first start to spread fictitious activity over them',
	'src/lib/server/steering/facts.ts: accompaniments, assessments, beneficiaries, pass_campaign_funders, pass_contributions, pass_vouchers, places, referral_events, referrals':
		'the steering figures’ refresh (decision 0018): each kind of fact is one INSERT … SELECT counting the sources of a month with the commune they count in (the person’s, the place’s), in SQL, never row by row',
	'src/lib/server/steering/training-facts.ts: organisation_places, places, training_attendance, training_registrations, training_relays, training_satisfaction, training_sessions, training_slots, trainings':
		'the trainings’ facts in the steering refresh (issue 17, decision 0018): one INSERT … SELECT per kind of fact, counting the month’s attendance and answers with the commune of the trainee’s structure, in SQL',
	'src/lib/server/network/dashboard.ts: accompaniments, area_municipalities, areas, invitations, memberships, organisation_places, organisations, place_claims, place_error_reports, places, referrals':
		'the coordinator’s home: counts over the whole network, one aggregate per figure',
	'src/lib/server/pass/dashboards.ts: area_municipalities, areas, beneficiaries, places':
		'vouchers by area: each voucher’s commune (the redeeming place’s, else the person’s) against the territory’s areas, counted in SQL',
	'src/lib/server/pass/qualification.ts: organisation_places, organisations, places':
		'the places where the actor may redeem, with their qualification: one prepared statement on the redemption page',
	'src/lib/server/pass/redemption.ts: accompaniments, places':
		'the redemption’s locking statement: the accompaniment’s seats and the vouchers on it, locked in one order (benchmarked)',
	'src/lib/server/pass/verify.ts: accompaniments, audit_log':
		'the ledger’s verification against its sources: the seats of each accompaniment and the journal, over whole tables'
};
