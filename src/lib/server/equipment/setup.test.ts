/**
 * The set-up accompaniment of a device handed over (issue 18, item 4; decision 0023), through
 * the use cases, on PGlite and on PostgreSQL: the handover sends a real referral to the place
 * chosen (the place's team finds it in its inbox), or takes an appointment at one of the
 * refurbisher's places (the referral accepted with its time); the outcome is read from the
 * referral's life (honoured → done, no-show → not done); bad input is refused in French with
 * nothing written; an accompaniment outside the network is typed by hand, a referral's never;
 * erasing the person keeps the outcome and drops the link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { openWorld, type World } from '../../../../test/world.ts';
import type { Actor } from '../accounts/index.ts';
import { areas } from '../territory/db.ts';
import { actOnReferral, teamReferrals, type Links } from '../referral/index.ts';
import { equipmentDevices, equipmentHandovers, equipmentRequests } from './db.ts';
import {
	createDonor,
	createLot,
	handOver,
	offerDevice,
	personalData,
	recordAccompanimentOutcome,
	recordErasure,
	recordTest,
	requestDevice,
	reserveDevice,
	setupViews,
	specifyDevice,
	startRefurbishing
} from './index.ts';
import { unlinkPastRetention } from './retention.ts';
import { parisDay } from '../../time.ts';

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
const consent = { consentMethod: 'signature', consentScope: ['identity', 'contact'] };
const reason = 'Prise en main de l’ordinateur remis\u00a0: se connecter, créer ses comptes.';

let w: World;
let coordinator: Actor;
let refurbisher: Actor;
let prescriber: Actor;
let placeMediator: Actor;
let atelier: string;
let ccas: string;
let area: number;
let donor: string;
let lacepede: string;
let boe: string;
let lots = 0;

/** A device reserved for a new request of a new person: the request's id. */
async function reserved(): Promise<{ requestId: string; deviceId: string; personId: string }> {
	const { deviceIds } = await createLot(w.db, coordinator, {
		donorId: donor,
		refurbisherId: atelier,
		reference: `L-SETUP-${++lots}`,
		receivedOn: '2026-03-01',
		devices: [{ type: 'laptop', brand: 'Dell', model: 'E7470', serial: `S${lots}`, manufactureYear: '2019' }]
	});
	const [d] = deviceIds;
	await startRefurbishing(w.db, refurbisher, d);
	await recordTest(w.db, refurbisher, d, { testedOn: '2026-03-02', results: ALL_OK });
	await recordErasure(w.db, refurbisher, d, { method: 'overwrite', erasedOn: '2026-03-02', operatorName: 'Léa' });
	await specifyDevice(w.db, refurbisher, d, spec);
	await offerDevice(w.db, refurbisher, d);
	const personId = await w.person(prescriber, ccas, { firstName: `Inès${lots}` });
	const r = await requestDevice(w.db, prescriber, { beneficiaryId: personId, need: 'laptop', eligibilityKind: 'minima_sociaux', areaId: String(area) });
	await reserveDevice(w.db, refurbisher, d, r.id);
	return { requestId: r.id, deviceId: d, personId };
}

async function handoverOf(requestId: string) {
	const [h] = await w.db.db.select().from(equipmentHandovers).where(eq(equipmentHandovers.requestId, requestId));
	return h;
}

/** A day and time next week, as the page's field sends it (Paris time). */
const nextWeek = (at = new Date(Date.now() + 7 * 86_400_000)) =>
	new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' }).format(at).replace(' ', 'T');

const count = async (table: string) => Number((await w.db.query<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)}`))[0].n);

beforeAll(async () => {
	w = await openWorld({ places: 'agen' });
	const cd47 = await w.organisation('Département de Lot-et-Garonne', 'departement');
	atelier = await w.organisation('Atelier solidaire', 'association');
	ccas = await w.organisation('CCAS de Nérac', 'ccas');
	const mediatheque = await w.organisation('Médiathèque d’Agen', 'collectivite');
	coordinator = await w.member('cam@cd47.test', cd47, 'coordinator');
	refurbisher = await w.member('lea@atelier.test', atelier, 'mediator');
	prescriber = await w.member('pat@ccas.test', ccas, 'prescriber');
	placeMediator = await w.member('max@mediatheque.test', mediatheque, 'mediator');
	lacepede = await w.runs(mediatheque, 'Médiathèque Lacépède');
	boe = await w.runs(atelier, 'France services de Boé');
	[{ id: area }] = await w.db.db.insert(areas).values({ departmentCode: '47', kind: 'pole', name: 'Agenais' }).returning({ id: areas.id });
	donor = await createDonor(w.db, coordinator, '47', { kind: 'departement', name: 'Département de Lot-et-Garonne', organisationId: cd47 });
}, 120_000);

afterAll(async () => {
	await w?.close();
});

describe('the set-up accompaniment of a handover', () => {
	it('sends a referral to the place chosen: its team sees it, its outcome flows back to the handover', async () => {
		const { requestId } = await reserved();
		await handOver(
			w.db,
			refurbisher,
			requestId,
			{ receipt: 'paper', accompaniment: 'referral', accompanimentPlaceId: lacepede, accompanimentReason: reason, ...consent },
			null,
			new Date(),
			links
		);
		const h = await handoverOf(requestId);
		expect(h.referralId).toBeTruthy();
		expect(h.accompanimentPlaceId).toBe(lacepede);
		// the place's team finds it in its inbox, sent by the structure that follows the person
		const inbox = await teamReferrals(w.db, placeMediator, { box: 'received' });
		const item = inbox.items.find((i) => i.id === h.referralId);
		expect(item).toMatchObject({ status: 'sent', fromOrganisation: 'CCAS de Nérac', placeName: 'Médiathèque Lacépède' });
		// and the prescriber who asked for the device in their sent referrals
		expect((await teamReferrals(w.db, prescriber, { box: 'sent' })).items.map((i) => i.id)).toContain(h.referralId);
		let view = (await setupViews(w.db.db, [h])).get(h.id)!;
		expect(view).toMatchObject({ outcome: 'pending', place: 'Médiathèque Lacépède', referralStatus: 'Envoyée', typed: false });
		// the place receives the person: the handover's accompaniment is done, that day
		await actOnReferral(w.db, placeMediator, h.referralId!, { type: 'accept' }, links);
		await actOnReferral(w.db, placeMediator, h.referralId!, { type: 'honour' }, links);
		view = (await setupViews(w.db.db, [h])).get(h.id)!;
		expect(view.outcome).toBe('done');
		expect(view.doneOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		// its outcome is the place's to say, never typed on the device's page
		await expect(recordAccompanimentOutcome(w.db, refurbisher, h.id, 'not_done', null)).rejects.toMatchObject({ code: 'conflict' });
	});

	it('takes an appointment at one of the refurbisher’s places: the referral accepted with its time; a no-show is not done', async () => {
		const { requestId } = await reserved();
		const at = new Date(Date.now() + 7 * 86_400_000);
		const local = nextWeek(at);
		await handOver(
			w.db,
			refurbisher,
			requestId,
			{ receipt: 'on_screen', accompaniment: 'appointment', accompanimentPlaceId: boe, accompanimentReason: reason, appointmentAt: local, ...consent },
			null,
			new Date(),
			links
		);
		const h = await handoverOf(requestId);
		let view = (await setupViews(w.db.db, [h])).get(h.id)!;
		expect(view).toMatchObject({ outcome: 'pending', referralStatus: 'Acceptée' });
		expect(Math.abs(view.appointmentAt!.getTime() - at.getTime())).toBeLessThan(60_000);
		await actOnReferral(w.db, refurbisher, h.referralId!, { type: 'no_show' }, links);
		view = (await setupViews(w.db.db, [h])).get(h.id)!;
		expect(view.outcome).toBe('not_done');
	});

	it('refuses bad input in French, field by field, and writes nothing', async () => {
		const { requestId, deviceId } = await reserved();
		const before = { referrals: await count('referrals'), grants: await count('grants'), handovers: await count('equipment_handovers') };
		const attempt = (input: Record<string, unknown>) => handOver(w.db, refurbisher, requestId, { receipt: 'paper', ...input }, null, new Date(), links);
		await expect(attempt({ accompaniment: 'referral', accompanimentReason: reason, ...consent })).rejects.toMatchObject({
			code: 'invalid',
			fields: { accompanimentPlaceId: 'Choisissez le lieu de la prise en main.' }
		});
		await expect(
			attempt({ accompaniment: 'referral', accompanimentPlaceId: lacepede, accompanimentReason: 'x', consentMethod: '', consentScope: [] })
		).rejects.toMatchObject({
			code: 'invalid',
			fields: {
				accompanimentReason: expect.stringContaining('Écrivez'),
				consentMethod: expect.stringContaining('accord'),
				consentScope: expect.stringContaining('Cochez')
			}
		});
		await expect(
			attempt({ accompaniment: 'referral', accompanimentPlaceId: lacepede, accompanimentReason: reason, consentMethod: 'sms', consentScope: ['identity'] })
		).rejects.toMatchObject({ fields: { consentMethod: expect.stringContaining('présente') } });
		// an appointment is taken only at one of the actor's places
		await expect(
			attempt({ accompaniment: 'appointment', accompanimentPlaceId: lacepede, accompanimentReason: reason, appointmentAt: nextWeek(), ...consent })
		).rejects.toMatchObject({ fields: { accompanimentPlaceId: expect.stringContaining('un de vos lieux') } });
		await expect(
			attempt({ accompaniment: 'appointment', accompanimentPlaceId: boe, accompanimentReason: reason, appointmentAt: 'demain', ...consent })
		).rejects.toMatchObject({ fields: { appointmentAt: expect.stringContaining('n’est pas valide') } });
		await expect(attempt({ accompaniment: 'peut-être' })).rejects.toMatchObject({ fields: { accompaniment: expect.stringContaining('Indiquez') } });
		expect({ referrals: await count('referrals'), grants: await count('grants'), handovers: await count('equipment_handovers') }).toEqual(before);
		const [dev] = await w.db.db.select().from(equipmentDevices).where(eq(equipmentDevices.id, deviceId));
		expect(dev.status).toBe('reserved');
	});

	it('keeps the hand-typed outcome for an accompaniment outside the network; erasing the person keeps a referral’s outcome, not the link', async () => {
		const outside = await reserved();
		await handOver(w.db, refurbisher, outside.requestId, { receipt: 'paper', accompaniment: 'outside' }, null, new Date(), links);
		const ho = await handoverOf(outside.requestId);
		await expect(recordAccompanimentOutcome(w.db, refurbisher, ho.id, '' as 'done', null)).rejects.toMatchObject({
			fields: { outcome: 'Indiquez si l’accompagnement a eu lieu.' }
		});
		// a day the calendar has not, to come, or before the handover: refused in French (a 500 before)
		for (const [on, message] of [
			['2026-13-45', /n’existe pas/],
			['2999-01-01', /futur/],
			['2020-01-01', /après la remise/]
		] as const)
			await expect(recordAccompanimentOutcome(w.db, refurbisher, ho.id, 'done', on)).rejects.toMatchObject({
				code: 'invalid',
				fields: { on: expect.stringMatching(message) }
			});
		await recordAccompanimentOutcome(w.db, refurbisher, ho.id, 'done', parisDay());
		expect((await setupViews(w.db.db, [await handoverOf(outside.requestId)])).get(ho.id)).toMatchObject({
			outcome: 'done',
			doneOn: parisDay(),
			typed: true,
			kindLabel: 'Accompagnement hors du réseau'
		});

		const referred = await reserved();
		await handOver(
			w.db,
			refurbisher,
			referred.requestId,
			{ receipt: 'paper', accompaniment: 'referral', accompanimentPlaceId: lacepede, accompanimentReason: reason, ...consent },
			null,
			new Date(),
			links
		);
		const h = await handoverOf(referred.requestId);
		await actOnReferral(w.db, placeMediator, h.referralId!, { type: 'accept' }, links);
		await actOnReferral(w.db, placeMediator, h.referralId!, { type: 'honour' }, links);
		await w.db.db.transaction((tx) => personalData.erase!(tx, { id: referred.personId, departmentCode: '47', phone: null, email: null }, new Date()));
		const after = await handoverOf(referred.requestId);
		expect(after.referralId).toBeNull();
		expect(after.accompanimentOutcome).toBe('done');
		expect(after.accompanimentOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		const [req] = await w.db.db.select().from(equipmentRequests).where(eq(equipmentRequests.id, referred.requestId));
		expect(req.beneficiaryId).toBeNull();
	});

	it('past the 36 months of retention, the request forgets its person and the handover its referral, keeping its outcome', async () => {
		const old = await reserved();
		await handOver(
			w.db,
			refurbisher,
			old.requestId,
			{ receipt: 'paper', accompaniment: 'referral', accompanimentPlaceId: lacepede, accompanimentReason: reason, ...consent },
			null,
			new Date(),
			links
		);
		const h = await handoverOf(old.requestId);
		await actOnReferral(w.db, placeMediator, h.referralId!, { type: 'accept' }, links);
		await actOnReferral(w.db, placeMediator, h.referralId!, { type: 'honour' }, links);
		// the purge of 37 months from now
		const later = new Date(Date.now() + 37 * 31 * 86_400_000);
		expect(await unlinkPastRetention(w.db, later)).toBeGreaterThanOrEqual(1);
		const after = await handoverOf(old.requestId);
		expect(after.referralId).toBeNull();
		expect(after.accompanimentOutcome).toBe('done');
		const [req] = await w.db.db.select().from(equipmentRequests).where(eq(equipmentRequests.id, old.requestId));
		expect(req.beneficiaryId).toBeNull();
	});
});
