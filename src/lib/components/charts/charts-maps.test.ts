/**
 * The maps drawn on the real boundaries the test database loads (33, 47, 64 with commune
 * boundaries; 24 without): a shape per unit, the classes stated, masked units hatched, the
 * size under the target (≤ 100 KB gzip), and the same at the EPCI level.
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import { parseDocument, DomUtils } from 'htmlparser2';
import type { Element } from 'domhandler';
import type { Database } from '../../server/db/client.ts';
import { createTestDatabase } from '../../../../test/db.ts';
import { departmentMap } from '../../server/maps/index.ts';
import ChoroplethMap from './ChoroplethMap.svelte';
import DotMap from './DotMap.svelte';
import type { MapDatum, MapGeometry } from './types.ts';

const NBSP = '\u00a0';
let db: Database;
beforeAll(async () => {
	db = await createTestDatabase();
});
afterAll(async () => db?.close());

/** A figure per unit: spread values, one in 17 masked, one in 23 missing. */
function figures(geometry: MapGeometry): MapDatum[] {
	return geometry.units.map((u, i) => ({ code: u.code, value: i % 17 === 3 ? 'masked' : i % 23 === 5 ? null : (i * 37) % 101 }));
}

function parse(body: string, dump?: string) {
	if (process.env.CHARTS_DUMP && dump)
		writeFileSync(
			`${process.env.CHARTS_DUMP}/${dump}.html`,
			`<!doctype html><meta charset=utf-8><link rel=stylesheet href=${new URL('../../styles/maillage.css', import.meta.url).pathname}><body>${body}`
		);
	const doc = parseDocument(body, { lowerCaseAttributeNames: false });
	const svg = DomUtils.findOne((e) => e.name === 'svg' && e.attribs.role === 'img', doc.children, true)!;
	const byId = (id: string) => DomUtils.findOne((e) => e.attribs.id === id, doc.children, true)!;
	/** the drawn units: shapes and dots carrying their name in a <title> */
	const units = DomUtils.findAll(
		(e) => (e.name === 'path' || e.name === 'circle') && !!DomUtils.findOne((t) => t.name === 'title', e.children, false),
		svg.children
	);
	const legend = DomUtils.findAll((e) => e.name === 'ul' && e.attribs['aria-label'] === 'Légende', doc.children)[0];
	return { doc, svg, byId, units, legend, text: (e: Element) => DomUtils.textContent(e), outer: DomUtils.getOuterHTML(svg) };
}

describe('ChoroplethMap on the real boundaries', () => {
	for (const [dep, count] of [
		['47', 319],
		['33', 534],
		['64', 545]
	] as const) {
		it(`${dep} by commune: one shape per commune, 5 classes stated, masked hatched, ≤ 100 KB gzip`, async () => {
			const geometry = await departmentMap(db, dep, { kind: 'commune' });
			expect(geometry.units.length).toBe(count);
			const data = figures(geometry);
			const { body } = render(ChoroplethMap, { props: { geometry, data, title: 'Lieux pour 10 000 habitants', measure: 'lieux pour 10 000 habitants' } });
			const d = parse(body, `map-${dep}`);
			expect(d.units.length).toBe(count);
			expect(d.units.every((u) => u.name === 'path')).toBe(true);
			// the accessible name and the summary
			expect(d.text(d.byId(d.svg.attribs['aria-labelledby']))).toBe('Lieux pour 10 000 habitants');
			const masked = data.filter((x) => x.value === 'masked').length;
			expect(d.text(d.byId(d.svg.attribs['aria-describedby']))).toContain(`${masked} communes masquées`);
			// five classes in the legend, then the masked and missing signs
			const items = DomUtils.findAll((e) => e.name === 'li', [d.legend]).map((li) => d.text(li).trim());
			expect(items).toHaveLength(7);
			expect(items[0]).toMatch(/^0 à \d+$/);
			expect(items[4]).toMatch(/^plus de \d+ à 100$/);
			expect(items.slice(5)).toEqual([`masqué (moins de 5${NBSP}personnes)`, 'sans donnée']);
			// every masked commune is hatched
			const hatched = d.units.filter((u) => /-masque\)$/.test((u.parent as Element).attribs.fill));
			expect(hatched.length).toBe(masked);
			expect(d.text(hatched[0])).toMatch(new RegExp(`${NBSP}: masqué$`));
			// a viewBox to scale, no script, no style attribute
			expect(d.svg.attribs.viewBox).toMatch(/^0 0 1000 \d+$/);
			expect(d.outer).not.toMatch(/<script|style=/);
			expect(gzipSync(d.outer).length).toBeLessThanOrEqual(100 * 1024);
		});
	}

	it('Gironde by EPCI: merged shapes, one per intercommunality, far smaller', async () => {
		const geometry = await departmentMap(db, '33', { kind: 'epci' });
		const { body } = render(ChoroplethMap, {
			props: {
				geometry,
				data: figures(geometry),
				title: 'Par intercommunalité',
				measure: 'lieux',
				unit: ['intercommunalité', 'intercommunalités'] as [string, string]
			}
		});
		const d = parse(body, 'map-33-epci');
		expect(d.units.length).toBe(geometry.units.length);
		expect(d.units.map((u) => d.text(u))).toContainEqual(expect.stringMatching(/^Bordeaux Métropole\u00a0: /));
		expect(gzipSync(d.outer).length).toBeLessThan(15 * 1024);
	});

	it('Dordogne (no commune boundaries): its outline and a dot per commune, masked dots hatched', async () => {
		const geometry = await departmentMap(db, '24', { kind: 'commune' });
		const data = figures(geometry);
		const { body } = render(ChoroplethMap, { props: { geometry, data, title: 'Dordogne', measure: 'lieux' } });
		const d = parse(body, 'map-24');
		expect(d.units.length).toBe(geometry.units.length);
		expect(d.units.every((u) => u.name === 'circle')).toBe(true);
		expect(d.units.filter((u) => /-masque\)$/.test((u.parent as Element).attribs.fill)).length).toBe(data.filter((x) => x.value === 'masked').length);
		// the outline drawn over
		expect(DomUtils.findAll((e) => e.name === 'path' && e.attribs.fill === 'none' && e.attribs.d?.startsWith('M'), d.svg.children)).toHaveLength(1);
		expect(body).toContain('un point au centre de chaque unité');
	});
});

describe('DotMap on the real boundaries', () => {
	it('Lot-et-Garonne: a circle per commune with a count, over the communes in grey, ≤ 100 KB gzip', async () => {
		const geometry = await departmentMap(db, '47', { kind: 'commune' });
		const data = figures(geometry);
		const { body } = render(DotMap, { props: { geometry, data, title: 'Lieux par commune', measure: 'lieux' } });
		const d = parse(body, 'dots-47');
		const counted = data.filter((x) => typeof x.value === 'number' && x.value > 0).length;
		expect(d.units.filter((u) => u.name === 'circle')).toHaveLength(counted);
		// masked communes: their shape hatched, no circle
		const hatched = DomUtils.findAll((e) => e.name === 'path' && (e.parent as Element).attribs.fill?.endsWith('-masque-fond)'), d.svg.children);
		expect(hatched).toHaveLength(data.filter((x) => x.value === 'masked').length);
		expect(gzipSync(d.outer).length).toBeLessThanOrEqual(100 * 1024);
	});
});
