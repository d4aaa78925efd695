import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';
import {
	NEEDS,
	REQUEST_STATUSES,
	handoversOfRequests,
	requestDevice,
	setupViews,
	requestFormChoices,
	requestsOfMyStructures,
	waitingAreas,
	waitingList,
	type Need,
	type RequestStatus
} from '#lib/server/equipment/index.ts';
import { formatDate } from '#lib/components/format.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	const [choices, mine, areas] = await Promise.all([requestFormChoices(db, actor), requestsOfMyStructures(db, actor), waitingAreas(db, actor)]);
	// the set-up accompaniment of each device handed over: the latest handover of a request
	const handovers = await handoversOfRequests(
		db.db,
		mine.filter((r) => r.status === 'handed_over' || r.status === 'closed').map((r) => r.id)
	);
	const setups = await setupViews(db.db, handovers);
	const setupOf = new Map(handovers.map((h) => [h.requestId, setups.get(h.id)!]));
	const area = areas.find((a) => String(a.id) === url.searchParams.get('territoire')) ?? null;
	let list = null;
	if (area) {
		try {
			list = (await waitingList(db, actor, area.departmentCode, area.id)).map((r) => ({
				id: r.id,
				position: r.position,
				reference: r.reference,
				need: NEEDS[r.need],
				requestedOn: formatDate(r.requestedAt) ?? '',
				organisation: r.organisation,
				person: r.person
			}));
		} catch (e) {
			pageError(e);
		}
	}
	return {
		choices,
		mine: mine.map((r) => ({
			id: r.id,
			reference: r.reference,
			person: r.person,
			need: NEEDS[r.need as Need] ?? r.need,
			status: REQUEST_STATUSES[r.status as RequestStatus] ?? r.status,
			position: r.position,
			requestedOn: formatDate(r.requestedAt) ?? '',
			setup: setupOf.has(r.id)
				? (() => {
						const v = setupOf.get(r.id)!;
						return v.kind === 'declined'
							? v.outcomeLabel
							: `${v.place ?? v.kindLabel}\u00a0: ${v.outcomeLabel.toLowerCase()}${v.doneOn ? ` le ${formatDate(v.doneOn)}` : ''}${v.referralStatus && v.outcome === 'pending' ? ` (orientation ${v.referralStatus.toLowerCase()})` : ''}`;
					})()
				: null
		})),
		areas: areas.map((a) => ({ id: a.id, name: a.name })),
		area: area ? { id: area.id, name: area.name } : null,
		list,
		done: url.searchParams.get('fait') ?? null
	};
};

export const actions: Actions = {
	demander: async ({ request, locals }) => {
		const f = await request.formData();
		const values = Object.fromEntries(['beneficiaryId', 'need', 'eligibilityKind', 'areaId'].map((k) => [k, String(f.get(k) ?? '')]));
		let reference: string;
		try {
			reference = (await requestDevice(await getDatabase(), locals.session!.actor, values, locals.ip)).reference;
		} catch (e) {
			return formFailure(e, { values });
		}
		redirect(303, `/espace/materiel/demandes?fait=${encodeURIComponent(reference)}`);
	}
};
