/**
 * Layout of the bar charts (issue 16, item 7), pure: where each bar, its label and its value
 * go in a viewBox 480 wide, text 15 units high (≥ 12 px when the chart is 390 px wide).
 */
import { BAR_COLOUR, isNumber, textOn } from './scale.ts';
import { valueLabel } from './summary.ts';
import type { BarDatum } from './types.ts';

export const CHART_WIDTH = 480;
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
		const value = valueLabel(r.value, opts.format) + (opts.suffix?.(r, i) ?? '');
		const labelY = y0 + FONT;
		const y = y0 + FONT + 6;
		if (!isNumber(r.value)) {
			const fill = r.value === 'masked' ? 'masked' : 'missing';
			const width = 24;
			const x = opts.align === 'center' ? (CHART_WIDTH - width) / 2 : 0;
			return {
				label: fit(r.label),
				fullLabel: r.label,
				labelY,
				x,
				y,
				width,
				height: BAR,
				fill,
				value,
				valueX: x + width + 6,
				valueY: y + BAR - 5,
				valueAnchor: 'start',
				valueColour: '#1e1e1e'
			};
		}
		const width = Math.max(r.value > 0 ? 2 : 0, scale(r.value));
		const x = opts.align === 'center' ? (CHART_WIDTH - width) / 2 : 0;
		const inside = textWidth(value) + 12 <= width;
		const after = x + width + 6;
		return {
			label: fit(r.label),
			fullLabel: r.label,
			labelY,
			x,
			y,
			width,
			height: BAR,
			fill: colour,
			value,
			valueX: inside ? x + width - 6 : Math.min(after, CHART_WIDTH - textWidth(value)),
			valueY: y + BAR - 5,
			valueAnchor: inside ? 'end' : 'start',
			valueColour: inside ? textOn(colour) : '#1e1e1e'
		};
	});
	return { bars, height: top + rows.length * ROW, scale };
}
