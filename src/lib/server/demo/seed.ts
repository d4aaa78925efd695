/**
 * First start: load the territory (every commune, the fragility index) and the demo
 * network of Lot-et-Garonne and its neighbours from the real data in ../shared/data.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from '../db/client.ts';
import {
	loadTerritory,
	loadShapes,
	SHAPES_SEED_STEP,
	demoDepartments,
	getInstanceSettings,
	importAreasFromGironde,
	markSeedStep,
	seedStepDone,
	updateInstanceSettings
} from '../territory/index.ts';
import { importPlaces, type ImportReport, isValidSiret, placesOfCommune } from '../places/index.ts';
import { sharedDataDir } from '../paths.ts';
import { organisationWithSiret } from '../accounts/index.ts';
import { qualifyAsSystem, siretQualified } from '../pass/index.ts';
import { seedDemoActivity } from './activity.ts';
import { mailLinks, seedDemoSurvey, seedDemoTrainings } from '../trainings/index.ts';
import { seedDemoEquipment } from '../equipment/index.ts';

/** Files of ../shared/data imported for the demo, in this order (most precise first). */
export const DEMO_FILES = [
	'lieux/gironde-33-departement.json',
	'reseaux/france-services-20221201.csv',
	'lieux/conseillers-numeriques-lieux-2022.json',
	'reseaux/conseillers-numeriques-structures-20230405.csv',
	'reseaux/aidants-connect-structures-2024-02.csv'
];

const done = (database: Database, step: string) => seedStepDone(database.db, step);
const mark = (database: Database, step: string, detail: string) => markSeedStep(database.db, step, detail);

export async function ensureTerritory(database: Database, log: (m: string) => void = () => {}, sharedDir = sharedDataDir()) {
	if (await done(database, 'territory')) {
		// a database loaded before the maps (issue 16): its boundaries, once
		if (!(await done(database, SHAPES_SEED_STEP))) {
			const s = await loadShapes(database, { sharedDir });
			log(`shapes: ${s.departments} départements (communes: ${s.withCommunes.join(', ') || 'none'}) in ${s.ms} ms`);
		}
		return;
	}
	const r = await loadTerritory(database, { sharedDir });
	log(`territory: ${r.municipalities} communes, ${r.departments} départements, ${r.fragility} fragility rows in ${r.ms} ms`);
	await mark(database, 'territory', JSON.stringify(r));
}

/**
 * The legal settings of the demo, plainly marked as such: the legal pages read as they will
 * on a real instance instead of five « Non renseigné ». The publisher's address is the
 * Département's in the open data (Aidants Connect structures, SIRET 224 700 013 00424);
 * the e-mail addresses are in .invalid, which never receives mail.
 */
export const DEMO_LEGAL = {
	publisher: 'Département de Lot-et-Garonne (démonstration)\n1633 avenue du Général Leclerc, Cité Saint-Jacques\n47000 Agen',
	publicationDirector: 'La présidence du Conseil départemental de Lot-et-Garonne (démonstration)',
	host: 'Instance de démonstration, hébergée par l’équipe du projet maillage\nAucune donnée réelle de personne ne doit y être saisie',
	dpoContact: 'dpo@demo.invalid',
	accessibilityContact: 'accessibilite@demo.invalid'
} as const;

/** Fills the legal settings still empty with DEMO_LEGAL (never one an administrator has set). */
async function fillDemoLegal(database: Database): Promise<string[]> {
	const current = await getInstanceSettings(database);
	const patch = Object.fromEntries(Object.entries(DEMO_LEGAL).filter(([k]) => current[k as keyof typeof DEMO_LEGAL] == null));
	if (!Object.keys(patch).length) return [];
	const r = await updateInstanceSettings(database, patch);
	if (!r.ok) throw new Error(`demo legal settings: ${r.errors.map((e) => e.message).join(' ')}`);
	return Object.keys(patch);
}

/**
 * Communes of Lot-et-Garonne where the demo qualifies a real place for the Pass Numérique, so
 * that the badge and the filter « Accepte le Pass Numérique » show something (no open data
 * says which places accept it). In each, the first place by name whose pivot is a valid SIRET;
 * in Agen the France services of the demo accounts (its mediator redeems the pass).
 */
export const DEMO_PASS_COMMUNES = [
	{ codeInsee: '47001', prefer: 'France services Agen Léon Blum' },
	{ codeInsee: '47157', prefer: null },
	{ codeInsee: '47323', prefer: null }
] as const;

/** Qualifies a few real places of the demo for the Pass (a structure per SIRET, journaled as the system). */
async function qualifyDemoPassPlaces(database: Database): Promise<string[]> {
	const done: string[] = [];
	for (const c of DEMO_PASS_COMMUNES) {
		const candidates = await placesOfCommune(database.db, c.codeInsee, '47', c.prefer);
		const p = candidates.find((x) => isValidSiret(x.pivot) && !/^0+$/.test(x.pivot));
		if (!p) continue;
		await database.db.transaction(async (tx) => {
			if (await siretQualified(tx, p.pivot)) return;
			// the France services and the Département keep the names the demo accounts look for (createDemoAccounts), with their kind
			const kind = /^france services/i.test(p.nom) ? 'france_services' : /^(conseil )?d[ée]partement\b/i.test(p.nom) ? 'departement' : 'association';
			const org = await organisationWithSiret(tx, { name: p.nom, kind, departmentCode: '47', siret: p.pivot }, { demo: true });
			await qualifyAsSystem(tx, { departmentCode: '47', siret: p.pivot, organisationId: org.id }, { demo: true });
			done.push(p.nom);
		});
	}
	return done;
}

export async function ensureDemo(database: Database, log: (m: string) => void = () => {}, sharedDir = sharedDataDir()): Promise<ImportReport[]> {
	await ensureTerritory(database, log, sharedDir);
	await getInstanceSettings(database);
	if (await done(database, 'demo')) {
		await ensureDemoActivity(database, log);
		await ensureDemoTrainings(database, log);
		return [];
	}
	const reports: ImportReport[] = [];
	const onlyDepartments = demoDepartments();
	for (const file of DEMO_FILES) {
		const content = await readFile(join(sharedDir, file));
		const r = await importPlaces(database, { fileName: file, content, onlyDepartments, actor: { kind: 'system' } });
		log(`demo: ${file}: created ${r.created}, merged ${r.merged}, rejected ${r.rejected}, outside the demo territory ${r.skipped} (${r.ms} ms)`);
		reports.push(r);
	}
	// only here, with the demo network (a real instance starts with MAILLAGE_DEMO=0 and never comes here)
	const legal = await fillDemoLegal(database);
	log(`demo: legal settings filled: ${legal.join(', ') || 'none'}`);
	const pass = await qualifyDemoPassPlaces(database);
	log(`demo: places qualified for the Pass Numérique: ${pass.join(', ') || 'none'}`);
	const areas = await importAreasFromGironde(database, sharedDir);
	log(`demo: areas from Gironde: ${JSON.stringify(areas).slice(0, 200)}`);
	await mark(database, 'demo', reports.map((r) => `${r.fileName}:${r.created}+${r.merged}`).join(' '));
	await ensureDemoActivity(database, log);
	await ensureDemoTrainings(database, log);
	await ensureDemoEquipment(database, log);
	await ensureDemoSurvey(database, log);
	return reports;
}

/** The catalogue of trainings for helpers (issue 17), once; demo instances made before it get it at their next start. */
async function ensureDemoTrainings(database: Database, log: (m: string) => void) {
	if (await done(database, 'demo-trainings')) return;
	const r = await seedDemoTrainings(database);
	log(`demo: trainings for helpers: ${JSON.stringify(r)}`);
	await mark(database, 'demo-trainings', JSON.stringify(r));
}

/** The refurbished equipment channel (issue 18), once; demo instances made before it get it at their next start. */
async function ensureDemoEquipment(database: Database, log: (m: string) => void) {
	if (await done(database, 'demo-equipment')) return;
	const r = await seedDemoEquipment(database);
	log(`demo: refurbished equipment: ${JSON.stringify(r)}`);
	await mark(database, 'demo-equipment', JSON.stringify(r));
}

/** Two past sessions of the demo's training with their satisfaction survey (issue 17), once. */
async function ensureDemoSurvey(database: Database, log: (m: string) => void) {
	if (await done(database, 'demo-survey')) return;
	const r = await seedDemoSurvey(database, await mailLinks(database));
	log(`demo: training survey: ${JSON.stringify(r)}`);
	await mark(database, 'demo-survey', JSON.stringify(r));
}

/** Twelve months of activity for the steering pages (activity.ts), once; demo instances made before it get it at their next start. */
async function ensureDemoActivity(database: Database, log: (m: string) => void) {
	if (await done(database, 'demo-activity')) return;
	const t = performance.now();
	const r = await seedDemoActivity(database);
	log(`demo: activity of the last 12 months: ${JSON.stringify(r)} in ${Math.round(performance.now() - t)} ms`);
	await mark(database, 'demo-activity', JSON.stringify(r));
}
