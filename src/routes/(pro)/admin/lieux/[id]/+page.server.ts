import { error, fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import {
	getPlace,
	canCuratePlace,
	correctPlace,
	identityFormOf,
	placeOverrides,
	takeSourceValue,
	CORRECTABLE,
	type IdentityForm,
	closePlace,
	reopenPlace,
	type ClosureForm,
	getErrorReport,
	isReportId,
	ERROR_REPORT_FIELDS,
	placeValueText
} from '#lib/server/places/index.ts';
import { parisDay } from '#lib/time.ts';
import { invitePlaceContacts, placeManagerState } from '#lib/server/accounts/index.ts';
import { getInstanceSettings } from '#lib/server/territory/index.ts';
import { positiveInteger } from '#lib/server/web/params.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';
import { formFailure } from '#lib/server/web/errors.ts';

const DEFAULT_TILES = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
const DEFAULT_ATTRIBUTION = '© <a href="https://www.openstreetmap.org/copyright">les contributeurs d’OpenStreetMap</a>';

/** a stored value as the coordinator reads it (a phone « 05 53 … », hours in words) */
const show = (field: string, v: unknown): string => placeValueText(field, v) || '(vide)';

export const load: PageServerLoad = async ({ params, locals, url }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	const p = await getPlace(db, params.id);
	if (!p || !canCuratePlace(actor, p.departmentCode)) error(404, 'Ce lieu n’existe pas, ou il n’est pas dans votre département.');
	const reportId = positiveInteger((url.searchParams.get('signalement') ?? '').slice(0, 20));
	const report = reportId && isReportId(reportId) ? await getErrorReport(db, actor, reportId) : null;
	const overrides = await placeOverrides(db, p.id);
	const manager = await placeManagerState(db.db, p.id);
	return {
		place: {
			id: p.id,
			nom: p.nom,
			commune: p.commune,
			adresse: p.adresse,
			dateMaj: p.dateMaj,
			locationPrecision: p.locationPrecision,
			latitude: p.latitude,
			longitude: p.longitude,
			telephone: p.telephone,
			courriels: p.courriels,
			horaires: p.horaires
		},
		identity: identityFormOf(p),
		closure: p.closure,
		/** who answers for the place: a manager, an invitation waiting, or its contact address to invite (the onboarding page's action) */
		manager: manager && { managed: manager.managed, waiting: manager.waiting, email: manager.email },
		sources: p.sources.map((s) => ({ source: s.source, sourceId: s.sourceId, lastSeenAt: s.lastSeenAt.toISOString() })),
		overrides: overrides
			.filter((o) => o.field !== 'locationPrecision' && o.field !== 'codeInsee')
			.map((o) => ({
				field: o.field,
				label: o.label,
				value: show(o.field, o.value),
				sourceValue: o.sourceValue === undefined ? null : show(o.field, o.sourceValue),
				same: JSON.stringify(o.value) === JSON.stringify(o.sourceValue)
			})),
		report:
			report && report.placeId === p.id && report.status === 'open'
				? { id: report.id, message: report.message, fields: report.fields.map((f) => ERROR_REPORT_FIELDS[f as keyof typeof ERROR_REPORT_FIELDS] ?? f) }
				: null,
		today: parisDay(),
		done: doneOf(url.searchParams.get('fait')),
		reportClosed: url.searchParams.get('signalement') === 'traite',
		created: url.searchParams.get('fait') === 'cree',
		// the merged place is gone: its name travels in the address, shown only with its code (escaped, as any text)
		merged: url.searchParams.get('fait') === 'fusionne' ? (url.searchParams.get('nom') ?? '').slice(0, 200) || null : null,
		map: { tiles: process.env.MAP_TILES_URL?.trim() || DEFAULT_TILES, attribution: process.env.MAP_TILES_ATTRIBUTION?.trim() || DEFAULT_ATTRIBUTION },
		labels: CORRECTABLE
	};
};

/** Post/Redirect/Get: a successful action redirects here with `?fait=<code>`; only a known code shows a message */
const DONE = {
	corrige: 'C’est enregistré\u00a0: la fiche du lieu est corrigée.',
	inchange: 'Rien n’a changé\u00a0: la fiche était déjà ainsi.',
	'ferme-definitivement': 'Le lieu est fermé définitivement\u00a0: il ne paraît plus dans la recherche.',
	'ferme-temporairement': 'Le lieu est fermé pour un temps\u00a0: sa page le dit.',
	rouvert: 'Le lieu est rouvert.',
	source: 'La valeur de la source est reprise\u00a0: la correction à la main est retirée.',
	invite: 'L’invitation est envoyée\u00a0: son contact deviendra responsable du lieu en l’acceptant.',
	'deja-invite': 'Rien de plus à envoyer\u00a0: une invitation attend déjà, ou son contact est déjà responsable.'
} as const;
type Done = keyof typeof DONE;
const doneOf = (code: string | null) => (code && Object.hasOwn(DONE, code) ? { code: code as Done, title: DONE[code as Done] } : null);
const backTo = (id: string, code: Done, reportClosed = false) =>
	`/admin/lieux/${encodeURIComponent(id)}?fait=${code}${reportClosed ? '&signalement=traite' : ''}`;

/** The report being acted on, in decimal digits only (« 0x1 », « 1e400 » are none). */
const reportOf = (f: FormData) => {
	const n = positiveInteger(String(f.get('signalement') ?? '').slice(0, 20));
	return n && isReportId(n) ? n : null;
};

export const actions: Actions = {
	corriger: async ({ params, request, locals }) => {
		const f = await request.formData();
		const str = (k: string) => String(f.get(k) ?? '');
		const input: IdentityForm = {
			nom: str('nom'),
			pivot: str('pivot'),
			adresse: str('adresse'),
			complementAdresse: str('complementAdresse'),
			codePostal: str('codePostal'),
			commune: str('commune'),
			latitude: str('latitude'),
			longitude: str('longitude')
		};
		let changed: number;
		try {
			changed = (await correctPlace(await getDatabase(), locals.session!.actor, params.id, input, { ip: locals.ip, reportId: reportOf(f) })).changed.length;
		} catch (e) {
			return formFailure(e, { form: 'identite', input });
		}
		redirect(303, backTo(params.id, changed ? 'corrige' : 'inchange', reportOf(f) != null));
	},
	source: async ({ params, request, locals }) => {
		const f = await request.formData();
		try {
			await takeSourceValue(await getDatabase(), locals.session!.actor, params.id, String(f.get('champ') ?? ''), { ip: locals.ip });
		} catch (e) {
			return formFailure(e, { form: 'source' });
		}
		redirect(303, backTo(params.id, 'source'));
	},
	fermer: async ({ params, request, locals }) => {
		const f = await request.formData();
		const kind = String(f.get('type') ?? '');
		const closure: ClosureForm = {
			kind: kind === 'temporary' || kind === 'permanent' ? kind : '',
			until: String(f.get('jusquau') ?? ''),
			reason: String(f.get('raison') ?? '')
		};
		try {
			await closePlace(await getDatabase(), locals.session!.actor, params.id, closure, { ip: locals.ip, reportId: reportOf(f) });
		} catch (e) {
			return formFailure(e, { form: 'fermeture', closureInput: closure });
		}
		redirect(303, backTo(params.id, closure.kind === 'permanent' ? 'ferme-definitivement' : 'ferme-temporairement', reportOf(f) != null));
	},
	/** its contact address invited as its manager, in one click: the function the onboarding page uses (« Lieux sans responsable »), journaled there */
	inviter: async ({ params, locals }) => {
		const db = await getDatabase();
		const actor = locals.session!.actor;
		const p = await getPlace(db, params.id);
		if (!p) error(404, 'Ce lieu n’existe pas, ou il n’est plus dans l’annuaire.');
		if (!canCuratePlace(actor, p.departmentCode)) error(403, 'Ce lieu n’est pas dans votre département.');
		const { report, skipped } = await invitePlaceContacts(db, actor, [p.id], {
			origin: publicOrigin(),
			instanceName: (await getInstanceSettings(db)).name,
			ip: locals.ip
		});
		if (skipped.length) return fail(409, { form: 'responsable', message: 'Ce lieu n’a pas d’adresse e-mail de contact à inviter.' });
		if (!report) return fail(409, { form: 'responsable', message: 'Ce lieu a déjà un responsable.' });
		if (report.errors.length) return fail(400, { form: 'responsable', message: report.errors.map((e) => e.message).join(' ') });
		redirect(303, backTo(params.id, report.members.invited + report.members.offered ? 'invite' : 'deja-invite'));
	},
	rouvrir: async ({ params, locals }) => {
		try {
			await reopenPlace(await getDatabase(), locals.session!.actor, params.id, { ip: locals.ip });
		} catch (e) {
			return formFailure(e, { form: 'fermeture' });
		}
		redirect(303, backTo(params.id, 'rouvert'));
	}
};
