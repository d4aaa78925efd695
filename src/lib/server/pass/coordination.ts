/**
 * What the coordinators' Pass Numérique pages share: which département a page shows
 * (`?departement=47`, the first one managed by default) and how a PassError becomes an
 * HTTP answer (an error page in a load, a failed form in an action).
 */
import { error } from '@sveltejs/kit';
import type { Database } from '../db/client.ts';
import type { Actor } from '../accounts/index.ts';
import { managedDepartments } from './internal.ts';
import { STATE_SHORT, VOUCHER_STATES } from './model.ts';

const NOT_YOURS = 'Seule la coordination départementale gère le fonds et les campagnes du Pass Numérique.';

/**
 * The départements the actor runs the fund of, and the one asked for (else the first).
 * `strict` (a form posted for a département): one the actor does not run is refused.
 */
export async function pickFundDepartment(
	database: Database,
	actor: Actor,
	asked: string | null | undefined,
	strict = false
): Promise<{ departments: string[]; departmentCode: string }> {
	const departments = await managedDepartments(database, actor);
	if (!departments.length || (strict && asked && !departments.includes(asked))) error(403, NOT_YOURS);
	const departmentCode = asked && departments.includes(asked) ? asked : departments[0];
	return { departments, departmentCode };
}

/** A campaign's status, in French. */
export const CAMPAIGN_STATUS: Record<string, string> = { draft: 'En attente du financement', funded: 'Financée', closed: 'Close' };

/** The voucher states as table columns, in the order of their life. */
export const stateColumns = VOUCHER_STATES.map((state) => ({ state, label: STATE_SHORT[state] }));
