/**
 * Classes and colours of the charts (issue 16, item 7), pure.
 *
 * - Classes: quantiles (as many units in each class) or natural breaks (Jenks: classes as
 *   homogeneous as possible), on the shown values only (masked and missing ones apart).
 * - Colours readable by colour-blind people and in grey when printed: ColorBrewer's YlGnBu
 *   (sequential, light = low) and PuOr (diverging, around a reference), both rated
 *   « colorblind safe »; Okabe–Ito's eight colours for categories (segments, series).
 * - Text on a colour: black or white, whichever contrasts more (WCAG relative luminance).
 */
import { scaleQuantile } from 'd3-scale';
import type { ChartValue } from './types.ts';

export type ClassMethod = 'quantile' | 'jenks';

/** ColorBrewer YlGnBu, 3 to 7 classes. */
export const SEQUENTIAL: Record<number, string[]> = {
	3: ['#edf8b1', '#7fcdbb', '#2c7fb8'],
	4: ['#ffffcc', '#a1dab4', '#41b6c4', '#225ea8'],
	5: ['#ffffcc', '#a1dab4', '#41b6c4', '#2c7fb8', '#253494'],
	6: ['#ffffcc', '#c7e9b4', '#7fcdbb', '#41b6c4', '#2c7fb8', '#253494'],
	7: ['#ffffcc', '#c7e9b4', '#7fcdbb', '#41b6c4', '#1d91c0', '#225ea8', '#0c2c84']
};

/** ColorBrewer PuOr, 3 to 7 classes: orange below the reference, purple above. */
export const DIVERGING: Record<number, string[]> = {
	3: ['#f1a340', '#f7f7f7', '#998ec3'],
	4: ['#e66101', '#fdb863', '#b2abd2', '#5e3c99'],
	5: ['#e66101', '#fdb863', '#f7f7f7', '#b2abd2', '#5e3c99'],
	6: ['#b35806', '#f1a340', '#fee0b6', '#d8daeb', '#998ec3', '#542788'],
	7: ['#b35806', '#f1a340', '#fee0b6', '#f7f7f7', '#d8daeb', '#998ec3', '#542788']
};

/** PuOr's sides without its neutral middle: below the reference (dark → light), above (light → dark). */
const BELOW = DIVERGING[7].slice(0, 3);
const ABOVE = DIVERGING[7].slice(4);

/** Okabe & Ito's palette, distinguishable under every common colour-vision deficiency. */
export const CATEGORICAL = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000'];

/** Lines (a line chart's series): Okabe–Ito's hues darkened to ≥ 3:1 on white (WCAG 1.4.11). */
export const LINE_COLOURS = ['#0072b2', '#b35806', '#007a5a', '#8e3b73'];

/** The bars' colour (YlGnBu's darkest but one: white text on it ≈ 10:1). */
export const BAR_COLOUR = '#253494';

/** A shown number of the values (masked and missing apart). */
export const isNumber = (v: ChartValue): v is number => typeof v === 'number' && Number.isFinite(v);

/** Above this many values, natural breaks are computed on an even sample of them (the method is quadratic). */
export const JENKS_SAMPLE = 1500;

/**
 * Upper bounds of `k` classes by natural breaks (Jenks–Fisher, exact by dynamic programming,
 * O(n²·k)); beyond JENKS_SAMPLE values, on an even sample of the sorted values, its largest kept.
 */
export function jenksBreaks(values: readonly number[], k: number): number[] {
	const sorted = [...values].sort((a, b) => a - b);
	const data =
		sorted.length > JENKS_SAMPLE ? Array.from({ length: JENKS_SAMPLE }, (_, i) => sorted[Math.round((i * (sorted.length - 1)) / (JENKS_SAMPLE - 1))]) : sorted;
	const n = data.length;
	if (!n) return [];
	k = Math.min(k, new Set(data).size);
	if (k <= 1) return [data[n - 1]];
	// lower[i][j]: first index of the last class in the best split of data[0..i] in j classes
	const lower: number[][] = Array.from({ length: n + 1 }, () => new Array(k + 1).fill(0));
	const variance: number[][] = Array.from({ length: n + 1 }, () => new Array(k + 1).fill(Infinity));
	for (let j = 1; j <= k; j++) {
		lower[1][j] = 1;
		variance[1][j] = 0;
	}
	for (let l = 2; l <= n; l++) {
		let s1 = 0;
		let s2 = 0;
		let w = 0;
		let v = 0;
		for (let m = 1; m <= l; m++) {
			const i3 = l - m + 1;
			const val = data[i3 - 1];
			s2 += val * val;
			s1 += val;
			w++;
			v = s2 - (s1 * s1) / w;
			const i4 = i3 - 1;
			if (i4 !== 0)
				for (let j = 2; j <= k; j++)
					if (variance[l][j] >= v + variance[i4][j - 1]) {
						lower[l][j] = i3;
						variance[l][j] = v + variance[i4][j - 1];
					}
		}
		lower[l][1] = 1;
		variance[l][1] = v;
	}
	const breaks: number[] = new Array(k);
	breaks[k - 1] = data[n - 1];
	let idx = n;
	for (let j = k; j >= 2; j--) {
		const id = lower[idx][j] - 2;
		breaks[j - 2] = data[id];
		idx = lower[idx][j] - 1;
	}
	return breaks;
}

/** Upper bounds of `k` quantile classes (duplicates merged: fewer classes when values repeat). */
export function quantileBreaks(values: readonly number[], k: number): number[] {
	if (!values.length) return [];
	const sorted = [...values].sort((a, b) => a - b);
	const q = scaleQuantile<number>()
		.domain(sorted)
		.range(Array.from({ length: k }, (_, i) => i));
	const bounds = [...q.quantiles().map((t) => sorted.filter((v) => v <= t).at(-1) ?? sorted[0]), sorted[sorted.length - 1]];
	return [...new Set(bounds)];
}

export interface Classes {
	/** upper bound (inclusive) of each class, ascending */
	breaks: number[];
	/** lower bound of the first class (the smallest value) */
	min: number;
	colours: string[];
	/** the class of a value (0-based), or -1 for a masked or missing one */
	classOf(value: ChartValue): number;
}

/**
 * Classes of the values: `k` classes (3 to 7) by quantiles or natural breaks; with a
 * `reference`, a diverging scale whose classes never straddle it (below / above).
 */
export function classify(values: readonly ChartValue[], opts: { k?: number; method?: ClassMethod; reference?: number | null } = {}): Classes {
	const k = Math.max(3, Math.min(7, opts.k ?? 5));
	const shown = values.filter(isNumber);
	const min = shown.length ? Math.min(...shown) : 0;
	let breaks: number[];
	const split = (vs: number[], n: number) => (opts.method === 'jenks' ? jenksBreaks(vs, n) : quantileBreaks(vs, n));
	let colours: string[];
	if (opts.reference != null) {
		// at most three classes each side of the reference, lighter towards it
		const ref = opts.reference;
		const half = Math.min(3, Math.floor(k / 2));
		const below = [
			...new Set(
				split(
					shown.filter((v) => v < ref),
					half
				)
			)
		];
		const above = [
			...new Set(
				split(
					shown.filter((v) => v >= ref),
					Math.min(3, k - half)
				)
			)
		];
		breaks = [...below, ...above];
		colours = [...BELOW.slice(BELOW.length - below.length), ...ABOVE.slice(0, above.length)];
	} else {
		breaks = [...new Set(split(shown, k))].sort((a, b) => a - b);
		colours = breaks.length >= 3 ? SEQUENTIAL[breaks.length] : SEQUENTIAL[3].slice(3 - breaks.length);
	}
	return {
		breaks,
		min,
		colours,
		classOf(value) {
			if (!isNumber(value)) return -1;
			const i = breaks.findIndex((b) => value <= b);
			return i < 0 ? breaks.length - 1 : i;
		}
	};
}

// ---------------------------------------------------------------------------
// Contrast

function luminance(hex: string): number {
	const n = parseInt(hex.replace('#', ''), 16);
	const channel = (c: number) => {
		const s = c / 255;
		return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
	};
	return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}

/** WCAG contrast ratio of two colours (#rrggbb). */
export function contrast(a: string, b: string): number {
	const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
	return (l1 + 0.05) / (l2 + 0.05);
}

/** The text colour (near-black or white) that reads best on this fill. */
export function textOn(fill: string): string {
	return contrast(fill, '#161616') >= contrast(fill, '#ffffff') ? '#161616' : '#ffffff';
}
