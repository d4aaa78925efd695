/**
 * Issue 11, finding 5: the owner's connection (`database.privileged`, which row-level
 * security does not restrict) is used by a short, reviewed list of modules only, and the
 * requests served from the owner pool are the listed person flows
 * (docs/decisions/0006-rls-by-default.md). A new use fails here until it is reviewed.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { OWNER_ROUTES } from '../../src/lib/server/db/handle-scope.ts';

const ALLOWED: Record<string, string> = {
	'src/lib/server/db/client.ts': 'defines it',
	'src/lib/server/db/request-pool.ts': 'defines it',
	'src/hooks.server.ts': 'loads the session (the token hash)',
	'src/lib/server/app.ts': 'the composition root: seeding and the scheduled jobs run as the tables’ owner (decision 0006)',
	'src/lib/server/jobs/boss.ts': 'the job queue is the owner’s',
	'src/lib/server/accounts/login.ts': 'passwords, TOTP secrets, recovery codes, sessions (no session yet)',
	'src/lib/server/accounts/enrolment.ts': 'TOTP secrets and recovery codes',
	'src/lib/server/accounts/account.ts': 'the account’s own password, sessions and recovery codes (« Mon compte »)',
	'src/lib/server/accounts/members.ts': 'all the roles of an account before deactivating it',
	'src/lib/server/accounts/reset.ts': 'password reset: the token is bound to the password hash',
	'src/lib/server/accounts/invitations.ts': 'accepting an invitation (no session yet)',
	'src/lib/server/accounts/pending-roles.ts': 'the roles offered to the account, read and answered as the owner (decision 0006)',
	'src/lib/server/accounts/oidc.ts': 'ProConnect login (no session yet)',
	'src/lib/server/vault/keys.ts': 'the persons’ vault keys: owner only, like credentials (decision 0016)',
	'src/lib/server/vault/documents.ts':
		'the person’s record and vault usage before a deposit; a refused attempt journaled for the person when the policy hides the row; marking a document that failed its digest',
	'src/lib/server/vault/reminders.ts':
		'the active helpers of the structures that follow the person, whom they may choose to be reminded about a paper (names and structures only)',
	'src/lib/server/vault/presence.ts': 'the one-time codes that open a vault with the person present: owner only, like credentials',
	'src/lib/server/vault/backup.ts': 'the master key ids a backup needs (the persons’ keys are owner only)',
	'src/lib/server/vault/jobs.ts': 'the monthly integrity check, the expiry reminders and the purge of orphan blobs run as the owner',
	'src/lib/server/trainings/seats.ts':
		"the seats of a training session (issue 17): a registrant of another département or without an account (the link’s hash), and the waiting list promoted across registrants, counted under the session row’s lock; can('training.register') or the link checked first",
	'src/lib/server/trainings/seats-read.ts':
		'a registrant’s own registration (by the link’s hash, or the signed-in professional’s) with its rank on the waiting list, which counts the other registrants',
	'src/lib/server/trainings/reminders.ts':
		'the daily reminders at D-7 and D-1 (issue 17) to the registrants with a seat of every département, claimed once each (a scheduled job, no request)',
	'src/lib/server/trainings/cancellations.ts':
		'the seats freed while nobody could be told (a registrant’s personal data erased, the retention purge) given to the waiting lists of every département, in order, by the hourly maintenance (no request)',
	'src/lib/server/trainings/feeds.ts':
		'the calendar feeds by secret address (issue 17): read by a calendar application without a session (the secret’s hash), a professional’s own seats or a structure’s sessions with counts; made or renewed after can() or mustManage',
	'src/lib/server/trainings/survey.ts':
		'the satisfaction survey (issue 17): sent by a scheduled job to the registrants present of every département, answered by its one-use link without a session (the link’s hash); the answer names no registration',
	'src/lib/server/trainings/attestations.ts':
		'the hourly job that issues the attestations of attendance (issue 17) for the sessions of every département, once each (a scheduled job, no request); an organiser’s « now » runs on their own connection',
	'src/lib/server/trainings/attestations-public.ts':
		'an attestation checked without a session (issue 17): by its unguessable number (the QR code’s page: the minimum, nothing of the person when revoked), by the holder’s registration link (the link’s hash), or named by a submitted credential whose signature holds',
	'src/lib/server/steering/facts.ts':
		'the steering figures’ refresh (job and command line) counts every source row of a département, as the owner (decision 0018)',
	'src/lib/server/steering/figures.ts':
		'no read: the owner’s database object is the key of the facts kept, so that the request pool finds what the refresh job read in advance (steering/warm.ts); a use case reads them only after can() for the département, keyed by département and scope',
	'src/lib/server/steering/offer.ts':
		'no read: the owner’s database object is the key of the places kept (public data), so that the request pool finds what the refresh job read in advance',
	'src/lib/server/steering/open-data.ts':
		'the demand and outcomes as open data, without a session: the facts of the département in the address, read as the owner and masked as the coordinator’s tables; no person’s row is read (decision 0018)'
};

function sources(dir: string): string[] {
	return readdirSync(dir).flatMap((e) => {
		const p = join(dir, e);
		if (statSync(p).isDirectory()) return sources(p);
		return /\.(ts|js|svelte)$/.test(e) && !/\.test\.ts$/.test(e) ? [p] : [];
	});
}

describe('issue 11, finding 5: the owner’s connection is used only where reviewed', () => {
	it('only the allowed modules use database.privileged', () => {
		const root = process.cwd();
		const users = sources(join(root, 'src'))
			.filter((f) => /\bprivileged\b/.test(readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')))
			.map((f) => relative(root, f).split(sep).join('/'));
		expect(users.filter((f) => !(f in ALLOWED))).toEqual([]);
	});

	it('serves only the person flows from the owner pool', () => {
		expect(Object.keys(OWNER_ROUTES).sort()).toEqual([
			'/(public)/mandat/[token]',
			'/(public)/mes-orientations/[token]',
			'/(public)/mon-espace',
			'/(public)/mon-espace/acces',
			'/(public)/mon-espace/connexion',
			'/(public)/mon-espace/connexion/cle',
			'/(public)/mon-espace/deconnexion',
			'/(public)/mon-espace/documents',
			'/(public)/mon-espace/documents/[id]',
			'/(public)/mon-espace/documents/[id]/fichier',
			'/(public)/mon-espace/documents/[id]/vignette',
			'/(public)/mon-espace/documents/ajouter',
			'/(public)/mon-espace/documents/export.zip',
			'/(public)/mon-espace/documents/fermer',
			'/(public)/mon-espace/journal',
			'/(public)/mon-espace/mandats',
			'/(public)/mon-espace/orientations',
			'/(public)/mon-espace/orientations/[id]/documents',
			'/(public)/mon-espace/pass',
			'/(public)/mon-espace/securite',
			'/(public)/mon-espace/securite/cle',
			'/(public)/mon-espace/securite/feuille.pdf',
			'/(public)/orientation/[token]',
			'/(public)/orientation/[token]/documents/[document]',
			'/api/sms/entrant'
		]);
	});
});
