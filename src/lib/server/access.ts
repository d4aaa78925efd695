/**
 * Who may open which route: one rule per SvelteKit route id, checked in hooks.server.ts
 * before anything else runs. A route without a rule is refused (and the authorisation
 * matrix test fails), so a new page can't be public by accident. Finer checks (which
 * département, which place) happen in the services through can().
 */
import { type LoadedSession, hasRole, requiresMfa, type Role } from './accounts/index.ts';

export type RouteRule =
	/** anyone */
	| { access: 'public' }
	/** a session, even before the second factor (the code page, the enrolment page, logout) */
	| { access: 'session' }
	/** a professional: second factor passed when their roles require it; one of `roles` when given */
	| { access: 'pro'; roles?: readonly Role[]; aggregate?: readonly Role[] }
	/** the instance administrator */
	| { access: 'admin' }
	/** a provider calling us server to server (no session): the route itself checks its shared secret */
	| { access: 'provider'; secret: string }
	/** the person helped, in their own session (Mon espace: a one-time code, a link, a passkey); no professional account */
	| { access: 'person' };

const PUBLIC = { access: 'public' } as const;
/** the person helped, signed in to Mon espace (issue 15); without their session: the sign-in page */
const PERSON = { access: 'person' } as const;
const COORDINATORS = { access: 'pro', roles: ['coordinator'] } as const;
/** the people who work with the persons helped: records, referrals sent */
const CARE = { access: 'pro', roles: ['prescriber', 'mediator'] } as const;
/** the helpers of a structure, who act for a person under a mandate */
const HELPERS = { access: 'pro', roles: ['prescriber', 'mediator', 'place_manager'] } as const;
/** referrals sent or received */
const REFERRALS = { access: 'pro', roles: ['prescriber', 'mediator', 'place_manager'] } as const;
/** a place's team: referrals received, accompaniments */
const PLACE_TEAM = { access: 'pro', roles: ['mediator', 'place_manager'] } as const;
/** donors and lots of refurbished equipment: the coordinators, and the refurbishers' teams (can('equipment.manage') narrows to the département and the structure) */
const EQUIPMENT_MANAGERS = { access: 'pro', roles: ['coordinator', 'mediator', 'place_manager'] } as const;
/** Pass Numérique figures: the coordinators, and the partners for the campaigns they fund */
const PASS_READERS = { access: 'pro', roles: ['coordinator', 'partner'] } as const;
/** a Pass Numérique statement: the coordinators, and the team of the place it pays */
const STATEMENT_READERS = { access: 'pro', roles: ['coordinator', 'mediator', 'place_manager'] } as const;
/**
 * A partner's own figures (counts and amounts, nothing personal): open to a member holding
 * the partner role before the second factor (`aggregate`); anything personal still asks for it.
 */
const PARTNER_FIGURES = { access: 'pro', roles: ['partner', 'coordinator'], aggregate: ['partner'] } as const;
/**
 * The département's strategy (issue 16, item 6): its roadmap and committees, read by its
 * coordinators and partners (the second factor passed: minutes are free text), written by
 * its coordinators (can('strategy.manage') in the services).
 */
const STRATEGY = { access: 'pro', roles: ['coordinator', 'partner'] } as const;
/** the partner's own page: its figures, for the partner role only */
const PARTNER_PAGE = { access: 'pro', roles: ['partner'], aggregate: ['partner'] } as const;
const STEERING = { access: 'pro', roles: ['partner', 'coordinator'], aggregate: ['partner'] } as const;
/**
 * Training the helpers (issue 17): the département's coordinators and the managers of a
 * structure organise (can('training.manage') narrows to their own trainings); the second
 * factor passed: the registrants' names and addresses are personal data.
 */
const TRAINING_ORGANISERS = { access: 'pro', roles: ['coordinator', 'place_manager'] } as const;
/** A relayed webinar's groups: the teams of the places (their managers and mediators; can('training.relay') narrows to the place's structures). */
const TRAINING_RELAYS = { access: 'pro', roles: ['place_manager', 'mediator'] } as const;

export const ROUTE_RULES: Record<string, RouteRule> = {
	'/': PUBLIC,
	'/(public)/lieux': PUBLIC,
	'/(public)/lieux/[id]': PUBLIC,
	'/(public)/accessibilite': PUBLIC,
	// the legal pages (issue 12, item 14)
	'/(public)/mentions-legales': PUBLIC,
	'/(public)/donnees-personnelles': PUBLIC,
	'/(public)/cookies': PUBLIC,
	'/(public)/donnees': PUBLIC,
	// steering's offer and fragility, published (no person in them): issue 16, item 9
	'/(public)/donnees/pilotage/[departement]/[table].csv': PUBLIC,
	'/(public)/plan-du-site': PUBLIC,
	// the branded page of a refusal decided before routing (hooks.server.ts)
	'/(public)/erreur/[raison]': PUBLIC,
	'/(public)/diagnostic': PUBLIC,
	// the person helped: the old address of their page leads to Mon espace; their link opens a session; a place without an account answering by link
	'/(public)/mes-orientations': PUBLIC,
	'/(public)/mes-orientations/[token]': PUBLIC,
	// ——— Mon espace (issue 15): the person's own place, in their own session ———
	'/(public)/mon-espace/connexion': PUBLIC,
	// a passkey challenge for the sign-in page's script (counted per address)
	'/(public)/mon-espace/connexion/cle': PUBLIC,
	// logout: ends the session when there is one, clears the cookie either way
	'/(public)/mon-espace/deconnexion': PUBLIC,
	'/(public)/mon-espace': PERSON,
	'/(public)/mon-espace/orientations': PERSON,
	'/(public)/mon-espace/orientations/[id]/documents': PERSON,
	'/(public)/mon-espace/pass': PERSON,
	'/(public)/mon-espace/acces': PERSON,
	'/(public)/mon-espace/journal': PERSON,
	'/(public)/mon-espace/securite': PERSON,
	'/(public)/mon-espace/securite/cle': PERSON,
	'/(public)/mon-espace/securite/feuille.pdf': PERSON,
	// @simplewebauthn/browser's bundle, for the passkeys' script
	'/vendor/webauthn.js': PUBLIC,
	'/(public)/orientation/[token]': PUBLIC,
	'/(public)/orientation/[token]/documents/[document]': PUBLIC,
	// the person's vault (issue 15): their own session only
	'/(public)/mon-espace/documents': PERSON,
	'/(public)/mon-espace/documents/ajouter': PERSON,
	'/(public)/mon-espace/documents/export.zip': PERSON,
	'/(public)/mon-espace/documents/fermer': PERSON,
	'/(public)/mon-espace/documents/[id]': PERSON,
	'/(public)/mon-espace/documents/[id]/fichier': PERSON,
	'/(public)/mon-espace/documents/[id]/vignette': PERSON,
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
	// the SMS provider posts the replies of the people (consent by SMS): its shared secret, checked in the route
	'/api/sms/entrant': { access: 'provider', secret: 'SMS_INBOUND_SECRET' },
	'/(auth)/connexion': PUBLIC,
	'/(auth)/connexion/proconnect': PUBLIC,
	'/(auth)/connexion/proconnect/retour': PUBLIC,
	'/(auth)/invitation/[token]': PUBLIC,
	'/(auth)/mot-de-passe-oublie': PUBLIC,
	'/(auth)/mot-de-passe/[token]': PUBLIC,
	'/(auth)/connexion/code': { access: 'session' },
	'/(auth)/deconnexion': { access: 'session' },
	'/(pro)/compte/double-authentification': { access: 'session' },
	'/(pro)/compte': { access: 'pro' },
	'/(pro)/espace': { access: 'pro' },
	'/(pro)/admin/journal': COORDINATORS,
	'/(pro)/admin/journal/journal.csv': COORDINATORS,
	'/(pro)/admin/signalements': COORDINATORS,
	'/(pro)/admin/lieux': COORDINATORS,
	// keeping the places right (issue 12, item 8): the département's coordinators (can('place.curate') in the services)
	'/(pro)/admin/lieux/[id]': COORDINATORS,
	'/(pro)/admin/lieux/nouveau': COORDINATORS,
	'/(pro)/admin/lieux/fusion': COORDINATORS,
	'/(pro)/admin/lieux/a-verifier': COORDINATORS,
	'/(pro)/admin/instance': { access: 'admin' },
	// the eligibility proofs the instance accepts for a refurbished device (issue 18, item 3)
	'/(pro)/admin/instance/materiel': { access: 'admin' },
	'/(pro)/espace/lieux': { access: 'pro', roles: ['place_manager'] },
	'/(pro)/espace/lieux/[id]': { access: 'pro', roles: ['place_manager', 'coordinator'] },
	'/(pro)/admin/organisations': COORDINATORS,
	'/(pro)/admin/organisations/import': COORDINATORS,
	'/(pro)/admin/organisations/[id]': { access: 'pro', roles: ['coordinator', 'place_manager'] },
	// a place manager's own structure (the service shows only the structures the actor may read)
	'/(pro)/espace/structure': { access: 'pro', roles: ['place_manager'] },
	'/(pro)/espace/structure/[id]': { access: 'pro', roles: ['place_manager', 'coordinator'] },
	'/(pro)/espace/personnes': CARE,
	'/(pro)/espace/personnes/nouvelle': CARE,
	'/(pro)/espace/personnes/[id]': CARE,
	// the person's vault: only what the person shared, or opened with them at the counter (issue 15)
	'/(pro)/espace/personnes/[id]/coffre': REFERRALS,
	'/(pro)/espace/personnes/[id]/coffre/[document]': REFERRALS,
	'/(pro)/espace/personnes/[id]/export.json': CARE,
	'/(pro)/espace/personnes/[id]/export.pdf': CARE,
	'/(pro)/espace/personnes/[id]/orienter': CARE,
	// mandates (issue 15): the helpers of a structure (care and place teams) prepare, confirm, use and end them
	'/(pro)/espace/personnes/[id]/mandats': HELPERS,
	'/(pro)/espace/personnes/[id]/mandats/[mandat]': HELPERS,
	'/(pro)/espace/personnes/[id]/mandats/[mandat]/attestation.pdf': HELPERS,
	// the attestation's QR code: valid or not, nothing else; whoever holds it may end the mandate
	'/(public)/mandat/[token]': PUBLIC,
	// Mon espace: the person's own mandates
	'/(public)/mon-espace/mandats': PERSON,
	'/(pro)/espace/orientations': REFERRALS,
	'/(pro)/espace/orientations/[id]': REFERRALS,
	// at the counter, the sender joins papers of the person's vault (the vault open with the person)
	'/(pro)/espace/orientations/[id]/documents': CARE,
	'/(pro)/espace/orientations/[id]/fiche.pdf': REFERRALS,
	'/(pro)/espace/accompagnements': PLACE_TEAM,
	'/(pro)/espace/accompagnements/nouveau': PLACE_TEAM,
	'/(pro)/espace/accompagnements/export.csv': PLACE_TEAM,
	// La Coop de la médiation numérique: the import of its export, ours in its words
	'/(pro)/espace/accompagnements/coop': PLACE_TEAM,
	'/(pro)/espace/accompagnements/coop/activites.csv': PLACE_TEAM,
	'/(pro)/espace/accompagnements/coop/activites.json': PLACE_TEAM,
	// Pass Numérique: the coordinators run the fund; partners read what they fund; prescribers hand out; place teams redeem
	'/(public)/pass/[code]': PUBLIC,
	'/(pro)/espace/pass': { access: 'pro' },
	'/(pro)/espace/pass/fonds': COORDINATORS,
	'/(pro)/espace/pass/campagnes': COORDINATORS,
	'/(pro)/espace/pass/campagnes/nouvelle': COORDINATORS,
	'/(pro)/espace/pass/campagnes/[id]': PASS_READERS,
	'/(pro)/espace/pass/campagnes/[id]/carnets.pdf': COORDINATORS,
	'/(pro)/espace/pass/lieux': COORDINATORS,
	'/(pro)/espace/pass/releves': COORDINATORS,
	'/(pro)/espace/pass/releves/[id]': STATEMENT_READERS,
	'/(pro)/espace/pass/releves/[id]/releve.csv': STATEMENT_READERS,
	'/(pro)/espace/pass/releves/[id]/releve.pdf': STATEMENT_READERS,
	'/(pro)/espace/pass/alertes': COORDINATORS,
	// counts and amounts only: a partner reads them before the second factor too
	'/(pro)/espace/pass/tableau-de-bord': PARTNER_FIGURES,
	'/(pro)/espace/pass/tableau-de-bord.csv': PARTNER_FIGURES,
	'/(pro)/espace/pass/remettre': { access: 'pro', roles: ['prescriber'] },
	'/(pro)/espace/pass/encaisser': PLACE_TEAM,
	// ——— partner (issue 12, item 12) ———
	'/(pro)/espace/partenaire': PARTNER_PAGE,
	// ——— steering (issue 16): aggregates of the département, its coordinators and partners; offer and fragility ———
	'/(pro)/pilotage': STEERING,
	'/(pro)/pilotage/offre': STEERING,
	'/(pro)/pilotage/fragilite': STEERING,
	'/(pro)/pilotage/export/[table].csv': STEERING,
	'/(pro)/pilotage/export/[section].xlsx': STEERING,
	'/(pro)/pilotage/rapport.pdf': STEERING,
	// ——— steering: the strategy (issue 16, item 6) ———
	'/(pro)/pilotage/feuille-de-route': STRATEGY,
	'/(pro)/pilotage/feuille-de-route/nouvelle': STRATEGY,
	'/(pro)/pilotage/feuille-de-route/[id]': STRATEGY,
	'/(pro)/pilotage/feuille-de-route.csv': STRATEGY,
	'/(pro)/pilotage/feuille-de-route.xlsx': STRATEGY,
	'/(pro)/pilotage/comites': STRATEGY,
	'/(pro)/pilotage/comites/nouveau': STRATEGY,
	'/(pro)/pilotage/comites/[id]': STRATEGY,
	// ——— steering (issue 16): aggregates only, masked ———
	'/(pro)/pilotage/demande': STEERING,
	'/(pro)/pilotage/resultats': STEERING,
	'/(pro)/pilotage/formations': STEERING,
	// issue 18, item 5: the equipment's figures are the network's (its coordinators; can() narrows to the département)
	'/(pro)/pilotage/materiel': COORDINATORS,
	'/(pro)/pilotage/partenaires': STEERING,
	// ——— training the helpers (issue 17) ———
	// the catalogue and a session's page: anyone; registering there in one click needs an account (the use case says so)
	'/(public)/formations': PUBLIC,
	'/(public)/formations/[id]': PUBLIC,
	'/(public)/formations/evenements/[event]': PUBLIC,
	// the registration's own link, sent by e-mail: see it, confirm it, cancel it
	'/(public)/formations/inscription/[token]': PUBLIC,
	'/(public)/formations/enquete/[token]': PUBLIC,
	// a calendar feed by its secret address (the secret hashed, compared in constant time; 404 when unknown or renewed)
	'/(public)/formations/agenda/[secret].ics': PUBLIC,
	// « Mes inscriptions » for any professional, and what they organise
	'/(pro)/espace/formations': { access: 'pro' },
	'/(pro)/espace/formations/nouvelle': TRAINING_ORGANISERS,
	'/(pro)/espace/formations/[id]': TRAINING_ORGANISERS,
	'/(pro)/espace/formations/[id]/sessions/nouvelle': TRAINING_ORGANISERS,
	'/(pro)/espace/formations/[id]/sessions/[session]': TRAINING_ORGANISERS,
	'/(pro)/espace/formations/[id]/sessions/[session]/inscrits.csv': TRAINING_ORGANISERS,
	// ——— refurbished equipment (issue 18): every professional reaches the hub, the use cases say what each sees (stock, requests, donors' reports) ———
	'/(pro)/espace/materiel': { access: 'pro' },
	'/(pro)/espace/materiel/appareils/[id]': PLACE_TEAM,
	'/(pro)/espace/materiel/demandes': { access: 'pro' },
	'/(pro)/espace/materiel/donateurs/[id]': { access: 'pro' },
	'/(pro)/espace/materiel/donateurs/nouveau': EQUIPMENT_MANAGERS,
	'/(pro)/espace/materiel/lots/nouveau': EQUIPMENT_MANAGERS,
	// correcting a donor, a lot and its devices not yet refurbished (issue 18, item 1)
	'/(pro)/espace/materiel/lots/[id]': EQUIPMENT_MANAGERS,
	'/(pro)/espace/materiel/donateurs/[id]/modifier': EQUIPMENT_MANAGERS,
	'/(pro)/espace/materiel/donateurs/[id]/rapport.csv': { access: 'pro' },
	'/(pro)/espace/materiel/donateurs/[id]/rapport.pdf': { access: 'pro' },
	// attendance (issue 17, item 5): the organisers and any member of the structure that trains (can('training.attendance') in the use case)
	'/(pro)/espace/formations/[id]/sessions/[session]/presences': { access: 'pro' },
	'/(pro)/espace/formations/[id]/sessions/[session]/emargement/[slot].pdf': { access: 'pro' },
	// attestations: the public check by number (the QR code's; the minimum, nothing else of the person), the issuer's profile and public key,
	// a submitted Open Badges credential checked; the holder's own, by their registration's link
	'/(public)/formations/attestations/[number]': PUBLIC,
	'/(public)/formations/attestations/emetteur': PUBLIC,
	'/(public)/formations/attestations/verifier': PUBLIC,
	'/(public)/formations/inscription/[token]/attestation': PUBLIC,
	'/(public)/formations/inscription/[token]/attestation/attestation.pdf': PUBLIC,
	'/(public)/formations/inscription/[token]/attestation/open-badge.jwt': PUBLIC,
	'/(pro)/espace/formations/[id]/sessions/[session]/annulation': TRAINING_ORGANISERS,
	'/(pro)/espace/formations/[id]/sessions/[session]/relais': TRAINING_ORGANISERS,
	// relayed webinars (issue 17, item 4): a place's team registers its place and records its group's attendance (can('training.relay'))
	'/(pro)/espace/formations/relais': TRAINING_RELAYS,
	'/(pro)/espace/formations/relais/[relay]': TRAINING_RELAYS,
	// events (issue 17, item 6): the forum grouping sessions
	'/(pro)/espace/formations/evenements': TRAINING_ORGANISERS,
	'/(pro)/espace/formations/evenements/[event]': TRAINING_ORGANISERS
};

export type Decision = 'allow' | 'login' | 'person-login' | 'second-factor' | 'enrol' | 'forbidden' | 'no-rule';

/**
 * `person`: whether the request carries an open session of the person helped (Mon espace).
 * It never stands for a professional's session, nor the reverse.
 */
export function decide(routeId: string | null, session: LoadedSession | null, person = false): Decision {
	if (routeId === null) return 'allow'; // no route: SvelteKit answers 404
	const rule = ROUTE_RULES[routeId];
	if (!rule) return 'no-rule';
	if (rule.access === 'public' || rule.access === 'provider') return 'allow';
	if (rule.access === 'person') return person ? 'allow' : 'person-login';
	if (!session) return 'login';
	if (rule.access === 'session') return 'allow';
	if (requiresMfa(session.actor) && !session.mfa && !aggregateBeforeCode(rule, session)) return session.user.totpEnrolled ? 'second-factor' : 'enrol';
	if (rule.access === 'admin') return session.actor.isAdmin ? 'allow' : 'forbidden';
	if (rule.roles && !hasRole(session.actor, rule.roles)) return 'forbidden';
	return 'allow';
}

/**
 * A page of aggregates only (RouteRule `aggregate`): a member whose roles are ALL among
 * those reaches it with the password alone. A page acts with every role of the account: an
 * account that is also coordinator (or prescriber…) would read that role's wider figures
 * without the code, so it gives the code first. The administrator's rank does not count.
 */
function aggregateBeforeCode(rule: RouteRule, session: LoadedSession): boolean {
	if (rule.access !== 'pro' || !rule.aggregate) return false;
	const roles = rule.aggregate;
	const { memberships } = session.actor;
	return memberships.length > 0 && memberships.every((m) => roles.includes(m.role)) && !session.actor.isAdmin;
}

/** Whether the session may open a page of aggregates before the second factor (the code page offers the way). */
export function mayReadAggregatesBeforeCode(session: LoadedSession | null): boolean {
	return !!session && !session.mfa && decide('/(pro)/espace/partenaire', session) === 'allow';
}
