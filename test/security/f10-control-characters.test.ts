/**
 * Issue 11, finding 10: a NUL byte in any text field gave a 500 and wrote the whole record,
 * health note included, to the logs (Drizzle's error carries the query's parameters).
 * Control characters, lone surrogates and malformed UTF-8 are refused at the boundary
 * (hooks.server.ts) with a French message; the logs never carry a query's parameters.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from '../db.ts';
import { setDatabase, type Database } from '../../src/lib/server/db/client.ts';
import { getBoss, stopBoss } from '../../src/lib/server/jobs/boss.ts';
import { actorFor, addMember, createOrganisation, type Actor } from '../../src/lib/server/accounts/index.ts';
import { createBeneficiary } from '../../src/lib/server/beneficiaries/index.ts';
import { describeError, log, redact } from '../../src/lib/server/log.ts';
import { cleanText } from '../../src/lib/server/web/input.ts';
import { handle, handleError } from '../../src/hooks.server.ts';

const CANARY = 'CanariSante7731';
let db: Database;
let prescriber: Actor;
let ccas: string;

beforeAll(async () => {
	db = await createTestDatabase();
	setDatabase(db);
	await getBoss(db);
	ccas = (await createOrganisation(db, null, { name: 'CCAS de Nérac', kind: 'ccas', departmentCode: '47' })).id;
	const { userId } = await addMember(db, null, { email: 'presc@ccas.test', displayName: 'Sacha Prescripteur', organisationId: ccas, role: 'prescriber' });
	prescriber = await actorFor(db.db, userId, true);
});
afterAll(async () => {
	await stopBoss(db);
	setDatabase(undefined);
	await db?.close();
});

/** Everything written to stdout and stderr while `fn` runs. */
async function captureLogs(fn: () => Promise<unknown>): Promise<string> {
	let out = '';
	const grab = (chunk: unknown) => {
		out += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
		return true;
	};
	const a = vi.spyOn(process.stdout, 'write').mockImplementation(grab as never);
	const b = vi.spyOn(process.stderr, 'write').mockImplementation(grab as never);
	const c = vi.spyOn(console, 'error').mockImplementation((...args) => void grab(args.map(String).join(' ')));
	try {
		await fn();
	} finally {
		a.mockRestore();
		b.mockRestore();
		c.mockRestore();
	}
	return out;
}

const BAD = ['\u0000', '\u0001', '\u0008', '\u000b', '\u001b', '\u007f', '\ud800', '\udfff'];
const ORIGIN = 'http://localhost:3000';
/** Percent-encoded as a client would send it (a lone surrogate as its 3-byte, invalid UTF-8 form). */
const enc = (v: string) =>
	v
		.replace(/[\ud800-\udfff]/g, (c) => (c === '\ud800' ? '%ED%A0%80' : '%ED%BF%BF'))
		.split(/(%E.%..%..)/)
		.map((p) => (p.startsWith('%E') ? p : encodeURIComponent(p)))
		.join('');

/** One request through the server's hook; `resolve` records whether a route would have run it. */
async function through(method: string, path: string, body?: BodyInit, type = 'application/x-www-form-urlencoded') {
	const url = new URL(path, ORIGIN);
	// as a browser sends a form: with its length (a body of unknown length is refused at the edge)
	const headers: Record<string, string> = {};
	if (body instanceof URLSearchParams) body = body.toString();
	if (body instanceof FormData) {
		const encoded = new Response(body);
		headers['content-type'] = encoded.headers.get('content-type')!;
		body = Buffer.from(await encoded.arrayBuffer());
	} else if (body) headers['content-type'] = type;
	if (typeof body === 'string') headers['content-length'] = String(Buffer.byteLength(body));
	else if (body instanceof Uint8Array) headers['content-length'] = String(body.byteLength);
	const request = new Request(url, { method, headers, body, duplex: 'half' } as RequestInit);
	let resolved = false;
	const event = { request, url, route: { id: null }, getClientAddress: () => '192.0.2.1', cookies: { get: () => undefined }, locals: {} };
	try {
		const res = await handle({ event: event as never, resolve: async () => ((resolved = true), new Response('ok')) });
		return { status: res.status, text: await res.text(), resolved };
	} catch (e) {
		const err = e as { status?: number; body?: { message: string } };
		return { status: err.status ?? 500, text: err.body?.message ?? String(e), resolved };
	}
}

describe('issue 11, finding 10: control characters are refused at the boundary, logs carry no record', () => {
	it('a fuzz of forms, queries, paths and JSON with invisible characters gets a 400 in French, no route runs', async () => {
		const forms = [
			'/espace/personnes/nouvelle',
			'/connexion',
			'/mot-de-passe-oublie',
			'/lieux/x?/signaler',
			'/mon-espace/connexion?/code',
			'/espace/pass/encaisser'
		];
		let n = 0;
		const logs = await captureLogs(async () => {
			for (const bad of BAD) {
				for (const path of forms) {
					const body = `firstName=Marie&lastName=${enc(`Durand${bad}`)}&accessibilityNote=${enc(`${CANARY} diabétique${bad}`)}`;
					const r = await through('POST', path, body);
					expect(r.status, `${path} ${JSON.stringify(bad)}`).toBe(400);
					expect(r.text).toMatch(/caractères invisibles ou mal encodés/);
					expect(r.resolved).toBe(false);
					n++;
				}
				const multipart = new FormData();
				multipart.set('accessibilityNote', `${CANARY}${bad}`);
				// (FormData turns a lone surrogate into U+FFFD before sending: nothing to refuse then)
				if (bad.isWellFormed()) expect((await through('POST', '/espace/personnes/nouvelle', multipart, undefined as never)).status).toBe(400);
				const json = JSON.stringify({ from: '+33612345678', text: `OUI ${CANARY}${bad}` });
				const api = await through('POST', '/api/sms/entrant', json, 'application/json');
				expect(api.status).toBe(400);
				expect(JSON.parse(api.text)).toMatchObject({ error: { status: 400, code: 'bad_request' } });
				expect(JSON.parse((await through('GET', `/api/v1/places?ou=${enc(bad)}`)).text)).toMatchObject({ error: { status: 400 } });
				expect((await through('GET', `/lieux?ou=${enc(`${CANARY}${bad}`)}`)).status).toBe(400);
				expect((await through('GET', `/lieux/${enc(`${CANARY}${bad}`)}`)).status).toBe(400);
				n += 3;
			}
			// malformed UTF-8, percent-encoded or raw
			expect((await through('GET', '/lieux?ou=%C3%28')).status).toBe(400);
			expect((await through('GET', '/lieux/%FF')).status).toBe(400);
			expect((await through('POST', '/connexion', new Uint8Array([0x65, 0x6d, 0x61, 0x69, 0x6c, 0x3d, 0xc3, 0x28]))).status).toBe(400);
			// control characters in a path or a query, tab and newline included
			for (const p of ['/lieux/%00', '/api/v1/places/%00', '/connexion?retour=/%09/x', '/admin/journal?action=%00', '/lieux?ou=a%0Ab'])
				expect((await through('GET', p)).status, p).toBe(400);
		});
		expect(n).toBe(BAD.length * (forms.length + 3));
		expect(logs.split(CANARY).length - 1).toBe(0);
		// ordinary French text, multiline notes and tabs pass
		const ok = await through(
			'POST',
			'/espace/personnes/nouvelle',
			new URLSearchParams({ accessibilityNote: 'Préfère le matin.\r\nMalvoyante\t— « aide » ’ 🙂' })
		);
		expect(ok.resolved).toBe(true);
		expect((await through('GET', '/lieux?ou=L%E2%80%99Isle%20%26%20Agen')).resolved).toBe(true);
	});

	it('a service failing on a NUL byte leaves no parameter in the logs (Drizzle’s "params:" and the driver’s detail removed)', async () => {
		let leaking = 0;
		const logs = await captureLogs(async () => {
			for (const bad of ['\u0000', '\u0000\n    at fake (x.ts:1:1)\n']) {
				let thrown: unknown = null;
				try {
					await createBeneficiary(db, prescriber, {
						organisationId: ccas,
						confirmNew: true,
						form: {
							firstName: 'Marie',
							lastName: 'Durand',
							birthYear: '1958',
							commune: 'Nérac',
							phone: '',
							email: '',
							preferredContact: 'none',
							language: 'fr',
							accessibilityNeeds: [],
							accessibilityNote: `${CANARY} suivie pour dépression${bad}`
						}
					});
				} catch (e) {
					thrown = e;
				}
				// the service itself may refuse it or fail in the database: either way the logs stay clean
				if (thrown) {
					// what the logs got before: the error's stack, parameters included
					if (thrown instanceof Error && /Failed query/.test(thrown.message)) leaking++;
					const out = handleError({
						error: thrown,
						event: { route: { id: '/(pro)/espace/personnes/nouvelle' } } as never,
						status: 500,
						message: 'Internal Error',
						kind: 'unknown'
					} as never);
					expect((out as { message: string }).message).toMatch(/référence/);
					log('error', 'job failed', { error: thrown instanceof Error ? thrown.message : String(thrown), cause: thrown });
				}
			}
		});
		expect(logs).not.toContain(CANARY);
		console.info(`database errors carrying the record: ${leaking}`);
	});

	it('redacts the values the database quotes in its messages', () => {
		const stack = `Error: Failed query: insert into "x" ("a") values ($1)\nparams: ${CANARY},diabète\nligne 2\n    at f (x.ts:1:1)`;
		expect(redact(stack)).not.toContain(CANARY);
		expect(redact(stack)).toContain('at f (x.ts:1:1)');
		expect(redact(`invalid input syntax for type uuid: "${CANARY}"`)).not.toContain(CANARY);
		expect(redact(`Key (email)=(${CANARY}@x.fr) already exists.`)).not.toContain(CANARY);
		const e = Object.assign(new Error(`Failed query: select 1\nparams: ${CANARY}`), {
			cause: Object.assign(new Error(`invalid byte sequence for encoding "UTF8": 0x00 ${CANARY}`), { code: '22021', detail: CANARY })
		});
		expect(JSON.stringify(describeError(e))).not.toContain(CANARY);
		expect(describeError(e)).toMatchObject({ code: '22021' });
		expect(cleanText('a\tb\nc\r\n')).toBe(true);
		expect(cleanText('a\u0000')).toBe(false);
		expect(cleanText('a\ud83d')).toBe(false);
	});
});
