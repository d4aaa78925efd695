/**
 * Bringing a network on from one file (issue 12, item 9): structures, the places they run
 * and their members, from a CSV a coordinator fills in a spreadsheet. A dry run says what
 * would be done, line by line; the import does it in ONE transaction (a line in error: nothing
 * is written), and doing it again changes nothing (structures found by SIRET or by name,
 * places already linked, members already there or already invited are reported, not doubled).
 *
 * Columns (header names in French, order free, `,` or `;`): structure (required), siret, type,
 * departement, lieu (the place's id in the directory), nom, courriel, role (several joined
 * with `|`; "responsable de lieu" when empty). Without a person's name the invitation says
 * « Équipe du lieu » and the person writes their own name when creating the account.
 *
 * The same engine invites places' own contact addresses as their managers
 * (`placeContactRows`): one structure per place when it has none.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database, DbOrTx, Tx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { invitations, memberships, organisationPlaces, organisations, users } from './db.ts';
import { placeSummaries } from '../places/index.ts';
import { normalizeKey } from '../../text/keys.ts';
import { displayNameSchema, emailSchema, ORGANISATION_KINDS, organisationSchema, ROLES_WITH_PERSONAL_DATA, type OrganisationKind, type Role } from './model.ts';
import { can, departmentsWith, type Actor } from '../permissions/index.ts';
import { INVITATION_DAYS, invitationToken, recordInvitation, rolesLabel, sameMailbox } from './invitations.ts';
import { KIND_WORDS, parseRoles, type OnboardingRow } from './onboarding-csv.ts';
import { queueMail } from '../mail/index.ts';
import { invitationMail, pendingRoleMail } from '../mail/index.ts';

export const DEFAULT_MEMBER_NAME = 'Équipe du lieu';

export interface OnboardingOptions {
	dryRun?: boolean;
	/** the site's address: invitations are e-mailed (outbox); links are returned to be shown when `showLinks` */
	origin?: string;
	instanceName?: string;
	showLinks?: boolean;
	/** queue the invitations' e-mails (default true; the command line without SMTP prints the links instead) */
	mail?: boolean;
	ip?: string | null;
	now?: Date;
	/** « Inviter son contact comme responsable » (invitePlaceContacts): the places whose contact is invited, journaled as such rather than as a file's import */
	contactsOf?: string[];
}

export interface MemberOutcome {
	line: number;
	structure: string;
	email: string;
	roles: string;
	/** invited: a new account will be made; offered: an existing account gets a role to accept */
	status: 'invited' | 'offered' | 'member' | 'waiting';
	link?: string | null;
}

export interface OnboardingReport {
	dryRun: boolean;
	lines: number;
	errors: { line: number; message: string }[];
	structures: { created: number; existing: number };
	places: { linked: number; already: number };
	members: { invited: number; offered: number; member: number; waiting: number };
	outcomes: MemberOutcome[];
	/** nothing was written (a dry run, or an error in a line) */
	written: boolean;
}

interface PlannedStructure {
	key: string;
	id: string | null;
	name: string;
	siret: string | null;
	kind: OrganisationKind;
	departmentCode: string;
	line: number;
	places: Map<string, number>;
	members: Map<string, { line: number; email: string; displayName: string; roles: Role[] }>;
}

const lineMessage = (line: number, m: string) => ({ line, message: `Ligne ${line}\u00a0: ${m}` });

async function plan(db: DbOrTx, actor: Actor | null, rows: OnboardingRow[]) {
	const errors: { line: number; message: string }[] = [];
	const structures = new Map<string, PlannedStructure>();
	const ownDeps = actor ? (actor.isAdmin ? null : departmentsWith(actor, ['coordinator'])) : null;
	const placeIds = [...new Set(rows.map((r) => r.lieu).filter((v): v is string => !!v))];
	const found = await placeSummaries(db, placeIds);
	const placeById = new Map(found.map((p) => [p.id, p]));
	const [me] = actor ? await db.select({ email: users.email }).from(users).where(eq(users.id, actor.userId)) : [];

	for (const [i, row] of rows.entries()) {
		const line = i + 2; // the header is line 1
		const before = errors.length;
		const place = row.lieu ? placeById.get(row.lieu) : undefined;
		if (row.lieu && !place)
			errors.push(
				lineMessage(line, `aucun lieu de l’annuaire n’a l’identifiant « ${row.lieu} » (colonne « lieu »\u00a0: l’identifiant de l’export des lieux).`)
			);
		const dep = (row.departement || place?.departmentCode || (ownDeps?.length === 1 ? ownDeps[0] : '') || '').toUpperCase();
		const kindWord = normalizeKey(row.type);
		const kind = kindWord ? KIND_WORDS[kindWord] : 'autre';
		if (!kind) errors.push(lineMessage(line, `le type « ${row.type} » n’existe pas. Types possibles\u00a0: ${Object.keys(ORGANISATION_KINDS).join(', ')}.`));
		const org = organisationSchema.safeParse({ name: row.structure, siret: row.siret ?? '', kind: kind ?? 'autre', departmentCode: dep });
		if (!org.success) for (const issue of org.error.issues) errors.push(lineMessage(line, issue.message));
		if (place && dep && place.departmentCode && place.departmentCode !== dep)
			errors.push(lineMessage(line, `le lieu « ${place.nom} » est dans le département ${place.departmentCode}, la structure dans le ${dep}.`));
		if (org.success && actor && !can(actor, 'organisation.manage', { departmentCode: org.data.departmentCode }))
			errors.push(lineMessage(line, `vous ne pouvez pas ajouter de structure dans le département ${org.data.departmentCode}.`));
		let member: { email: string; displayName: string; roles: Role[] } | null = null;
		if (row.courriel) {
			const email = emailSchema.safeParse(row.courriel);
			const name = displayNameSchema.safeParse(row.nom || DEFAULT_MEMBER_NAME);
			const { roles, bad } = parseRoles(row.role);
			if (!email.success) errors.push(lineMessage(line, `${email.error.issues[0].message} (« ${row.courriel} »)`));
			if (!name.success) errors.push(lineMessage(line, name.error.issues[0].message));
			if (bad.length)
				errors.push(
					lineMessage(
						line,
						`le rôle « ${bad.join(', ')} » n’existe pas. Rôles possibles\u00a0: responsable de lieu, médiateur, prescripteur, partenaire, coordination.`
					)
				);
			if (email.success && me && sameMailbox(me.email, email.data) && roles.some((r) => ROLES_WITH_PERSONAL_DATA.includes(r)))
				errors.push(lineMessage(line, 'vous ne pouvez pas vous inviter vous-même\u00a0: demandez-le à une autre personne de la coordination.'));
			if (org.success && actor && roles.some((role) => !can(actor, 'user.invite', { departmentCode: org.data.departmentCode, role })))
				errors.push(lineMessage(line, `vous ne pouvez pas inviter au rôle ${rolesLabel(roles[0], roles.slice(1))} dans ce département.`));
			if (email.success && name.success) member = { email: email.data, displayName: name.data, roles };
		} else if (row.nom || row.role)
			errors.push(lineMessage(line, 'indiquez l’adresse e-mail de la personne (colonne « courriel »), ou laissez « nom » et « role » vides.'));
		if (errors.length > before || !org.success) continue;

		const o = org.data;
		const key = o.siret ? `siret:${o.siret}` : `name:${o.departmentCode}:${normalizeKey(o.name)}`;
		let s = structures.get(key);
		if (!s) {
			s = { key, id: null, name: o.name, siret: o.siret, kind: o.kind, departmentCode: o.departmentCode, line, places: new Map(), members: new Map() };
			structures.set(key, s);
		}
		if (place && !s.places.has(place.id)) s.places.set(place.id, line);
		if (member) {
			const m = s.members.get(member.email);
			if (m) {
				for (const r of member.roles) if (!m.roles.includes(r)) m.roles.push(r);
			} else s.members.set(member.email, { line, ...member });
		}
	}

	// what exists already: structures (by SIRET, else by name in the département)
	for (const s of structures.values()) {
		const [hit] = s.siret
			? await db.select({ id: organisations.id, departmentCode: organisations.departmentCode }).from(organisations).where(eq(organisations.siret, s.siret))
			: await db
					.select({ id: organisations.id, departmentCode: organisations.departmentCode })
					.from(organisations)
					.where(and(eq(organisations.departmentCode, s.departmentCode), sql`lower(${organisations.name}) = lower(${s.name})`))
					.limit(1);
		if (hit && hit.departmentCode !== s.departmentCode)
			errors.push(lineMessage(s.line, `le SIRET ${s.siret} est celui d’une structure du département ${hit.departmentCode}.`));
		s.id = hit?.id ?? null;
	}
	errors.sort((a, b) => a.line - b.line);
	return { errors, structures: [...structures.values()] };
}

/**
 * Reads the plan against the database and, unless it is a dry run or a line is in error,
 * writes it in one transaction. `actor` null: the command line (every département).
 */
export async function importOnboarding(
	database: Database,
	actor: Actor | null,
	rows: OnboardingRow[],
	opts: OnboardingOptions = {}
): Promise<OnboardingReport> {
	const now = opts.now ?? new Date();
	const run = async (tx: DbOrTx, write: boolean): Promise<OnboardingReport> => {
		const p = await plan(tx, actor, rows);
		const report: OnboardingReport = {
			dryRun: !write,
			lines: rows.length,
			errors: p.errors,
			structures: { created: 0, existing: 0 },
			places: { linked: 0, already: 0 },
			members: { invited: 0, offered: 0, member: 0, waiting: 0 },
			outcomes: [],
			written: false
		};
		const doWrite = write && !p.errors.length;
		const actorRef = actor ? ({ kind: 'user', id: actor.userId } as const) : ({ kind: 'cli' } as const);
		for (const s of p.structures) {
			if (s.id) report.structures.existing++;
			else {
				report.structures.created++;
				if (doWrite) {
					const [row] = await tx.insert(organisations).values({ name: s.name, siret: s.siret, kind: s.kind, departmentCode: s.departmentCode }).returning();
					s.id = row.id;
					await journal(tx, {
						actor: actorRef,
						action: 'organisation.created',
						targetType: 'organisation',
						targetId: row.id,
						departmentCode: row.departmentCode,
						after: row,
						ip: opts.ip ?? null,
						details: { import: true }
					});
				}
			}
			const linked =
				s.id && s.places.size
					? await tx
							.select({ p: organisationPlaces.placeId })
							.from(organisationPlaces)
							.where(and(eq(organisationPlaces.organisationId, s.id), inArray(organisationPlaces.placeId, [...s.places.keys()])))
					: [];
			const already = new Set(linked.map((l) => l.p));
			for (const placeId of s.places.keys()) {
				if (already.has(placeId)) report.places.already++;
				else {
					report.places.linked++;
					if (doWrite) {
						await tx.insert(organisationPlaces).values({ organisationId: s.id!, placeId }).onConflictDoNothing();
						await journal(tx, {
							actor: actorRef,
							action: 'organisation.place_linked',
							targetType: 'place',
							targetId: placeId,
							departmentCode: s.departmentCode,
							ip: opts.ip ?? null,
							details: { organisationId: s.id, import: true }
						});
					}
				}
			}
			for (const m of s.members.values()) {
				const outcome: MemberOutcome = { line: m.line, structure: s.name, email: m.email, roles: rolesLabel(m.roles[0], m.roles.slice(1)), status: 'invited' };
				const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.email, m.email));
				const held =
					user && s.id
						? (
								await tx
									.select({ role: memberships.role })
									.from(memberships)
									.where(and(eq(memberships.userId, user.id), eq(memberships.organisationId, s.id)))
							).map((r) => r.role)
						: [];
				const missing = m.roles.filter((r) => !held.includes(r));
				// the roles already offered by an invitation still waiting are not offered again
				const waiting = s.id
					? await tx
							.select({ id: invitations.id, role: invitations.role, extraRoles: invitations.extraRoles, expiresAt: invitations.expiresAt })
							.from(invitations)
							.where(and(eq(invitations.organisationId, s.id), eq(invitations.email, m.email), isNull(invitations.usedAt), isNull(invitations.revokedAt)))
					: [];
				const offered = new Set(waiting.filter((w) => w.expiresAt > now).flatMap((w) => [w.role, ...w.extraRoles]));
				const toOffer = missing.filter((r) => !offered.has(r));
				if (!missing.length) outcome.status = 'member';
				else if (!toOffer.length) outcome.status = 'waiting';
				else {
					outcome.status = user ? 'offered' : 'invited';
					outcome.roles = rolesLabel(toOffer[0], toOffer.slice(1));
					const expired = waiting.filter((w) => w.expiresAt <= now && [w.role, ...w.extraRoles].some((r) => toOffer.includes(r as Role))).map((w) => w.id);
					if (doWrite)
						outcome.link = await writeInvitation(
							database,
							tx as Tx,
							{ ...m, roles: toOffer },
							{ id: s.id!, name: s.name, departmentCode: s.departmentCode },
							!!user,
							expired,
							actor,
							opts,
							now
						);
				}
				report.members[outcome.status]++;
				report.outcomes.push(outcome);
			}
		}
		if (doWrite) {
			const contacts = opts.contactsOf?.length ? opts.contactsOf : null;
			await journal(tx, {
				actor: actorRef,
				// a click on « Inviter son contact comme responsable » is not a file's import: the journal says what it was
				action: contacts ? 'organisation.contacts_invited' : 'organisation.imported',
				targetType: contacts ? (contacts.length === 1 ? 'place' : 'import') : 'import',
				targetId: contacts?.length === 1 ? contacts[0] : undefined,
				departmentCode: p.structures[0]?.departmentCode ?? null,
				ip: opts.ip ?? null,
				details: contacts
					? { placeCount: contacts.length, structures: report.structures, places: report.places, members: report.members }
					: { lines: rows.length, structures: report.structures, places: report.places, members: report.members }
			});
			report.written = true;
		}
		return report;
	};
	if (opts.dryRun) return run(database.db, false);
	return database.db.transaction(async (tx) => {
		// one import at a time: the plan (structures found by name, invitations waiting) is read after the
		// previous import is written, so that the same file sent twice at once (a double click, the page and
		// the command line) creates its structures and e-mails its invitations once
		await tx.execute(sql`select pg_advisory_xact_lock(hashtext('maillage onboarding import'))`);
		return run(tx, true);
	});
}

async function writeInvitation(
	database: Database,
	tx: Tx,
	m: { email: string; displayName: string; roles: Role[] },
	org: { id: string; name: string; departmentCode: string },
	existingAccount: boolean,
	expiredIds: string[],
	actor: Actor | null,
	opts: OnboardingOptions,
	now: Date
): Promise<string | null> {
	if (expiredIds.length) await tx.update(invitations).set({ revokedAt: now }).where(inArray(invitations.id, expiredIds));
	const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 86400_000);
	const row = await recordInvitation(
		tx,
		actor,
		{ email: m.email, displayName: m.displayName, organisation: org, role: m.roles[0], extraRoles: m.roles.slice(1), createdAt: now, expiresAt },
		{ ip: opts.ip, details: { existingAccount, import: true } }
	);
	const token = invitationToken(row, now);
	if (opts.origin && opts.mail !== false) {
		const base = opts.origin.replace(/\/$/, '');
		const p = {
			to: row.email,
			displayName: row.displayName,
			organisationName: org.name,
			roleLabel: rolesLabel(row.role, row.extraRoles),
			expiresAt,
			instanceName: opts.instanceName ?? 'maillage'
		};
		await queueMail(
			database,
			tx,
			existingAccount ? pendingRoleMail({ ...p, link: `${base}/compte` }) : invitationMail({ ...p, link: `${base}/invitation/${token}` })
		);
	}
	return opts.showLinks && !existingAccount && opts.origin ? `${opts.origin.replace(/\/$/, '')}/invitation/${token}` : null;
}

/** The report as the command line prints it (English around, the French reasons as they are). */
export function formatOnboardingReport(r: OnboardingReport): string {
	const out = [
		`${r.dryRun ? 'dry run' : r.written ? 'imported' : 'NOT imported'}: ${r.lines} lines`,
		`structures: ${r.structures.created} ${r.dryRun ? 'to create' : 'created'}, ${r.structures.existing} existing`,
		`places: ${r.places.linked} ${r.dryRun ? 'to link' : 'linked'}, ${r.places.already} already linked`,
		`members: ${r.members.invited} ${r.dryRun ? 'to invite' : 'invited'}, ${r.members.offered} existing accounts offered a role, ${r.members.member} already members, ${r.members.waiting} already invited`
	];
	if (r.errors.length) out.push(`${r.errors.length} line(s) in error, nothing written:`, ...r.errors.map((e) => `  - ${e.message}`));
	for (const o of r.outcomes) if (o.link) out.push(`  ${o.email}: ${o.link}`);
	return out.join('\n') + '\n';
}
