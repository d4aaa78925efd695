/**
 * The person's own access to their referrals, without an account: a link in each message
 * and on the sheet printed for them (person-access.ts), or a one-time code sent to the
 * phone or e-mail address a professional recorded. The code (6 digits) is stored hashed,
 * lasts 15 minutes, allows 5 tries, and opens a 30-minute session kept server-side
 * (person-access.ts openPersonSession; logout ends it). The answer never says whether a
 * contact is known.
 */
import { createHash, randomInt } from 'node:crypto';
import { and, desc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import {
	clearAttempts,
	lockAfterFailure,
	lockedUntil,
	releaseAttempt,
	reserveAttempt,
	retryMessage,
	THROTTLE_RULES,
	afterResponse
} from '../accounts/index.ts';
import { queueMail, plainMail } from '../mail/index.ts';
import { queueSms } from '../sms/index.ts';
import { signToken } from '../security/secret.ts';
import { beneficiaries, personCodes } from './db.ts';
import { normalizePhone, personIp } from './model.ts';

export const CODE_MINUTES = 15;
export const CODE_TRIES = 5;
export const PERSON_SESSION_MINUTES = 30;
export const PERSON_COOKIE = 'maillage_personne';
const SESSION_PURPOSE = 'person-session';

const hashCode = (beneficiaryId: string, code: string) => createHash('sha256').update(`${beneficiaryId}:${code}`).digest('hex');

type Contact = { kind: 'phone' | 'email'; value: string };

export function parseContact(raw: string): Contact | null {
	const s = String(raw ?? '').trim();
	if (!s) return null;
	if (s.includes('@')) return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s) ? { kind: 'email', value: s.toLowerCase() } : null;
	const p = normalizePhone(s);
	return p ? { kind: 'phone', value: p } : null;
}

async function recordsOf(database: Database, c: Contact): Promise<{ id: string; departmentCode: string }[]> {
	return database.db
		.select({ id: beneficiaries.id, departmentCode: beneficiaries.departmentCode })
		.from(beneficiaries)
		.where(
			and(
				c.kind === 'phone' ? eq(beneficiaries.phone, c.value) : eq(beneficiaries.email, c.value),
				isNull(beneficiaries.anonymisedAt),
				isNull(beneficiaries.mergedInto)
			)
		);
}

export type CodeRequest = { status: 'sent'; contact: string } | { status: 'invalid'; message: string } | { status: 'throttled'; message: string };

/**
 * Sends a code when the contact is known; answers the same, in the same time, either way:
 * the request only counts the attempt (the same queries whatever the contact), and the
 * lookup, the code and the message happen after the answer (accounts/background.ts).
 */
export async function requestPersonCode(
	database: Database,
	raw: string,
	meta: { ip?: string | null; instanceName: string },
	now = new Date()
): Promise<CodeRequest> {
	const c = parseContact(raw);
	if (!c) return { status: 'invalid', message: 'Écrivez votre numéro de portable (exemple\u00a0: 06 12 34 56 78) ou votre adresse e-mail.' };
	const keys = [`person-code:${c.value}`, `person-code-ip:${meta.ip ?? '?'}`];
	const locked = await lockedUntil(database.db, keys, now);
	if (locked) return { status: 'throttled', message: retryMessage(locked, now) };
	for (const k of keys) {
		const r = await reserveAttempt(database.db, k, THROTTLE_RULES.form, now);
		if (!r.allowed)
			return { status: 'throttled', message: retryMessage(r.lockedUntil ?? new Date(now.getTime() + THROTTLE_RULES.form.lockMinutes * 60_000), now) };
	}
	afterResponse('person-code', () => sendPersonCode(database, c, meta, now));
	return { status: 'sent', contact: c.kind === 'phone' ? 'votre téléphone' : 'votre adresse e-mail' };
}

/** The part of a code request that depends on the contact being known (after the answer). */
async function sendPersonCode(database: Database, c: Contact, meta: { ip?: string | null; instanceName: string }, now: Date): Promise<void> {
	const records = await recordsOf(database, c);
	if (!records.length) return;
	const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
	const message = personCodeMessage(code, meta.instanceName);
	await database.db.transaction(async (tx) => {
		// a new code replaces the ones sent before: only the latest message's code opens anything
		await tx
			.update(personCodes)
			.set({ usedAt: now })
			.where(
				and(
					inArray(
						personCodes.beneficiaryId,
						records.map((r) => r.id)
					),
					isNull(personCodes.usedAt)
				)
			);
		// one code for all the person's records: stored against each
		await tx
			.insert(personCodes)
			.values(records.map((r) => ({ beneficiaryId: r.id, codeHash: hashCode(r.id, code), expiresAt: new Date(now.getTime() + CODE_MINUTES * 60_000) })));
		if (c.kind === 'phone') await queueSms(database, tx, { to: c.value, text: message.text, template: 'person-code' });
		else
			await queueMail(
				database,
				tx,
				plainMail(c.value, message.subject, ['Bonjour,', message.text, 'Si vous n’avez rien demandé, ignorez ce message.'], null, 'person-code')
			);
		await journal(
			tx,
			...records.map((r) => ({
				actor: { kind: 'person' as const },
				action: 'person.code_sent',
				targetType: 'beneficiary',
				targetId: r.id,
				departmentCode: r.departmentCode,
				ip: personIp(meta.ip),
				details: { channel: c.kind }
			}))
		);
	});
}

export type CodeCheck =
	{ status: 'ok'; token: string; beneficiaryIds: string[] } | { status: 'invalid'; message: string } | { status: 'throttled'; message: string };

/**
 * Checks a one-time code. Each guess is counted (reserved) before it is checked, atomically:
 * at most 5 guesses per contact, whatever the concurrency.
 */
export async function verifyPersonCode(database: Database, raw: string, code: string, meta: { ip?: string | null }, now = new Date()): Promise<CodeCheck> {
	const c = parseContact(raw);
	const wrong = { status: 'invalid' as const, message: 'Ce code n’est pas le bon, ou il a expiré. Vérifiez-le, ou demandez un nouveau code.' };
	if (!c) return { status: 'invalid', message: 'Écrivez le numéro ou l’adresse e-mail où vous avez reçu le code.' };
	const contactKey = `person-verify:${c.value}`;
	const ipKey = `ip:${meta.ip ?? '?'}`;
	const rules = [THROTTLE_RULES.account, THROTTLE_RULES.ip];
	const locked = await lockedUntil(database.db, [contactKey, ipKey], now);
	if (locked) return { status: 'throttled', message: retryMessage(locked, now) };
	const reservations = [await reserveAttempt(database.db, contactKey, rules[0], now), await reserveAttempt(database.db, ipKey, rules[1], now)];
	const lock = () => lockAfterFailure(reservations, rules, now);
	if (!reservations.every((r) => r.allowed))
		return { status: 'throttled', message: retryMessage(lock() ?? new Date(now.getTime() + rules[0].lockMinutes * 60_000), now) };
	const failed = (): CodeCheck => {
		const l = lock();
		return l ? { status: 'throttled', message: retryMessage(l, now) } : wrong;
	};
	const digits = String(code ?? '').replace(/\D/g, '');
	const records = await recordsOf(database, c);
	if (!records.length || digits.length !== 6) return failed();
	const ids = records.map((r) => r.id);
	const rows = await database.db
		.select()
		.from(personCodes)
		.where(and(inArray(personCodes.beneficiaryId, ids), isNull(personCodes.usedAt), gt(personCodes.expiresAt, now)))
		.orderBy(desc(personCodes.createdAt));
	const hit = rows.find((r) => r.attempts < CODE_TRIES && r.codeHash === hashCode(r.beneficiaryId, digits));
	if (!hit) {
		if (rows.length)
			await database.db
				.update(personCodes)
				.set({ attempts: sql`${personCodes.attempts} + 1` })
				.where(eq(personCodes.id, rows[0].id));
		return failed();
	}
	// every code of the same sending is spent (one per record); a parallel request that spent it first wins
	const spent = await database.db
		.update(personCodes)
		.set({ usedAt: now })
		.where(and(inArray(personCodes.beneficiaryId, ids), isNull(personCodes.usedAt), or(eq(personCodes.id, hit.id), gt(personCodes.expiresAt, now))))
		.returning({ id: personCodes.id });
	if (!spent.some((r) => r.id === hit.id)) return failed();
	await clearAttempts(database.db, contactKey);
	await releaseAttempt(database.db, ipKey, rules[1]);
	return { status: 'ok', token: personSessionToken(ids, now), beneficiaryIds: ids };
}

/**
 * A signed token naming the records (verifyPersonCode's `token`). It opens nothing by
 * itself: the page opens a server-side session (person-access.ts openPersonSession), which
 * logout ends; this token is kept only for verifyPersonCode's callers' compatibility.
 */
export function personSessionToken(beneficiaryIds: string[], now = new Date()): string {
	return signToken(SESSION_PURPOSE, { b: beneficiaryIds }, PERSON_SESSION_MINUTES * 60, now.getTime());
}

/** The one-time code, by SMS or e-mail. */
function personCodeMessage(code: string, instanceName: string): { subject: string; text: string } {
	return {
		subject: `Votre code\u00a0: ${code}`,
		text: `Votre code pour entrer dans votre espace sur ${instanceName}\u00a0: ${code}. Il est valable 15 minutes.`
	};
}
