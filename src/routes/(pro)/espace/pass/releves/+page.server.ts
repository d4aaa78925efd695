import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { listStatements, makeStatements, managedDepartments } from '#lib/server/pass/index.ts';
import { euros, monthLabel } from '#lib/components/format.ts';
import { finishedMonth, finishedMonths, parisDate, pickDepartment, spacedSiret } from '#lib/server/pass/index.ts';
import { pageError } from '#lib/server/web/errors.ts';
import { passFailure } from '../failure.server.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	const q = url.searchParams;
	const departments = await managedDepartments(db, actor);
	const departmentCode = pickDepartment(departments, q.get('departement'));
	const month = finishedMonth(q.get('mois'));
	const unpaid = q.get('a-payer') === '1';
	try {
		const rows = await listStatements(db, actor, departmentCode, { month: month ?? undefined, unpaid });
		const sum = (f: (r: (typeof rows)[number]) => number, only = (_: (typeof rows)[number]) => true) => rows.filter(only).reduce((a, r) => a + f(r), 0);
		const toPay = (r: (typeof rows)[number]) => !r.paidAt;
		return {
			departments,
			departmentCode,
			months: finishedMonths(),
			filter: { month, unpaid },
			statements: rows.map((r) => ({
				id: r.id,
				month: monthLabel(r.month),
				place: `${r.place} (${r.commune})`,
				organisation: r.organisation,
				siret: spacedSiret(r.siret),
				vouchers: r.voucherCount,
				total: euros(r.totalCents),
				paidOn: parisDate(r.paidAt),
				paymentRef: r.paymentRef
			})),
			totals: {
				statements: rows.length,
				vouchers: sum((r) => r.voucherCount),
				total: euros(sum((r) => r.totalCents)),
				toPayCount: rows.filter(toPay).length,
				toPay: euros(sum((r) => r.totalCents, toPay)),
				paid: euros(
					sum(
						(r) => r.totalCents,
						(r) => !toPay(r)
					)
				)
			}
		};
	} catch (e) {
		pageError(e);
	}
};

export const actions: Actions = {
	preparer: async ({ request, locals }) => {
		const db = await getDatabase();
		const actor = locals.session!.actor;
		const form = await request.formData();
		const departmentCode = pickDepartment(await managedDepartments(db, actor), String(form.get('departement') ?? ''));
		const month = String(form.get('mois') ?? '');
		try {
			const r = await makeStatements(db, actor, departmentCode, month, locals.ip);
			const label = monthLabel(month);
			return {
				done: r.vouchers
					? `Relevés de ${label}\u00a0: ${r.statements} nouveau${r.statements > 1 ? 'x' : ''} relevé${r.statements > 1 ? 's' : ''}, ${r.vouchers} pass ajouté${r.vouchers > 1 ? 's' : ''}.`
					: `Relevés de ${label}\u00a0: aucun pass utilisé à ajouter, ils sont à jour.`,
				month
			};
		} catch (e) {
			return passFailure(e, 'preparer', { mois: month });
		}
	}
};
