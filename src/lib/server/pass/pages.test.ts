/**
 * The Pass Numérique queries behind the pages: the vouchers a prescriber handed out and
 * not used yet, and the public page a voucher's QR code opens (what it says, and its
 * rate limit per address).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { createTestDatabase } from '../../../../test/db.ts';
import type { Database } from '../db/client.ts';
import { getBoss, stopBoss } from '../jobs/boss.ts';
import { importPlaces } from '../places/index.ts';
import { places } from '../places/db.ts';
import { organisationPlaces } from '../accounts/db.ts';
import { accompaniments } from '../accompaniments/db.ts';
import { createOrganisation, actorFor, addMember, type Actor } from '../accounts/index.ts';
import { createBeneficiary } from '../beneficiaries/index.ts';
import { passBooklets, passVouchers } from './db.ts';
import {
	PUBLIC_PASS_FAILURES,
	createCampaign,
	distribute,
	entrustBooklets,
	generateBooklets,
	handedOutNotUsed,
	publicPassStatus,
	qualify,
	recordContribution,
	recordSharePaid,
	redeem,
	cancelVouchers
} from './index.ts';
import { parisDay } from '../../time.ts';
import { formatCode } from './code.ts';

let db: Database;
let coordinator: Actor;
let prescriber: Actor;
let colleague: Actor;
let mediator: Actor;
let caf: string;
let ccas: string;
let mediatheque: string;
let lacepede: string;
let personId: string;
let campaignId: string;
let codes: string[];
const P = 'une phrase de passe solide';
const TODAY = parisDay();
const YEAR = TODAY.slice(0, 4);

beforeAll(async () => {
	db = await createTestDatabase();
	await getBoss(db);
	const content = await readFile(new URL('../../../../test/fixtures/places-agen.json', import.meta.url));
	await importPlaces(db, { fileName: 'places-agen.json', content, today: '2026-11-18' });
	const dep = (await createOrganisation(db, null, { name: 'Département de Lot-et-Garonne', kind: 'departement', departmentCode: '47' })).id;
	caf = (await createOrganisation(db, null, { name: 'CAF de Lot-et-Garonne', kind: 'operateur', departmentCode: '47' })).id;
	ccas = (await createOrganisation(db, null, { name: 'CCAS de Nérac', kind: 'ccas', departmentCode: '47' })).id;
	mediatheque = (await createOrganisation(db, null, { name: 'Médiathèque Lacépède', kind: 'mediatheque', departmentCode: '47' })).id;
	const member = async (email: string, organisationId: string, role: 'coordinator' | 'prescriber' | 'mediator') =>
		actorFor(db.db, (await addMember(db, null, { email, displayName: email.split('@')[0], organisationId, role, password: P })).userId, true);
	coordinator = await member('coord@cd47.test', dep, 'coordinator');
	prescriber = await member('pat@ccas.test', ccas, 'prescriber');
	colleague = await member('sam@ccas.test', ccas, 'prescriber');
	mediator = await member('lou@mediatheque.test', mediatheque, 'mediator');
	lacepede = (await db.db.select({ id: places.id }).from(places).where(eq(places.nom, 'Médiathèque Lacépède')))[0].id;
	await db.db.insert(organisationPlaces).values({ organisationId: mediatheque, placeId: lacepede });
	await qualify(db, coordinator, '47', { siret: '21470001500016', organisationId: mediatheque });

	const r = await createBeneficiary(db, prescriber, {
		organisationId: ccas,
		form: {
			firstName: 'Marie',
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
	personId = r.id;

	await recordContribution(db, coordinator, '47', { funderId: caf, amount: '1000', receivedOn: TODAY, agreementRef: 'CONV-PAGES' });
	campaignId = await createCampaign(
		db,
		coordinator,
		'47',
		{
			name: 'Pass des pages',
			faceValue: '10',
			bookletSize: '5',
			validFrom: `${YEAR}-01-01`,
			validUntil: `${YEAR}-12-31`,
			toleranceDays: '31',
			publics: [],
			areaIds: []
		},
		[{ funderId: caf, amount: '1000' }]
	);
	await generateBooklets(db, coordinator, campaignId, 2);
	await recordSharePaid(db, coordinator, campaignId, caf);
	await entrustBooklets(db, coordinator, campaignId, ccas, 1, 2);
	codes = (
		await db.db
			.select({ code: passVouchers.code })
			.from(passVouchers)
			.innerJoin(passBooklets, eq(passBooklets.id, passVouchers.bookletId))
			.where(eq(passVouchers.campaignId, campaignId))
			.orderBy(passBooklets.number, passVouchers.position)
	).map((x) => x.code);
});
afterAll(async () => {
	await stopBoss(db);
	await db?.close();
});

async function workshop(): Promise<string> {
	const [a] = await db.db
		.insert(accompaniments)
		.values({
			organisationId: mediatheque,
			placeId: lacepede,
			mediatorId: mediator.userId,
			departmentCode: '47',
			date: TODAY,
			kind: 'collective',
			durationMinutes: 120,
			location: 'place',
			participants: 8,
			title: 'Atelier'
		})
		.returning({ id: accompaniments.id });
	return a.id;
}

describe('the vouchers a prescriber handed out and not used yet', () => {
	it('lists them newest first with the person’s name, for the prescriber who handed them only, until they are used or cancelled', async () => {
		expect(await handedOutNotUsed(db, prescriber)).toEqual([]);
		await distribute(db, prescriber, { beneficiaryId: personId, codes: [formatCode(codes[0]), codes[1].toLowerCase()] });
		const mine = await handedOutNotUsed(db, prescriber);
		expect(mine.map((v) => v.code).sort()).toEqual([codes[0], codes[1]].sort());
		expect(mine[0]).toMatchObject({
			campaign: 'Pass des pages',
			validUntil: `${YEAR}-12-31`,
			faceValueCents: 1000,
			beneficiaryId: personId,
			person: 'Marie Durand'
		});
		expect(mine[0].distributedAt).toBeInstanceOf(Date);
		// a colleague of the same structure, a mediator: not theirs
		expect(await handedOutNotUsed(db, colleague)).toEqual([]);
		expect(await handedOutNotUsed(db, mediator)).toEqual([]);

		await redeem(db, mediator, { code: codes[0], placeId: lacepede, accompanimentId: await workshop() });
		expect((await handedOutNotUsed(db, prescriber)).map((v) => v.code)).toEqual([codes[1]]);
		await cancelVouchers(db, coordinator, campaignId, { code: codes[1] }, 'Perdu');
		expect(await handedOutNotUsed(db, prescriber)).toEqual([]);
	});
});

describe('the public page of a voucher', () => {
	it('says what a voucher is worth and until when, or that it was used, cancelled or is not handed out yet; never a person or a place', async () => {
		await distribute(db, prescriber, { beneficiaryId: personId, codes: [codes[2], codes[3]] });
		const usable = await publicPassStatus(db, formatCode(codes[2]), '192.0.2.1');
		expect(usable).toEqual({
			status: 'found',
			code: codes[2],
			faceValueCents: 1000,
			validFrom: `${YEAR}-01-01`,
			validUntil: `${YEAR}-12-31`,
			lastDay: `${Number(YEAR) + 1}-01-31`,
			state: 'usable'
		});
		// the link a QR code holds, lower case, without dashes: the same
		expect(await publicPassStatus(db, `https://maillage.test/pass/${codes[2].toLowerCase()}`, '192.0.2.1')).toMatchObject({ state: 'usable' });
		await redeem(db, mediator, { code: codes[3], placeId: lacepede, accompanimentId: await workshop() });
		const used = await publicPassStatus(db, codes[3], '192.0.2.1');
		expect(used).toMatchObject({ status: 'found', state: 'used' });
		expect(JSON.stringify(used)).not.toMatch(/Lacépède|Marie|Durand|Nérac/);
		expect(await publicPassStatus(db, codes[1], '192.0.2.1')).toMatchObject({ state: 'cancelled' });
		expect(await publicPassStatus(db, codes[4], '192.0.2.1')).toMatchObject({ state: 'not_handed' });
		// after the last day of tolerance
		expect(await publicPassStatus(db, codes[2], '192.0.2.1', `${Number(YEAR) + 1}-02-01`)).toMatchObject({ state: 'expired' });
		expect(await publicPassStatus(db, codes[2], '192.0.2.1', `${Number(YEAR) + 1}-01-15`)).toMatchObject({ state: 'usable' });
	});

	it('answers "unknown" for a code that exists nowhere or is malformed', async () => {
		expect(await publicPassStatus(db, '0000-0000-0000-00', '192.0.2.2')).toEqual({ status: 'unknown' });
		expect(await publicPassStatus(db, 'pas-un-code', '192.0.2.2')).toEqual({ status: 'unknown' });
		// a typo in a real code: the check character catches it, no lookup
		const typo = (codes[2][0] === 'A' ? 'B' : 'A') + codes[2].slice(1);
		expect(await publicPassStatus(db, typo, '192.0.2.2')).toEqual({ status: 'unknown' });
	});

	it('locks an address after too many unknown codes, with a French message; another address goes on', async () => {
		for (let i = 0; i < PUBLIC_PASS_FAILURES.limit; i++) await publicPassStatus(db, '0000-0000-0000-00', '198.51.100.7');
		const locked = await publicPassStatus(db, codes[2], '198.51.100.7');
		expect(locked.status).toBe('throttled');
		expect(locked.status === 'throttled' && locked.message).toMatch(/^Trop de pass consultés .* Réessayez dans 15 minutes\.$/);
		expect(await publicPassStatus(db, codes[2], '198.51.100.8')).toMatchObject({ state: 'usable' });
	});
});
