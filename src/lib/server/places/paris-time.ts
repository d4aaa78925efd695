/**
 * Europe/Paris wall-clock time, whatever the server's TZ: today's date in Paris, the
 * wall-clock fields of an instant and back, the minute of the week (opening hours).
 */
export const PARIS_TIME_ZONE = 'Europe/Paris';
const DAY_MINUTES = 1440;

const PARIS_FORMAT = new Intl.DateTimeFormat('en-GB', {
	timeZone: PARIS_TIME_ZONE,
	year: 'numeric',
	month: 'numeric',
	day: 'numeric',
	hour: 'numeric',
	minute: 'numeric',
	second: 'numeric',
	weekday: 'short',
	hourCycle: 'h23'
});
const WEEKDAY_MON0: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

interface WallClock {
	year: number;
	month: number; // 1-12
	day: number;
	hour: number;
	minute: number;
	second: number;
	/** 0 = Monday … 6 = Sunday */
	weekday: number;
}

/** The Europe/Paris wall-clock fields of an instant. */
export function parisWallClock(instant: Date | number): WallClock {
	const w: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, weekday: 0 };
	for (const p of PARIS_FORMAT.formatToParts(instant)) {
		switch (p.type) {
			case 'year':
				w.year = +p.value;
				break;
			case 'month':
				w.month = +p.value;
				break;
			case 'day':
				w.day = +p.value;
				break;
			case 'hour':
				w.hour = +p.value;
				break;
			case 'minute':
				w.minute = +p.value;
				break;
			case 'second':
				w.second = +p.value;
				break;
			case 'weekday':
				w.weekday = WEEKDAY_MON0[p.value] ?? 0;
				break;
		}
	}
	return w;
}

/** Paris offset from UTC at an instant, in ms. */
function parisOffset(t: number): number {
	const w = parisWallClock(t);
	return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(t / 1000) * 1000;
}

/** The instant at which Paris wall-clock shows these fields (in a DST gap: the time after it). */
export function parisInstant(year: number, month0: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): Date {
	const asUtc = Date.UTC(year, month0, day, hour, minute, second, ms);
	const off1 = parisOffset(asUtc);
	let t = asUtc - off1;
	const off2 = parisOffset(t);
	if (off2 !== off1) t = asUtc - off2;
	return new Date(t);
}

/** A Date whose *local* fields are the Paris wall-clock time of the instant. */
export function toFakeLocal(instant: Date): Date {
	const w = parisWallClock(instant);
	return new Date(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, instant.getTime() - Math.floor(instant.getTime() / 1000) * 1000);
}

/** The instant whose Paris wall-clock time a fake local Date's fields hold (toFakeLocal's reverse). */
export function fromFakeLocal(fake: Date): Date {
	return parisInstant(fake.getFullYear(), fake.getMonth(), fake.getDate(), fake.getHours(), fake.getMinutes(), fake.getSeconds(), fake.getMilliseconds());
}

/** Minutes since Monday 00:00, Paris time (0 … 10079). */
export function minuteOfWeek(now: Date): number {
	const w = parisWallClock(now);
	return w.weekday * DAY_MINUTES + w.hour * 60 + w.minute;
}

const PARIS_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: PARIS_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today's date in Paris, YYYY-MM-DD. */
export function parisToday(now: Date = new Date()): string {
	return PARIS_DAY.format(now);
}
