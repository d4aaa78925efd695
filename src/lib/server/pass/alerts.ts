/**
 * Fraud alerts (outside the area, a booklet redeemed in a burst, repeated unknown codes):
 * listed for the coordinators and reviewed with a note.
 */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import type { Actor } from '../accounts/index.ts';
import { organisations, users } from '../accounts/db.ts';
import { places } from '../places/db.ts';
import { passAlerts, passBooklets, passCampaigns, passVouchers } from './db.ts';
import { PassError, userActor, UUID, mustManage } from './internal.ts';

export async function listAlerts(database: Database, actor: Actor, departmentCode: string, filter: { open?: boolean } = {}) {
	mustManage(actor, departmentCode);
	return database.db
		.select({
			id: passAlerts.id,
			kind: passAlerts.kind,
			createdAt: passAlerts.createdAt,
			details: passAlerts.details,
			campaign: passCampaigns.name,
			bookletNumber: passBooklets.number,
			place: places.nom,
			commune: places.commune,
			organisation: organisations.name,
			user: users.displayName,
			voucherCode: passVouchers.code,
			reviewedAt: passAlerts.reviewedAt,
			reviewNote: passAlerts.reviewNote
		})
		.from(passAlerts)
		.leftJoin(passCampaigns, eq(passCampaigns.id, passAlerts.campaignId))
		.leftJoin(passBooklets, eq(passBooklets.id, passAlerts.bookletId))
		.leftJoin(places, eq(places.id, passAlerts.placeId))
		.leftJoin(organisations, eq(organisations.id, passAlerts.organisationId))
		.leftJoin(users, eq(users.id, passAlerts.userId))
		.leftJoin(passVouchers, eq(passVouchers.id, passAlerts.voucherId))
		.where(and(eq(passAlerts.departmentCode, departmentCode), filter.open ? isNull(passAlerts.reviewedAt) : undefined))
		.orderBy(sql`${passAlerts.reviewedAt} is not null`, desc(passAlerts.createdAt))
		.limit(200);
}

export async function reviewAlert(database: Database, actor: Actor, id: string, note: string, ip?: string | null): Promise<void> {
	if (!note.trim())
		throw new PassError('invalid', 'Indiquez ce que vous avez constaté.', { note: 'Par exemple\u00a0: atelier collectif vérifié avec le lieu.' });
	await database.db.transaction(async (tx) => {
		const [a] = UUID.test(id) ? await tx.select().from(passAlerts).where(eq(passAlerts.id, id)) : [];
		if (!a) throw new PassError('not_found', 'Cette alerte n’existe pas.');
		mustManage(actor, a.departmentCode);
		if (a.reviewedAt) return;
		await tx
			.update(passAlerts)
			.set({ reviewedAt: new Date(), reviewedBy: actor.userId, reviewNote: note.trim().slice(0, 500) })
			.where(eq(passAlerts.id, id));
		await journal(tx, {
			actor: userActor(actor),
			action: 'pass.alert.reviewed',
			targetType: 'pass_alert',
			targetId: id,
			departmentCode: a.departmentCode,
			ip,
			details: { kind: a.kind }
		});
	});
}
