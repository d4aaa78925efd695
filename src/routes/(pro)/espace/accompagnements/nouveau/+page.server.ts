import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { loadInstance } from '#lib/components/instance.server.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';
import {
	AGE_BANDS,
	AUTONOMY,
	BREAKDOWNS,
	DIGITAL_THEMES,
	DURATIONS,
	EQUIPMENT,
	GENDERS,
	KINDS,
	LOCATIONS,
	MAX_DURATION,
	MAX_PARTICIPANTS,
	PROCEDURE_HELP_THEME,
	PROCEDURE_THEMES,
	REDIRECTED_TO,
	STATUSES,
	WORKSHOP_LEVELS,
	readAccompanimentForm,
	recordAccompaniment,
	recordingForm
} from '#lib/server/accompaniments/index.ts';
import { monthOf, oneYearBefore, parseDay, parisDay } from '#lib/time.ts';
import { formatDuration } from '#lib/components/format.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';

const options = (o: Record<string, string>) => Object.entries(o).map(([value, label]) => ({ value, label }));

export const load: PageServerLoad = async ({ locals, url }) => {
	const q = url.searchParams;
	const today = parisDay();
	try {
		const view = await recordingForm(await getDatabase(), locals.session!.actor, {
			personId: q.get('personne'),
			referralId: q.get('orientation'),
			repeat: q.has('reprendre'),
			today
		});
		return {
			...view,
			today,
			earliest: oneYearBefore(today),
			vocab: {
				kinds: [
					{ value: 'individual', label: `${KINDS.individual}\u00a0: une personne` },
					{ value: 'collective', label: `${KINDS.collective}\u00a0: un atelier` }
				],
				durations: [...DURATIONS.map((d) => ({ value: String(d), label: formatDuration(d) })), { value: 'other', label: 'Autre durée' }],
				locations: options(LOCATIONS),
				themes: [...DIGITAL_THEMES],
				procedureThemes: [...PROCEDURE_THEMES],
				procedureHelpTheme: PROCEDURE_HELP_THEME,
				// a choice left empty stays possible without JavaScript (a radio cannot be unchecked)
				autonomy: [{ value: '', label: 'Non évaluée' }, ...options(AUTONOMY)],
				equipment: [...EQUIPMENT],
				redirectedTo: [...REDIRECTED_TO],
				genders: options(GENDERS),
				ageBands: options(AGE_BANDS),
				statuses: options(STATUSES),
				levels: [{ value: '', label: 'Non précisé' }, ...options(WORKSHOP_LEVELS)],
				breakdowns: Object.entries(BREAKDOWNS).map(([field, b]) => ({ field, label: b.label, options: options(b.options) })),
				maxDuration: MAX_DURATION,
				maxParticipants: MAX_PARTICIPANTS
			}
		};
	} catch (e) {
		pageError(e);
	}
};

export const actions: Actions = {
	default: async ({ request, locals, url }) => {
		const values = readAccompanimentForm(await request.formData());
		const today = parisDay();
		let result;
		try {
			result = await recordAccompaniment(
				await getDatabase(),
				locals.session!.actor,
				values,
				{ origin: publicOrigin(), instanceName: (await loadInstance()).name },
				locals.ip,
				today
			);
		} catch (e) {
			// a referral closed meanwhile: the form goes on without it
			return formFailure(e, (d) => ({ values: d.fields.referralId ? { ...values, referralId: '' } : values }));
		}
		// recorded to tie a Pass Numérique to it: back to the redemption (the form posts to its own URL, ?retour=… included)
		const back = url.searchParams.get('retour');
		if (back && /^\/espace\/pass\/encaisser(\?[^#]*)?$/.test(back)) redirect(303, back);
		// back to the list, on a period that shows the new one
		const q = new URLSearchParams({ enregistre: '1' });
		if (result.referralId) q.set('orientation', 'honoree');
		const date = parseDay(values.date) ?? today;
		if (date < monthOf(today)) q.set('du', date);
		redirect(303, `/espace/accompagnements?${q}`);
	}
};
