/**
 * Issue 16's steering pages on the embedded database (PGlite), as a newcomer's demo shows
 * them: the demo territory (Lot-et-Garonne and its neighbours' places, Gironde's areas) and
 * its twelve months of activity (demo/activity.ts), the figures refreshed. For every
 * `/pilotage` page, what the server does for a request — the layout's context, then the
 * page's use case (and its maps) — as a coordinator of Lot-et-Garonne, for the year under
 * way by EPCI and by commune, and as a partner (demand, outcomes, partners): the first call
 * (reported apart: the first page after the start also compiles the code), then
 * BENCH_EMBEDDED_RUNS timed calls (warm: what the process keeps in memory is kept), p50 /
 * p95 / max. Target: every page ≤ 300 ms. Rendering the Svelte page and the
 * session's check are not counted (a few milliseconds, measured by the maps bench).
 *
 * Options (env): BENCH_EMBEDDED_RUNS (20), BENCH_EMBEDDED_DIR (a PGlite folder kept between
 * runs: the demo is seeded once, ≈ 2 minutes, then reused). Runnable alone:
 * `node --import tsx bench/steering-embedded.ts`, or `BENCH_ONLY=steering-embedded npm run bench`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../src/lib/server/db/client.ts';
import { ensureDemo } from '../src/lib/server/demo/index.ts';
import { actorFor, addMember, createOrganisation, organisationByName, type Actor } from '../src/lib/server/accounts/index.ts';
import {
	demandSections,
	fragilitySection,
	offerSection,
	outcomeSections,
	partnerSections,
	refreshSteeringFacts,
	steeringContext,
	steeringMaps,
	steeringOverview
} from '../src/lib/server/steering/index.ts';
import { meetingsOverview, roadmap } from '../src/lib/server/strategy/index.ts';

const RUNS = Number(process.env.BENCH_EMBEDDED_RUNS ?? 20);
const TARGET_MS = 300;
const DEPT = '47';

const q = (xs: number[], p: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 10) / 10;
};

async function member(db: Database, name: string, kind: 'departement' | 'operateur', role: 'coordinator' | 'partner', email: string): Promise<Actor> {
	const existing = await organisationByName(db.db, name, DEPT);
	const orgId = existing?.id ?? (await createOrganisation(db, null, { name, kind, departmentCode: DEPT })).id;
	const [known] = await db.query<{ id: string }>(sql`select id from users where email = ${email}`);
	const userId =
		known?.id ??
		(await addMember(db, null, { email, displayName: 'Banc d’essai', organisationId: orgId, role, password: 'une phrase de passe solide' })).userId;
	return actorFor(db.db, userId, true);
}

type Page = [string, (p: URLSearchParams) => Promise<unknown>];

export async function steeringEmbeddedBench(log: (m: string) => void) {
	const kept = process.env.BENCH_EMBEDDED_DIR;
	const dir = kept ?? mkdtempSync(join(tmpdir(), 'maillage-bench-steering-'));
	const db = await openDatabase({ dataDir: dir });
	const results: Record<string, unknown> = { runs: RUNS, targetMs: TARGET_MS };
	try {
		let t = performance.now();
		await ensureDemo(db);
		results.seedMs = Math.round(performance.now() - t);
		t = performance.now();
		await refreshSteeringFacts(db, { departments: [DEPT] });
		results.refreshMs = Math.round(performance.now() - t);
		log(`[steering-embedded] demo ready in ${results.seedMs} ms, figures refreshed in ${results.refreshMs} ms`);
		const coordinator = await member(db, 'Département de Lot-et-Garonne (banc d’essai)', 'departement', 'coordinator', 'coordination@banc-47.test');
		// a partner: the demo's MSA, whose agents orient (its own figures)
		const msa = await organisationByName(db.db, 'MSA Dordogne Lot-et-Garonne (démonstration)', DEPT);
		const partner = msa
			? await (async () => {
					const email = 'partenaire@banc-47.test';
					const [known] = await db.query<{ id: string }>(sql`select id from users where email = ${email}`);
					const userId =
						known?.id ??
						(await addMember(db, null, { email, displayName: 'Banc d’essai', organisationId: msa.id, role: 'partner', password: 'une phrase de passe solide' }))
							.userId;
					return actorFor(db.db, userId, true);
				})()
			: null;
		const year = String(new Date().getFullYear());
		const cases: Record<string, unknown>[] = [];
		const pagesOf = (actor: Actor): Page[] => {
			// what a request's server does: the layout's context, then the page's load
			const layout = (p: URLSearchParams) => steeringContext(db, actor, p);
			return [
				['/pilotage', async (p) => (await layout(p), steeringOverview(db, actor, p))],
				[
					'/pilotage/offre',
					async (p) => {
						await layout(p);
						const s = await offerSection(db, actor, p);
						return steeringMaps(db, s.context.query, s.offer.blocks);
					}
				],
				[
					'/pilotage/fragilite',
					async (p) => {
						await layout(p);
						const s = await fragilitySection(db, actor, p);
						return steeringMaps(db, s.context.query, s.fragility.blocks);
					}
				],
				['/pilotage/demande', async (p) => (await layout(p), demandSections(db, actor, p))],
				['/pilotage/resultats', async (p) => (await layout(p), outcomeSections(db, actor, p))],
				['/pilotage/partenaires', async (p) => (await layout(p), partnerSections(db, actor, p))],
				['/pilotage/feuille-de-route', async (p) => (await layout(p), roadmap(db, actor, p))],
				['/pilotage/comites', async (p) => (await layout(p), meetingsOverview(db, actor, DEPT))]
			];
		};
		const measure = async (who: string, page: Page, level: string) => {
			const params = new URLSearchParams(`departement=${DEPT}&periode=${year}&niveau=${level}`);
			const t1 = performance.now();
			await page[1](params);
			const first = Math.round((performance.now() - t1) * 10) / 10;
			const ms: number[] = [];
			for (let i = 0; i < RUNS; i++) {
				const t0 = performance.now();
				await page[1](params);
				ms.push(performance.now() - t0);
			}
			const row = { who, page: page[0], niveau: level, first, p50: q(ms, 50), p95: q(ms, 95), max: q(ms, 100), ok: q(ms, 95) <= TARGET_MS };
			cases.push(row);
			log(`[steering-embedded] ${who} ${page[0]} by ${level}: first ${first} ms, then p50 ${row.p50} ms, p95 ${row.p95} ms, max ${row.max} ms`);
		};
		for (const level of ['epci', 'commune']) for (const page of pagesOf(coordinator)) await measure('coordination', page, level);
		if (partner)
			for (const page of pagesOf(partner).filter(([name]) => ['/pilotage/demande', '/pilotage/resultats', '/pilotage/partenaires'].includes(name)))
				await measure('partenaire', page, 'epci');
		results.cases = cases;
		results.worstP95 = Math.max(...cases.map((c) => c.p95 as number));
		results.ok = cases.every((c) => c.ok);
		return results;
	} finally {
		await db.close();
		if (!kept) rmSync(dir, { recursive: true, force: true });
	}
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	steeringEmbeddedBench((m) => process.stderr.write(m + '\n'))
		.then((r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'))
		.catch((e) => {
			console.error(e);
			process.exit(1);
		});
}
