import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as OTPAuth from 'otpauth';

export const PERSONAS = [
	'coordinator',
	'coordinator_before_code',
	'coordinator_other_department',
	'partner',
	'prescriber',
	'mediator',
	'place_manager',
	'admin'
] as const;
export type Persona = (typeof PERSONAS)[number];

export const PASSWORD = 'une longue phrase pour les tests';

export interface Seed {
	organisations: Record<'cd47' | 'cd33' | 'caf47' | 'ccas' | 'mediatheque', string>;
	invitations: Record<Persona, { email: string; token: string }>;
	/** a place the médiathèque's organisation runs (e2e/serve.mjs) */
	places?: { mediatheque: { id: string; nom: string; commune: string } };
}

const dir = () => process.env.E2E_DATA_DIR!;
export const seed = (): Seed => JSON.parse(readFileSync(join(dir(), 'e2e-seed.json'), 'utf8'));
export const statePath = (p: Persona) => join(dir(), `state-${p}.json`);
export const secretPath = (p: Persona) => join(dir(), `totp-${p}.txt`);

export function totpNow(secret: string): string {
	return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate();
}
