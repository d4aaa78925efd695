import type { RequestHandler } from './$types';
import { error } from '@sveltejs/kit';
import { getDatabase } from '#lib/server/db/client.ts';
import { pageError } from '#lib/server/web/errors.ts';
import { mailLinks, sessionAttendance, sheetPrinted } from '#lib/server/trainings/index.ts';
import { trainingSheetPdf } from '#lib/server/documents/index.ts';

/** The sign-in sheet of a half-day, to print (journaled: names on paper). */
export const GET: RequestHandler = async ({ locals, params }) => {
	try {
		const db = await getDatabase();
		const actor = locals.session!.actor;
		const d = await sessionAttendance(db, actor, params.session, params.id);
		const slot = d.slots.find((s) => s.id === params.slot);
		if (!slot) error(404, 'Cette demi-journée n’appartient pas à la session.');
		const pdf = await trainingSheetPdf({
			instanceName: (await mailLinks(db)).instanceName,
			title: d.training.title,
			halfDay: slot.label,
			where: d.place,
			trainer: d.trainer,
			organiser: d.organiserName,
			registrants: d.registrants.map((r) => ({ name: r.name, structure: r.structure }))
		});
		await sheetPrinted(db, actor, d, slot.day, locals.ip);
		return new Response(new Uint8Array(pdf), {
			headers: {
				'content-type': 'application/pdf',
				'content-disposition': `attachment; filename="emargement-${slot.day}-${slot.half === 'am' ? 'matin' : 'apres-midi'}.pdf"`,
				'cache-control': 'private, no-store'
			}
		});
	} catch (e) {
		pageError(e);
	}
};
