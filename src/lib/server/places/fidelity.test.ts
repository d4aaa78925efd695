/**
 * Issue 14, item 1: no official value is dropped by an import. Every file of shared/data
 * and three exports of the national map (test/fixtures/national-map) go through the import
 * (dry run); the report's fidelity table must account for every value read, and drop no
 * value of the official vocabularies, v0 or v1.
 * (typography: ignore-file — the official values are compared as the national files write them)
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { count, inArray } from 'drizzle-orm';
import { createEmptyTestDatabase, createTestDatabase } from '../../../../test/db.ts';
import type { Database } from '../db/client.ts';
import { getImportReport, getPlace, importPlaces, TerritoryNotLoadedError } from './index.ts';
import { places } from './db.ts';
import { VOCABULARIES } from './vocabulary.ts';
import * as V0 from 'lieux-de-mediation-numerique-v0';
import type { ImportReport } from './reports.ts';
import { sharedDataDir } from '../paths.ts';

/**
 * The v0 vocabularies as the national library itself defines them (@gouvfr-anct/lieux-de-mediation-numerique
 * 1.22, the version the national map's component embeds): the test does not trust the
 * importer's own tables.
 */
const OFFICIAL_V0: Record<string, readonly string[]> = {
	services: Object.values(V0.Service),
	modalites_accompagnement: Object.values(V0.ModaliteAccompagnement),
	publics_accueillis: Object.values(V0.PublicAccueilli),
	conditions_acces: Object.values(V0.ConditionAcces),
	labels_nationaux: Object.values(V0.LabelNational)
};

/** Official values, v0 and v1, of each field (a file's column may carry either). */
const OFFICIAL = new Map<string, Set<string>>();
for (const [field, values] of [...Object.entries(OFFICIAL_V0), ...Object.entries(VOCABULARIES)]) {
	const set = OFFICIAL.get(field) ?? new Set<string>();
	for (const v of values) set.add(v);
	OFFICIAL.set(field, set);
}
OFFICIAL.set('conditions_access', OFFICIAL.get('conditions_acces')!);

const NATIONAL = join(import.meta.dirname, '../../../../test/fixtures/national-map');
const FILES = [
	...readdirSync(join(sharedDataDir(), 'lieux')).map((f) => join(sharedDataDir(), 'lieux', f)),
	...readdirSync(join(sharedDataDir(), 'reseaux')).map((f) => join(sharedDataDir(), 'reseaux', f)),
	...readdirSync(NATIONAL)
		.filter((f) => f.endsWith('.json'))
		.map((f) => join(NATIONAL, f)),
	join(import.meta.dirname, '../../../../test/fixtures/data-inclusion/sample.json')
];

let db: Database;
beforeAll(async () => {
	db = await createTestDatabase();
});
afterAll(async () => {
	await db?.close();
});

const TODAY = '2026-12-07';
const reports = new Map<string, ImportReport>();
async function reportOf(file: string): Promise<ImportReport> {
	let r = reports.get(file);
	if (!r) {
		r = await importPlaces(db, { fileName: basename(file), content: readFileSync(file), today: TODAY, dryRun: true });
		reports.set(file, r);
	}
	return r;
}
const rowOf = (r: ImportReport, field: string) => r.fidelity.find((x) => x.field === field);

describe('fidelity of imports (issue 14)', () => {
	it.each(FILES.map((f) => [basename(f), f]))('%s: every value accounted for, no official value dropped', { timeout: 120_000 }, async (_name, file) => {
		const r = await reportOf(file);
		expect(r.fidelity.length).toBeGreaterThan(5);
		for (const row of r.fidelity) expect(row.read, row.field).toBe(row.kept + row.mapped + row.dropped);
		const officialDropped = r.fidelity.flatMap((row) => {
			const official = OFFICIAL.get(row.field);
			return official ? row.drops.filter((d) => official.has(d.value.trim())).map((d) => `${row.field}: ${d.value} ×${d.count}`) : [];
		});
		expect(officialDropped).toEqual([]);
	});

	it('Hinaura (v0): the long official values are mapped, none dropped', { timeout: 120_000 }, async () => {
		const r = await reportOf(join(NATIONAL, 'hinaura-source.json'));
		expect(r.format).toBe('v0-json');
		expect(rowOf(r, 'modalites_accompagnement')).toMatchObject({ read: 1315, mapped: 1315, dropped: 0 });
		expect(rowOf(r, 'publics_accueillis')).toMatchObject({ dropped: 0 });
		expect(rowOf(r, 'conditions_acces')).toMatchObject({ dropped: 0 });
		const conversions = (field: string) => new Map(rowOf(r, field)!.conversions.map((c) => [c.from, c.to]));
		expect(conversions('modalites_accompagnement').get("Seul : j'ai accès à du matériel et une connexion")).toBe('modalites_accompagnement : En autonomie');
		expect(conversions('publics_accueillis').get("Personnes en situation d'illettrisme")).toBe('prise_en_charge_specifique : Illettrisme');
		expect(conversions('publics_accueillis').get("Handicaps mentaux : déficiences limitant les activités d'une personne")).toBe(
			'prise_en_charge_specifique : Handicaps mentaux'
		);
		expect(conversions('conditions_acces').get("Adhésion : L'accès au lieu et/ou à ses services nécessite d'y adhérer")).toBe('frais_a_charge : Payant');
		expect(conversions('conditions_acces').get("Accepte le Pass numérique : Il est possible d'utiliser un Pass numérique pour accéder au lieu")).toBe(
			'accepte le Pass numérique'
		);
	});

	it('a value outside the vocabulary of a v1 file is dropped and listed with its field', async () => {
		const record = {
			id: 'fid-1',
			pivot: '00000000000000',
			nom: 'Médiathèque',
			commune: 'Agen',
			code_postal: '47000',
			adresse: '1 place du Docteur Esquirol',
			services: 'Aide aux démarches administratives|Réparer des vélos',
			telephone: 'pas de téléphone',
			date_maj: '2024-03-12'
		};
		const r = await importPlaces(db, { fileName: 'lieux.json', content: JSON.stringify([record]), today: TODAY, dryRun: true });
		expect(rowOf(r, 'services')).toMatchObject({ read: 2, kept: 1, dropped: 1, drops: [{ value: 'Réparer des vélos', count: 1 }] });
		// a free field's value may be personal: the reason is listed, not the value
		expect(rowOf(r, 'telephone')).toMatchObject({ read: 1, kept: 0, dropped: 1, drops: [{ value: 'numéro', reason: 'numéro invalide' }] });
	});
});

describe('values the import replaces are counted as mapped, with what they became', () => {
	it('an unknown date_maj takes the file’s date; hours are corrected or dropped, and the table says which', async () => {
		const base = { pivot: '00000000000000', commune: 'Agen', code_postal: '47000', services: 'Aide aux démarches administratives' };
		const records = [
			{ ...base, id: 'date-1', nom: 'Lieu daté', adresse: '1 rue Lamouroux', date_maj: '2023-02-01', horaires: 'Mo-Fr 09:00-12:00' },
			{ ...base, id: 'date-2', nom: 'Lieu sans date', adresse: '2 rue Lamouroux', date_maj: '1970-01-01', horaires: 'Tu-Fr 09:00-12:00; Mo 14-17' },
			{
				...base,
				id: 'date-3',
				nom: 'Lieu aux horaires illisibles',
				adresse: '3 rue Lamouroux',
				date_maj: '2023-03-01',
				horaires: 'Mo-Fr 09:00-19:00; Sa 17:00'
			}
		];
		const r = await importPlaces(db, { fileName: '20230517-lieux.json', content: JSON.stringify(records), today: TODAY, dryRun: true });
		expect(rowOf(r, 'date_maj')).toMatchObject({
			read: 3,
			kept: 2,
			mapped: 1,
			dropped: 0,
			conversions: [{ from: '1970-01-01', to: 'date du fichier (2023-05-17)', count: 1 }]
		});
		expect(rowOf(r, 'horaires')).toMatchObject({
			read: 3,
			kept: 1,
			mapped: 1,
			dropped: 1,
			conversions: [{ from: 'Tu-Fr 09:00-12:00; Mo 14-17', to: 'Tu-Fr 09:00-12:00; Mo 14:00-17:00', count: 1 }],
			// the value itself (opening hours are nothing personal), to be corrected at its source
			drops: [{ value: 'Mo-Fr 09:00-19:00; Sa 17:00', reason: 'format OpenStreetMap illisible', count: 1 }]
		});
	});
});

describe('« Accepte le Pass numérique » becomes the place’s Pass flag (issue 14)', () => {
	it('imported from a v0 file, the place accepts the Pass; without it, it does not', async () => {
		const base = { pivot: '00000000000000', commune: 'Agen', code_postal: '47000', services: 'Accéder à du matériel', date_maj: '2023-01-10' };
		const records = [
			{
				...base,
				id: 'pass-oui',
				nom: 'Espace avec Pass',
				adresse: '2 rue Lamouroux',
				conditions_acces:
					"Gratuit : Je peux accéder gratuitement au lieu et à ses services;Accepte le Pass numérique : Il est possible d'utiliser un Pass numérique pour accéder au lieu"
			},
			{
				...base,
				id: 'pass-non',
				nom: 'Espace sans Pass',
				adresse: '9 boulevard de la République',
				conditions_acces: 'Gratuit : Je peux accéder gratuitement au lieu et à ses services'
			}
		];
		const r = await importPlaces(db, { fileName: 'v0-pass.json', content: JSON.stringify(records), today: TODAY });
		expect(r.created).toBe(2);
		const stored = await getImportReport(db, r.id!);
		expect(stored?.fidelity).toEqual(r.fidelity);
		const ids = await db.db
			.select({ id: places.id, nom: places.nom })
			.from(places)
			.where(inArray(places.nom, ['Espace avec Pass', 'Espace sans Pass']));
		const byName = new Map(ids.map((x) => [x.nom, x.id]));
		const withPass = await getPlace(db, byName.get('Espace avec Pass')!);
		const without = await getPlace(db, byName.get('Espace sans Pass')!);
		expect(withPass).toMatchObject({ acceptsPass: true, fraisACharge: ['Gratuit'] });
		expect(without).toMatchObject({ acceptsPass: false, fraisACharge: ['Gratuit'] });
	});
});

describe('date_maj never made fresher than the source (issue 14, item 2)', () => {
	const paca = join(NATIONAL, '20230517-hub-du-sud-lieux-de-mediation-numeriques-provence-alpes-cote-d-azur.json');
	const dates = async (fileName: string) => {
		const r = await importPlaces(db, { fileName, content: readFileSync(paca), today: TODAY, dryRun: true });
		return r.warnings.filter((w) => w.message.startsWith('date_maj'));
	};

	it('a dated file: the 99 unknown dates (1970-01-01) take the file’s date, none takes today’s', async () => {
		const w = await dates(basename(paca));
		expect(w).toHaveLength(99);
		for (const x of w) expect(x.message).toMatch(/1970-01-01 n’est pas une vraie date de mise à jour\u00a0; date du fichier retenue \(2023-05-17\)/);
	});

	it('an undated file: the unknown dates are kept as they are and said, never today', async () => {
		const w = await dates('hub-du-sud.json');
		expect(w).toHaveLength(99);
		for (const x of w) {
			expect(x.message).toMatch(/conservée telle quelle/);
			expect(x.message).not.toContain(TODAY);
		}
	});
});

describe('an import before the territory is loaded (issue 14, item 3)', () => {
	it('is refused with what to run, and writes nothing', async () => {
		const empty = await createEmptyTestDatabase();
		try {
			const e = await importPlaces(empty, { fileName: 'lieux.json', content: readFileSync(join(NATIONAL, 'hinaura-source.json')), today: TODAY }).catch(
				(x: unknown) => x
			);
			expect(e).toBeInstanceOf(TerritoryNotLoadedError);
			expect((e as Error).message).toMatch(/maillage seed territory/);
			const [{ n }] = await empty.db.select({ n: count() }).from(places);
			expect(n).toBe(0);
		} finally {
			await empty.close();
		}
	});
});

describe('a data·inclusion file (issue 14, item 7): the same report', () => {
	it('names what it leaves out in the fidelity table, and counts the structures with no digital help as skipped', async () => {
		const r = await reportOf(join(import.meta.dirname, '../../../../test/fixtures/data-inclusion/sample.json'));
		expect(r.format).toBe('data-inclusion-json');
		expect(r.skipped).toBeGreaterThan(0);
		expect(r.warnings.filter((w) => w.message.startsWith('non importé')).length).toBe(r.skipped);
		expect(r.fidelity.some((row) => row.dropped > 0)).toBe(true);
		expect(r.total).toBe(r.created + r.merged + r.updated + r.unchanged + r.rejected + r.skipped);
	});
});
