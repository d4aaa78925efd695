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
import { parse } from 'csv-parse/sync';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database, DbOrTx, Tx } from '../db/client.ts';
import { journal } from '../audit/service.ts';
import { invitations, memberships, organisationPlaces, organisations, users } from './db.ts';
import { places } from '../places/db.ts';
import { normalizeKey } from '../places/index.ts';
import {
	displayNameSchema,
	emailSchema,
	ORGANISATION_KINDS,
	organisationSchema,
	ROLE_LABELS,
	ROLES,
	ROLES_WITH_PERSONAL_DATA,
	type OrganisationKind,
	type Role
} from './model.ts';
import { can, departmentsWith, type Actor } from './permissions.ts';
import { INVITATION_DAYS, invitationToken, recordInvitation, rolesLabel, sameMailbox } from './invitations.ts';
import { queueMail } from '../mail/service.ts';
import { invitationMail, pendingRoleMail } from '../mail/templates.ts';

export const DEFAULT_MEMBER_NAME = 'Équipe du lieu';
/**
 * One import is one request and one transaction: 3,000 lines took 7 s of the server's time.
 * Above these, the file is refused whole (nothing read, nothing written) with a French
 * message saying the limit and how to split the file.
 */
export const MAX_LINES = 1000;
export const MAX_BYTES = 512 * 1024;
const fr = new Intl.NumberFormat('fr-FR');
const SPLIT_HINT = `Découpez-le en plusieurs fichiers de ${fr.format(MAX_LINES)}\u00a0lignes au plus, en recopiant la première ligne (le nom des colonnes) en haut de chacun, puis importez-les l’un après l’autre.`;
export const tooManyLines = (n: number) =>
	`Le fichier compte ${fr.format(n)}\u00a0lignes\u00a0: ${fr.format(MAX_LINES)}\u00a0au plus par import. ${SPLIT_HINT}`;
export const tooLarge = (bytes: number) =>
	`Le fichier pèse ${fr.format(Math.ceil(bytes / 1024))}\u00a0Ko\u00a0: ${fr.format(MAX_BYTES / 1024)}\u00a0Ko au plus par import. ${SPLIT_HINT}`;

/** A line of the file, as read (strings, trimmed). */
export interface OnboardingRow {
	structure: string;
	siret?: string;
	type?: string;
	departement?: string;
	lieu?: string;
	nom?: string;
	courriel?: string;
	role?: string;
}

const HEADERS: Record<string, keyof OnboardingRow> = {
	structure: 'structure',
	'nom de la structure': 'structure',
	'nom structure': 'structure',
	siret: 'siret',
	type: 'type',
	'type de structure': 'type',
	departement: 'departement',
	lieu: 'lieu',
	'id lieu': 'lieu',
	'lieu id': 'lieu',
	'identifiant du lieu': 'lieu',
	nom: 'nom',
	'prenom et nom': 'nom',
	'nom du membre': 'nom',
	courriel: 'courriel',
	email: 'courriel',
	'e mail': 'courriel',
	'adresse e mail': 'courriel',
	role: 'role',
	roles: 'role'
};

const ROLE_WORDS: Record<string, Role> = {
	...Object.fromEntries(ROLES.map((r) => [r.replace('_', ' '), r])),
	...Object.fromEntries(Object.entries(ROLE_LABELS).map(([r, l]) => [normalizeKey(l), r as Role])),
	responsable: 'place_manager',
	'responsable de lieu': 'place_manager',
	mediateur: 'mediator',
	mediatrice: 'mediator',
	'mediateur numerique': 'mediator',
	'conseiller numerique': 'mediator',
	prescripteur: 'prescriber',
	prescriptrice: 'prescriber',
	partenaire: 'partner',
	coordination: 'coordinator',
	coordinateur: 'coordinator',
	coordinatrice: 'coordinator'
};

const KIND_WORDS: Record<string, OrganisationKind> = {
	...Object.fromEntries(Object.keys(ORGANISATION_KINDS).map((k) => [normalizeKey(k), k as OrganisationKind])),
	...Object.fromEntries(Object.entries(ORGANISATION_KINDS).map(([k, l]) => [normalizeKey(l), k as OrganisationKind])),
	ccas: 'ccas',
	cias: 'ccas',
	commune: 'collectivite',
	mairie: 'collectivite',
	intercommunalite: 'collectivite',
	mediatheque: 'mediatheque',
	bibliotheque: 'mediatheque',
	'france services': 'france_services'
};

export const NOT_UTF8_WARNING = 'Le fichier n’était pas en UTF-8\u00a0: lu comme Windows-1252 (Excel). Vérifiez les accents.';
const UNREADABLE =
	'Ce fichier ne peut pas être lu comme un tableau CSV (caractères illisibles)\u00a0: dans votre tableur, enregistrez-le au format « CSV UTF-8 », puis importez ce fichier.';
// C0 controls except \t \n \r, DEL, C1 controls (what Windows-1252 gives for its unassigned bytes): a binary file
const BINARY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffd]/;

/**
 * The file's bytes as text: UTF-8 (a byte order mark dropped), else Windows-1252, what Excel
 * writes for « CSV (séparateur : point-virgule) » in France, with a warning. A binary file
 * (controls, bytes no encoding explains) is refused with a French message: never an exception.
 */
export function decodeCsvBytes(bytes: Uint8Array): { text: string; warning: string | null; error: null } | { text: null; warning: null; error: string } {
	const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
	let text: string;
	let warning: string | null = null;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(body);
	} catch {
		text = new TextDecoder('windows-1252').decode(body);
		warning = NOT_UTF8_WARNING;
	}
	if (BINARY.test(text)) return { text: null, warning: null, error: UNREADABLE };
	return { text, warning, error: null };
}

/** What the file says, line by line, or the reason it cannot be read at all (its bytes: decoded by decodeCsvBytes). */
export function readOnboardingCsv(
	input: string | Uint8Array
): { rows: OnboardingRow[]; error: null; warning: string | null; text: string } | { rows: null; error: string; warning: null; text: null } {
	const fail = (error: string) => ({ rows: null, error, warning: null, text: null });
	const bytes = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
	if (bytes > MAX_BYTES) return fail(tooLarge(bytes));
	const decoded = typeof input === 'string' ? { text: input, warning: null, error: BINARY.test(input) ? UNREADABLE : null } : decodeCsvBytes(input);
	if (decoded.error !== null) return fail(decoded.error);
	const { warning } = decoded;
	const body = decoded.text!.replace(/^\uFEFF/, '');
	const first = body.split(/\r?\n/, 1)[0] ?? '';
	if (!first.trim()) return fail('Le fichier est vide.');
	const delimiter = (first.match(/;/g)?.length ?? 0) > (first.match(/,/g)?.length ?? 0) ? ';' : ',';
	let records: string[][];
	try {
		records = parse(body, { delimiter, relax_column_count: true, skip_empty_lines: true, trim: true, bom: true });
	} catch (e) {
		return fail(`Le fichier n’est pas un CSV lisible (${(e as { code?: string }).code ?? 'format'})\u00a0: enregistrez-le au format « CSV UTF-8 ».`);
	}
	const header = records[0].map((h) => HEADERS[normalizeKey(h)] ?? null);
	if (!header.includes('structure'))
		return fail(
			'La première ligne doit nommer les colonnes, dont « structure ». Colonnes possibles\u00a0: structure, siret, type, departement, lieu, nom, courriel, role.'
		);
	if (records.length - 1 > MAX_LINES) return fail(tooManyLines(records.length - 1));
	const rows = records.slice(1).map((rec) => {
		const row: OnboardingRow = { structure: '' };
		header.forEach((key, i) => {
			if (key && rec[i] !== undefined) row[key] = rec[i].trim();
		});
		return row;
	});
	return { rows, error: null, warning, text: body };
}

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

function parseRoles(v: string | undefined): { roles: Role[]; bad: string[] } {
	const words = (v ?? '')
		.split(/[|+/]/)
		.map((w) => w.trim())
		.filter(Boolean);
	if (!words.length) return { roles: ['place_manager'], bad: [] };
	const roles: Role[] = [];
	const bad: string[] = [];
	for (const w of words) {
		const r = ROLE_WORDS[normalizeKey(w)];
		if (r) {
			if (!roles.includes(r)) roles.push(r);
		} else bad.push(w);
	}
	return { roles, bad };
}

async function plan(db: DbOrTx, actor: Actor | null, rows: OnboardingRow[]) {
	const errors: { line: number; message: string }[] = [];
	const structures = new Map<string, PlannedStructure>();
	const ownDeps = actor ? (actor.isAdmin ? null : departmentsWith(actor, ['coordinator'])) : null;
	const placeIds = [...new Set(rows.map((r) => r.lieu).filter((v): v is string => !!v))];
	const found = placeIds.length
		? await db.select({ id: places.id, departmentCode: places.departmentCode, nom: places.nom }).from(places).where(inArray(places.id, placeIds))
		: [];
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

/**
 * The lines that invite places' own contact addresses as their managers: the structure that
 * runs the place when there is one, else a new one named after the place.
 */
export async function placeContactRows(
	db: DbOrTx,
	placeIds: string[]
): Promise<{ rows: OnboardingRow[]; skipped: { id: string; nom: string; reason: string }[] }> {
	if (!placeIds.length) return { rows: [], skipped: [] };
	const list = await db
		.select({
			id: places.id,
			nom: places.nom,
			departmentCode: places.departmentCode,
			courriels: places.courriels,
			typologie: places.typologie,
			programmes: places.dispositifProgrammesNationaux,
			pivot: places.pivot,
			organisation: sql<
				string | null
			>`(select o.name from ${organisationPlaces} op join ${organisations} o on o.id = op.organisation_id where op.place_id = "places"."id" order by o.created_at limit 1)`
		})
		.from(places)
		.where(inArray(places.id, placeIds));
	const rows: OnboardingRow[] = [];
	const skipped: { id: string; nom: string; reason: string }[] = [];
	for (const p of list) {
		const email = (p.courriels as unknown as string[] | null)?.[0];
		if (!email) skipped.push({ id: p.id, nom: p.nom, reason: 'pas d’adresse e-mail de contact' });
		else
			rows.push({
				structure: p.organisation ?? p.nom.slice(0, 200),
				// a new structure at the place's name: of the kind its source data says (used only when it is created)
				type: p.organisation
					? undefined
					: placeKind({
							nom: p.nom,
							typologie: p.typologie as unknown as string[] | null,
							programmes: p.programmes as unknown as string[] | null,
							pivot: p.pivot
						}),
				departement: p.departmentCode ?? '',
				lieu: p.id,
				courriel: email,
				role: 'place_manager'
			});
	}
	return { rows, skipped };
}

const TYPOLOGY_KINDS: Record<string, OrganisationKind> = {
	MSAP: 'france_services',
	BIB: 'mediatheque',
	CCAS: 'ccas',
	CIAS: 'ccas',
	MUNI: 'collectivite',
	EPCI: 'collectivite',
	CC: 'collectivite',
	ASSO: 'association',
	ASSO_CHOMEUR: 'association',
	CAF: 'operateur',
	CPAM: 'operateur',
	MSA: 'operateur',
	FT: 'emploi',
	PE: 'emploi',
	ML: 'emploi',
	CAP_EMPLOI: 'emploi',
	MDE: 'emploi',
	MDEF: 'emploi',
	PLIE: 'emploi'
};

/**
 * The kind of structure a place's source data says it is (« Inviter son contact comme
 * responsable » creates one at its name): France Services by its programme or typology, a
 * médiathèque by its typology or its name, a CCAS, a commune, an association (also by an RNA
 * number), an operator, an employment service; else « autre ».
 */
export function placeKind(p: { nom: string; typologie?: string[] | null; programmes?: string[] | null; pivot?: string | null }): OrganisationKind {
	const programmes = (p.programmes ?? []).map((x) => normalizeKey(x));
	if (programmes.includes(normalizeKey('France Services'))) return 'france_services';
	for (const t of p.typologie ?? []) {
		const kind = TYPOLOGY_KINDS[t.trim().toUpperCase()];
		if (kind) return kind;
	}
	const name = normalizeKey(p.nom);
	if (/^france services\b/.test(name)) return 'france_services';
	if (/^(mediatheque|bibliotheque)\b/.test(name)) return 'mediatheque';
	if (/^(ccas|cias)\b/.test(name)) return 'ccas';
	if (/^W\d{9}$/i.test((p.pivot ?? '').trim())) return 'association';
	return 'autre';
}

/** A place manager's invitation waits at a structure running the place (SQL, about "places"). */
const MANAGER_WAITING = sql<boolean>`exists (select 1 from ${organisationPlaces} op join ${invitations} i on i.organisation_id = op.organisation_id where op.place_id = "places"."id" and i.used_at is null and i.revoked_at is null and i.expires_at > now() and (i.role = 'place_manager' or 'place_manager' = any(i.extra_roles)))`;
/** A structure running the place has a place manager (SQL, about "places"). */
const MANAGED = sql<boolean>`exists (select 1 from ${organisationPlaces} op join ${memberships} m on m.organisation_id = op.organisation_id and m.role = 'place_manager' where op.place_id = "places"."id")`;

/**
 * The places of the coordinator's départements that nobody manages yet (no structure of
 * theirs has a place manager), with their contact address and whether a manager's
 * invitation already waits. By name; only those of `ids` when given.
 */
export async function placesWithoutManager(db: DbOrTx, actor: Actor, ids?: string[]) {
	const deps = actor.isAdmin ? null : departmentsWith(actor, ['coordinator']);
	if (deps && !deps.length) return [];
	if (ids && !ids.length) return [];
	const rows = await db
		.select({
			id: places.id,
			nom: places.nom,
			commune: places.commune,
			courriels: places.courriels,
			waiting: MANAGER_WAITING
		})
		.from(places)
		.where(and(deps ? inArray(places.departmentCode, deps) : undefined, ids ? inArray(places.id, ids) : undefined, sql`not ${MANAGED}`))
		.orderBy(places.nom)
		.limit(1000);
	return rows
		.map((r) => ({ id: r.id, nom: r.nom, commune: r.commune, email: (r.courriels as unknown as string[] | null)?.[0] ?? null, waiting: !!r.waiting }))
		.sort((a, b) => byFrenchName(a.nom, b.nom) || byFrenchName(a.commune, b.commune));
}

const FRENCH = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });
/** As a French reader sorts: case and accents aside (« Agence postale » before « AUDACE/S », which the database's byte order put first). */
export function byFrenchName(a: string | null | undefined, b: string | null | undefined): number {
	return FRENCH.compare(a ?? '', b ?? '');
}

/**
 * Who answers for one place (a coordinator's place page): a place manager, an invitation
 * waiting for one, or neither; its contact address (the first), the one to invite.
 */
export async function placeManagerState(db: DbOrTx, placeId: string): Promise<{ managed: boolean; waiting: boolean; email: string | null } | null> {
	const [r] = await db.select({ managed: MANAGED, waiting: MANAGER_WAITING, courriels: places.courriels }).from(places).where(eq(places.id, placeId));
	if (!r) return null;
	return { managed: !!r.managed, waiting: !!r.waiting, email: (r.courriels as unknown as string[] | null)?.[0] ?? null };
}

/**
 * The contact address of each place given invited as its manager, in one click: the
 * onboarding page's « Lieux sans responsable » and a coordinator's place page. Only the
 * places without a manager in the actor's départements are taken (placesWithoutManager);
 * each becomes a line of the onboarding engine (placeContactRows: the structure running it,
 * else a new one at its name), which checks the rights again, writes in one transaction,
 * journals and e-mails (recordInvitation). `report` null: none of the places could be taken.
 */
export async function invitePlaceContacts(
	database: Database,
	actor: Actor,
	placeIds: string[],
	opts: Pick<OnboardingOptions, 'origin' | 'instanceName' | 'ip'> = {}
): Promise<{ report: OnboardingReport | null; skipped: { id: string; nom: string; reason: string }[] }> {
	const allowed = await placesWithoutManager(database.db, actor, [...new Set(placeIds)]);
	if (!allowed.length) return { report: null, skipped: [] };
	const { rows, skipped } = await placeContactRows(
		database.db,
		allowed.map((p) => p.id)
	);
	if (!rows.length) return { report: null, skipped };
	return { report: await importOnboarding(database, actor, rows, { ...opts, contactsOf: rows.map((r) => r.lieu!).filter(Boolean) }), skipped };
}
