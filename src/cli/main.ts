/**
 * The `maillage` command: same database settings as the server (DATABASE_URL, else the
 * embedded PGlite in DATA_DIR). Messages in English; data (reasons) stays in French.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
// Only light modules here: each command imports what it uses when it runs (`maillage help`
// loads nothing else; a command that does not seed the demo does not load every capability).
import type { Database } from '../lib/server/db/client.ts';
import type { StoredImportReport } from '../lib/server/places/index.ts';
import { sharedDataDir, dataDir } from '../lib/server/paths.ts';
import { AccountError, ROLES, ORGANISATION_KINDS, type Role } from '../lib/server/accounts/index.ts';
import { VAULT_HELP, isVaultCommand } from './vault-help.ts';
import { parseOrigin, savedPublicOrigin } from '../lib/server/web/origin.ts';
import { describeError } from '../lib/server/log.ts';

const places = () => import('../lib/server/places/index.ts');
const accounts = () => import('../lib/server/accounts/index.ts');
const demo = () => import('../lib/server/demo/index.ts');
const territory = () => import('../lib/server/territory/index.ts');

const HELP = `maillage — command-line tool of the maillage platform

Database: DATABASE_URL=postgres://… for a PostgreSQL server, otherwise the embedded
PGlite database in DATA_DIR (default ./data; stop the server first: one process at a time).

Usage:
  maillage import places <file>… [--dry-run] [--json] [--departement 47,33]
      Import places from the national standard (CSV with | or ; lists, JSON), v0 exports,
      data·inclusion structures with their services, or any source format of ../shared/data
      (detected from the content).
  maillage export places [--out file] [--departement 47,33] [--format csv | data-inclusion]
      Export the places under Licence Ouverte (as /api/v1/places.csv: those known only from
      a source without a licence are left out, and counted) in the national standard's CSV
      (v1.0.2), or as data·inclusion v1 JSON, {"structures": [...], "services": [...]}, that \`import places\` reads back
      (producer id: DATA_INCLUSION_SOURCE, default "maillage").
  maillage import-reports [list | show <id> [--json]]
      Stored import reports. show: the counts, every rejection, the warnings by field, the
      fidelity table and what each value became; --json: the whole report.
  maillage reports errors                          Open "Signaler une erreur" reports.
  maillage seed territory | demo                   Load the territory / the demo network.
  maillage demo accounts                           One account per role on real structures of the
                                                   demo territory, with password and second factor
                                                   printed (refused without the demo data; again:
                                                   new passwords).
  maillage demo code <TOTP secret>                 The current second-factor code for a printed secret.
  maillage areas list [--departement 33] | import-gironde | import <file.csv>
  maillage config show | set [--name …] [--departements 47,33] [--primary #1f4e8c]
                            [--accent #…] [--logo URL] [--contact e-mail]
  maillage audit verify                            Check the audit journal's hash chain and its signed
                                                   checkpoints: names every altered or missing entry
                                                   (by sequence number), a cut tail, a rewritten chain,
                                                   a forged checkpoint; exit code 1 when there is one.
  maillage audit checkpoint                        Sign the journal's head and append it to the
                                                   checkpoint file (AUDIT_CHECKPOINT_FILE, default
                                                   DATA_DIR/audit-checkpoints.jsonl; the server does it
                                                   every hour). Refused when the journal is tampered.
  maillage pass verify                             Check the Pass Numérique fund's invariants (balanced
                                                   ledger, each voucher in one consistent state, every
                                                   redeemed voucher on exactly one statement…); names
                                                   every breach; exit code 1 when there is one.
  maillage steering refresh [--full] [--departement 47]
                                                   The steering space's pre-aggregated figures: the
                                                   months whose sources changed since the last refresh
                                                   (the server does it every 10 minutes); --full: every
                                                   month again. Safe while the server runs (PostgreSQL).
  maillage organisations list | add --name … --kind departement --departement 47 [--siret …]
      Kinds: ${Object.keys(ORGANISATION_KINDS).join(', ')}.
  maillage organisations import <file.csv> [--dry-run]
      Structures, the places they run and their members, from a CSV (columns: structure,
      siret, type, departement, lieu, nom, courriel, role). One transaction: a line in
      error and nothing is written; run twice, nothing is doubled. Invitations are
      e-mailed when SMTP is configured, their links printed otherwise.
  maillage users invite --email … --name … --organisation <id> --role coordinator [--admin]
      Prints the invitation link (valid 7 days, single use). Roles: coordinator, partner,
      prescriber, mediator, place_manager. --admin: instance administrator (all territories).
  maillage users deactivate <email>                Ends the account's sessions, blocks login.
  maillage migrate                                 Apply pending migrations.
  maillage backup [--out file.tar]                 One file: the database (pg_dump's format on
                                                   PostgreSQL, the data folder on PGlite), the
                                                   journal's checkpoints and the vault's encrypted
                                                   documents on disk (on S3 they stay in the bucket).
                                                   Never the vault's master key: keep it apart.
                                                   While the server runs on PGlite, it makes it.
  maillage restore <file.tar> [--force]            Restores a backup (the embedded folder, or
                                                   DATABASE_URL, which must be empty unless --force;
                                                   what is replaced is set aside, not deleted), then
                                                   runs audit verify and pass verify on it. Needs
                                                   the vault's master key(s) the backup names
                                                   (VAULT_MASTER_KEY[_FILE] or DATA_DIR/keys).
${VAULT_HELP}  maillage help
`;

function deps(v: string | undefined): string[] | undefined {
	return v
		? v
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean)
		: undefined;
}

async function withDb<T>(fn: (db: Database) => Promise<T>): Promise<T> {
	const { openDatabase } = await import('../lib/server/db/client.ts');
	const { stopBoss } = await import('../lib/server/jobs/boss.ts');
	const db = await openDatabase();
	try {
		return await fn(db);
	} finally {
		await stopBoss(db);
		await db.close();
	}
}

export async function main(argv: string[]): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			'dry-run': { type: 'boolean' },
			json: { type: 'boolean' },
			out: { type: 'string', short: 'o' },
			departement: { type: 'string' },
			departements: { type: 'string' },
			name: { type: 'string' },
			primary: { type: 'string' },
			accent: { type: 'string' },
			logo: { type: 'string' },
			contact: { type: 'string' },
			email: { type: 'string' },
			kind: { type: 'string' },
			siret: { type: 'string' },
			organisation: { type: 'string' },
			role: { type: 'string' },
			admin: { type: 'boolean' },
			force: { type: 'boolean' },
			full: { type: 'boolean' },
			origin: { type: 'string' },
			format: { type: 'string' },
			help: { type: 'boolean', short: 'h' }
		}
	});
	const [cmd, sub, ...rest] = positionals;
	if (!cmd || cmd === 'help' || values.help) {
		process.stdout.write(HELP);
		return 0;
	}
	const log = (m: string) => process.stderr.write(m + '\n');

	if (cmd === 'demo' && sub === 'accounts') {
		const { liveHolder } = await import('../lib/server/ops/backup.ts');
		const { requestDemoAccounts } = await import('../lib/server/ops/control.ts');
		const { createDemoAccounts, demoGuide, DemoError } = await demo();
		const origin = values.origin ? parseOrigin(values.origin) : savedPublicOrigin();
		// the running server holds the embedded database: it creates them
		if (!process.env.DATABASE_URL && liveHolder(join(dataDir(), 'pglite'))) {
			process.stdout.write(await requestDemoAccounts(origin).catch((e: Error) => Promise.reject(new UsageError(e.message))));
			return 0;
		}
		return withDb(async (db) => {
			process.stdout.write(demoGuide(await createDemoAccounts(db).catch(demoUsage(DemoError)), origin));
			return 0;
		});
	}
	if (cmd === 'demo' && sub === 'code') {
		const { demoCode, DemoError } = await demo();
		const { code, validForSeconds } = (() => {
			try {
				return demoCode([rest[0] ?? '', ...rest.slice(1)].join(''));
			} catch (e) {
				return demoUsage(DemoError)(e);
			}
		})();
		process.stdout.write(`${code}\n`);
		log(`(valid for ${validForSeconds} more seconds; each code can be used once)`);
		return 0;
	}
	if (cmd === 'backup') return (await import('./backup.ts')).backupCommand(values.out);
	if (cmd === 'restore') return (await import('./backup.ts')).restoreCommand(sub, !!values.force);
	if (cmd === 'vault') {
		if (!isVaultCommand(sub)) throw new UsageError(`unknown command: vault ${sub ?? ''}`.trim());
		const { vaultCommand } = await import('./vault.ts');
		return withDb((db) => vaultCommand(db, sub));
	}
	if (cmd === 'migrate') {
		await withDb(async () => log('migrations applied'));
		return 0;
	}
	if (cmd === 'import' && sub === 'places') {
		if (!rest.length) throw new UsageError('import places needs at least one file');
		const { importPlaces, ImportFailedError, TerritoryNotLoadedError, formatReport } = await places();
		await withDb(async (db) => {
			for (const file of rest) {
				const content = await readFile(file);
				const report = await importPlaces(db, {
					fileName: basename(file),
					content,
					dryRun: values['dry-run'],
					onlyDepartments: deps(values.departement)
				}).catch((e: unknown) => {
					// the row and the reason, never the SQL nor the rows' values
					if (e instanceof ImportFailedError) throw new Error(`${basename(file)}: ${e.message}`);
					if (e instanceof TerritoryNotLoadedError)
						throw new UsageError(
							`${basename(file)}: no communes are loaded, so no row could be placed in its commune; run "maillage seed territory" first (nothing was imported)`
						);
					throw e;
				});
				if (values.json) process.stdout.write(JSON.stringify(report) + '\n');
				else process.stdout.write(formatReport(report) + '\n');
			}
		});
		return 0;
	}
	if (cmd === 'export' && sub === 'places') {
		const format = values.format ?? 'csv';
		if (format !== 'csv' && format !== 'data-inclusion') throw new UsageError('export places --format csv | data-inclusion');
		const { dataInclusionChunks, producerName, csvHeader, allPlaces, csvRow, exportState, UNLICENSED_SOURCES } = await places();
		await withDb(async (db) => {
			if (format === 'data-inclusion') {
				const opts = { departements: deps(values.departement), producer: producerName(), origin: savedPublicOrigin() };
				const chunks: string[] = [];
				for await (const c of dataInclusionChunks(db, 'both', opts)) chunks.push(c);
				if (values.out) {
					await writeFile(values.out, chunks.join(''));
					log(`data·inclusion structures and services written to ${values.out}`);
				} else process.stdout.write(chunks.join(''));
				return;
			}
			// the file for reuse, as /api/v1/places.csv: the places under a licence only (places/licences.ts)
			const departements = deps(values.departement);
			const chunks: string[] = [csvHeader()];
			let n = 0;
			for await (const batch of allPlaces(db, { departements, openOnly: true })) {
				for (const p of batch) chunks.push(csvRow(p));
				n += batch.length;
			}
			const { excluded } = await exportState(db, 'csv', departements);
			if (excluded) log(`${excluded} places left out: known only from sources published without a licence (${UNLICENSED_SOURCES})`);
			if (values.out) {
				await writeFile(values.out, chunks.join(''));
				log(`${n} places written to ${values.out}`);
			} else process.stdout.write(chunks.join(''));
		});
		return 0;
	}
	if (cmd === 'import-reports') {
		const { getImportReport, formatStoredReport, listImportReports } = await places();
		await withDb(async (db) => {
			if (sub === 'show') {
				const r = await getImportReport(db, Number(rest[0]));
				if (!r) throw new UsageError(`no import report #${rest[0]}`);
				process.stdout.write((values.json ? JSON.stringify(r, null, 2) : formatStoredReport(r as StoredImportReport)) + '\n');
			} else {
				for (const r of await listImportReports(db)) {
					process.stdout.write(
						`#${r.id} ${r.startedAt.toISOString()} ${r.fileName} (${r.format}): ${r.total} rows, created ${r.created}, updated ${r.updated}, merged ${r.merged}, unchanged ${r.unchanged}, rejected ${r.rejected}, skipped ${r.skipped}\n`
					);
				}
			}
		});
		return 0;
	}
	if (cmd === 'reports' && sub === 'errors') {
		const { listErrorReports } = await places();
		await withDb(async (db) => {
			for (const r of await listErrorReports(db)) {
				process.stdout.write(`#${r.id} ${r.createdAt.toISOString()} ${r.placeName} [${r.fields.join(', ')}]: ${r.message.replace(/\s+/g, ' ')}\n`);
			}
		});
		return 0;
	}
	if (cmd === 'seed') {
		const { ensureDemo, ensureTerritory } = await demo();
		const { countPlaces } = await places();
		await withDb(async (db) => {
			if (sub === 'territory') await ensureTerritory(db, log);
			else if (sub === 'demo') await ensureDemo(db, log);
			else throw new UsageError('seed territory | demo');
			log(`${await countPlaces(db)} places in the database`);
		});
		return 0;
	}
	if (cmd === 'areas') {
		const { importAreasFromGironde, importAreasFromCsv, listAreas } = await territory();
		await withDb(async (db) => {
			if (sub === 'import-gironde') log(JSON.stringify(await importAreasFromGironde(db, sharedDataDir())));
			else if (sub === 'import') {
				if (!rest[0]) throw new UsageError('areas import <file.csv>');
				const r = await importAreasFromCsv(db, await readFile(rest[0], 'utf8'));
				process.stdout.write(JSON.stringify(r, null, 2) + '\n');
			} else {
				for (const a of await listAreas(db, values.departement)) process.stdout.write(JSON.stringify(a) + '\n');
			}
		});
		return 0;
	}
	if (cmd === 'config') {
		const { updateInstanceSettings, getInstanceSettings } = await territory();
		await withDb(async (db) => {
			if (sub === 'set') {
				const patch: Record<string, unknown> = {};
				if (values.name) patch.name = values.name;
				if (values.departements) patch.departmentCodes = deps(values.departements);
				if (values.primary) patch.colorPrimary = values.primary;
				if (values.accent) patch.colorAccent = values.accent;
				if (values.logo) patch.logoUrl = values.logo;
				if (values.contact) patch.contactEmail = values.contact;
				const r = await updateInstanceSettings(db, patch);
				if (!r.ok) throw new UsageError(r.errors.map((e) => e.message).join('; '));
			}
			process.stdout.write(JSON.stringify(await getInstanceSettings(db), null, 2) + '\n');
		});
		return 0;
	}
	if (cmd === 'audit' && sub === 'verify') {
		const { verifyAudit, formatAuditReport } = await import('../lib/server/audit/index.ts');
		return withDb(async (db) => {
			const r = await verifyAudit(db);
			process.stdout.write(formatAuditReport(r));
			return r.ok ? 0 : 1;
		});
	}
	if (cmd === 'audit' && sub === 'checkpoint') {
		const { makeCheckpoint, AuditIntegrityError } = await import('../lib/server/audit/index.ts');
		return withDb(async (db) => {
			try {
				const r = await makeCheckpoint(db);
				const c = r.checkpoint;
				if (!c) process.stdout.write('audit checkpoint: the journal is empty, nothing to sign\n');
				else if (!r.written) process.stdout.write(`audit checkpoint: no entry since the checkpoint of ${c.at} (entry #${c.seq})\n`);
				else process.stdout.write(`audit checkpoint: entry #${c.seq} (hash ${c.hash.slice(0, 16)}…) signed at ${c.at}, ${r.checked} entries checked\n`);
				return 0;
			} catch (e) {
				if (!(e instanceof AuditIntegrityError)) throw e;
				process.stdout.write(`audit checkpoint: REFUSED, the journal was tampered with:\n${e.problems.map((p) => `  - ${p}`).join('\n')}\n`);
				return 1;
			}
		});
	}
	if (cmd === 'steering' && sub === 'refresh') {
		const { refreshSteeringFacts } = await import('../lib/server/steering/index.ts');
		return withDb(async (db) => {
			const r = await refreshSteeringFacts(db, { full: !!values.full, departments: deps(values.departement as string | undefined) });
			for (const d of r.departments)
				process.stdout.write(
					`steering refresh: ${d.code}: ${d.months.length} month${d.months.length === 1 ? '' : 's'} written${d.months.length ? ` (${d.months[0].slice(0, 7)} to ${d.months[d.months.length - 1].slice(0, 7)})` : ''}\n`
				);
			process.stdout.write(`steering refresh: done in ${r.ms} ms\n`);
			return 0;
		});
	}
	if (cmd === 'pass' && sub === 'verify') {
		const { verifyLedger } = await import('../lib/server/pass/index.ts');
		return withDb(async (db) => {
			const r = await verifyLedger(db);
			const what = `${r.checked.entries} ledger entries (${r.checked.lines} lines), ${r.checked.vouchers} vouchers, ${r.checked.statements} statements`;
			if (r.ok) {
				process.stdout.write(`pass: ${what}: every invariant holds\n`);
				return 0;
			}
			process.stdout.write(`pass: ${what}: ${r.breaches.length} breach${r.breaches.length > 1 ? 'es' : ''}\n${r.breaches.map((b) => `  - ${b}`).join('\n')}\n`);
			return 1;
		});
	}
	if (cmd === 'organisations' && sub === 'import') {
		if (!rest[0]) throw new UsageError('organisations import <file.csv> [--dry-run]');
		const { readOnboardingCsv, importOnboarding, formatOnboardingReport } = await accounts();
		const { mailConfigured } = await import('../lib/server/mail/index.ts');
		const { getBoss } = await import('../lib/server/jobs/boss.ts');
		const { getInstanceSettings } = await territory();
		// the bytes: UTF-8, else Windows-1252 (Excel) with a warning
		const read = readOnboardingCsv(new Uint8Array(await readFile(rest[0]).catch(() => Promise.reject(new UsageError(`cannot read ${rest[0]}`)))));
		if (read.error !== null) throw new UsageError(read.error);
		if (read.warning) process.stderr.write(`warning: ${read.warning}\n`);
		return withDb(async (db) => {
			const origin = values.origin ? parseOrigin(values.origin) : savedPublicOrigin();
			// e-mails only with an SMTP server (queued in the import's transaction: the queue starts first); else the links are printed
			const mail = mailConfigured();
			if (mail && !values['dry-run']) await getBoss(db);
			const r = await importOnboarding(db, null, read.rows, {
				dryRun: !!values['dry-run'],
				origin,
				instanceName: (await getInstanceSettings(db)).name,
				showLinks: !mail,
				mail
			});
			process.stdout.write(formatOnboardingReport(r));
			return r.errors.length ? 1 : 0;
		});
	}
	if (cmd === 'organisations') {
		const { createOrganisation, listOrganisations } = await accounts();
		return withDb(async (db) => {
			if (sub === 'add') {
				if (values.kind && !(values.kind in ORGANISATION_KINDS))
					throw new UsageError(`unknown --kind ${values.kind}; kinds: ${Object.keys(ORGANISATION_KINDS).join(', ')}`);
				const o = await createOrganisation(db, null, {
					name: values.name,
					kind: values.kind,
					departmentCode: values.departement,
					siret: values.siret ?? ''
				}).catch(accountUsage);
				process.stdout.write(`${o.id}\t${o.departmentCode}\t${o.name}\n`);
			} else {
				const all = await listOrganisations(db, { userId: 'cli', isAdmin: true, mfa: true, memberships: [] });
				for (const o of all) process.stdout.write(`${o.id}\t${o.departmentCode}\t${o.kind}\t${o.name}\n`);
			}
			return 0;
		});
	}
	if (cmd === 'users' && sub === 'invite') {
		const role = values.role as Role;
		if (!values.email || !values.name || !values.organisation || !ROLES.includes(role))
			throw new UsageError(`users invite --email … --name … --organisation <id> --role ${ROLES.join('|')} [--admin]`);
		const { invite } = await accounts();
		const { mailConfigured } = await import('../lib/server/mail/index.ts');
		const { getInstanceSettings } = await territory();
		return withDb(async (db) => {
			// the public URL (ORIGIN, else the one the embedded server recorded at its last start)
			const origin = values.origin ? parseOrigin(values.origin) : savedPublicOrigin();
			// the link is printed; it is also e-mailed when an SMTP server is configured (the server's worker delivers it)
			const r = await invite(
				db,
				null,
				{ email: values.email!, displayName: values.name!, organisationId: values.organisation!, role, isAdmin: !!values.admin },
				mailConfigured() ? { origin, instanceName: (await getInstanceSettings(db)).name } : {}
			).catch(accountUsage);
			process.stdout.write(
				`invitation for ${r.invitation.email} (${role}${values.admin ? ', administrator' : ''}), valid until ${r.invitation.expiresAt.toISOString()}:\n${origin}/invitation/${r.token}\n`
			);
			if (r.existingAccount) process.stdout.write('existing account: the role stays pending until its owner logs in and accepts it (Mon compte)\n');
			return 0;
		});
	}
	if (cmd === 'users' && sub === 'deactivate') {
		if (!rest[0]) throw new UsageError('users deactivate <email>');
		const { userIdByEmail, setUserActive } = await accounts();
		return withDb(async (db) => {
			const userId = await userIdByEmail(db.db, rest[0]);
			if (!userId) throw new UsageError(`no account ${rest[0]}`);
			await setUserActive(db, null, userId, false);
			log(`${rest[0]} deactivated, sessions ended`);
			return 0;
		});
	}
	throw new UsageError(`unknown command: ${[cmd, sub].filter(Boolean).join(' ')}`);
}

export class UsageError extends Error {}

const demoUsage =
	(DemoError: new (...a: never[]) => Error) =>
	(e: unknown): never => {
		if (e instanceof DemoError) throw new UsageError(e.message);
		throw e;
	};

function accountUsage(e: unknown): never {
	if (e instanceof AccountError) {
		const details = Object.entries(e.fields).map(([k, v]) => `${k}: ${v}`);
		throw new UsageError([e.message, ...details].join('\n  '));
	}
	throw e;
}

export async function run(argv = process.argv.slice(2)) {
	try {
		process.exitCode = await main(argv);
	} catch (e) {
		// a backup's refusal is a usage error too (its module is loaded only by backup and restore)
		if (e instanceof UsageError || (e instanceof Error && e.constructor.name === 'BackupError')) {
			process.stderr.write(`maillage: ${e.message}\nRun "maillage help" for usage.\n`);
			process.exitCode = 2;
		} else {
			// redacted: a database error carries its query's values (issue 11); DEBUG shows the rest
			process.stderr.write(`maillage: ${String(describeError(e).message)}\n`);
			if (process.env.DEBUG) console.error(e);
			process.exitCode = 1;
		}
	}
}
