/**
 * The referral (orientation) state machine, pure: which event may move a referral from
 * which status, by whom, and what the clock does (reminders at day 10 and 20, expiry at
 * day 30 without an answer). Services apply it; the journal records each transition.
 *
 *   sent ──▶ under_study ──▶ accepted ──▶ honoured
 *     │           │             ├──▶ no_show
 *     │           │             └──▶ declined (not reachable…)
 *     ├───────────┴──▶ declined
 *     ├───────────┴──▶ expired   (30 days without an answer: system)
 *     └───────────┴──▶ withdrawn (the person or the prescriber, until it is honoured)
 */

export const REFERRAL_STATUSES = ['sent', 'under_study', 'accepted', 'declined', 'honoured', 'no_show', 'expired', 'withdrawn'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

export const STATUS_LABELS: Record<ReferralStatus, string> = {
	sent: 'Envoyée',
	under_study: 'En cours d’examen',
	accepted: 'Acceptée',
	declined: 'Refusée',
	honoured: 'Honorée',
	no_show: 'Personne non venue',
	expired: 'Expirée sans réponse',
	withdrawn: 'Retirée'
};

/** Why a place declines (never shown to the person). */
export const DECLINE_REASONS = {
	not_reachable: 'Personne injoignable',
	did_not_come: 'Personne non venue',
	not_eligible: 'Ne relève pas de notre accompagnement',
	not_interested: 'Personne pas intéressée',
	full: 'Plus de place disponible',
	duplicate: 'Orientation en double',
	other: 'Autre raison'
} as const;
export type DeclineReason = keyof typeof DECLINE_REASONS;

export type ReferralActor = 'prescriber' | 'place' | 'person' | 'system';

export type ReferralEvent =
	| { type: 'study'; by: 'place' }
	| { type: 'accept'; by: 'place'; appointmentAt?: Date | null }
	| { type: 'decline'; by: 'place'; reason: DeclineReason; note?: string | null }
	| { type: 'honour'; by: 'place' | 'system' }
	| { type: 'no_show'; by: 'place' }
	| { type: 'expire'; by: 'system' }
	| { type: 'withdraw'; by: 'person' | 'prescriber' };

export type EventType = ReferralEvent['type'];

/** status → event → next status (absent: not allowed) */
const TRANSITIONS: Record<ReferralStatus, Partial<Record<EventType, ReferralStatus>>> = {
	sent: { study: 'under_study', accept: 'accepted', decline: 'declined', expire: 'expired', withdraw: 'withdrawn' },
	under_study: { accept: 'accepted', decline: 'declined', expire: 'expired', withdraw: 'withdrawn' },
	accepted: { honour: 'honoured', no_show: 'no_show', decline: 'declined', withdraw: 'withdrawn' },
	declined: {},
	honoured: {},
	no_show: {},
	expired: {},
	withdrawn: {}
};

/** who may send each event */
const ACTORS: Record<EventType, readonly ReferralActor[]> = {
	study: ['place'],
	accept: ['place'],
	decline: ['place'],
	honour: ['place', 'system'],
	no_show: ['place'],
	expire: ['system'],
	withdraw: ['person', 'prescriber']
};

export const TERMINAL: readonly ReferralStatus[] = REFERRAL_STATUSES.filter((s) => Object.keys(TRANSITIONS[s]).length === 0);

export type TransitionResult = { ok: true; status: ReferralStatus } | { ok: false; message: string };

export function transition(status: ReferralStatus, event: ReferralEvent): TransitionResult {
	const next = TRANSITIONS[status]?.[event.type];
	if (!next) return { ok: false, message: `Une orientation « ${STATUS_LABELS[status]} » ne peut pas être ${EVENT_VERBS[event.type]}.` };
	if (!ACTORS[event.type].includes(event.by)) return { ok: false, message: `Cette action n’est pas possible pour vous sur cette orientation.` };
	if (event.type === 'decline' && !Object.hasOwn(DECLINE_REASONS, event.reason)) return { ok: false, message: 'Choisissez la raison du refus.' };
	return { ok: true, status: next };
}

const EVENT_VERBS: Record<EventType, string> = {
	study: 'mise à l’étude',
	accept: 'acceptée',
	decline: 'refusée',
	honour: 'marquée comme honorée',
	no_show: 'marquée « personne non venue »',
	expire: 'expirée',
	withdraw: 'retirée'
};

/** Events a given actor may send now (for the buttons a page shows). */
export function allowedEvents(status: ReferralStatus, by: ReferralActor): EventType[] {
	return (Object.keys(TRANSITIONS[status]) as EventType[]).filter((e) => ACTORS[e].includes(by));
}

// ——— the clock ———

export const REMINDER_DAYS = [10, 20] as const;
export const EXPIRY_DAYS = 30;
const DAY = 86_400_000;

/** Waiting for the place's answer. */
export const AWAITING: readonly ReferralStatus[] = ['sent', 'under_study'];

/**
 * What the clock asks now for a referral sent at `sentAt`: expire it (day 30 without an
 * answer), or send the reminders due and not yet sent (day 10, day 20), or nothing.
 */
export function clockDue(r: { status: ReferralStatus; sentAt: Date; remindersSent: number }, now: Date): { expire: boolean; reminders: number[] } {
	if (!AWAITING.includes(r.status)) return { expire: false, reminders: [] };
	const days = (now.getTime() - r.sentAt.getTime()) / DAY;
	if (days >= EXPIRY_DAYS) return { expire: true, reminders: [] };
	const due = REMINDER_DAYS.filter((d, i) => days >= d && i >= r.remindersSent);
	// a late run sends only the latest reminder due, not a burst
	return { expire: false, reminders: due.length ? [due[due.length - 1]] : [] };
}

// ——— documents joined to a referral (issue 15, item 7) ———

/** Still open: the person may join documents, the place may read them. */
export const OPEN: readonly ReferralStatus[] = ['sent', 'under_study', 'accepted'];

/** An accepted referral: the place has this many days to say how it went (its link lives as long). */
export const ACCEPTED_DAYS = 60;

/**
 * How long the documents joined to a referral may stay shared, at most: until it expires
 * while it waits for an answer (day 30), 60 days after it was accepted once accepted. They
 * end before that when the referral ends (revoked with it); null once it has ended.
 */
export function referralHorizon(r: { status: ReferralStatus; sentAt: Date; statusAt: Date }): Date | null {
	if (AWAITING.includes(r.status)) return new Date(r.sentAt.getTime() + EXPIRY_DAYS * DAY);
	if (r.status === 'accepted') return new Date(r.statusAt.getTime() + ACCEPTED_DAYS * DAY);
	return null;
}

/** Whether the person may join documents to the referral: still open, and sent to a place that can read them (its team, or its link). */
export function documentsJoinable(r: { status: ReferralStatus; delivery: string; toOrganisationId: string | null }): boolean {
	return OPEN.includes(r.status) && !(r.delivery === 'prescriber' && !r.toOrganisationId);
}
