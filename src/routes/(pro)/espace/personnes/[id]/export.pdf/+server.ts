import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { recordExportPdf } from '#lib/server/documents/index.ts';
import { exportRecord } from '#lib/server/privacy/index.ts';
import { loadInstance } from '#lib/components/instance.server.ts';
import { pageError } from '#lib/server/web/errors.ts';

/** The same data as export.json, laid out to be read and handed to the person. */
export const GET: RequestHandler = async ({ params, locals }) => {
	try {
		const data = await exportRecord(await getDatabase(), locals.session!.actor, params.id, (await loadInstance()).name, locals.ip);
		const pdf = await recordExportPdf(JSON.parse(JSON.stringify(data)));
		return new Response(new Uint8Array(pdf), {
			headers: {
				'content-type': 'application/pdf',
				'content-disposition': `inline; filename="donnees-${params.id.slice(0, 8)}.pdf"`,
				'cache-control': 'private, no-store'
			}
		});
	} catch (e) {
		pageError(e);
	}
};
