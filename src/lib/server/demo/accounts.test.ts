/**
 * Demo accounts (issue 12, item 18): one per role on real structures of the demo
 * territory, with a password and a second factor that work for logging in; refused on an
 * instance without the demo data; running it again replaces the credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import * as OTPAuth from 'otpauth';
import { createTestDatabase } from '../../../../test/db.ts';
import type { Database } from '../db/client.ts';
import { importPlaces } from '../places/index.ts';
import { seedRuns } from '../territory/db.ts';
import { eq } from 'drizzle-orm';
import { organisations, users } from '../accounts/db.ts';
import { actorFor, loginWithPassword, passSecondFactor, loadSession } from '../accounts/index.ts';
import { meetingsOverview, roadmap } from '../strategy/index.ts';
import { createDemoAccounts, demoCode, demoGuide, DemoError, PERSONAS } from './accounts.ts';

let db: Database;
beforeAll(async () => {
	db = await createTestDatabase();
	const content = await readFile(new URL('../../../../test/fixtures/places-agen.json', import.meta.url));
	await importPlaces(db, { fileName: 'places-agen.json', content, today: '2026-11-18' });
});
afterAll(async () => {
	await db?.close();
});

describe('maillage demo accounts', () => {
	it('is refused on an instance without the demo data', async () => {
		await expect(createDemoAccounts(db)).rejects.toBeInstanceOf(DemoError);
		expect(await db.db.select().from(organisations)).toEqual([]);
	});

	it('creates one account per role on the demo structures, and each can log in with its second factor', async () => {
		await db.db.insert(seedRuns).values({ step: 'demo', detail: 'test' });
		const accounts = await createDemoAccounts(db);
		expect(accounts.map((a) => a.role).sort()).toEqual(['coordinator', 'coordinator', 'mediator', 'partner', 'place_manager', 'place_manager', 'prescriber']);
		// the refurbisher's team of the equipment channel (issue 18): the demo's Transnumeric
		expect(accounts.find((a) => a.email.startsWith('reconditionnement@'))?.organisation).toBe('Transnumeric');
		expect(accounts.filter((a) => a.admin)).toHaveLength(1);
		const guide = demoGuide(accounts, 'https://declic47.test');
		for (const a of accounts) {
			expect(guide).toContain(a.email);
			expect(guide).toContain(a.password);
		}
		const mediator = accounts.find((a) => a.role === 'mediator')!;
		const login = await loginWithPassword(db, { email: mediator.email, password: mediator.password }, { ip: '127.0.0.1' });
		expect(login).toMatchObject({ status: 'ok', next: 'second-factor' });
		const session = (await loadSession(db.db, (login as { token: string }).token))!;
		const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(mediator.totpSecret) }).generate();
		expect(demoCode(mediator.totpSecret.replace(/(.{4})/g, '$1 ')).code).toBe(code);
		const second = await passSecondFactor(db, session, (login as { token: string }).token, { code }, { ip: '127.0.0.1' });
		expect(second.status).toBe('ok');
	});

	it('gives every account a new password when run again, the old one no longer works', async () => {
		const first = await createDemoAccounts(db);
		const again = await createDemoAccounts(db);
		expect(again).toHaveLength(PERSONAS.length);
		const old = await loginWithPassword(db, { email: first[0].email, password: first[0].password }, { ip: '127.0.0.2' });
		expect(old.status).toBe('invalid');
		const now = await loginWithPassword(db, { email: again[0].email, password: again[0].password }, { ip: '127.0.0.2' });
		expect(now.status).toBe('ok');
		// the structures are not duplicated: the 5 of the accounts, the 7 other partners of the demo roadmap
		const orgs = await db.db.select({ name: organisations.name }).from(organisations);
		expect(orgs.length).toBe(12);
	});

	it('seeds Lot-et-Garonne’s roadmap and committees once, read by the demo partner', async () => {
		const accounts = await createDemoAccounts(db);
		const partner = accounts.find((a) => a.role === 'partner')!;
		const [user] = await db.db.select({ id: users.id }).from(users).where(eq(users.email, partner.email));
		const actor = await actorFor(db.db, user.id, true);
		const r = await roadmap(db, actor, new URLSearchParams());
		expect(r.manage).toBe(false);
		expect(r.total).toBe(7);
		expect(r.axes.map((a) => a.label)).toContain('Fonds départemental d’inclusion numérique');
		expect(r.counts).toMatchObject({ late: 1, done: 1 });
		expect(r.actions.find((a) => a.title.startsWith('Une permanence itinérante'))?.areas).toEqual([
			'CC Albret Communauté',
			'CC Fumel Vallée du Lot',
			'Casteljaloux',
			'Houeillès'
		]);
		// filtered by a commune of the Albret: the action on its intercommunality, and those of the whole département
		const nerac = await roadmap(db, actor, new URLSearchParams('territoire=commune:47195'));
		expect(nerac.actions.map((a) => a.title)).toContain('Une permanence itinérante dans l’Albret et le Fumélois');
		expect(nerac.actions).toHaveLength(7);
		const agen = await roadmap(db, actor, new URLSearchParams('territoire=commune:47001'));
		expect(agen.actions.map((a) => a.title)).not.toContain('Une permanence itinérante dans l’Albret et le Fumélois');
		expect(agen.actions).toHaveLength(6);
		const m = await meetingsOverview(db, actor, null);
		expect(m.upcoming.map((x) => x.kind)).toEqual(['copil']);
		expect(m.past.map((x) => x.kind)).toEqual(['cotech', 'copil']);
		expect(m.toFollow.map((d) => d.statusLabel)).toEqual(['En retard', 'À faire']);
	});

	it('refuses something that is not a TOTP secret', () => {
		expect(() => demoCode('camille@cd47.fr')).toThrow(DemoError);
	});
});
