/**
 * `maillage demo accounts`: one account per role on real structures of the demo territory
 * (Lot-et-Garonne), so that anyone evaluating the product sees every space in minutes.
 * Refused on an instance without the demo data: these accounts have known passwords and
 * second factors printed on a terminal, which a real network must never have.
 *
 * The structures are the real ones of the demo data (the Département, the CAF, the CCAS
 * and the France services of Agen, whose place then receives referrals, and Transnumeric,
 * the refurbisher of the demo's equipment channel); the addresses are
 * in the reserved `.invalid` domain, so no e-mail ever leaves for them. Running it again
 * gives every demo account a new password and second factor (and ends its sessions).
 */
import { randomInt } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import type { Database } from '../db/client.ts';
import { seedStepDone } from '../territory/index.ts';
import { placeIdByName } from '../places/index.ts';
import { seedDemoStrategy } from '../strategy/index.ts';
import {
	actorFor,
	addMember,
	createOrganisation,
	hashPassword,
	linkOrganisationPlace,
	newTotpSecret,
	organisationByName,
	setDemoCredentials,
	type OrganisationKind,
	type Role
} from '../accounts/index.ts';

export const DEMO_DOMAIN = 'demo.invalid';

interface DemoStructure {
	key: string;
	name: string;
	kind: OrganisationKind;
	/** a place of the demo data this structure runs (found by name in Agen) */
	place?: string;
}

const STRUCTURES: DemoStructure[] = [
	{ key: 'cd47', name: 'Département de Lot-et-Garonne', kind: 'departement' },
	{ key: 'caf47', name: 'CAF de Lot-et-Garonne', kind: 'operateur' },
	{ key: 'ccas', name: 'CCAS d’Agen', kind: 'ccas' },
	{ key: 'fs', name: 'France services Agen Léon Blum', kind: 'france_services', place: 'France services Agen Léon Blum' },
	// the demo's refurbisher of the equipment channel (equipment/demo.ts)
	{ key: 'atelier', name: 'Transnumeric', kind: 'association' }
];

interface DemoPersona {
	email: string;
	name: string;
	structure: string;
	role: Role;
	admin?: boolean;
	/** what this account shows, for the printed guide */
	sees: string;
}

export const PERSONAS: DemoPersona[] = [
	{
		email: `coordination@${DEMO_DOMAIN}`,
		name: 'Camille Coordination',
		structure: 'cd47',
		role: 'coordinator',
		sees: 'le réseau du département\u00a0: lieux, structures, journal, Pass Numérique, feuille de route et comités de pilotage'
	},
	{
		email: `partenaire@${DEMO_DOMAIN}`,
		name: 'Alex Partenaire',
		structure: 'caf47',
		role: 'partner',
		sees: 'ce que la CAF finance (Pass Numérique), la feuille de route et les comités du département'
	},
	{
		email: `prescription@${DEMO_DOMAIN}`,
		name: 'Sacha Prescription',
		structure: 'ccas',
		role: 'prescriber',
		sees: 'les personnes suivies, le diagnostic, les orientations, la remise de pass'
	},
	{
		email: `mediation@${DEMO_DOMAIN}`,
		name: 'Lou Médiation',
		structure: 'fs',
		role: 'mediator',
		sees: 'les orientations reçues, les accompagnements, l’encaissement des pass'
	},
	{ email: `responsable@${DEMO_DOMAIN}`, name: 'Noa Responsable', structure: 'fs', role: 'place_manager', sees: 'la fiche du lieu et ses horaires' },
	{
		email: `reconditionnement@${DEMO_DOMAIN}`,
		name: 'Rémi Reconditionnement',
		structure: 'atelier',
		role: 'place_manager',
		sees: 'l’atelier de reconditionnement de Transnumeric\u00a0: lots reçus, tests, effacement des données, fiche et prix, stock, réservation, remise et retour des appareils'
	},
	{
		email: `administration@${DEMO_DOMAIN}`,
		name: 'Ada Administration',
		structure: 'cd47',
		role: 'coordinator',
		admin: true,
		sees: 'les réglages de l’instance, tous les départements'
	}
];

export class DemoError extends Error {}

export interface DemoAccount extends DemoPersona {
	password: string;
	totpSecret: string;
	organisation: string;
}

/** A password of 4 groups of 5 letters and digits (about 100 bits), easy to type from a terminal. */
function newPassword(): string {
	const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
	return Array.from({ length: 4 }, () => Array.from({ length: 5 }, () => alphabet[randomInt(alphabet.length)]).join('')).join('-');
}

export async function createDemoAccounts(database: Database): Promise<DemoAccount[]> {
	const db = database.db;
	if (!(await seedStepDone(db, 'demo'))) throw new DemoError('this instance has no demo data (MAILLAGE_DEMO=0, or real data): demo accounts are refused here');
	const orgIds = new Map<string, { id: string; name: string }>();
	for (const s of STRUCTURES) {
		const org =
			(await organisationByName(db, s.name, '47')) ?? (await createOrganisation(database, null, { name: s.name, kind: s.kind, departmentCode: '47' }));
		orgIds.set(s.key, { id: org.id, name: org.name });
		if (s.place) {
			const placeId = await placeIdByName(db, s.place, '47');
			if (placeId) await linkOrganisationPlace(db, org.id, placeId);
		}
	}
	const out: DemoAccount[] = [];
	for (const p of PERSONAS) {
		const org = orgIds.get(p.structure)!;
		const password = newPassword();
		const { base32, sealed } = newTotpSecret();
		const { userId } = await addMember(database, null, {
			email: p.email,
			displayName: p.name,
			organisationId: org.id,
			role: p.role,
			password,
			isAdmin: !!p.admin
		});
		await db.transaction(async (tx) =>
			setDemoCredentials(tx, {
				userId,
				organisationId: org.id,
				role: p.role,
				passwordHash: await hashPassword(password),
				sealedTotpSecret: sealed,
				isAdmin: !!p.admin,
				departmentCode: '47'
			})
		);
		out.push({ ...p, password, totpSecret: base32, organisation: org.name });
		// the département's roadmap and committees (once), written by the demo coordinator
		if (p.role === 'coordinator' && !p.admin) await seedDemoStrategy(database, await actorFor(db, userId, true));
	}
	return out;
}

/**
 * The current second-factor code for a TOTP secret as `demo accounts` prints it (spaces
 * allowed): what an authenticator app would show. Needs no database, so it works while
 * the server holds the embedded one.
 */
export function demoCode(secret: string, now = Date.now()): { code: string; validForSeconds: number } {
	const base32 = secret.replace(/\s+/g, '').toUpperCase();
	if (!/^[A-Z2-7]{16,}$/.test(base32)) throw new DemoError('give the TOTP secret printed by "maillage demo accounts" (letters A–Z and digits 2–7)');
	const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(base32) });
	return { code: totp.generate({ timestamp: now }), validForSeconds: 30 - (Math.floor(now / 1000) % 30) };
}

/** What the command prints: every account, how to log in, the second factor. */
export function demoGuide(accounts: DemoAccount[], origin: string): string {
	const lines = [
		`Demo accounts on real structures of Lot-et-Garonne. Log in at ${origin}/connexion`,
		'Second factor: add the secret to an authenticator app, or print the current code with',
		'  npx maillage demo code <TOTP secret>',
		''
	];
	for (const a of accounts) {
		lines.push(`${a.name} — ${a.role}${a.admin ? ' (administrateur de l’instance)' : ''}, ${a.organisation}`);
		lines.push(`  e-mail:       ${a.email}`);
		lines.push(`  password:     ${a.password}`);
		lines.push(`  TOTP secret:  ${a.totpSecret.replace(/(.{4})/g, '$1 ').trim()}`);
		lines.push(`  sees:         ${a.sees}`);
		lines.push('');
	}
	lines.push('Running "maillage demo accounts" again gives every demo account a new password and second factor.');
	return lines.join('\n') + '\n';
}
