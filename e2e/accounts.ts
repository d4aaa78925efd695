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
	/** Pass Numérique (e2e/serve.mjs): a funded campaign, codes, a statement, an alert */
	pass?: {
		campaign: { id: string; name: string };
		person: { id: string; name: string };
		/** booklet 2, entrusted to the CCAS, not handed out */
		activated: string[];
		/** handed to the person, ready to redeem at the médiathèque's place */
		distributed: string[];
		/** redeemed last month, on the statement below */
		redeemedCode: string;
		/** the médiathèque's accompaniments today: a workshop of 10 first, then two individual ones */
		accompanimentIds: string[];
		statementId: string;
		alertId: string;
		siret: string;
	};
	/** equipment (e2e/serve.mjs): a laptop of the médiathèque's structure reserved for a request of the CCAS */
	equipment?: { deviceId: string; reference: string };
}

const dir = () => process.env.E2E_DATA_DIR!;
export const seed = (): Seed => JSON.parse(readFileSync(join(dir(), 'e2e-seed.json'), 'utf8'));
export const statePath = (p: Persona) => join(dir(), `state-${p}.json`);
export const secretPath = (p: Persona) => join(dir(), `totp-${p}.txt`);

export function totpNow(secret: string): string {
	return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate();
}
