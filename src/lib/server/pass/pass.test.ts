/**
 * Pass Numérique on a real database: the fund and its ledger, a campaign from draft to
 * funded, booklets, distribution to a person, checking and redeeming at a qualified place,
 * statements and reimbursement, expiry and credit-back with the prescribers' warnings,
 * the fraud controls, `verifyLedger` (and that it names a tampered row), the ledger's
 * invariants under random sequences of operations, and, on PostgreSQL, one voucher
 * redeemed by 100 concurrent requests: exactly one succeeds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFile } from 'node:fs/promises';
import { and, eq, sql } from 'drizzle-orm';
import { createTestDatabase, onPostgres } from '../../../../test/db.ts';
import type { Database } from '../db/client.ts';
import { getBoss, stopBoss } from '../jobs/boss.ts';
import { importPlaces } from '../places/index.ts';
import { places } from '../places/db.ts';
import { organisationPlaces } from '../accounts/db.ts';
import { outbox } from '../mail/db.ts';
import { areas, areaMunicipalities } from '../territory/db.ts';
import { accompaniments } from '../accompaniments/db.ts';
import { auditLog } from '../audit/db.ts';
import { createOrganisation, actorFor, addMember, type Actor } from '../accounts/index.ts';
import { createBeneficiary } from '../beneficiaries/index.ts';
import { newCode, formatCode } from './code.ts';
import { passAlerts, passBooklets, passVouchers, passLedgerLines, passStatements } from './db.ts';
import {
	PassError,
	recordContribution,
	funderBalances,
	createCampaign,
	recordSharePaid,
	generateBooklets,
	entrustBooklets,
	cancelVouchers,
	campaignDetail,
	qualify,
	suspendQualification,
	redeemingPlaces,
	distribute,
	distributableBooklets,
	checkCode,
	redeem,
	makeStatements,
	markStatementPaid,
	statementDetail,
	statementCsv,
	runPassClock,
	verifyLedger,
	dashboard,
	dashboardCsv,
	listAlerts,
	reviewAlert,
	balances
} from './index.ts';
import { monthOf, previousMonth, parisDay } from '../../time.ts';
import { DASHBOARD_COUNTS, shownDashboard } from './steering.ts';

let db: Database;
let coordinator: Actor;
let partner: Actor;
let prescriber: Actor;
let mediator: Actor;
let otherMediator: Actor;
let caf: string;
let msa: string;
let ccas: string;
let mediatheque: string;
let lacepede: string;
let nerac: number;
const links = { origin: 'https://maillage.test', instanceName: 'maillage 47' };
const P = 'une phrase de passe solide';
const TODAY = parisDay();
const YEAR = TODAY.slice(0, 4);

async function person(firstName = 'Marie'): Promise<string> {
	const r = await createBeneficiary(db, prescriber, {
		organisationId: ccas,
		form: {
			firstName,
			lastName: 'Durand',
			birthYear: '1958',
			commune: 'Nérac',
			phone: '',
			email: '',
			preferredContact: 'none',
			language: 'fr',
			accessibilityNeeds: []
		},
		confirmNew: true
	});
	if (r.status !== 'created') throw new Error('not created');
	return r.id;
}

async function accompaniment(participants = 1, beneficiaryId: string | null = null): Promise<string> {
	const [a] = await db.db
		.insert(accompaniments)
		.values({
			organisationId: mediatheque,
			placeId: lacepede,
			mediatorId: mediator.userId,
			departmentCode: '47',
			date: TODAY,
			kind: participants > 1 ? 'collective' : 'individual',
			durationMinutes: 120,
			location: 'place',
			participants,
			beneficiaryId
		})
		.returning({ id: accompaniments.id });
	return a.id;
}

/** A funded campaign with booklets entrusted to the CCAS; returns its id and its codes. */
async function fundedCampaign(
	opts: { booklets?: number; size?: 5 | 10; areaIds?: number[]; validUntil?: string; toleranceDays?: number; validFrom?: string } = {}
) {
	await recordContribution(db, coordinator, '47', { funderId: caf, amount: '1000', receivedOn: TODAY, agreementRef: `CONV-${Math.random()}` });
	const id = await createCampaign(
		db,
		coordinator,
		'47',
		{
			name: `Campagne ${Math.random().toString(36).slice(2, 7)}`,
			faceValue: '10',
			bookletSize: String(opts.size ?? 5),
			validFrom: opts.validFrom ?? `${YEAR}-01-01`,
			validUntil: opts.validUntil ?? `${YEAR}-12-31`,
			toleranceDays: String(opts.toleranceDays ?? 31),
			publics: [],
			areaIds: (opts.areaIds ?? []).map(String)
		},
		[{ funderId: caf, amount: '1000' }]
	);
	await generateBooklets(db, coordinator, id, opts.booklets ?? 2);
	await recordSharePaid(db, coordinator, id, caf);
	await entrustBooklets(db, coordinator, id, ccas, 1, opts.booklets ?? 2);
	const codes = (
		await db.db
			.select({ code: passVouchers.code })
			.from(passVouchers)
			.innerJoin(passBooklets, eq(passBooklets.id, passVouchers.bookletId))
			.where(eq(passVouchers.campaignId, id))
			.orderBy(passBooklets.number, passVouchers.position)
	).map((r) => r.code);
	return { id, codes };
}

beforeAll(async () => {
	db = await createTestDatabase();
	await getBoss(db);
	const content = await readFile(new URL('../../../../test/fixtures/places-agen.json', import.meta.url));
	await importPlaces(db, { fileName: 'places-agen.json', content, today: '2026-11-18' });
	const dep = (await createOrganisation(db, null, { name: 'Département de Lot-et-Garonne', kind: 'departement', departmentCode: '47' })).id;
	caf = (await createOrganisation(db, null, { name: 'CAF de Lot-et-Garonne', kind: 'operateur', departmentCode: '47' })).id;
	msa = (await createOrganisation(db, null, { name: 'MSA Dordogne Lot-et-Garonne', kind: 'operateur', departmentCode: '47' })).id;
	ccas = (await createOrganisation(db, null, { name: 'CCAS de Nérac', kind: 'ccas', departmentCode: '47' })).id;
	mediatheque = (await createOrganisation(db, null, { name: 'Médiathèque Lacépède', kind: 'mediatheque', departmentCode: '47' })).id;
	const other = (await createOrganisation(db, null, { name: 'Association Clic Clac', kind: 'association', departmentCode: '47' })).id;
	const member = async (email: string, organisationId: string, role: 'coordinator' | 'partner' | 'prescriber' | 'mediator') =>
		actorFor(db.db, (await addMember(db, null, { email, displayName: email.split('@')[0], organisationId, role, password: P })).userId, true);
	coordinator = await member('coord@cd47.test', dep, 'coordinator');
	partner = await member('agent@caf.test', caf, 'partner');
	prescriber = await member('pat@ccas.test', ccas, 'prescriber');
	mediator = await member('lou@mediatheque.test', mediatheque, 'mediator');
	otherMediator = await member('zoe@clicclac.test', other, 'mediator');
	lacepede = (await db.db.select({ id: places.id }).from(places).where(eq(places.nom, 'Médiathèque Lacépède')))[0].id;
	await db.db.insert(organisationPlaces).values({ organisationId: mediatheque, placeId: lacepede });
	const [area] = await db.db.insert(areas).values({ departmentCode: '47', kind: 'bassin', name: 'Pays d’Albret' }).returning({ id: areas.id });
	nerac = area.id;
	await db.db.insert(areaMunicipalities).values({ areaId: nerac, inseeCode: '47195' });
	await qualify(db, coordinator, '47', { siret: '21470001500016', organisationId: mediatheque });
});
afterAll(async () => {
	await stopBoss(db);
	await db?.close();
});

describe('the fund and a campaign', () => {
	it('records contributions per funder, on the ledger, with French errors for bad input', async () => {
		await recordContribution(db, coordinator, '47', {
			funderId: msa,
			amount: '2 500,50',
			receivedOn: '2026-03-01',
			agreementRef: 'MSA-2026-01',
			restrictions: 'Publics agricoles'
		});
		const msaBalance = (await funderBalances(db, coordinator, '47')).find((f) => f.funderId === msa)!;
		expect(msaBalance).toMatchObject({ contributedCents: 250_050, availableCents: 250_050, committedCents: 0 });
		const err = await recordContribution(db, coordinator, '47', { funderId: msa, amount: 'beaucoup', receivedOn: '', agreementRef: '' }).catch((e) => e);
		expect(err).toBeInstanceOf(PassError);
		expect(err.fields).toMatchObject({ amount: expect.stringMatching(/montant en euros/), agreementRef: expect.stringMatching(/convention/) });
		await expect(recordContribution(db, prescriber, '47', { funderId: msa, amount: '10', receivedOn: TODAY, agreementRef: 'X' })).rejects.toThrow(
			/coordination/
		);
		await expect(recordContribution(db, partner, '47', { funderId: caf, amount: '10', receivedOn: TODAY, agreementRef: 'X' })).rejects.toThrow(/coordination/);
	});

	it('keeps vouchers created until every share is paid, then activates them; a share must be covered by contributions', async () => {
		const id = await createCampaign(
			db,
			coordinator,
			'47',
			{
				name: 'Pass 2026 — MSA et CAF',
				faceValue: '10',
				bookletSize: '10',
				validFrom: `${YEAR}-01-01`,
				validUntil: `${YEAR}-12-31`,
				toleranceDays: '31',
				publics: ['Seniors'],
				areaIds: []
			},
			[
				{ funderId: msa, amount: '200' },
				{ funderId: caf, amount: '100' }
			]
		);
		await generateBooklets(db, coordinator, id, 2);
		let d = await campaignDetail(db, coordinator, id);
		expect(d.counts.created).toBe(20);
		expect(d.capacity).toBe(10);
		await expect(generateBooklets(db, coordinator, id, 2)).rejects.toThrow(/encore 10 pass, soit 1 carnets/);
		// the CAF has paid nothing in yet
		await expect(recordSharePaid(db, coordinator, id, caf)).rejects.toThrow(/ne couvrent pas sa part/);
		expect((await recordSharePaid(db, coordinator, id, msa)).funded).toBe(false);
		expect((await campaignDetail(db, coordinator, id)).counts.created).toBe(20);
		await recordContribution(db, coordinator, '47', { funderId: caf, amount: '100', receivedOn: TODAY, agreementRef: 'CAF-2026-07' });
		expect(await recordSharePaid(db, coordinator, id, caf)).toEqual({ funded: true, activated: 20 });
		d = await campaignDetail(db, coordinator, id);
		expect(d.counts).toMatchObject({ created: 0, activated: 20 });
		expect(d.budgetLeftCents).toBe(100_00);
		// more booklets in a funded campaign are activated at once
		await generateBooklets(db, coordinator, id, 1);
		expect((await campaignDetail(db, coordinator, id)).counts.activated).toBe(30);
		// the partner reads the campaigns it funds, not others
		expect((await campaignDetail(db, partner, id)).manage).toBe(false);
		expect((await verifyLedger(db)).breaches).toEqual([]);
	});
});

describe('a voucher’s life', () => {
	it('is handed to a person by a prescriber holding its booklet, checked and redeemed once for an accompaniment, then reimbursed on the month’s statement', async () => {
		const { id, codes } = await fundedCampaign();
		const marie = await person();
		// a booklet entrusted to the CCAS
		const books = await distributableBooklets(db, prescriber);
		expect(books.filter((b) => b.campaignId === id).map((b) => b.available)).toEqual([5, 5]);
		// activated but not handed out: not yet usable
		expect((await checkCode(db, mediator, { code: codes[0] })).problems[0].message).toMatch(/pas été remis/);
		const given = await distribute(db, prescriber, { beneficiaryId: marie, codes: [formatCode(codes[0]).toLowerCase(), codes[1]] });
		expect(given.count).toBe(2);
		// someone else's booklet, or twice
		await expect(distribute(db, prescriber, { beneficiaryId: marie, codes: [codes[0]] })).rejects.toThrow(/déjà été remis/);
		const check = await checkCode(db, mediator, { code: formatCode(codes[0]) }, undefined, '203.0.113.9');
		expect(check).toMatchObject({ redeemable: true, faceValueCents: 1000, state: 'distributed', problems: [] });
		// every check is journaled: who, where, which voucher
		const checks = await db.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'pass.voucher.checked'), eq(auditLog.targetId, check.voucherId)));
		expect(checks.at(-1)).toMatchObject({ actorId: mediator.userId, ip: '203.0.113.9', details: { placeId: lacepede, found: true, state: 'distributed' } });
		const acc = await accompaniment(1, marie);
		const r = await redeem(db, mediator, { code: codes[0], accompanimentId: acc }, '203.0.113.9');
		expect(r).toMatchObject({ code: codes[0], faceValueCents: 1000, alerts: [] });
		// again: refused, saying when and where
		await expect(redeem(db, mediator, { code: codes[0], accompanimentId: await accompaniment(1, marie) })).rejects.toThrow(
			/déjà été utilisé le .* \(Médiathèque Lacépède\)/
		);
		// one voucher per person and accompaniment
		await expect(redeem(db, mediator, { code: codes[1], accompanimentId: acc })).rejects.toThrow(/déjà rattaché/);
		// journaled with where and for what
		const [j] = await db.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'pass.voucher.redeemed'), eq(auditLog.targetId, r.voucherId)));
		expect(j.details).toMatchObject({ placeId: lacepede, accompanimentId: acc });
		expect(j.ip).toBe('203.0.113.9');
		// the ledger owes the place 10 €
		expect((await balances(db.db, '47')).get(`place:${lacepede}:payable`)).toBe(-1000);

		// the month's statement (made as if the month were over: the voucher is moved into last month)
		const last = previousMonth(monthOf(TODAY));
		await db.db.execute(sql`update pass_vouchers set redeemed_at = ${`${last.slice(0, 8)}15T10:00:00Z`} where id = ${r.voucherId}`);
		await expect(makeStatements(db, coordinator, '47', monthOf(TODAY))).rejects.toThrow(/mois terminé/);
		expect(await makeStatements(db, coordinator, '47', last)).toEqual({ statements: 1, vouchers: 1 });
		expect(await makeStatements(db, coordinator, '47', last)).toEqual({ statements: 0, vouchers: 0 });
		const [st] = await db.db.select().from(passStatements).where(eq(passStatements.placeId, lacepede));
		expect(st).toMatchObject({ voucherCount: 1, totalCents: 1000, paidAt: null });
		const detail = await statementDetail(db, mediator, st.id);
		expect(detail.vouchers.map((v) => v.code)).toEqual([codes[0]]);
		const csv = statementCsv(detail);
		expect(csv).toContain(formatCode(codes[0]));
		expect(csv).toContain('Médiathèque Lacépède');
		expect(csv.trim().split('\r\n').at(-1)).toMatch(/^Total;.*;10,00$/);
		await expect(statementDetail(db, otherMediator, st.id)).rejects.toThrow(/n’existe pas/);
		await expect(markStatementPaid(db, mediator, st.id, 'MANDAT-1')).rejects.toThrow(/coordination/);
		await markStatementPaid(db, coordinator, st.id, 'MANDAT-2026-118');
		await expect(markStatementPaid(db, coordinator, st.id, 'MANDAT-2026-118')).rejects.toThrow(/déjà payé/);
		const [after] = await db.db.select().from(passVouchers).where(eq(passVouchers.id, r.voucherId));
		expect(after.state).toBe('reimbursed');
		expect((await balances(db.db, '47')).get(`place:${lacepede}:payable`) ?? 0).toBe(0);
		expect((await verifyLedger(db)).breaches).toEqual([]);
	});

	it('is redeemed only by the team of a qualified place; a suspended qualification stops redemptions', async () => {
		const { codes } = await fundedCampaign();
		await distribute(db, prescriber, { beneficiaryId: await person('Paul'), codes: [codes[0]] });
		await expect(checkCode(db, otherMediator, { code: codes[0] })).rejects.toThrow(/lieu qualifié/);
		await expect(checkCode(db, prescriber, { code: codes[0] })).rejects.toThrow(/lieu qualifié/);
		await expect(qualify(db, coordinator, '47', { siret: '21470001500016', organisationId: mediatheque })).rejects.toThrow(/une seule qualification par SIRET/);
		await expect(qualify(db, coordinator, '47', { siret: '12345678901234', organisationId: mediatheque })).rejects.toThrow(/SIRET n’est pas valide/);
		const [q] = await db.db
			.execute(sql`select id from pass_qualifications where siret = '21470001500016'`)
			.then((r) => (r as unknown as { rows: { id: string }[] }).rows);
		await suspendQualification(db, coordinator, q.id, 'Contrôle en cours');
		expect((await redeemingPlaces(db, mediator))[0]).toMatchObject({ qualified: false, suspended: true });
		const c = await checkCode(db, mediator, { code: codes[0] });
		expect(c.redeemable).toBe(false);
		expect(c.problems[0].message).toMatch(/suspendue/);
		await expect(redeem(db, mediator, { code: codes[0], accompanimentId: await accompaniment() })).rejects.toThrow(/suspendue/);
		await qualify(db, coordinator, '47', { siret: '21470001500016', organisationId: mediatheque });
		expect((await redeem(db, mediator, { code: codes[0], accompanimentId: await accompaniment() })).code).toBe(codes[0]);
	});

	it('refuses codes with a typo before any lookup, and says which characters are wrong', async () => {
		const code = newCode();
		const typo = code.slice(0, 5) + (code[5] === '7' ? '8' : '7') + code.slice(6);
		await expect(checkCode(db, mediator, { code: typo })).rejects.toThrow(/erreur de saisie/);
		await expect(checkCode(db, mediator, { code: 'ABCU' })).rejects.toThrow(/« U »/);
	});

	it('needs a confirmation outside the campaign’s area, and tells the coordinators', async () => {
		const { codes } = await fundedCampaign({ areaIds: [nerac] });
		await distribute(db, prescriber, { beneficiaryId: await person('Léa'), codes: [codes[0]] });
		const c = await checkCode(db, mediator, { code: codes[0] });
		expect(c).toMatchObject({ redeemable: true, outsideArea: true });
		expect(c.problems).toEqual([{ kind: 'confirm', message: expect.stringMatching(/hors du territoire/) }]);
		const acc = await accompaniment();
		await expect(redeem(db, mediator, { code: codes[0], accompanimentId: acc })).rejects.toThrow(/hors du territoire/);
		const r = await redeem(db, mediator, { code: codes[0], accompanimentId: acc, confirmOutsideArea: true });
		expect(r.alerts).toEqual(['outside_area']);
		const alerts = await listAlerts(db, coordinator, '47', { open: true });
		const a = alerts.find((x) => x.kind === 'outside_area' && x.voucherCode === codes[0])!;
		expect(a).toMatchObject({ place: 'Médiathèque Lacépède' });
		await reviewAlert(db, coordinator, a.id, 'Atelier itinérant, vérifié avec la médiathèque.');
		expect((await listAlerts(db, coordinator, '47', { open: true })).some((x) => x.id === a.id)).toBe(false);
	});

	it('raises an alert when a whole booklet is redeemed by one place within minutes', async () => {
		const { codes } = await fundedCampaign({ booklets: 1 });
		const people = await Promise.all(codes.map((_, i) => person(`P${i}`)));
		for (const [i, code] of codes.entries()) await distribute(db, prescriber, { beneficiaryId: people[i], codes: [code] });
		const workshop = await accompaniment(8);
		const results = [];
		for (const code of codes) results.push(await redeem(db, mediator, { code, accompanimentId: workshop }));
		expect(results.at(-1)!.alerts).toEqual(['booklet_burst']);
		expect(results.slice(0, -1).every((r) => r.alerts.length === 0)).toBe(true);
		expect((await listAlerts(db, coordinator, '47')).filter((a) => a.kind === 'booklet_burst')).toHaveLength(1);
	});

	it('locks code checks after many unknown codes, with an alert', async () => {
		for (let i = 0; i < 9; i++) await expect(checkCode(db, mediator, { code: newCode() })).rejects.toThrow(/aucun pass/);
		await expect(checkCode(db, mediator, { code: newCode() })).rejects.toThrow(/aucun pass/);
		await expect(checkCode(db, mediator, { code: newCode() })).rejects.toThrow(/Trop de vérifications/);
		expect((await listAlerts(db, coordinator, '47')).some((a) => a.kind === 'check_failures' && a.user === 'lou')).toBe(true);
		await db.db.execute(sql`delete from throttles where key like 'pass-%'`);
	});
});

describe('expiry, warnings and credit-back', () => {
	it('warns the prescribers 30, 15 and 7 days before, then expires and credits the funders back', async () => {
		const validUntil = '2027-06-30';
		const { id, codes } = await fundedCampaign({ validUntil, toleranceDays: 10 });
		await distribute(db, prescriber, { beneficiaryId: await person('Jo'), codes: codes.slice(0, 3) });
		await cancelVouchers(db, coordinator, id, { bookletNumber: 2 }, 'Carnet perdu');
		const at = (day: string) => new Date(`${day}T09:00:00Z`);
		const sent = async () =>
			(
				await db.db
					.select()
					.from(outbox)
					.where(and(eq(outbox.to, 'pat@ccas.test'), eq(outbox.template, 'pass-expiry-warning')))
			).length;
		const before = await sent();
		await runPassClock(db, links, at('2027-05-15'));
		expect(await sent()).toBe(before);
		await runPassClock(db, links, at('2027-05-31')); // D-30
		await runPassClock(db, links, at('2027-06-01')); // nothing new
		expect(await sent()).toBe(before + 1);
		const [mail] = await db.db
			.select()
			.from(outbox)
			.where(and(eq(outbox.to, 'pat@ccas.test'), eq(outbox.template, 'pass-expiry-warning')));
		expect(mail.text).toMatch(/3 pass numériques que vous avez remis ne sont pas encore utilisés/);
		expect(mail.text).toContain('30 juin 2027');
		await runPassClock(db, links, at('2027-06-20')); // D-10: the D-15 warning
		await runPassClock(db, links, at('2027-06-25')); // D-5: the D-7 warning
		await runPassClock(db, links, at('2027-06-26'));
		expect(await sent()).toBe(before + 3);
		// still redeemable during the tolerance
		const acc = await accompaniment();
		expect((await checkCode(db, mediator, { code: codes[0] }, '2027-07-05')).redeemable).toBe(true);
		const cafBefore = (await funderBalances(db, coordinator, '47')).find((f) => f.funderId === caf)!;
		const r = await runPassClock(db, links, at('2027-07-11'));
		expect(r.expired).toBe(5); // booklet 1: 2 activated and 3 handed out; booklet 2 was cancelled
		const states = await db.db
			.select({ state: passVouchers.state, reason: passVouchers.endedReason })
			.from(passVouchers)
			.where(eq(passVouchers.campaignId, id));
		expect(states.every((s) => s.state === 'credited_back')).toBe(true);
		expect(states.filter((s) => s.reason === 'cancelled')).toHaveLength(5);
		const cafAfter = (await funderBalances(db, coordinator, '47')).find((f) => f.funderId === caf)!;
		// the cancelled booklet was credited back by the first run already; now the 5 expired
		expect(cafAfter.availableCents - cafBefore.availableCents).toBe(5 * 1000);
		expect((await checkCode(db, mediator, { code: codes[0] }, '2027-07-11')).problems[0].message).toMatch(/expiré/);
		void acc;
		expect((await verifyLedger(db, '2027-07-11')).breaches).toEqual([]);
	});
});

describe('dashboards', () => {
	it('count per campaign, area and place, for the coordinators and the funders, with a CSV', async () => {
		const msaOnly = await createCampaign(
			db,
			coordinator,
			'47',
			{ name: 'MSA seule', faceValue: '10', bookletSize: '5', validFrom: TODAY, validUntil: `${YEAR}-12-31`, toleranceDays: '0', publics: [], areaIds: [] },
			[{ funderId: msa, amount: '50' }]
		);
		await generateBooklets(db, coordinator, msaOnly, 1);
		const d = await dashboard(db, coordinator, '47');
		expect(d.byCampaign.length).toBeGreaterThan(3);
		const total = d.byCampaign.reduce((s, r) => s + r.redeemed, 0);
		expect(total).toBeGreaterThan(5);
		expect(d.byPlace[0]).toMatchObject({ label: 'Médiathèque Lacépède (Agen)' });
		expect(d.byPlace[0].redeemed).toBe(total);
		const csv = dashboardCsv(d);
		expect(csv.split('\r\n')[0]).toBe('\ufeffVue;Libellé;Émis;Remis;Utilisés;Remboursés;Expirés;Valeur utilisée (€)');
		expect(csv).toContain('Lieu;Médiathèque Lacépède (Agen)');
		// the CAF's partner sees the campaigns the CAF funds only
		const p = await dashboard(db, partner, '47');
		expect(p.funders.map((f) => f.id)).toEqual([caf]);
		expect(p.byCampaign.length).toBe(d.byCampaign.length - 1);
		expect(p.byCampaign.some((c) => c.key === msaOnly)).toBe(false);
		expect(d.byCampaign.find((c) => c.key === msaOnly)).toMatchObject({ issued: 0, redeemed: 0 });
		await expect(dashboard(db, prescriber, '47')).rejects.toThrow(/réservés/);
	});

	it('the funder reads small counts masked, the coordinator exact; nothing masked comes back from the totals', async () => {
		const exact = await dashboard(db, partner, '47');
		const s = shownDashboard(exact, false);
		const all = (x: typeof s) => [...x.byCampaign, ...x.byArea, ...x.byPlace, x.total];
		// never a count from 1 to 4 in what the funder reads, and never one masked cell alone in a column
		for (const r of all(s)) for (const k of DASHBOARD_COUNTS) expect(r[k] === null || r[k] === 0 || r[k]! >= 5, `${r.label} ${k}`).toBe(true);
		// (a lone one only when the total is masked too: the places' columns add up to the used or reimbursed total)
		const placeTotal = { issued: 'redeemed', distributed: 'redeemed', redeemed: 'redeemed', reimbursed: 'reimbursed', expired: 'expired' } as const;
		for (const [name, t] of [
			['campaign', s.byCampaign],
			['area', s.byArea],
			['place', s.byPlace]
		] as const)
			for (const k of DASHBOARD_COUNTS)
				if (s.total[name === 'place' ? placeTotal[k] : k] !== null) expect(t.filter((r) => r[k] === null).length, `${name} ${k}`).not.toBe(1);
		// the data has small counts: some are masked, the rest equal the exact ones
		expect(s.masked).toBe(true);
		const exactRows = [...exact.byCampaign, ...exact.byArea, ...exact.byPlace];
		const shownRows = [...s.byCampaign, ...s.byArea, ...s.byPlace];
		shownRows.forEach((r, i) => DASHBOARD_COUNTS.forEach((k) => r[k] !== null && expect(r[k]).toBe(exactRows[i][k])));
		expect(dashboardCsv(s)).toContain('masqué');
		// the coordinator: exact
		const c = shownDashboard(await dashboard(db, coordinator, '47'), true);
		expect(c.masked).toBe(false);
		expect(all(c).every((r) => DASHBOARD_COUNTS.every((k) => r[k] !== null))).toBe(true);
	});
});

describe('npx maillage pass verify', () => {
	it('names a tampered ledger line and a voucher in an impossible state', async () => {
		expect((await verifyLedger(db)).ok).toBe(true);
		const [line] = await db.db.select().from(passLedgerLines).limit(1);
		const [v] = await db.db.select().from(passVouchers).where(eq(passVouchers.state, 'credited_back')).limit(1);
		// the ledger is append-only: only its owner, switching the trigger off, can do this
		await db.db.execute(sql`alter table pass_ledger_lines disable trigger pass_ledger_lines_no_update_delete`);
		try {
			await db.db
				.update(passLedgerLines)
				.set({ amountCents: line.amountCents + 1 })
				.where(eq(passLedgerLines.id, line.id));
			await db.db
				.update(passVouchers)
				.set({ state: 'redeemed', redeemedAt: new Date(), redeemedPlaceId: lacepede, distributedAt: new Date() })
				.where(eq(passVouchers.id, v.id));
			const report = await verifyLedger(db);
			expect(report.ok).toBe(false);
			expect(report.breaches).toEqual(
				expect.arrayContaining([
					expect.stringMatching(new RegExp(`ledger entry ${line.entryId} .* unbalanced`)),
					'the balances sum to 1 cents, not 0',
					`voucher ${formatCode(v.code)} (redeemed) has 0 redemption postings`,
					`voucher ${formatCode(v.code)} (redeemed) has 1 credit-back postings`
				])
			);
		} finally {
			await db.db.update(passLedgerLines).set({ amountCents: line.amountCents }).where(eq(passLedgerLines.id, line.id));
			await db.db.execute(sql`alter table pass_ledger_lines enable trigger pass_ledger_lines_no_update_delete`);
			await db.db
				.update(passVouchers)
				.set({ state: v.state, redeemedAt: v.redeemedAt, redeemedPlaceId: v.redeemedPlaceId, distributedAt: v.distributedAt })
				.where(eq(passVouchers.id, v.id));
		}
		expect((await verifyLedger(db)).breaches).toEqual([]);
	});
});

describe('the ledger’s invariants under random sequences of operations (fast-check)', () => {
	it('hold after any sequence of distributions, redemptions, cancellations, statements, payments and expiry', async () => {
		const { id, codes } = await fundedCampaign({ booklets: 4 });
		const someone = await person('Alex');
		const op = fc.oneof(
			fc.record({ kind: fc.constant('distribute' as const), i: fc.nat(19) }),
			fc.record({ kind: fc.constant('redeem' as const), i: fc.nat(19) }),
			fc.record({ kind: fc.constant('cancel' as const), i: fc.nat(19) }),
			fc.record({ kind: fc.constant('backdate' as const), i: fc.nat(19) }),
			fc.record({ kind: fc.constant('statements' as const) }),
			fc.record({ kind: fc.constant('pay' as const) }),
			fc.record({ kind: fc.constant('credit_back' as const) })
		);
		const last = previousMonth(monthOf(TODAY));
		await fc.assert(
			fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 25 }), async (ops) => {
				for (const o of ops) {
					try {
						switch (o.kind) {
							case 'distribute':
								await distribute(db, prescriber, { beneficiaryId: someone, codes: [codes[o.i]] });
								break;
							case 'redeem':
								await redeem(db, mediator, { code: codes[o.i], accompanimentId: await accompaniment() });
								break;
							case 'cancel':
								await cancelVouchers(db, coordinator, id, { code: codes[o.i] }, 'test');
								break;
							case 'backdate':
								// a redemption of last month (its statement can then be made)
								await db.db.execute(
									sql`update pass_vouchers set redeemed_at = ${`${last.slice(0, 8)}12T10:00:00Z`} where code = ${codes[o.i]} and state = 'redeemed' and statement_id is null`
								);
								break;
							case 'statements':
								await makeStatements(db, coordinator, '47', last);
								break;
							case 'pay': {
								const [s] = await db.db
									.select()
									.from(passStatements)
									.where(sql`paid_at is null`)
									.limit(1);
								if (s) await markStatementPaid(db, coordinator, s.id, 'VIR');
								break;
							}
							case 'credit_back':
								await runPassClock(db, links);
								break;
						}
					} catch (e) {
						if (!(e instanceof PassError)) throw e;
					}
					const report = await verifyLedger(db);
					// vouchers of last month not yet on a statement are expected until "statements" runs
					const real = report.breaches.filter((b) => !/finished month and is on no statement/.test(b));
					expect(real).toEqual([]);
				}
			}),
			{ numRuns: 15 }
		);
		await makeStatements(db, coordinator, '47', last);
		expect((await verifyLedger(db)).breaches).toEqual([]);
		const total = [...(await balances(db.db, null)).values()].reduce((s, b) => s + b, 0);
		expect(total).toBe(0);
	}, 240_000);
});

describe.runIf(onPostgres())('on PostgreSQL', () => {
	it('100 concurrent redemptions of one voucher: exactly one succeeds, the ledger posts it once', async () => {
		const { codes } = await fundedCampaign({ booklets: 1 });
		await distribute(db, prescriber, { beneficiaryId: await person('Concurrence'), codes: [codes[0]] });
		const accs = await Promise.all(Array.from({ length: 100 }, () => accompaniment()));
		const results = await Promise.allSettled(accs.map((a) => redeem(db, mediator, { code: codes[0], accompanimentId: a })));
		const ok = results.filter((r) => r.status === 'fulfilled');
		expect(ok).toHaveLength(1);
		for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(PassError);
		const [{ n }] = await db.db
			.execute(
				sql`select count(*)::int as n from pass_ledger_entries where kind = 'redemption' and ref_id = (select id::text from pass_vouchers where code = ${codes[0]})`
			)
			.then((r) => (r as unknown as { rows: { n: number }[] }).rows);
		expect(n).toBe(1);
		expect((await verifyLedger(db)).breaches).toEqual([]);
	});

	it('two shares paid at once cannot spend the same contribution', async () => {
		const funder = (await createOrganisation(db, null, { name: `CARSAT ${Math.random()}`, kind: 'operateur', departmentCode: '47' })).id;
		await recordContribution(db, coordinator, '47', { funderId: funder, amount: '100', receivedOn: TODAY, agreementRef: 'C-1' });
		const mk = () =>
			createCampaign(
				db,
				coordinator,
				'47',
				{
					name: `Double ${Math.random()}`,
					faceValue: '10',
					bookletSize: '5',
					validFrom: TODAY,
					validUntil: `${YEAR}-12-31`,
					toleranceDays: '0',
					publics: [],
					areaIds: []
				},
				[{ funderId: funder, amount: '100' }]
			);
		const [a, b] = [await mk(), await mk()];
		const results = await Promise.allSettled([recordSharePaid(db, coordinator, a, funder), recordSharePaid(db, coordinator, b, funder)]);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		expect((await funderBalances(db, coordinator, '47')).find((f) => f.funderId === funder)!.availableCents).toBe(0);
	});
});

void passAlerts;
