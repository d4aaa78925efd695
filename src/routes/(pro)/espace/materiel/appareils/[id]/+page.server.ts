import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';
import {
	ACCOMPANIMENT_PROPOSALS,
	DEVICE_STATUSES,
	DEVICE_TYPES,
	ERASURE_METHODS,
	GRADES,
	RECEIPTS,
	RETURN_REASONS,
	TEST_FUNCTIONS,
	NEEDS,
	availableFor,
	cancelReservation,
	deviceForRefurbisher,
	handOver,
	handoversOfRequests,
	offerDevice,
	recordAccompanimentOutcome,
	setupPlaceChoices,
	setupViews,
	recordErasure,
	recordTest,
	recycleDevice,
	requestsForDevice,
	reserveDevice,
	returnDevice,
	specifyDevice,
	startRefurbishing,
	withdrawDevice,
	type DeviceStatus,
	type DeviceType,
	type Need
} from '#lib/server/equipment/index.ts';
import { PERSON_FORM_VOCAB } from '#lib/server/beneficiaries/index.ts';
import { loadInstance } from '#lib/components/instance.server.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';
import { euros, formatAppointment, formatDate, formatDateTime } from '#lib/components/format.ts';
import { parisDay } from '#lib/time.ts';

const EVENT_WORDS: Record<string, string> = {
	received: 'Reçu dans le lot',
	refurbishing: 'Reconditionnement commencé',
	tested: 'Fonctions testées',
	erased: 'Données effacées (rapport enregistré)',
	specified: 'Fiche technique remplie',
	offered: 'Proposé',
	withdrawn: 'Retiré de l’offre',
	reserved: 'Réservé pour une demande',
	reservation_cancelled: 'Réservation annulée',
	handed_over: 'Remis à la personne',
	returned: 'Retourné',
	recycled: 'Recyclé',
	accompaniment: 'Accompagnement de prise en main suivi',
	corrected: 'Lignes du lot corrigées'
};

const DONE: Record<string, string> = {
	commence: 'Le reconditionnement est commencé.',
	teste: 'Le test est enregistré.',
	efface: 'Le rapport d’effacement est enregistré.',
	fiche: 'La fiche est enregistrée.',
	propose: 'L’appareil est proposé.',
	retire: 'L’appareil est retiré de l’offre.',
	recycle: 'Le recyclage est enregistré.',
	reserve: 'L’appareil est réservé.',
	annule: 'La réservation est annulée.',
	remis: 'La remise est enregistrée.',
	retour: 'Le retour est enregistré.',
	suivi: 'Le suivi de l’accompagnement est enregistré.'
};

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	try {
		const p = await deviceForRefurbisher(db, actor, params.id);
		const d = p.device;
		const requests = await requestsForDevice(db, actor, d.id);
		// an exchange under warranty: another available device of the same type, from the same stock
		const exchange =
			d.status === 'handed_over' && d.type in NEEDS
				? (await availableFor(db, actor, d.refurbisherOrganisationId, d.type as Need))
						.filter((x) => x.id !== d.id)
						.map((x) => ({
							id: x.id,
							label: [x.brand, x.model, x.grade ? `grade ${x.grade}` : '', x.priceCents === null ? '' : euros(x.priceCents)].filter(Boolean).join(', ')
						}))
				: [];
		// the set-up accompaniment of the device's handovers (the latest first): its referral's outcome, or the one typed
		const handovers = (await handoversOfRequests(db.db, [...new Set(p.history.map((h) => h.requestId).filter((x): x is string => !!x))])).filter(
			(h) => h.deviceId === d.id
		);
		const setups = await setupViews(db.db, handovers);
		const places = d.status === 'reserved' ? await setupPlaceChoices(db, actor, d) : null;
		return {
			device: {
				id: d.id,
				title: [DEVICE_TYPES[d.type as DeviceType] ?? d.type, d.brand, d.model].filter(Boolean).join(' '),
				status: d.status as DeviceStatus,
				statusLabel: DEVICE_STATUSES[d.status as DeviceStatus] ?? d.status,
				serial: d.serial,
				year: d.manufactureYear,
				stateOnReceipt: d.stateOnReceipt,
				spec: {
					cpu: d.cpu,
					memoryGb: d.memoryGb?.toString() ?? '',
					storageGb: d.storageGb?.toString() ?? '',
					screenInches: d.screenInches,
					batteryHealth: d.batteryHealth?.toString() ?? '',
					operatingSystem: d.operatingSystem,
					grade: d.grade ?? '',
					warrantyMonths: d.warrantyMonths?.toString() ?? '',
					priceEuros: d.priceCents === null ? '' : String(d.priceCents / 100).replace('.', ',')
				},
				price: d.priceCents === null ? null : euros(d.priceCents)
			},
			organisation: p.organisation,
			lot: p.lot ? { id: d.lotId, reference: p.lot.reference, donor: p.lot.donor, receivedOn: formatDate(p.lot.receivedOn) } : null,
			tests: p.tests.map((t) => ({
				id: t.id,
				on: formatDate(t.testedOn),
				passed: t.passed,
				failed: Object.entries(t.results)
					.filter(([, ok]) => !ok)
					.map(([k]) => TEST_FUNCTIONS[k as keyof typeof TEST_FUNCTIONS] ?? k)
			})),
			erasures: p.erasures.map((e) => ({
				id: e.id,
				on: formatDate(e.erasedOn),
				method: ERASURE_METHODS[e.method as keyof typeof ERASURE_METHODS] ?? e.method,
				tool: e.tool,
				operator: e.operatorName,
				reference: e.reportReference
			})),
			recycling: p.recycling ? { on: formatDate(p.recycling.recycledOn), channel: p.recycling.channel, certificate: p.recycling.certificateReference } : null,
			history: p.history.map((h) => ({ id: h.id, at: formatDateTime(h.at) ?? '', what: EVENT_WORDS[h.kind] ?? h.kind })),
			waiting: requests.waiting.map((r) => ({ id: r.id, label: `${r.reference}, demandée le ${formatDate(r.requestedAt)}` })),
			holding: requests.holding,
			exchange,
			today: parisDay(),
			setups: [...handovers].reverse().map((h) => {
				const v = setups.get(h.id)!;
				return {
					id: h.id,
					on: formatDate(h.handedOverAt) ?? '',
					kind: v.kindLabel,
					place: v.place,
					referralStatus: v.referralStatus,
					appointment: v.appointmentAt ? formatAppointment(v.appointmentAt) : null,
					outcome: v.outcomeLabel,
					doneOn: v.doneOn ? formatDate(v.doneOn) : null,
					// typed by hand: an accompaniment outside the network, still to say
					toRecord: v.typed && v.kind !== 'declined'
				};
			}),
			places,
			reason: `Prise en main de l’appareil remis le ${formatDate(new Date())} (${DEVICE_TYPES[d.type as DeviceType] ?? d.type}${d.brand ? ` ${d.brand}` : ''})\u00a0: l’allumer, se connecter à internet, créer ou retrouver ses comptes, et s’en servir en sécurité.`,
			vocab: { scopes: PERSON_FORM_VOCAB.scopes.filter((s) => s.value !== 'assessment'), methods: PERSON_FORM_VOCAB.methods.filter((m) => m.value !== 'sms') },
			choices: {
				functions: Object.entries(TEST_FUNCTIONS).map(([value, label]) => ({ value, label })),
				methods: Object.entries(ERASURE_METHODS).map(([value, label]) => ({ value, label })),
				grades: Object.entries(GRADES).map(([value, label]) => ({ value, label })),
				receipts: Object.entries(RECEIPTS).map(([value, label]) => ({ value, label })),
				accompaniments: Object.entries(ACCOMPANIMENT_PROPOSALS).map(([value, label]) => ({ value, label })),
				returns: Object.entries(RETURN_REASONS)
					.filter(([v]) => v !== 'exchange' || exchange.length > 0)
					.map(([value, label]) => ({ value, label }))
			},
			done: DONE[url.searchParams.get('fait') ?? ''] ?? null
		};
	} catch (e) {
		pageError(e);
	}
};

const str = (f: FormData, k: string) => String(f.get(k) ?? '');
const KEEP = { page: ['forbidden', 'not_found'] };

/** The request the device of the URL is held for (never an id posted for another device). */
async function holdingOf(locals: App.Locals, id: string): Promise<string> {
	return (await requestsForDevice(await getDatabase(), locals.session!.actor, id)).holding?.id ?? '';
}

/** One act of the page: run it, then back to the page with its message (Post/Redirect/Get). */
async function act(params: { id: string }, done: string, run: () => Promise<unknown>, values: Record<string, unknown> = {}) {
	try {
		await run();
	} catch (e) {
		return formFailure(e, { values }, KEEP);
	}
	redirect(303, `/espace/materiel/appareils/${params.id}?fait=${done}`);
}

export const actions: Actions = {
	commencer: async ({ locals, params }) =>
		act(params, 'commence', async () => startRefurbishing(await getDatabase(), locals.session!.actor, params.id, locals.ip)),
	tester: async ({ request, locals, params }) => {
		const f = await request.formData();
		const checked = new Set(f.getAll('ok').map(String));
		const functions = f.getAll('fonction').map(String);
		const results = Object.fromEntries(functions.map((k) => [k, checked.has(k)]));
		return act(
			params,
			'teste',
			async () => recordTest(await getDatabase(), locals.session!.actor, params.id, { testedOn: str(f, 'testedOn'), results, note: str(f, 'note') }, locals.ip),
			{ testedOn: str(f, 'testedOn') }
		);
	},
	effacer: async ({ request, locals, params }) => {
		const values = Object.fromEntries(['method', 'tool', 'erasedOn', 'operatorName', 'reportReference'].map((k) => [k, '']));
		const f = await request.formData();
		for (const k of Object.keys(values)) values[k] = str(f, k);
		return act(params, 'efface', async () => recordErasure(await getDatabase(), locals.session!.actor, params.id, values, locals.ip), values);
	},
	fiche: async ({ request, locals, params }) => {
		const f = await request.formData();
		const values = Object.fromEntries(
			['cpu', 'memoryGb', 'storageGb', 'screenInches', 'batteryHealth', 'operatingSystem', 'grade', 'warrantyMonths', 'priceEuros'].map((k) => [k, str(f, k)])
		);
		return act(params, 'fiche', async () => specifyDevice(await getDatabase(), locals.session!.actor, params.id, values, locals.ip), values);
	},
	proposer: async ({ locals, params }) => act(params, 'propose', async () => offerDevice(await getDatabase(), locals.session!.actor, params.id, locals.ip)),
	retirer: async ({ locals, params }) => act(params, 'retire', async () => withdrawDevice(await getDatabase(), locals.session!.actor, params.id, locals.ip)),
	recycler: async ({ request, locals, params }) => {
		const f = await request.formData();
		const values = {
			recycledOn: str(f, 'recycledOn'),
			channel: str(f, 'channel'),
			certificateReference: str(f, 'certificateReference'),
			reason: str(f, 'reason')
		};
		return act(params, 'recycle', async () => recycleDevice(await getDatabase(), locals.session!.actor, params.id, values, locals.ip), values);
	},
	reserver: async ({ request, locals, params }) => {
		const f = await request.formData();
		return act(params, 'reserve', async () => reserveDevice(await getDatabase(), locals.session!.actor, params.id, str(f, 'request'), locals.ip));
	},
	annuler: async ({ locals, params }) => {
		return act(params, 'annule', async () => cancelReservation(await getDatabase(), locals.session!.actor, await holdingOf(locals, params.id), locals.ip));
	},
	remettre: async ({ request, locals, params }) => {
		const f = await request.formData();
		const values = {
			receipt: str(f, 'receipt'),
			accompaniment: str(f, 'accompaniment'),
			accompanimentPlaceId: str(f, 'accompanimentPlaceId'),
			accompanimentReason: str(f, 'accompanimentReason').slice(0, 4000),
			appointmentAt: str(f, 'appointmentAt'),
			consentMethod: str(f, 'consentMethod'),
			consentScope: f.getAll('consentScope').map(String)
		};
		const instance = await loadInstance();
		return act(
			params,
			'remis',
			async () =>
				handOver(await getDatabase(), locals.session!.actor, await holdingOf(locals, params.id), values, locals.ip, new Date(), {
					origin: publicOrigin(),
					instanceName: instance.name
				}),
			values
		);
	},
	suivi: async ({ request, locals, params }) => {
		const f = await request.formData();
		const outcome = str(f, 'outcome');
		const values = { outcome, on: str(f, 'on') };
		return act(
			params,
			'suivi',
			async () =>
				recordAccompanimentOutcome(
					await getDatabase(),
					locals.session!.actor,
					str(f, 'handover'),
					outcome as 'done' | 'not_done',
					outcome === 'done' ? values.on || parisDay() : null,
					locals.ip
				),
			values
		);
	},
	reprendre: async ({ request, locals, params }) => {
		const f = await request.formData();
		const values = { reason: str(f, 'reason'), exchangeDeviceId: str(f, 'reason') === 'exchange' ? str(f, 'exchangeDeviceId') : '' };
		return act(
			params,
			'retour',
			async () => returnDevice(await getDatabase(), locals.session!.actor, await holdingOf(locals, params.id), values, locals.ip),
			values
		);
	}
};
