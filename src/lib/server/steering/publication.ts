/**
 * When a month's figures are published (docs/decisions/0018), pure: a month is shown on the
 * steering pages from the 5th of the month after, midnight in Paris (the days between leave
 * the teams time to record the month's last accompaniments). Before that it is not shown at
 * all, so that the period under way never grows a day at a time before the readers' eyes;
 * after that its figures never change (facts.ts: a late record counts in the month it was
 * recorded in).
 */
import { addDays, nextMonth, parisDay, parisMidnight, previousMonth, monthOf } from '../../time.ts';

/** the day of the month after on which a month is published */
export const PUBLICATION_DAY = 5;

/** The instant a month ('2026-11-01') is published: 5 December 2026, 00:00 in Paris. */
export function publicationInstant(month: string): Date {
	return parisMidnight(addDays(nextMonth(month), PUBLICATION_DAY - 1));
}

/** The last published month at `now` ('2026-11-01' from 5 December 2026). */
export function lastPublishedMonth(now: Date = new Date()): string {
	const previous = previousMonth(monthOf(parisDay(now)));
	return publicationInstant(previous) <= now ? previous : previousMonth(previous);
}

/** Of a period's months, those published at `now`. */
export function publishedMonths(months: readonly string[], now: Date = new Date()): string[] {
	const last = lastPublishedMonth(now);
	return months.filter((m) => m <= last);
}
