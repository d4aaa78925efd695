/**
 * Issue 14, attack on `maillage import places` with crafted files (standard JSON,
 * data·inclusion): a JSON value `{"toString": "x"}` stopped a whole import with « Cannot
 * convert object to primitive value »; a data·inclusion record with 180,000 values without
 * equivalent overflowed the stack (« Maximum call stack size exceeded ») after minutes, and a
 * standard cell of 100,000 values took 109 s (look-ups in lists); the fidelity table printed a
 * service's free text (its conditions of access, a person's name) when the service's name
 * held « ».
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../db.ts';
import { setDatabase, type Database } from '../../src/lib/server/db/client.ts';
import { importPlaces, type ImportReport } from '../../src/lib/server/places/index.ts';

const base = {
	pivot: '21470001500016',
	commune: 'Agen',
	code_postal: '47000',
	code_insee: '47001',
	adresse: 'Place Armand Fallières',
	latitude: 44.204,
	longitude: 0.619,
	services: 'Aide aux démarches administratives',
	date_maj: '2024-03-12'
};
let db: Database;

beforeAll(async () => {
	db = await createTestDatabase();
	setDatabase(db);
});
afterAll(async () => {
	setDatabase(undefined);
	await db?.close();
});

const importJson = (fileName: string, records: unknown, dryRun = false): Promise<ImportReport> =>
	importPlaces(db, { fileName, content: JSON.stringify(records), today: '2026-12-07', dryRun });

describe('issue 14, attack: crafted files refused row by row, never the whole import', () => {
	it('an object with its own toString, in any field, is a value like another (rejected or dropped), not an exception', async () => {
		const evil = { toString: 'x', valueOf: 'y' };
		const fields = [
			'nom',
			'adresse',
			'commune',
			'code_postal',
			'pivot',
			'date_maj',
			'services',
			'courriels',
			'horaires',
			'source',
			'autres_formations_labels',
			'latitude'
		];
		const records = fields.map((f, i) => ({ ...base, id: `objet-${i}`, nom: `Lieu objet ${i}`, adresse: `${i} rue de l’Objet`, [f]: evil }));
		records.push({
			...base,
			id: 'objet-liste',
			nom: 'Lieu objet liste',
			adresse: 'rue de la Liste',
			services: [evil, 'Aide aux démarches administratives']
		} as never);
		const report = await importJson('objets.json', records, true);
		expect(report.created + report.rejected + report.merged).toBe(records.length);
		expect(report.rejected).toBeGreaterThan(0);

		const di = await importJson(
			'objets-di.json',
			{
				structures: [
					{ id: 'di-objet', source: 'x', nom: 'Structure objet', commune: evil, code_postal: '47000', adresse: '3 rue', typologie: [evil], date_maj: evil }
				],
				services: [
					{
						id: 's',
						structure_id: 'di-objet',
						source: 'x',
						nom: 'Accompagnement',
						thematiques: ['numerique--maitriser-les-fondamentaux-du-numerique', evil],
						publics: evil
					}
				]
			},
			true
		);
		expect(di.format).toBe('data-inclusion-json');
		expect(di.total).toBe(1);
	});

	it('a data·inclusion record with 180,000 values without equivalent: imported with its warnings, in seconds', async () => {
		const many = (prefix: string) => Array.from({ length: 60_000 }, (_, i) => `${prefix}-${i}`);
		const t0 = performance.now();
		const report = await importJson(
			'beaucoup.json',
			{
				structures: [
					{
						id: 'di-beaucoup',
						source: 'x',
						nom: 'Structure aux mille réseaux',
						commune: 'Agen',
						code_postal: '47000',
						adresse: '4 rue',
						date_maj: '2026-11-01',
						reseaux_porteurs: many('reseau')
					}
				],
				services: [
					{
						id: 's',
						structure_id: 'di-beaucoup',
						source: 'x',
						nom: 'Accompagnement',
						thematiques: ['numerique--maitriser-les-fondamentaux-du-numerique'],
						publics: many('public'),
						modes_accueil: many('mode')
					}
				]
			},
			true
		);
		expect(report.created + report.merged).toBe(1);
		expect(report.warnings.length).toBeGreaterThan(180_000);
		// a stack overflow before (a spread of the warnings), and minutes with a look-up in their list
		expect(performance.now() - t0).toBeLessThan(30_000);
	}, 120_000);

	it('a standard file with a cell of 100,000 distinct values: in seconds (109 s before)', async () => {
		const t0 = performance.now();
		const report = await importJson(
			'long.json',
			[{ ...base, id: 'long', nom: 'Lieu aux mille labels', typologie: Array.from({ length: 100_000 }, (_, i) => `T${i}`).join('|') }],
			true
		);
		expect(report.created).toBe(1);
		expect(performance.now() - t0).toBeLessThan(30_000);
	}, 120_000);

	it('the fidelity table names a service’s dropped fields, never their free text, whatever the service’s name holds', async () => {
		const report = await importJson(
			'di-texte.json',
			{
				structures: [{ id: 'di-texte', source: 'x', nom: 'Structure texte', commune: 'Agen', code_postal: '47000', adresse: '5 rue', date_maj: '2026-11-01' }],
				services: [
					{
						id: 's',
						structure_id: 'di-texte',
						source: 'x',
						nom: 'Atelier » spécial » : bis', // typography: ignore
						thematiques: ['numerique--maitriser-les-fondamentaux-du-numerique'],
						conditions_acces: 'CANARI réservé à M. Paul Canari',
						contact_nom_prenom: 'CANARI Jean'
					}
				]
			},
			true
		);
		const table = JSON.stringify(report.fidelity);
		expect(table).toMatch(/service|conditions_acces/);
		expect(table).not.toContain('CANARI');
	});
});
