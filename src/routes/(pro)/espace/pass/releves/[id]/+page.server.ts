import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { markStatementPaid, statementDetail } from '#lib/server/pass/index.ts';
import { euros } from '#lib/components/format.ts';
import { parisDate, printedCode, spacedSiret } from '#lib/server/pass/index.ts';
import { pageError } from '#lib/server/web/errors.ts';
import { passFailure } from '../../failure.server.ts';

export const load: PageServerLoad = async ({ locals, params }) => {
	try {
		const d = await statementDetail(await getDatabase(), locals.session!.actor, params.id);
		const s = d.statement;
		return {
			statement: {
				id: s.id,
				month: s.monthLabel,
				place: s.place,
				commune: s.commune,
				organisation: s.organisation,
				siret: spacedSiret(s.siret),
				departmentCode: s.departmentCode,
				count: s.voucherCount,
				total: euros(s.totalCents),
				paidAt: s.paidAt?.toISOString() ?? null,
				paidOn: parisDate(s.paidAt),
				paymentRef: s.paymentRef
			},
			vouchers: d.vouchers.map((v) => ({
				code: printedCode(v.code),
				redeemedAt: v.redeemedAt?.toISOString() ?? null,
				campaign: v.campaign,
				accompanimentDate: v.accompanimentDate,
				by: v.by,
				value: euros(v.faceValueCents)
			})),
			manage: d.manage
		};
	} catch (e) {
		pageError(e);
	}
};

export const actions: Actions = {
	payer: async ({ request, locals, params }) => {
		const paymentRef = String((await request.formData()).get('paymentRef') ?? '');
		try {
			await markStatementPaid(await getDatabase(), locals.session!.actor, params.id, paymentRef, locals.ip);
			return { done: 'Le relevé est marqué payé\u00a0: ses pass sont remboursés.' };
		} catch (e) {
			return passFailure(e, 'payer', { paymentRef });
		}
	}
};
