import type { Actions, PageServerLoad } from './$types';
import { getDatabase, type Database } from '#lib/server/db/client.ts';
import type { Actor } from '#lib/server/accounts/index.ts';
import { KINDS } from '#lib/server/accompaniments/index.ts';
import {
	STATE_LABELS,
	checkCode,
	formatCode,
	parseCode,
	placeRedemptions,
	recentAccompaniments,
	seatFor,
	redeem,
	redeemingPlaces,
	spokenCode,
	type CheckResult,
	type RedeemingPlace
} from '#lib/server/pass/index.ts';
import { dayLabel, euros } from '#lib/components/format.ts';
import { isDomainError } from '#lib/server/errors.ts';
import { formFailure } from '#lib/server/web/errors.ts';

const placeLabel = (p: RedeemingPlace) =>
	`${p.nom} (${p.commune})${p.qualified ? '' : p.suspended ? '\u00a0: qualification suspendue' : '\u00a0: lieu non qualifié'}`;

/** The place chosen, or the one to propose: the only one, else the first qualified. */
function defaultPlace(places: RedeemingPlace[], wanted: string | null): string {
	return places.find((p) => p.placeId === wanted)?.placeId ?? (places.find((p) => p.qualified) ?? places[0])?.placeId ?? '';
}

/** A code as typed, kept for the form (no more than a line). */
const typed = (v: FormDataEntryValue | string | null) =>
	String(v ?? '')
		.trim()
		.slice(0, 120);

function checkView(c: CheckResult) {
	return {
		code: formatCode(c.code),
		spoken: spokenCode(c.code),
		campaign: c.campaign.name,
		value: euros(c.faceValueCents),
		validUntil: dayLabel(c.campaign.validUntil),
		lastDay: c.campaign.lastDay !== c.campaign.validUntil ? dayLabel(c.campaign.lastDay) : null,
		publics: c.campaign.publics,
		state: STATE_LABELS[c.state],
		redeemable: c.redeemable,
		blocking: c.problems.filter((p) => p.kind === 'blocking').map((p) => p.message),
		confirm: c.problems.filter((p) => p.kind === 'confirm').map((p) => p.message),
		outsideArea: c.outsideArea
	};
}

/** The check and, when it can be redeemed, the accompaniments to tie it to. */
async function checked(db: Database, actor: Actor, code: string, placeId: string, ip: string | null) {
	const c = await checkCode(db, actor, { code, placeId }, undefined, ip);
	const accompaniments = c.redeemable
		? (await recentAccompaniments(db, actor, placeId)).map((a) => ({
				id: a.id,
				date: a.date,
				kind: KINDS[a.kind as keyof typeof KINDS] ?? a.kind,
				collective: a.kind === 'collective',
				title: a.title,
				themes: a.themes.join(', '),
				participants: a.participants,
				used: a.used,
				// what redeem() refuses (409), the list says and does not offer
				full: seatFor(a, c.holderId) === 'full',
				otherPerson: seatFor(a, c.holderId) === 'other_person'
			}))
		: [];
	return { step: 'check' as const, placeId, check: checkView(c), accompaniments };
}

export const load: PageServerLoad = async ({ locals, url, setHeaders }) => {
	// the camera, for scanning QR codes, is allowed on this page only; the code may be in the
	// URL: no Referer to other sites ('no-referrer' would make the browser send "Origin: null"
	// with the page's own forms, which the CSRF check refuses)
	setHeaders({ 'permissions-policy': 'camera=(self), microphone=(), geolocation=(self), interest-cohort=()', 'referrer-policy': 'same-origin' });
	const db = await getDatabase();
	const actor = locals.session!.actor;
	const places = await redeemingPlaces(db, actor);
	const redemptions = places.length ? await placeRedemptions(db, actor, 20) : [];
	return {
		places: places.map((p) => ({ id: p.placeId, label: placeLabel(p), name: `${p.nom} (${p.commune})`, qualified: p.qualified, suspended: p.suspended })),
		placeId: defaultPlace(places, url.searchParams.get('lieu')),
		code: typed(url.searchParams.get('code')),
		redemptions: redemptions.map((r) => ({
			code: formatCode(r.code),
			spoken: spokenCode(r.code),
			redeemedAt: r.redeemedAt,
			value: euros(r.faceValueCents),
			campaign: r.campaign,
			place: r.place,
			by: r.by,
			state: STATE_LABELS[r.state as keyof typeof STATE_LABELS] ?? r.state
		}))
	};
};

export const actions: Actions = {
	verifier: async ({ request, locals }) => {
		const db = await getDatabase();
		const f = await request.formData();
		const values = { code: typed(f.get('code')), placeId: typed(f.get('lieu')) };
		try {
			return await checked(db, locals.session!.actor, values.code, values.placeId, locals.ip);
		} catch (e) {
			return formFailure(e, { step: 'error' as const, values });
		}
	},
	encaisser: async ({ request, locals }) => {
		const db = await getDatabase();
		const actor = locals.session!.actor;
		const f = await request.formData();
		const values = {
			code: typed(f.get('code')),
			placeId: typed(f.get('lieu')),
			accompanimentId: typed(f.get('accompagnement')),
			confirmOutsideArea: f.get('horsTerritoire') === '1'
		};
		try {
			const r = await redeem(
				db,
				actor,
				{ code: values.code, placeId: values.placeId, accompanimentId: values.accompanimentId, confirmOutsideArea: values.confirmOutsideArea },
				locals.ip
			);
			return {
				step: 'redeemed' as const,
				placeId: r.placeId,
				redeemed: {
					code: formatCode(r.code),
					spoken: spokenCode(r.code),
					value: euros(r.faceValueCents),
					campaign: r.campaign,
					outsideArea: r.alerts.includes('outside_area')
				}
			};
		} catch (e) {
			// what the voucher is now, to choose again (or to see why it cannot be)
			if (isDomainError(e) && e.code !== 'throttled' && parseCode(values.code).ok) {
				let again;
				try {
					again = await checked(db, actor, values.code, values.placeId, locals.ip);
				} catch (e2) {
					return formFailure(e2, { step: 'error' as const, values });
				}
				return formFailure(e, { ...again, chosen: values.accompanimentId });
			}
			return formFailure(e, { step: 'error' as const, values });
		}
	}
};
