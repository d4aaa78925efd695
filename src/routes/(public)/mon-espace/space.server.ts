/**
 * What the pages of Mon espace share: the headers of a private page, the person's
 * referrals as they see them, and "Annuler cette orientation" in two steps.
 */
import type { RequestEvent } from '@sveltejs/kit';
import type { Database } from '#lib/server/db/client.ts';
import { personReferrals, withdrawByPerson } from '#lib/server/referral/index.ts';
import { formatAppointment, formatDate } from '#lib/components/format.ts';
import { personFirstName, type PersonSession } from '#lib/server/beneficiaries/index.ts';
import { weekTable } from '#lib/server/places/index.ts';
import { loadInstance } from '#lib/components/instance.server.ts';
import type { PersonReferralItem } from '#lib/components/PersonReferrals.svelte';
import { publicOrigin } from '#lib/server/web/origin.ts';
import { formFailure } from '#lib/server/web/errors.ts';

/**
 * Not cached, not indexed, and the address (a link's token) never sent as a Referer to
 * another site. 'same-origin', not 'no-referrer': with 'no-referrer' browsers send
 * `Origin: null` on the page's own form posts, and SvelteKit's CSRF check refuses them.
 */
export const PRIVATE_HEADERS = { 'cache-control': 'private, no-store', 'referrer-policy': 'same-origin', 'x-robots-tag': 'noindex' };

export async function referralsView(database: Database, beneficiaryIds: string[]): Promise<PersonReferralItem[]> {
	const list = await personReferrals(database, beneficiaryIds);
	return list.map((r) => ({
		id: r.id,
		reference: r.reference,
		statusLabel: r.statusLabel,
		sentOn: formatDate(r.sentAt),
		// an appointment to come only: once honoured (or closed), "votre rendez-vous" would cite a past or other date
		appointment: r.appointmentAt && r.status === 'accepted' ? formatAppointment(r.appointmentAt) : null,
		from: r.from,
		canWithdraw: r.canWithdraw,
		documentsHref: r.canJoinDocuments ? `/mon-espace/orientations/${r.id}/documents` : null,
		place: { ...r.place, week: weekTable(r.place.horaires) }
	}));
}

/** First submit: asks to confirm; second (confirmer=1): cancels and says so. */
export async function withdraw(database: Database, session: PersonSession, event: Pick<RequestEvent, 'request' | 'url' | 'locals'>) {
	const f = await event.request.formData();
	const referralId = String(f.get('referralId') ?? '').slice(0, 64);
	if (f.get('confirmer') !== '1') return { confirmId: referralId };
	try {
		const instance = await loadInstance();
		await withdrawByPerson(database, session, referralId, { origin: publicOrigin(), instanceName: instance.name }, event.locals.ip);
		return { withdrawn: true as const };
	} catch (e) {
		// said under the referral, not at the top of the page
		return formFailure(e, (d) => ({ withdrawError: d.message }));
	}
}

/** The person's first name, for the header of Mon espace (the first of their records that has one). */
export async function firstNameOf(database: Database, beneficiaryIds: string[]): Promise<string | null> {
	return personFirstName(database.db, { beneficiaryIds });
}
