import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { pageError } from '#lib/server/web/errors.ts';
import { DEVICE_STATUSES, DEVICE_TYPES, equipmentHome, manageActingFor, stockOf, type DeviceStatus, type DeviceType } from '#lib/server/equipment/index.ts';
import { euros, formatDate } from '#lib/components/format.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	const home = await equipmentHome(db, actor);
	const structure = home.refurbishers.find((r) => r.id === url.searchParams.get('structure')) ?? home.refurbishers[0] ?? null;
	const wanted = url.searchParams.get('statut') ?? '';
	const status = wanted in DEVICE_STATUSES ? (wanted as DeviceStatus) : null;
	let stock = null;
	if (structure) {
		try {
			const s = await stockOf(db, actor, structure.id, { status, limit: 100 });
			stock = {
				byStatus: Object.entries(s.byStatus).map(([k, n]) => ({ status: k, label: DEVICE_STATUSES[k as DeviceStatus], n })),
				devices: s.devices.map((d) => ({
					id: d.id,
					label: [DEVICE_TYPES[d.type as DeviceType] ?? d.type, d.brand, d.model].filter(Boolean).join(' '),
					serial: d.serial,
					lot: d.lot,
					lotId: d.lotId,
					status: DEVICE_STATUSES[d.status as DeviceStatus] ?? d.status,
					grade: d.grade ?? '',
					price: d.priceCents === null ? '' : euros(d.priceCents),
					since: formatDate(d.statusChangedAt) ?? ''
				})),
				more: s.more
			};
		} catch (e) {
			pageError(e);
		}
	}
	const manage = actor.memberships.some((m) => manageActingFor(actor, m.departmentCode).allowed);
	return { home, manage, structure, status, stock, statuses: Object.entries(DEVICE_STATUSES).map(([value, label]) => ({ value, label })) };
};
