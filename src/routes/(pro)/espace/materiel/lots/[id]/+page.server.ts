import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import {
	DEVICE_STATUSES,
	DEVICE_TYPES,
	MAX_LOT_LINES,
	MAX_LOT_TEXT,
	lotForEditing,
	updateLot,
	type DeviceStatus,
	type DeviceType
} from '#lib/server/equipment/index.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';
import { formatDate } from '#lib/components/format.ts';

const LINE = ['type', 'brand', 'model', 'serial', 'manufactureYear', 'stateOnReceipt'] as const;
type Line = Record<(typeof LINE)[number], string> & { id: string; remove: boolean };

/** The confirmation, from the counts of the redirection (numbers only: nothing of the URL is shown as such). */
function doneMessage(url: URL): string {
	const n = (k: string) => Math.max(0, Math.min(Number.parseInt(url.searchParams.get(k) ?? '0', 10) || 0, 100_000));
	const parts = [
		n('corriges') ? `${n('corriges')} appareil(s) corrigé(s)` : '',
		n('retires') ? `${n('retires')} appareil(s) retiré(s) du lot` : '',
		n('ajoutes') ? `${n('ajoutes')} appareil(s) ajouté(s)` : ''
	].filter(Boolean);
	return parts.length ? `Le lot est corrigé\u00a0: ${parts.join(', ')}.` : 'Le lot est corrigé.';
}

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const actor = locals.session!.actor;
	try {
		const { lot, devices, donors, refurbisher, opensDevices } = await lotForEditing(await getDatabase(), actor, params.id);
		const open = devices.filter((d) => d.status === 'received');
		return {
			lot: { id: lot.id, reference: lot.reference, refurbisher },
			donors,
			types: Object.entries(DEVICE_TYPES).map(([value, label]) => ({ value, label })),
			defaults: {
				donorId: lot.donorId,
				reference: lot.reference,
				receivedOn: lot.receivedOn,
				legalBasis: lot.legalBasis,
				note: lot.note,
				added: '',
				devices: open.map((d): Line => ({
					id: d.id,
					type: d.type,
					brand: d.brand,
					model: d.model,
					serial: d.serial,
					manufactureYear: d.manufactureYear?.toString() ?? '',
					stateOnReceipt: d.stateOnReceipt,
					remove: false
				}))
			},
			started: devices
				.filter((d) => d.status !== 'received')
				.map((d) => ({
					id: d.id,
					label: [DEVICE_TYPES[d.type as DeviceType] ?? d.type, d.brand, d.model].filter(Boolean).join(' '),
					serial: d.serial,
					status: DEVICE_STATUSES[d.status as DeviceStatus] ?? d.status,
					since: formatDate(d.statusChangedAt) ?? '',
					href: opensDevices ? `/espace/materiel/appareils/${d.id}` : null
				})),
			done: url.searchParams.get('fait') === 'corrige' ? doneMessage(url) : null
		};
	} catch (e) {
		pageError(e);
	}
};

export const actions: Actions = {
	default: async ({ request, locals, params }) => {
		const form = await request.formData();
		const text = (k: string, max = 2000) => String(form.get(k) ?? '').slice(0, max);
		const count = Math.min(Number(text('count', 6)) || 0, MAX_LOT_LINES);
		const devices: Line[] = Array.from({ length: count }, (_, i) => ({
			id: text(`d-${i}-id`, 40),
			...(Object.fromEntries(LINE.map((k) => [k, text(`d-${i}-${k}`, 600)])) as Record<(typeof LINE)[number], string>),
			remove: form.get(`d-${i}-remove`) === 'on'
		}));
		const values = {
			donorId: text('donorId', 40),
			reference: text('reference', 200),
			receivedOn: text('receivedOn', 20),
			legalBasis: text('legalBasis', 400),
			note: text('note'),
			added: String(form.get('added') ?? '').slice(0, MAX_LOT_TEXT),
			devices
		};
		let summary;
		try {
			summary = await updateLot(await getDatabase(), locals.session!.actor, params.id, values, locals.ip);
		} catch (e) {
			return formFailure(e, { values }, { page: ['forbidden', 'not_found'] });
		}
		redirect(303, `/espace/materiel/lots/${params.id}?fait=corrige&corriges=${summary.changed}&retires=${summary.removed}&ajoutes=${summary.added}`);
	}
};
