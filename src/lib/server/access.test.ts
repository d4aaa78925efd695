/**
 * The authorisation matrix: every route of src/routes, every persona (anonymous, each role,
 * a coordinator before the second factor, a coordinator of another département), and what
 * each one gets. A new route fails this test until it has a rule here and in access.ts.
 * (e2e/authz.spec.ts checks the same over HTTP with real accounts.)
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { decide, ROUTE_RULES, type Decision } from './access.ts';
import type { LoadedSession, Role } from './accounts/index.ts';

const ROUTES_DIR = join(import.meta.dirname, '..', '..', 'routes');

/** Route ids as SvelteKit computes them: the folder of each +page / +server file. */
function routeIds(): string[] {
	const ids = new Set<string>();
	const walk = (dir: string) => {
		for (const name of readdirSync(dir)) {
			const p = join(dir, name);
			if (statSync(p).isDirectory()) walk(p);
			else if (/^\+(page|server)\.(svelte|ts|js)$/.test(name)) {
				const rel = relative(ROUTES_DIR, dir).split(sep).join('/');
				ids.add('/' + rel);
			}
		}
	};
	walk(ROUTES_DIR);
	return [...ids].map((id) => (id === '/' ? '/' : id.replace(/\/$/, ''))).sort();
}

function persona(roles: Role[], opts: { department?: string; mfa?: boolean; enrolled?: boolean; admin?: boolean } = {}): LoadedSession {
	const mfa = opts.mfa ?? true;
	return {
		tokenHash: 'x',
		userId: 'u',
		mfa,
		method: 'password',
		createdAt: new Date(),
		expiresAt: new Date(),
		user: { id: 'u', email: 'x@y.fr', displayName: 'X', isAdmin: !!opts.admin, totpEnrolled: opts.enrolled ?? true },
		actor: {
			userId: 'u',
			isAdmin: !!opts.admin,
			mfa,
			memberships: roles.map((role) => ({ organisationId: 'o', role, departmentCode: opts.department ?? '47' }))
		}
	};
}

const PERSONAS: Record<string, LoadedSession | null> = {
	anonymous: null,
	coordinator: persona(['coordinator']),
	coordinator_other_department: persona(['coordinator'], { department: '33' }),
	coordinator_before_code: persona(['coordinator'], { mfa: false }),
	coordinator_not_enrolled: persona(['coordinator'], { mfa: false, enrolled: false }),
	partner: persona(['partner']),
	partner_before_code: persona(['partner'], { mfa: false }),
	partner_not_enrolled: persona(['partner'], { mfa: false, enrolled: false }),
	prescriber: persona(['prescriber']),
	mediator: persona(['mediator']),
	place_manager: persona(['place_manager']),
	no_role: persona([], { mfa: false, enrolled: false }),
	admin: persona([], { admin: true })
};

const ALL = Object.keys(PERSONAS);
const PUBLIC = Object.fromEntries(ALL.map((p) => [p, 'allow'])) as Record<string, Decision>;
const LOGGED_IN_ANY = { ...PUBLIC, anonymous: 'login' } as Record<string, Decision>;
/** a professional page: any role, second factor passed when the role needs it */
const PRO: Record<string, Decision> = {
	anonymous: 'login',
	coordinator: 'allow',
	coordinator_other_department: 'allow',
	coordinator_before_code: 'second-factor',
	coordinator_not_enrolled: 'enrol',
	partner: 'allow',
	partner_before_code: 'second-factor',
	partner_not_enrolled: 'enrol',
	prescriber: 'allow',
	mediator: 'allow',
	place_manager: 'allow',
	no_role: 'allow',
	admin: 'allow'
};
const restrict = (allowed: string[]): Record<string, Decision> =>
	Object.fromEntries(Object.entries(PRO).map(([p, d]) => [p, d === 'allow' ? (allowed.includes(p) ? 'allow' : 'forbidden') : d])) as Record<string, Decision>;

/** A partner's own figures: the partner before its second factor (enrolled or not) too; nobody else without it. */
const PARTNER_FIGURES: Record<string, Decision> = {
	...restrict(['coordinator', 'coordinator_other_department', 'partner', 'admin']),
	partner_before_code: 'allow',
	partner_not_enrolled: 'allow'
};

/** The département's strategy: its coordinators and partners, never before the second factor. */
const STRATEGY = restrict(['coordinator', 'coordinator_other_department', 'partner', 'admin']);

/** Organising trainings (issue 17): the coordinators and the structures' managers, the second factor passed. */
const TRAINING_ORGANISERS = restrict(['coordinator', 'coordinator_other_department', 'place_manager', 'admin']);
/** Relayed webinars' groups: the places' teams (mediators and managers), the second factor passed; can('training.relay') narrows to their places. */
const TRAINING_RELAYS = restrict(['mediator', 'place_manager', 'admin']);

/** Mon espace: the person's own session only; no professional's session opens it (the person's is decided apart, below). */
const PERSON_ONLY = Object.fromEntries(ALL.map((p) => [p, 'person-login'])) as Record<string, Decision>;
const PERSON_ROUTES = [
	'/(public)/mon-espace',
	'/(public)/mon-espace/orientations',
	'/(public)/mon-espace/orientations/[id]/documents',
	'/(public)/mon-espace/pass',
	'/(public)/mon-espace/acces',
	'/(public)/mon-espace/journal',
	'/(public)/mon-espace/securite',
	'/(public)/mon-espace/securite/cle',
	'/(public)/mon-espace/securite/feuille.pdf',
	'/(public)/mon-espace/mandats',
	'/(public)/mon-espace/documents',
	'/(public)/mon-espace/documents/ajouter',
	'/(public)/mon-espace/documents/export.zip',
	'/(public)/mon-espace/documents/fermer',
	'/(public)/mon-espace/documents/[id]',
	'/(public)/mon-espace/documents/[id]/fichier',
	'/(public)/mon-espace/documents/[id]/vignette'
];

/** What each persona gets on each route. The other département is refused by the services (404), not here. */
const EXPECTED: Record<string, Record<string, Decision>> = {
	'/': PUBLIC,
	'/(public)/lieux': PUBLIC,
	'/(public)/lieux/[id]': PUBLIC,
	'/(public)/accessibilite': PUBLIC,
	'/(public)/mentions-legales': PUBLIC,
	'/(public)/donnees-personnelles': PUBLIC,
	'/(public)/cookies': PUBLIC,
	'/(public)/donnees': PUBLIC,
	'/(public)/donnees/pilotage/[departement]/[table].csv': PUBLIC,
	'/(public)/plan-du-site': PUBLIC,
	'/(public)/diagnostic': PUBLIC,
	'/(public)/mes-orientations': PUBLIC,
	'/(public)/mon-espace/documents': PERSON_ONLY,
	'/(public)/mon-espace/documents/ajouter': PERSON_ONLY,
	'/(public)/mon-espace/documents/export.zip': PERSON_ONLY,
	'/(public)/mon-espace/documents/fermer': PERSON_ONLY,
	'/(public)/mon-espace/documents/[id]': PERSON_ONLY,
	'/(public)/mon-espace/documents/[id]/fichier': PERSON_ONLY,
	'/(public)/mon-espace/documents/[id]/vignette': PERSON_ONLY,
	'/(public)/mes-orientations/[token]': PUBLIC,
	'/(public)/mon-espace/connexion': PUBLIC,
	'/(public)/mon-espace/connexion/cle': PUBLIC,
	'/(public)/mon-espace/deconnexion': PUBLIC,
	...Object.fromEntries(PERSON_ROUTES.map((id) => [id, PERSON_ONLY])),
	'/vendor/webauthn.js': PUBLIC,
	'/(public)/orientation/[token]': PUBLIC,
	'/(public)/orientation/[token]/documents/[document]': PUBLIC,
	'/theme.css': PUBLIC,
	'/vendor/leaflet/[...file]': PUBLIC,
	'/api/v1/places': PUBLIC,
	'/api/v1/places/[id]': PUBLIC,
	'/api/v1/places.csv': PUBLIC,
	// data·inclusion v1: structures, services, both in one file
	'/api/v1/data-inclusion': PUBLIC,
	'/api/v1/data-inclusion/structures': PUBLIC,
	'/api/v1/data-inclusion/services': PUBLIC,
	'/api/v1/openapi.json': PUBLIC,
	'/api/v1/telechargements/lieux-mediation-numerique.csv': PUBLIC,
	'/api/v1/telechargements/lieux-mediation-numerique.json': PUBLIC,
	'/api/v1/cartographie-nationale.json': PUBLIC,
	'/api/v1/cartographie-nationale/exclus.json': PUBLIC,
	// no session needed: the provider's shared secret is checked by the route (401 without it)
	'/api/sms/entrant': PUBLIC,
	'/(public)/erreur/[raison]': PUBLIC,
	'/(auth)/connexion': PUBLIC,
	'/(auth)/connexion/proconnect': PUBLIC,
	'/(auth)/connexion/proconnect/retour': PUBLIC,
	'/(auth)/invitation/[token]': PUBLIC,
	'/(auth)/mot-de-passe-oublie': PUBLIC,
	'/(auth)/mot-de-passe/[token]': PUBLIC,
	'/(auth)/connexion/code': LOGGED_IN_ANY,
	'/(auth)/deconnexion': LOGGED_IN_ANY,
	'/(pro)/compte/double-authentification': LOGGED_IN_ANY,
	'/(pro)/compte': PRO,
	'/(pro)/espace': PRO,
	'/(pro)/admin/journal': restrict(['coordinator', 'coordinator_other_department', 'admin']),
	'/(pro)/admin/journal/journal.csv': restrict(['coordinator', 'coordinator_other_department', 'admin']),
	'/(pro)/admin/signalements': restrict(['coordinator', 'coordinator_other_department', 'admin']),
	'/(pro)/admin/lieux': restrict(['coordinator', 'coordinator_other_department', 'admin']),
	'/(pro)/admin/lieux/[id]': restrict(['coordinator', 'coordinator_other_department', 'admin']),
	'/(pro)/admin/lieux/nouveau': restrict(['coordinator', 'coordinator_other_department', 'admin']),
	'/(pro)/admin/lieux/fusion': restrict(['coordinator', 'coordinator_other_department', 'admin']),
	'/(pro)/admin/lieux/a-verifier': restrict(['coordinator', 'coordinator_other_department', 'admin']),
	'/(pro)/admin/instance': restrict(['admin']),
	'/(pro)/admin/instance/materiel': restrict(['admin']),
	'/(pro)/espace/lieux': restrict(['place_manager', 'admin']),
	'/(pro)/espace/lieux/[id]': restrict(['coordinator', 'coordinator_other_department', 'place_manager', 'admin']),
	'/(pro)/admin/organisations': restrict(['coordinator', 'coordinator_other_department', 'admin']),
	'/(pro)/admin/organisations/import': restrict(['coordinator', 'coordinator_other_department', 'admin']),
	'/(pro)/admin/organisations/[id]': restrict(['coordinator', 'coordinator_other_department', 'place_manager', 'admin']),
	'/(pro)/espace/structure': restrict(['place_manager', 'admin']),
	'/(pro)/espace/structure/[id]': restrict(['coordinator', 'coordinator_other_department', 'place_manager', 'admin']),
	// the administrator passes the door but the services give them no personal record (can())
	'/(pro)/espace/personnes': restrict(['prescriber', 'mediator', 'admin']),
	'/(pro)/espace/personnes/nouvelle': restrict(['prescriber', 'mediator', 'admin']),
	'/(pro)/espace/personnes/[id]': restrict(['prescriber', 'mediator', 'admin']),
	'/(pro)/espace/personnes/[id]/coffre': restrict(['prescriber', 'mediator', 'place_manager', 'admin']),
	'/(pro)/espace/personnes/[id]/coffre/[document]': restrict(['prescriber', 'mediator', 'place_manager', 'admin']),
	'/(pro)/espace/personnes/[id]/export.json': restrict(['prescriber', 'mediator', 'admin']),
	'/(pro)/espace/personnes/[id]/export.pdf': restrict(['prescriber', 'mediator', 'admin']),
	'/(pro)/espace/personnes/[id]/orienter': restrict(['prescriber', 'mediator', 'admin']),
	// mandates: the helpers of a structure (the services refuse the administrator: can())
	'/(pro)/espace/personnes/[id]/mandats': restrict(['prescriber', 'mediator', 'place_manager', 'admin']),
	'/(pro)/espace/personnes/[id]/mandats/[mandat]': restrict(['prescriber', 'mediator', 'place_manager', 'admin']),
	'/(pro)/espace/personnes/[id]/mandats/[mandat]/attestation.pdf': restrict(['prescriber', 'mediator', 'place_manager', 'admin']),
	'/(public)/mandat/[token]': PUBLIC,
	// the person's own page: no professional's session opens it
	'/(public)/mon-espace/mandats': Object.fromEntries(ALL.map((p) => [p, 'person-login'])) as Record<string, Decision>,
	'/(pro)/espace/orientations': restrict(['prescriber', 'mediator', 'place_manager', 'admin']),
	'/(pro)/espace/orientations/[id]': restrict(['prescriber', 'mediator', 'place_manager', 'admin']),
	'/(pro)/espace/orientations/[id]/documents': restrict(['prescriber', 'mediator', 'admin']),
	'/(pro)/espace/orientations/[id]/fiche.pdf': restrict(['prescriber', 'mediator', 'place_manager', 'admin']),
	'/(pro)/espace/accompagnements': restrict(['mediator', 'place_manager', 'admin']),
	'/(pro)/espace/accompagnements/nouveau': restrict(['mediator', 'place_manager', 'admin']),
	'/(pro)/espace/accompagnements/export.csv': restrict(['mediator', 'place_manager', 'admin']),
	'/(pro)/espace/accompagnements/coop': restrict(['mediator', 'place_manager', 'admin']),
	'/(pro)/espace/accompagnements/coop/activites.csv': restrict(['mediator', 'place_manager', 'admin']),
	'/(pro)/espace/accompagnements/coop/activites.json': restrict(['mediator', 'place_manager', 'admin']),
	'/(public)/pass/[code]': PUBLIC,
	'/(pro)/espace/pass': PRO,
	'/(pro)/espace/pass/fonds': restrict(['coordinator', 'coordinator_other_department', 'admin']),
	'/(pro)/espace/pass/campagnes': restrict(['coordinator', 'coordinator_other_department', 'admin']),
	'/(pro)/espace/pass/campagnes/nouvelle': restrict(['coordinator', 'coordinator_other_department', 'admin']),
	'/(pro)/espace/pass/campagnes/[id]': restrict(['coordinator', 'coordinator_other_department', 'partner', 'admin']),
	'/(pro)/espace/pass/campagnes/[id]/carnets.pdf': restrict(['coordinator', 'coordinator_other_department', 'admin']),
	'/(pro)/espace/pass/lieux': restrict(['coordinator', 'coordinator_other_department', 'admin']),
	'/(pro)/espace/pass/releves': restrict(['coordinator', 'coordinator_other_department', 'admin']),
	'/(pro)/espace/pass/releves/[id]': restrict(['coordinator', 'coordinator_other_department', 'mediator', 'place_manager', 'admin']),
	'/(pro)/espace/pass/releves/[id]/releve.csv': restrict(['coordinator', 'coordinator_other_department', 'mediator', 'place_manager', 'admin']),
	'/(pro)/espace/pass/releves/[id]/releve.pdf': restrict(['coordinator', 'coordinator_other_department', 'mediator', 'place_manager', 'admin']),
	'/(pro)/espace/pass/alertes': restrict(['coordinator', 'coordinator_other_department', 'admin']),
	// counts and amounts only: a partner reads them before the second factor (a coordinator does not)
	'/(pro)/espace/pass/tableau-de-bord': PARTNER_FIGURES,
	'/(pro)/espace/pass/tableau-de-bord.csv': PARTNER_FIGURES,
	'/(pro)/espace/pass/remettre': restrict(['prescriber', 'admin']),
	'/(pro)/espace/pass/encaisser': restrict(['mediator', 'place_manager', 'admin']),
	// ——— partner (issue 12, item 12) ———
	'/(pro)/espace/partenaire': { ...restrict(['partner', 'admin']), partner_before_code: 'allow', partner_not_enrolled: 'allow' },
	// ——— steering (issue 16): aggregates only, the département's coordinators and partners (a partner before its code too) ———
	'/(pro)/pilotage': PARTNER_FIGURES,
	'/(pro)/pilotage/offre': PARTNER_FIGURES,
	'/(pro)/pilotage/fragilite': PARTNER_FIGURES,
	'/(pro)/pilotage/export/[table].csv': PARTNER_FIGURES,
	'/(pro)/pilotage/export/[section].xlsx': PARTNER_FIGURES,
	'/(pro)/pilotage/rapport.pdf': PARTNER_FIGURES,
	// the strategy: coordinators and partners, second factor passed (which département: can() in the services)
	'/(pro)/pilotage/feuille-de-route': STRATEGY,
	'/(pro)/pilotage/feuille-de-route/nouvelle': STRATEGY,
	'/(pro)/pilotage/feuille-de-route/[id]': STRATEGY,
	'/(pro)/pilotage/feuille-de-route.csv': STRATEGY,
	'/(pro)/pilotage/feuille-de-route.xlsx': STRATEGY,
	'/(pro)/pilotage/comites': STRATEGY,
	'/(pro)/pilotage/comites/nouveau': STRATEGY,
	'/(pro)/pilotage/comites/[id]': STRATEGY,
	// ——— steering (issue 16): the coordinators and the partners, aggregates only ———
	'/(pro)/pilotage/demande': PARTNER_FIGURES,
	'/(pro)/pilotage/resultats': PARTNER_FIGURES,
	'/(pro)/pilotage/formations': PARTNER_FIGURES,
	'/(pro)/pilotage/materiel': restrict(['coordinator', 'coordinator_other_department', 'admin']),
	'/(pro)/pilotage/partenaires': PARTNER_FIGURES,
	// ——— training the helpers (issue 17): the catalogue and the registration's link public, organising for the coordinators and the managers ———
	'/(public)/formations': PUBLIC,
	'/(public)/formations/[id]': PUBLIC,
	'/(public)/formations/evenements/[event]': PUBLIC,
	'/(public)/formations/inscription/[token]': PUBLIC,
	'/(public)/formations/enquete/[token]': PUBLIC,
	'/(public)/formations/agenda/[secret].ics': PUBLIC,
	'/(pro)/espace/formations': PRO,
	'/(pro)/espace/formations/nouvelle': TRAINING_ORGANISERS,
	'/(pro)/espace/formations/[id]': TRAINING_ORGANISERS,
	'/(pro)/espace/formations/[id]/sessions/nouvelle': TRAINING_ORGANISERS,
	'/(pro)/espace/formations/[id]/sessions/[session]': TRAINING_ORGANISERS,
	'/(pro)/espace/formations/[id]/sessions/[session]/inscrits.csv': TRAINING_ORGANISERS,
	'/(pro)/espace/materiel': PRO,
	'/(pro)/espace/materiel/appareils/[id]': restrict(['mediator', 'place_manager', 'admin']),
	'/(pro)/espace/materiel/demandes': PRO,
	'/(pro)/espace/materiel/donateurs/[id]': PRO,
	'/(pro)/espace/materiel/donateurs/nouveau': restrict(['coordinator', 'coordinator_other_department', 'mediator', 'place_manager', 'admin']),
	'/(pro)/espace/materiel/lots/nouveau': restrict(['coordinator', 'coordinator_other_department', 'mediator', 'place_manager', 'admin']),
	'/(pro)/espace/materiel/lots/[id]': restrict(['coordinator', 'coordinator_other_department', 'mediator', 'place_manager', 'admin']),
	'/(pro)/espace/materiel/donateurs/[id]/modifier': restrict(['coordinator', 'coordinator_other_department', 'mediator', 'place_manager', 'admin']),
	'/(pro)/espace/materiel/donateurs/[id]/rapport.csv': PRO,
	'/(pro)/espace/materiel/donateurs/[id]/rapport.pdf': PRO,
	'/(pro)/espace/formations/[id]/sessions/[session]/presences': PRO,
	'/(pro)/espace/formations/[id]/sessions/[session]/emargement/[slot].pdf': PRO,
	'/(public)/formations/attestations/[number]': PUBLIC,
	'/(public)/formations/attestations/emetteur': PUBLIC,
	'/(public)/formations/attestations/verifier': PUBLIC,
	'/(public)/formations/inscription/[token]/attestation': PUBLIC,
	'/(public)/formations/inscription/[token]/attestation/attestation.pdf': PUBLIC,
	'/(public)/formations/inscription/[token]/attestation/open-badge.jwt': PUBLIC,
	'/(pro)/espace/formations/[id]/sessions/[session]/annulation': TRAINING_ORGANISERS,
	'/(pro)/espace/formations/[id]/sessions/[session]/relais': TRAINING_ORGANISERS,
	'/(pro)/espace/formations/relais': TRAINING_RELAYS,
	'/(pro)/espace/formations/relais/[relay]': TRAINING_RELAYS,
	'/(pro)/espace/formations/evenements': TRAINING_ORGANISERS,
	'/(pro)/espace/formations/evenements/[event]': TRAINING_ORGANISERS
};

describe('authorisation matrix', () => {
	const ids = routeIds();

	it('finds the routes on disk', () => {
		expect(ids).toContain('/(public)/lieux');
		expect(ids.length).toBeGreaterThan(15);
	});

	it('has a rule and an expectation for every route, and none for a route that no longer exists', () => {
		expect(
			ids.filter((id) => !ROUTE_RULES[id]),
			'routes without a rule in access.ts'
		).toEqual([]);
		expect(
			ids.filter((id) => !EXPECTED[id]),
			'routes without an expectation in this test'
		).toEqual([]);
		expect(
			Object.keys(ROUTE_RULES).filter((id) => !ids.includes(id)),
			'rules for routes that do not exist'
		).toEqual([]);
	});

	for (const id of Object.keys(EXPECTED)) {
		it(`${id}: every persona`, () => {
			const got = Object.fromEntries(ALL.map((p) => [p, decide(id, PERSONAS[p])]));
			expect(got).toEqual(EXPECTED[id]);
		});
	}

	it('names the secret of each route a provider calls', () => {
		const provider = Object.entries(ROUTE_RULES).filter(([, r]) => r.access === 'provider');
		expect(provider.map(([id, r]) => [id, r.access === 'provider' && r.secret])).toEqual([['/api/sms/entrant', 'SMS_INBOUND_SECRET']]);
	});

	it('refuses a route nobody wrote a rule for', () => {
		expect(decide('/(pro)/admin/nouvelle-page', PERSONAS.admin)).toBe('no-rule');
		expect(decide('/(pro)/admin/nouvelle-page', null)).toBe('no-rule');
	});
});

describe('Mon espace: the person’s own session', () => {
	it('opens every page of Mon espace to the person’s session, with or without a professional’s beside it', () => {
		for (const id of PERSON_ROUTES) for (const p of ALL) expect(decide(id, PERSONAS[p], true), `${id} for ${p} with the person’s session`).toBe('allow');
	});
	it('lists every route whose rule is the person’s', () => {
		expect(
			Object.keys(ROUTE_RULES)
				.filter((id) => ROUTE_RULES[id].access === 'person')
				.sort()
		).toEqual([...PERSON_ROUTES].sort());
	});
	it('the person’s session opens no professional page', () => {
		for (const [id, rule] of Object.entries(ROUTE_RULES)) {
			if (rule.access === 'pro' || rule.access === 'admin' || rule.access === 'session') expect(decide(id, null, true), id).toBe('login');
		}
	});
});

describe('pages of aggregates before the second factor', () => {
	it('open to an account whose roles are all aggregate roles, not to one that is also coordinator or prescriber', () => {
		const pages = ['/(pro)/espace/partenaire', '/(pro)/espace/pass/tableau-de-bord'];
		for (const page of pages) {
			expect(decide(page, persona(['partner'], { mfa: false })), page).toBe('allow');
			// the page acts with every role of the account: the coordinator's wider figures need the code
			expect(decide(page, persona(['partner', 'coordinator'], { mfa: false })), page).not.toBe('allow');
			expect(decide(page, persona(['partner', 'prescriber'], { mfa: false })), page).not.toBe('allow');
			expect(decide(page, persona(['partner'], { mfa: false, admin: true })), page).not.toBe('allow');
		}
	});
});

describe('Mon espace: the person’s own session', () => {
	it('opens the person’s pages to their session only, whatever professional session comes with it', () => {
		for (const id of Object.keys(ROUTE_RULES).filter((r) => ROUTE_RULES[r].access === 'person')) {
			expect(decide(id, null, true), id).toBe('allow');
			expect(decide(id, PERSONAS.admin, false), id).toBe('person-login');
			expect(decide(id, PERSONAS.prescriber, false), id).toBe('person-login');
		}
	});
});
