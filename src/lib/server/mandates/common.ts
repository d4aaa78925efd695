/**
 * What the mandates' use cases share: their error, finding a mandate for a professional of
 * the structure that holds it, the attestation's verification token (derived from a random
 * salt and the instance secret: the token is never stored, only its hash) and the one-time
 * code's keyed hash.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { can, type Actor } from '../accounts/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { DomainError } from '../errors.ts';
import { derivedKey } from '../security/secret.ts';
import { mandates, type Mandate } from './db.ts';

export class MandateError extends DomainError<'forbidden' | 'not_found' | 'invalid' | 'conflict' | 'throttled'> {
	constructor(code: MandateError['code'], message: string, fields: Record<string, string> = {}) {
		super(code, message, { fields });
	}
}

export const UUID = /^[0-9a-f-]{36}$/i;
export const NOT_FOUND = 'Ce mandat n’existe pas, ou vous n’y avez pas accès.';
export const userActor = (actor: Actor): AuditActor => ({ kind: 'user', id: actor.userId });

/** The mandate, if the actor is a helper of the structure holding it; otherwise not_found (no hint that it exists). */
export async function mandateFor(db: DbOrTx, actor: Actor, id: string, lock = false): Promise<Mandate> {
	if (!UUID.test(id)) throw new MandateError('not_found', NOT_FOUND);
	const q = db.select().from(mandates).where(eq(mandates.id, id));
	const [m] = lock ? await q.for('update') : await q;
	if (!m || !can(actor, 'mandate.act', { organisationId: m.organisationId })) throw new MandateError('not_found', NOT_FOUND);
	return m;
}

/** The attestation's verification token: 192 bits from the instance secret and the mandate's random salt. */
export function verificationToken(m: { id: string; tokenSalt: string | null }): string | null {
	if (!m.tokenSalt) return null;
	return createHmac('sha256', derivedKey('mandate-verification')).update(`${m.id}:${m.tokenSalt}`).digest().subarray(0, 24).toString('base64url');
}

export const tokenHash = (token: string) => createHash('sha256').update(`mandate-verification:${token}`).digest('hex');

/** The one-time code's hash, keyed by the instance secret: a copy of the table does not give the code. */
export const codeHash = (mandateId: string, code: string) => createHmac('sha256', derivedKey('mandate-code')).update(`${mandateId}:${code}`).digest('hex');

export function sameHash(a: string, b: string): boolean {
	const x = Buffer.from(a, 'hex');
	const y = Buffer.from(b, 'hex');
	return x.length === y.length && timingSafeEqual(x, y);
}
