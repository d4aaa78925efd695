/**
 * The national map's feed on the REAL demo data (issue 14, item 6): every place of the
 * export is either in the feed, read as it is by the component's validators (the library
 * `@gouvfr-anct/lieux-de-mediation-numerique` 1.22.1, as lieux-de-mediation-numerique-v0),
 * or counted as left out with its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromSchemaLieuxDeMediationNumerique } from 'lieux-de-mediation-numerique-v0';
import { createTestDatabase } from '../../../../test/db.ts';
import type { Database } from '../db/client.ts';
import { ensureDemo } from '../demo/index.ts';
import { nationalMapFeed, nationalMapSummary, type NationalMapSummary } from './national-map-feed.ts';
import { ACCEPTS_PASS, allPlaces, type PublicPlace } from './place.ts';
import { places } from './db.ts';
import type { NationalMapRecord } from './national-map.ts';

let db: Database;
let summary: NationalMapSummary;
let feed: NationalMapRecord[];
const published = new Map<string, PublicPlace>();

async function feedOf(departements?: string[]): Promise<NationalMapRecord[]> {
	let text = '';
	for await (const piece of nationalMapFeed(db, { departements, batch: 300 })) text += piece;
	return JSON.parse(text);
}

beforeAll(async () => {
	db = await createTestDatabase();
	await ensureDemo(db);
	// published: the places of the files offered for reuse (under Licence Ouverte), as the national CSV
	for await (const page of allPlaces(db, { openOnly: true })) for (const p of page) published.set(p.id, p);
	summary = await nationalMapSummary(db, { batch: 300 });
	feed = await feedOf();
}, 600_000);
afterAll(async () => db?.close());

describe('the feed of the demo', () => {
	it('counts every published place once: in the feed or left out', () => {
		expect(published.size).toBeGreaterThan(500);
		expect(summary.published).toBe(published.size);
		expect(summary.included + summary.excluded).toBe(published.size);
		expect(feed).toHaveLength(summary.included);
		const inFeed = new Set(feed.map((r) => r.id));
		const left = new Set(summary.places.map((p) => p.id));
		expect(inFeed.size).toBe(feed.length);
		expect([...inFeed].filter((id) => left.has(id))).toEqual([]);
		expect(new Set([...inFeed, ...left])).toEqual(new Set(published.keys()));
	});

	it('is read whole by the component’s validators, every place with a position to show', () => {
		const read = fromSchemaLieuxDeMediationNumerique(feed as never);
		expect(read).toHaveLength(feed.length);
		// the component shows only places with a non-zero position (onlyWithLocalisation)
		expect(read.filter((l) => l.localisation && l.localisation.latitude !== 0 && l.localisation.longitude !== 0)).toHaveLength(feed.length);
		expect(feed.length / published.size).toBeGreaterThan(0.8);
	});

	it('says why each place is left out, and the reasons hold', () => {
		expect(summary.excluded).toBeGreaterThan(0);
		for (const p of summary.places) expect(p.reasons.length, p.id).toBeGreaterThan(0);
		const byCode = Object.fromEntries(summary.reasons.map((r) => [r.code, r.count]));
		expect(summary.reasons.reduce((n, r) => n + r.count, 0)).toBeGreaterThanOrEqual(summary.excluded);
		expect(byCode.conversion).toBeUndefined(); // no record of ours refused by the map's own checks
		const noService = [...published.values()].filter((p) => p.services.length === 0);
		expect(byCode['sans-service']).toBe(noService.length);
		for (const p of noService) expect(summary.places.find((x) => x.id === p.id)?.reasons.join(' ')).toMatch(/au moins un service/);
	});

	it('keeps the places’ own values: the name, the position, the Pass Numérique', async () => {
		for (const r of feed.slice(0, 200)) {
			const p = published.get(r.id)!;
			expect([r.nom, r.commune, r.code_postal, r.adresse, r.latitude, r.longitude]).toEqual([
				p.nom,
				p.commune,
				p.codePostal,
				p.adresse,
				p.latitude,
				p.longitude
			]);
		}
		const pass = new Set((await db.db.select({ id: places.id }).from(places).where(ACCEPTS_PASS)).map((r) => r.id));
		expect(pass.size).toBeGreaterThan(0); // the demo qualifies places in Agen, Marmande, Villeneuve-sur-Lot
		const withPass = feed.filter((r) => r.conditions_acces?.includes('Accepte le Pass numérique'));
		expect(new Set(withPass.map((r) => r.id))).toEqual(new Set([...pass].filter((id) => feed.some((r) => r.id === id))));
	});

	it('a département’s feed: its places only, counted the same way', async () => {
		const dep = ['47'];
		const s = await nationalMapSummary(db, { departements: dep });
		const f = await feedOf(dep);
		let n = 0;
		for await (const page of allPlaces(db, { departements: dep, openOnly: true })) n += page.length;
		expect(s.included + s.excluded).toBe(n);
		expect(f).toHaveLength(s.included);
		expect(f.length).toBeLessThan(feed.length);
		expect(f.every((r) => r.code_postal.startsWith('47') || published.get(r.id)!.codeInsee?.startsWith('47'))).toBe(true);
	});
});
