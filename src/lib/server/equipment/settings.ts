/**
 * What the instance accepts as eligibility proofs for a device (issue 18, item 3): its
 * administrator chooses, per département it serves, among ELIGIBILITY_KINDS; the request form
 * offers only those, and requestDevice refuses the others. Only the kind is ever recorded.
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { can, type Actor } from '../accounts/index.ts';
import { getInstanceSettings } from '../territory/index.ts';
import { equipmentSettings } from './db.ts';
import { ELIGIBILITY_KINDS, type EligibilityKind } from './model.ts';
import { acceptedEligibility } from './allocation.ts';
import { EquipmentError, userActor } from './internal.ts';

const mustAdminister = (actor: Actor) => {
	if (!can(actor, 'settings.manage', {})) throw new EquipmentError('forbidden', 'Seule l’administration de l’instance choisit les justificatifs retenus.');
};

/** The proofs each département accepts, for the instance's settings page. */
export async function eligibilitySettings(database: Database, actor: Actor, departmentCodes: readonly string[]) {
	mustAdminister(actor);
	return Promise.all(departmentCodes.map(async (code) => ({ departmentCode: code, kinds: await acceptedEligibility(database.db, code) })));
}

/** The proofs a département accepts from now on: at least one, each a known kind. */
export async function setAcceptedEligibility(
	database: Database,
	actor: Actor,
	departmentCode: string,
	kinds: readonly string[],
	ip?: string | null
): Promise<EligibilityKind[]> {
	mustAdminister(actor);
	if (!(await getInstanceSettings(database)).departmentCodes.includes(departmentCode))
		throw new EquipmentError('invalid', 'Ce département n’est pas servi par l’instance.');
	const unknown = kinds.filter((k) => !(k in ELIGIBILITY_KINDS));
	if (unknown.length)
		throw new EquipmentError('invalid', 'Le formulaire n’est pas complet.', { [`eligibility-${departmentCode}`]: 'Ce justificatif est inconnu.' });
	const chosen = (Object.keys(ELIGIBILITY_KINDS) as EligibilityKind[]).filter((k) => kinds.includes(k));
	if (!chosen.length)
		throw new EquipmentError('invalid', 'Le formulaire n’est pas complet.', {
			[`eligibility-${departmentCode}`]: 'Cochez au moins un justificatif.'
		});
	await database.db.transaction(async (tx) => {
		const [before] = await tx.select().from(equipmentSettings).where(eq(equipmentSettings.departmentCode, departmentCode));
		await tx
			.insert(equipmentSettings)
			.values({ departmentCode, eligibilityKinds: chosen })
			.onConflictDoUpdate({ target: equipmentSettings.departmentCode, set: { eligibilityKinds: chosen, updatedAt: new Date() } });
		await journal(tx, {
			actor: userActor(actor),
			action: 'equipment.settings.eligibility',
			targetType: 'equipment_settings',
			targetId: departmentCode,
			departmentCode,
			ip,
			details: { before: before?.eligibilityKinds ?? null, after: chosen }
		});
	});
	return chosen;
}
