import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { listAlerts, managedDepartments, reviewAlert } from '#lib/server/pass/index.ts';
import { alertFacts, alertLabel, pickDepartment, printedCode } from '#lib/server/pass/index.ts';
import { pageError } from '#lib/server/web/errors.ts';
import { passFailure } from '../failure.server.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	const departments = await managedDepartments(db, actor);
	const departmentCode = pickDepartment(departments, url.searchParams.get('departement'));
	try {
		const rows = (await listAlerts(db, actor, departmentCode)).map((a) => ({
			id: a.id,
			kind: a.kind,
			label: alertLabel(a.kind),
			facts: alertFacts(a.kind, a.details),
			at: a.createdAt.toISOString(),
			campaign: a.campaign,
			booklet: a.bookletNumber,
			place: a.place ? `${a.place}${a.commune ? ` (${a.commune})` : ''}` : null,
			organisation: a.organisation,
			user: a.user,
			voucherCode: a.voucherCode ? printedCode(a.voucherCode) : null,
			reviewedAt: a.reviewedAt?.toISOString() ?? null,
			reviewNote: a.reviewNote
		}));
		return { departments, departmentCode, open: rows.filter((a) => !a.reviewedAt), reviewed: rows.filter((a) => a.reviewedAt) };
	} catch (e) {
		pageError(e);
	}
};

export const actions: Actions = {
	examiner: async ({ request, locals }) => {
		const form = await request.formData();
		const id = String(form.get('id') ?? '');
		const note = String(form.get('note') ?? '');
		try {
			await reviewAlert(await getDatabase(), locals.session!.actor, id, note, locals.ip);
			return { done: 'L’alerte est examinée\u00a0: elle passe dans les alertes examinées, avec votre note.' };
		} catch (e) {
			return passFailure(e, `examiner:${id}`, { note });
		}
	}
};
