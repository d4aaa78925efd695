import { describe, expect, it } from 'vitest';
import ical, { type VEvent } from 'node-ical';
import { eventUid, feedIcs, luxonWallClock, registrantIcs, wallClock, type CalendarSession } from './calendar.ts';

const owner = { origin: 'https://maillage.example.fr', instanceName: 'Réseau numérique 47', fromEmail: 'ne-pas-repondre@maillage.example.fr' };
const session = (over: Partial<CalendarSession> = {}): CalendarSession => ({
	id: '0b7e6c1a-2f1d-4c55-9a0e-3d2b8f6a1c11',
	title: 'Accompagner les démarches en ligne',
	// the first weekday of summer time 2027 (the change is on Sunday 28 March), and a winter afternoon
	slots: [
		{ day: '2027-03-26', startTime: '14:00', endTime: '17:00' },
		{ day: '2027-03-29', startTime: '09:00', endTime: '12:00' }
	],
	location: 'Médiathèque Lacépède, 1 place Armand Fallières, 47000 Agen',
	url: null,
	sequence: 0,
	cancelled: false,
	...over
});
const attendee = { email: 'camille@example.fr', name: 'Camille Martin' };

const events = (text: string) =>
	Object.values(ical.sync.parseICS(text))
		.filter((c): c is VEvent => c?.type === 'VEVENT')
		.sort((a, b) => a.start.getTime() - b.start.getTime());

describe('the .ics of a registration (parsed back by node-ical)', () => {
	it('REQUEST: one event per half-day, a stable UID, TZID Europe/Paris and the right hours across the change of time', () => {
		const text = registrantIcs({ session: session(), method: 'REQUEST', owner, attendee });
		expect(text).toContain('METHOD:REQUEST');
		expect(text).toContain('BEGIN:VTIMEZONE');
		expect(text).toMatch(/DTSTART;TZID=Europe\/Paris:20270329T090000\r\n/);
		expect(text).toMatch(/DTSTART;TZID=Europe\/Paris:20270326T140000\r\n/);
		const [friday, monday] = events(text);
		expect(friday.uid).toBe(eventUid(owner.origin, session().id, 1));
		expect(monday.uid).toBe('training-0b7e6c1a-2f1d-4c55-9a0e-3d2b8f6a1c11-2@maillage.example.fr');
		// winter (UTC+1) then summer (UTC+2)
		expect(friday.start.toISOString()).toBe('2027-03-26T13:00:00.000Z');
		expect(monday.start.toISOString()).toBe('2027-03-29T07:00:00.000Z');
		expect(monday.end!.toISOString()).toBe('2027-03-29T10:00:00.000Z');
		expect((monday.start as { tz?: string }).tz).toBe('Europe/Paris');
		expect(Number(monday.sequence)).toBe(0);
		expect(monday.status).toBe('CONFIRMED');
		expect(monday.location).toBe('Médiathèque Lacépède, 1 place Armand Fallières, 47000 Agen');
		expect(monday.summary).toBe('Accompagner les démarches en ligne (2/2)');
	});

	it('a change keeps the UIDs and carries the session’s SEQUENCE; the webinar’s link as URL', () => {
		const before = events(registrantIcs({ session: session(), method: 'REQUEST', owner, attendee }));
		const after = events(
			registrantIcs({
				session: session({ sequence: 1, slots: [{ day: '2027-04-02', startTime: '09:30', endTime: '12:00' }], url: 'https://visio.example.fr/abc' }),
				method: 'REQUEST',
				owner,
				attendee
			})
		);
		expect(after[0].uid).toBe(before[0].uid);
		expect(Number(after[0].sequence)).toBe(1);
		expect(after[0].start.toISOString()).toBe('2027-04-02T07:30:00.000Z');
		const url = after[0].url as unknown as string | { val: string };
		expect(typeof url === 'string' ? url : url.val).toBe('https://visio.example.fr/abc');
		expect(after[0].summary).toBe('Accompagner les démarches en ligne');
	});

	it('CANCEL: METHOD:CANCEL and STATUS:CANCELLED on every event', () => {
		const text = registrantIcs({ session: session({ sequence: 2 }), method: 'CANCEL', owner, attendee });
		expect(text).toContain('METHOD:CANCEL');
		const parsed = events(text);
		expect(parsed).toHaveLength(2);
		for (const e of parsed) {
			expect(e.status).toBe('CANCELLED');
			expect(Number(e.sequence)).toBe(2);
		}
	});
});

describe('a feed', () => {
	it('METHOD:PUBLISH, no attendee, cancelled sessions marked', () => {
		const text = feedIcs({ name: 'Mes formations', sessions: [session(), session({ id: '1b7e6c1a-2f1d-4c55-9a0e-3d2b8f6a1c11', cancelled: true })], owner });
		expect(text).toContain('METHOD:PUBLISH');
		expect(text).not.toContain('ATTENDEE');
		expect(text).not.toContain('ORGANIZER');
		const parsed = events(text);
		expect(parsed).toHaveLength(4);
		expect(parsed.filter((e) => e.status === 'CANCELLED')).toHaveLength(2);
	});
});

describe('RFC 5545 details a strict reader checks', () => {
	it('DTSTAMP in UTC with its Z, every line ended by CRLF including the last (a feed and an e-mail’s .ics)', () => {
		const now = new Date('2027-03-01T08:30:15Z');
		for (const text of [
			feedIcs({ name: 'Mes formations', sessions: [session()], owner, now }),
			registrantIcs({ session: session(), method: 'CANCEL', owner, attendee, now })
		]) {
			const stamps = text.split('\r\n').filter((l) => l.startsWith('DTSTAMP'));
			expect(stamps).toEqual(['DTSTAMP:20270301T083015Z', 'DTSTAMP:20270301T083015Z']);
			expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
			expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
			expect(events(text)[0].dtstamp.toISOString()).toBe('2027-03-01T08:30:15.000Z');
		}
	});
});

describe('the Paris wall-clock times handed to ical-generator', () => {
	it('are the instants luxon gives, every half hour of days around both changes of time and across a year', () => {
		const days = ['2027-01-04', '2027-03-27', '2027-03-28', '2027-03-29', '2027-06-30', '2027-10-30', '2027-10-31', '2027-11-01', '2028-03-26', '2028-10-29'];
		for (const day of days)
			for (let h = 0; h < 24; h++)
				for (const m of ['00', '30']) {
					const time = `${String(h).padStart(2, '0')}:${m}`;
					// the hour that does not exist in Paris (spring forward) is the only one left out
					if ((day === '2027-03-28' || day === '2028-03-26') && h === 2) continue;
					expect(wallClock(day, time).toInstant().epochMilliseconds, `${day} ${time}`).toBe(luxonWallClock(day, time).toMillis());
				}
	});
});
