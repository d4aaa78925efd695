/**
 * The text said with every chart (issue 16, item 7), pure: what a reader should take from
 * it in two or three sentences — the range, the median, the highest units, what is masked or
 * missing. It is the SVG's `<desc>` and the paragraph under it.
 */
import type { BarDatum, ChartValue, LineSeries } from './types.ts';
import { isNumber } from './scale.ts';
import { monthLabel } from '../format.ts';

const NBSP = '\u00a0';
/** What a masked figure reads (stats/small-counts.ts's MASKED). */
export const MASKED_LABEL = 'masqué';
export const MISSING_LABEL = 'sans donnée';

const defaultNumber = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

/** A number in French (« 1 234,5 »), or « masqué », or « sans donnée ». */
export function valueLabel(value: ChartValue, format: (n: number) => string = (n) => defaultNumber.format(n)): string {
	if (value === 'masked') return MASKED_LABEL;
	if (!isNumber(value)) return MISSING_LABEL;
	return format(value);
}

export function median(values: readonly number[]): number | null {
	if (!values.length) return null;
	const s = [...values].sort((a, b) => a - b);
	const m = Math.floor(s.length / 2);
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** « A, B et C » */
export function listFr(items: readonly string[]): string {
	if (items.length <= 1) return items.join('');
	return `${items.slice(0, -1).join(', ')} et ${items[items.length - 1]}`;
}

const plural = (n: number, one: string, many: string) => `${defaultNumber.format(n)} ${n > 1 ? many : one}`;

export interface Named {
	name: string;
	value: ChartValue;
}

export interface SummaryWords {
	/** the units, singular and plural: « commune », « communes » */
	unit: [string, string];
	/** what the value is: « lieux pour 10 000 habitants » (after the number) */
	measure: string;
	format?: (n: number) => string;
	/** feminine units (« communes masquées »): default true, most French units are */
	feminine?: boolean;
	/** how many of the highest to name (default 3) */
	top?: number;
	/** « les plus éloignées », default « les plus élevées » (feminine) / « les plus élevés » */
	highest?: string;
	/** the same for one: « la plus éloignée » */
	highestOne?: string;
}

/** The masked and missing units, as a sentence (or ''). */
function gaps(items: readonly Named[], w: SummaryWords): string {
	const masked = items.filter((i) => i.value === 'masked').length;
	const missing = items.filter((i) => i.value !== 'masked' && !isNumber(i.value)).length;
	const e = w.feminine === false ? '' : 'e';
	const parts: string[] = [];
	if (masked)
		parts.push(`${plural(masked, w.unit[0], w.unit[1])} masqué${e}${masked > 1 ? 's' : ''} (moins de 5${NBSP}personnes, ou pour protéger un autre chiffre)`);
	if (missing) parts.push(`${plural(missing, w.unit[0], w.unit[1])} sans donnée`);
	return parts.length ? ` ${capitalise(listFr(parts))}.` : '';
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * A map's or a bar chart's summary: « Sur 319 communes, de 0 à 12,5 lieux pour 10 000
 * habitants (médiane 3,1). Les 3 plus élevées : Agen (12,5), Nérac (11) et Marmande (10).
 * 4 communes masquées (…). »
 */
export function rankSummary(items: readonly Named[], w: SummaryWords): string {
	const fmt = w.format ?? ((n: number) => defaultNumber.format(n));
	const shown = items.filter((i): i is { name: string; value: number } => isNumber(i.value));
	const total = plural(items.length, w.unit[0], w.unit[1]);
	if (!items.length) return `Aucun${w.feminine === false ? '' : 'e'} ${w.unit[0]} à montrer.`;
	if (!shown.length) return `Sur ${total}, aucun chiffre ne peut être montré.${gaps(items, w)}`;
	const values = shown.map((s) => s.value);
	const min = Math.min(...values);
	const max = Math.max(...values);
	const med = median(values)!;
	let text =
		min === max
			? `Sur ${total}, ${fmt(min)} ${w.measure} partout où le chiffre est connu.`
			: `Sur ${total}, de ${fmt(min)} à ${fmt(max)} ${w.measure} (médiane ${fmt(med)}).`;
	const top = Math.min(w.top ?? 3, shown.length);
	if (min !== max && top > 0) {
		const best = [...shown].sort((a, b) => b.value - a.value || a.name.localeCompare(b.name, 'fr')).slice(0, top);
		const highest = w.highest ?? (w.feminine === false ? 'les plus élevés' : 'les plus élevées');
		const one = w.highestOne ?? (w.feminine === false ? 'le plus élevé' : 'la plus élevée');
		const head = top === 1 ? capitalise(one) : `Les ${top} ${highest.replace(/^les /, '')}`;
		text += ` ${head}${NBSP}: ${listFr(best.map((b) => `${b.name} (${fmt(b.value)})`))}.`;
	}
	return text + gaps(items, w);
}

/**
 * A funnel's summary: each step and its share of the first (« 120 envoyées, 90 acceptées
 * (75 %) … »), then the outcomes apart.
 */
export function funnelSummary(
	steps: readonly BarDatum[],
	outcomes: readonly BarDatum[] = [],
	format: (n: number) => string = (n) => defaultNumber.format(n)
): string {
	if (!steps.length) return 'Aucune étape à montrer.';
	const first = steps[0].value;
	const pct = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 0 });
	const stepText = steps.map((s, i) => {
		const v = valueLabel(s.value, format);
		const share = i > 0 && isNumber(s.value) && isNumber(first) && first > 0 ? ` (${pct.format(s.value / first)})` : '';
		return `${s.label.toLowerCase()}${NBSP}: ${v}${share}`;
	});
	let text = `${capitalise(stepText.join(', '))}.`;
	if (outcomes.length) text += ` Par ailleurs${NBSP}: ${outcomes.map((o) => `${o.label.toLowerCase()}${NBSP}: ${valueLabel(o.value, format)}`).join(', ')}.`;
	if ([...steps, ...outcomes].some((s) => s.value === 'masked'))
		text += ` Les chiffres masqués concernent moins de 5${NBSP}personnes, ou en protègent un autre.`;
	return text;
}

/** A stacked bar's summary: each segment and its share of the whole. */
export function shareSummary(segments: readonly BarDatum[], format: (n: number) => string = (n) => defaultNumber.format(n)): string {
	const shown = segments.filter((s) => isNumber(s.value)) as { label: string; value: number }[];
	const total = shown.reduce((s, x) => s + x.value, 0);
	if (!segments.length) return 'Rien à montrer.';
	const pct = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 0 });
	const parts = segments.map(
		(s) => `${s.label}${NBSP}: ${valueLabel(s.value, format)}${isNumber(s.value) && total > 0 ? ` (${pct.format(s.value / total)})` : ''}`
	);
	let text = `${capitalise(listFr(parts))}.`;
	if (segments.some((s) => s.value === 'masked')) text += ` Les parts sont calculées sur les chiffres montrés, sans les masqués.`;
	return text;
}

/** A line chart's summary: per series, its first and last month, its range and its peak. */
export function lineSummary(series: readonly LineSeries[], format: (n: number) => string = (n) => defaultNumber.format(n)): string {
	const sentences: string[] = [];
	for (const s of series) {
		const shown = s.points.filter((p): p is { month: string; value: number } => isNumber(p.value));
		const masked = s.points.filter((p) => p.value === 'masked').length;
		if (!s.points.length) continue;
		const from = monthLabel(s.points[0].month);
		const to = monthLabel(s.points[s.points.length - 1].month);
		let text = `${s.label}, de ${from} à ${to}${NBSP}: `;
		if (!shown.length) text += 'aucun chiffre ne peut être montré';
		else {
			const peak = shown.reduce((a, b) => (b.value > a.value ? b : a));
			const low = shown.reduce((a, b) => (b.value < a.value ? b : a));
			const last = shown[shown.length - 1];
			text += `au plus haut ${format(peak.value)} en ${monthLabel(peak.month)}, au plus bas ${format(low.value)} en ${monthLabel(low.month)}, ${format(last.value)} en ${monthLabel(last.month)}`;
		}
		if (masked) text += ` (${plural(masked, 'mois masqué', 'mois masqués')})`;
		sentences.push(`${text}.`);
	}
	return sentences.join(' ') || 'Aucune série à montrer.';
}

/**
 * A grouped bar chart's summary: per series its range and the row where it is highest, then
 * the masked figures: « Sur 4 partenaires, envoyées de 6 à 120 (le plus : CAF, 120) et
 * honorées de 0 à 40 (le plus : CAF, 40). 2 chiffres masqués (…). » One row: its figures.
 */
export function groupSummary(rows: readonly BarDatum[], series: readonly string[], w: SummaryWords): string {
	const fmt = w.format ?? ((n: number) => defaultNumber.format(n));
	if (!rows.length) return `Aucun${w.feminine === false ? '' : 'e'} ${w.unit[0]} à montrer.`;
	const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
	const masked = rows.reduce((n, r) => n + (r.values ?? []).filter((v) => v === 'masked').length, 0);
	const after = masked ? ` ${plural(masked, 'chiffre masqué', 'chiffres masqués')} (moins de 5${NBSP}personnes, ou pour en protéger un autre).` : '';
	if (rows.length === 1)
		return `${rows[0].label}${NBSP}: ${listFr(series.map((label, s) => `${lower(label)} ${valueLabel(rows[0].values?.[s] ?? null, fmt)}`))}.${after}`;
	const parts = series.map((label, s) => {
		const shown = rows.map((r) => ({ name: r.label, value: r.values?.[s] ?? null })).filter((i): i is { name: string; value: number } => isNumber(i.value));
		const name = lower(label);
		if (!shown.length) return `${name}${NBSP}: aucun chiffre montré`;
		const best = [...shown].sort((a, b) => b.value - a.value || a.name.localeCompare(b.name, 'fr'))[0];
		const min = Math.min(...shown.map((x) => x.value));
		if (shown.length === 1) return `${name} ${fmt(best.value)} pour ${best.name} seulement`;
		if (min === best.value) return `${name} ${fmt(min)} partout où le chiffre est montré`;
		return `${name} de ${fmt(min)} à ${fmt(best.value)} (le plus${NBSP}: ${best.name}, ${fmt(best.value)})`;
	});
	return `Sur ${plural(rows.length, w.unit[0], w.unit[1])}, ${listFr(parts)}.${after}`;
}
