/**
 * The partner's own figures (issue 12, item 12): a CAF sees its contributions, the
 * campaigns it funds and its agents' referrals counted by outcome — before its second
 * factor too, since nothing personal is in them — and nothing of another structure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorld, type World } from '../../../../test/world.ts';
import { passWorld } from '../../../../test/security/pass-world.ts';
import type { Database } from '../db/client.ts';
import type { Actor } from '../accounts/index.ts';
import { actOnReferral, sendReferral } from '../referral/index.ts';
import { MASKED, PartnerError, partnerOrganisations, partnerOverview, shownPartnerCampaigns, shownReferrals } from './service.ts';
import { recomputable } from '../stats/index.ts';
import {
	correctContribution,
	dashboard,
	listContributions,
	listQualifications,
	NOT_HANDED_OUT,
	PassError,
	qualifiableOrganisations,
	qualify,
	recordContribution,
	verifyLedger
} from '../pass/index.ts';
import { passContributions } from '../pass/db.ts';
import { searchJournal } from '../audit/index.ts';
import { readableEntries } from '../journal/index.ts';
import { organisations } from '../accounts/db.ts';
import { eq } from 'drizzle-orm';

/** A SIRET that passes the Luhn key, from its first 13 digits. */
function luhnSiret(first13: string): string {
	for (let d = 0; d < 10; d++) {
		const s = first13 + d;
		const sum = [...s].reverse().reduce((acc, c, i) => {
			let v = Number(c) * (i % 2 ? 2 : 1);
			if (v > 9) v -= 9;
			return acc + v;
		}, 0);
		if (sum % 10 === 0) return s;
	}
	throw new Error('no key');
}

const links = { origin: 'https://maillage.test', instanceName: 'maillage 47' };

let w: World;
let db: Database;
let world: Awaited<ReturnType<typeof passWorld>>;
let partner: Actor;
let msaPartner: Actor;
let cafAgent: Actor;

beforeAll(async () => {
	w = await openWorld(); // the places: passWorld imports them
	db = w.db;
	world = await passWorld(db);
	// the partner has not typed its code: the figures are open to it all the same
	partner = await w.member('direction@caf47.test', world.caf, 'partner', { mfa: false });
	cafAgent = await w.member('agent@caf47.test', world.caf, 'prescriber');
	const msa = await w.organisation('MSA Dordogne Lot-et-Garonne', 'operateur');
	msaPartner = await w.member('direction@msa.test', msa, 'partner');
	const codes = await world.campaign(2);
	await world.handOut(codes.slice(0, 3));
	// the CAF's agent refers 7 people; the médiathèque accepts one of them
	const ids: string[] = [];
	for (let i = 0; i < 7; i++) {
		const person = await w.person(cafAgent, world.caf, { firstName: 'Jean', lastName: `Allocataire ${i}`, birthYear: '1960', commune: 'Agen' });
		const r = await sendReferral(
			db,
			cafAgent,
			{
				beneficiaryId: person,
				organisationId: world.caf,
				placeId: world.lacepede,
				reason: 'Créer son espace CAF.',
				assessmentId: null,
				consent: { method: 'oral', scope: ['identity', 'referral_reason'] }
			},
			links
		);
		ids.push(r.id);
	}
	await actOnReferral(db, world.mediator, ids[0], { type: 'accept' }, links);
	// a referral of the CCAS: not the CAF's
	const other = await w.person(world.prescriber, world.ccas, { firstName: 'Paule', lastName: 'Autre', birthYear: '1970', commune: 'Nérac' });
	await sendReferral(
		db,
		world.prescriber,
		{
			beneficiaryId: other,
			organisationId: world.ccas,
			placeId: world.lacepede,
			reason: 'Déclarer ses revenus.',
			assessmentId: null,
			consent: { method: 'oral', scope: ['identity', 'referral_reason'] }
		},
		links
	);
}, 120_000);

afterAll(async () => {
	await w?.close();
});

describe('the Pass dashboard', () => {
	it('the territories count the same vouchers as the campaigns (those not handed out in a row of their own)', async () => {
		const d = await dashboard(db, partner, '47');
		const sum = (rows: typeof d.byCampaign, k: 'issued' | 'distributed' | 'redeemed') => rows.reduce((s, r) => s + r[k], 0);
		for (const k of ['issued', 'distributed', 'redeemed'] as const) expect(sum(d.byArea, k), k).toBe(sum(d.byCampaign, k));
		expect(sum(d.byCampaign, 'issued')).toBe(20);
		const notYet = d.byArea.find((r) => r.key === NOT_HANDED_OUT)!;
		expect(notYet).toMatchObject({ label: 'Pas encore remis à une personne', issued: 17, distributed: 0 });
		// it comes last
		expect(d.byArea.at(-1)!.key).toBe(NOT_HANDED_OUT);
	});
});

describe('qualifying a structure whose SIRET is stored', () => {
	it('is offered in one click, and the SIRET is not asked again', async () => {
		const siret = luhnSiret('4470000000012');
		const asso = await w.organisation('Association Clic 47');
		await db.db.update(organisations).set({ siret }).where(eq(organisations.id, asso));
		expect((await qualifiableOrganisations(db, world.coordinator, '47')).map((o) => o.name)).toContain('Association Clic 47');
		await qualify(db, world.coordinator, '47', { siret: '', organisationId: asso });
		expect((await listQualifications(db, world.coordinator, '47')).find((q) => q.organisationId === asso)?.siret).toBe(siret);
		expect((await qualifiableOrganisations(db, world.coordinator, '47')).map((o) => o.name)).not.toContain('Association Clic 47');
		// a structure without one: the SIRET is asked for, by its field
		const e = await qualify(db, world.coordinator, '47', { siret: '', organisationId: world.ccas }).catch((x) => x);
		expect(e).toBeInstanceOf(PassError);
		expect(e.fields.siret).toMatch(/n’a pas de SIRET enregistré/);
		// only a coordinator
		await expect(qualifiableOrganisations(db, partner, '47')).rejects.toThrow(/coordination/);
	});
});

describe('the partner’s figures', () => {
	it('its contributions, what they funded, and its campaigns with their vouchers', async () => {
		expect((await partnerOrganisations(db, partner)).map((o) => o.name)).toEqual(['CAF de Lot-et-Garonne']);
		const o = await partnerOverview(db, partner, world.caf);
		expect(o.organisation.name).toBe('CAF de Lot-et-Garonne');
		expect(o.contributions).toHaveLength(1);
		expect(o.contributions[0].amountCents).toBe(20_000);
		expect(o.fund).toEqual({ contributedCents: 20_000, committedCents: 20_000, creditedBackCents: 0, availableCents: 0 });
		expect(o.campaigns).toHaveLength(1);
		expect(o.campaigns[0]).toMatchObject({ shareCents: 20_000, paid: true, issued: 20, distributed: 3, redeemed: 0, status: 'Financée, pass actifs' });
	});

	it('its agents’ referrals counted by outcome, not another structure’s; nothing personal in them', async () => {
		const o = await partnerOverview(db, partner, world.caf);
		const by = Object.fromEntries(o.referrals.map((r) => [r.status, r.total]));
		expect(by.sent).toBe(6);
		expect(by.accepted).toBe(1);
		expect(o.referralTotals.total).toBe(7);
		expect(o.referralTotals.lastYear).toBe(7);
		const text = JSON.stringify(o);
		expect(text).not.toContain('Allocataire');
		expect(text).not.toContain('Créer son espace CAF');
	});

	it('the page’s table masks the small counts and enough others that the total does not give them back', async () => {
		const o = await partnerOverview(db, partner, world.caf);
		const t = shownReferrals(o);
		const by = Object.fromEntries(t.rows.map((r) => [r.status, r]));
		// 1 accepted is masked, and the 6 sent with it (7 − 6 would give it back), in both
		// columns; all of them in the last 12 months, the differences (0 and 0) would tell
		// which rows are small, so the totals are masked too
		expect(by.accepted.total).toBe(MASKED);
		expect(by.accepted.lastYear).toBe(MASKED);
		expect(by.sent.total).toBe(MASKED);
		expect(by.declined.total).toBe('0');
		expect(t.totals.total).toBe(MASKED);
		expect(t.rows.filter((r) => r.total === MASKED)).toHaveLength(2);
		// the attack: what the partner reads, back to numbers, with the total
		const read = (s: string) => (s === MASKED ? null : Number(s.replace(/\D/g, '')));
		const ranges = recomputable(
			t.rows.map((r) => read(r.total)),
			read(t.totals.total)
		);
		const accepted = ranges[t.rows.findIndex((r) => r.status === 'accepted')]!;
		expect(accepted.min).toBe(1);
		expect(accepted.max).toBeGreaterThanOrEqual(4);
		for (const col of ['lastYear', 'total'] as const) expect(t.rows.filter((r) => r[col] === MASKED).length).not.toBe(1);
	});

	it('the campaigns’ counts as the Pass dashboard shows them to the funder: 3 handed out is masked, 20 issued and 0 used shown', async () => {
		const o = await partnerOverview(db, partner, world.caf);
		const shown = await shownPartnerCampaigns(db, partner, o);
		expect(shown.get(o.campaigns[0].id)).toEqual({ issued: '20', distributed: MASKED, redeemed: '0', expired: '0' });
	});

	it('another partner, an agent without the partner role: refused', async () => {
		await expect(partnerOverview(db, msaPartner, world.caf)).rejects.toBeInstanceOf(PartnerError);
		await expect(partnerOverview(db, cafAgent, world.caf)).rejects.toThrow(/réservés aux partenaires/);
		expect(await partnerOrganisations(db, cafAgent)).toEqual([]);
		// the coordinator of the département reads them too (the same figures as its fund's pages)
		expect((await partnerOverview(db, world.coordinator, world.caf)).referralTotals.total).toBe(7);
	});
});

describe('a wrong contribution is corrected, never updated', () => {
	it('a reversal and the right amount, in the ledger and the journal; verify agrees', async () => {
		// the money committed to a campaign cannot be taken back (the CAF's 200 € are all in its campaign)
		const first = (await listContributions(db, world.coordinator, '47')).find((c) => c.amountCents === 20_000)!;
		await expect(correctContribution(db, world.coordinator, first.id, { amount: '', reason: 'doublon' })).rejects.toThrow(/déjà engagés dans des campagnes/);
		const id = await recordContribution(db, world.coordinator, '47', {
			funderId: world.caf,
			amount: '50000',
			receivedOn: '2026-03-02',
			agreementRef: 'CAF47-2026-02'
		});
		// no reason: asked for, nothing written
		const noReason = await correctContribution(db, world.coordinator, id, { amount: '5000', reason: '' }).catch((e) => e);
		expect(noReason).toBeInstanceOf(PassError);
		expect(noReason.fields.reason).toMatch(/Indiquez pourquoi/);
		await correctContribution(db, world.coordinator, id, { amount: '5 000', reason: 'Montant saisi 50 000 € au lieu de 5 000 €' });
		const rows = (await listContributions(db, world.coordinator, '47')).filter((c) => c.agreementRef === 'CAF47-2026-02');
		expect(rows.map((r) => r.amountCents).sort((a, b) => a - b)).toEqual([-5_000_000, 500_000, 5_000_000]);
		expect(rows.find((r) => r.id === id)!.corrected).toBe(true);
		expect(rows.find((r) => r.amountCents < 0)!.correctionReason).toBe('Montant saisi 50 000 € au lieu de 5 000 €');
		// the original row is untouched
		const [original] = await db.db.select().from(passContributions).where(eq(passContributions.id, id));
		expect(original.amountCents).toBe(5_000_000);
		// corrected once only; a reversal is not corrected
		await expect(correctContribution(db, world.coordinator, id, { amount: '4000', reason: 'encore' })).rejects.toThrow(/déjà été corrigée/);
		const reversal = rows.find((r) => r.amountCents < 0)!;
		await expect(correctContribution(db, world.coordinator, reversal.id, { amount: '1', reason: 'x' })).rejects.toThrow(/annule déjà/);
		// only a coordinator
		await expect(correctContribution(db, partner, id, { amount: '1', reason: 'x' })).rejects.toThrow(/coordination/);
		expect((await partnerOverview(db, partner, world.caf)).fund.contributedCents).toBe(20_000 + 500_000);
		const report = await verifyLedger(db);
		expect(report.breaches).toEqual([]);
		// the journal says it in words
		const { rows: entries } = await searchJournal(db, { departmentCodes: ['47'], action: 'pass.contribution.recorded', limit: 5 });
		const said = (await readableEntries(db.db, world.coordinator, entries)).map((e) => e.sentence);
		expect(said[0]).toMatch(/a enregistré le bon montant d’une contribution corrigée de CAF de Lot-et-Garonne au fonds\u00a0: 5\s000\s€\.$/);
		expect(said[1]).toMatch(/a annulé une contribution de CAF de Lot-et-Garonne au fonds \(50\s000\s€\), pour la corriger\.$/);
	});
});
