/**
 * Mon espace's home: a few cards with counts and the next thing to do (a referral
 * awaiting, a voucher soon to end, papers asked for).
 */
import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { personReferrals } from '#lib/server/referral/index.ts';
import { personPasses } from '#lib/server/pass/index.ts';
import { personGrants } from '#lib/server/beneficiaries/index.ts';
import { personRequests, vaultSummary } from '#lib/server/vault/index.ts';
import { formatAppointment, formatDate } from '#lib/components/format.ts';
import { addDays, parisDay } from '#lib/time.ts';

export const csr = false;

/** A voucher that ends within this many days is said first. */
const SOON_DAYS = 30;

export const load: PageServerLoad = async ({ locals }) => {
	const ids = locals.person!.beneficiaryIds;
	const database = await getDatabase();
	const today = parisDay();
	const [referrals, passes, grants, vault, requests] = await Promise.all([
		personReferrals(database, ids),
		personPasses(database.db, ids, today),
		personGrants(database.db, ids),
		vaultSummary(database, ids),
		personRequests(database, ids)
	]);
	const open = referrals.filter((r) => ['sent', 'under_study', 'accepted'].includes(r.status));
	const next = open.find((r) => r.status === 'accepted' && r.appointmentAt) ?? open[0] ?? null;
	const usable = passes.filter((p) => p.state === 'usable');
	const soon = usable.find((p) => p.lastDay <= addDays(today, SOON_DAYS)) ?? null;
	return {
		referrals: {
			open: open.length,
			all: referrals.length,
			next: next
				? {
						place: next.place.nom,
						status: next.statusLabel,
						appointment: next.status === 'accepted' && next.appointmentAt ? formatAppointment(next.appointmentAt) : null
					}
				: null
		},
		passes: { usable: usable.length, soon: soon ? { until: formatDate(soon.lastDay) } : null },
		consents: (grants.consent ?? []).filter((g) => g.inForce).length,
		mandates: (grants.mandate ?? []).filter((g) => g.inForce).length,
		// the vault open at a counter right now (to one professional, for a few minutes)
		vaultOpen: (grants.vault_presence ?? []).some((g) => g.inForce),
		vault: { ...vault, asked: requests.filter((q) => q.status === 'open').map((q) => ({ organisation: q.organisation, typeLabel: q.typeLabel })) }
	};
};
