/**
 * Equipping people in the steering space and the open data (issue 18, item 5) on a small
 * fixed world with figures computed by hand, on PGlite and PostgreSQL.
 *
 * The world (Lot-et-Garonne, read on 7 December 2026: months up to November published):
 * - 11 devices handed over on 10 March 2026 (one per request): 6 for requests of the area
 *   « Agenais », asked 10, 20, 30, 40, 50 and 60 days before; 5 of « Albret », asked 10, 20,
 *   30, 40 and 50 days before. → by area 6 and 5 (total 11), by month: March 11; the median
 *   delay of the 11: 30 days.
 * - Their set-up (the 60 days end on 9 May 2026, so they count in May):
 *   Agenais: 4 referrals honoured on days 10, 22, 41 and 60, an accompaniment outside the
 *   network typed done on day 30 (done: 5), a referral honoured on day 70 (not within 60 days);
 *   Albret: a referral honoured on day 15 (done), one expired, one no-show, one still sent,
 *   one outside typed not done. → done 6, other 5, declined 0; the share: 6 / 11 = 54.5 %.
 * - 9 devices handed over on 1 June 2025: 2 in Agenais, 7 in Albret (open data: 2025's
 *   column masks 2, then 7 to protect it; the total 9 shown).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { openWorld, type World } from '../../../../test/world.ts';
import type { Actor } from '../accounts/index.ts';
import { areas } from '../territory/db.ts';
import { referrals } from '../referral/db.ts';
import type { Links } from '../referral/index.ts';
import { equipmentHandovers } from '../equipment/db.ts';
import {
	createDonor,
	createLot,
	handOver,
	offerDevice,
	recordAccompanimentOutcome,
	recordErasure,
	recordTest,
	requestDevice,
	reserveDevice,
	specifyDevice,
	startRefurbishing
} from '../equipment/index.ts';
import { EQUIPMENT_OPEN_TABLE, equipmentOpenTable, equipmentSections, openDataTable, steeringExport } from './index.ts';
import { MASKED_CELL, type SteeringTable } from './model.ts';

const NOW = new Date('2026-12-07T11:00:00Z');
const HANDED = new Date('2026-03-10T10:00:00Z');
const DAY = 86_400_000;
const links: Links = { origin: 'https://maillage.test', instanceName: 'Maillage 47' };
const ALL_OK = { power: true, screen: true, keyboard: true, storage: true, memory: true, network: true, battery: true };
const spec = {
	cpu: 'i5',
	memoryGb: '8',
	storageGb: '256',
	screenInches: '14',
	batteryHealth: '80',
	operatingSystem: 'Linux',
	grade: 'B',
	warrantyMonths: '12',
	priceEuros: '90'
};
const setupConsent = { consentMethod: 'oral', consentScope: ['identity'], accompanimentReason: 'Prise en main de l’ordinateur remis.' };

let w: World;
let coordinator: Actor;
let partner: Actor;
let refurbisher: Actor;
let prescriber: Actor;
let ccas: string;
let agenais: number;
let albret: number;
let lacepede: string;
const devices: string[] = [];

/** A device handed over on `at` for a new request of the area asked `delay` days before; the handover's row. */
async function handed(areaId: number, delay: number, at: Date, accompaniment: 'referral' | 'outside') {
	const d = devices.shift()!;
	await startRefurbishing(w.db, refurbisher, d);
	await recordTest(w.db, refurbisher, d, { testedOn: '2025-01-02', results: ALL_OK });
	await recordErasure(w.db, refurbisher, d, { method: 'overwrite', erasedOn: '2025-01-02', operatorName: 'Léa' });
	await specifyDevice(w.db, refurbisher, d, spec);
	await offerDevice(w.db, refurbisher, d);
	const person = await w.person(prescriber, ccas);
	const r = await requestDevice(
		w.db,
		prescriber,
		{ beneficiaryId: person, need: 'laptop', eligibilityKind: 'minima_sociaux', areaId: String(areaId) },
		null,
		new Date(at.getTime() - delay * DAY)
	);
	await reserveDevice(w.db, refurbisher, d, r.id);
	const extra = accompaniment === 'referral' ? { accompanimentPlaceId: lacepede, ...setupConsent } : {};
	const id = await handOver(w.db, refurbisher, r.id, { receipt: 'paper', accompaniment, ...extra }, null, at, links);
	const [h] = await w.db.db.select().from(equipmentHandovers).where(eq(equipmentHandovers.id, id));
	return h;
}

/** The referral's life, as its place would have lived it (fixed days). */
async function referralBecomes(h: { referralId: string | null }, status: string, honouredOn: string | null = null) {
	await w.db.db
		.update(referrals)
		.set({ status, honouredOn, statusAt: new Date(`${honouredOn ?? '2026-04-30'}T10:00:00Z`) })
		.where(eq(referrals.id, h.referralId!));
}

beforeAll(async () => {
	w = await openWorld({ places: 'agen' });
	const cd47 = await w.organisation('Département de Lot-et-Garonne', 'departement');
	const atelier = await w.organisation('Atelier solidaire', 'association');
	ccas = await w.organisation('CCAS de Nérac', 'ccas');
	const caf = await w.organisation('CAF de Lot-et-Garonne', 'operateur');
	const mediatheque = await w.organisation('Médiathèque d’Agen', 'collectivite');
	coordinator = await w.member('cam@cd47.test', cd47, 'coordinator');
	partner = await w.member('alex@caf47.test', caf, 'partner');
	refurbisher = await w.member('lea@atelier.test', atelier, 'place_manager');
	prescriber = await w.member('pat@ccas.test', ccas, 'prescriber');
	await w.member('max@mediatheque.test', mediatheque, 'mediator');
	lacepede = await w.runs(mediatheque, 'Médiathèque Lacépède');
	const rows = await w.db.db
		.insert(areas)
		.values([
			{ departmentCode: '47', kind: 'pole', name: 'Agenais' },
			{ departmentCode: '47', kind: 'pole', name: 'Albret' }
		])
		.returning({ id: areas.id });
	[agenais, albret] = rows.map((r) => r.id);
	const donor = await createDonor(w.db, coordinator, '47', { kind: 'departement', name: 'Département de Lot-et-Garonne', organisationId: cd47 });
	const lot = await createLot(w.db, coordinator, {
		donorId: donor,
		refurbisherId: atelier,
		reference: 'L-FIG-1',
		receivedOn: '2025-01-01',
		devices: Array.from({ length: 20 }, (_, i) => ({ type: 'laptop', brand: 'Dell', model: 'E7470', serial: `F${i}`, manufactureYear: '2019' }))
	});
	devices.push(...lot.deviceIds);

	// 2026: Agenais
	const a = [];
	for (const [delay, kind] of [
		[10, 'referral'],
		[20, 'referral'],
		[30, 'referral'],
		[40, 'referral'],
		[50, 'outside'],
		[60, 'referral']
	] as const)
		a.push(await handed(agenais, delay, HANDED, kind));
	await referralBecomes(a[0], 'honoured', '2026-03-20');
	await referralBecomes(a[1], 'honoured', '2026-04-01');
	await referralBecomes(a[2], 'honoured', '2026-04-20');
	await referralBecomes(a[3], 'honoured', '2026-05-09');
	await recordAccompanimentOutcome(w.db, refurbisher, a[4].id, 'done', '2026-04-09');
	await referralBecomes(a[5], 'honoured', '2026-05-19');
	// 2026: Albret
	const b = [];
	for (const [delay, kind] of [
		[10, 'referral'],
		[20, 'referral'],
		[30, 'referral'],
		[40, 'referral'],
		[50, 'outside']
	] as const)
		b.push(await handed(albret, delay, HANDED, kind));
	await referralBecomes(b[0], 'honoured', '2026-03-25');
	await referralBecomes(b[1], 'expired');
	await referralBecomes(b[2], 'no_show');
	await recordAccompanimentOutcome(w.db, refurbisher, b[4].id, 'not_done', null);
	// 2025
	const june = new Date('2025-06-01T10:00:00Z');
	for (let i = 0; i < 9; i++) await handed(i < 2 ? agenais : albret, 15, june, 'outside');
}, 240_000);

afterAll(async () => {
	await w?.close();
});

const q = (s: string) => new URLSearchParams(s);
const table = (sections: { tables: { table: SteeringTable }[] }[], id: string) => sections.flatMap((s) => s.tables).find((t) => t.table.id === id)!.table;

describe('equipment in the steering space', () => {
	it('gives the year’s figures computed by hand', async () => {
		const { sections, allowed } = await equipmentSections(w.db, coordinator, q('departement=47&periode=2026'), NOW);
		expect(allowed).toBe(true);
		const byArea = table(sections, 'materiel-remis-territoire');
		const ours = (t: SteeringTable) => t.rows.filter((r) => ['Agenais', 'Albret', 'Sans territoire'].includes(String(r[0])));
		expect(ours(byArea)).toEqual([
			['Agenais', 6],
			['Albret', 5],
			['Sans territoire', 0]
		]);
		expect(byArea.total).toEqual(['Total', 11]);
		const byMonth = table(sections, 'materiel-remis-mois');
		expect(byMonth.rows.find((r) => r[0] === 'mars 2026')).toEqual(['mars 2026', 11]);
		expect(byMonth.rows).toHaveLength(11);
		expect(byMonth.total).toEqual(['Total', 11]);
		expect(table(sections, 'materiel-delai').rows).toEqual([['Premières remises de la période', 11, 30]]);
		const setup = table(sections, 'materiel-prise-en-main');
		expect(setup.rows.map((r) => r.slice(0, 2))).toEqual([
			['Prise en main faite dans les 60 jours', 6],
			['Pas faite dans les 60 jours (ou sans nouvelles)', 5],
			['La personne n’en voulait pas', 0]
		]);
		expect(setup.rows[0][2]).toBeCloseTo(6 / 11, 6);
		expect(setup.total?.[1]).toBe(11);
		expect(sections.find((s) => s.id === 'prise-en-main')!.tables[0].summary).toContain('54,5');
	});

	it('counts the set-up in the month its 60 days end, and masks small counts', async () => {
		// May 2026: the 60 days of the 11 handovers end; March: none
		const may = await equipmentSections(w.db, coordinator, q('departement=47&periode=2026-05'), NOW);
		expect(table(may.sections, 'materiel-prise-en-main').total?.[1]).toBe(11);
		expect(table(may.sections, 'materiel-remis-territoire').total).toEqual(['Total', 0]);
		// 2025: 2 in Agenais, 7 in Albret → 2 masked, 7 masked to protect it; the delay of 9 shown
		const y2025 = await equipmentSections(w.db, coordinator, q('departement=47&periode=2025'), NOW);
		const byArea = table(y2025.sections, 'materiel-remis-territoire');
		expect(byArea.rows.filter((r) => ['Agenais', 'Albret'].includes(String(r[0])))).toEqual([
			['Agenais', MASKED_CELL],
			['Albret', MASKED_CELL]
		]);
		expect(byArea.total).toEqual(['Total', 9]);
		expect(table(y2025.sections, 'materiel-delai').rows[0]).toEqual(['Premières remises de la période', 9, 15]);
	});

	it('is the coordinators’: a partner reads none, a prescriber is refused; the CSV says the same', async () => {
		expect((await equipmentSections(w.db, partner, q('departement=47&periode=2026'), NOW)).allowed).toBe(false);
		await expect(equipmentSections(w.db, prescriber, q('departement=47'), NOW)).rejects.toMatchObject({ code: 'forbidden' });
		const csv = await steeringExport(w.db, coordinator, 'materiel-remis-territoire', q('departement=47&periode=2025'), '2026-12-07');
		expect(csv.body).toContain('Agenais;masqué');
		expect(csv.body).toContain('Total;9');
	});
});

describe('the public count of devices given per area (open data)', () => {
	it('publishes finished years only, masked by the small-count rule, as a table and a CSV', async () => {
		const now = await equipmentOpenTable(w.db, '47', '2026-12-07');
		expect(now.columns.map((c) => c.label)).toEqual(['Territoire', '2025']);
		const later = await equipmentOpenTable(w.db, '47', '2027-01-10');
		expect(later.columns.map((c) => c.label)).toEqual(['Territoire', '2025', '2026']);
		expect(later.rows).toEqual([
			['Agenais', MASKED_CELL, 6],
			['Albret', MASKED_CELL, 5]
		]);
		expect(later.total).toEqual(['Total', 9, 11]);
		const csv = await openDataTable(w.db, '47', EQUIPMENT_OPEN_TABLE, q(''), '2027-01-10');
		expect(csv.fileName).toBe('materiel-appareils-remis-47.csv');
		expect(csv.body).toContain('Territoire;2025;2026');
		expect(csv.body).toContain('Agenais;masqué;6');
		expect(csv.body).toContain('Total;9;11');
		await expect(openDataTable(w.db, '33', EQUIPMENT_OPEN_TABLE, q(''), '2027-01-10')).rejects.toMatchObject({ code: 'not_found' });
	});
});
