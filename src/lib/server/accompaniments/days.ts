/**
 * Days of accompaniments: Paris wall-clock days as 'YYYY-MM-DD' from the one time module
 * (src/lib/time.ts), said in French by the one set of formatters; durations in French.
 */
import { monthOf, oneYearBefore, parisDay, parseDay } from '../../time.ts';
import { dayLabel } from '../../components/format.ts';

/** Today in Paris, whatever the server's time zone. */
export const todayInParis = (now = new Date()): string => parisDay(now);

export { parseDay, oneYearBefore };

export const firstOfMonth = monthOf;

/** '2026-11-01' → '1er novembre 2026' */
export const dayInFrench = dayLabel;

/** 30 → '30 min', 60 → '1 h', 90 → '1 h 30', 600 → '10 h' */
export function formatMinutes(minutes: number): string {
	if (minutes < 60) return `${minutes} min`;
	const h = Math.floor(minutes / 60);
	const m = minutes % 60;
	return m ? `${h} h ${String(m).padStart(2, '0')}` : `${h} h`;
}
