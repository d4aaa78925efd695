import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { EquipmentError, MAX_LOT_TEXT, createLot, donorReadable, manageChoices, parseLotLines } from '#lib/server/equipment/index.ts';
import { decodeCsvBytes } from '#lib/server/web/spreadsheet.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';
import { parisDay } from '#lib/time.ts';

const NOBODY = 'Seules la coordination du département et les structures qui reconditionnent enregistrent les lots.';
const INCOMPLETE = 'Le formulaire n’est pas complet.';

export const load: PageServerLoad = async ({ locals, url }) => {
	const choices = await manageChoices(await getDatabase(), locals.session!.actor);
	if (!choices) pageError(new EquipmentError('forbidden', NOBODY));
	if (!choices.donors.length) return { choices, defaults: null };
	const donor = choices.donors.find((d) => d.id === url.searchParams.get('donateur'));
	return {
		choices,
		defaults: {
			donorId: donor?.id ?? (choices.donors.length === 1 ? choices.donors[0].id : ''),
			refurbisherId: choices.refurbishers.length === 1 ? choices.refurbishers[0].id : '',
			reference: '',
			receivedOn: parisDay(),
			legalBasis: '',
			note: '',
			devices: ''
		}
	};
};

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const form = await request.formData();
		const text = (k: string, max = 2000) => String(form.get(k) ?? '').slice(0, max);
		const values = {
			donorId: text('donorId'),
			refurbisherId: text('refurbisherId'),
			reference: text('reference'),
			receivedOn: text('receivedOn'),
			legalBasis: text('legalBasis'),
			note: text('note'),
			devices: String(form.get('devices') ?? '')
		};
		try {
			const file = form.get('fichier');
			if (file instanceof File && file.size) {
				if (file.size > MAX_LOT_TEXT) throw new EquipmentError('invalid', INCOMPLETE, { devices: 'Le fichier est trop lourd (200 Ko au plus).' });
				const read = decodeCsvBytes(new Uint8Array(await file.arrayBuffer()));
				if (read.error !== null) throw new EquipmentError('invalid', INCOMPLETE, { devices: read.error });
				values.devices = read.text;
			}
			if (values.devices.length > MAX_LOT_TEXT) {
				values.devices = values.devices.slice(0, MAX_LOT_TEXT);
				throw new EquipmentError('invalid', INCOMPLETE, { devices: 'Le texte est trop long (200 000 caractères au plus).' });
			}
		} catch (e) {
			return formFailure(e, { values });
		}
		const lines = parseLotLines(values.devices);
		const database = await getDatabase();
		const actor = locals.session!.actor;
		try {
			if (!lines.ok) throw new EquipmentError('invalid', INCOMPLETE, { devices: lines.error });
			const { devices: _text, ...lot } = values;
			void _text;
			await createLot(database, actor, { ...lot, devices: lines.devices }, locals.ip);
		} catch (e) {
			return formFailure(e, { values }, { page: ['forbidden'] });
		}
		const n = lines.ok ? lines.devices.length : 0;
		if (await donorReadable(database, actor, values.donorId))
			redirect(303, `/espace/materiel/donateurs/${values.donorId}?annee=${values.receivedOn.slice(0, 4)}&fait=lot&appareils=${n}`);
		redirect(303, `/espace/materiel?structure=${values.refurbisherId}&fait=lot&appareils=${n}`);
	}
};
