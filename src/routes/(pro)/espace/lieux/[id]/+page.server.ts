import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import {
	canEditPlace,
	updatePlace,
	type PlaceForm,
	getPlace,
	DAY_NAMES,
	horairesToRanges,
	splitClosures,
	withClosures,
	rangesToHoraires,
	canCuratePlace,
	closePlace,
	reopenPlace,
	SERVICES,
	PUBLICS_SPECIFIQUEMENT_ADRESSES,
	FRAIS_A_CHARGE,
	MODALITES_ACCES,
	MODALITES_ACCOMPAGNEMENT
} from '#lib/server/places/index.ts';
import { parisDay } from '#lib/time.ts';
import { formatPhone } from '#lib/components/format.ts';
import { formFailure } from '#lib/server/web/errors.ts';

const CLOSURE_ROWS = 3;

/** What a Post/Redirect/Get brings back (?fait=…): F5 shows the page, it does not post again. */
const DONE = ['enregistre', 'ferme', 'rouvert'] as const;

export const load: PageServerLoad = async ({ params, locals, url }) => {
	const db = await getDatabase();
	if (!(await canEditPlace(db, locals.session!.actor, params.id))) error(404, 'Ce lieu n’existe pas, ou vous ne le gérez pas.');
	const p = (await getPlace(db, params.id))!;
	const { weekly, closures } = splitClosures(p.horaires);
	const week = horairesToRanges(weekly) ?? Array.from({ length: 7 }, () => []);
	// hours that the weekday form cannot express (alternate weeks, public holidays…) are said so
	let advanced: boolean;
	try {
		advanced = !!p.horaires && withClosures(rangesToHoraires(week), closures) !== p.horaires;
	} catch {
		advanced = true;
	}
	return {
		place: {
			id: p.id,
			nom: p.nom,
			commune: p.commune,
			dateMaj: p.dateMaj,
			horaires: p.horaires,
			presentationResume: p.presentationResume ?? '',
			// as the public reads it (05 53 66 00 00), not as stored (+33553660000)
			telephone: p.telephone ? formatPhone(p.telephone) : '',
			courriels: p.courriels.join(', '),
			siteWeb: p.siteWeb.join(' '),
			priseRdv: p.priseRdv ?? '',
			services: p.services,
			publics: p.publicsSpecifiquementAdresses,
			frais: p.fraisACharge,
			modalitesAcces: p.modalitesAcces,
			modalitesAccompagnement: p.modalitesAccompagnement
		},
		week: week.map((ranges, d) => ({ day: DAY_NAMES[d], ranges: [ranges[0] ?? { start: '', end: '' }, ranges[1] ?? { start: '', end: '' }] })),
		extraRanges: week.some((r) => r.length > 2),
		closures: [...closures, ...Array.from({ length: Math.max(0, CLOSURE_ROWS - closures.length) }, () => ({ from: '', to: '' }))],
		advanced,
		closure: p.closure,
		done: (DONE as readonly string[]).includes(url.searchParams.get('fait') ?? '') ? (url.searchParams.get('fait') as (typeof DONE)[number]) : null,
		today: parisDay(),
		// the coordinators also correct the name, address and position, and close for good
		curator: canCuratePlace(locals.session!.actor, p.departmentCode),
		vocab: {
			services: SERVICES,
			publics: PUBLICS_SPECIFIQUEMENT_ADRESSES,
			frais: FRAIS_A_CHARGE,
			acces: MODALITES_ACCES,
			accompagnement: MODALITES_ACCOMPAGNEMENT
		}
	};
};

function formOf(f: FormData): PlaceForm {
	const str = (k: string) => String(f.get(k) ?? '');
	const week = Array.from({ length: 7 }, (_, d) =>
		[0, 1]
			.map((i) => ({ start: str(`j${d}_${i}_debut`), end: str(`j${d}_${i}_fin`) }))
			.filter((r) => r.start || r.end)
			.map((r) => ({ start: r.start || '?', end: r.end || '?' }))
	);
	const closures = Array.from({ length: 10 }, (_, i) => ({ from: str(`fermeture_${i}_du`), to: str(`fermeture_${i}_au`) }))
		.filter((c) => c.from || c.to)
		.map((c) => ({ from: c.from || c.to, to: c.to || c.from }));
	return {
		presentationResume: str('presentationResume'),
		telephone: str('telephone'),
		courriels: str('courriels'),
		siteWeb: str('siteWeb'),
		priseRdv: str('priseRdv'),
		services: f.getAll('services').map(String),
		publics: f.getAll('publics').map(String),
		frais: f.getAll('frais').map(String),
		modalitesAcces: f.getAll('modalitesAcces').map(String),
		modalitesAccompagnement: f.getAll('modalitesAccompagnement').map(String),
		week,
		closures
	};
}

export const actions: Actions = {
	// closed for a while (the place's managers too): until a date, with a reason shown publicly
	fermer: async ({ params, request, locals }) => {
		const f = await request.formData();
		const closure = { kind: 'temporary' as const, until: String(f.get('jusquau') ?? ''), reason: String(f.get('raison') ?? '') };
		try {
			await closePlace(await getDatabase(), locals.session!.actor, params.id, closure, { ip: locals.ip });
		} catch (e) {
			// the closure's form, not the page's: its fields are said there
			return formFailure(e, (d) => ({ fields: {}, closureFields: d.fields, closureInput: closure }));
		}
		// F5 used to close it again (a second journal entry): Post/Redirect/Get
		redirect(303, `/espace/lieux/${encodeURIComponent(params.id)}?fait=ferme#fermeture-titre`);
	},
	rouvrir: async ({ params, locals, request }) => {
		const f = await request.formData();
		try {
			await reopenPlace(await getDatabase(), locals.session!.actor, params.id, { ip: locals.ip });
		} catch (e) {
			return formFailure(e);
		}
		// from « Mes lieux »: back on the list (Post/Redirect/Get)
		if (f.get('retour') === 'liste') redirect(303, '/espace/lieux?rouvert=1');
		redirect(303, `/espace/lieux/${encodeURIComponent(params.id)}?fait=rouvert#fermeture-titre`);
	},
	enregistrer: async ({ params, request, locals }) => {
		const f = await request.formData();
		const input = formOf(f);
		try {
			await updatePlace(await getDatabase(), locals.session!.actor, params.id, input, locals.ip);
		} catch (e) {
			return formFailure(e, {
				input: { ...input, raw: Object.fromEntries([...f.entries()].filter(([k]) => /^(j\d_|fermeture_)/.test(k)).map(([k, v]) => [k, String(v)])) }
			});
		}
		redirect(303, `/espace/lieux/${encodeURIComponent(params.id)}?fait=enregistre`);
	}
};
