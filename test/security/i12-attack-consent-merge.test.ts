/**
 * Issue 12, attacks (the attack helper's report): a referral waiting for the person's OUI by
 * SMS keeps the place's id in its draft; merging that place into another (item 8) moves the
 * referrals, claims and reports (maillage_move_place_references) but not the draft. The
 * person's OUI then failed (TypeError on the missing place: the consent was not recorded,
 * the SMS provider got a 500). The referral now goes to the place it was merged into.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { createTestDatabase } from '../db.ts';
import { setDatabase, type Database } from '../../src/lib/server/db/client.ts';
import { getBoss, stopBoss } from '../../src/lib/server/jobs/boss.ts';
import { importPlaces, mergePlaces } from '../../src/lib/server/places/index.ts';
import { places } from '../../src/lib/server/places/db.ts';
import { referrals } from '../../src/lib/server/referral/db.ts';
import { outbox } from '../../src/lib/server/mail/db.ts';
import { actorFor, addMember, createOrganisation, type Actor } from '../../src/lib/server/accounts/index.ts';
import { createBeneficiary } from '../../src/lib/server/beneficiaries/index.ts';
import { referOrAskConsent, answerConsentBySms } from '../../src/lib/server/referral/index.ts';

const links = { origin: 'https://maillage.test', instanceName: 'maillage 47' };
const P = 'une phrase de passe solide';
let db: Database;
let prescriber: Actor;
let coordinator: Actor;
let ccas: string;
let keep: string;
let gone: string;

beforeAll(async () => {
	db = await createTestDatabase();
	setDatabase(db);
	await getBoss(db);
	const content = await readFile(new URL('../fixtures/places-agen.json', import.meta.url));
	await importPlaces(db, { fileName: 'places-agen.json', content, today: '2026-12-06' });
	ccas = (await createOrganisation(db, null, { name: 'CCAS de Nérac', kind: 'ccas', departmentCode: '47' })).id;
	const cd47 = (await createOrganisation(db, null, { name: 'Département de Lot-et-Garonne', kind: 'departement', departmentCode: '47' })).id;
	prescriber = await actorFor(
		db.db,
		(await addMember(db, null, { email: 'pat@ccas.test', displayName: 'Pat', organisationId: ccas, role: 'prescriber', password: P })).userId,
		true
	);
	coordinator = await actorFor(
		db.db,
		(await addMember(db, null, { email: 'cam@cd47.test', displayName: 'Camille', organisationId: cd47, role: 'coordinator', password: P })).userId,
		true
	);
	const all = await db.db.select({ id: places.id, nom: places.nom }).from(places);
	keep = all.find((p) => p.nom === 'Médiathèque Lacépède')!.id;
	gone = all.find((p) => p.nom === 'France services de Boé')!.id;
	await db.db
		.update(places)
		.set({ courriels: ['boe@france-services.test'] })
		.where(eq(places.id, gone));
}, 120_000);

afterAll(async () => {
	await stopBoss(db);
	setDatabase(undefined);
	await db?.close();
});

describe('issue 12, attacks: a place merged while the person’s OUI is awaited', () => {
	it('the OUI is recorded and the referral goes to the place it was merged into', async () => {
		const r = await createBeneficiary(db, prescriber, {
			organisationId: ccas,
			confirmNew: true,
			form: {
				firstName: 'Marie',
				lastName: 'Durand',
				birthYear: '1958',
				commune: 'Nérac',
				phone: '06 98 76 54 32',
				email: '',
				preferredContact: 'sms',
				language: 'fr',
				accessibilityNeeds: []
			}
		});
		if (r.status !== 'created') throw new Error('not created');
		const asked = await referOrAskConsent(
			db,
			prescriber,
			{
				beneficiaryId: r.id,
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
		const [sent] = await db.db.select().from(referrals).where(eq(referrals.beneficiaryId, r.id));
		expect(sent.placeId).toBe(keep);
	});
});
