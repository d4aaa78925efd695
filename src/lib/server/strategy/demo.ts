/**
 * The demo's roadmap (`maillage demo accounts`): Lot-et-Garonne's strategy as its seventeen
 * partners run it (a fund fed by the operators, the Déclic 47 network of places, the Pass
 * Numérique, the « jeudis de l’inclusion numérique » for helpers, a local refurbishing
 * channel), so that the strategy's pages are not empty. Written through the use cases, as
 * the demo coordinator, dated from today; once (skipped when the département has an axis).
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { createOrganisation, organisationByName, type Actor, type OrganisationKind } from '../accounts/index.ts';
import { addDays, parisDay } from '../../time.ts';
import { strategyAxes } from './db.ts';
import { axesOf, territoryOf } from './internal.ts';
import { addActionNote, createAction } from './actions.ts';
import { createAxis } from './roadmap.ts';
import { addDecision, createMeeting } from './meetings.ts';

const PARTNERS: { key: string; name: string; kind: OrganisationKind }[] = [
	{ key: 'cd47', name: 'Département de Lot-et-Garonne', kind: 'departement' },
	{ key: 'caf', name: 'CAF de Lot-et-Garonne', kind: 'operateur' },
	{ key: 'msa', name: 'MSA Dordogne, Lot-et-Garonne', kind: 'operateur' },
	{ key: 'cpam', name: 'CPAM de Lot-et-Garonne', kind: 'operateur' },
	{ key: 'carsat', name: 'CARSAT Aquitaine', kind: 'operateur' },
	{ key: 'poste', name: 'La Poste', kind: 'operateur' },
	{ key: 'campus', name: 'Campus Numérique 47', kind: 'association' },
	{ key: 'lgn', name: 'Lot-et-Garonne Numérique', kind: 'collectivite' },
	{ key: 'mlagen', name: 'Mission locale de l’Agenais, de l’Albret et du Confluent', kind: 'emploi' },
	{ key: 'ccas', name: 'CCAS d’Agen', kind: 'ccas' }
];

const AXES = [
	'Fonds départemental d’inclusion numérique',
	'Réseau Déclic 47 des lieux de proximité',
	'Pass Numérique et parcours de formation',
	'Formation des aidants',
	'Équipement et reconditionnement'
];

/** Seeds the demo roadmap for 47 as `coordinator` (a coordinator of 47); false when it was there already. */
export async function seedDemoStrategy(database: Database, coordinator: Actor, today = parisDay()): Promise<boolean> {
	const existing = await database.db.select({ id: strategyAxes.id }).from(strategyAxes).where(eq(strategyAxes.departmentCode, '47')).limit(1);
	if (existing.length) return false;
	const org: Record<string, string> = {};
	for (const p of PARTNERS)
		org[p.key] = (
			(await organisationByName(database.db, p.name, '47')) ?? (await createOrganisation(database, null, { name: p.name, kind: p.kind, departmentCode: '47' }))
		).id;
	for (const label of AXES) await createAxis(database, coordinator, '47', { label });
	const axis = new Map((await axesOf(database.db, '47')).map((a) => [a.label, a.id]));
	// the intercommunalities of the Albret and the Fumélois, by name (their codes follow the territory's data)
	const epciCodes = (await territoryOf(database, '47')).epcis.filter((e) => /Albret|Fumel/.test(e.label)).map((e) => e.code);
	const day = (n: number) => addDays(today, n);
	const blank = {
		description: '',
		partnerIds: [] as string[],
		wholeDepartment: false,
		areaIds: [] as number[],
		epciCodes: [] as string[],
		communes: '',
		budget: '',
		fundings: [] as { funderId: string; amount: string }[],
		indicators: [] as { key: string; target: string; targetDate: string }[]
	};
	const action = (a: Partial<typeof blank> & { title: string; axis: string; pilotId: string; dueDate: string; status: string }) =>
		createAction(database, coordinator, '47', { ...blank, ...a, axisId: axis.get(a.axis) });

	const fund = await action({
		title: 'Abonder le fonds départemental d’inclusion numérique pour l’an prochain',
		axis: AXES[0],
		description:
			'Réunir les contributions des grands opérateurs de services dématérialisés pour créer un effet de levier sur les dispositifs de l’État (Pass Numérique, conseillers numériques).',
		pilotId: org.cd47,
		partnerIds: [org.caf, org.msa, org.cpam, org.carsat, org.poste],
		wholeDepartment: true,
		budget: '180000',
		fundings: [
			{ funderId: org.cd47, amount: '60000' },
			{ funderId: org.caf, amount: '40000' },
			{ funderId: org.msa, amount: '20000' },
			{ funderId: org.carsat, amount: '20000' }
		],
		indicators: [{ key: 'pass_redeemed', target: '3000', targetDate: day(365) }],
		dueDate: day(90),
		status: 'in_progress'
	});
	const roaming = await action({
		title: 'Une permanence itinérante dans l’Albret et le Fumélois',
		axis: AXES[1],
		description: 'Des communes sans lieu à moins de 15 km\u00a0: une permanence mobile d’aide aux démarches, une demi-journée par semaine dans chaque bourg.',
		pilotId: org.lgn,
		partnerIds: [org.poste, org.cd47],
		epciCodes,
		communes: 'Casteljaloux, Houeillès',
		budget: '45000',
		fundings: [{ funderId: org.cd47, amount: '25000' }],
		indicators: [
			{ key: 'white_zone_communes', target: '0', targetDate: day(365) },
			{ key: 'population_near_admin_help', target: '95', targetDate: day(365) }
		],
		dueDate: day(180),
		status: 'planned'
	});
	const fresh = await action({
		title: 'Mettre à jour les fiches des 250 lieux du réseau Déclic 47',
		axis: AXES[1],
		pilotId: org.cd47,
		wholeDepartment: true,
		indicators: [{ key: 'places_fresh', target: '90', targetDate: day(-20) }],
		dueDate: day(-20),
		status: 'in_progress'
	});
	await action({
		title: 'Répondre aux orientations en moins de cinq jours',
		axis: AXES[1],
		description: 'Chaque lieu du réseau répond à une orientation reçue dans les cinq jours ouvrés.',
		pilotId: org.caf,
		partnerIds: [org.cd47, org.ccas],
		wholeDepartment: true,
		indicators: [
			{ key: 'first_answer_days', target: '5', targetDate: day(-60) },
			{ key: 'referrals_honoured_rate', target: '70', targetDate: day(-60) }
		],
		dueDate: day(-60),
		status: 'done'
	});
	const thursdays = await action({
		title: 'Les jeudis de l’inclusion numérique\u00a0: douze sessions pour les aidants',
		axis: AXES[3],
		description:
			'Former les travailleurs sociaux et les agents d’accueil aux démarches en ligne, pour que la dématérialisation ne soit pas synonyme de perte de droits.',
		pilotId: org.campus,
		partnerIds: [org.caf, org.ccas, org.mlagen],
		wholeDepartment: true,
		budget: '18000',
		fundings: [
			{ funderId: org.cd47, amount: '10000' },
			{ funderId: org.caf, amount: '8000' }
		],
		indicators: [{ key: 'helpers_trained', target: '240', targetDate: day(200) }],
		dueDate: day(200),
		status: 'in_progress'
	});
	await action({
		title: 'Filière de reconditionnement\u00a0: remettre 500 ordinateurs',
		axis: AXES[4],
		description: 'Un équipement écoresponsable, solidaire et créateur d’emplois, remis aux personnes orientées par les prescripteurs du réseau.',
		pilotId: org.campus,
		partnerIds: [org.poste, org.mlagen],
		wholeDepartment: true,
		budget: '60000',
		fundings: [{ funderId: org.cd47, amount: '30000' }],
		indicators: [{ key: 'devices_handed', target: '500', targetDate: day(300) }],
		dueDate: day(300),
		status: 'planned'
	});
	await action({
		title: 'Habiliter trente lieux de formation au Pass Numérique',
		axis: AXES[2],
		pilotId: org.cd47,
		partnerIds: [org.caf],
		wholeDepartment: true,
		indicators: [{ key: 'pass_places', target: '30', targetDate: day(120) }],
		dueDate: day(120),
		status: 'in_progress'
	});
	await addActionNote(database, coordinator, fund, {
		notedOn: day(-40),
		body: 'Appel à contributions envoyé aux opérateurs. CAF et MSA ont confirmé leur part\u00a0; CPAM attend son conseil d’administration.'
	});
	await addActionNote(database, coordinator, fresh, { notedOn: day(-30), body: '140 fiches à jour sur 250\u00a0; relance des lieux sans réponse.' });
	await addActionNote(database, coordinator, thursdays, { notedOn: day(-10), body: 'Cinq sessions tenues, 96 aidants formés.' });

	const copil = await createMeeting(database, coordinator, '47', {
		kind: 'copil',
		heldOn: day(-75),
		startTime: '14:00',
		mode: 'hybrid',
		location: 'Hôtel du Département, Agen',
		presentIds: [org.cd47, org.caf, org.msa, org.cpam, org.carsat, org.poste, org.campus, org.lgn],
		agenda: '1. Bilan du fonds départemental\n2. Zones blanches\u00a0: premiers constats\n3. Calendrier des jeudis de l’inclusion numérique',
		minutes:
			'Le fonds a financé 2 400 pass cette année. Les communes de l’Albret et du Fumélois restent loin de tout lieu\u00a0: Lot-et-Garonne Numérique étudie une permanence itinérante. Les partenaires valident douze sessions de formation des aidants.'
	});
	await addDecision(database, coordinator, copil, {
		body: 'Lancer l’appel à contributions du fonds auprès des opérateurs',
		ownerId: org.cd47,
		dueDate: day(-45),
		actionIds: [fund],
		status: 'done'
	});
	await addDecision(database, coordinator, copil, {
		body: 'Proposer un itinéraire de permanence itinérante pour l’Albret et le Fumélois',
		ownerId: org.lgn,
		dueDate: day(20),
		actionIds: [roaming],
		status: 'open'
	});
	await addDecision(database, coordinator, copil, {
		body: 'Relancer les lieux dont la fiche n’a pas été mise à jour depuis 18 mois',
		ownerId: org.cd47,
		dueDate: day(-5),
		actionIds: [fresh],
		status: 'in_progress'
	});
	const cotech = await createMeeting(database, coordinator, '47', {
		kind: 'cotech',
		heldOn: day(-30),
		startTime: '10:00',
		mode: 'video',
		location: 'Visioconférence',
		presentIds: [org.cd47, org.caf, org.campus, org.ccas],
		agenda: 'Préparation des jeudis de l’inclusion numérique',
		minutes: 'Les thèmes des sessions sont arrêtés\u00a0: CAF, retraite, impôts, santé, emploi.'
	});
	await addDecision(database, coordinator, cotech, {
		body: 'Arrêter le calendrier des jeudis de l’inclusion numérique',
		ownerId: org.campus,
		dueDate: day(-20),
		actionIds: [thursdays],
		status: 'done'
	});
	await createMeeting(database, coordinator, '47', {
		kind: 'copil',
		heldOn: day(25),
		startTime: '14:00',
		mode: 'hybrid',
		location: 'Hôtel du Département, Agen',
		presentIds: [],
		agenda: '1. Suivi des décisions du dernier comité\n2. Contributions au fonds pour l’an prochain\n3. Permanence itinérante\u00a0: itinéraire proposé',
		minutes: ''
	});
	return true;
}
