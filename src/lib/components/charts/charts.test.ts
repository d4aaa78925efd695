/**
 * The charts (issue 16, item 7), rendered on the server as a page would: what a reader
 * notices — the accessible name and description, a bar per row with its value written, the
 * classes of the legend, masked figures hatched and said, text large enough at 390 px,
 * colours with enough contrast — and the summaries and classes, pure.
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import type { Component } from 'svelte';
import { parseDocument, DomUtils } from 'htmlparser2';
import type { Element } from 'domhandler';
import BarChart from './BarChart.svelte';
import Funnel from './Funnel.svelte';
import StackedBar from './StackedBar.svelte';
import LineChart from './LineChart.svelte';
import ChoroplethMap from './ChoroplethMap.svelte';
import DotMap from './DotMap.svelte';
import { classify, contrast, jenksBreaks, quantileBreaks, textOn, BAR_COLOUR, CATEGORICAL, LINE_COLOURS, SEQUENTIAL, DIVERGING } from './scale.ts';
import { funnelSummary, groupSummary, lineSummary, median, rankSummary, shareSummary } from './summary.ts';
import type { MapGeometry } from './types.ts';
import { CHART_WIDTH, MIN_PHONE_TEXT_PX, PHONE_CHART_PX } from './layout.ts';

const NBSP = '\u00a0';

/** Renders a component as a page would and returns its document. */
function draw<P extends Record<string, any>>(component: Component<P>, props: P, dump?: string) {
	const { body } = render(component as Component<Record<string, unknown>>, { props });
	if (process.env.CHARTS_DUMP && dump)
		writeFileSync(
			`${process.env.CHARTS_DUMP}/${dump}.html`,
			`<!doctype html><meta charset=utf-8><link rel=stylesheet href=${new URL('../../styles/maillage.css', import.meta.url).pathname}><body><main>${body}</main>`
		);
	const doc = parseDocument(body, { lowerCaseAttributeNames: false });
	const all = (test: (e: Element) => boolean, root: Element[] = doc.children as Element[]) => DomUtils.findAll(test, root);
	const svg = DomUtils.findOne((e) => e.name === 'svg' && e.attribs.role === 'img', doc.children, true)!;
	const byId = (id: string) => DomUtils.findOne((e) => e.attribs.id === id, doc.children, true);
	return { body, doc, all, svg, byId, text: (e: Element | null) => (e ? DomUtils.textContent(e) : '') };
}

/** The SVG's accessible name and description (aria-labelledby / aria-describedby → title / desc). */
function accessible(d: ReturnType<typeof draw>) {
	const name = d.text(d.byId(d.svg.attribs['aria-labelledby']));
	const description = d.text(d.byId(d.svg.attribs['aria-describedby']));
	return { name, description };
}

/**
 * The smallest text of every drawing of the figure (the chart, a map's legend), in CSS px on a
 * phone 390 px wide, where a drawing is `PHONE_CHART_PX` wide (the page's margins taken).
 */
function smallestText(d: ReturnType<typeof draw>): number {
	const svgs = d.all((e) => e.name === 'svg' && e.attribs.class?.split(' ').includes('chart__svg'));
	const sizes = svgs.flatMap((svg) => {
		const width = Number(svg.attribs.viewBox.split(' ')[2]);
		return d.all((e) => e.attribs['font-size'] != null, [svg]).map((e) => Number(e.attribs['font-size']) * (PHONE_CHART_PX / width));
	});
	return Math.min(...sizes);
}

describe('classes and colours', () => {
	it('quantiles put as many units in each class; natural breaks follow the gaps', () => {
		expect(quantileBreaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5)).toEqual([2, 4, 6, 8, 10]);
		expect(jenksBreaks([1, 1, 2, 2, 10, 11, 12, 30, 31], 3)).toEqual([2, 12, 31]);
		// a national map's 35,000 communes: a sample, in well under a second, the largest value kept
		const many = Array.from({ length: 35_000 }, (_, i) => (i % 2 ? i / 100 : 1000 + (i % 97)));
		const t = performance.now();
		const breaks = jenksBreaks(many, 5);
		expect(performance.now() - t).toBeLessThan(2000);
		expect(breaks).toHaveLength(5);
		expect(breaks[4]).toBe(Math.max(...many));
		// a value repeated: fewer classes rather than empty ones
		expect(quantileBreaks([0, 0, 0, 0, 0, 0, 0, 0, 5, 9], 5)).toEqual([0, 9]);
	});

	it('masked and missing values are in no class; a reference splits below and above', () => {
		const c = classify([1, 2, 3, 'masked', null, 8, 9, 10], { k: 4, reference: 5 });
		expect(c.classOf('masked')).toBe(-1);
		expect(c.classOf(null)).toBe(-1);
		expect(c.breaks.filter((b) => b < 5).length).toBe(2);
		expect(c.classOf(3)).toBe(1);
		expect(c.classOf(8)).toBe(2);
		// orange below, purple above
		expect(c.colours[0]).toBe(DIVERGING[7][1]);
		expect(c.colours[3]).toBe(DIVERGING[7][5]);
	});

	it('written values keep 4.5:1 on their colour; palettes are the colour-blind-safe ones', () => {
		for (const fill of [BAR_COLOUR, '#b35806', ...CATEGORICAL, ...SEQUENTIAL[7], ...DIVERGING[7]])
			expect(contrast(fill, textOn(fill))).toBeGreaterThanOrEqual(4.5);
		expect(textOn(BAR_COLOUR)).toBe('#ffffff');
		for (const line of LINE_COLOURS) expect(contrast(line, '#ffffff')).toBeGreaterThanOrEqual(3);
		expect(textOn('#ffffcc')).toBe('#161616');
	});
});

describe('summaries', () => {
	it('a ranking: range, median, the highest named, masked and missing counted', () => {
		const items = [
			{ name: 'Agen', value: 12.5 },
			{ name: 'Nérac', value: 3 },
			{ name: 'Marmande', value: 7 },
			{ name: 'Layrac', value: 'masked' as const },
			{ name: 'Moirax', value: null }
		];
		expect(rankSummary(items, { unit: ['commune', 'communes'], measure: 'lieux pour 10 000 habitants', top: 2 })).toBe(
			`Sur 5 communes, de 3 à 12,5 lieux pour 10 000 habitants (médiane 7). Les 2 plus élevées${NBSP}: Agen (12,5) et Marmande (7). 1 commune masquée (moins de 5${NBSP}personnes, ou pour protéger un autre chiffre) et 1 commune sans donnée.`
		);
		expect(
			rankSummary(items.slice(0, 3), { unit: ['commune', 'communes'], measure: 'personnes à plus de 15 km', top: 1, highestOne: 'la plus éloignée d’un lieu' })
		).toContain(`La plus éloignée d’un lieu${NBSP}: Agen (12,5).`);
		expect(rankSummary([{ name: 'A', value: 'masked' }], { unit: ['commune', 'communes'], measure: 'x' })).toMatch(
			/^Sur 1 commune, aucun chiffre ne peut être montré\. 1 commune masquée/
		);
		expect(median([1, 2, 3, 4])).toBe(2.5);
	});

	it('a funnel: each step with its share of the first, the ways out apart', () => {
		expect(
			funnelSummary(
				[
					{ label: 'Envoyées', value: 120 },
					{ label: 'Acceptées', value: 90 },
					{ label: 'Honorées', value: 60 }
				],
				[
					{ label: 'Refusées', value: 20 },
					{ label: 'Retirées', value: 'masked' }
				]
			)
		).toBe(
			`Envoyées${NBSP}: 120, acceptées${NBSP}: 90 (75${NBSP}%), honorées${NBSP}: 60 (50${NBSP}%). Par ailleurs${NBSP}: refusées${NBSP}: 20, retirées${NBSP}: masqué. Les chiffres masqués concernent moins de 5${NBSP}personnes, ou en protègent un autre.`
		);
	});

	it('shares and months', () => {
		expect(
			shareSummary([
				{ label: 'Honorée', value: 30 },
				{ label: 'Refusée', value: 10 }
			])
		).toBe(`Honorée${NBSP}: 30 (75${NBSP}%) et Refusée${NBSP}: 10 (25${NBSP}%).`);
		const s = lineSummary([
			{
				label: 'Orientations',
				points: [
					{ month: '2026-01-01', value: 10 },
					{ month: '2026-02-01', value: 'masked' },
					{ month: '2026-03-01', value: 40 }
				]
			}
		]);
		expect(s).toBe(
			`Orientations, de janvier 2026 à mars 2026${NBSP}: au plus haut 40 en mars 2026, au plus bas 10 en janvier 2026, 40 en mars 2026 (1 mois masqué).`
		);
	});
});

describe('BarChart', () => {
	const rows = [
		{ label: 'Albret Communauté', value: 4.2 },
		{ label: 'Agglomération d’Agen', value: 9.8 },
		{ label: 'Communauté de communes du Confluent et des Coteaux de Prayssas, un nom long à couper', value: 'masked' as const },
		{ label: 'Fumel Vallée du Lot', value: null }
	];
	it('a bar and a written value per row, masked hatched, named and described, text ≥ 14 px at 390 px', () => {
		const d = draw(
			BarChart,
			{
				rows,
				title: 'Lieux pour 10 000 habitants par intercommunalité',
				measure: 'lieux pour 10 000 habitants',
				unit: ['intercommunalité', 'intercommunalités'],
				reference: 6,
				referenceLabel: 'département'
			},
			'bars'
		);
		const { name, description } = accessible(d);
		expect(name).toBe('Lieux pour 10 000 habitants par intercommunalité');
		expect(description).toContain('de 4,2 à 9,8 lieux pour 10 000 habitants');
		expect(description).toContain('1 intercommunalité masquée');
		expect(description).toContain(`Ligne pointillée${NBSP}: département (6).`);
		const rects = d.all((e) => e.name === 'rect' && e.attribs.width != null && e.attribs.y != null, [d.svg]);
		expect(rects.length).toBe(4);
		expect(rects[2].attribs.fill).toMatch(/^url\(#.*-masque\)$/);
		expect(rects[3].attribs.fill).toMatch(/^url\(#.*-vide\)$/);
		const written = d.all((e) => e.name === 'text' && e.attribs['font-weight'] === '700', [d.svg]).map((e) => d.text(e));
		expect(written).toEqual(['4,2', '9,8', 'masqué', 'sans donnée']);
		// the long name is cut in the drawing, whole in its tooltip and in the table
		expect(d.body).toContain('…');
		const cells = d.all((e) => e.name === 'th' && e.attribs.scope === 'row').map((e) => d.text(e));
		expect(cells[2]).toBe(rows[2].label);
		expect(smallestText(d)).toBeGreaterThanOrEqual(MIN_PHONE_TEXT_PX);
		// no script, no style attribute (CSP), a viewBox to scale
		expect(d.body).not.toMatch(/<script|style=/);
		expect(d.svg.attribs.viewBox).toMatch(new RegExp(`^0 0 ${CHART_WIDTH} \\d+`));
	});

	it('grouped: a bar per series in each row, one colour per series named in the legend, masked hatched, a link to the page’s table', () => {
		const d = draw(
			BarChart,
			{
				rows: [
					{ label: 'CAF de Lot-et-Garonne', value: null, values: [120, 40] },
					{ label: 'MSA', value: null, values: [12, 'masked'] },
					{ label: 'CPAM', value: null, values: [6, 0] }
				],
				series: ['Envoyées', 'Honorées'],
				title: 'Orientations par partenaire',
				measure: 'orientations',
				unit: ['partenaire', 'partenaires'],
				feminine: false,
				tableHref: '#tableau-partenaires'
			},
			'bars-grouped'
		);
		const rects = d.all((e) => e.name === 'rect' && e.attribs.width != null && e.attribs.y != null, [d.svg]);
		expect(rects.map((r) => r.attribs.fill)).toEqual([
			LINE_COLOURS[0],
			LINE_COLOURS[1],
			LINE_COLOURS[0],
			expect.stringMatching(/-masque\)$/),
			LINE_COLOURS[0],
			LINE_COLOURS[1]
		]);
		// the label once per row, the bars of a row one under the other
		const labels = d.all((e) => e.name === 'text' && e.attribs['font-weight'] !== '700', [d.svg]).map((e) => d.text(e).trim());
		expect(labels).toEqual(['CAF de Lot-et-Garonne', 'MSA', 'CPAM']);
		expect(Number(rects[1].attribs.y)).toBeGreaterThan(Number(rects[0].attribs.y));
		const written = d.all((e) => e.name === 'text' && e.attribs['font-weight'] === '700', [d.svg]).map((e) => d.text(e));
		expect(written).toEqual(['120', '40', '12', 'masqué', '6', '0']);
		const legend = d.all((e) => e.name === 'ul' && e.attribs['aria-label'] === 'Légende')[0];
		expect(d.text(legend)).toMatch(/de haut en bas.*Envoyées.*Honorées/s);
		expect(accessible(d).description).toBe(
			`Sur 3 partenaires, envoyées de 6 à 120 (le plus${NBSP}: CAF de Lot-et-Garonne, 120) et honorées de 0 à 40 (le plus${NBSP}: CAF de Lot-et-Garonne, 40). 1 chiffre masqué (moins de 5${NBSP}personnes, ou pour en protéger un autre).`
		);
		// no second copy of the figures: a link to the page's table
		expect(d.all((e) => e.name === 'details')).toHaveLength(0);
		expect(d.all((e) => e.name === 'a').map((a) => a.attribs.href)).toEqual(['#tableau-partenaires']);
		expect(smallestText(d)).toBeGreaterThanOrEqual(MIN_PHONE_TEXT_PX);
	});

	it('grouped, one row: its figures in words', () => {
		expect(
			groupSummary([{ label: 'CAF', value: null, values: [500000, 0] }], ['Apports reçus', 'Payé'], {
				unit: ['partenaire', 'partenaires'],
				measure: 'euros',
				format: (n) => `${n / 100}${NBSP}€`
			})
		).toBe(`CAF${NBSP}: apports reçus 5000${NBSP}€ et payé 0${NBSP}€.`);
	});
});

describe('Funnel and StackedBar', () => {
	it('the funnel: steps centred with their share, the ways out apart', () => {
		const d = draw(
			Funnel,
			{
				title: 'Parcours des orientations',
				steps: [
					{ label: 'Envoyées', value: 120 },
					{ label: 'Acceptées', value: 90 },
					{ label: 'Honorées', value: 60 }
				],
				outcomes: [
					{ label: 'Refusées', value: 20 },
					{ label: 'Expirées', value: 6 },
					{ label: 'Retirées', value: 'masked' }
				]
			},
			'funnel'
		);
		expect(accessible(d).name).toBe('Parcours des orientations');
		const written = d.all((e) => e.name === 'text' && e.attribs['font-weight'] === '700', [d.svg]).map((e) => d.text(e));
		expect(written).toEqual(['120', `90 (75${NBSP}%)`, `60 (50${NBSP}%)`, 'Sorties du parcours', '20', '6', 'masqué']);
		expect(smallestText(d)).toBeGreaterThanOrEqual(MIN_PHONE_TEXT_PX);
	});

	it('the stacked bar: parts in proportion, legend with figures', () => {
		const d = draw(
			StackedBar,
			{
				title: 'Issue des orientations',
				segments: [
					{ label: 'Honorées', value: 60 },
					{ label: 'Refusées', value: 30 },
					{ label: 'Expirées', value: 10 },
					{ label: 'Retirées', value: 'masked' }
				]
			},
			'stacked'
		);
		const rects = d.all((e) => e.name === 'rect' && e.attribs.x != null, [d.svg]);
		expect(rects.map((r) => Math.round(Number(r.attribs.width)))).toEqual([0.6, 0.3, 0.1].map((f) => Math.round(f * CHART_WIDTH)));
		const legend = d.all((e) => e.name === 'ul' && e.attribs['aria-label'] === 'Légende')[0];
		expect(d.text(legend)).toContain(`Retirées${NBSP}: masqué`);
		expect(accessible(d).description).toContain('sans les masqués');
	});
});

describe('LineChart', () => {
	it('a line per series broken at masked months, which are marked', () => {
		const months = ['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01', '2026-06-01'];
		const d = draw(
			LineChart,
			{
				title: 'Orientations par mois',
				measure: 'orientations',
				series: [
					{ label: 'Envoyées', points: months.map((month, i) => ({ month, value: i === 2 ? ('masked' as const) : 10 + i * 5 })) },
					{ label: 'Honorées', points: months.map((month, i) => ({ month, value: 5 + i * 2 })) }
				]
			},
			'line'
		);
		const lines = d.all((e) => e.name === 'path' && e.attribs.fill === 'none', [d.svg]);
		expect(lines[0].attribs.d.match(/M/g)!.length).toBe(2);
		expect(lines[1].attribs.d.match(/M/g)!.length).toBe(1);
		expect(lines[1].attribs['stroke-dasharray']).toBe('8 5');
		expect(d.body).toContain('mois masqué');
		expect(smallestText(d)).toBeGreaterThanOrEqual(MIN_PHONE_TEXT_PX);
		expect(d.all((e) => e.name === 'tr').length).toBe(7);
	});
});

describe('maps on a small fixed world', () => {
	const geometry: MapGeometry = {
		departmentCode: '99',
		levelKey: 'commune',
		width: 1000,
		height: 600,
		outline: 'M0 0h1000v600h-1000z',
		mode: 'shapes',
		source: 'Limites de test.',
		units: [
			{ code: 'a', name: 'Aubiac', d: 'M0 0h200v200h-200z', x: 100, y: 100 },
			{ code: 'b', name: 'Brax', d: 'M200 0h200v200h-200z', x: 300, y: 100 },
			{ code: 'c', name: 'Cours', d: 'M400 0h200v200h-200z', x: 500, y: 100 },
			{ code: 'd', name: 'Dolmayrac', d: 'M600 0h200v200h-200z', x: 700, y: 100 },
			{ code: 'e', name: 'Estillac', d: null, x: 900, y: 500 },
			{ code: 'f', name: 'Fals', d: 'M0 200h200v200h-200z', x: 100, y: 300 }
		]
	};
	const data = [
		{ code: 'a', value: 1 },
		{ code: 'b', value: 5 },
		{ code: 'c', value: 9 },
		{ code: 'd', value: 'masked' as const },
		{ code: 'e', value: 7 }
	];

	it('choropleth: one shape per unit grouped by class, the classes stated, masked hatched, no data dotted, dots where no boundary', () => {
		const d = draw(ChoroplethMap, { geometry, data, title: 'Lieux', measure: 'lieux', classes: 3 }, 'choro-small');
		const shapes = d.all((e) => (e.name === 'path' || e.name === 'circle') && !!DomUtils.findOne((t) => t.name === 'title', e.children, false), [d.svg]);
		expect(shapes.map((s) => d.text(s))).toEqual(
			expect.arrayContaining([`Aubiac${NBSP}: 1`, `Dolmayrac${NBSP}: masqué`, `Fals${NBSP}: sans donnée`, `Estillac${NBSP}: 7`])
		);
		expect(shapes.length).toBe(6);
		const fillOf = (name: string) => (shapes.find((s) => d.text(s).startsWith(name))!.parent as Element).attribs.fill;
		expect(fillOf('Dolmayrac')).toMatch(/-masque\)$/);
		expect(fillOf('Fals')).toMatch(/-vide\)$/);
		expect(fillOf('Aubiac')).toBe(SEQUENTIAL[3][0]);
		expect(fillOf('Cours')).toBe(SEQUENTIAL[3][2]);
		// Estillac has no boundary: a dot
		expect(shapes.find((s) => d.text(s).startsWith('Estillac'))!.name).toBe('circle');
		const legend = d.all((e) => e.name === 'ul' && e.attribs['aria-label'] === 'Légende')[0];
		expect(d.all((e) => e.name === 'li', [legend]).map((li) => d.text(li).trim())).toEqual([
			'1 à 5',
			'plus de 5 à 7',
			'plus de 7 à 9',
			`masqué (moins de 5${NBSP}personnes)`,
			'sans donnée'
		]);
		expect(accessible(d).name).toBe('Lieux');
		expect(accessible(d).description).toContain('1 commune masquée');
		expect(d.body).toContain('Limites de test.');
		expect(d.body).not.toMatch(/<script|style=/);
	});

	it('proportional symbols: circle areas follow the counts, largest drawn first', () => {
		const d = draw(DotMap, { geometry, data, title: 'Lieux par commune', measure: 'lieux', maxRadius: 30 }, 'dots-small');
		const circles = d.all((e) => e.name === 'circle' && !!DomUtils.findOne((t) => t.name === 'title', e.children, false), [d.svg]);
		expect(circles.map((c) => d.text(c).split(NBSP)[0])).toEqual(['Cours', 'Estillac', 'Brax', 'Aubiac']);
		expect(Number(circles[0].attribs.r)).toBe(30);
		expect(Number(circles[2].attribs.r)).toBeCloseTo(30 * Math.sqrt(5 / 9), 1);
		// the masked one: its shape hatched, or without a shape a hatched square (their size says nothing), named « masqué »
		const hatched = d.all((e) => (e.name === 'rect' || e.name === 'path') && (e.parent as Element).attribs.fill?.match(/-masque(-fond)?\)$/) != null, [d.svg]);
		expect(hatched.map((q) => d.text(q))).toEqual([`Dolmayrac${NBSP}: masqué`]);
		// the legend's figures, readable on a phone
		expect(smallestText(d)).toBeGreaterThanOrEqual(MIN_PHONE_TEXT_PX);
		const noShape = draw(DotMap, { geometry: { ...geometry, units: geometry.units.map((u) => ({ ...u, d: null })) }, data, title: 'Lieux', measure: 'lieux' });
		const squares = noShape.all((e) => e.name === 'rect' && (e.parent as Element).attribs.fill?.endsWith('-masque)'), [noShape.svg]);
		expect(squares.map((q) => noShape.text(q))).toEqual([`Dolmayrac${NBSP}: masqué`]);
		expect(d.text(d.all((e) => e.name === 'svg' && (e.attribs['aria-label'] ?? '').startsWith('Légende'))[0])).toContain('masqué (moins de 5');
		const legendSvg = d.all((e) => e.name === 'svg' && (e.attribs['aria-label'] ?? '').startsWith('Légende'))[0];
		expect(legendSvg.attribs['aria-label']).toBe(`Légende${NBSP}: cercles de 5, 2 lieux`);
	});

	it('choropleth around a reference: orange below, purple above, the reference said', () => {
		const d = draw(ChoroplethMap, { geometry, data, title: 'Écart', measure: 'lieux', reference: 6, referenceLabel: 'la moyenne du département' });
		const fills = new Set(d.all((e) => e.name === 'g' && !!e.attribs.fill && !e.attribs.fill.startsWith('url'), [d.svg]).map((g) => g.attribs.fill));
		for (const f of fills) expect([...DIVERGING[7].slice(0, 3), ...DIVERGING[7].slice(4)]).toContain(f);
		const legend = d.all((e) => e.name === 'ul' && e.attribs['aria-label'] === 'Légende')[0];
		expect(d.text(legend)).toContain(`Orange${NBSP}: sous la moyenne du département (6)${NBSP}; violet${NBSP}: au-dessus.`);
	});
});
