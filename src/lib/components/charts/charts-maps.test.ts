/**
 * The maps drawn on the real boundaries the test database loads (33, 47, 64; 24 without
 * commune boundaries): a path per unit, classes stated, masked units hatched, the size.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import { parseDocument, DomUtils } from 'htmlparser2';
import type { Database } from '../../server/db/client.ts';
import { createTestDatabase } from '../../../../test/db.ts';
import { departmentMap } from '../../server/maps/index.ts';
import ChoroplethMap from './ChoroplethMap.svelte';
import type { MapDatum, MapGeometry } from './types.ts';

let db: Database;
beforeAll(async () => {
	db = await createTestDatabase();
});
afterAll(async () => db?.close());

/** A figure per unit: its rank, some masked, some missing. */
function figures(geometry: MapGeometry): MapDatum[] {
	return geometry.units.map((u, i) => ({ code: u.code, value: i % 17 === 3 ? 'masked' : i % 23 === 5 ? null : (i * 37) % 101 }));
}

function svgOf(html: string) {
	const doc = parseDocument(html);
	const svg = DomUtils.findOne((e) => e.name === 'svg' && e.attribs.role === 'img', doc.children, true)!;
	return { doc, svg, text: DomUtils.getOuterHTML(svg) };
}

describe('ChoroplethMap on the real boundaries', () => {
	for (const dep of ['47', '33', '64']) {
		it(`${dep} by commune: one path per commune, ≤ 100 KB gzip`, async () => {
			const geometry = await departmentMap(db, dep, { kind: 'commune' });
			const { body } = render(ChoroplethMap, {
				props: { geometry, data: figures(geometry), title: 'Lieux pour 10 000 habitants', measure: 'lieux pour 10 000 habitants' }
			});
			const { svg, text } = svgOf(body);
			const paths = DomUtils.findAll((e) => e.name === 'path' && DomUtils.findOne((t) => t.name === 'title', e.children, false) != null, svg.children);
			expect(paths.length).toBe(geometry.units.length);
			const gz = gzipSync(text).length;
			console.log(dep, text.length, gz);
			if (process.env.CHARTS_DUMP)
				(await import('node:fs')).writeFileSync(
					`${process.env.CHARTS_DUMP}/${dep}.html`,
					`<!doctype html><meta charset=utf-8><link rel=stylesheet href=${new URL('../../styles/maillage.css', import.meta.url).pathname}><body>${body}`
				);
			expect(gz).toBeLessThanOrEqual(100 * 1024);
		});
	}
});
