import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { campaignDefaults, createCampaign, possibleFunders, PUBLICS } from '#lib/server/pass/index.ts';
import { listAreas, AREA_KIND_LABELS } from '#lib/server/territory/index.ts';
import { pickFundDepartment } from '#lib/server/pass/index.ts';
import { fundFailure } from '../../failure.server.ts';

/** Up to this many funders' shares on the form. */
const SHARES = 4;

export const load: PageServerLoad = async ({ locals, url }) => {
	const db = await getDatabase();
	const { departments, departmentCode } = await pickFundDepartment(db, locals.session!.actor, url.searchParams.get('departement'));
	const [areas, funders] = await Promise.all([listAreas(db, departmentCode), possibleFunders(db, departmentCode)]);
	const d = campaignDefaults();
	return {
		departments,
		departmentCode,
		publics: [...PUBLICS],
		areas: areas.map((a) => ({
			value: String(a.id),
			label: `${a.name} (${AREA_KIND_LABELS[a.kind]?.toLowerCase() ?? a.kind}, ${a.municipalityCount} communes)`
		})),
		funders: funders.map((f) => ({ id: f.id, name: f.name })),
		shareRows: SHARES,
		defaults: {
			name: '',
			faceValue: d.faceValue,
			bookletSize: String(d.bookletSize),
			validFrom: d.validFrom,
			validUntil: d.validUntil,
			toleranceDays: String(d.toleranceDays),
			publics: [] as string[],
			areaIds: [] as string[],
			shares: Array.from({ length: SHARES }, () => ({ funderId: '', amount: '' }))
		}
	};
};

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const db = await getDatabase();
		const actor = locals.session!.actor;
		const f = await request.formData();
		const text = (k: string) => String(f.get(k) ?? '');
		const values = {
			name: text('name'),
			faceValue: text('faceValue'),
			bookletSize: text('bookletSize'),
			validFrom: text('validFrom'),
			validUntil: text('validUntil'),
			toleranceDays: text('toleranceDays'),
			publics: f.getAll('publics').map(String),
			areaIds: f.getAll('areaIds').map(String),
			shares: Array.from({ length: SHARES }, (_, i) => ({ funderId: text(`share-${i}-funder`), amount: text(`share-${i}-amount`) }))
		};
		const { departmentCode } = await pickFundDepartment(db, actor, text('departement'), true);
		let id: string;
		try {
			const { shares, ...input } = values;
			id = await createCampaign(db, actor, departmentCode, input, shares, locals.ip);
		} catch (e) {
			return fundFailure(e, 'campagne', values);
		}
		redirect(303, `/espace/pass/campagnes/${id}?fait=creee`);
	}
};
