/**
 * A small Pass Numérique world for the security tests: a coordinator, a funder, a
 * prescriber's CCAS holding booklets, a qualified place (Médiathèque Lacépède) with its
 * mediator, and a second place of another organisation. Not a test file.
 */
import { readFile } from 'node:fs/promises';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../src/lib/server/db/client.ts';
import { importPlaces } from '../../src/lib/server/places/index.ts';
import { places } from '../../src/lib/server/places/db.ts';
import { organisationPlaces } from '../../src/lib/server/accounts/db.ts';
import { accompaniments } from '../../src/lib/server/accompaniments/db.ts';
import { createOrganisation, actorFor, addMember, type Actor } from '../../src/lib/server/accounts/index.ts';
import { createBeneficiary } from '../../src/lib/server/beneficiaries/index.ts';
import { passBooklets, passVouchers } from '../../src/lib/server/pass/db.ts';
import {
	createCampaign,
	distribute,
	entrustBooklets,
	generateBooklets,
	qualify,
	recordContribution,
	recordSharePaid
} from '../../src/lib/server/pass/index.ts';
import { parisDay } from '../../src/lib/time.ts';

export const TODAY = parisDay();
const YEAR = TODAY.slice(0, 4);

export async function passWorld(db: Database) {
	const content = await readFile(new URL('../fixtures/places-agen.json', import.meta.url));
	await importPlaces(db, { fileName: 'places-agen.json', content, today: '2026-11-18' });
	const org = async (name: string, kind: string) => (await createOrganisation(db, null, { name, kind, departmentCode: '47' })).id;
	const dep = await org('Département de Lot-et-Garonne', 'departement');
	const caf = await org('CAF de Lot-et-Garonne', 'operateur');
	const ccas = await org('CCAS de Nérac', 'ccas');
	const mediatheque = await org('Médiathèque Lacépède', 'mediatheque');
	const member = async (email: string, organisationId: string, role: 'coordinator' | 'prescriber' | 'mediator'): Promise<Actor> =>
		actorFor(
			db.db,
			(await addMember(db, null, { email, displayName: email.split('@')[0], organisationId, role, password: 'une phrase de passe solide' })).userId,
			true
		);
	const coordinator = await member('coord@cd47.test', dep, 'coordinator');
	const prescriber = await member('pat@ccas.test', ccas, 'prescriber');
	const mediator = await member('lou@mediatheque.test', mediatheque, 'mediator');
	const placeIds = (await db.db.select({ id: places.id, nom: places.nom }).from(places)).filter((p) => p.nom !== 'Médiathèque Lacépède');
	const lacepede = (await db.db.select({ id: places.id }).from(places).where(eq(places.nom, 'Médiathèque Lacépède')))[0].id;
	await db.db.insert(organisationPlaces).values({ organisationId: mediatheque, placeId: lacepede });
	await qualify(db, coordinator, '47', { siret: '21470001500016', organisationId: mediatheque });

	/** A funded campaign of `booklets` booklets of 10, entrusted to the CCAS; its codes in booklet order. */
	async function campaign(booklets = 2): Promise<string[]> {
		const euros = String(booklets * 100);
		await recordContribution(db, coordinator, '47', { funderId: caf, amount: euros, receivedOn: TODAY, agreementRef: `CONV-${Math.random()}` });
		const id = await createCampaign(
			db,
			coordinator,
			'47',
			{
				name: `Campagne ${Math.random().toString(36).slice(2, 7)}`,
				faceValue: '10',
				bookletSize: '10',
				validFrom: `${YEAR}-01-01`,
				validUntil: `${YEAR}-12-31`,
				toleranceDays: '31',
				publics: [],
				areaIds: []
			},
			[{ funderId: caf, amount: euros }]
		);
		await generateBooklets(db, coordinator, id, booklets);
		await recordSharePaid(db, coordinator, id, caf);
		await entrustBooklets(db, coordinator, id, ccas, 1, booklets);
		return (
			await db.db
				.select({ code: passVouchers.code })
				.from(passVouchers)
				.innerJoin(passBooklets, eq(passBooklets.id, passVouchers.bookletId))
				.where(eq(passVouchers.campaignId, id))
				.orderBy(passBooklets.number, passVouchers.position)
		).map((r) => r.code);
	}

	/** Hands the codes out to a new person, through the service. */
	async function handOut(codes: string[]): Promise<void> {
		const r = await createBeneficiary(db, prescriber, {
			organisationId: ccas,
			form: {
				firstName: 'Marie',
				lastName: `Durand ${Math.random()}`,
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
		if (r.status !== 'created') throw new Error('person not created');
		await distribute(db, prescriber, { beneficiaryId: r.id, codes });
	}

	/** Many codes handed out at once, in SQL (setup, not what is tested: as bench/pass.ts does). */
	async function handOutInSql(codes: string[]): Promise<void> {
		await db.db.execute(sql`update pass_vouchers set state = 'distributed', distributed_at = now() where code = any(${`{${codes.join(',')}}`}::text[])`);
	}

	async function accompaniment(participants = 1): Promise<string> {
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
				participants
			})
			.returning({ id: accompaniments.id });
		return a.id;
	}

	return { coordinator, prescriber, mediator, caf, ccas, mediatheque, lacepede, otherPlace: placeIds[0].id, campaign, handOut, handOutInSql, accompaniment };
}
