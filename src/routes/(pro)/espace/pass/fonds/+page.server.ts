import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { euros, funderBalances, listContributions, parisDay, possibleFunders, recordContribution } from '#lib/server/pass/service.ts';
import { passErrorPage, passFail, pickDepartment } from '#lib/server/pass/coordination.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	const { departments, departmentCode } = await pickDepartment(db, actor, url.searchParams.get('departement'));
	try {
		const [balances, contributions, funders] = await Promise.all([funderBalances(db, actor, departmentCode), listContributions(db, actor, departmentCode), possibleFunders(db, departmentCode)]);
		const total = (k: 'contributedCents' | 'committedCents' | 'creditedBackCents' | 'availableCents') => euros(balances.reduce((s, b) => s + b[k], 0));
		return {
			departments,
			departmentCode,
			balances: balances.map((b) => ({
				id: b.funderId,
				name: b.name,
				contributed: euros(b.contributedCents),
				committed: euros(b.committedCents),
				creditedBack: euros(b.creditedBackCents),
				available: euros(b.availableCents)
			})),
			totals: { contributed: total('contributedCents'), committed: total('committedCents'), creditedBack: total('creditedBackCents'), available: total('availableCents') },
			contributions: contributions.map((c) => ({ id: c.id, funder: c.funder, amount: euros(c.amountCents), receivedOn: c.receivedOn, agreementRef: c.agreementRef, restrictions: c.restrictions })),
			funders: funders.map((f) => ({ id: f.id, name: f.name })),
			today: parisDay(),
			recorded: url.searchParams.has('enregistree')
		};
	} catch (e) {
		passErrorPage(e);
	}
};

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const db = await getDatabase();
		const actor = locals.session!.actor;
		const f = await request.formData();
		const text = (k: string) => String(f.get(k) ?? '');
		const values = { funderId: text('funderId'), amount: text('amount'), receivedOn: text('receivedOn'), agreementRef: text('agreementRef'), restrictions: text('restrictions') };
		const { departmentCode } = await pickDepartment(db, actor, text('departement'), true);
		try {
			await recordContribution(db, actor, departmentCode, values, locals.ip);
		} catch (e) {
			return passFail(e, 'contribution', values);
		}
		redirect(303, `/espace/pass/fonds?departement=${departmentCode}&enregistree=1#contributions`);
	}
};
