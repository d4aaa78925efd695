import { describe, expect, it } from 'vitest';
import {
	allowedEvents,
	clockDue,
	REFERRAL_STATUSES,
	TERMINAL,
	transition,
	type EventType,
	type ReferralActor,
	type ReferralEvent,
	type ReferralStatus
} from './model.ts';

const EVENTS: Record<EventType, ReferralEvent> = {
	study: { type: 'study', by: 'place' },
	accept: { type: 'accept', by: 'place' },
	decline: { type: 'decline', by: 'place', reason: 'full' },
	honour: { type: 'honour', by: 'place' },
	no_show: { type: 'no_show', by: 'place' },
	expire: { type: 'expire', by: 'system' },
	withdraw: { type: 'withdraw', by: 'person' }
};

/** The whole table, written out: every status × every event (null: refused). */
const EXPECTED: Record<ReferralStatus, Record<EventType, ReferralStatus | null>> = {
	sent: { study: 'under_study', accept: 'accepted', decline: 'declined', honour: null, no_show: null, expire: 'expired', withdraw: 'withdrawn' },
	under_study: { study: null, accept: 'accepted', decline: 'declined', honour: null, no_show: null, expire: 'expired', withdraw: 'withdrawn' },
	accepted: { study: null, accept: null, decline: 'declined', honour: 'honoured', no_show: 'no_show', expire: null, withdraw: 'withdrawn' },
	declined: { study: null, accept: null, decline: null, honour: null, no_show: null, expire: null, withdraw: null },
	honoured: { study: null, accept: null, decline: null, honour: null, no_show: null, expire: null, withdraw: null },
	no_show: { study: null, accept: null, decline: null, honour: null, no_show: null, expire: null, withdraw: null },
	expired: { study: null, accept: null, decline: null, honour: null, no_show: null, expire: null, withdraw: null },
	withdrawn: { study: null, accept: null, decline: null, honour: null, no_show: null, expire: null, withdraw: null }
};

describe('the referral state machine', () => {
	for (const status of REFERRAL_STATUSES) {
		it(`from « ${status} »: every event, allowed or refused`, () => {
			const got = Object.fromEntries(
				(Object.keys(EVENTS) as EventType[]).map((e) => {
					const r = transition(status, EVENTS[e]);
					return [e, r.ok ? r.status : null];
				})
			);
			expect(got).toEqual(EXPECTED[status]);
		});
	}

	it('explains a refused transition in French', () => {
		expect(transition('honoured', EVENTS.withdraw)).toEqual({ ok: false, message: 'Une orientation « Honorée » ne peut pas être retirée.' });
	});

	it('checks who acts: the place answers, the person or the prescriber withdraw, the clock expires', () => {
		expect(transition('sent', { type: 'accept', by: 'person' } as unknown as ReferralEvent).ok).toBe(false);
		expect(transition('sent', { type: 'expire', by: 'place' } as unknown as ReferralEvent).ok).toBe(false);
		expect(transition('sent', { type: 'withdraw', by: 'place' } as unknown as ReferralEvent).ok).toBe(false);
		expect(transition('accepted', { type: 'honour', by: 'system' })).toEqual({ ok: true, status: 'honoured' });
		expect(transition('sent', { type: 'decline', by: 'place', reason: 'nope' } as unknown as ReferralEvent)).toEqual({
			ok: false,
			message: 'Choisissez la raison du refus.'
		});
	});

	it('lists the buttons each actor gets', () => {
		const who: ReferralActor[] = ['place', 'person', 'prescriber', 'system'];
		expect(Object.fromEntries(who.map((w) => [w, allowedEvents('sent', w)]))).toEqual({
			place: ['study', 'accept', 'decline'],
			person: ['withdraw'],
			prescriber: ['withdraw'],
			system: ['expire']
		});
		expect(allowedEvents('accepted', 'place')).toEqual(['honour', 'no_show', 'decline']);
		expect(TERMINAL).toEqual(['declined', 'honoured', 'no_show', 'expired', 'withdrawn']);
	});
});

describe('the clock: reminders at day 10 and 20, expiry at day 30', () => {
	const sentAt = new Date('2026-11-01T10:00:00Z');
	const at = (days: number) => new Date(sentAt.getTime() + days * 86_400_000);
	it('asks nothing before day 10', () => {
		expect(clockDue({ status: 'sent', sentAt, remindersSent: 0 }, at(9.9))).toEqual({ expire: false, reminders: [] });
	});
	it('reminds at day 10, then at day 20, once each', () => {
		expect(clockDue({ status: 'sent', sentAt, remindersSent: 0 }, at(10))).toEqual({ expire: false, reminders: [10] });
		expect(clockDue({ status: 'under_study', sentAt, remindersSent: 1 }, at(15))).toEqual({ expire: false, reminders: [] });
		expect(clockDue({ status: 'under_study', sentAt, remindersSent: 1 }, at(20))).toEqual({ expire: false, reminders: [20] });
		expect(clockDue({ status: 'sent', sentAt, remindersSent: 2 }, at(25))).toEqual({ expire: false, reminders: [] });
	});
	it('after a pause, sends the latest reminder due, not a burst', () => {
		expect(clockDue({ status: 'sent', sentAt, remindersSent: 0 }, at(21))).toEqual({ expire: false, reminders: [20] });
	});
	it('expires at day 30 without an answer, never once answered', () => {
		expect(clockDue({ status: 'sent', sentAt, remindersSent: 2 }, at(30))).toEqual({ expire: true, reminders: [] });
		for (const status of ['accepted', 'declined', 'honoured', 'withdrawn'] as const)
			expect(clockDue({ status, sentAt, remindersSent: 0 }, at(45))).toEqual({ expire: false, reminders: [] });
	});
});

describe('a decline reason', () => {
	it('is one of the list, not the name of a built-in property', () => {
		for (const reason of ['__proto__', 'constructor', 'toString'])
			expect(transition('sent', { type: 'decline', by: 'place', reason } as ReferralEvent)).toEqual({ ok: false, message: 'Choisissez la raison du refus.' });
	});
});
