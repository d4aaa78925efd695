import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { departmentsWith } from '#lib/server/accounts/service.ts';
import { ERROR_REPORT_FIELDS, listErrorReports, resolveErrorReport } from '#lib/server/places/service.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const actor = locals.session!.actor;
	const departments = actor.isAdmin ? null : departmentsWith(actor, ['coordinator']);
	const resolved = url.searchParams.get('statut') === 'traites';
	const rows = await listErrorReports(await getDatabase(), { status: resolved ? 'resolved' : 'open', departments, limit: 200 });
	return {
		resolved,
		reports: rows.map((r) => ({
			...r,
			fields: r.fields.map((f) => ERROR_REPORT_FIELDS[f as keyof typeof ERROR_REPORT_FIELDS] ?? f),
			createdAt: r.createdAt.toISOString(),
			resolvedAt: r.resolvedAt?.toISOString() ?? null
		}))
	};
};

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const actor = locals.session!.actor;
		const id = Number((await request.formData()).get('id'));
		const ok = Number.isInteger(id) && (await resolveErrorReport(await getDatabase(), id, { departments: actor.isAdmin ? null : departmentsWith(actor, ['coordinator']), actorId: actor.userId, ip: locals.ip }));
		if (!ok) return fail(404, { message: 'Ce signalement n’existe pas, est déjà traité, ou concerne un lieu hors de votre département.' });
		return { resolvedId: id };
	}
};
