/**
 * Issue 16's maps benchmark (item 7; target: SVG maps ≤ 100 KB gzip): for the demo's
 * départements with commune boundaries (47, 33, 64) and one without (24, dots), at each
 * level (commune, EPCI, Gironde's pôles territoriaux, département):
 * - the map's geometry built from the stored topology (first time, then from the cache);
 * - the choropleth and the proportional symbol map rendered on the server (mean of 20), and
 *   the SVG's size raw and gzip (the figure's table and text apart).
 *
 * The territory (and its boundaries) is loaded into an embedded database first; the Svelte
 * components are loaded through Vite (as the app renders them). Runnable alone:
 * `node --import tsx bench/maps.ts`, or `BENCH_ONLY=maps npm run bench`.
 */
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { openDatabase } from '../src/lib/server/db/client.ts';
import { departmentShapes, importAreasFromGironde, loadTerritory } from '../src/lib/server/territory/index.ts';
import { departmentMap, forgetMaps, type MapLevel } from '../src/lib/server/maps/index.ts';
import { projectRoot, sharedDataDir } from '../src/lib/server/paths.ts';
import type { MapDatum, MapGeometry } from '../src/lib/components/charts/types.ts';

const TARGET_GZ = 100 * 1024;
const RENDERS = 20;

export interface MapBenchRow {
	departement: string;
	level: string;
	units: number;
	mode: string;
	buildMs: number;
	cachedMs: number;
	choroplethRenderMs: number;
	choroplethBytes: number;
	choroplethGzip: number;
	dotsRenderMs: number;
	dotsGzip: number;
	withinTarget: boolean;
}

/** Figures like a page's: one per unit, a few masked and missing. */
function figures(g: MapGeometry): MapDatum[] {
	return g.units.map((u, i) => ({ code: u.code, value: i % 17 === 3 ? 'masked' : i % 23 === 5 ? null : ((i * 37) % 101) / 3 }));
}

const svgOf = (html: string) => html.slice(html.indexOf('<svg'), html.indexOf('</svg>') + 6);

export async function mapsBench(
	log: (m: string) => void = console.log
): Promise<{ rows: MapBenchRow[]; territoryMs: number; shapesMs: number; storedBytes: Record<string, number> }> {
	const vite = await createServer({ root: projectRoot(), server: { middlewareMode: true, hmr: false }, appType: 'custom', logLevel: 'error' });
	try {
		const { render } = (await vite.ssrLoadModule('svelte/server')) as typeof import('svelte/server');
		const Choropleth = (await vite.ssrLoadModule('/src/lib/components/charts/ChoroplethMap.svelte')).default;
		const DotMap = (await vite.ssrLoadModule('/src/lib/components/charts/DotMap.svelte')).default;
		const db = await openDatabase({ dataDir: 'memory' });
		const t0 = performance.now();
		const loaded = await loadTerritory(db, { sharedDir: sharedDataDir() });
		const territoryMs = Math.round(performance.now() - t0);
		const stored: Record<string, number> = {};
		for (const dep of ['47', '33', '64', '24']) stored[dep] = JSON.stringify((await departmentShapes(db.db, dep))?.topology ?? null).length;
		log(
			`maps: territory loaded in ${territoryMs} ms, of which the boundaries ${loaded.shapes.ms} ms (${loaded.shapes.departments} départements); stored topology JSON: ${Object.entries(
				stored
			)
				.map(([d, n]) => `${d} ${(n / 1024).toFixed(1)} KB`)
				.join(', ')}`
		);
		await importAreasFromGironde(db, sharedDataDir());
		const rows: MapBenchRow[] = [];
		const plan: [string, MapLevel][] = [];
		for (const dep of ['47', '33', '64', '24']) plan.push([dep, { kind: 'commune' }], [dep, { kind: 'epci' }], [dep, { kind: 'departement' }]);
		plan.splice(6, 0, ['33', { kind: 'area', areaKind: 'pole_territorial' }]);
		for (const [dep, level] of plan) {
			forgetMaps(db);
			let t = performance.now();
			const geometry = await departmentMap(db, dep, level);
			const buildMs = performance.now() - t;
			t = performance.now();
			await departmentMap(db, dep, level);
			const cachedMs = performance.now() - t;
			if (!geometry.units.length) continue;
			const data = figures(geometry);
			const props = { geometry, data, title: 'Carte', measure: 'lieux pour 10 000 habitants' };
			let html = '';
			t = performance.now();
			for (let i = 0; i < RENDERS; i++) html = render(Choropleth, { props }).body;
			const choroplethRenderMs = (performance.now() - t) / RENDERS;
			const svg = svgOf(html);
			let dots = '';
			t = performance.now();
			for (let i = 0; i < RENDERS; i++) dots = render(DotMap, { props: { ...props, measure: 'lieux' } }).body;
			const dotsRenderMs = (performance.now() - t) / RENDERS;
			const row: MapBenchRow = {
				departement: dep,
				level: level.kind === 'area' ? level.areaKind : level.kind,
				units: geometry.units.length,
				mode: geometry.mode,
				buildMs: Math.round(buildMs),
				cachedMs: Math.round(cachedMs * 100) / 100,
				choroplethRenderMs: Math.round(choroplethRenderMs * 10) / 10,
				choroplethBytes: Buffer.byteLength(svg),
				choroplethGzip: gzipSync(svg).length,
				dotsRenderMs: Math.round(dotsRenderMs * 10) / 10,
				dotsGzip: gzipSync(svgOf(dots)).length,
				withinTarget: gzipSync(svg).length <= TARGET_GZ && gzipSync(svgOf(dots)).length <= TARGET_GZ
			};
			rows.push(row);
			log(
				`maps ${dep} ${row.level}: ${row.units} units (${row.mode}), geometry ${row.buildMs} ms (cached ${row.cachedMs} ms), choropleth ${row.choroplethRenderMs} ms ${(row.choroplethBytes / 1024).toFixed(1)} KB → ${(row.choroplethGzip / 1024).toFixed(1)} KB gzip, dots ${row.dotsRenderMs} ms ${(row.dotsGzip / 1024).toFixed(1)} KB gzip`
			);
		}
		await db.close();
		log('');
		log('| département | level | units | drawn as | geometry (first / cached) | choropleth render | choropleth SVG raw → gzip | dots render | dots SVG gzip |');
		log('|---|---|---:|---|---:|---:|---:|---:|---:|');
		for (const r of rows)
			log(
				`| ${r.departement} | ${r.level} | ${r.units} | ${r.mode} | ${r.buildMs} ms / ${r.cachedMs} ms | ${r.choroplethRenderMs} ms | ${(r.choroplethBytes / 1024).toFixed(1)} → ${(r.choroplethGzip / 1024).toFixed(1)} KB | ${r.dotsRenderMs} ms | ${(r.dotsGzip / 1024).toFixed(1)} KB |`
			);
		return { rows, territoryMs, shapesMs: loaded.shapes.ms, storedBytes: stored };
	} finally {
		await vite.close();
	}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const r = await mapsBench((m) => process.stderr.write(m + '\n'));
	process.stdout.write(JSON.stringify(r, null, 2) + '\n');
	process.exit(r.rows.every((x) => x.withinTarget) ? 0 : 1);
}
