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

/** A Paris day and wall-clock time, as luxon reads it in the zone. */
const wallClock = (day: string, time: string) => DateTime.fromISO(`${day}T${time}`, { zone: PARIS });

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
			start: wallClock(slot.day, slot.startTime),
			end: wallClock(slot.day, slot.endTime),
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
	return cal.toString();
}

/** A feed (METHOD:PUBLISH): every session given, cancelled ones marked so. No attendee. */
export function feedIcs(p: { name: string; sessions: readonly CalendarSession[]; owner: CalendarOwner; now?: Date }): string {
	const cal = ical({ name: p.name, prodId: { company: 'maillage', product: 'formations', language: 'FR' }, timezone, ttl: 3600 });
	cal.method(ICalCalendarMethod.PUBLISH);
	const now = p.now ?? new Date();
	for (const s of p.sessions) addSession(cal, s, { ...p.owner, fromEmail: undefined }, { cancelled: s.cancelled, now });
	return cal.toString();
}
