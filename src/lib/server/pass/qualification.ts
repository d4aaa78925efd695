/**
 * Qualification of places: the coordinators qualify a SIRET (a place's or its
 * structure's) so that its team may redeem vouchers, suspend it, list them; and the
 * places where an actor may redeem, qualified or not.
 */
import { eq, inArray } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { activeOrganisationsOf, organisationSummaries, type Actor } from '../accounts/index.ts';
import { isValidSiret, placesBySiret } from '../places/index.ts';
import { passQualifications } from './db.ts';
import { PassError, SYSTEM, userActor, UUID, prepared, organisationsFor, mustManage, orgInDepartment } from './internal.ts';

export async function qualify(
	database: Database,
	actor: Actor,
	departmentCode: string,
	input: { siret: string; organisationId: string },
	ip?: string | null
): Promise<string> {
	mustManage(actor, departmentCode);
	const typed = (input.siret ?? '').replace(/\s/g, '');
	if (typed && !isValidSiret(typed))
		throw new PassError('invalid', 'Le SIRET n’est pas valide.', { siret: 'Un SIRET compte 14 chiffres (il figure sur l’avis de situation Insee).' });
	return database.db.transaction(async (tx) => {
		const org = await orgInDepartment(tx, input.organisationId, departmentCode);
		if (!org) throw new PassError('invalid', 'Choisissez la structure qui sera remboursée.', { organisationId: 'Choisissez une structure de ce département.' });
		// nothing typed: the structure's own SIRET, when it is known (issue 12: it was asked again)
		const siret = typed || org.siret || '';
		if (!siret)
			throw new PassError('invalid', 'Indiquez le SIRET.', {
				siret: `${org.name} n’a pas de SIRET enregistré\u00a0: saisissez celui du lieu ou de la structure (14 chiffres, sur l’avis de situation Insee).`
			});
		if (!isValidSiret(siret))
			throw new PassError('invalid', 'Le SIRET enregistré pour cette structure n’est pas valide.', {
				siret: 'Saisissez le SIRET du lieu ou de la structure (14 chiffres).'
			});
		const [existing] = await tx.select().from(passQualifications).where(eq(passQualifications.siret, siret));
		if (existing) {
			if (existing.departmentCode !== departmentCode) throw new PassError('conflict', 'Ce SIRET est déjà qualifié dans un autre département.');
			if (!existing.suspendedAt)
				throw new PassError('conflict', 'Ce SIRET est déjà qualifié\u00a0: une seule qualification par SIRET.', { siret: 'Déjà qualifié.' });
			await tx
				.update(passQualifications)
				.set({ suspendedAt: null, suspensionReason: null, organisationId: org.id, qualifiedAt: new Date(), qualifiedBy: actor.userId })
				.where(eq(passQualifications.id, existing.id));
			await journal(tx, {
				actor: userActor(actor),
				action: 'pass.qualification.restored',
				targetType: 'pass_qualification',
				targetId: existing.id,
				departmentCode,
				ip,
				details: { siret }
			});
			return existing.id;
		}
		const [row] = await tx
			.insert(passQualifications)
			.values({ departmentCode, siret, organisationId: org.id, qualifiedBy: actor.userId })
			.returning({ id: passQualifications.id });
		await journal(tx, {
			actor: userActor(actor),
			action: 'pass.qualification.granted',
			targetType: 'pass_qualification',
			targetId: row.id,
			departmentCode,
			ip,
			details: { siret, organisationId: org.id }
		});
		return row.id;
	});
}

/** Whether a SIRET has a qualification (in force or suspended). */
export async function siretQualified(db: DbOrTx, siret: string): Promise<boolean> {
	return (await db.select({ id: passQualifications.id }).from(passQualifications).where(eq(passQualifications.siret, siret))).length > 0;
}

/**
 * Qualifies a SIRET for an organisation as the system, in the caller's transaction, and
 * journals it (`details` added to the entry): the demo's seed, which has no actor. The
 * SIRET must not be qualified yet (siretQualified).
 */
export async function qualifyAsSystem(
	tx: DbOrTx,
	input: { departmentCode: string; siret: string; organisationId: string },
	details: Record<string, unknown> = {}
): Promise<string> {
	const [q] = await tx.insert(passQualifications).values(input).returning({ id: passQualifications.id });
	await journal(tx, {
		actor: SYSTEM,
		action: 'pass.qualification.granted',
		targetType: 'pass_qualification',
		targetId: q.id,
		departmentCode: input.departmentCode,
		details: { siret: input.siret, organisationId: input.organisationId, ...details }
	});
	return q.id;
}

/** The structures of the département whose SIRET is known and not qualified yet: qualified in one click. */
export async function qualifiableOrganisations(database: Database, actor: Actor, departmentCode: string) {
	mustManage(actor, departmentCode);
	const known = await activeOrganisationsOf(database.db, departmentCode, { withSiret: true });
	const sirets = known.map((o) => o.siret).filter((x): x is string => !!x);
	const qualified = new Set(
		sirets.length
			? (await database.db.select({ siret: passQualifications.siret }).from(passQualifications).where(inArray(passQualifications.siret, sirets))).map(
					(q) => q.siret
				)
			: []
	);
	return known.filter((o) => o.siret && !qualified.has(o.siret)).map(({ id, name, siret }) => ({ id, name, siret }));
}

export async function suspendQualification(database: Database, actor: Actor, id: string, reason: string, ip?: string | null): Promise<void> {
	if (!reason.trim()) throw new PassError('invalid', 'Indiquez la raison de la suspension.', { reason: 'La raison est gardée au journal.' });
	await database.db.transaction(async (tx) => {
		const [q] = UUID.test(id) ? await tx.select().from(passQualifications).where(eq(passQualifications.id, id)) : [];
		if (!q) throw new PassError('not_found', 'Cette qualification n’existe pas.');
		mustManage(actor, q.departmentCode);
		if (q.suspendedAt) return;
		await tx
			.update(passQualifications)
			.set({ suspendedAt: new Date(), suspensionReason: reason.trim().slice(0, 300) })
			.where(eq(passQualifications.id, id));
		await journal(tx, {
			actor: userActor(actor),
			action: 'pass.qualification.suspended',
			targetType: 'pass_qualification',
			targetId: id,
			departmentCode: q.departmentCode,
			ip,
			details: { reason: reason.trim().slice(0, 300) }
		});
	});
}

export async function listQualifications(database: Database, actor: Actor, departmentCode: string) {
	mustManage(actor, departmentCode);
	const rows = await database.db
		.select({
			id: passQualifications.id,
			siret: passQualifications.siret,
			organisationId: passQualifications.organisationId,
			qualifiedAt: passQualifications.qualifiedAt,
			suspendedAt: passQualifications.suspendedAt,
			suspensionReason: passQualifications.suspensionReason
		})
		.from(passQualifications)
		.where(eq(passQualifications.departmentCode, departmentCode));
	// by the structure's name (in the database's order), then by SIRET; each with the places of its SIRET
	const [structures, placesOfSiret] = await Promise.all([
		organisationSummaries(
			database.db,
			rows.map((r) => r.organisationId)
		),
		placesBySiret(
			database.db,
			rows.map((r) => r.siret)
		)
	]);
	const names = new Map([...structures].map(([id, o]) => [id, o.name]));
	const rank = new Map<string, number>();
	for (const name of names.values()) if (!rank.has(name)) rank.set(name, rank.size);
	return rows
		.filter((r) => names.has(r.organisationId))
		.map(({ id, siret, organisationId, ...r }) => ({
			id,
			siret,
			organisationId,
			organisation: names.get(organisationId)!,
			...r,
			places: (placesOfSiret.get(siret) ?? []).map((p) => `${p.nom} (${p.commune})`)
		}))
		.sort((a, b) => rank.get(a.organisation)! - rank.get(b.organisation)! || (a.siret < b.siret ? -1 : a.siret > b.siret ? 1 : 0));
}

export interface RedeemingPlace {
	placeId: string;
	nom: string;
	commune: string;
	codeInsee: string | null;
	organisationId: string;
	organisation: string;
	departmentCode: string;
	/** the qualification in force, or null with why */
	qualified: boolean;
	suspended: boolean;
}

/**
 * The places where the actor may redeem: those their organisations run (mediator or
 * place manager there), and whether each is qualified (its SIRET, or its organisation's,
 * has a qualification that is not suspended).
 */
export async function redeemingPlaces(database: Database, actor: Actor): Promise<RedeemingPlace[]> {
	const orgIds = organisationsFor(actor, 'pass.redeem');
	if (!orgIds.length) return [];
	const rows = await prepared<{
		place_id: string;
		nom: string;
		commune: string;
		code_insee: string | null;
		organisation_id: string;
		organisation: string;
		department_code: string;
		q_active: boolean;
		q_suspended: boolean;
	}>(
		database.db,
		'pass-redeeming-places',
		`select p.id as place_id, p.nom, p.commune, p.code_insee, o.id as organisation_id, o.name as organisation, o.department_code,
			exists (select 1 from pass_qualifications q where q.siret in (p.pivot, o.siret) and q.suspended_at is null) as q_active,
			exists (select 1 from pass_qualifications q where q.siret in (p.pivot, o.siret) and q.suspended_at is not null) as q_suspended
		from organisation_places op join places p on p.id = op.place_id join organisations o on o.id = op.organisation_id
		where op.organisation_id = any($1::uuid[]) and o.active
		order by p.nom, p.commune`,
		[`{${orgIds.join(',')}}`]
	);
	return rows.map((r) => ({
		placeId: r.place_id,
		nom: r.nom,
		commune: r.commune,
		codeInsee: r.code_insee,
		organisationId: r.organisation_id,
		organisation: r.organisation,
		departmentCode: r.department_code,
		qualified: r.q_active,
		suspended: !r.q_active && r.q_suspended
	}));
}
