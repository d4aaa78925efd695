/**
 * Fraud alerts (outside the area, a booklet redeemed in a burst, repeated unknown codes):
 * listed for the coordinators and reviewed with a note.
 */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { organisationNames, userNames, type Actor } from '../accounts/index.ts';
import { placeCards } from '../places/index.ts';
import { passAlerts, passBooklets, passCampaigns, passVouchers } from './db.ts';
import { PassError, userActor, UUID, mustManage } from './internal.ts';

export async function listAlerts(database: Database, actor: Actor, departmentCode: string, filter: { open?: boolean } = {}) {
	mustManage(actor, departmentCode);
	const db = database.db;
	const rows = await db
		.select({
			id: passAlerts.id,
			kind: passAlerts.kind,
			createdAt: passAlerts.createdAt,
			details: passAlerts.details,
			campaign: passCampaigns.name,
			bookletNumber: passBooklets.number,
			placeId: passAlerts.placeId,
			organisationId: passAlerts.organisationId,
			userId: passAlerts.userId,
			voucherCode: passVouchers.code,
			reviewedAt: passAlerts.reviewedAt,
			reviewNote: passAlerts.reviewNote
		})
		.from(passAlerts)
		.leftJoin(passCampaigns, eq(passCampaigns.id, passAlerts.campaignId))
		.leftJoin(passBooklets, eq(passBooklets.id, passAlerts.bookletId))
		.leftJoin(passVouchers, eq(passVouchers.id, passAlerts.voucherId))
		.where(and(eq(passAlerts.departmentCode, departmentCode), filter.open ? isNull(passAlerts.reviewedAt) : undefined))
		.orderBy(sql`${passAlerts.reviewedAt} is not null`, desc(passAlerts.createdAt))
		.limit(200);
	const [places, organisations, users] = await Promise.all([
		placeCards(
			db,
			rows.map((r) => r.placeId)
		),
		organisationNames(
			db,
			rows.map((r) => r.organisationId)
		),
		userNames(
			db,
			rows.map((r) => r.userId)
		)
	]);
	return rows.map(({ placeId, organisationId, userId, voucherCode, reviewedAt, reviewNote, ...r }) => {
		const place = placeId ? places.get(placeId) : undefined;
		return {
			...r,
			place: place?.nom ?? null,
			commune: place?.commune ?? null,
			organisation: (organisationId && organisations.get(organisationId)) ?? null,
			user: (userId && users.get(userId)) ?? null,
			voucherCode,
			reviewedAt,
			reviewNote
		};
	});
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
