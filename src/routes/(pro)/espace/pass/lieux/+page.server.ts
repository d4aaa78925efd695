import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { listQualifications, managedDepartments, possibleFunders, qualifiableOrganisations, qualify, suspendQualification } from '#lib/server/pass/index.ts';
import { parisDate, pickDepartment, spacedSiret } from '#lib/server/pass/index.ts';
import { pageError } from '#lib/server/web/errors.ts';
import { passFailure } from '../failure.server.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	const departments = await managedDepartments(db, actor);
	const departmentCode = pickDepartment(departments, url.searchParams.get('departement'));
	try {
		const [rows, orgs, known] = await Promise.all([
			listQualifications(db, actor, departmentCode),
			possibleFunders(db, departmentCode),
			qualifiableOrganisations(db, actor, departmentCode)
		]);
		return {
			departments,
			departmentCode,
			qualifications: rows.map((q) => ({
				id: q.id,
				siret: q.siret,
				siretLabel: spacedSiret(q.siret),
				organisation: q.organisation,
				organisationId: q.organisationId,
				places: q.places,
				since: parisDate(q.qualifiedAt),
				suspendedOn: parisDate(q.suspendedAt),
				suspensionReason: q.suspensionReason
			})),
			organisations: [...orgs].sort((a, b) => a.name.localeCompare(b.name, 'fr')).map((o) => ({ id: o.id, name: o.name })),
			// their SIRET is stored: nothing to type (issue 12)
			knownSirets: known.map((o) => ({ id: o.id, name: o.name, siret: o.siret!, siretLabel: spacedSiret(o.siret) })),
			done: doneMessage(url.searchParams)
		};
	} catch (e) {
		pageError(e);
	}
};

/** The message after an action: each action redirects (Post/Redirect/Get), F5 never repeats it. */
function doneMessage(q: URLSearchParams): string | null {
	const siret = (q.get('siret') ?? '').replace(/\D/g, '').slice(0, 14);
	switch (q.get('fait')) {
		case 'qualifie':
			return `Le SIRET ${siret} est qualifié : ses lieux peuvent encaisser des pass.`;
		case 'suspendu':
			return 'La qualification est suspendue : ses lieux ne peuvent plus encaisser de pass.';
		case 'retabli':
			return `La qualification du SIRET ${siret} est rétablie.`;
		default:
			return null;
	}
}

const back = (departmentCode: string, fait: string, siret = '') =>
	`/espace/pass/lieux?${new URLSearchParams({ departement: departmentCode, fait, ...(siret ? { siret } : {}) })}`;

async function departmentOf(locals: App.Locals, form: FormData): Promise<string> {
	const departments = await managedDepartments(await getDatabase(), locals.session!.actor);
	return pickDepartment(departments, String(form.get('departement') ?? ''));
}

export const actions: Actions = {
	qualifier: async ({ request, locals }) => {
		const form = await request.formData();
		const values = { siret: String(form.get('siret') ?? '').trim(), organisationId: String(form.get('organisationId') ?? '') };
		const departmentCode = await departmentOf(locals, form);
		let siret: string;
		try {
			const db = await getDatabase();
			const id = await qualify(db, locals.session!.actor, departmentCode, values, locals.ip);
			siret = (await listQualifications(db, locals.session!.actor, departmentCode)).find((q) => q.id === id)?.siret ?? values.siret.replace(/\s/g, '');
		} catch (e) {
			return passFailure(e, 'qualifier', values);
		}
		redirect(303, `${back(departmentCode, 'qualifie', siret)}#qualifications`);
	},
	suspendre: async ({ request, locals }) => {
		const form = await request.formData();
		const id = String(form.get('id') ?? '');
		const reason = String(form.get('reason') ?? '');
		const departmentCode = await departmentOf(locals, form);
		try {
			await suspendQualification(await getDatabase(), locals.session!.actor, id, reason, locals.ip);
		} catch (e) {
			return passFailure(e, `suspendre:${id}`, { reason });
		}
		redirect(303, back(departmentCode, 'suspendu'));
	},
	requalifier: async ({ request, locals }) => {
		const form = await request.formData();
		const values = { siret: String(form.get('siret') ?? ''), organisationId: String(form.get('organisationId') ?? '') };
		const departmentCode = await departmentOf(locals, form);
		try {
			await qualify(await getDatabase(), locals.session!.actor, departmentCode, values, locals.ip);
		} catch (e) {
			return passFailure(e, `requalifier:${values.siret}`);
		}
		redirect(303, back(departmentCode, 'retabli', values.siret));
	}
};
