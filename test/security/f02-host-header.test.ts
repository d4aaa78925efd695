/**
 * Issue 11, finding 2: reset and invitation links followed the Host header. A
 * `POST /mot-de-passe-oublie` sent with `Host: evil.test` e-mailed a valid reset link to
 * http://evil.test/…. Links now come from the configured public URL (ORIGIN), and requests
 * for another host are refused by the server's hook.
 */
import { backgroundSettled, acceptInvitation, actorFor, createOrganisation, invite } from '../../src/lib/server/accounts/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createEmptyTestDatabase } from '../db.ts';
import { setDatabase, type Database } from '../../src/lib/server/db/client.ts';
import { getBoss, stopBoss } from '../../src/lib/server/jobs/boss.ts';
import { outbox } from '../../src/lib/server/mail/db.ts';
import { users } from '../../src/lib/server/accounts/db.ts';
import { checkOriginAtStart, derivedOrigin, hostAllowed, publicOrigin, savedPublicOrigin } from '../../src/lib/server/web/origin.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicLinks } from '../../src/lib/server/jobs/maintenance.ts';
import { handle } from '../../src/hooks.server.ts';
import { actions as forgotten } from '../../src/routes/(auth)/mot-de-passe-oublie/+page.server.ts';
import { actions as organisationPage, load as organisationLoad } from '../../src/routes/(pro)/admin/organisations/[id]/+page.server.ts';

const PUBLIC = 'https://maillage.example.fr';
const P = 'une phrase de passe solide';
let db: Database;
let org: string;
let saved: string | undefined;

beforeAll(async () => {
	saved = process.env.ORIGIN;
	process.env.ORIGIN = PUBLIC;
	db = await createEmptyTestDatabase();
	setDatabase(db);
	await getBoss(db);
	org = (await createOrganisation(db, null, { name: 'Département de Lot-et-Garonne', kind: 'departement', departmentCode: '47' })).id;
	const { token } = await invite(db, null, {
		email: 'sacha@cd47.test',
		displayName: 'Sacha Coordination',
		organisationId: org,
		role: 'coordinator',
		isAdmin: true
	});
	await acceptInvitation(db, token, { password: P, confirm: P }, { ip: '192.0.2.9' });
});
afterAll(async () => {
	if (saved === undefined) delete process.env.ORIGIN;
	else process.env.ORIGIN = saved;
	await stopBoss(db);
	setDatabase(undefined);
	await db?.close();
});

function formRequest(url: string, fields: Record<string, string>, host = 'evil.test'): Request {
	return new Request(url, { method: 'POST', headers: { host, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
}

describe('issue 11, finding 2: links never follow the Host header', () => {
	it('a reset requested with Host: evil.test e-mails a link to the public URL', async () => {
		const url = new URL('http://evil.test/mot-de-passe-oublie');
		const r = await forgotten.default({ request: formRequest(url.href, { email: 'sacha@cd47.test' }), locals: { ip: '192.0.2.20' }, url } as never);
		expect(r).toMatchObject({ sent: true });
		await backgroundSettled(); // the e-mail is prepared just after the answer (finding 11)
		const mails = await db.db.select({ text: outbox.text }).from(outbox).where(eq(outbox.template, 'password-reset'));
		expect(mails).toHaveLength(1);
		expect(mails[0].text).not.toContain('evil.test');
		expect(mails[0].text).toContain(`${PUBLIC}/mot-de-passe/`);
	});

	it('an invitation made through a request for another host links to the public URL', async () => {
		const url = new URL(`http://evil.test/admin/organisations/${org}?/invite`);
		const [u] = await db.db.select({ id: users.id }).from(users).where(eq(users.email, 'sacha@cd47.test'));
		const actor = await actorFor(db.db, u.id, true);
		// Post/Redirect/Get: the action answers with a redirection to the page, which shows the link
		const thrown = await Promise.resolve(
			organisationPage.invite({
				params: { id: org },
				request: formRequest(url.href, { email: 'lou@cd47.test', displayName: 'Lou Médiation', role: 'partner' }),
				locals: { ip: '192.0.2.21', session: { actor } },
				url
			} as never)
		).then(
			() => null,
			(e: { status?: number; location?: string }) => e
		);
		expect(thrown?.status).toBe(303);
		const back = new URL(thrown!.location!, url);
		const page = (await organisationLoad({ params: { id: org }, locals: { ip: '192.0.2.21', session: { actor, userId: u.id } }, url: back } as never)) as {
			justInvited: { link: string | null } | null;
		};
		// without SMTP the link is shown on screen
		expect(page.justInvited?.link).toMatch(new RegExp(`^${PUBLIC}/invitation/`));
		const mails = await db.db.select({ text: outbox.text }).from(outbox).where(eq(outbox.template, 'invitation'));
		for (const m of mails) expect(m.text).not.toContain('evil.test');
	});

	it('scheduled reminders use the public URL too', async () => {
		expect((await publicLinks(db)).origin).toBe(PUBLIC);
	});

	it('the server refuses a request for another host (421, in French)', async () => {
		const event = {
			request: new Request('http://evil.test/mot-de-passe-oublie', { headers: { host: 'evil.test' } }),
			url: new URL('http://evil.test/mot-de-passe-oublie')
		};
		const res = await handle({
			event: event as never,
			resolve: () => {
				throw new Error('must not be served');
			}
		});
		expect(res.status).toBe(421);
		expect(await res.text()).toMatch(/adresse publique/);
		for (const host of ['evil.test', 'maillage.example.fr.evil.test', 'maillage.example.fr@evil.test', 'maillage.example.fr/x', 'localhost:3000', ''])
			expect(hostAllowed(host), host).toBe(false);
		expect(hostAllowed('maillage.example.fr')).toBe(true);
		expect(hostAllowed('MAILLAGE.example.fr')).toBe(true);
	});

	it('the embedded default derives the public URL from PORT/HOST; production needs ORIGIN', () => {
		expect(derivedOrigin({ PORT: '8080' })).toBe('http://localhost:8080');
		expect(derivedOrigin({ PORT: '8080', HOST: '192.0.2.5' })).toBe('http://192.0.2.5:8080');
		expect(derivedOrigin({})).toBe('http://localhost:3000');
		// a loopback public URL accepts each loopback name, on its port only
		expect(hostAllowed('127.0.0.1:3000', 'http://localhost:3000')).toBe(true);
		expect(hostAllowed('127.0.0.1:3001', 'http://localhost:3000')).toBe(false);
		expect(() => checkOriginAtStart({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x/y' })).toThrow(/ORIGIN is required/);
		expect(() => checkOriginAtStart({ MAILLAGE_PRODUCTION: '1' })).toThrow(/ORIGIN is required/);
		expect(() => checkOriginAtStart({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x/y', ORIGIN: 'https://a.fr/chemin' })).toThrow(/without a path/);
		expect(() => checkOriginAtStart({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x/y', ORIGIN: PUBLIC })).not.toThrow();
		expect(() => checkOriginAtStart({})).not.toThrow();
		expect(publicOrigin()).toBe(PUBLIC);
	});

	it('the command line (`users invite`) prints the URL the server recorded, not localhost:3000', () => {
		const dir = mkdtempSync(join(tmpdir(), 'edges-origin-'));
		writeFileSync(join(dir, 'public-url'), 'http://localhost:8080\n');
		const env = { ORIGIN: process.env.ORIGIN, DATA_DIR: process.env.DATA_DIR };
		try {
			delete process.env.ORIGIN;
			process.env.DATA_DIR = dir;
			expect(savedPublicOrigin()).toBe('http://localhost:8080');
			process.env.ORIGIN = PUBLIC;
			expect(savedPublicOrigin()).toBe(PUBLIC);
		} finally {
			process.env.ORIGIN = env.ORIGIN;
			if (env.DATA_DIR === undefined) delete process.env.DATA_DIR;
			else process.env.DATA_DIR = env.DATA_DIR;
		}
	});
});
