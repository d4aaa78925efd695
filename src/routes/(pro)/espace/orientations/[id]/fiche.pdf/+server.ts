import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { referralSheet } from '#lib/server/documents/index.ts';
import { loadInstance } from '#lib/components/instance.server.ts';
import { pageError } from '#lib/server/web/errors.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';

export const GET: RequestHandler = async ({ params, locals }) => {
	try {
		const instance = await loadInstance();
		const { pdf, reference } = await referralSheet(
			await getDatabase(),
			locals.session!.actor,
			params.id,
			{ origin: publicOrigin(), instanceName: instance.name },
			locals.ip
		);
		return new Response(new Uint8Array(pdf), {
			headers: {
				'content-type': 'application/pdf',
				'content-disposition': `inline; filename="orientation-${reference}.pdf"`,
				'cache-control': 'private, no-store'
			}
		});
	} catch (e) {
		pageError(e);
	}
};
