import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { correctContribution, funderBalances, listContributions, possibleFunders, recordContribution } from '#lib/server/pass/index.ts';
import { euros } from '#lib/components/format.ts';
import { parisDay } from '#lib/time.ts';
import { pickFundDepartment } from '#lib/server/pass/index.ts';
import { pageError } from '#lib/server/web/errors.ts';
import { fundFailure } from '../failure.server.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	const { departments, departmentCode } = await pickFundDepartment(db, actor, url.searchParams.get('departement'));
	try {
		const [balances, contributions, funders] = await Promise.all([
			funderBalances(db, actor, departmentCode),
			listContributions(db, actor, departmentCode),
			possibleFunders(db, departmentCode)
		]);
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
			totals: {
				contributed: total('contributedCents'),
				committed: total('committedCents'),
				creditedBack: total('creditedBackCents'),
				available: total('availableCents')
			},
			contributions: contributions.map((c) => ({
				id: c.id,
				funder: c.funder,
				amount: euros(c.amountCents),
				receivedOn: c.receivedOn,
				agreementRef: c.agreementRef,
				restrictions: c.restrictions,
				// a correction is a reversal row and a new one: never an update (issue 12, item 17)
				reversal: !!c.correctsId,
				correctionReason: c.correctionReason,
				corrected: c.corrected
			})),
			funders: funders.map((f) => ({ id: f.id, name: f.name })),
			today: parisDay(),
			recorded: url.searchParams.has('enregistree'),
			corrected: url.searchParams.has('corrigee')
		};
	} catch (e) {
		pageError(e);
	}
};

export const actions: Actions = {
	enregistrer: async ({ request, locals }) => {
		const db = await getDatabase();
		const actor = locals.session!.actor;
		const f = await request.formData();
		const text = (k: string) => String(f.get(k) ?? '');
		const values = {
			funderId: text('funderId'),
			amount: text('amount'),
			receivedOn: text('receivedOn'),
			agreementRef: text('agreementRef'),
			restrictions: text('restrictions')
		};
		const { departmentCode } = await pickFundDepartment(db, actor, text('departement'), true);
		try {
			await recordContribution(db, actor, departmentCode, values, locals.ip);
		} catch (e) {
			return fundFailure(e, 'contribution', values);
		}
		redirect(303, `/espace/pass/fonds?departement=${departmentCode}&enregistree=1#contributions`);
	},
	corriger: async ({ request, locals }) => {
		const db = await getDatabase();
		const actor = locals.session!.actor;
		const f = await request.formData();
		const text = (k: string) => String(f.get(k) ?? '');
		const id = text('id');
		const values = { amount: text('amount'), receivedOn: text('receivedOn'), agreementRef: text('agreementRef'), reason: text('reason') };
		const { departmentCode } = await pickFundDepartment(db, actor, text('departement'), true);
		try {
			await correctContribution(db, actor, id, values, locals.ip);
		} catch (e) {
			return fundFailure(e, `corriger:${id}`, values);
		}
		redirect(303, `/espace/pass/fonds?departement=${departmentCode}&corrigee=1#contributions`);
	}
};
