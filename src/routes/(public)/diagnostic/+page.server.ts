import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { QUESTIONS, AXES, assess, checkAnswers, recommendPlaces } from '#lib/server/assessment/index.ts';
import { loadInstance } from '#lib/components/instance.server.ts';
import { statusText } from '#lib/components/format.ts';

export const csr = false;

export const load: PageServerLoad = async () => ({ questions: QUESTIONS, axes: AXES });

export const actions: Actions = {
	default: async ({ request }) => {
		const f = await request.formData();
		const raw: Record<string, string | string[]> = {};
		for (const q of QUESTIONS) raw[q.id] = q.multiple ? f.getAll(q.id).map(String) : String(f.get(q.id) ?? '');
		const ou = String(f.get('ou') ?? '')
			.trim()
			.slice(0, 200);
		const checked = checkAnswers(raw);
		if (!checked.ok) return fail(400, { errors: checked.errors, answers: raw, ou });
		if (!ou)
			return fail(400, {
				errors: { ou: 'Indiquez votre commune ou votre code postal, pour trouver les lieux près de chez vous. Exemple\u00a0: Agen ou 47000' },
				answers: raw,
				ou
			});
		const result = assess(checked.answers);
		const instance = await loadInstance();
		const r = await recommendPlaces(await getDatabase(), result, { where: ou }, { limit: 5, homeDepartments: instance.departmentCodes });
		if (r.where?.status !== 'found')
			return fail(400, {
				errors: {
					ou:
						r.where?.status === 'ambiguous'
							? `Plusieurs communes s’appellent « ${ou} »\u00a0: ajoutez le code postal. Exemple\u00a0: ${ou} 47000`
							: `Nous ne trouvons pas « ${ou} ». Vérifiez l’orthographe, ou indiquez le code postal.`
				},
				answers: raw,
				ou
			});
		return {
			answers: raw,
			ou,
			result: {
				profile: result.profile,
				services: result.services,
				urgency: result.urgency,
				where: r.where.point.label,
				places: r.recommendations.map((x) => ({
					id: x.item.place.id,
					nom: x.item.place.nom,
					commune: x.item.place.commune,
					telephone: x.item.place.telephone,
					reasons: x.reasons,
					missing: x.missing,
					status: statusText(x.item.status),
					statusOpen: x.item.status?.open ?? null
				}))
			}
		};
	}
};
