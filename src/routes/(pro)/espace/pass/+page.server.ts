import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { distributableBooklets, formatCode, listAlerts, managedDepartments, myStatements, placeRedemptions } from '#lib/server/pass/index.ts';
import { euros, monthLabel } from '#lib/components/format.ts';

/** The Pass Numérique hub: what each of the actor's roles can do here. */
export const load: PageServerLoad = async ({ locals }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	const roles = new Set(actor.memberships.map((m) => m.role));
	const departments = await managedDepartments(db, actor);
	const prescriber = roles.has('prescriber');
	const placeTeam = roles.has('mediator') || roles.has('place_manager');
	const [alerts, booklets, statements, redemptions] = await Promise.all([
		Promise.all(departments.map(async (code) => ({ code, open: (await listAlerts(db, actor, code, { open: true })).length }))),
		prescriber ? distributableBooklets(db, actor) : Promise.resolve([]),
		placeTeam ? myStatements(db, actor) : Promise.resolve([]),
		placeTeam ? placeRedemptions(db, actor, 5) : Promise.resolve([])
	]);
	return {
		coordinator: departments.length > 0,
		departments: alerts,
		openAlerts: alerts.reduce((n, d) => n + d.open, 0),
		partner: roles.has('partner'),
		prescriber,
		toHandOut: booklets.reduce((n, b) => n + b.available, 0),
		bookletsHeld: booklets.filter((b) => b.available > 0).length,
		placeTeam,
		statements: statements.slice(0, 5).map((s) => ({
			id: s.id,
			month: monthLabel(s.month),
			place: `${s.place} (${s.commune})`,
			count: s.voucherCount,
			total: euros(s.totalCents),
			paid: !!s.paidAt
		})),
		redemptions: redemptions.map((r) => ({
			code: formatCode(r.code),
			at: r.redeemedAt,
			value: euros(r.faceValueCents),
			campaign: r.campaign,
			place: r.place,
			by: r.by
		}))
	};
};
