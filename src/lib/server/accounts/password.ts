/**
 * argon2id, tuned on this machine to 50–100 ms per hash (bench/auth.ts measures it):
 * 64 MiB, 4 passes, 1 lane. Hashes made with other parameters still verify, and are
 * upgraded at the next successful login.
 */
import { hash, verify } from '@node-rs/argon2';

/** Algorithm.Argon2id (a const enum, not importable under verbatimModuleSyntax) */
const ARGON2ID = 2;

export const ARGON2_PARAMS = { algorithm: ARGON2ID, memoryCost: 65536, timeCost: 4, parallelism: 1 } as const;
const PREFIX = `$argon2id$v=19$m=${ARGON2_PARAMS.memoryCost},t=${ARGON2_PARAMS.timeCost},p=${ARGON2_PARAMS.parallelism}$`;

export function hashPassword(password: string): Promise<string> {
	return hash(password.normalize('NFC'), ARGON2_PARAMS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
	try {
		return await verify(stored, password.normalize('NFC'));
	} catch {
		return false;
	}
}

export function needsRehash(stored: string): boolean {
	return !stored.startsWith(PREFIX);
}

/**
 * A hash to verify against when the account does not exist, so that an unknown e-mail
 * takes as long as a wrong password (no account enumeration by timing).
 */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
	return (dummy ??= hashPassword('not a password: timing equaliser'));
}
