// @ts-nocheck -- a test launcher whose only inputs are the constants below
/**
 * The browser suite's server: seeds the accounts the tests log in with (organisations of
 * Lot-et-Garonne and Gironde, one invitation per persona, written to
 * $DATA_DIR/e2e-seed.json), then runs scripts/start.mjs in this same process.
 * Seeding goes through the services, as `maillage organisations add` / `users invite` do.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'tsx/esm/api';

const dataDir = process.env.DATA_DIR;
const seedFile = join(dataDir, 'e2e-seed.json');
if (!existsSync(seedFile)) {
	register();
	const { openDatabase } = await import('../src/lib/server/db/client.ts');
	const { createOrganisation, invite } = await import('../src/lib/server/accounts/index.ts');
	const db = await openDatabase();
	const org = (name, kind, departmentCode) => createOrganisation(db, null, { name, kind, departmentCode });
	const orgs = {
		cd47: await org('Département de Lot-et-Garonne', 'departement', '47'),
		cd33: await org('Département de la Gironde', 'departement', '33'),
		caf47: await org('CAF de Lot-et-Garonne', 'operateur', '47'),
		ccas: await org('CCAS de Marmande', 'ccas', '47'),
		mediatheque: await org('Médiathèque de Nérac', 'mediatheque', '47')
	};
	const personas = {
		coordinator: ['coordination@cd47.test', 'Camille Coordination', 'cd47', 'coordinator'],
		coordinator_before_code: ['coordination2@cd47.test', 'Claude Coordination', 'cd47', 'coordinator'],
		coordinator_other_department: ['coordination@cd33.test', 'Dominique Gironde', 'cd33', 'coordinator'],
		partner: ['agent@caf47.test', 'Alex Partenaire', 'caf47', 'partner'],
		prescriber: ['travailleur.social@ccas.test', 'Sacha Prescripteur', 'ccas', 'prescriber'],
		mediator: ['mediation@mediatheque.test', 'Lou Médiation', 'mediatheque', 'mediator'],
		place_manager: ['responsable@mediatheque.test', 'Noa Responsable', 'mediatheque', 'place_manager'],
		admin: ['admin@instance.test', 'Ada Administration', 'cd47', 'coordinator']
	};
	const invitations = {};
	for (const [key, [email, displayName, o, role]] of Object.entries(personas)) {
		const r = await invite(db, null, { email, displayName, organisationId: orgs[o].id, role, isAdmin: key === 'admin' });
		invitations[key] = { email, token: r.token };
	}
	// invitations for ProConnect logins (accepted through the identity provider, not the link)
	for (const [key, email] of [
		['oidc_partner', 'agent.oidc@caf47.test'],
		['oidc_mfa', 'mfa.agent@caf47.test']
	]) {
		const r = await invite(db, null, { email, displayName: 'Alex Agent', organisationId: orgs.caf47.id, role: 'partner' });
		invitations[key] = { email, token: r.token };
	}
	// a newcomer who creates their account in e2e/trust.spec.ts, then is offered more roles
	{
		const email = 'nina.nouvelle@mediatheque.test';
		const r = await invite(db, null, { email, displayName: 'Nina Nouvelle', organisationId: orgs.mediatheque.id, role: 'mediator' });
		invitations.newcomer = { email, token: r.token };
	}
	await db.close();
	writeFileSync(seedFile, JSON.stringify({ organisations: Object.fromEntries(Object.entries(orgs).map(([k, v]) => [k, v.id])), invitations }, null, 2));
}
// ——— begin: the referral loop's public pages (e2e/person.spec.ts) ———
// A person followed by the CAF, referred three times to places without an account (their
// e-mail set to test addresses), created through the services as a prescriber would; the
// links the place and the person received are written to e2e-seed.json under "person".
// The demo territory is loaded here (the server would load it at start anyway): referrals
// need places. No place is linked to an organisation: other specs claim and edit places.
{
	const { readFileSync } = await import('node:fs');
	const seed = JSON.parse(readFileSync(seedFile, 'utf8'));
	if (!seed.person && process.env.MAILLAGE_DEMO !== '0') {
		register();
		const { and, eq, isNotNull, asc, desc, sql } = await import('drizzle-orm');
		const { openDatabase } = await import('../src/lib/server/db/client.ts');
		const { ensureDemo } = await import('../src/lib/server/demo/seed.ts');
		const { getBoss, stopBoss } = await import('../src/lib/server/jobs/boss.ts');
		const { addMember, actorFor } = await import('../src/lib/server/accounts/index.ts');
		const { createBeneficiary, recordAssessment } = await import('../src/lib/server/beneficiaries/index.ts');
		const { sendReferral } = await import('../src/lib/server/referral/index.ts');
		const { places } = await import('../src/lib/server/places/db.ts');
		const { outbox } = await import('../src/lib/server/mail/db.ts');
		const db = await openDatabase();
		await ensureDemo(db, (m) => console.log(m));
		// started before any transaction queues an e-mail (on PGlite it would wait for that transaction)
		await getBoss(db);
		const links = { origin: process.env.ORIGIN || `http://localhost:${process.env.PORT ?? 3000}`, instanceName: 'maillage (tests)' };
		const pick = async (communes, not = []) => {
			const rows = await db.db
				.select({ id: places.id, nom: places.nom, commune: places.commune })
				.from(places)
				.where(
					and(
						eq(places.departmentCode, '47'),
						isNotNull(places.horaires),
						sql`lower(${places.commune}) in (${sql.join(
							communes.map((c) => sql`${c}`),
							sql`, `
						)})`
					)
				)
				.orderBy(asc(places.nom));
			const p = rows.find((r) => !not.includes(r.id));
			if (!p) throw new Error(`e2e seed: no place with hours in ${communes.join(', ')}`);
			return p;
		};
		const byLink = await pick(['monflanquin', 'villeneuve-sur-lot', 'fumel']);
		const other = await pick(['sainte-livrade-sur-lot', 'tonneins', 'casseneuil', 'marmande'], [byLink.id]);
		// a place without an account receives referrals at the first address of its page
		await db.db
			.update(places)
			.set({ courriels: ['lieu@sans-compte.test'] })
			.where(eq(places.id, byLink.id));
		await db.db
			.update(places)
			.set({ courriels: ['autre-lieu@sans-compte.test'] })
			.where(eq(places.id, other.id));
		const { userId } = await addMember(db, null, {
			email: 'prescripteur.personne@caf47.test',
			displayName: 'Paule Prescriptrice',
			organisationId: seed.organisations.caf47,
			role: 'prescriber'
		});
		const prescriber = await actorFor(db.db, userId, true);
		const created = await createBeneficiary(db, prescriber, {
			organisationId: seed.organisations.caf47,
			confirmNew: true,
			form: {
				firstName: 'Marie',
				lastName: 'Testeuse',
				birthYear: '1956',
				commune: 'Monflanquin',
				phone: '06 47 12 34 56',
				email: 'marie@personne.test',
				preferredContact: 'email',
				language: 'fr',
				accessibilityNeeds: ['reading', 'time'],
				accessibilityNote: 'Préfère un rendez-vous le matin.'
			}
		});
		const beneficiaryId = created.id;
		const assessment = await recordAssessment(db, prescriber, beneficiaryId, {
			appareils: ['smartphone'],
			internet: 'telephone',
			ecrire: 'aide',
			courriel: 'non',
			mot_de_passe: 'non',
			document: 'aide',
			franceconnect: 'non',
			deja_fait: ['aucune'],
			besoin: ['demarche'],
			urgence: 'mois',
			contraintes: ['lecture'],
			accompagnement: 'individuel'
		});
		const seen = new Set();
		const send = async (place, reason, scope, assessmentId = null) => {
			const { id } = await sendReferral(
				db,
				prescriber,
				{ beneficiaryId, organisationId: seed.organisations.caf47, placeId: place.id, reason, assessmentId, consent: { method: 'oral', scope } },
				links
			);
			const mails = await db.db.select({ id: outbox.id, text: outbox.text }).from(outbox).where(eq(outbox.template, 'referral-link'));
			const mail = mails.find((m) => !seen.has(m.id) && m.text.includes(`${links.origin}/orientation/`));
			if (!mail) throw new Error('e2e seed: the place’s e-mail with its link was not queued');
			seen.add(mail.id);
			return { id, answerLink: /\/orientation\/\S+/.exec(mail.text)[0] };
		};
		const everything = ['identity', 'contact', 'health', 'assessment', 'referral_reason'];
		const accepted = await send(byLink, 'Créer son espace Ameli et télécharger une attestation de droits.', everything, assessment.id);
		const declined = await send(byLink, 'Apprendre à joindre une photo à un e-mail.', ['identity', 'referral_reason']);
		const withdrawn = await send(other, 'Faire sa déclaration de revenus en ligne.', ['identity', 'referral_reason']);
		// person links are stored server-side and rotated with each message: the person's
		// latest e-mail carries the one in force
		const [personMailRow] = await db.db
			.select({ text: outbox.text })
			.from(outbox)
			.where(and(eq(outbox.template, 'referral-person'), eq(outbox.to, 'marie@personne.test')))
			.orderBy(desc(outbox.createdAt))
			.limit(1);
		const personLinkPath = personMailRow && /\/mes-orientations\/\S+/.exec(personMailRow.text)?.[0];
		if (!personLinkPath) throw new Error('e2e seed: the person’s e-mail with their link was not queued');
		// two people of the CCAS (the prescriber persona's structure), each referred once and so
		// holding a link received by e-mail: one ends it on /mes-orientations, the other's are
		// ended from their record (e2e/links.spec.ts)
		const ccasPrescriber = await actorFor(
			db.db,
			(
				await addMember(db, null, {
					email: 'prescription.liens@ccas.test',
					displayName: 'Lina Prescription',
					organisationId: seed.organisations.ccas,
					role: 'prescriber'
				})
			).userId,
			true
		);
		const linkHolders = {};
		for (const [key, firstName, lastName, email] of [
			['byPerson', 'Rose', 'Liens', 'rose@personne.test'],
			['byHolder', 'Luc', 'Liens', 'luc@personne.test']
		]) {
			const c = await createBeneficiary(db, ccasPrescriber, {
				organisationId: seed.organisations.ccas,
				confirmNew: true,
				form: {
					firstName,
					lastName,
					birthYear: '1960',
					commune: 'Marmande',
					phone: '',
					email,
					preferredContact: 'email',
					language: 'fr',
					accessibilityNeeds: []
				}
			});
			await sendReferral(
				db,
				ccasPrescriber,
				{
					beneficiaryId: c.id,
					organisationId: seed.organisations.ccas,
					placeId: other.id,
					reason: 'Apprendre à utiliser sa messagerie.',
					assessmentId: null,
					consent: { method: 'oral', scope: ['identity', 'contact', 'referral_reason'] }
				},
				links
			);
			const [m] = await db.db
				.select({ text: outbox.text })
				.from(outbox)
				.where(and(eq(outbox.template, 'referral-person'), eq(outbox.to, email)))
				.orderBy(desc(outbox.createdAt))
				.limit(1);
			const link = m && /\/mes-orientations\/\S+/.exec(m.text)?.[0];
			if (!link) throw new Error('e2e seed: a link holder’s e-mail was not queued');
			linkHolders[key] = { id: c.id, name: `${firstName} ${lastName}`, link };
		}
		await stopBoss(db);
		await db.close();
		seed.person = {
			beneficiaryId,
			name: 'Marie Testeuse',
			email: 'marie@personne.test',
			phone: '+33647123456',
			prescriber: { name: 'Paule Prescriptrice', email: 'prescripteur.personne@caf47.test', organisation: 'CAF de Lot-et-Garonne' },
			placeByLink: byLink,
			otherPlace: other,
			/** paths (no origin): accept it without JavaScript */
			referralToAccept: accepted,
			/** decline it in the axe test (JavaScript on) */
			referralToDecline: declined,
			/** the person cancels it */
			referralToWithdraw: withdrawn,
			personLink: personLinkPath,
			/** people of the CCAS holding a link by e-mail (paths, no origin) */
			linkHolders
		};
		writeFileSync(seedFile, JSON.stringify(seed, null, 2));
	}
}
// ——— end: the referral loop's public pages ———

// ——— begin: the médiathèque runs a place (e2e/referral.spec.ts) ———
// The closed loop needs a place with a team: the médiathèque's organisation runs one place
// of a small town (not the nearest to Nérac nor the first of Agen, which other specs
// claim or expect unmanaged); written to e2e-seed.json under "places".
{
	const { readFileSync } = await import('node:fs');
	const seed = JSON.parse(readFileSync(seedFile, 'utf8'));
	if (!seed.places && process.env.MAILLAGE_DEMO !== '0') {
		register();
		const { and, eq, isNotNull, asc, sql } = await import('drizzle-orm');
		const { openDatabase } = await import('../src/lib/server/db/client.ts');
		const { ensureDemo } = await import('../src/lib/server/demo/seed.ts');
		const { places } = await import('../src/lib/server/places/db.ts');
		const { organisationPlaces } = await import('../src/lib/server/accounts/db.ts');
		const db = await openDatabase();
		await ensureDemo(db, (m) => console.log(m));
		const towns = ['casteljaloux', 'aiguillon', 'duras', 'miramont-de-guyenne', 'lauzun', 'castillonnès', 'port-sainte-marie'];
		const [place] = await db.db
			.select({ id: places.id, nom: places.nom, commune: places.commune })
			.from(places)
			.where(
				and(
					eq(places.departmentCode, '47'),
					isNotNull(places.horaires),
					sql`lower(${places.commune}) in (${sql.join(
						towns.map((c) => sql`${c}`),
						sql`, `
					)})`
				)
			)
			.orderBy(asc(places.commune), asc(places.nom))
			.limit(1);
		if (!place) throw new Error('e2e seed: no place in the small towns listed');
		await db.db.insert(organisationPlaces).values({ organisationId: seed.organisations.mediatheque, placeId: place.id }).onConflictDoNothing();
		await db.close();
		seed.places = { mediatheque: place };
		writeFileSync(seedFile, JSON.stringify(seed, null, 2));
	}
}
// ——— end: the médiathèque runs a place ———

// ——— begin: Pass Numérique (e2e/pass-*.spec.ts) ———
// A funded campaign "Pass Numérique 2026" (the CAF's share paid), 4 booklets of 10: 1–3
// entrusted to the CCAS (the prescriber persona's structure); the médiathèque qualified
// (its structure's SIRET); a person of the CCAS with 8 vouchers handed out, one of them
// redeemed last month at the médiathèque's place and on last month's (unpaid) statement;
// 3 accompaniments of the médiathèque today; an open alert. Written under "pass".
{
	const { readFileSync } = await import('node:fs');
	const seed = JSON.parse(readFileSync(seedFile, 'utf8'));
	if (!seed.pass && seed.places && process.env.MAILLAGE_DEMO !== '0') {
		register();
		const { eq, sql } = await import('drizzle-orm');
		const { openDatabase } = await import('../src/lib/server/db/client.ts');
		const { getBoss, stopBoss } = await import('../src/lib/server/jobs/boss.ts');
		const { addMember, actorFor } = await import('../src/lib/server/accounts/index.ts');
		const { organisations } = await import('../src/lib/server/accounts/db.ts');
		const { accompaniments } = await import('../src/lib/server/accompaniments/db.ts');
		const { createBeneficiary } = await import('../src/lib/server/beneficiaries/index.ts');
		const { passVouchers, passBooklets, passAlerts } = await import('../src/lib/server/pass/db.ts');
		const pass = await import('../src/lib/server/pass/index.ts');
		const time = await import('../src/lib/time.ts');
		const db = await openDatabase();
		await getBoss(db);
		const { cd47, caf47, ccas, mediatheque } = seed.organisations;
		const member = async (email, displayName, organisationId, role) =>
			actorFor(db.db, (await addMember(db, null, { email, displayName, organisationId, role })).userId, true);
		const coordinator = await member('coordination.pass@cd47.test', 'Camille Coordination', cd47, 'coordinator');
		const prescriber = await member('prescription.pass@ccas.test', 'Paul Prescription', ccas, 'prescriber');
		const mediator = await member('mediation.pass@mediatheque.test', 'Léo Médiation', mediatheque, 'mediator');
		// a SIRET that passes the Luhn check, for the médiathèque's structure
		let siret = '';
		for (let n = 0; n < 10 && !siret; n++) {
			const candidate = `2147000${String(n).padStart(6, '0')}`;
			for (let d = 0; d < 10; d++) {
				const s = candidate + d;
				const sum = [...s].reverse().reduce((acc, c, i) => {
					let v = Number(c) * (i % 2 ? 2 : 1);
					if (v > 9) v -= 9;
					return acc + v;
				}, 0);
				if (sum % 10 === 0) {
					siret = s;
					break;
				}
			}
		}
		await db.db.update(organisations).set({ siret }).where(eq(organisations.id, mediatheque));
		await pass.qualify(db, coordinator, '47', { siret, organisationId: mediatheque });
		const year = new Date().getFullYear();
		await pass.recordContribution(db, coordinator, '47', { funderId: caf47, amount: '5000', receivedOn: `${year}-01-15`, agreementRef: `CAF47-PN-${year}` });
		const campaignId = await pass.createCampaign(
			db,
			coordinator,
			'47',
			{
				name: `Pass Numérique ${year}`,
				faceValue: '10',
				bookletSize: '10',
				validFrom: `${year}-01-01`,
				validUntil: `${year}-12-31`,
				toleranceDays: '31',
				publics: [],
				areaIds: []
			},
			[{ funderId: caf47, amount: '1000' }]
		);
		await pass.generateBooklets(db, coordinator, campaignId, 4);
		await pass.recordSharePaid(db, coordinator, campaignId, caf47);
		await pass.entrustBooklets(db, coordinator, campaignId, ccas, 1, 3);
		const codesOf = async (number) =>
			(
				await db.db
					.select({ code: passVouchers.code })
					.from(passVouchers)
					.innerJoin(passBooklets, eq(passBooklets.id, passVouchers.bookletId))
					.where(sql`${passBooklets.campaignId} = ${campaignId} and ${passBooklets.number} = ${number}`)
					.orderBy(passVouchers.position)
			).map((r) => r.code);
		const [b1, b2] = [await codesOf(1), await codesOf(2)];
		const created = await createBeneficiary(db, prescriber, {
			organisationId: ccas,
			form: {
				firstName: 'Jeanne',
				lastName: 'Passe',
				birthYear: '1951',
				commune: 'Nérac',
				phone: '',
				email: '',
				preferredContact: 'none',
				language: 'fr',
				accessibilityNeeds: []
			},
			confirmNew: true
		});
		if (created.status !== 'created') throw new Error('e2e seed: the Pass person was not created');
		const personId = created.id;
		await pass.distribute(db, prescriber, { beneficiaryId: personId, codes: b1.slice(0, 8) });
		const placeId = seed.places.mediatheque.id;
		const today = time.parisDay();
		const accompanimentIds = [];
		for (const participants of [10, 1, 1]) {
			const [a] = await db.db
				.insert(accompaniments)
				.values({
					organisationId: mediatheque,
					placeId,
					mediatorId: mediator.userId,
					departmentCode: '47',
					date: today,
					kind: participants > 1 ? 'collective' : 'individual',
					durationMinutes: 120,
					location: 'place',
					participants,
					title: participants > 1 ? 'Atelier\u00a0: mes démarches en ligne' /* as the form saves it */ : null,
					themes: ['Démarches en ligne']
				})
				.returning({ id: accompaniments.id });
			accompanimentIds.push(a.id);
		}
		// one redeemed last month, on last month's statement
		const [old] = await db.db
			.insert(accompaniments)
			.values({
				organisationId: mediatheque,
				placeId,
				mediatorId: mediator.userId,
				departmentCode: '47',
				date: today,
				kind: 'individual',
				durationMinutes: 120,
				location: 'place',
				participants: 1
			})
			.returning({ id: accompaniments.id });
		const redeemedCode = b1[7];
		const r = await pass.redeem(db, mediator, { code: redeemedCode, placeId, accompanimentId: old.id });
		const lastMonth = time.previousMonth(time.monthOf(today));
		await db.db.execute(sql`update pass_vouchers set redeemed_at = ${`${lastMonth.slice(0, 8)}15T10:00:00Z`} where id = ${r.voucherId}`);
		await pass.makeStatements(db, null, '47', lastMonth);
		const [{ id: statementId }] = await db.db
			.execute(sql`select id from pass_statements where place_id = ${placeId} and month = ${lastMonth}`)
			.then((x) => x.rows);
		const [alert] = await db.db
			.insert(passAlerts)
			.values({
				departmentCode: '47',
				kind: 'outside_area',
				campaignId,
				placeId,
				organisationId: mediatheque,
				userId: mediator.userId,
				details: { commune: seed.places.mediatheque.commune }
			})
			.returning({ id: passAlerts.id });
		await stopBoss(db);
		await db.close();
		seed.pass = {
			campaign: { id: campaignId, name: `Pass Numérique ${year}` },
			person: { id: personId, name: 'Jeanne Passe' },
			activated: b2,
			distributed: b1.slice(0, 7),
			redeemedCode,
			accompanimentIds,
			statementId,
			alertId: alert.id,
			siret
		};
		writeFileSync(seedFile, JSON.stringify(seed, null, 2));
	}
}
// ——— end: Pass Numérique ———

// ——— begin: referral ———
// Issue 12, item 1 (e2e/referral-agen.spec.ts): in Agen, the France services of avenue
// Léon Blum is run by an organisation of its own, so that it receives
// referrals online; every other place of Agen stays as the real data has it. Written to
// e2e-seed.json under "referral".
{
	const { readFileSync } = await import('node:fs');
	const seed = JSON.parse(readFileSync(seedFile, 'utf8'));
	if (!seed.referral && process.env.MAILLAGE_DEMO !== '0') {
		register();
		const { and, eq, ilike } = await import('drizzle-orm');
		const { openDatabase } = await import('../src/lib/server/db/client.ts');
		const { ensureDemo } = await import('../src/lib/server/demo/seed.ts');
		const { createOrganisation } = await import('../src/lib/server/accounts/index.ts');
		const { places } = await import('../src/lib/server/places/db.ts');
		const { organisationPlaces } = await import('../src/lib/server/accounts/db.ts');
		const db = await openDatabase();
		await ensureDemo(db, (m) => console.log(m));
		const [place] = await db.db
			.select({ id: places.id, nom: places.nom, commune: places.commune })
			.from(places)
			.where(and(eq(places.departmentCode, '47'), ilike(places.nom, '%Agen%Léon Blum%')))
			.limit(1);
		if (!place) throw new Error('e2e seed: France services Agen Léon Blum is not in the demo data');
		const org = await createOrganisation(db, null, { name: 'France services Agen Léon Blum', kind: 'france_services', departmentCode: '47' });
		await db.db.insert(organisationPlaces).values({ organisationId: org.id, placeId: place.id }).onConflictDoNothing();
		// a mediator who has accepted: the place receives referrals only with someone to read them
		const { invite: inviteMember, acceptInvitation } = await import('../src/lib/server/accounts/index.ts');
		const inv = await inviteMember(db, null, { email: 'mediation@fs-agen.test', displayName: 'Lou Léon Blum', organisationId: org.id, role: 'mediator' });
		const accepted = await acceptInvitation(
			db,
			inv.token,
			{ displayName: 'Lou Léon Blum', password: 'une longue phrase pour les tests', confirm: 'une longue phrase pour les tests' },
			{ ip: null, userAgent: null }
		);
		if (!accepted.ok) throw new Error('e2e seed: the Léon Blum mediator: ' + accepted.message);
		await db.close();
		seed.referral = { agenPlace: place, agenOrganisation: org.id };
		writeFileSync(seedFile, JSON.stringify(seed, null, 2));
	}
}
// ——— end: referral ———

// ——— begin: Mon espace (e2e/mon-espace.spec.ts) ———
// Two people of the CAF, each with a mobile and one referral (Alice and Bruno Espace: one
// must never see the other's data), and a recovery sheet for Jeanne Passe (the Pass
// person, who has no phone: the sheet is her way in). Written under "monEspace".
{
	const { readFileSync } = await import('node:fs');
	const seed = JSON.parse(readFileSync(seedFile, 'utf8'));
	if (!seed.monEspace && seed.person && seed.pass && process.env.MAILLAGE_DEMO !== '0') {
		register();
		const { randomUUID } = await import('node:crypto');
		const { openDatabase } = await import('../src/lib/server/db/client.ts');
		const { getBoss, stopBoss } = await import('../src/lib/server/jobs/boss.ts');
		const { addMember, actorFor, createOrganisation } = await import('../src/lib/server/accounts/index.ts');
		const { createBeneficiary, issueRecoverySheet } = await import('../src/lib/server/beneficiaries/index.ts');
		const { sendReferral } = await import('../src/lib/server/referral/index.ts');
		const db = await openDatabase();
		await getBoss(db);
		const links = { origin: process.env.ORIGIN || `http://localhost:${process.env.PORT ?? 3000}`, instanceName: 'maillage (tests)' };
		// a structure of its own: the CAF's figures (partner.spec) keep their small counts
		const espace = (await createOrganisation(db, null, { name: 'CCAS d’Agen', kind: 'ccas', departmentCode: '47' })).id;
		const prescriber = await actorFor(
			db.db,
			(
				await addMember(db, null, {
					email: 'prescription.espace@ccas-agen.test',
					displayName: 'Élise Espace',
					organisationId: espace,
					role: 'prescriber'
				})
			).userId,
			true
		);
		const people = {};
		for (const [key, firstName, phone, place] of [
			['alice', 'Alice', '06 47 00 00 01', seed.person.placeByLink],
			['bruno', 'Bruno', '06 47 00 00 02', seed.person.otherPlace]
		]) {
			const c = await createBeneficiary(db, prescriber, {
				organisationId: espace,
				confirmNew: true,
				form: {
					firstName,
					lastName: 'Espace',
					birthYear: '1970',
					commune: 'Agen',
					phone,
					email: '',
					preferredContact: 'sms',
					language: 'fr',
					accessibilityNeeds: []
				}
			});
			await sendReferral(
				db,
				prescriber,
				{
					beneficiaryId: c.id,
					organisationId: espace,
					placeId: place.id,
					reason: `Aide pour ${firstName}.`,
					assessmentId: null,
					consent: { method: 'oral', scope: ['identity', 'contact', 'referral_reason'] }
				},
				links
			);
			people[key] = { id: c.id, firstName, phone, phoneE164: `+33${phone.replace(/\s/g, '').slice(1)}`, place: place.nom };
		}
		const sheet = await issueRecoverySheet(db, { id: randomUUID(), beneficiaryIds: [seed.pass.person.id], via: 'code', linkId: null }, {});
		await stopBoss(db);
		await db.close();
		seed.monEspace = { ...people, jeanne: { id: seed.pass.person.id, recoveryCodes: sheet.codes } };
		writeFileSync(seedFile, JSON.stringify(seed, null, 2));
	}
}
// ——— end: Mon espace ———

// ——— begin: the vault (issue 15) ———
// Victor Coffre, followed by the CCAS de Marmande (the demo prescriber's structure), with a
// mobile: he signs in to Mon espace by SMS code; the CCAS opens his vault with him present.
{
	const { readFileSync } = await import('node:fs');
	const seed = JSON.parse(readFileSync(seedFile, 'utf8'));
	if (!seed.vault && seed.organisations?.ccas && process.env.MAILLAGE_DEMO !== '0') {
		register();
		const { openDatabase } = await import('../src/lib/server/db/client.ts');
		const { addMember, actorFor } = await import('../src/lib/server/accounts/index.ts');
		const { createBeneficiary } = await import('../src/lib/server/beneficiaries/index.ts');
		const db = await openDatabase();
		const prescriber = await actorFor(
			db.db,
			(await addMember(db, null, { email: 'accueil.coffre@ccas.test', displayName: 'Noé Coffre', organisationId: seed.organisations.ccas, role: 'prescriber' }))
				.userId,
			true
		);
		const phone = '06 47 00 00 09';
		const c = await createBeneficiary(db, prescriber, {
			organisationId: seed.organisations.ccas,
			confirmNew: true,
			form: {
				firstName: 'Victor',
				lastName: 'Coffre',
				birthYear: '1958',
				commune: 'Marmande',
				phone,
				email: '',
				preferredContact: 'sms',
				language: 'fr',
				accessibilityNeeds: []
			}
		});
		await db.close();
		seed.vault = { person: { id: c.id, firstName: 'Victor', phone, phoneE164: '+33647000009' } };
		writeFileSync(seedFile, JSON.stringify(seed, null, 2));
	}
}
// Victor is referred to the médiathèque (its team: the demo mediator), so that he can join
// documents of his vault to that appointment (issue 15, item 7).
{
	const { readFileSync } = await import('node:fs');
	const seed = JSON.parse(readFileSync(seedFile, 'utf8'));
	if (seed.vault && !seed.vault.referralId && seed.places?.mediatheque && process.env.MAILLAGE_DEMO !== '0') {
		register();
		const { openDatabase } = await import('../src/lib/server/db/client.ts');
		const { getBoss, stopBoss } = await import('../src/lib/server/jobs/boss.ts');
		const { actorFor, userIdByEmail } = await import('../src/lib/server/accounts/index.ts');
		const { sendReferral } = await import('../src/lib/server/referral/index.ts');
		const db = await openDatabase();
		await getBoss(db);
		const links = { origin: process.env.ORIGIN || `http://localhost:${process.env.PORT ?? 3000}`, instanceName: 'maillage (tests)' };
		const prescriber = await actorFor(db.db, await userIdByEmail(db.db, 'accueil.coffre@ccas.test'), true);
		const { id } = await sendReferral(
			db,
			prescriber,
			{
				beneficiaryId: seed.vault.person.id,
				organisationId: seed.organisations.ccas,
				placeId: seed.places.mediatheque.id,
				reason: 'Faire sa demande de RSA en ligne.',
				assessmentId: null,
				consent: { method: 'oral', scope: ['identity', 'referral_reason'] }
			},
			links
		);
		await stopBoss(db);
		await db.close();
		seed.vault.referralId = id;
		writeFileSync(seedFile, JSON.stringify(seed, null, 2));
	}
}
// ——— end: the vault ———

// ——— begin: the refurbisher's team (e2e/equipment-refurbisher.spec.ts) ———
// Transnumeric, the demo's refurbisher (equipment/demo.ts), and an invitation for a member of
// its team (not a persona of the matrix: only its own spec logs in with it), written to
// e2e-seed.json under "invitations.refurbisher".
{
	const { readFileSync } = await import('node:fs');
	const seed = JSON.parse(readFileSync(seedFile, 'utf8'));
	if (!seed.invitations.refurbisher && process.env.MAILLAGE_DEMO !== '0') {
		register();
		const { openDatabase } = await import('../src/lib/server/db/client.ts');
		const { ensureDemo } = await import('../src/lib/server/demo/seed.ts');
		const { invite, organisationByName } = await import('../src/lib/server/accounts/index.ts');
		const db = await openDatabase();
		await ensureDemo(db, (m) => console.log(m));
		const org = await organisationByName(db.db, 'Transnumeric', '47');
		if (!org) throw new Error('e2e seed: the demo refurbisher Transnumeric is missing');
		const email = 'atelier@transnumeric.test';
		const r = await invite(db, null, { email, displayName: 'Rémi Reconditionnement', organisationId: org.id, role: 'place_manager' });
		await db.close();
		seed.invitations.refurbisher = { email, token: r.token };
		writeFileSync(seedFile, JSON.stringify(seed, null, 2));
	}
}
// ——— end: the refurbisher's team ———
// ——— begin: equipment set-up (e2e/equipment-setup.spec.ts) ———
// A laptop refurbished by the médiathèque's structure (the place manager persona's), reserved
// for a request of the CCAS (the prescriber persona's structure) for Yasmine Équipée, in an
// area of its own: the spec hands it over with a referral to the médiathèque's place, without
// JavaScript. Through the use cases; written under "equipment".
{
	const { readFileSync } = await import('node:fs');
	const seed = JSON.parse(readFileSync(seedFile, 'utf8'));
	if (!seed.equipment && seed.places?.mediatheque && process.env.MAILLAGE_DEMO !== '0') {
		register();
		const { openDatabase } = await import('../src/lib/server/db/client.ts');
		const { addMember, actorFor } = await import('../src/lib/server/accounts/index.ts');
		const { createBeneficiary } = await import('../src/lib/server/beneficiaries/index.ts');
		const { areas } = await import('../src/lib/server/territory/db.ts');
		const eq = await import('../src/lib/server/equipment/index.ts');
		const db = await openDatabase();
		const member = async (email, displayName, organisationId, role) =>
			actorFor(db.db, (await addMember(db, null, { email, displayName, organisationId, role })).userId, true);
		const coordinator = await member('materiel.coordination@cd47.test', 'Camille Matériel', seed.organisations.cd47, 'coordinator');
		const atelier = await member('atelier.materiel@mediatheque.test', 'Léa Atelier', seed.organisations.mediatheque, 'place_manager');
		const prescriber = await member('materiel.prescription@ccas.test', 'Pat Matériel', seed.organisations.ccas, 'prescriber');
		const [area] = await db.db.insert(areas).values({ departmentCode: '47', kind: 'pole', name: 'Pôle matériel (tests)' }).returning({ id: areas.id });
		const person = await createBeneficiary(db, prescriber, {
			organisationId: seed.organisations.ccas,
			confirmNew: true,
			form: {
				firstName: 'Yasmine',
				lastName: 'Équipée',
				birthYear: '1970',
				commune: 'Marmande',
				preferredContact: 'none',
				language: 'fr',
				accessibilityNeeds: []
			}
		});
		const donor = await eq.createDonor(db, coordinator, '47', { kind: 'company', name: 'Entreprise donatrice (tests)' });
		const { deviceIds } = await eq.createLot(db, coordinator, {
			donorId: donor,
			refurbisherId: seed.organisations.mediatheque,
			reference: 'LOT-E2E-SETUP',
			receivedOn: '2026-01-05',
			devices: [{ type: 'laptop', brand: 'Lenovo', model: 'ThinkPad T470', serial: 'E2E-SETUP-1', manufactureYear: '2018' }]
		});
		const [d] = deviceIds;
		await eq.startRefurbishing(db, atelier, d);
		await eq.recordTest(db, atelier, d, {
			testedOn: '2026-01-06',
			results: { power: true, screen: true, keyboard: true, storage: true, memory: true, network: true, battery: true }
		});
		await eq.recordErasure(db, atelier, d, { method: 'overwrite', erasedOn: '2026-01-06', operatorName: 'Léa Atelier' });
		await eq.specifyDevice(db, atelier, d, {
			cpu: 'Intel Core i5',
			memoryGb: '8',
			storageGb: '256',
			screenInches: '14',
			batteryHealth: '85',
			operatingSystem: 'Linux Mint',
			grade: 'B',
			warrantyMonths: '12',
			priceEuros: '90'
		});
		await eq.offerDevice(db, atelier, d);
		const r = await eq.requestDevice(db, prescriber, { beneficiaryId: person.id, need: 'laptop', eligibilityKind: 'minima_sociaux', areaId: String(area.id) });
		await eq.reserveDevice(db, atelier, d, r.id);
		await db.close();
		seed.equipment = { deviceId: d, reference: r.reference };
		writeFileSync(seedFile, JSON.stringify(seed, null, 2));
	}
}
// ——— end: equipment set-up ———

// ——— begin: a stand-in of the SMS provider (e2e/sms-provider.mjs) ———
// So that a test can read a one-time code sent by SMS, and answer an SMS as the person
// would (its POST /reply posts the reply to this server's /api/sms/entrant with the shared
// secret): started on a free port unless SMS_PROVIDER is already set; the addresses of its
// message list and of /reply are written to $DATA_DIR/e2e-sms.json at every start. It
// stops with this process.
process.env.SMS_INBOUND_SECRET ||= 'e2e-inbound-secret';
const appOrigin = process.env.ORIGIN || `http://127.0.0.1:${process.env.PORT ?? 3000}`;
if (!process.env.SMS_PROVIDER) {
	const { spawn } = await import('node:child_process');
	const { createServer } = await import('node:net');
	const smsPort = await new Promise((ok, ko) => {
		const s = createServer().once('error', ko);
		s.listen(0, '127.0.0.1', () => {
			const p = s.address().port;
			s.close(() => ok(p));
		});
	});
	const child = spawn(process.execPath, [new URL('./sms-provider.mjs', import.meta.url).pathname], {
		env: {
			...process.env,
			PORT: String(smsPort),
			SMS_API_KEY: 'e2e-sms-key',
			INBOUND_URL: `${appOrigin}/api/sms/entrant`,
			INBOUND_SECRET: process.env.SMS_INBOUND_SECRET
		},
		stdio: ['ignore', 'ignore', 'inherit']
	});
	process.on('exit', () => child.kill());
	for (let i = 0; i < 100; i++) {
		if (
			await fetch(`http://127.0.0.1:${smsPort}/health`).then(
				(r) => r.ok,
				() => false
			)
		)
			break;
		await new Promise((r) => setTimeout(r, 100));
	}
	Object.assign(process.env, { SMS_PROVIDER: 'brevo', SMS_API_KEY: 'e2e-sms-key', SMS_SENDER: 'Maillage', SMS_API_URL: `http://127.0.0.1:${smsPort}/v3` });
}
if (process.env.SMS_API_URL) {
	const origin = new URL(process.env.SMS_API_URL).origin;
	writeFileSync(join(dataDir, 'e2e-sms.json'), JSON.stringify({ messages: `${origin}/messages`, reply: `${origin}/reply` }));
}
// ——— end: a stand-in of the SMS provider ———

await import('../scripts/start.mjs');
