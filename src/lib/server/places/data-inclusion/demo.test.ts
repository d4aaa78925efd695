/**
 * The demo territory's places (the real data of ../shared/data, as the first start loads
 * them) exported to data·inclusion: every structure and every service valid against
 * data·inclusion's schemas; then that export imported into an empty database (territory
 * loaded) and compared, field by field, with the places it came from.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../../test/db.ts';
import { errorsOf } from '../../../../../test/data-inclusion.ts';
import type { Database } from '../../db/client.ts';
import { ensureDemo } from '../../demo/index.ts';
import { parisDay } from '../../../time.ts';
import { allPlaces, type PublicPlace } from '../place.ts';
import { importPlaces } from '../import.ts';
import type { ImportReport } from '../reports.ts';
import { placeIdFor } from '../compose.ts';
import { DATA_INCLUSION_SOURCE } from '../sources/data-inclusion.ts';
import { dataInclusionChunks } from './stream.ts';
import type { DiService, DiStructure } from './export.ts';

const TODAY = parisDay();
let demo: Database;
let copy: Database;
const places: PublicPlace[] = [];
let file: { structures: DiStructure[]; services: DiService[] };
let text = '';
let report: ImportReport;
const back = new Map<string, PublicPlace>();

beforeAll(async () => {
	demo = await createTestDatabase();
	await ensureDemo(demo);
	// the files offered for reuse hold the places under Licence Ouverte (places/licences.ts)
	for await (const batch of allPlaces(demo, { openOnly: true })) places.push(...batch);
	for await (const c of dataInclusionChunks(demo, 'both', { producer: 'maillage', origin: 'https://maillage.example.fr' })) text += c;
	file = JSON.parse(text);

	copy = await createTestDatabase();
	report = await importPlaces(copy, { fileName: 'data-inclusion.json', content: text, today: TODAY });
	for await (const batch of allPlaces(copy)) for (const p of batch) back.set(p.id, p);
}, 900_000);
afterAll(async () => {
	await demo?.close();
	await copy?.close();
});

describe('the demo territory exported to data·inclusion', () => {
	it('gives one structure per place and one service per service of digital help', () => {
		expect(places.length).toBeGreaterThan(800); // the places under Licence Ouverte, of 1,091
		expect(file.structures).toHaveLength(places.length);
		expect(file.services).toHaveLength(places.reduce((n, p) => n + p.services.length, 0));
		expect(new Set(file.services.map((s) => s.id)).size).toBe(file.services.length);
	});

	it('every structure and every service is valid against data·inclusion’s schemas and model rules', () => {
		const bad: string[] = [];
		for (const s of file.structures) for (const e of errorsOf('structure', s as never, TODAY)) bad.push(`${s.id}: ${e}`);
		for (const s of file.services) for (const e of errorsOf('service', s as never, TODAY)) bad.push(`${s.id}: ${e}`);
		expect(bad.slice(0, 20)).toEqual([]);
	});
});

/** the place that came back from each demo place (its data·inclusion id is its source id) */
const returned = (p: PublicPlace) => back.get(placeIdFor(DATA_INCLUSION_SOURCE, `maillage--${p.id}`));
const withServices = () => places.filter((p) => p.services.length);

describe('exported, then imported into an empty database', () => {
	it('every place with a service comes back; a place without any service is not a place of digital help for data·inclusion (skipped)', () => {
		expect(report.format).toBe('data-inclusion-json');
		expect(report.rejections.slice(0, 5)).toEqual([]);
		// every structure is counted; those with no service are skipped, with why
		expect(report.total).toBe(places.length);
		expect(report.skipped).toBe(places.length - withServices().length);
		expect(report.created + report.merged).toBe(withServices().length);
		const missing = withServices().filter((p) => !returned(p));
		// two demo places alike enough (name, address) are merged again by the import's dedup
		expect(missing.length).toBe(report.merged);
	});

	it('reports only what our own export cannot carry: the link to our page, no SIRET, « En autonomie », no precise position', () => {
		const kinds = new Set(report.warnings.map((w) => w.message.replace(/«[^»]*»/g, '«…»')));
		expect([...kinds].sort()).toEqual(
			[
				'lien_source «…»\u00a0: lien vers la fiche du producteur, sans équivalent dans le standard\u00a0: non repris',
				'pivot\u00a0: SIRET inconnu (00000000000000, convention nationale)',
				'modes_accueil\u00a0: valeur «…» sans la modalité (en autonomie, accompagnement individuel, atelier collectif)\u00a0: non reprise',
				'coordonnées absentes\u00a0: lieu placé au centre de la commune',
				'non importé\u00a0: aucun service'
			].sort()
		);
	});

	/** [field, how many came back different]: the ones the schema carries come back as they were */
	it('keeps identity, address, position, contact, hours, date, services, publics, fees and modalités d’accès', () => {
		const fields = [
			'commune',
			'codePostal',
			'codeInsee',
			'adresse',
			'complementAdresse',
			'latitude',
			'longitude',
			'locationPrecision',
			'telephone',
			'horaires',
			'dateMaj',
			'services',
			'publicsSpecifiquementAdresses',
			'priseEnChargeSpecifique',
			'fraisACharge',
			'ficheAccesLibre',
			'priseRdv'
		] as const;
		const sortIfList = (v: unknown) => (Array.isArray(v) ? [...v].sort() : v);
		const diffs: string[] = [];
		for (const p of withServices()) {
			const q = returned(p);
			if (!q) continue;
			for (const f of fields)
				if (JSON.stringify(sortIfList(q[f])) !== JSON.stringify(sortIfList(p[f])))
					diffs.push(`${p.id} ${f}: ${JSON.stringify(p[f])} → ${JSON.stringify(q[f])}`);
			if ([...q.modalitesAcces].sort().join('|') !== [...p.modalitesAcces].sort().join('|')) diffs.push(`${p.id} modalitesAcces`);
			// the first e-mail and website (data·inclusion has one of each)
			if ((q.courriels[0] ?? null) !== (p.courriels[0] ?? null)) diffs.push(`${p.id} courriels`);
			if ((q.siteWeb[0] ?? null) !== (p.siteWeb[0] ?? null)) diffs.push(`${p.id} siteWeb`);
			// a SIRET; an RNA number has no field in data·inclusion
			if (q.pivot !== (/^W/.test(p.pivot) ? '00000000000000' : p.pivot)) diffs.push(`${p.id} pivot ${p.pivot} → ${q.pivot}`);
			// the name, but for a final point (data·inclusion's rule)
			if (q.nom !== p.nom.replace(/\.+$/, '')) diffs.push(`${p.id} nom ${p.nom} → ${q.nom}`);
			// the presentation's text (summary and detail become one description)
			const before = [p.presentationResume, p.presentationDetail].filter(Boolean).join('\n\n');
			const after = [q.presentationResume, q.presentationDetail].filter(Boolean).join('\n\n');
			if (!after.includes((p.presentationDetail ?? p.presentationResume ?? '').replace(/…$/, '')))
				diffs.push(`${p.id} presentation ${before.slice(0, 40)} → ${after.slice(0, 40)}`);
		}
		expect(diffs.slice(0, 20)).toEqual([]);
	});

	it('cannot by design (no field in data·inclusion v1): itinérance, structure parente, « En autonomie » — and nothing is invented', () => {
		const had = { itinerance: 0, structureParente: 0, enAutonomie: 0 };
		const kept = { itinerance: 0, structureParente: 0, enAutonomie: 0 };
		for (const p of withServices()) {
			const q = returned(p);
			if (!q) continue;
			const count = (k: keyof typeof had, before: boolean, after: boolean) => {
				if (before) had[k]++;
				if (before && after) kept[k]++;
			};
			count('itinerance', p.itinerance.length > 0, q.itinerance.length > 0);
			count('structureParente', !!p.structureParente, !!q.structureParente);
			count('enAutonomie', p.modalitesAccompagnement.includes('En autonomie'), q.modalitesAccompagnement.includes('En autonomie'));
			// what comes back is never more than what went out
			for (const m of q.modalitesAccompagnement) expect(p.modalitesAccompagnement, p.id).toContain(m);
			for (const d of q.dispositifProgrammesNationaux) expect(p.dispositifProgrammesNationaux, p.id).toContain(d);
			// Pôle emploi (PE) is France Travail (FT) since 2024: it comes back under its name of today
			for (const t of q.typologie)
				expect(
					p.typologie.map((x) => (x === 'PE' ? 'FT' : x)),
					p.id
				).toContain(t);
		}
		expect(kept).toEqual({ itinerance: 0, structureParente: 0, enAutonomie: 0 });
		// the demo data has each of them
		expect(
			Object.values(had).every((n) => n > 0),
			JSON.stringify(had)
		).toBe(true);
	});
});
