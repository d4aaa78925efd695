/**
 * Layout of the bar charts (issue 16, item 7), pure: where each bar, its label and its value
 * go in a viewBox 380 wide, text 15 units high: ≥ 14 px on a phone 390 px wide, where the
 * chart is drawn `PHONE_CHART_PX` wide (the page's margins taken), and about 20 px on a wide
 * screen, where the stylesheet keeps a chart at most 32rem wide (`.chart__svg`).
 */
import { BAR_COLOUR, isNumber, textOn } from './scale.ts';
import { valueLabel } from './summary.ts';
import type { BarDatum } from './types.ts';

export const CHART_WIDTH = 380;
/** The width a chart is drawn at on a phone 390 px wide: the page's margins (1 rem each side) taken. */
export const PHONE_CHART_PX = 358;
/** The smallest text a chart may show on that phone, in CSS pixels. */
export const MIN_PHONE_TEXT_PX = 14;
export const FONT = 15;
/** A label line, then the bar. */
export const ROW = 50;
const BAR = 20;
/** The room kept right of the longest bar for its value. */
const VALUE_ROOM = 110;

/** Width of a text in the chart's units (a generous average for a sans-serif at 15). */
export const textWidth = (s: string, size = FONT) => s.length * size * 0.6;

/** A text cut with « … » to fit `width` units. */
export function fit(s: string, width = CHART_WIDTH, size = FONT): string {
	const max = Math.floor(width / (size * 0.6));
	return s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`;
}

export interface BarLayout {
	/** the label as drawn (cut to fit), and whole */
	label: string;
	fullLabel: string;
	/** label's baseline */
	labelY: number;
	x: number;
	y: number;
	width: number;
	height: number;
	/** a colour, or the masked / missing pattern's marker */
	fill: string | 'masked' | 'missing';
	value: string;
	valueX: number;
	valueY: number;
	valueAnchor: 'start' | 'end';
	valueColour: string;
}

/** One bar (and its value) whose label line starts at `y0`; `label` '' draws none (a group's next bars). */
function oneBar(
	value: BarDatum['value'],
	label: string,
	y0: number,
	bar: { y: number; colour: string; align?: 'start' | 'center'; scale: (v: number) => number; text: string }
): BarLayout {
	const labelY = y0 + FONT;
	const y = bar.y;
	if (!isNumber(value)) {
		const fill = value === 'masked' ? 'masked' : 'missing';
		const width = 24;
		const x = bar.align === 'center' ? (CHART_WIDTH - width) / 2 : 0;
		return {
			label: fit(label),
			fullLabel: label,
			labelY,
			x,
			y,
			width,
			height: BAR,
			fill,
			value: bar.text,
			valueX: x + width + 6,
			valueY: y + BAR - 5,
			valueAnchor: 'start',
			valueColour: '#1e1e1e'
		};
	}
	const width = Math.max(value > 0 ? 2 : 0, bar.scale(value));
	const x = bar.align === 'center' ? (CHART_WIDTH - width) / 2 : 0;
	const inside = textWidth(bar.text) + 12 <= width;
	const after = x + width + 6;
	return {
		label: fit(label),
		fullLabel: label,
		labelY,
		x,
		y,
		width,
		height: BAR,
		fill: bar.colour,
		value: bar.text,
		valueX: inside ? x + width - 6 : Math.min(after, CHART_WIDTH - textWidth(bar.text)),
		valueY: y + BAR - 5,
		valueAnchor: inside ? 'end' : 'start',
		valueColour: inside ? textOn(bar.colour) : '#1e1e1e'
	};
}

/**
 * Rows of bars: the label above, the bar below (full width on a phone); the value inside the
 * bar when it fits, else after it. `align: 'center'` centres the bars (a funnel).
 */
export function barRows(
	rows: readonly BarDatum[],
	opts: {
		top?: number;
		max?: number;
		colour?: string;
		align?: 'start' | 'center';
		format?: (n: number) => string;
		suffix?: (d: BarDatum, i: number) => string;
	} = {}
): { bars: BarLayout[]; height: number; scale: (v: number) => number } {
	const top = opts.top ?? 0;
	const colour = opts.colour ?? BAR_COLOUR;
	const max = opts.max ?? Math.max(0, ...rows.map((r) => (isNumber(r.value) ? r.value : 0)));
	const room = opts.align === 'center' ? CHART_WIDTH : CHART_WIDTH - VALUE_ROOM;
	const scale = (v: number) => (max > 0 ? (Math.max(0, v) / max) * room : 0);
	const bars = rows.map((r, i): BarLayout => {
		const y0 = top + i * ROW;
		const text = valueLabel(r.value, opts.format) + (opts.suffix?.(r, i) ?? '');
		return oneBar(r.value, r.label, y0, { y: y0 + FONT + 6, colour, align: opts.align, scale, text });
	});
	return { bars, height: top + rows.length * ROW, scale };
}

/** The gap between two bars of a group. */
const GROUP_GAP = 4;

/**
 * Groups of bars (a grouped bar chart): per row its label, then one bar per series (its
 * `values`, in `colours` order), one scale for all; masked and missing values as in barRows.
 */
export function barGroups(
	rows: readonly BarDatum[],
	colours: readonly string[],
	opts: { top?: number; max?: number; format?: (n: number) => string } = {}
): { bars: BarLayout[]; height: number; scale: (v: number) => number } {
	const top = opts.top ?? 0;
	const n = colours.length;
	const values = (r: BarDatum) => r.values ?? [r.value];
	const max = opts.max ?? Math.max(0, ...rows.flatMap((r) => values(r).map((v) => (isNumber(v) ? v : 0))));
	const scale = (v: number) => (max > 0 ? (Math.max(0, v) / max) * (CHART_WIDTH - VALUE_ROOM) : 0);
	const height = ROW + (n - 1) * (BAR + GROUP_GAP);
	const bars = rows.flatMap((r, i) => {
		const y0 = top + i * height;
		return colours.map((colour, s) =>
			oneBar(values(r)[s] ?? null, s === 0 ? r.label : '', y0, {
				y: y0 + FONT + 6 + s * (BAR + GROUP_GAP),
				colour,
				scale,
				text: valueLabel(values(r)[s] ?? null, opts.format)
			})
		);
	});
	return { bars, height: top + rows.length * height, scale };
}
