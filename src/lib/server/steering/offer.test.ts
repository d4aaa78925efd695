/**
 * The offer and fragility sections on a small fixed world with known answers (PGlite, and
 * PostgreSQL when DATABASE_URL is set): five communes on one meridian (distances are whole
 * kilometres along it), five places, two EPCI, two bassins de vie, a neighbouring
 * département's place that serves a commune of ours.
 *
 *   km from Alpha   0 ─ Alpha (20 000 h., IFN 4)   P1 (démarches, 10 half-days, Pass, updated 3 months ago)
 *                   1 ─                            P2 (5 h. Tuesday: 1 half-day, updated 15 months ago)
 *                   8 ─ Bravo (5 000 h., IFN 7.5)
 *                  12 ─ Charlie (3 000 h., IFN 8)  P3 (démarches, no hours, date unknown)
 *                  40 ─ Delta (1 500 h., IFN 9)
 *                  60 ─ Echo (500 h., no IFN, no EPCI)
 *                  63 ─                            P4 (Gironde: démarches, 12 half-days)
 *   no position, no commune:                       P5 (47, accès internet)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createEmptyTestDatabase } from '../../../../test/db.ts';
import type { Database } from '../db/client.ts';
import type { Actor } from '../accounts/index.ts';
import { places } from '../places/db.ts';
import { earthPoint, EARTH_RADIUS } from '../db/types.ts';
import { weeklyOpenIntervals } from '../places/index.ts';
import {
	fragilitySection,
	offerSection,
	openDataTable,
	OPEN_TABLES,
	steeringExport,
	steeringOverview,
	steeringReport,
	steeringWorkbook,
	type SteeringBlock
} from './index.ts';
import { ageKeptPlaces, forgetKeptPlaces, placeReads } from './offer.ts';
import ExcelJS from 'exceljs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The PDF's text (poppler), or null where pdftotext is absent. */
function pdfText(pdf: Buffer): string | null {
	const dir = mkdtempSync(join(tmpdir(), 'steering-report-'));
	try {
		writeFileSync(join(dir, 'r.pdf'), pdf);
		return execFileSync('pdftotext', ['-layout', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
	} catch {
		return null;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

const today = '2026-12-07';
const LAT0 = 44;
const LON = 0.5;
/** the latitude `km` kilometres north of Alpha (along the meridian: exact great-circle kilometres) */
const north = (km: number) => LAT0 + (km * 1000 * 180) / (Math.PI * EARTH_RADIUS);

const coordinator: Actor = { userId: 'c', isAdmin: false, mfa: true, memberships: [{ organisationId: 'cd47', role: 'coordinator', departmentCode: '47' }] };
const partner: Actor = { userId: 'p', isAdmin: false, mfa: false, memberships: [{ organisationId: 'caf47', role: 'partner', departmentCode: '47' }] };
const prescriber: Actor = { userId: 'x', isAdmin: false, mfa: true, memberships: [{ organisationId: 'ccas', role: 'prescriber', departmentCode: '47' }] };

let db: Database;

async function place(
	id: string,
	o: { km: number | null; dep: string; insee: string | null; services: string[]; horaires?: string; dateMaj: string; pass?: boolean }
) {
	const week = o.horaires ? weeklyOpenIntervals(o.horaires) : null;
	const lat = o.km == null ? null : north(o.km);
	await db.db.insert(places).values({
		id,
		pivot: '00000000000000',
		nom: `Lieu ${id}`,
		nameKey: `lieu ${id.toLowerCase()}`,
		commune: 'X',
		codePostal: '47000',
		adresse: '1 rue X',
		codeInsee: o.insee,
		departmentCode: o.dep,
		latitude: lat,
		longitude: lat == null ? null : LON,
		pos: lat == null ? null : earthPoint(lat, LON, id),
		services: o.services,
		horaires: o.horaires ?? null,
		openWeek: week ? `{${week.map(([a, b]) => `[${a},${b})`).join(',')}}` : null,
		dateMaj: o.dateMaj,
		passNumerique: o.pass ?? false,
		createdAt: new Date('2026-11-18T10:00:00Z')
	});
}

const ADMIN = 'Aide aux démarches administratives';
const TOOLS = 'Maîtrise des outils numériques du quotidien';

beforeAll(async () => {
	db = await createEmptyTestDatabase();
	await db.query(sql`insert into departments (code, name) values ('47', 'Lot-et-Garonne'), ('33', 'Gironde')`);
	const communes: [string, string, number, number, string | null, string | null, number | null][] = [
		['47001', 'Alpha', 0, 20000, '200000001', 'CA Alpha', 4],
		['47002', 'Bravo', 8, 5000, '200000001', 'CA Alpha', 7.5],
		['47003', 'Charlie', 12, 3000, '200000002', 'CC Charlie', 8],
		['47004', 'Delta', 40, 1500, '200000002', 'CC Charlie', 9],
		['47005', 'Echo', 60, 500, null, null, null]
	];
	for (const [code, name, km, pop, epci, epciName, ifn] of communes) {
		await db.query(sql`insert into municipalities (insee_code, name, name_key, latitude, longitude, population, epci_code, epci_name, department_code)
			values (${code}, ${name}, ${name.toLowerCase()}, ${north(km)}, ${LON}, ${pop}, ${epci}, ${epciName}, '47')`);
		if (ifn != null)
			await db.query(sql`insert into fragility_index (insee_code, no_thd_coverage, no_4g_coverage, poverty, older_65, low_diploma, total)
				values (${code}, ${ifn}, ${ifn + 1}, ${ifn - 1}, ${ifn}, ${ifn}, ${ifn})`);
	}
	await db.query(
		sql`insert into municipalities (insee_code, name, name_key, latitude, longitude, population, department_code) values ('33999', 'Foxtrot', 'foxtrot', ${north(63)}, ${LON}, 800, '33')`
	);
	await db.query(
		sql`insert into areas (id, department_code, kind, name) values (1, '47', 'bassin_de_vie', 'Bassin Nord'), (2, '47', 'bassin_de_vie', 'Bassin Sud')`
	);
	await db.query(sql`insert into area_municipalities (area_id, insee_code) values (1, '47001'), (1, '47002'), (2, '47003'), (2, '47004')`);

	await place('P1', {
		km: 0,
		dep: '47',
		insee: '47001',
		services: [ADMIN, TOOLS],
		horaires: 'Mo-Fr 09:00-12:00,14:00-17:00',
		dateMaj: '2026-09-01',
		pass: true
	});
	await place('P2', { km: 1, dep: '47', insee: '47001', services: [TOOLS], horaires: 'Tu 09:00-12:00', dateMaj: '2025-09-01' });
	await place('P3', { km: 12, dep: '47', insee: '47003', services: [ADMIN], dateMaj: '1970-01-01' });
	await place('P4', { km: 63, dep: '33', insee: '33999', services: [ADMIN], horaires: 'Mo-Sa 09:00-18:00', dateMaj: '2026-10-01' });
	await place('P5', { km: null, dep: '47', insee: null, services: ['Accès internet et matériel informatique'], dateMaj: '2026-10-01' });
	// closed for good: never counted
	await place('P6', { km: 40, dep: '47', insee: '47004', services: [ADMIN], horaires: 'Mo-Fr 09:00-17:00', dateMaj: '2026-10-01' });
	await db.query(sql`update places set closure = 'permanent' where id = 'P6'`);
});
afterAll(() => db?.close());

const q = (s: string) => new URLSearchParams(s);
const block = (blocks: SteeringBlock[], id: string) => blocks.find((b) => b.table.id === id)!;
/** rows by their first cell */
const rowsOf = (b: SteeringBlock) => Object.fromEntries(b.table.rows.map((r) => [r[0] as string, r.slice(1)]));

describe('the offer, per 10,000 inhabitants and by service', () => {
	it('counts the département’s places by service and per 10,000 inhabitants (30,000 inhabitants, 4 places)', async () => {
		const { offer } = await offerSection(db, coordinator, q('departement=47&periode=2026&niveau=epci'), today);
		const services = block(offer.blocks, 'offre-services');
		expect(services.table.total).toEqual(['Tous les lieux (un lieu compte une fois)', 4, 1.3]);
		expect(rowsOf(services)[ADMIN]).toEqual([2, 0.7]);
		expect(rowsOf(services)[TOOLS]).toEqual([2, 0.7]);
		expect(rowsOf(services)['Accès internet et matériel informatique']).toEqual([1, 0.3]);
		expect(services.summary).toContain('4 lieux de médiation numérique aujourd’hui, soit 1,3 pour 10');
	});

	it('by EPCI: population, places, rates, Pass, freshness; the place without a commune only in the total; fewest places per inhabitant first', async () => {
		const { offer } = await offerSection(db, coordinator, q('periode=2026&niveau=epci'), today);
		const b = block(offer.blocks, 'offre-territoires');
		expect(b.table.rows.map((r) => r[0])).toEqual(['Sans intercommunalité', 'CA Alpha', 'CC Charlie']);
		// population, places, per 10k, démarches per 10k, Pass, updated < 12 months, < 18 months
		expect(rowsOf(b)['CA Alpha']).toEqual([25000, 2, 0.8, 0.4, 1, 0.5, 1]);
		expect(rowsOf(b)['CC Charlie']).toEqual([4500, 1, 2.2, 2.2, 0, 0, 0]);
		expect(rowsOf(b)['Sans intercommunalité']).toEqual([500, 0, 0, 0, 0, null, null]);
		expect(b.table.total).toEqual(['Lot-et-Garonne', 30000, 4, 1.3, 0.7, 1, 0.5, 0.75]);
		expect(b.table.notes!.join(' ')).toContain('1 lieu du département n’a pas de commune connue');
		expect(b.summary).toBe(
			'50\u00a0% des lieux ont été mis à jour depuis moins de 12 mois, 75\u00a0% depuis moins de 18 mois\u00a0; 1 lieu accepte le Pass Numérique. Chaque intercommunalité a au moins un lieu.'
		);
		expect(b.map!.figures.find((f) => f.code === '200000002')).toEqual({
			code: '200000002',
			name: 'CC Charlie',
			communes: ['47003', '47004'],
			value: 2.2,
			masked: false
		});
	});
});

describe('the population near a place (straight line)', () => {
	it('within 5, 10, 15 km of « Aide aux démarches administratives » and of a place open at least 5 half-days; the white zones’ population', async () => {
		const { offer } = await offerSection(db, coordinator, q('periode=2026&niveau=commune'), today);
		const b = block(offer.blocks, 'offre-acces');
		// Alpha 0 km (P1), Bravo 4 km (P3), Charlie 0 km, Echo 3 km (P4 in Gironde); Delta 23 km (P4): 28,500 of 30,000
		// open ≥ 5 half-days (P1, P4): Alpha 0, Echo 3 → 20,500 within 5 km; Bravo 8 → 25,500 within 10; Charlie 12 → 28,500 within 15
		expect(b.table.total).toEqual(['Lot-et-Garonne', 30000, 0.95, 0.95, 0.95, 0.683, 0.85, 0.95, 1500]);
		expect(rowsOf(b)['Delta']).toEqual([1500, 0, 0, 0, 0, 0, 0, 1500]);
		expect(rowsOf(b)['Bravo']).toEqual([5000, 1, 1, 1, 0, 1, 1, 0]);
		expect(b.table.notes!.join(' ')).toMatch(/vol d’oiseau/);
		expect(b.table.notes!.join(' ')).toContain('2 lieux du département n’ont pas d’horaires connus');
		expect(b.summary).toContain('95\u00a0% des habitants vivent à moins de 5 km');
		expect(block(offer.blocks, 'offre-territoires').summary).toContain('3 communes (7\u202f000 habitants) n’ont aucun lieu.');
	});

	it('the minimum of half-days is a choice: at 11, only the Gironde place (12) qualifies', async () => {
		const { offer, halfDays } = await offerSection(db, coordinator, q('niveau=departement&demi_journees=11'), today);
		expect(halfDays).toBe(11);
		const b = block(offer.blocks, 'offre-acces');
		expect(b.table.rows).toEqual([['Lot-et-Garonne', 30000, 0.95, 0.95, 0.95, 0.017, 0.017, 0.017, 1500]]);
		expect(b.table.columns[5].label).toContain('11 demi-journées');
		expect((await offerSection(db, coordinator, q('demi_journees=99'), today)).halfDays).toBe(5);
	});

	it('lists the white zones with their population, nearest place and fragility index', async () => {
		const { offer } = await offerSection(db, partner, q('periode=2026'), today);
		const b = block(offer.blocks, 'offre-zones-blanches');
		expect(b.table.rows).toEqual([['Delta', '47004', 'CC Charlie', 1500, 23, 9]]);
		expect(b.summary).toBe('1 commune, 1\u202f500 habitants, n’a aucun lieu à moins de 15 km.');
		expect(offer.key).toMatchObject({ places: 4, population: 30000, whiteZoneCommunes: 1, whiteZonePopulation: 1500, fresh12: 0.5, passPlaces: 1 });
	});

	it('measures the stock at the end of a past period: only the places known by then', async () => {
		// by 31 December 2025, maillage knew only P2 (updated 1 September 2025; the others were first seen in 2026)
		const { offer } = await offerSection(db, coordinator, q('periode=2025&niveau=departement'), today);
		expect(block(offer.blocks, 'offre-services').table.total).toEqual(['Tous les lieux (un lieu compte une fois)', 1, 0.3]);
		const white = block(offer.blocks, 'offre-zones-blanches');
		// P2 is 39 km from Delta and 59 km from Echo (beyond the 30 km searched)
		expect(white.table.rows).toEqual([
			['Delta', '47004', 'CC Charlie', 1500, 'plus de 30 km', 9],
			['Echo', '47005', '', 500, 'plus de 30 km', null]
		]);
		expect(white.table.title).toContain('au 31 décembre 2025');
	});
});

describe('the fragility', () => {
	it('weights the index and its five indicators by population, by EPCI, bassin de vie and département', async () => {
		const epci = (await fragilitySection(db, coordinator, q('niveau=epci'), today)).fragility;
		const b = block(epci.blocks, 'fragilite-territoires');
		// (4 × 20,000 + 7.5 × 5,000) / 25,000 = 4.7; (8 × 3,000 + 9 × 1,500) / 4,500 = 8.33; Echo has no index
		expect(rowsOf(b)['CA Alpha']).toEqual([25000, 4.7, 4.7, 5.7, 3.7, 4.7, 4.7, 5000, 0.2]);
		expect(rowsOf(b)['CC Charlie']).toEqual([4500, 8.33, 8.33, 9.33, 7.33, 8.33, 8.33, 4500, 1]);
		expect(rowsOf(b)['Sans intercommunalité']).toEqual([500, null, null, null, null, null, null, 0, 0]);
		expect(b.table.rows[0][0]).toBe('CC Charlie');
		// 155,000 / 29,500 = 5.25
		expect(b.table.total).toEqual(['Lot-et-Garonne', 30000, 5.25, 5.25, 6.25, 4.25, 5.25, 5.25, 9500, 0.317]);
		expect(b.table.notes!.join(' ')).toContain('1 commune n’a pas d’indice');
		const areas = (await fragilitySection(db, coordinator, q('niveau=bassin_de_vie'), today)).fragility;
		expect(block(areas.blocks, 'fragilite-territoires').table.rows.map((r) => [r[0], r[2]])).toEqual([
			['Bassin Sud', 8.33],
			['Bassin Nord', 4.7],
			['Hors des territoires définis', null]
		]);
	});

	it('counts the fragile population far from any place', async () => {
		const { fragility } = await fragilitySection(db, coordinator, q('niveau=epci'), today);
		const b = block(fragility.blocks, 'fragilite-eloignement');
		expect(rowsOf(b)['CC Charlie']).toEqual([4500, 1500, 1500, 0.333]);
		expect(rowsOf(b)['CA Alpha']).toEqual([5000, 0, 0, 0]);
		expect(b.table.total).toEqual(['Lot-et-Garonne', 9500, 1500, 1500, 0.158]);
		expect(b.summary).toBe('Sur 9\u202f500 habitants de communes fragiles, 1\u202f500 vivent à plus de 10 km de tout lieu et 1\u202f500 à plus de 15 km.');
		expect(fragility.key).toEqual({ index: 5.25, fragilePopulation: 9500, fragileShare: 0.317, fragileBeyond15km: 1500, withoutIndex: 1 });
	});
});

describe('the home page, the exports and who may read', () => {
	it('gives the key figures of both sections', async () => {
		const o = await steeringOverview(db, partner, q(''), today);
		expect(o.offer.map((f) => f.value)).toEqual(['4', '1,3', '95\u00a0%', '1 (1\u202f500 habitants)', '50\u00a0%', '1']);
		expect(o.fragility.map((f) => f.value)).toEqual(['5,3', '9\u202f500 (31,7\u00a0%)', '1\u202f500']);
		expect(o.summary).toBe(
			'Lot-et-Garonne compte 4 lieux de médiation numérique aujourd’hui, 1,3 pour 10\u00a0000 habitants\u00a0; 95\u00a0% des habitants vivent à moins de 10 km d’un lieu d’aide aux démarches administratives et 1 commune (1\u202f500 habitants) n’a aucun lieu à moins de 15 km. L’indice de fragilité numérique moyen est de 5,3 sur 10\u00a0; 9\u202f500 habitants vivent dans une commune fragile, dont 1\u202f500 à plus de 15 km de tout lieu.'
		);
	});

	it('writes any table as a CSV for spreadsheets; an unknown table is not found', async () => {
		const csv = await steeringExport(db, partner, 'offre-zones-blanches', q('periode=2026&niveau=epci'), today);
		expect(csv.fileName).toBe('offre-zones-blanches-47-2026.csv');
		const lines = csv.body.replace('\ufeff', '').split('\r\n');
		expect(lines[0]).toBe(
			'Commune;Code Insee;Intercommunalité;Population (habitants);Lieu le plus proche (km, à vol d’oiseau);Indice de fragilité numérique (0 à 10)'
		);
		expect(lines[1]).toBe('Delta;47004;CC Charlie;1500;23;9');
		const ifn = await steeringExport(db, coordinator, 'fragilite-territoires', q('niveau=epci'), today);
		expect(ifn.body).toContain('\r\nLot-et-Garonne;30000;5,25;5,25;6,25;4,25;5,25;5,25;9500;31,7\r\n');
		await expect(steeringExport(db, coordinator, 'offre-inconnue', q(''), today)).rejects.toMatchObject({ code: 'not_found' });
		await expect(steeringExport(db, coordinator, 'demande-x', q(''), today)).rejects.toMatchObject({ code: 'not_found' });
	});

	it('writes a section as a workbook and the whole as a printable report, for the département or one unit', async () => {
		const book = await steeringWorkbook(db, partner, 'fragilite', q('periode=2026&niveau=epci'), 'maillage 47', today);
		expect(book.fileName).toBe('fragilite-47-2026.xlsx');
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load(book.body as unknown as ArrayBuffer);
		expect(wb.worksheets.length).toBe((await fragilitySection(db, partner, q('niveau=epci'), today)).fragility.blocks.length);
		expect(wb.worksheets[0].getRow(2).getCell(1).value).toBe('Lot-et-Garonne, 2026 (en cours), par intercommunalité');
		await expect(steeringWorkbook(db, partner, 'inconnue', q(''), 'maillage 47', today)).rejects.toMatchObject({ code: 'not_found' });

		const whole = await steeringReport(db, coordinator, q('periode=2026&niveau=epci'), 'maillage 47', today);
		expect(whole.fileName).toBe('rapport-47-2026.pdf');
		expect(whole.body.subarray(0, 5).toString()).toBe('%PDF-');
		const one = await steeringReport(db, coordinator, q('periode=2026&niveau=epci&zone=CC Charlie'), 'maillage 47', today);
		expect(one.fileName).toBe('rapport-47-cc-charlie-2026.pdf');
		await expect(steeringReport(db, coordinator, q('niveau=epci&zone=Ailleurs'), 'maillage 47', today)).rejects.toMatchObject({ code: 'not_found' });
		await expect(steeringReport(db, prescriber, q(''), 'maillage 47', today)).rejects.toMatchObject({ code: 'forbidden' });
		const text = pdfText(one.body);
		if (text !== null) {
			expect(text).toContain('CC Charlie (Lot-et-Garonne)');
			expect(text).toContain('Fragilité numérique de la population');
			expect(text).not.toContain('CA Alpha');
		}
	});

	it('publishes the offer and the fragility as open data at a stable address, for anyone; nothing else', async () => {
		const open = await openDataTable(db, '47', 'offre-zones-blanches', q(''), today);
		expect(open.fileName).toBe('offre-zones-blanches-47-2025-intercommunalite.csv');
		expect(open.body.replace('\ufeff', '').split('\r\n')[0]).toBe(
			'Commune;Code Insee;Intercommunalité;Population (habitants);Lieu le plus proche (km, à vol d’oiseau);Indice de fragilité numérique (0 à 10)'
		);
		expect((await openDataTable(db, '47', 'fragilite-territoires', q('periode=2026&niveau=commune'), today)).fileName).toBe(
			'fragilite-territoires-47-2026-commune.csv'
		);
		await expect(openDataTable(db, '47', 'demande-orientations', q(''), today)).rejects.toMatchObject({ code: 'not_found' });
		await expect(openDataTable(db, '75', 'offre-services', q(''), today)).rejects.toMatchObject({ code: 'not_found' });
		// the counts of persons are the demand's and the outcomes' (open-data.test.ts); nothing per structure, place, funder or partner
		// (and the trainings' by territory, profile and theme: steering/trainings.test.ts)
		expect(Object.keys(OPEN_TABLES).every((id) => /^(offre|fragilite|demande|resultats|formations)-/.test(id))).toBe(true);
		for (const id of [
			'demande-orientations-structure',
			'demande-orientations-type',
			'resultats-honorees-lieu',
			'resultats-pass-financeurs',
			'formations-aidants-structure',
			'formations-satisfaction'
		])
			expect(Object.keys(OPEN_TABLES)).not.toContain(id);
	});

	it('refuses a period or a level that is not one rather than answering another (a stable address means what it says)', async () => {
		for (const asked of [
			'periode=2026-13',
			'periode=2014',
			'periode=2099',
			'periode=%00',
			`periode=${'9'.repeat(5000)}`,
			'niveau=canton',
			'niveau=pole_territorial'
		])
			await expect(openDataTable(db, '47', 'offre-services', q(asked), today), asked).rejects.toMatchObject({
				code: 'invalid',
				message: expect.stringMatching(/^Ce(tte période| découpage) n’existe pas/)
			});
		expect((await openDataTable(db, '47', 'offre-services', q('periode=2026-T3&niveau=departement'), today)).fileName).toBe(
			'offre-services-47-2026-T3-departement.csv'
		);
	});

	it('sees a change of a place at once (the places kept in memory are dropped)', async () => {
		const total = async () => block((await offerSection(db, coordinator, q('niveau=departement'), today)).offer.blocks, 'offre-services').table.total![1];
		expect(await total()).toBe(4);
		await db.query(sql`update places set closure = 'permanent', updated_at = now() + interval '1 minute' where id = 'P2'`);
		expect(await total()).toBe(3);
		await db.query(sql`update places set closure = null, updated_at = now() + interval '2 minutes' where id = 'P2'`);
		expect(await total()).toBe(4);
	});

	it('patches a change of places into what it keeps: the same figures as read afresh (moved, closed, added, deleted)', async () => {
		const figures = async () => {
			const byCommune = (await offerSection(db, coordinator, q('niveau=commune'), today)).offer.blocks;
			const byDept = (await fragilitySection(db, coordinator, q('niveau=departement'), today)).fragility.blocks;
			return JSON.stringify([byCommune, byDept].map((bs) => bs.map((b) => b.table)));
		};
		const afresh = async () => {
			forgetKeptPlaces(db);
			return figures();
		};
		const before = await figures();
		let minutes = 10;
		const change = async (statement: ReturnType<typeof sql>) => {
			await db.query(statement);
			await db.query(sql`update places set updated_at = now() + make_interval(mins => ${minutes++}) where id in ('P3', 'P7')`);
		};
		// P3 (démarches, 12 km) moves to 30 km and stops offering « démarches »: Charlie and Delta's nearest change
		await change(sql`update places set latitude = ${north(30)}, pos = ${earthPoint(north(30), LON, 'P3')}, services = array[${TOOLS}] where id = 'P3'`);
		const reads = { ...placeReads };
		const moved = await figures();
		expect(placeReads).toEqual({ full: reads.full, patched: reads.patched + 1, pass: reads.pass });
		expect(moved).not.toBe(before);
		expect(moved).toBe(await afresh());
		// a new place near Echo, then P3 closed for good
		await place('P7', { km: 58, dep: '47', insee: '47005', services: [ADMIN], horaires: 'Mo-Fr 09:00-17:00', dateMaj: '2026-10-01' });
		await change(sql`select 1`);
		const added = await figures();
		expect(added).toBe(await afresh());
		await change(sql`update places set closure = 'permanent' where id = 'P3'`);
		expect(await figures()).toBe(await afresh());
		// a place deleted (merged into another) is told by the count
		await db.query(sql`delete from places where id = 'P7'`);
		await change(sql`select 1`);
		const full = placeReads.full;
		const deleted = await figures();
		expect(placeReads.full).toBe(full + 1);
		expect(deleted).not.toBe(added);
		expect(deleted).toBe(await afresh());
		// as it was
		await change(
			sql`update places set closure = null, latitude = ${north(12)}, pos = ${earthPoint(north(12), LON, 'P3')}, services = array[${ADMIN}] where id = 'P3'`
		);
		expect(await figures()).toBe(before);
	});

	it('keeps its places past 5 minutes: the Pass read again and patched in (a qualification does not touch the place), everything after 6 hours', async () => {
		const passOf = async () => block((await offerSection(db, coordinator, q('niveau=departement'), today)).offer.blocks, 'offre-territoires').table.total![5];
		const figures = async () => JSON.stringify((await offerSection(db, coordinator, q('niveau=commune'), today)).offer.blocks.map((b) => b.table));
		expect(await passOf()).toBe(1);
		// P2 accepts the Pass now, its update untouched (as a qualification of its SIRET does)
		await db.query(sql`update places set pass_numerique = true where id = 'P2'`);
		// within 5 minutes, the places kept are read as they were (figures may be 15 minutes old)
		expect(await passOf()).toBe(1);
		const reads = { ...placeReads };
		ageKeptPlaces(db, 5 * 60_000 + 1000);
		expect(await passOf()).toBe(2);
		// the Pass alone was read: no place, no distance
		expect(placeReads).toEqual({ ...reads, pass: reads.pass + 1 });
		const kept = await figures();
		forgetKeptPlaces(db);
		expect(await figures()).toBe(kept);
		// past 6 hours, everything is read again
		ageKeptPlaces(db, 6 * 60 * 60_000);
		await passOf();
		expect(placeReads.full).toBe(reads.full + 2);
		await db.query(sql`update places set pass_numerique = false where id = 'P2'`);
		ageKeptPlaces(db, 5 * 60_000 + 1000);
		expect(await passOf()).toBe(1);
	});

	it('refuses a prescriber', async () => {
		await expect(offerSection(db, prescriber, q(''), today)).rejects.toMatchObject({ code: 'forbidden' });
		await expect(fragilitySection(db, prescriber, q(''), today)).rejects.toMatchObject({ code: 'forbidden' });
		await expect(steeringExport(db, prescriber, 'offre-services', q(''), today)).rejects.toMatchObject({ code: 'forbidden' });
	});
});
