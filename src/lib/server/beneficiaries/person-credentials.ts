/**
 * Signing in to Mon espace without a password to forget (issue 15), besides the one-time
 * code (person.ts) and the link (person-access.ts):
 *
 * - a **passkey** (WebAuthn, @simplewebauthn/server): added from the security page in a
 *   session, named by the person (« Mon téléphone »), removable; the sign-in asks the
 *   phone or computer for any passkey of this site (no name to type). Each challenge is
 *   spent once (person_passkey_challenges).
 * - a **recovery sheet**: 8 one-use codes printed by the person or their helper, stored as
 *   an HMAC with a key derived from the instance secret; a new sheet replaces the old one.
 *   A code opens Mon espace without any name or number: for a person without a phone.
 *
 * A credential belongs to the records the session that added it opened (one row each).
 * Every sign-in is journaled 'person.signed_in' with its method, and throttled as the
 * code is (accounts' throttle: per address, and the shared address counter).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { and, eq, gt, inArray, isNull, lt } from 'drizzle-orm';
import {
	generateAuthenticationOptions,
	generateRegistrationOptions,
	verifyAuthenticationResponse,
	verifyRegistrationResponse,
	type AuthenticationResponseJSON,
	type AuthenticatorTransport,
	type PublicKeyCredentialCreationOptionsJSON,
	type PublicKeyCredentialRequestOptionsJSON,
	type RegistrationResponseJSON
} from '@simplewebauthn/server';
import type { Database, DbOrTx, Tx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { clearAttempts, lockAfterFailure, lockedUntil, releaseAttempt, reserveAttempt, retryMessage, THROTTLE_RULES } from '../accounts/index.ts';
import { derivedKey } from '../security/secret.ts';
import { beneficiaries, personPasskeyChallenges, personPasskeys, personRecoveryCodes } from './db.ts';
import { personIp } from './model.ts';
import { newRecoveryCode, normaliseRecoveryCode, passkeyName, RECOVERY_CODES_PER_SHEET, relyingParty } from './person-model.ts';
import { openSessionIn, type PersonSession } from './person-access.ts';

/** A challenge handed to the browser is good for this long. */
const CHALLENGE_MINUTES = 5;

const recoveryHash = (code: string) => createHmac('sha256', derivedKey('person-recovery-codes')).update(code).digest('hex');

type Meta = { ip?: string | null; userAgent?: string | null };
export type SignInResult = { status: 'ok'; token: string; beneficiaryIds: string[] } | { status: 'invalid' | 'throttled'; message: string };

/** The records of a session that still exist as themselves (not anonymised, not folded into another). */
async function liveRecords(db: DbOrTx, ids: readonly string[]): Promise<{ id: string; departmentCode: string; firstName: string | null }[]> {
	if (!ids.length) return [];
	return db
		.select({ id: beneficiaries.id, departmentCode: beneficiaries.departmentCode, firstName: beneficiaries.firstName })
		.from(beneficiaries)
		.where(and(inArray(beneficiaries.id, [...ids]), isNull(beneficiaries.anonymisedAt), isNull(beneficiaries.mergedInto)));
}

async function journalEach(
	tx: Tx,
	records: { id: string; departmentCode: string }[],
	action: string,
	ip: string | null | undefined,
	details: Record<string, unknown>
) {
	if (records.length)
		await journal(
			tx,
			...records.map((r) => ({
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

/** Counts a sign-in attempt from this address before checking it (as verifyPersonCode does). */
async function reserveSignIn(db: DbOrTx, kind: 'recovery' | 'passkey', ip: string | null | undefined, now: Date) {
	const keys = [`person-${kind}:${ip ?? '?'}`, `ip:${ip ?? '?'}`];
	const rules = [THROTTLE_RULES.account, THROTTLE_RULES.ip];
	const locked = await lockedUntil(db, keys, now);
	if (locked) return { ok: false, locked: retryMessage(locked, now) } as const;
	const reservations = [await reserveAttempt(db, keys[0], rules[0], now), await reserveAttempt(db, keys[1], rules[1], now)];
	const lock = () => lockAfterFailure(reservations, rules, now);
	if (!reservations.every((r) => r.allowed))
		return { ok: false, locked: retryMessage(lock() ?? new Date(now.getTime() + rules[0].lockMinutes * 60_000), now) } as const;
	return {
		ok: true,
		failed: (message: string): SignInResult => {
			const l = lock();
			return l ? { status: 'throttled', message: retryMessage(l, now) } : { status: 'invalid', message };
		},
		succeeded: async () => {
			await clearAttempts(db, keys[0]);
			await releaseAttempt(db, keys[1], rules[1]);
		}
	} as const;
}

// ——— recovery sheet ———

export interface RecoveryStatus {
	issuedAt: Date;
	/** codes of the sheet not used yet */
	left: number;
}

/** Whether the records have a sheet in force, and how many of its codes are left. */
export async function recoveryStatus(db: DbOrTx, beneficiaryIds: readonly string[]): Promise<RecoveryStatus | null> {
	if (!beneficiaryIds.length) return null;
	const rows = await db
		.select({
			sheetId: personRecoveryCodes.sheetId,
			codeHash: personRecoveryCodes.codeHash,
			usedAt: personRecoveryCodes.usedAt,
			createdAt: personRecoveryCodes.createdAt
		})
		.from(personRecoveryCodes)
		.where(inArray(personRecoveryCodes.beneficiaryId, [...beneficiaryIds]));
	if (!rows.length) return null;
	const codes = new Map<string, boolean>();
	for (const r of rows) codes.set(r.codeHash, (codes.get(r.codeHash) ?? false) || !!r.usedAt);
	return { issuedAt: rows.reduce((d, r) => (r.createdAt > d ? r.createdAt : d), rows[0].createdAt), left: [...codes.values()].filter((used) => !used).length };
}

/**
 * A new recovery sheet for the session's records: 8 codes, returned once (for the PDF) and
 * stored hashed; the previous sheet's codes stop working.
 */
export async function issueRecoverySheet(
	database: Database,
	session: PersonSession,
	meta: Meta,
	now = new Date()
): Promise<{ codes: string[]; firstName: string | null }> {
	return database.db.transaction(async (tx) => {
		const records = await liveRecords(tx, session.beneficiaryIds);
		if (!records.length) return { codes: [], firstName: null };
		const ids = records.map((r) => r.id);
		await tx.delete(personRecoveryCodes).where(inArray(personRecoveryCodes.beneficiaryId, ids));
		const codes = Array.from({ length: RECOVERY_CODES_PER_SHEET }, newRecoveryCode);
		const sheetId = randomUUID();
		await tx
			.insert(personRecoveryCodes)
			.values(
				ids.flatMap((beneficiaryId) => codes.map((c) => ({ beneficiaryId, sheetId, codeHash: recoveryHash(normaliseRecoveryCode(c)!), createdAt: now })))
			);
		await journalEach(tx, records, 'person.recovery_sheet_issued', meta.ip, { sheetId, codes: codes.length });
		return { codes, firstName: records.find((r) => r.firstName)?.firstName ?? null };
	});
}

const WRONG_RECOVERY = 'Ce code ne marche pas. Vérifiez-le sur votre feuille. Chaque code ne sert qu’une fois.';

/** Signs in with a code of the printed sheet: the code is spent, a session opens ('person.signed_in', by 'recovery'). */
export async function signInWithRecoveryCode(database: Database, raw: string, meta: Meta, now = new Date()): Promise<SignInResult> {
	const t = await reserveSignIn(database.db, 'recovery', meta.ip, now);
	if (!t.ok) return { status: 'throttled', message: t.locked };
	const code = normaliseRecoveryCode(raw);
	if (!code) return t.failed('Recopiez un code de votre feuille de secours, par exemple 4K7M-C9QA-TXE3.');
	const opened = await database.db.transaction(async (tx) => {
		const spent = await tx
			.update(personRecoveryCodes)
			.set({ usedAt: now })
			.where(and(eq(personRecoveryCodes.codeHash, recoveryHash(code)), isNull(personRecoveryCodes.usedAt)))
			.returning({ beneficiaryId: personRecoveryCodes.beneficiaryId });
		const records = await liveRecords(
			tx,
			spent.map((r) => r.beneficiaryId)
		);
		if (!records.length) return null;
		const ids = records.map((r) => r.id);
		return { token: await openSessionIn(tx, ids, 'recovery', meta, now), ids };
	});
	if (!opened) return t.failed(WRONG_RECOVERY);
	await t.succeeded();
	return { status: 'ok', token: opened.token, beneficiaryIds: opened.ids };
}

// ——— passkeys ———

export interface PasskeyView {
	/** the credential's id (the same on each record it opens) */
	id: string;
	name: string;
	createdAt: Date;
	lastUsedAt: Date | null;
}

/** The passkeys that open these records, newest first. */
export async function passkeysOf(db: DbOrTx, beneficiaryIds: readonly string[]): Promise<PasskeyView[]> {
	if (!beneficiaryIds.length) return [];
	const rows = await db
		.select()
		.from(personPasskeys)
		.where(inArray(personPasskeys.beneficiaryId, [...beneficiaryIds]));
	const byCredential = new Map<string, PasskeyView>();
	for (const r of rows) {
		const seen = byCredential.get(r.credentialId);
		const lastUsedAt =
			seen?.lastUsedAt && r.lastUsedAt ? (seen.lastUsedAt > r.lastUsedAt ? seen.lastUsedAt : r.lastUsedAt) : (seen?.lastUsedAt ?? r.lastUsedAt);
		byCredential.set(r.credentialId, { id: r.credentialId, name: r.name, createdAt: seen?.createdAt ?? r.createdAt, lastUsedAt });
	}
	return [...byCredential.values()].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

async function newChallenge(tx: DbOrTx, challenge: string, purpose: 'register' | 'sign_in', sessionId: string | null, now: Date) {
	await tx.delete(personPasskeyChallenges).where(lt(personPasskeyChallenges.expiresAt, now));
	await tx.insert(personPasskeyChallenges).values({ challenge, purpose, sessionId, expiresAt: new Date(now.getTime() + CHALLENGE_MINUTES * 60_000) });
}

/** Spends a challenge once: the first answer that names it wins; a replay finds it used. */
async function spendChallenge(tx: DbOrTx, challenge: string, purpose: 'register' | 'sign_in', sessionId: string | null, now: Date): Promise<boolean> {
	const rows = await tx
		.update(personPasskeyChallenges)
		.set({ usedAt: now })
		.where(
			and(
				eq(personPasskeyChallenges.challenge, challenge),
				eq(personPasskeyChallenges.purpose, purpose),
				sessionId ? eq(personPasskeyChallenges.sessionId, sessionId) : isNull(personPasskeyChallenges.sessionId),
				isNull(personPasskeyChallenges.usedAt),
				gt(personPasskeyChallenges.expiresAt, now)
			)
		)
		.returning({ id: personPasskeyChallenges.id });
	return rows.length > 0;
}

/** The challenge an answer signed (read from its clientDataJSON), or null. */
function challengeOf(response: { response?: { clientDataJSON?: unknown } }): string | null {
	try {
		const data = JSON.parse(Buffer.from(String(response.response?.clientDataJSON ?? ''), 'base64url').toString('utf8'));
		return typeof data.challenge === 'string' && data.challenge.length < 200 ? data.challenge : null;
	} catch {
		return null;
	}
}

function parseJson<T>(raw: unknown): T | null {
	const s = String(raw ?? '');
	if (!s || s.length > 20_000) return null;
	try {
		const v = JSON.parse(s);
		return v && typeof v === 'object' ? (v as T) : null;
	} catch {
		return null;
	}
}

/** What the browser needs to create a passkey for the session's records (asked by the security page's script). */
export async function passkeyRegistrationOptions(
	database: Database,
	session: PersonSession,
	site: { origin: string; name: string },
	now = new Date()
): Promise<PublicKeyCredentialCreationOptionsJSON> {
	const records = await liveRecords(database.db, session.beneficiaryIds);
	const existing = await passkeysOf(database.db, session.beneficiaryIds);
	const options = await generateRegistrationOptions({
		rpName: site.name,
		rpID: relyingParty(site.origin).rpID,
		// what the phone shows in its list of passkeys: the first name when known, never a number or an address
		userName: records.find((r) => r.firstName)?.firstName ?? 'Mon espace',
		attestationType: 'none',
		excludeCredentials: existing.map((p) => ({ id: p.id })),
		authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' }
	});
	await newChallenge(database.db, options.challenge, 'register', session.id, now);
	return options;
}

export type PasskeyAdded = { status: 'ok'; name: string } | { status: 'invalid'; message: string };

/** Checks the browser's answer and keeps the passkey's public key for each of the session's records. */
export async function addPasskey(
	database: Database,
	session: PersonSession,
	input: { response: unknown; name: unknown },
	site: { origin: string },
	meta: Meta,
	now = new Date()
): Promise<PasskeyAdded> {
	const failed = { status: 'invalid' as const, message: 'La clé d’accès n’a pas pu être créée. Réessayez, ou utilisez un code.' };
	const response = parseJson<RegistrationResponseJSON>(input.response);
	const challenge = response && challengeOf(response);
	if (!response || !challenge) return failed;
	const name = passkeyName(input.name);
	return database.db.transaction(async (tx) => {
		if (!(await spendChallenge(tx, challenge, 'register', session.id, now))) return failed;
		const rp = relyingParty(site.origin);
		let verified;
		try {
			verified = await verifyRegistrationResponse({
				response,
				expectedChallenge: challenge,
				expectedOrigin: rp.origins,
				expectedRPID: rp.rpID,
				requireUserVerification: false
			});
		} catch {
			return failed;
		}
		if (!verified.verified) return failed;
		const c = verified.registrationInfo.credential;
		const records = await liveRecords(tx, session.beneficiaryIds);
		if (!records.length) return failed;
		await tx
			.insert(personPasskeys)
			.values(
				records.map((r) => ({
					beneficiaryId: r.id,
					credentialId: c.id,
					publicKey: Buffer.from(c.publicKey).toString('base64url'),
					counter: c.counter,
					transports: c.transports ?? [],
					name,
					createdAt: now
				}))
			)
			.onConflictDoNothing();
		await journalEach(tx, records, 'person.passkey_added', meta.ip, {});
		return { status: 'ok' as const, name };
	});
}

/** Removes one passkey (by its credential id) from the session's records. */
export async function removePasskey(database: Database, session: PersonSession, credentialId: string, meta: Meta): Promise<boolean> {
	if (!credentialId || credentialId.length > 400) return false;
	return database.db.transaction(async (tx) => {
		const gone = await tx
			.delete(personPasskeys)
			.where(and(eq(personPasskeys.credentialId, credentialId), inArray(personPasskeys.beneficiaryId, session.beneficiaryIds)))
			.returning({ beneficiaryId: personPasskeys.beneficiaryId });
		if (!gone.length) return false;
		const records = await liveRecords(
			tx,
			gone.map((g) => g.beneficiaryId)
		);
		await journalEach(tx, records, 'person.passkey_removed', meta.ip, {});
		return true;
	});
}

/** What the browser needs to ask for a passkey of this site (the sign-in page's script); counted per address. */
export async function passkeySignInOptions(
	database: Database,
	site: { origin: string },
	meta: Meta,
	now = new Date()
): Promise<{ status: 'ok'; options: PublicKeyCredentialRequestOptionsJSON } | { status: 'throttled'; message: string }> {
	const key = `person-passkey-options:${meta.ip ?? '?'}`;
	const r = await reserveAttempt(database.db, key, THROTTLE_RULES.webhook, now);
	if (!r.allowed) return { status: 'throttled', message: retryMessage(r.lockedUntil ?? new Date(now.getTime() + 5 * 60_000), now) };
	const options = await generateAuthenticationOptions({ rpID: relyingParty(site.origin).rpID, userVerification: 'preferred' });
	await newChallenge(database.db, options.challenge, 'sign_in', null, now);
	return { status: 'ok', options };
}

const WRONG_PASSKEY = 'Cette clé d’accès n’est pas reconnue. Elle a peut-être été supprimée. Utilisez un code.';

/** Checks the passkey's answer and opens a session on every record it belongs to ('person.signed_in', by 'passkey'). */
export async function signInWithPasskey(database: Database, raw: unknown, site: { origin: string }, meta: Meta, now = new Date()): Promise<SignInResult> {
	const t = await reserveSignIn(database.db, 'passkey', meta.ip, now);
	if (!t.ok) return { status: 'throttled', message: t.locked };
	const response = parseJson<AuthenticationResponseJSON>(raw);
	const challenge = response && challengeOf(response);
	if (!response || !challenge || typeof response.id !== 'string' || response.id.length > 400) return t.failed(WRONG_PASSKEY);
	const opened = await database.db.transaction(async (tx) => {
		if (!(await spendChallenge(tx, challenge, 'sign_in', null, now))) return null;
		const rows = await tx.select().from(personPasskeys).where(eq(personPasskeys.credentialId, response.id));
		const records = await liveRecords(
			tx,
			rows.map((r) => r.beneficiaryId)
		);
		const key = rows.find((r) => records.some((b) => b.id === r.beneficiaryId));
		if (!key) return null;
		const rp = relyingParty(site.origin);
		let verified;
		try {
			verified = await verifyAuthenticationResponse({
				response,
				expectedChallenge: challenge,
				expectedOrigin: rp.origins,
				expectedRPID: rp.rpID,
				requireUserVerification: false,
				credential: {
					id: key.credentialId,
					publicKey: new Uint8Array(Buffer.from(key.publicKey, 'base64url')),
					counter: Math.max(...rows.map((r) => r.counter)),
					transports: key.transports as AuthenticatorTransport[]
				}
			});
		} catch {
			return null;
		}
		if (!verified.verified) return null;
		await tx
			.update(personPasskeys)
			.set({ counter: verified.authenticationInfo.newCounter, lastUsedAt: now })
			.where(eq(personPasskeys.credentialId, key.credentialId));
		const ids = records.map((r) => r.id);
		return { token: await openSessionIn(tx, ids, 'passkey', meta, now), ids };
	});
	if (!opened) return t.failed(WRONG_PASSKEY);
	await t.succeeded();
	return { status: 'ok', token: opened.token, beneficiaryIds: opened.ids };
}
