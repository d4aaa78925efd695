import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';
import { EquipmentError, declareStock, donorReport, manageActingFor } from '#lib/server/equipment/index.ts';
import { formatDate } from '#lib/components/format.ts';
import { reportYear } from './year.ts';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const year = reportYear(url);
	try {
		const r = await donorReport(await getDatabase(), locals.session!.actor, params.id, year);
		return {
			year,
			donor: r.donor,
			figures: r.figures,
			lines: r.lines.slice(0, 200).map((l, i) => ({ ...l, key: i, handedOverOn: l.handedOverOn ? formatDate(l.handedOverOn) : null })),
			total: r.lines.length,
			canDeclare: manageActingFor(locals.session!.actor, r.donor.departmentCode).allowed
		};
	} catch (e) {
		pageError(e);
	}
};

const INCOMPLETE = 'Le formulaire n’est pas complet.';

export const actions: Actions = {
	/** The donor's retired devices in stock on 1 January of a year: the reuse ratio's denominator. */
	stock: async ({ request, locals, params }) => {
		const form = await request.formData();
		const values = { year: String(form.get('year') ?? '').slice(0, 20), retiredInStock: String(form.get('retiredInStock') ?? '').slice(0, 20) };
		const year = /^\s*\d{4}\s*$/.test(values.year) ? Number(values.year) : NaN;
		const n = /^\s*\d{1,8}\s*$/.test(values.retiredInStock.replace(/[\s\u202f\u00a0]/g, ''))
			? Number(values.retiredInStock.replace(/[\s\u202f\u00a0]/g, ''))
			: NaN;
		try {
			const fields: Record<string, string> = {};
			if (!Number.isInteger(year) || year < 2000 || year > 2100) fields.year = 'Indiquez une année entre 2000 et 2100.';
			if (!Number.isInteger(n)) fields.retiredInStock = 'Indiquez un nombre d’appareils (un nombre entier, 0 ou plus).';
			if (Object.keys(fields).length) throw new EquipmentError('invalid', INCOMPLETE, fields);
			const database = await getDatabase();
			const actor = locals.session!.actor;
			// the donor's report first: a donor the actor may not read is not found, whatever they send
			const r = await donorReport(database, actor, params.id, year);
			const { allowed, actingFor } = manageActingFor(actor, r.donor.departmentCode);
			if (!allowed) throw new EquipmentError('forbidden', 'Seules la coordination du département et les structures qui reconditionnent déclarent le stock.');
			await declareStock(database, actor, params.id, year, n, actingFor, locals.ip);
		} catch (e) {
			return formFailure(e, { values }, { page: ['forbidden', 'not_found'] });
		}
		redirect(303, `/espace/materiel/donateurs/${params.id}?annee=${year}&fait=stock`);
	}
};
