/**
 * The person's access to their page without an account (issue 11, finding 3 and the
 * person's session):
 *
 * - a **link** (/mes-orientations/<token>) in each message to the person and on the sheet
 *   their prescriber prints for them. Only the token's hash is stored (person_links); a
 *   link expires after PERSON_LINK_DAYS, is revocable by the person (on their page) and by
 *   the organisation holding the record, and is rotated: a new message on the same channel,
 *   or a reprint of the sheet, revokes the previous one. A place's team never gets one.
 * - a **session** (person_sessions), opened by a link or by a one-time code (person.ts):
 *   the cookie holds a random token whose hash is stored; logout, the revocation of the
 *   link that opened it, or the record's erasure end it server-side.
 *
 * Every use of a link is journaled ('person.link_used', "by link"), distinct from a
 * session opened by a code ('person.signed_in', "by code"). The person's address is kept
 * in the journal only truncated (personIp).
 */
import { uncheckedNames } from './lookups.ts';
import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Database, DbOrTx, Tx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { can, type Actor } from '../accounts/index.ts';
import { beneficiaries, personLinks, personSessions } from './db.ts';
import { personIp } from './model.ts';
import { deviceLabel } from './person-model.ts';
import { PERSON_SESSION_MINUTES } from './person.ts';
import { CareError, holdingOrganisations, loadBeneficiary } from './access.ts';

export { personIp, PERSON_SESSION_MINUTES };

export const PERSON_LINK_DAYS = 90;
export type LinkChannel = 'sms' | 'email' | 'sheet';
export const LINK_CHANNELS: Record<LinkChannel, string> = { sms: 'Lien reçu par SMS', email: 'Lien reçu par e-mail', sheet: 'Lien de la feuille imprimée' };

const DAY = 86_400_000;
const UUID = /^[0-9a-f-]{36}$/i;
const hashToken = (token: string) => createHash('sha256').update(`person-access:${token}`).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');

/** A person's own act, journaled once on each of their records (their session may hold several). */
async function journalPersonAct(
	tx: Tx,
	beneficiaryIds: readonly string[],
	action: string,
	ip: string | null | undefined,
	details: Record<string, unknown>
): Promise<void> {
	if (!beneficiaryIds.length) return;
	const rows = await tx
		.select({ id: beneficiaries.id, departmentCode: beneficiaries.departmentCode })
		.from(beneficiaries)
		.where(inArray(beneficiaries.id, [...beneficiaryIds]));
	await journal(
		tx,
		...rows.map((r) => ({
			actor: { kind: 'person' as const },
			action,
			targetType: 'beneficiary',
			targetId: r.id,
			departmentCode: r.departmentCode,
			ip: personIp(ip),
			details
		}))
	);
}

// ——— links ———

/**
 * A new link to the person's page, in the caller's transaction: the previous live link of
 * the same channel (of the same referral, for a sheet) is revoked ('rotation'), and the
 * sessions it opened end. Returns the absolute address (`origin`: the configured public
 * URL, as every link the platform sends).
 */
export async function issuePersonLink(
	tx: Tx,
	p: { beneficiaryId: string; channel: LinkChannel; origin: string; referralId?: string | null; createdBy?: string | null },
	now = new Date()
): Promise<{ href: string; id: string; expiresAt: Date }> {
	const same = and(
		eq(personLinks.beneficiaryId, p.beneficiaryId),
		eq(personLinks.channel, p.channel),
		isNull(personLinks.revokedAt),
		p.channel === 'sheet' ? (p.referralId ? eq(personLinks.referralId, p.referralId) : isNull(personLinks.referralId)) : undefined
	);
	await revokeWhere(tx, same!, 'rotation', now);
	const token = newToken();
	const expiresAt = new Date(now.getTime() + PERSON_LINK_DAYS * DAY);
	const [row] = await tx
		.insert(personLinks)
		.values({
			beneficiaryId: p.beneficiaryId,
			tokenHash: hashToken(token),
			channel: p.channel,
			referralId: p.referralId ?? null,
			createdBy: p.createdBy ?? null,
			createdAt: now,
			expiresAt
		})
		.returning({ id: personLinks.id });
	return { href: `${p.origin}/mes-orientations/${token}`, id: row.id, expiresAt };
}

async function revokeWhere(db: DbOrTx, where: ReturnType<typeof and>, by: 'person' | 'professional' | 'rotation' | 'erasure', now: Date): Promise<string[]> {
	const rows = await db.update(personLinks).set({ revokedAt: now, revokedBy: by }).where(where).returning({ id: personLinks.id });
	const ids = rows.map((r) => r.id);
	if (ids.length)
		await db
			.update(personSessions)
			.set({ endedAt: now })
			.where(and(inArray(personSessions.linkId, ids), isNull(personSessions.endedAt)));
	return ids;
}

export type LinkCheck = { ok: true; id: string; beneficiaryId: string; channel: LinkChannel } | { ok: false; reason: 'invalid' | 'expired' | 'revoked' };

/** Whether a link works now (it is not spent by use: the person may open it again until it expires or is revoked). */
export async function checkPersonLink(db: DbOrTx, token: string, now = new Date()): Promise<LinkCheck> {
	if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { ok: false, reason: 'invalid' };
	const [l] = await db
		.select()
		.from(personLinks)
		.where(eq(personLinks.tokenHash, hashToken(token)));
	if (!l) return { ok: false, reason: 'invalid' };
	if (l.revokedAt) return { ok: false, reason: 'revoked' };
	if (l.expiresAt <= now) return { ok: false, reason: 'expired' };
	const [b] = await db
		.select({ anonymisedAt: beneficiaries.anonymisedAt, mergedInto: beneficiaries.mergedInto })
		.from(beneficiaries)
		.where(eq(beneficiaries.id, l.beneficiaryId));
	if (!b || b.anonymisedAt) return { ok: false, reason: 'revoked' };
	return { ok: true, id: l.id, beneficiaryId: b.mergedInto ?? l.beneficiaryId, channel: l.channel as LinkChannel };
}

/**
 * The person opens their link: a session starts (via 'link'), the use is counted and
 * journaled "by link". Returns the session's token for the cookie.
 */
export async function usePersonLink(
	database: Database,
	token: string,
	meta: { ip?: string | null; userAgent?: string | null },
	now = new Date()
): Promise<{ ok: true; sessionToken: string } | Extract<LinkCheck, { ok: false }>> {
	return database.db.transaction(async (tx) => {
		const c = await checkPersonLink(tx, token, now);
		if (!c.ok) return c;
		await tx
			.update(personLinks)
			.set({ uses: sql`${personLinks.uses} + 1`, lastUsedAt: now })
			.where(eq(personLinks.id, c.id));
		const sessionToken = await startSession(tx, [c.beneficiaryId], 'link', c.id, now, meta.userAgent);
		const [b] = await tx.select({ departmentCode: beneficiaries.departmentCode }).from(beneficiaries).where(eq(beneficiaries.id, c.beneficiaryId));
		await journal(tx, {
			actor: { kind: 'person' },
			action: 'person.link_used',
			targetType: 'beneficiary',
			targetId: c.beneficiaryId,
			departmentCode: b?.departmentCode,
			ip: personIp(meta.ip),
			details: { by: 'link', linkId: c.id, channel: c.channel }
		});
		return { ok: true as const, sessionToken };
	});
}

// ——— sessions ———

/** How a session was opened: what the journal and the security page say. */
export type SignInMethod = 'code' | 'link' | 'passkey' | 'recovery';
export const SIGN_IN_METHODS: Record<SignInMethod, string> = {
	code: 'avec un code reçu par SMS ou e-mail',
	link: 'avec un lien',
	passkey: 'avec une clé d’accès',
	recovery: 'avec un code de la feuille de secours'
};

async function startSession(tx: Tx, beneficiaryIds: string[], via: SignInMethod, linkId: string | null, now: Date, userAgent?: string | null): Promise<string> {
	const token = newToken();
	await tx.insert(personSessions).values({
		tokenHash: hashToken(token),
		beneficiaryIds,
		via,
		linkId,
		createdAt: now,
		expiresAt: new Date(now.getTime() + PERSON_SESSION_MINUTES * 60_000),
		device: deviceLabel(userAgent)
	});
	return token;
}

/**
 * A session after a right one-time code (person.ts verifyPersonCode), a passkey or a code
 * of the recovery sheet (person-credentials.ts), in the caller's transaction, journaled
 * 'person.signed_in' with the method.
 */
export async function openSessionIn(
	tx: Tx,
	beneficiaryIds: string[],
	by: Exclude<SignInMethod, 'link'>,
	meta: { ip?: string | null; userAgent?: string | null },
	now: Date
): Promise<string> {
	const token = await startSession(tx, beneficiaryIds, by, null, now, meta.userAgent);
	await journalPersonAct(tx, beneficiaryIds, 'person.signed_in', meta.ip, { by });
	return token;
}

/** After a right one-time code (person.ts verifyPersonCode): the session, journaled "by code". */
export async function openPersonSession(
	database: Database,
	beneficiaryIds: string[],
	meta: { ip?: string | null; userAgent?: string | null },
	now = new Date()
): Promise<string> {
	return database.db.transaction((tx) => openSessionIn(tx, beneficiaryIds, 'code', meta, now));
}

export interface PersonSession {
	id: string;
	beneficiaryIds: string[];
	via: SignInMethod;
	linkId: string | null;
}

/** The session behind a cookie, if it is still open (not ended, not expired). */
export async function readPersonSession(db: DbOrTx, token: string | undefined, now = new Date()): Promise<PersonSession | null> {
	if (!token || !/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
	const [s] = await db
		.select()
		.from(personSessions)
		.where(and(eq(personSessions.tokenHash, hashToken(token)), isNull(personSessions.endedAt), gt(personSessions.expiresAt, now)));
	return s ? { id: s.id, beneficiaryIds: s.beneficiaryIds, via: s.via as SignInMethod, linkId: s.linkId } : null;
}

export interface SessionView {
	id: string;
	via: SignInMethod;
	/** « avec une clé d’accès » */
	viaLabel: string;
	device: string | null;
	createdAt: Date;
	expiresAt: Date;
	current: boolean;
}

/** The sessions still open on these records (the security page), newest first. */
export async function openSessionsOf(db: DbOrTx, session: PersonSession, now = new Date()): Promise<SessionView[]> {
	const rows = await db
		.select()
		.from(personSessions)
		.where(
			and(sql`${personSessions.beneficiaryIds} && ${toUuidArray(session.beneficiaryIds)}`, isNull(personSessions.endedAt), gt(personSessions.expiresAt, now))
		)
		.orderBy(desc(personSessions.createdAt));
	return rows.map((s) => ({
		id: s.id,
		via: s.via as SignInMethod,
		viaLabel: SIGN_IN_METHODS[s.via as SignInMethod] ?? '',
		device: s.device,
		createdAt: s.createdAt,
		expiresAt: s.expiresAt,
		current: s.id === session.id
	}));
}

const toUuidArray = (ids: readonly string[]) => sql`${`{${ids.filter((id) => UUID.test(id)).join(',')}}`}::uuid[]`;

/**
 * The person ends one of their open sessions (a phone lost, a computer shared), or every
 * other one (`sessionId` null): only sessions on their own records.
 */
export async function endSessionsByPerson(
	database: Database,
	session: PersonSession,
	sessionId: string | null,
	meta: { ip?: string | null },
	now = new Date()
): Promise<number> {
	if (sessionId !== null && !UUID.test(sessionId)) return 0;
	return database.db.transaction(async (tx) => {
		const ended = await tx
			.update(personSessions)
			.set({ endedAt: now })
			.where(
				and(
					sql`${personSessions.beneficiaryIds} && ${toUuidArray(session.beneficiaryIds)}`,
					isNull(personSessions.endedAt),
					sessionId ? eq(personSessions.id, sessionId) : sql`${personSessions.id} <> ${session.id}::uuid`
				)
			)
			.returning({ id: personSessions.id });
		if (ended.length) {
			await journalPersonAct(tx, session.beneficiaryIds, 'person.sessions_ended', meta.ip, { sessions: ended.length });
		}
		return ended.length;
	});
}

/** Logout: the session ends server-side; the same cookie or token opens nothing afterwards. */
export async function endPersonSession(db: DbOrTx, token: string | undefined, now = new Date()): Promise<boolean> {
	if (!token) return false;
	const rows = await db
		.update(personSessions)
		.set({ endedAt: now })
		.where(and(eq(personSessions.tokenHash, hashToken(token)), isNull(personSessions.endedAt)))
		.returning({ id: personSessions.id });
	return rows.length > 0;
}

// ——— what the person and the holder see and end ———

export interface LinkView {
	id: string;
	channel: LinkChannel;
	label: string;
	createdAt: Date;
	expiresAt: Date;
	lastUsedAt: Date | null;
	uses: number;
}

/** The links still working for these records, newest first. */
export async function liveLinks(db: DbOrTx, beneficiaryIds: string[], now = new Date()): Promise<LinkView[]> {
	if (!beneficiaryIds.length) return [];
	const rows = await db
		.select()
		.from(personLinks)
		.where(and(inArray(personLinks.beneficiaryId, beneficiaryIds), isNull(personLinks.revokedAt), gt(personLinks.expiresAt, now)))
		.orderBy(desc(personLinks.createdAt));
	return rows.map((l) => ({
		id: l.id,
		channel: l.channel as LinkChannel,
		label: LINK_CHANNELS[l.channel as LinkChannel] ?? l.channel,
		createdAt: l.createdAt,
		expiresAt: l.expiresAt,
		lastUsedAt: l.lastUsedAt,
		uses: l.uses
	}));
}

/**
 * The person ends one of their links (or all of them, `linkId` null) from their page.
 * The sessions those links opened end too, the current one included when it came by one.
 */
export async function revokeLinksByPerson(
	database: Database,
	session: PersonSession,
	linkId: string | null,
	meta: { ip?: string | null },
	now = new Date()
): Promise<number> {
	if (linkId !== null && !UUID.test(linkId)) return 0;
	return database.db.transaction(async (tx) => {
		const ids = await revokeWhere(
			tx,
			and(inArray(personLinks.beneficiaryId, session.beneficiaryIds), isNull(personLinks.revokedAt), linkId ? eq(personLinks.id, linkId) : undefined),
			'person',
			now
		);
		if (ids.length) {
			await journalPersonAct(tx, session.beneficiaryIds, 'person.links_revoked', meta.ip, { links: ids, by: session.via });
		}
		return ids.length;
	});
}

/** The organisation holding the record ends every link of the person (a lost sheet, a shared phone). */
export async function revokeLinksByHolder(database: Database, actor: Actor, beneficiaryId: string, ip?: string | null, now = new Date()): Promise<number> {
	const b = await loadBeneficiary(database.db, actor, beneficiaryId, 'write');
	if (!holdingOrganisations(actor).includes(b.organisationId) || !can(actor, 'beneficiary.write', { organisationId: b.organisationId }))
		throw new CareError('forbidden', 'Seule la structure qui suit la personne peut désactiver ses liens.');
	return database.db.transaction(async (tx) => {
		const ids = await revokeWhere(tx, and(eq(personLinks.beneficiaryId, b.id), isNull(personLinks.revokedAt)), 'professional', now);
		if (ids.length)
			await journal(tx, {
				actor: { kind: 'user', id: actor.userId },
				action: 'person.links_revoked',
				targetType: 'beneficiary',
				targetId: b.id,
				departmentCode: b.departmentCode,
				ip,
				details: { links: ids }
			});
		return ids.length;
	});
}

/** Erasure and anonymisation: every link revoked, every session of the person ended. */
export async function endAllAccess(tx: Tx, beneficiaryId: string, now = new Date()): Promise<void> {
	await revokeWhere(tx, and(eq(personLinks.beneficiaryId, beneficiaryId), isNull(personLinks.revokedAt)), 'erasure', now);
	await tx
		.update(personSessions)
		.set({ endedAt: now })
		.where(and(sql`${beneficiaryId}::uuid = any(${personSessions.beneficiaryIds})`, isNull(personSessions.endedAt)));
}

/** The person's first name, for the header of Mon espace: the first of their session's records that has one (never an anonymised one). */
export async function personFirstName(db: DbOrTx, session: Pick<PersonSession, 'beneficiaryIds'>): Promise<string | null> {
	const names = await uncheckedNames(db, session.beneficiaryIds);
	for (const id of session.beneficiaryIds) {
		const n = names.get(id);
		if (n?.firstName && !n.anonymisedAt) return n.firstName;
	}
	return null;
}
