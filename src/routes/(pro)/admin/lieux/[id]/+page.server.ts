import { error, fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { getPlace, PlaceManagementError } from '#lib/server/places/service.ts';
import { canCuratePlace, closePlace, correctPlace, identityFormOf, placeOverrides, reopenPlace, takeSourceValue, CORRECTABLE, type ClosureForm, type IdentityForm } from '#lib/server/places/edit.ts';
import { getErrorReport } from '#lib/server/places/report-answer.ts';
import { ERROR_REPORT_FIELDS } from '#lib/server/places/service.ts';
import { parisToday } from '#lib/server/places/model.ts';

const DEFAULT_TILES = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
const DEFAULT_ATTRIBUTION = '© <a href="https://www.openstreetmap.org/copyright">les contributeurs d’OpenStreetMap</a>';

function show(v: unknown): string {
	if (v == null || v === '') return '(vide)';
	if (Array.isArray(v)) return v.length ? v.join(', ') : '(vide)';
	if (v === 'municipality') return 'approximative (centre de la commune)';
	if (v === 'address') return 'à l’adresse';
	return String(v);
}

export const load: PageServerLoad = async ({ params, locals, url }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	const p = await getPlace(db, params.id);
	if (!p || !canCuratePlace(actor, p.departmentCode)) error(404, 'Ce lieu n’existe pas, ou il n’est pas dans votre département.');
	const reportId = Number(url.searchParams.get('signalement'));
	const report = Number.isInteger(reportId) && reportId > 0 ? await getErrorReport(db, actor, reportId) : null;
	const overrides = await placeOverrides(db, p.id);
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
		sources: p.sources.map((s) => ({ source: s.source, sourceId: s.sourceId, lastSeenAt: s.lastSeenAt.toISOString() })),
		overrides: overrides
			.filter((o) => o.field !== 'locationPrecision' && o.field !== 'codeInsee')
			.map((o) => ({ field: o.field, label: o.label, value: show(o.value), sourceValue: o.sourceValue === undefined ? null : show(o.sourceValue), same: JSON.stringify(o.value) === JSON.stringify(o.sourceValue) })),
		report: report && report.placeId === p.id && report.status === 'open' ? { id: report.id, message: report.message, fields: report.fields.map((f) => ERROR_REPORT_FIELDS[f as keyof typeof ERROR_REPORT_FIELDS] ?? f) } : null,
		today: parisToday(),
		created: url.searchParams.has('cree'),
		merged: url.searchParams.get('fusionne'),
		map: { tiles: process.env.MAP_TILES_URL?.trim() || DEFAULT_TILES, attribution: process.env.MAP_TILES_ATTRIBUTION?.trim() || DEFAULT_ATTRIBUTION },
		labels: CORRECTABLE
	};
};

const reportOf = (f: FormData) => {
	const n = Number(f.get('signalement'));
	return Number.isInteger(n) && n > 0 ? n : null;
};

function failure(e: unknown, extra: Record<string, unknown>) {
	if (e instanceof PlaceManagementError)
		return fail(e.code === 'forbidden' ? 403 : e.code === 'not_found' ? 404 : 400, { message: e.message, fields: e.fields, ...extra });
	throw e;
}

export const actions: Actions = {
	corriger: async ({ params, request, locals }) => {
		const f = await request.formData();
		const str = (k: string) => String(f.get(k) ?? '');
		const input: IdentityForm = { nom: str('nom'), pivot: str('pivot'), adresse: str('adresse'), complementAdresse: str('complementAdresse'), codePostal: str('codePostal'), commune: str('commune'), latitude: str('latitude'), longitude: str('longitude') };
		try {
			const r = await correctPlace(await getDatabase(), locals.session!.actor, params.id, input, { ip: locals.ip, reportId: reportOf(f) });
			return { corrected: r.changed.length, reportClosed: reportOf(f) != null };
		} catch (e) {
			return failure(e, { form: 'identite', input });
		}
	},
	source: async ({ params, request, locals }) => {
		const f = await request.formData();
		try {
			await takeSourceValue(await getDatabase(), locals.session!.actor, params.id, String(f.get('champ') ?? ''), { ip: locals.ip });
			return { taken: String(f.get('champ') ?? '') };
		} catch (e) {
			return failure(e, { form: 'source' });
		}
	},
	fermer: async ({ params, request, locals }) => {
		const f = await request.formData();
		const kind = String(f.get('type') ?? '');
		const closure: ClosureForm = { kind: kind === 'temporary' || kind === 'permanent' ? kind : '', until: String(f.get('jusquau') ?? ''), reason: String(f.get('raison') ?? '') };
		try {
			await closePlace(await getDatabase(), locals.session!.actor, params.id, closure, { ip: locals.ip, reportId: reportOf(f) });
			return { closed: closure.kind, reportClosed: reportOf(f) != null };
		} catch (e) {
			return failure(e, { form: 'fermeture', closureInput: closure });
		}
	},
	rouvrir: async ({ params, locals }) => {
		try {
			await reopenPlace(await getDatabase(), locals.session!.actor, params.id, { ip: locals.ip });
			return { reopened: true };
		} catch (e) {
			return failure(e, { form: 'fermeture' });
		}
	}
};
