/**
 * What the equipment pages show besides the acts: the choices of the request form (the people
 * the actor's structure follows, the areas of their département, the proofs accepted), the
 * areas whose waiting list the actor reads, the actor's place in the channel (refurbisher,
 * prescriber, donor's reader). Each reads through a checked use case.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { can, organisationsOfDepartments, type Actor } from '../accounts/index.ts';
import { listBeneficiaries } from '../beneficiaries/index.ts';
import { departmentNames, listAreas } from '../territory/index.ts';
import { equipmentDonors } from './db.ts';
import { ELIGIBILITY_KINDS, NEEDS } from './model.ts';
import { acceptedEligibility } from './allocation.ts';
import { refurbisherChoices } from './refurbish.ts';

/** The départements where the actor asks for devices (their care structures'). */
const requestDepartments = (actor: Actor) =>
	[...new Set(actor.memberships.filter((m) => can(actor, 'equipment.request', { organisationId: m.organisationId })).map((m) => m.departmentCode))].sort();

/** The départements whose waiting lists and figures the actor reads. */
export function equipmentDepartments(actor: Actor): string[] {
	return [
		...new Set(
			actor.memberships
				.filter(
					(m) =>
						can(actor, 'equipment.read', { departmentCode: m.departmentCode, organisationId: m.organisationId }) ||
						can(actor, 'equipment.request', { organisationId: m.organisationId })
				)
				.map((m) => m.departmentCode)
		)
	].sort();
}

/** The request form's choices: the people followed, needs, proofs accepted, areas. */
export async function requestFormChoices(database: Database, actor: Actor) {
	const departments = requestDepartments(actor);
	if (!departments.length) return null;
	const people = (await listBeneficiaries(database, actor, { limit: 200 })).filter((p) => p.held && !p.anonymised);
	const areas = (await Promise.all(departments.map((d) => listAreas(database, d)))).flat().map((a) => ({ id: a.id, name: a.name }));
	const accepted = new Set((await Promise.all(departments.map((d) => acceptedEligibility(database.db, d)))).flat());
	return {
		people: people.map((p) => ({ id: p.id, label: p.communeName ? `${p.name} (${p.communeName})` : p.name })),
		needs: Object.entries(NEEDS).map(([value, label]) => ({ value, label })),
		eligibility: Object.entries(ELIGIBILITY_KINDS)
			.filter(([k]) => accepted.has(k as keyof typeof ELIGIBILITY_KINDS))
			.map(([value, label]) => ({ value, label })),
		areas: areas.sort((a, b) => a.name.localeCompare(b.name, 'fr'))
	};
}

/** The areas whose waiting lists the actor reads. */
export async function waitingAreas(database: Database, actor: Actor) {
	const departments = equipmentDepartments(actor);
	return (await Promise.all(departments.map(async (d) => (await listAreas(database, d)).map((a) => ({ id: a.id, name: a.name, departmentCode: d })))))
		.flat()
		.sort((a, b) => a.name.localeCompare(b.name, 'fr'));
}

/** What the hub shows the actor: their refurbishing structures, whether they ask for devices, the donors whose report they read. */
export async function equipmentHome(database: Database, actor: Actor) {
	const refurbishers = await refurbisherChoices(database, actor);
	const departments = [...new Set(actor.memberships.map((m) => m.departmentCode))].sort();
	const donors = [];
	for (const d of departments) {
		const rows = await database.db
			.select()
			.from(equipmentDonors)
			.where(and(eq(equipmentDonors.departmentCode, d)))
			.orderBy(asc(equipmentDonors.name));
		donors.push(
			...rows.filter((r) => can(actor, 'equipment.read', { departmentCode: d, donorOrganisationId: r.organisationId })).map((r) => ({ id: r.id, name: r.name }))
		);
	}
	return { refurbishers, requests: requestDepartments(actor).length > 0, donors };
}

/**
 * Whether the actor records donors, lots and stock declarations in a département, and for
 * which structure: none for its coordinator, else the first of the actor's refurbishing
 * structures there (decided here, never taken from the form).
 */
export function manageActingFor(actor: Actor, departmentCode: string): { allowed: boolean; actingFor: string | null } {
	if (can(actor, 'equipment.manage', { departmentCode, organisationId: null })) return { allowed: true, actingFor: null };
	const team = actor.memberships
		.filter((m) => m.departmentCode === departmentCode && can(actor, 'equipment.manage', { departmentCode, organisationId: m.organisationId }))
		.map((m) => m.organisationId)
		.sort()[0];
	return team ? { allowed: true, actingFor: team } : { allowed: false, actingFor: null };
}

/** The donor and lot forms' choices: the départements, their donors, the structures that may receive a lot (null: the actor records nothing). */
export async function manageChoices(database: Database, actor: Actor) {
	const codes = [...new Set(actor.memberships.map((m) => m.departmentCode))].filter((d) => manageActingFor(actor, d).allowed).sort();
	if (!codes.length) return null;
	const departments = await departmentNames(database.db, codes);
	const donors = await database.db
		.select({ id: equipmentDonors.id, name: equipmentDonors.name, departmentCode: equipmentDonors.departmentCode })
		.from(equipmentDonors)
		.where(inArray(equipmentDonors.departmentCode, codes))
		.orderBy(asc(equipmentDonors.name));
	const own = await refurbisherChoices(database, actor);
	const refurbishers: { id: string; name: string }[] = [];
	for (const d of codes) {
		if (manageActingFor(actor, d).actingFor === null) refurbishers.push(...(await organisationsOfDepartments(database.db, [d])));
	}
	for (const o of own) if (!refurbishers.some((r) => r.id === o.id)) refurbishers.push(o);
	refurbishers.sort((a, b) => a.name.localeCompare(b.name, 'fr'));
	return {
		departments: codes.map((code) => ({ code, name: departments.find((d) => d.code === code)?.name ?? code })),
		donors,
		refurbishers
	};
}

/** Whether the actor reads the donor's page (its coordinators, the partners of its structure): where a form sends them after recording. */
export async function donorReadable(database: Database, actor: Actor, donorId: string): Promise<boolean> {
	const [d] = await database.db
		.select({ departmentCode: equipmentDonors.departmentCode, organisationId: equipmentDonors.organisationId })
		.from(equipmentDonors)
		.where(eq(equipmentDonors.id, donorId));
	return !!d && can(actor, 'equipment.read', { departmentCode: d.departmentCode, donorOrganisationId: d.organisationId });
}
