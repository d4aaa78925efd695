import { getDatabase } from '#lib/server/db/client.ts';
import { pageError } from '#lib/server/web/errors.ts';
import { coopExport } from '#lib/server/accompaniments/index.ts';

const FILES = {
	csv: { type: 'text/csv; charset=utf-8', name: 'accompagnements', ext: 'csv' },
	json: { type: 'application/json; charset=utf-8', name: 'activites', ext: 'json' }
} as const;

/**
 * The actor's own accompaniments of the period in La Coop's shapes: its export of activities
 * (CSV: its columns, `;`, a BOM) or `activite` resources of its API v1 (JSON). Journaled.
 */
export async function coopExportAnswer(format: 'csv' | 'json', locals: App.Locals, url: URL): Promise<Response> {
	const q = url.searchParams;
	const file = FILES[format];
	try {
		const r = await coopExport(
			await getDatabase(),
			locals.session!.actor,
			format,
			{ organisationId: q.get('structure'), placeId: q.get('lieu'), from: q.get('du'), to: q.get('au'), ...(format === 'json' ? { self: url.href } : {}) },
			locals.ip
		);
		return new Response(r.body, {
			headers: {
				'content-type': file.type,
				'content-disposition': `attachment; filename="coop-numerique_${file.name}_${r.from}_${r.to}.${file.ext}"`,
				'cache-control': 'private, no-store'
			}
		});
	} catch (e) {
		pageError(e);
	}
}
