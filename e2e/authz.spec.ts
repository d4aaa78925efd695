/**
 * The authorisation matrix over HTTP, with real accounts (e2e/accounts.setup.ts): every
 * route, every persona, the status each one gets. The same matrix at the unit level, with
 * the check that no route lacks a rule, is src/lib/server/access.test.ts.
 */
import { test, expect, request as pwRequest, type APIRequestContext } from '@playwright/test';
import { PERSONAS, seed, statePath, type Persona } from './accounts.ts';

type Who = Persona | 'anonymous';
const EVERYONE: Who[] = ['anonymous', ...PERSONAS];
/** what a persona gets: a status, or a redirection to a path */
type Outcome = 200 | 403 | 404 | 405 | `→ ${string}`;

const LOGIN = '→ /connexion';
const CODE = '→ /connexion/code';
const SPACE = '→ /espace';

function row(defaults: Outcome, overrides: Partial<Record<Who, Outcome>> = {}): Record<Who, Outcome> {
	return Object.fromEntries(EVERYONE.map((w) => [w, overrides[w] ?? defaults])) as Record<Who, Outcome>;
}
const PRO = (overrides: Partial<Record<Who, Outcome>> = {}) => row(200, { anonymous: LOGIN, coordinator_before_code: CODE, ...overrides });
const COORDINATION = (overrides: Partial<Record<Who, Outcome>> = {}) => PRO({ partner: 403, prescriber: 403, mediator: 403, place_manager: 403, ...overrides });

/** prescribers and mediators (the instance administrator passes the door, sees no record) */
const CARE = (overrides: Partial<Record<Who, Outcome>> = {}) =>
	PRO({ coordinator: 403, coordinator_other_department: 403, partner: 403, place_manager: 403, ...overrides });
const NIL = '00000000-0000-4000-8000-000000000000';

let ctx: Record<Who, APIRequestContext>;
let matrix: [string, Record<Who, Outcome>][];

test.beforeAll(async ({ baseURL }) => {
	const s = seed();
	ctx = {} as Record<Who, APIRequestContext>;
	for (const w of EVERYONE) {
		ctx[w] = await pwRequest.newContext({ baseURL, maxRedirects: 0, storageState: w === 'anonymous' ? undefined : statePath(w) });
	}
	const list = await (await ctx.anonymous.get('/api/v1/places?ou=Agen&limit=1')).json();
	const place = list.data[0].id as string;
	const { cd47, mediatheque } = s.organisations;
	// a session of the demo's catalogue (issue 17)
	const session = /href="\/formations\/([0-9a-f-]{36})"/.exec(await (await ctx.anonymous.get('/formations')).text())?.[1];
	expect(session, 'a session in the catalogue').toBeTruthy();
	/** organising trainings: the coordinators and the structures' managers; a training that exists nowhere is not found */
	const ORGANISERS = (overrides: Partial<Record<Who, Outcome>> = {}) => PRO({ partner: 403, prescriber: 403, mediator: 403, ...overrides });
	const NO_TRAINING = { coordinator: 404, coordinator_other_department: 404, place_manager: 404, admin: 404 } as const;
	matrix = [
		['/', row(200)],
		['/lieux?ou=Agen', row(200)],
		[`/lieux/${place}`, row(200)],
		['/accessibilite', row(200)],
		['/donnees', row(200)],
		['/plan-du-site', row(200)],
		['/diagnostic', row(200)],
		['/theme.css', row(200)],
		['/vendor/leaflet/leaflet.js', row(200)],
		['/api/v1/places?ou=Agen', row(200)],
		[`/api/v1/places/${place}`, row(200)],
		['/api/v1/places.csv?departement=47', row(200)],
		['/api/v1/openapi.json', row(200)],
		// the SMS provider's webhook: POST only, with its shared secret (see the test below)
		['/api/sms/entrant', row(405)],
		['/invitation/lien-abime', row(200)],
		['/mot-de-passe-oublie', row(200)],
		['/mot-de-passe/lien-abime', row(200)],
		['/connexion', row(SPACE, { anonymous: 200, coordinator_before_code: 200 })],
		// off to the identity provider, for anyone; its answer without the attempt's cookie is refused
		['/connexion/proconnect', row('→ /auth')],
		['/connexion/proconnect/retour', row('→ /connexion')],
		['/connexion/code', row(SPACE, { anonymous: LOGIN, coordinator_before_code: 200 })],
		['/deconnexion', row(200, { anonymous: LOGIN })],
		['/compte/double-authentification', row(200, { anonymous: LOGIN, coordinator_before_code: CODE })],
		['/compte', PRO()],
		['/espace', PRO()],
		['/admin/journal', COORDINATION()],
		['/admin/signalements', COORDINATION()],
		['/admin/lieux', COORDINATION()],
		// keeping the places right: the département's coordinators (another département's place does not exist for them)
		['/admin/lieux/a-verifier', COORDINATION()],
		['/admin/lieux/nouveau', COORDINATION()],
		[`/admin/lieux/${place}`, COORDINATION({ coordinator_other_department: 404 })],
		[`/admin/lieux/fusion?garder=${place}`, COORDINATION({ coordinator_other_department: 404 })],
		['/admin/instance', PRO({ coordinator: 403, coordinator_other_department: 403, partner: 403, prescriber: 403, mediator: 403, place_manager: 403 })],
		[
			'/admin/instance/materiel',
			PRO({ coordinator: 403, coordinator_other_department: 403, partner: 403, prescriber: 403, mediator: 403, place_manager: 403 })
		],
		['/espace/lieux', PRO({ coordinator: 403, coordinator_other_department: 403, partner: 403, prescriber: 403, mediator: 403 })],
		// editing a place: its managers and its département's coordinators; nobody manages this one yet
		[`/espace/lieux/${place}`, COORDINATION({ coordinator_other_department: 404, place_manager: 404 })],
		['/admin/organisations', COORDINATION()],
		['/admin/organisations/import', COORDINATION()],
		// another département's structure does not exist for them; a place manager sees their own only
		[`/admin/organisations/${cd47}`, COORDINATION({ coordinator_other_department: 404, place_manager: 404 })],
		[`/admin/organisations/${mediatheque}`, COORDINATION({ coordinator_other_department: 404, place_manager: 200 })],
		// a place manager's own structure, in their space (straight to it when they have one)
		[
			'/espace/structure',
			PRO({
				coordinator: 403,
				coordinator_other_department: 403,
				partner: 403,
				prescriber: 403,
				mediator: 403,
				place_manager: `→ /espace/structure/${mediatheque}`
			})
		],
		[`/espace/structure/${cd47}`, COORDINATION({ coordinator_other_department: 404, place_manager: 404 })],
		[`/espace/structure/${mediatheque}`, COORDINATION({ coordinator_other_department: 404, place_manager: 200 })],
		// the people helped: prescribers and mediators; a record exists only for those who may read it
		['/espace/personnes', CARE()],
		['/espace/personnes/nouvelle', CARE({ admin: 403 })],
		[`/espace/personnes/${NIL}`, CARE({ prescriber: 404, mediator: 404, admin: 404 })],
		[`/espace/personnes/${NIL}/orienter`, CARE({ prescriber: 404, mediator: 404, admin: 404 })],
		[`/espace/personnes/${NIL}/export.json`, CARE({ prescriber: 404, mediator: 404, admin: 404 })],
		[`/espace/personnes/${NIL}/export.pdf`, CARE({ prescriber: 404, mediator: 404, admin: 404 })],
		['/espace/orientations', CARE({ place_manager: 200 })],
		[`/espace/orientations/${NIL}`, CARE({ prescriber: 404, mediator: 404, place_manager: 404, admin: 404 })],
		[`/espace/orientations/${NIL}/fiche.pdf`, CARE({ prescriber: 404, mediator: 404, place_manager: 404, admin: 404 })],
		['/espace/accompagnements', PRO({ coordinator: 403, coordinator_other_department: 403, partner: 403, prescriber: 403, admin: 403 })],
		['/espace/accompagnements/nouveau', PRO({ coordinator: 403, coordinator_other_department: 403, partner: 403, prescriber: 403, admin: 403 })],
		['/espace/accompagnements/export.csv', PRO({ coordinator: 403, coordinator_other_department: 403, partner: 403, prescriber: 403, admin: 403 })],
		// La Coop de la médiation numérique: the place team's own (issue 14, item 8)
		['/espace/accompagnements/coop', PRO({ coordinator: 403, coordinator_other_department: 403, partner: 403, prescriber: 403, admin: 403 })],
		['/espace/accompagnements/coop/activites.csv', PRO({ coordinator: 403, coordinator_other_department: 403, partner: 403, prescriber: 403, admin: 403 })],
		['/espace/accompagnements/coop/activites.json', PRO({ coordinator: 403, coordinator_other_department: 403, partner: 403, prescriber: 403, admin: 403 })],
		// a place's answer link, and the person's page: no account; a damaged link is refused
		['/orientation/lien-abime', row(404)],
		['/mes-orientations', row('→ /mon-espace/orientations')],
		// Pass Numérique (the other département's coordinator sees their own, empty, fund)
		['/espace/pass', PRO()],
		['/espace/pass/fonds', COORDINATION()],
		['/espace/pass/campagnes', COORDINATION()],
		['/espace/pass/campagnes/nouvelle', COORDINATION()],
		[`/espace/pass/campagnes/${NIL}`, COORDINATION({ partner: 404, coordinator: 404, coordinator_other_department: 404, admin: 404 })],
		[`/espace/pass/campagnes/${NIL}/carnets.pdf?format=a4`, COORDINATION({ coordinator: 404, coordinator_other_department: 404, admin: 404 })],
		['/espace/pass/lieux', COORDINATION()],
		['/espace/pass/releves', COORDINATION()],
		[`/espace/pass/releves/${NIL}`, COORDINATION({ coordinator: 404, coordinator_other_department: 404, mediator: 404, place_manager: 404, admin: 404 })],
		[
			`/espace/pass/releves/${NIL}/releve.csv`,
			COORDINATION({ coordinator: 404, coordinator_other_department: 404, mediator: 404, place_manager: 404, admin: 404 })
		],
		[
			`/espace/pass/releves/${NIL}/releve.pdf`,
			COORDINATION({ coordinator: 404, coordinator_other_department: 404, mediator: 404, place_manager: 404, admin: 404 })
		],
		['/espace/pass/alertes', COORDINATION()],
		['/espace/pass/tableau-de-bord', COORDINATION({ partner: 200 })],
		['/espace/pass/tableau-de-bord.csv', COORDINATION({ partner: 200 })],
		['/espace/pass/remettre', PRO({ coordinator: 403, coordinator_other_department: 403, partner: 403, mediator: 403, place_manager: 403 })],
		['/espace/pass/encaisser', PRO({ coordinator: 403, coordinator_other_department: 403, partner: 403, prescriber: 403 })],
		// ——— issue 12, items 12–14 (helper "partner") ———
		['/espace/partenaire', PRO({ coordinator: 403, coordinator_other_department: 403, prescriber: 403, mediator: 403, place_manager: 403, admin: 403 })],
		// ——— the strategy (issue 16, item 6): coordinators write, partners read; another département's rows do not exist for them ———
		['/pilotage/feuille-de-route', COORDINATION({ partner: 200 })],
		['/pilotage/feuille-de-route/nouvelle', COORDINATION()],
		[`/pilotage/feuille-de-route/${NIL}`, COORDINATION({ partner: 404, coordinator: 404, coordinator_other_department: 404, admin: 404 })],
		['/pilotage/feuille-de-route.csv', COORDINATION({ partner: 200 })],
		['/pilotage/feuille-de-route.xlsx', COORDINATION({ partner: 200 })],
		['/pilotage/comites', COORDINATION({ partner: 200 })],
		['/pilotage/comites/nouveau', COORDINATION()],
		// issue 18, item 5: the equipment's steering figures, the département's coordinators only
		['/pilotage/materiel', COORDINATION()],
		[`/pilotage/comites/${NIL}`, COORDINATION({ partner: 404, coordinator: 404, coordinator_other_department: 404, admin: 404 })],
		// ——— training the helpers (issue 17): the catalogue and the registration's link are public; organising is the coordinators' and the managers' ———
		['/formations', row(200)],
		[`/formations/${session}`, row(200)],
		[`/formations/${NIL}`, row(404)],
		['/formations/inscription/lien-abime', row(404)],
		// a calendar feed: public by its secret; unknown or malformed, 404 for everyone
		[`/formations/agenda/${'A'.repeat(32)}.ics`, row(404)],
		['/formations/agenda/lien-abime.ics', row(404)],
		['/espace/formations', PRO()],
		['/espace/formations/nouvelle', ORGANISERS()],
		[`/espace/formations/${NIL}`, ORGANISERS(NO_TRAINING)],
		[`/espace/formations/${NIL}/sessions/nouvelle`, ORGANISERS(NO_TRAINING)],
		[`/espace/formations/${NIL}/sessions/${NIL}`, ORGANISERS(NO_TRAINING)],
		[`/espace/formations/${NIL}/sessions/${NIL}/inscrits.csv`, ORGANISERS(NO_TRAINING)],
		// ——— refurbished equipment (issue 18): the hub and the requests for every professional (the use cases say what each sees); a device is its refurbisher's ———
		['/espace/materiel', PRO()],
		['/espace/materiel/demandes', PRO()],
		[
			`/espace/materiel/appareils/${NIL}`,
			PRO({ coordinator: 403, coordinator_other_department: 403, partner: 403, prescriber: 403, mediator: 404, place_manager: 404, admin: 404 })
		],
		[
			`/espace/materiel/donateurs/${NIL}`,
			PRO({ coordinator: 404, coordinator_other_department: 404, partner: 404, prescriber: 404, mediator: 404, place_manager: 404, admin: 404 })
		],
		// recording donors and lots: the coordinators and the refurbishers' teams (can('equipment.manage'))
		['/espace/materiel/donateurs/nouveau', PRO({ partner: 403, prescriber: 403 })],
		['/espace/materiel/lots/nouveau', PRO({ partner: 403, prescriber: 403 })],
		// correcting a lot or a donor: the same people; one that exists nowhere is not found
		[
			`/espace/materiel/lots/${NIL}`,
			PRO({ partner: 403, prescriber: 403, coordinator: 404, coordinator_other_department: 404, mediator: 404, place_manager: 404, admin: 404 })
		],
		[
			`/espace/materiel/donateurs/${NIL}/modifier`,
			PRO({ partner: 403, prescriber: 403, coordinator: 404, coordinator_other_department: 404, mediator: 404, place_manager: 404, admin: 404 })
		],
		[
			`/espace/materiel/donateurs/${NIL}/rapport.csv`,
			PRO({ coordinator: 404, coordinator_other_department: 404, partner: 404, prescriber: 404, mediator: 404, place_manager: 404, admin: 404 })
		],
		[
			`/espace/materiel/donateurs/${NIL}/rapport.pdf`,
			PRO({ coordinator: 404, coordinator_other_department: 404, partner: 404, prescriber: 404, mediator: 404, place_manager: 404, admin: 404 })
		],
		['/admin/journal/journal.csv', COORDINATION()],
		['/mentions-legales', row(200)],
		['/donnees-personnelles', row(200)],
		['/cookies', row(200)],
		// a voucher's QR code: a code that exists nowhere is a 404 page; a place's team goes to the redemption page
		['/pass/0000-0000-0000-00', row(404, { mediator: '→ /espace/pass/encaisser', place_manager: '→ /espace/pass/encaisser' })]
	];
});

test.afterAll(async () => {
	for (const c of Object.values(ctx ?? {})) await c.dispose();
});

test('every route, every persona', async () => {
	// a request per route and persona (about 1,500): the personas of a route side by side
	test.setTimeout(180_000);
	const got: Record<string, Record<string, Outcome>> = {};
	const want: Record<string, Record<string, Outcome>> = {};
	for (const [url, expected] of matrix) {
		got[url] = {};
		want[url] = expected;
		await Promise.all(
			EVERYONE.map(async (w) => {
				const res = await ctx[w].get(url, { headers: { accept: 'text/html' } });
				const location = res.headers()['location'];
				got[url][w] = location ? (`→ ${new URL(location, 'http://x').pathname}` as Outcome) : (res.status() as Outcome);
			})
		);
	}
	expect(got).toEqual(want);
});

test('a coordinator reads the journal of their own département only', async () => {
	const { cd47, cd33 } = seed().organisations;
	const theirs = await (await ctx.coordinator_other_department.get('/admin/journal')).text();
	expect(theirs).toContain(cd33);
	expect(theirs).not.toContain(cd47);
	const mine = await (await ctx.coordinator.get('/admin/journal')).text();
	expect(mine).toContain(cd47);
	expect(mine).not.toContain(cd33);
});

test('the SMS provider’s webhook wants its shared secret: no session opens it, and a form from another site never reaches it', async () => {
	const reply = { from: '+33612345678', text: 'OUI' };
	for (const w of EVERYONE) {
		const res = await ctx[w].post('/api/sms/entrant', { headers: { 'content-type': 'application/json' }, data: JSON.stringify(reply) });
		expect(res.status(), w).toBe(401);
		expect(await res.json(), w).toEqual({ ok: false });
	}
	const wrong = await ctx.anonymous.post('/api/sms/entrant', {
		headers: { 'content-type': 'application/json', authorization: 'Bearer pas-le-bon' },
		data: JSON.stringify(reply)
	});
	expect(wrong.status()).toBe(401);
	const form = await ctx.anonymous.post('/api/sms/entrant', {
		headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
		data: 'from=%2B33612345678&text=OUI'
	});
	expect(form.status()).toBe(403);
});

test('a form posted from another site is refused (CSRF)', async ({ baseURL }) => {
	const res = await ctx.coordinator.post('/admin/organisations', {
		headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
		data: 'name=Pirate&kind=autre&departmentCode=47'
	});
	expect(res.status()).toBe(403);
	const same = await ctx.coordinator.post('/admin/organisations', {
		headers: { origin: baseURL!, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
		data: 'name=&kind=&departmentCode=47'
	});
	expect(same.status()).toBe(400);
});

test('a structure’s page acts only on its own members: another structure’s account is refused, another département’s page is not found, nothing changes', async ({
	baseURL
}) => {
	const { cd47, mediatheque } = seed().organisations;
	const post = (who: Who, path: string, data: string) =>
		ctx[who].post(path, { headers: { origin: baseURL!, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, data });
	const page47 = await (await ctx.coordinator.get(`/admin/organisations/${cd47}`)).text();
	const userId = /action="\?\/deactivate"[\s\S]*?name="userId" value="([0-9a-f-]{36})"/.exec(page47)?.[1];
	expect(userId, 'a member of the Département 47 with a deactivation form').toBeTruthy();
	// the attack pass of issue 13: the id posted was acted on whatever the structure of the URL
	const elsewhere = await post('coordinator', `/admin/organisations/${mediatheque}?/deactivate`, `userId=${userId}&active=0`);
	expect(elsewhere.status()).toBe(400);
	expect(await elsewhere.text()).toContain('Ce compte n’est pas membre de cette structure.');
	const otherDepartment = await post('coordinator_other_department', `/admin/organisations/${cd47}?/deactivate`, `userId=${userId}&active=0`);
	expect(otherDepartment.status()).toBe(404);
	const revoke = await post('coordinator', `/admin/organisations/${mediatheque}?/revoke`, `id=${NIL}`);
	expect(revoke.status()).toBe(400);
	// still active: its form still offers to deactivate it
	const after = await (await ctx.coordinator.get(`/admin/organisations/${cd47}`)).text();
	expect(after).toMatch(new RegExp(`name="userId" value="${userId}"[^<]*<input[^>]*name="active" value="0"`));
});

test('a refusal deep in the site keeps its look: every stylesheet of the 403 page loads', async ({ browser, baseURL }) => {
	// the walk of issue 13: /espace/pass/fonds refused to a mediator came without any style
	const context = await browser.newContext({ baseURL, storageState: statePath('mediator') });
	const page = await context.newPage();
	const res = await page.goto('/espace/pass/fonds');
	expect(res!.status()).toBe(403);
	const sheets = await page.evaluate(() => [...document.querySelectorAll('link[rel="stylesheet"]')].map((l) => (l as HTMLLinkElement).href));
	expect(sheets.length).toBeGreaterThan(1);
	for (const href of sheets) expect((await context.request.get(href)).status(), href).toBe(200);
	await context.close();
});
