/**
 * Per-Département theme: builds the small stylesheet served at /theme.css from the
 * instance's colours, correcting them when needed so that text keeps AA contrast
 * (4.5:1 against white for links and button labels).
 */

export interface ThemeInput {
	colorPrimary?: string | null;
	colorAccent?: string | null;
}

type Rgb = [number, number, number];

const HEX = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i;

export function parseHex(value: string | null | undefined): Rgb | null {
	const m = HEX.exec((value ?? '').trim());
	if (!m) return null;
	let h = m[1];
	if (h.length === 3) h = [...h].map((c) => c + c).join('');
	return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as Rgb;
}

export function toHex([r, g, b]: Rgb): string {
	return (
		'#' +
		[r, g, b]
			.map((c) =>
				Math.round(Math.min(255, Math.max(0, c)))
					.toString(16)
					.padStart(2, '0')
			)
			.join('')
	);
}

function luminance([r, g, b]: Rgb): number {
	const lin = (c: number) => {
		const s = c / 255;
		return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
	};
	return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrast(a: Rgb, b: Rgb): number {
	const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
	return (hi + 0.05) / (lo + 0.05);
}

const WHITE: Rgb = [255, 255, 255];

function mix(a: Rgb, b: Rgb, t: number): Rgb {
	return [0, 1, 2].map((i) => a[i] + (b[i] - a[i]) * t) as Rgb;
}

/** Darkens a colour step by step until it reaches `ratio` against white. */
export function darkenTo(color: Rgb, ratio: number): Rgb {
	let c = color;
	for (let i = 0; i < 40 && contrast(c, WHITE) < ratio; i++) c = mix(c, [0, 0, 0], 0.05);
	return c;
}

const DEFAULT_PRIMARY: Rgb = [11, 79, 138];
const DEFAULT_ACCENT: Rgb = [179, 64, 0];

export function themeCss(input: ThemeInput): string {
	const primary = darkenTo(parseHex(input.colorPrimary) ?? DEFAULT_PRIMARY, 5.3);
	const accent = darkenTo(parseHex(input.colorAccent) ?? DEFAULT_ACCENT, 3.1);
	const hover = mix(primary, [0, 0, 0], 0.25);
	const soft = mix(primary, WHITE, 0.93);
	const accentSoft = mix(accent, WHITE, 0.93);
	return (
		`:root{--primary:${toHex(primary)};--primary-hover:${toHex(hover)};--on-primary:#fff;` +
		`--primary-soft:${toHex(soft)};--accent:${toHex(accent)};--accent-soft:${toHex(accentSoft)}}\n`
	);
}
