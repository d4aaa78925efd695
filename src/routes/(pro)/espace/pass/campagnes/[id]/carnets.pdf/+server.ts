import { error } from '@sveltejs/kit';
import { PassThrough, Readable } from 'node:stream';
import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { printBooklets, campaignSponsors } from '#lib/server/pass/index.ts';
import { writeBookletsPdf, type BookletFormat } from '#lib/server/documents/index.ts';
import { pageError } from '#lib/server/web/errors.ts';
import { listAreas } from '#lib/server/territory/index.ts';
import { loadInstance } from '#lib/components/instance.server.ts';
import { log } from '#lib/server/log.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';

/** The largest booklet number a range may name (the column is an integer). */
const MAX_NUMBER = 2_147_483_647;

/**
 * The campaign's booklets as a PDF to print (`?format=a4|a6`, optionally `?de=1&a=20`),
 * streamed as it is drawn. Printed codes are money: every print is journaled (who, which
 * booklets, which format) before the first byte leaves.
 */
export const GET: RequestHandler = async ({ params, locals, url }) => {
	const q = url.searchParams;
	const format = (q.get('format') ?? 'a4') as BookletFormat;
	if (format !== 'a4' && format !== 'a6') error(400, 'Le format est a4 ou a6.');
	const number = (name: string) => {
		const s = (q.get(name) ?? '').trim();
		if (!s) return null;
		if (!/^\d{1,10}$/.test(s) || Number(s) < 1 || Number(s) > MAX_NUMBER) error(400, 'Les numéros de carnets sont des nombres entiers, à partir de 1.');
		return Number(s);
	};
	const from = number('de');
	const to = number('a');
	const range = from !== null || to !== null ? { from: from ?? 1, to: to ?? MAX_NUMBER } : undefined;
	if (range && range.to < range.from) error(400, 'Le dernier carnet doit suivre le premier.');

	const db = await getDatabase();
	const actor = locals.session!.actor;
	let print;
	try {
		print = await printBooklets(db, actor, params.id, { format, range, ip: locals.ip });
	} catch (e) {
		pageError(e);
	}
	const { campaign: c, booklets } = print;

	const [instance, areas, sponsors] = await Promise.all([
		loadInstance(),
		c.areaIds.length ? listAreas(db, c.departmentCode) : Promise.resolve([]),
		campaignSponsors(db, c.id, c.departmentCode)
	]);
	const first = booklets[0].number;
	const last = booklets[booklets.length - 1].number;

	const out = new PassThrough();
	writeBookletsPdf(
		{
			instanceName: instance.name,
			// the QR codes point at the public site (ORIGIN), never at the request's Host
			origin: publicOrigin(),
			campaign: {
				name: c.name,
				faceValueCents: c.faceValueCents,
				validUntil: c.validUntil,
				area: c.areaIds.length
					? areas
							.filter((a) => c.areaIds.includes(a.id))
							.map((a) => a.name)
							.join(', ')
					: null,
				publics: c.publics,
				department: sponsors.department,
				funders: sponsors.funders
			},
			booklets
		},
		format,
		out
	).catch((e: Error) => {
		// the client hung up, or drawing failed: stop the response
		log('warn', 'pass.booklets.print_stopped', { campaignId: c.id, error: e.message });
		out.destroy(e);
	});
	const slug =
		c.name
			.normalize('NFD')
			.replace(/[\u0300-\u036f]/g, '')
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '-')
			.replace(/^-|-$/g, '')
			.slice(0, 60) || 'campagne';
	const part = range ? `-${first}-${last}` : '';
	return new Response(Readable.toWeb(out) as ReadableStream<Uint8Array>, {
		headers: {
			'content-type': 'application/pdf',
			'content-disposition': `attachment; filename="pass-${slug}${part}-${format}.pdf"`,
			'cache-control': 'no-store'
		}
	});
};
