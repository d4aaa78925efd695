import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { ERROR_REPORT_FIELDS, errorReportsFor, resolveErrorReport, rejectErrorReport } from '#lib/server/places/index.ts';
import { getInstanceSettings } from '#lib/server/territory/index.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';
import { mailConfigured } from '#lib/server/mail/index.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';
import { positiveInteger } from '#lib/server/web/params.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const resolved = url.searchParams.get('statut') === 'traites';
	let rows;
	try {
		rows = await errorReportsFor(await getDatabase(), locals.session!.actor, { status: resolved ? 'resolved' : 'open', limit: 200 });
	} catch (e) {
		pageError(e);
	}
	const fait = url.searchParams.get('fait');
	return {
		done: fait && Object.hasOwn(DONE, fait) ? (fait === 'rejete-repondu' && !mailConfigured() ? DONE_WITHOUT_MAIL : DONE[fait as keyof typeof DONE]) : null,
		resolved,
		reports: rows.map((r) => ({
			...r,
			fields: r.fields.map((f) => ERROR_REPORT_FIELDS[f as keyof typeof ERROR_REPORT_FIELDS] ?? f),
			createdAt: r.createdAt.toISOString(),
			resolvedAt: r.resolvedAt?.toISOString() ?? null
		}))
	};
};

/** Post/Redirect/Get: a successful action redirects here with `?fait=<code>`; only a known code shows a message */
const DONE = {
	traite: 'Le signalement est marqué comme traité.',
	rejete: 'Le signalement est rejeté.',
	'rejete-repondu': 'Le signalement est rejeté\u00a0: votre réponse est envoyée à la personne.'
} as const;
/** the answer is queued, but no e-mail leaves while SMTP_URL is not set */
const DONE_WITHOUT_MAIL = 'Le signalement est rejeté\u00a0: votre réponse à la personne partira dès que l’envoi d’e-mails sera configuré.';

/** The report's number as the form sent it: decimal digits only (« 0x1 », « 1e400 », « 1.5 » are no report's); 0 otherwise, which no report has. */
function reportIdOf(f: FormData): number {
	const n = positiveInteger(String(f.get('id') ?? '').slice(0, 20));
	return n && !Number.isNaN(n) ? n : 0;
}

export const actions: Actions = {
	// nothing to change on the place: the report is rejected, with an answer e-mailed to the reporter when they left an address
	rejeter: async ({ request, locals }) => {
		const f = await request.formData();
		const id = reportIdOf(f);
		const answer = String(f.get('reponse') ?? '');
		let mailed: boolean;
		try {
			const db = await getDatabase();
			mailed = (
				await rejectErrorReport(db, locals.session!.actor, id, answer, {
					instanceName: (await getInstanceSettings(db)).name,
					origin: publicOrigin(),
					ip: locals.ip
				})
			).mailed;
		} catch (e) {
			return formFailure(e, { reportId: id, answer });
		}
		redirect(303, `/admin/signalements?fait=${mailed ? 'rejete-repondu' : 'rejete'}`);
	},
	traiter: async ({ request, locals }) => {
		const actor = locals.session!.actor;
		const id = reportIdOf(await request.formData());
		const ok = await resolveErrorReport(await getDatabase(), actor, id, { ip: locals.ip });
		if (!ok) return fail(404, { message: 'Ce signalement n’existe pas, est déjà traité, ou concerne un lieu hors de votre département.' });
		redirect(303, '/admin/signalements?fait=traite');
	}
};
