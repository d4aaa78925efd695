import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { getInstanceSettings } from '#lib/server/territory/index.ts';
import { mailConfigured } from '#lib/server/mail/index.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';
import { importOnboarding, invitePlaceContacts, placesWithoutManager, readOnboardingCsv, type OnboardingReport } from '#lib/server/accounts/index.ts';

/** Bringing the network on: a CSV of structures, places and members; places' contacts invited as their managers. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const db = await getDatabase();
	const done = /^(\d+)-(\d+)-(\d+)-(\d+)-(\d+)$/.exec(url.searchParams.get('fait') ?? '');
	return {
		places: await placesWithoutManager(db.db, locals.session!.actor),
		done: done ? { structures: Number(done[1]), places: Number(done[2]), invited: Number(done[3]), offered: Number(done[4]), skipped: Number(done[5]) } : null,
		mail: mailConfigured()
	};
};

const summary = (r: OnboardingReport, skipped = 0) =>
	`${r.structures.created}-${r.places.linked}-${r.members.invited}-${r.members.offered}-${skipped + r.members.waiting + r.members.member}`;

/** The file's bytes (decoded by readOnboardingCsv: UTF-8, else Windows-1252 as Excel writes it), or the text pasted. */
async function fileContent(form: FormData): Promise<Uint8Array | string> {
	const file = form.get('fichier');
	if (file instanceof File && file.size) return new Uint8Array(await file.arrayBuffer());
	return String(form.get('contenu') ?? '');
}

export const actions: Actions = {
	/** "Vérifier" (dry run) and "Importer": the same form, two buttons */
	import: async ({ request, locals }) => {
		const form = await request.formData();
		const input = await fileContent(form);
		const dryRun = form.get('etape') !== 'importer';
		const read = readOnboardingCsv(input);
		if (read.error !== null)
			return fail(400, {
				fileError: input.length && (typeof input !== 'string' || input.trim()) ? read.error : 'Choisissez un fichier CSV, ou collez son contenu.'
			});
		// the text as read (a Windows-1252 file: its accents right), carried to the « Importer » step
		const text = read.text;
		const warning = read.warning;
		const db = await getDatabase();
		const report = await importOnboarding(db, locals.session!.actor, read.rows, {
			dryRun,
			origin: publicOrigin(),
			instanceName: (await getInstanceSettings(db)).name,
			showLinks: false,
			ip: locals.ip
		});
		if (report.errors.length || dryRun) return report.errors.length ? fail(400, { report, content: text, warning }) : { report, content: text, warning };
		// Post/Redirect/Get: reloading does not import again
		redirect(303, `/admin/organisations/import?fait=${summary(report)}#resultat`);
	},
	/** one action: the contact address of each place chosen (or of every place listed) invited as its manager */
	contacts: async ({ request, locals }) => {
		const form = await request.formData();
		const db = await getDatabase();
		const actor = locals.session!.actor;
		// one place's button, every place listed, or the places ticked
		const chosen = form.get('seul')
			? [String(form.get('seul'))]
			: form.get('tous')
				? (await placesWithoutManager(db.db, actor)).filter((p) => p.email && !p.waiting).map((p) => p.id)
				: form.getAll('lieu').map(String);
		// the places without a manager of the coordinator's départements only (invitePlaceContacts)
		const { report, skipped } = await invitePlaceContacts(db, actor, chosen, {
			origin: publicOrigin(),
			instanceName: (await getInstanceSettings(db)).name,
			ip: locals.ip
		});
		if (!report && !skipped.length) return fail(400, { contactsError: 'Cochez au moins un lieu, ou choisissez « Inviter tous les contacts ».' });
		if (report?.errors.length) return fail(400, { contactsReport: report });
		redirect(303, `/admin/organisations/import?fait=${report ? summary(report, skipped.length) : `0-0-0-0-${skipped.length}`}#resultat`);
	}
};
