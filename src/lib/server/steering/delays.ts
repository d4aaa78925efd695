/**
 * Delays kept as histograms (docs/decisions/0018), pure: a median cannot be added up from
 * months or communes, counts per bucket can; the median and the 9th decile are read from the
 * summed buckets, as the bucket they fall in.
 */
import { DELAY_BUCKETS } from './facts-buckets.ts';

/** « moins d’un jour », « 1 jour », « 5 à 6 jours », « 30 jours ou plus » */
export function delayLabel(lower: number): string {
	const i = DELAY_BUCKETS.indexOf(lower as (typeof DELAY_BUCKETS)[number]);
	const upper = DELAY_BUCKETS[i + 1];
	if (lower === 0) return 'moins d’un jour';
	if (upper === undefined) return `${lower}\u00a0jours ou plus`;
	if (upper === lower + 1) return lower === 1 ? '1\u00a0jour' : `${lower}\u00a0jours`;
	return `${lower} à ${upper - 1}\u00a0jours`;
}

/** The bucket (its lower bound) holding the q-quantile of counts per bucket (in DELAY_BUCKETS order); q in (0, 1]. */
export function quantileBucket(counts: readonly number[], q: number): number {
	const total = counts.reduce((a, b) => a + b, 0);
	const rank = Math.ceil(q * total);
	let seen = 0;
	for (let i = 0; i < counts.length; i++) {
		seen += counts[i];
		if (seen >= rank && counts[i] > 0) return DELAY_BUCKETS[i];
	}
	return DELAY_BUCKETS[DELAY_BUCKETS.length - 1];
}
