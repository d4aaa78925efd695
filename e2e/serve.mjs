// @ts-nocheck -- a test launcher whose only inputs are the constants below
/**
 * The browser suite's server: seeds the accounts the tests log in with (organisations of
 * Lot-et-Garonne and Gironde, one invitation per persona, written to
 * $DATA_DIR/e2e-seed.json), then runs scripts/start.mjs in this same process.
 * Seeding goes through the services, as `maillage organisations add` / `users invite` do.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'tsx/esm/api';

const dataDir = process.env.DATA_DIR;
const seedFile = join(dataDir, 'e2e-seed.json');
if (!existsSync(seedFile)) {
	register();
	const { openDatabase } = await import('../src/lib/server/db/client.ts');
	const { createOrganisation, invite } = await import('../src/lib/server/accounts/service.ts');
	const db = await openDatabase();
	const org = (name, kind, departmentCode) => createOrganisation(db, null, { name, kind, departmentCode });
	const orgs = {
		cd47: await org('Département de Lot-et-Garonne', 'departement', '47'),
		cd33: await org('Département de la Gironde', 'departement', '33'),
		caf47: await org('CAF de Lot-et-Garonne', 'operateur', '47'),
		ccas: await org('CCAS de Marmande', 'ccas', '47'),
		mediatheque: await org('Médiathèque de Nérac', 'mediatheque', '47')
	};
	const personas = {
		coordinator: ['coordination@cd47.test', 'Camille Coordination', 'cd47', 'coordinator'],
		coordinator_before_code: ['coordination2@cd47.test', 'Claude Coordination', 'cd47', 'coordinator'],
		coordinator_other_department: ['coordination@cd33.test', 'Dominique Gironde', 'cd33', 'coordinator'],
		partner: ['agent@caf47.test', 'Alex Partenaire', 'caf47', 'partner'],
		prescriber: ['travailleur.social@ccas.test', 'Sacha Prescripteur', 'ccas', 'prescriber'],
		mediator: ['mediation@mediatheque.test', 'Lou Médiation', 'mediatheque', 'mediator'],
		place_manager: ['responsable@mediatheque.test', 'Noa Responsable', 'mediatheque', 'place_manager'],
		admin: ['admin@instance.test', 'Ada Administration', 'cd47', 'coordinator']
	};
	const invitations = {};
	for (const [key, [email, displayName, o, role]] of Object.entries(personas)) {
		const r = await invite(db, null, { email, displayName, organisationId: orgs[o].id, role, isAdmin: key === 'admin' });
		invitations[key] = { email, token: r.token };
	}
	// invitations for ProConnect logins (accepted through the identity provider, not the link)
	for (const [key, email] of [['oidc_partner', 'agent.oidc@caf47.test'], ['oidc_mfa', 'mfa.agent@caf47.test']]) {
		const r = await invite(db, null, { email, displayName: 'Alex Agent', organisationId: orgs.caf47.id, role: 'partner' });
		invitations[key] = { email, token: r.token };
	}
	await db.close();
	writeFileSync(seedFile, JSON.stringify({ organisations: Object.fromEntries(Object.entries(orgs).map(([k, v]) => [k, v.id])), invitations }, null, 2));
}
await import('../scripts/start.mjs');
