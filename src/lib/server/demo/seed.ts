/**
 * First start: load the territory (every commune, the fragility index) and the demo
 * network of Lot-et-Garonne and its neighbours from the real data in ../shared/data.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { seedRuns } from '../territory/db.ts';
import { loadTerritory } from '../territory/load.ts';
import { demoDepartments, getInstanceSettings, importAreasFromGironde } from '../territory/service.ts';
import { importPlaces, type ImportReport } from '../places/import.ts';
import { sharedDataDir } from '../paths.ts';

/** Files of ../shared/data imported for the demo, in this order (most precise first). */
export const DEMO_FILES = [
	'lieux/gironde-33-departement.json',
	'reseaux/france-services-20221201.csv',
	'lieux/conseillers-numeriques-lieux-2022.json',
	'reseaux/conseillers-numeriques-structures-20230405.csv',
	'reseaux/aidants-connect-structures-2024-02.csv'
];

async function done(database: Database, step: string): Promise<boolean> {
	const rows = await database.db.select().from(seedRuns).where(eq(seedRuns.step, step));
	return rows.length > 0;
}

async function mark(database: Database, step: string, detail: string) {
	await database.db.insert(seedRuns).values({ step, detail }).onConflictDoUpdate({ target: seedRuns.step, set: { detail, doneAt: new Date() } });
}

export async function ensureTerritory(database: Database, log: (m: string) => void = () => {}, sharedDir = sharedDataDir()) {
	if (await done(database, 'territory')) return;
	const r = await loadTerritory(database, { sharedDir });
	log(`territory: ${r.municipalities} communes, ${r.departments} départements, ${r.fragility} fragility rows in ${r.ms} ms`);
	await mark(database, 'territory', JSON.stringify(r));
}

export async function ensureDemo(
	database: Database,
	log: (m: string) => void = () => {},
	sharedDir = sharedDataDir()
): Promise<ImportReport[]> {
	await ensureTerritory(database, log, sharedDir);
	await getInstanceSettings(database);
	if (await done(database, 'demo')) return [];
	const reports: ImportReport[] = [];
	const onlyDepartments = demoDepartments();
	for (const file of DEMO_FILES) {
		const content = await readFile(join(sharedDir, file));
		const r = await importPlaces(database, { fileName: file, content, onlyDepartments, actor: { kind: 'system' } });
		log(`demo: ${file}: created ${r.created}, merged ${r.merged}, rejected ${r.rejected}, outside the demo territory ${r.skipped} (${r.ms} ms)`);
		reports.push(r);
	}
	const areas = await importAreasFromGironde(database, sharedDir);
	log(`demo: areas from Gironde: ${JSON.stringify(areas).slice(0, 200)}`);
	await mark(database, 'demo', reports.map((r) => `${r.fileName}:${r.created}+${r.merged}`).join(' '));
	return reports;
}
