import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { statementDetail } from '#lib/server/pass/index.ts';
import { printedCode, statementFileName } from '#lib/server/pass/index.ts';
import { passStatementPdf } from '#lib/server/documents/index.ts';
import { loadInstance } from '#lib/components/instance.server.ts';
import { pageError } from '#lib/server/web/errors.ts';

/** The statement to read, print or send to the accounts office. */
export const GET: RequestHandler = async ({ params, locals }) => {
	try {
		const d = await statementDetail(await getDatabase(), locals.session!.actor, params.id);
		const s = d.statement;
		const pdf = await passStatementPdf({
			instanceName: (await loadInstance()).name,
			id: s.id,
			month: s.monthLabel,
			place: { name: s.place, commune: s.commune },
			organisation: { name: s.organisation, siret: s.siret },
			vouchers: d.vouchers.map((v) => ({ ...v, code: printedCode(v.code) })),
			totalCents: s.totalCents,
			paidAt: s.paidAt,
			paymentRef: s.paymentRef,
			madeAt: new Date()
		});
		return new Response(new Uint8Array(pdf), {
			headers: {
				'content-type': 'application/pdf',
				'content-disposition': `inline; filename="${statementFileName(s, 'pdf')}"`,
				'cache-control': 'private, no-store'
			}
		});
	} catch (e) {
		pageError(e);
	}
};
