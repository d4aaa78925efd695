import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import {
	campaignDetail,
	cancelVouchers,
	entrustBooklets,
	generateBooklets,
	lastRedemptionDay,
	PassError,
	possibleFunders,
	recordSharePaid
} from '#lib/server/pass/index.ts';
import { dayLabel, euros } from '#lib/components/format.ts';
import { CAMPAIGN_STATUS, stateColumns } from '#lib/server/pass/index.ts';
import { pageError } from '#lib/server/web/errors.ts';
import { fundFailure } from '../../failure.server.ts';

/** Booklets shown per page (a campaign may have thousands). */
const PER_PAGE = 100;

const int = (s: string | null | undefined) => (s && /^\d{1,9}$/.test(s.trim()) ? Number(s.trim()) : null);

/** The message after an action (the action redirects: a reload never repeats it). */
function doneMessage(q: URLSearchParams, organisations: { id: string; name: string }[]): string | null {
	const n = int(q.get('n')) ?? 0;
	switch (q.get('fait')) {
		case 'creee':
			return 'La campagne est créée. Créez ses carnets, puis enregistrez le versement de chaque financeur\u00a0: les pass seront activés quand toutes les parts seront versées.';
		case 'versement':
			return q.get('financee') === '1'
				? `Le versement est enregistré. Toutes les parts sont versées\u00a0: la campagne est financée${n ? `, ${n} pass activés` : ''}.`
				: 'Le versement est enregistré. Les pass seront activés quand toutes les parts seront versées.';
		case 'carnets': {
			const from = int(q.get('de'));
			const to = int(q.get('a'));
			return `${from === to ? `Carnet n° ${from} créé` : `Carnets n° ${from} à ${to} créés`}\u00a0: ${n} pass.`;
		}
		case 'confies': {
			const org = organisations.find((o) => o.id === q.get('structure'));
			return `${n > 1 ? `${n} carnets confiés` : `${n} carnet confié`}${org ? ` à ${org.name}` : ''}.`;
		}
		case 'annules':
			return n
				? `${n > 1 ? `${n} pass annulés` : '1 pass annulé'}. Leur valeur reviendra aux financeurs.`
				: 'Aucun pass annulé\u00a0: ils étaient déjà utilisés ou annulés.';
		default:
			return null;
	}
}

export const load: PageServerLoad = async ({ params, locals, url }) => {
	const db = await getDatabase();
	let d;
	try {
		d = await campaignDetail(db, locals.session!.actor, params.id);
	} catch (e) {
		pageError(e);
	}
	const c = d.campaign;
	const organisations = d.manage ? (await possibleFunders(db, c.departmentCode)).map((o) => ({ id: o.id, name: o.name })) : [];
	const pages = Math.max(1, Math.ceil(d.booklets.length / PER_PAGE));
	const page = Math.min(pages, Math.max(1, int(url.searchParams.get('page')) ?? 1));
	const shown = d.booklets.slice((page - 1) * PER_PAGE, page * PER_PAGE);
	const total = d.shares.reduce((s, x) => s + x.shareCents, 0);
	return {
		campaign: {
			id: c.id,
			name: c.name,
			status: c.status,
			statusLabel: CAMPAIGN_STATUS[c.status] ?? c.status,
			faceValue: euros(c.faceValueCents),
			bookletSize: c.bookletSize,
			validity: `du ${dayLabel(c.validFrom)} au ${dayLabel(c.validUntil)}`,
			lastDay: dayLabel(lastRedemptionDay(c)),
			toleranceDays: c.toleranceDays,
			publics: c.publics,
			areas: d.areaNames,
			departmentCode: c.departmentCode
		},
		shares: d.shares.map((s) => ({ funderId: s.funderId, name: s.name, amount: euros(s.shareCents), paidAt: s.paidAt })),
		sharesTotal: euros(total),
		unpaid: d.shares.filter((s) => !s.paidAt).length,
		counts: d.counts,
		states: stateColumns,
		budgetLeft: euros(d.budgetLeftCents),
		capacity: d.capacity,
		capacityBooklets: Math.max(0, Math.floor(d.capacity / c.bookletSize)),
		bookletCount: d.booklets.length,
		lastBooklet: d.booklets.at(-1)?.number ?? 0,
		booklets: shown.map((b) => ({ number: b.number, size: b.size, holder: b.holder, distributed: b.distributed, redeemed: b.redeemed })),
		page,
		pages,
		manage: d.manage,
		organisations,
		done: doneMessage(url.searchParams, organisations)
	};
};

const text = (f: FormData, k: string) => String(f.get(k) ?? '').trim();

export const actions: Actions = {
	versement: async ({ params, request, locals }) => {
		const funderId = text(await request.formData(), 'funderId');
		let r;
		try {
			r = await recordSharePaid(await getDatabase(), locals.session!.actor, params.id, funderId, locals.ip);
		} catch (e) {
			return fundFailure(e, 'versement', { funderId });
		}
		redirect(303, `/espace/pass/campagnes/${params.id}?fait=versement&financee=${r.funded ? 1 : 0}&n=${r.activated}#parts`);
	},
	generer: async ({ params, request, locals }) => {
		const count = text(await request.formData(), 'count');
		let r;
		try {
			r = await generateBooklets(await getDatabase(), locals.session!.actor, params.id, int(count) ?? NaN, locals.ip);
		} catch (e) {
			return fundFailure(e, 'generer', { count });
		}
		redirect(303, `/espace/pass/campagnes/${params.id}?fait=carnets&de=${r.first}&a=${r.last}&n=${r.vouchers}#carnets`);
	},
	confier: async ({ params, request, locals }) => {
		const f = await request.formData();
		const values = { organisationId: text(f, 'organisationId'), from: text(f, 'from'), to: text(f, 'to') };
		const from = int(values.from);
		const to = values.to ? int(values.to) : from;
		let n;
		try {
			n = await entrustBooklets(await getDatabase(), locals.session!.actor, params.id, values.organisationId, from ?? NaN, to ?? NaN, locals.ip);
		} catch (e) {
			return fundFailure(e, 'confier', values);
		}
		redirect(303, `/espace/pass/campagnes/${params.id}?fait=confies&n=${n}&structure=${values.organisationId}#carnets`);
	},
	annuler: async ({ params, request, locals }) => {
		const f = await request.formData();
		const values = { bookletNumber: text(f, 'bookletNumber'), code: text(f, 'code'), reason: text(f, 'reason') };
		let n;
		try {
			const fields: Record<string, string> = {};
			if (!values.bookletNumber && !values.code) fields.bookletNumber = 'Indiquez le numéro d’un carnet, ou le code d’un pass.';
			else if (!values.code && !int(values.bookletNumber)) fields.bookletNumber = 'Le numéro du carnet, en chiffres.';
			if (!values.reason) fields.reason = 'Indiquez pourquoi, par exemple\u00a0: carnet perdu.';
			if (Object.keys(fields).length) throw new PassError('invalid', 'Indiquez quoi annuler et pourquoi.', fields);
			n = await cancelVouchers(
				await getDatabase(),
				locals.session!.actor,
				params.id,
				values.code ? { code: values.code } : { bookletNumber: int(values.bookletNumber)! },
				values.reason,
				locals.ip
			);
		} catch (e) {
			return fundFailure(e, 'annuler', values);
		}
		redirect(303, `/espace/pass/campagnes/${params.id}?fait=annules&n=${n}#annuler`);
	}
};
