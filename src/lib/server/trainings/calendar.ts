/**
 * Calendars (issue 17, item 3): the sessions as iCalendar (RFC 5545), built with
 * ical-generator. Pure: no database here.
 *
 * - An e-mail's .ics says METHOD:REQUEST (a seat confirmed, a session changed) or
 *   METHOD:CANCEL (the registration cancelled, the session cancelled); a feed says
 *   METHOD:PUBLISH.
 * - One VEVENT per half-day slot, its UID stable: `training-<session id>-<n>@<host>`, n the
 *   slot's rank in the session (1, 2…); SEQUENCE is the session's counter
 *   (`training_sessions.ics_sequence`, incremented with every change of its dates, place or
 *   link), so that a calendar replaces the entry it holds.
 * - Times are Paris wall-clock times with TZID=Europe/Paris and the zone's VTIMEZONE
 *   (decision 0013): never floating, never UTC only. They go through luxon with the zone
 *   named, never through the process's local time.
 */
import { ICalCalendarMethod, ICalEventStatus, default as ical } from 'ical-generator';
import { DateTime } from 'luxon';
import type { SlotTimes } from './model.ts';

export const PARIS = 'Europe/Paris';

/** Europe/Paris's rules since 1996 (EU summer time: last Sunday of March 02:00 → last Sunday of October 03:00). */
const PARIS_VTIMEZONE = [
	'BEGIN:VTIMEZONE',
	'TZID:Europe/Paris',
	'X-LIC-LOCATION:Europe/Paris',
	'BEGIN:DAYLIGHT',
	'TZOFFSETFROM:+0100',
	'TZOFFSETTO:+0200',
	'TZNAME:CEST',
	'DTSTART:19700329T020000',
	'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
	'END:DAYLIGHT',
	'BEGIN:STANDARD',
	'TZOFFSETFROM:+0200',
	'TZOFFSETTO:+0100',
	'TZNAME:CET',
	'DTSTART:19701025T030000',
	'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
	'END:STANDARD',
	'END:VTIMEZONE'
].join('\r\n');

const timezone = { name: PARIS, generator: (tz: string) => (tz === PARIS ? PARIS_VTIMEZONE : null) };

/** A Paris day and wall-clock time, as luxon reads it in the zone (the reference the fast path is checked against, calendar.test.ts). */
export const luxonWallClock = (day: string, time: string) => DateTime.fromISO(`${day}T${time}`, { zone: PARIS });

/**
 * A Paris wall-clock time handed to ical-generator in the shape of a Temporal.ZonedDateTime
 * in Europe/Paris (the fields it reads: the zone's id, year… second, toPlainDateTime), so
 * that it writes `DTSTART;TZID=Europe/Paris:20270104T090000` from the fields as they are:
 * the slots are Paris wall-clock times already, no zone arithmetic is needed (luxon's took
 * most of a feed's build, docs/benchmarks.md). The same text as luxon's for every time that
 * exists in Paris (calendar.test.ts compares them); a slot never starts in the spring-forward
 * hour (02:00–03:00 on a Sunday night).
 */
class ParisWallClock {
	readonly timeZoneId = PARIS;
	readonly second = 0;
	constructor(
		readonly year: number,
		readonly month: number,
		readonly day: number,
		readonly hour: number,
		readonly minute: number
	) {}
	withTimeZone(zone: string): ParisWallClock {
		if (zone !== PARIS) throw new Error(`only ${PARIS} wall-clock times`);
		return this;
	}
	toPlainDateTime() {
		const { year, month, day, hour, minute, second } = this;
		return {
			year,
			month,
			day,
			hour,
			minute,
			second,
			toPlainDate: () => ({ year, month, day }),
			toZonedDateTime: () => this
		};
	}
	/** what ical-generator compares start and end with (the instant: EU summer time's rule, as PARIS_VTIMEZONE says) */
	toInstant(): { epochMilliseconds: number } {
		const asUtc = Date.UTC(this.year, this.month - 1, this.day, this.hour, this.minute);
		const lastSunday = (month: number) => {
			const last = new Date(Date.UTC(this.year, month, 0));
			return Date.UTC(this.year, month - 1, last.getUTCDate() - last.getUTCDay(), 1);
		};
		const winter = asUtc - 3_600_000;
		const summer = winter >= lastSunday(3) && winter < lastSunday(10);
		return { epochMilliseconds: asUtc - (summer ? 7_200_000 : 3_600_000) };
	}
}

export const wallClock = (day: string, time: string) =>
	new ParisWallClock(Number(day.slice(0, 4)), Number(day.slice(5, 7)), Number(day.slice(8, 10)), Number(time.slice(0, 2)), Number(time.slice(3, 5)));

export interface CalendarSession {
	id: string;
	title: string;
	slots: readonly SlotTimes[];
	/** the place's name and address, or « En ligne » */
	location: string;
	/** the webinar's link: only in what goes to someone with a seat (or their organisers) */
	url: string | null;
	sequence: number;
	/** the session cancelled (STATUS:CANCELLED) */
	cancelled: boolean;
	/** a few lines (the registration's link, the seats for an organiser) */
	description?: string;
}

export interface CalendarOwner {
	/** the instance's public address: its host names the UIDs */
	origin: string;
	instanceName: string;
	/** the address the e-mails come from (the ORGANIZER of a REQUEST) */
	fromEmail?: string;
}

/**
 * What ical-generator leaves to fix for RFC 5545: with the calendar's time zone set, it writes
 * DTSTAMP's UTC digits without their `Z` (a reader would take them for local time; §3.8.7.2
 * wants UTC), and it ends the file without the last line's CRLF (§3.1: every line ends so).
 */
export const finished = (text: string) => text.replace(/^DTSTAMP:(\d{8}T\d{6})(?=\r?$)/gm, 'DTSTAMP:$1Z').replace(/(?<!\r\n)$/, '\r\n');

export const eventUid = (origin: string, sessionId: string, n: number) => `training-${sessionId}-${n}@${new URL(origin).host}`;

function addSession(
	cal: ReturnType<typeof ical>,
	s: CalendarSession,
	owner: CalendarOwner,
	opts: { cancelled: boolean; attendee?: { email: string; name: string }; now: Date }
) {
	s.slots.forEach((slot, i) => {
		const event = cal.createEvent({
			id: eventUid(owner.origin, s.id, i + 1),
			sequence: s.sequence,
			stamp: opts.now,
			start: wallClock(slot.day, slot.startTime) as never,
			end: wallClock(slot.day, slot.endTime) as never,
			timezone: PARIS,
			summary: s.slots.length > 1 ? `${s.title} (${i + 1}/${s.slots.length})` : s.title,
			location: s.location || null,
			url: s.url,
			description: s.description ?? null,
			status: opts.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED
		});
		if (owner.fromEmail) event.organizer({ name: owner.instanceName, email: owner.fromEmail });
		if (opts.attendee) event.createAttendee({ email: opts.attendee.email, name: opts.attendee.name });
	});
}

/**
 * The .ics an e-mail carries for one registrant: REQUEST (a seat, a change) or CANCEL (their
 * registration cancelled, or the session). `url` should be null unless they have a seat.
 */
export function registrantIcs(p: {
	session: CalendarSession;
	method: 'REQUEST' | 'CANCEL';
	owner: CalendarOwner;
	attendee: { email: string; name: string };
	now?: Date;
}): string {
	const cal = ical({ name: p.owner.instanceName, prodId: { company: 'maillage', product: 'formations', language: 'FR' }, timezone });
	cal.method(p.method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST);
	addSession(cal, p.session, p.owner, { cancelled: p.method === 'CANCEL' || p.session.cancelled, attendee: p.attendee, now: p.now ?? new Date() });
	return finished(cal.toString());
}

/** A feed (METHOD:PUBLISH): every session given, cancelled ones marked so. No attendee. */
export function feedIcs(p: { name: string; sessions: readonly CalendarSession[]; owner: CalendarOwner; now?: Date }): string {
	const cal = ical({ name: p.name, prodId: { company: 'maillage', product: 'formations', language: 'FR' }, timezone, ttl: 3600 });
	cal.method(ICalCalendarMethod.PUBLISH);
	const now = p.now ?? new Date();
	for (const s of p.sessions) addSession(cal, s, { ...p.owner, fromEmail: undefined }, { cancelled: s.cancelled, now });
	return finished(cal.toString());
}
