/**
 * Issue 12, attacks (the attack helper's report): a referral waiting for the person's OUI by
 * SMS keeps the place's id in its draft; merging that place into another (item 8) moves the
 * referrals, claims and reports (maillage_move_place_references) but not the draft. The
 * person's OUI then failed (TypeError on the missing place: the consent was not recorded,
 * the SMS provider got a 500). The referral now goes to the place it was merged into.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { openWorld, type World } from '../world.ts';
import { setDatabase, type Database } from '../../src/lib/server/db/client.ts';
import { mergePlaces } from '../../src/lib/server/places/index.ts';
import { referrals } from '../../src/lib/server/referral/db.ts';
import { outbox } from '../../src/lib/server/mail/db.ts';
import type { Actor } from '../../src/lib/server/accounts/index.ts';
import { referOrAskConsent, answerConsentBySms } from '../../src/lib/server/referral/index.ts';

const links = { origin: 'https://maillage.test', instanceName: 'maillage 47' };
let w: World;
let db: Database;
let prescriber: Actor;
let coordinator: Actor;
let ccas: string;
let keep: string;
let gone: string;

beforeAll(async () => {
	w = await openWorld({ places: 'agen', placesDay: '2026-12-06' });
	db = w.db;
	setDatabase(db);
	ccas = await w.organisation('CCAS de Nérac', 'ccas');
	const cd47 = await w.organisation('Département de Lot-et-Garonne', 'departement');
	prescriber = await w.member('pat@ccas.test', ccas, 'prescriber', { displayName: 'Pat' });
	coordinator = await w.member('cam@cd47.test', cd47, 'coordinator', { displayName: 'Camille' });
	keep = await w.place('Médiathèque Lacépède');
	gone = await w.placeByEmail('France services de Boé', 'boe@france-services.test');
}, 120_000);

afterAll(async () => {
	setDatabase(undefined);
	await w?.close();
});

describe('issue 12, attacks: a place merged while the person’s OUI is awaited', () => {
	it('the OUI is recorded and the referral goes to the place it was merged into', async () => {
		const person = await w.person(prescriber, ccas, {
			firstName: 'Marie',
			lastName: 'Durand',
			birthYear: '1958',
			commune: 'Nérac',
			phone: '06 98 76 54 32',
			preferredContact: 'sms'
		});
		const asked = await referOrAskConsent(
			db,
			prescriber,
			{
				beneficiaryId: person,
				organisationId: ccas,
				placeId: gone,
				reason: 'Créer son compte Ameli.',
				consent: { method: 'sms', scope: ['identity', 'contact', 'referral_reason'] }
			},
			links
		);
		expect(asked.status).toBe('consent_requested');
		await mergePlaces(db, coordinator, { survivorId: keep, otherId: gone, choices: { courriels: 'autre' } });
		const [sms] = await db.db.select().from(outbox).where(eq(outbox.to, '+33698765432'));
		const ref = /OUI (\d{4})/.exec(sms.text)?.[1] ?? '';
		expect(await answerConsentBySms(db, { from: '+33698765432', text: `OUI ${ref}`, at: new Date() }, links)).toBe('confirmed');
		const [sent] = await db.db.select().from(referrals).where(eq(referrals.beneficiaryId, person));
		expect(sent.placeId).toBe(keep);
	});
});
