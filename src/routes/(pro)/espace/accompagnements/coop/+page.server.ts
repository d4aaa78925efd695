import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';
import { COOP_MAX_BYTES, COOP_MAX_LINES, coopPage, importCoopActivities } from '#lib/server/accompaniments/index.ts';

/** La Coop de la médiation numérique: our accompaniments in its words, its export of activities imported. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const q = url.searchParams;
	try {
		const view = await coopPage(await getDatabase(), locals.session!.actor, {
			organisationId: q.get('structure'),
			placeId: q.get('lieu'),
			from: q.get('du'),
			to: q.get('au')
		});
		const filters = new URLSearchParams();
		if (view.organisationId) filters.set('structure', view.organisationId);
		if (view.placeId) filters.set('lieu', view.placeId);
		filters.set('du', view.from);
		filters.set('au', view.to);
		const done = /^(\d+)-(\d+)$/.exec(q.get('importe') ?? '');
		return {
			view,
			filters: filters.toString(),
			limits: { kilobytes: COOP_MAX_BYTES / 1024, lines: COOP_MAX_LINES },
			done: done ? { created: Number(done[1]), duplicates: Number(done[2]) } : null
		};
	} catch (e) {
		pageError(e);
	}
};

/** The file's bytes (the Coop's .xlsx, or a CSV: the reader tells them apart), or the text carried from « Vérifier ». */
async function fileContent(form: FormData): Promise<Uint8Array | string> {
	const file = form.get('fichier');
	if (file instanceof File && file.size) return new Uint8Array(await file.arrayBuffer());
	return String(form.get('contenu') ?? '');
}

export const actions: Actions = {
	/** « Vérifier » (nothing written) then « Importer »: the same action, the step says which */
	import: async ({ request, locals }) => {
		const form = await request.formData();
		const input = await fileContent(form);
		const dryRun = form.get('etape') !== 'importer';
		const choice = { organisationId: String(form.get('structure') ?? ''), placeId: String(form.get('lieu') ?? '') };
		try {
			const r = await importCoopActivities(await getDatabase(), locals.session!.actor, input, { ...choice, dryRun, ip: locals.ip });
			if (r.fileError !== null)
				return fail(400, { fileError: input.length ? r.fileError : 'Choisissez le fichier exporté de la Coop (.xlsx ou CSV).', choice });
			// all or nothing: the lines to correct, and nothing written
			if (r.report.rejected.length) return fail(400, { report: r.report, choice });
			if (dryRun || !r.report.written) return { report: r.report, content: r.text, choice };
			// Post/Redirect/Get: reloading does not import again; the period is the file's, so that
			// « Voir vos accompagnements » (and the export below) shows what was just imported
			const period = r.report.period ? `&du=${r.report.period.from}&au=${r.report.period.to}` : '';
			redirect(303, `/espace/accompagnements/coop?importe=${r.report.created}-${r.report.duplicates}${period}#resultat`);
		} catch (e) {
			return formFailure(e, { choice }, { page: ['forbidden'] });
		}
	}
};
