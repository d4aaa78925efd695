import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { listQualifications, managedDepartments, possibleFunders, qualify, suspendQualification } from '#lib/server/pass/service.ts';
import { parisDate, passFail, passPageError, pickDepartment, spacedSiret } from '#lib/server/pass/steering.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	const departments = await managedDepartments(db, actor);
	const departmentCode = pickDepartment(departments, url.searchParams.get('departement'));
	try {
		const [rows, orgs] = await Promise.all([listQualifications(db, actor, departmentCode), possibleFunders(db, departmentCode)]);
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
			organisations: [...orgs].sort((a, b) => a.name.localeCompare(b.name, 'fr')).map((o) => ({ id: o.id, name: o.name }))
		};
	} catch (e) {
		passPageError(e);
	}
};

async function departmentOf(locals: App.Locals, form: FormData): Promise<string> {
	const departments = await managedDepartments(await getDatabase(), locals.session!.actor);
	return pickDepartment(departments, String(form.get('departement') ?? ''));
}

export const actions: Actions = {
	qualifier: async ({ request, locals }) => {
		const form = await request.formData();
		const values = { siret: String(form.get('siret') ?? '').trim(), organisationId: String(form.get('organisationId') ?? '') };
		const departmentCode = await departmentOf(locals, form);
		try {
			await qualify(await getDatabase(), locals.session!.actor, departmentCode, values, locals.ip);
			return { done: `Le SIRET ${values.siret.replace(/\s/g, '')} est qualifié : ses lieux peuvent encaisser des pass.` };
		} catch (e) {
			return passFail(e, 'qualifier', values);
		}
	},
	suspendre: async ({ request, locals }) => {
		const form = await request.formData();
		const id = String(form.get('id') ?? '');
		const reason = String(form.get('reason') ?? '');
		try {
			await suspendQualification(await getDatabase(), locals.session!.actor, id, reason, locals.ip);
			return { done: 'La qualification est suspendue : ses lieux ne peuvent plus encaisser de pass.' };
		} catch (e) {
			return passFail(e, `suspendre:${id}`, { reason });
		}
	},
	requalifier: async ({ request, locals }) => {
		const form = await request.formData();
		const values = { siret: String(form.get('siret') ?? ''), organisationId: String(form.get('organisationId') ?? '') };
		const departmentCode = await departmentOf(locals, form);
		try {
			await qualify(await getDatabase(), locals.session!.actor, departmentCode, values, locals.ip);
			return { done: `La qualification du SIRET ${values.siret} est rétablie.` };
		} catch (e) {
			return passFail(e, `requalifier:${values.siret}`);
		}
	}
};
