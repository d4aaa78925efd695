/**
 * The person's link to a device does not outlive its use (issue 18, item 6; scheduled with
 * the other purges, jobs/maintenance.ts): EQUIPMENT_RETENTION_MONTHS after the handover (the
 * warranty and the donor's proof of reuse) or after the request's end (closed, cancelled),
 * the request no longer names the person. The device's history, the handover's facts (day,
 * receipt's kind, warranty, return) and the donor's report stay: nothing in them names anyone.
 */
import { and, eq, exists, gte, inArray, isNotNull, not, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { equipmentHandovers, equipmentRequests } from './db.ts';
import { EQUIPMENT_RETENTION_MONTHS } from './model.ts';
import { freezeSetups } from './setup.ts';

/** The instant before which a request's end (or its device's handover) is past retention. */
export function retentionLimit(now: Date): Date {
	return new Date(
		Date.UTC(
			now.getUTCFullYear(),
			now.getUTCMonth() - EQUIPMENT_RETENTION_MONTHS,
			now.getUTCDate(),
			now.getUTCHours(),
			now.getUTCMinutes(),
			now.getUTCSeconds()
		)
	);
}

/** Unlinks the requests past retention from their person; returns how many, journaled per département. */
export async function unlinkPastRetention(database: Database, now = new Date()): Promise<number> {
	const limit = retentionLimit(now);
	return database.db.transaction(async (tx) => {
		const recentHandover = tx
			.select({ one: sql`1` })
			.from(equipmentHandovers)
			.where(and(eq(equipmentHandovers.requestId, equipmentRequests.id), gte(equipmentHandovers.handedOverAt, limit)));
		const rows = await tx
			.update(equipmentRequests)
			.set({ beneficiaryId: null, updatedAt: now })
			.where(
				and(
					isNotNull(equipmentRequests.beneficiaryId),
					or(
						and(
							inArray(equipmentRequests.status, ['closed', 'cancelled']),
							sql`coalesce(${equipmentRequests.closedAt}, ${equipmentRequests.updatedAt}) < ${limit.toISOString()}::timestamptz`
						),
						and(eq(equipmentRequests.status, 'handed_over'), not(exists(recentHandover)))
					)
				)
			)
			.returning({ id: equipmentRequests.id, departmentCode: equipmentRequests.departmentCode });
		if (!rows.length) return 0;
		// a set-up referral would still lead back to the person: its outcome is copied onto the handover, the link cut
		await freezeSetups(
			tx,
			rows.map((r) => r.id)
		);
		const byDepartment = new Map<string, number>();
		for (const r of rows) byDepartment.set(r.departmentCode, (byDepartment.get(r.departmentCode) ?? 0) + 1);
		await journal(
			tx,
			...[...byDepartment].map(([departmentCode, n]) => ({
				actor: { kind: 'system' as const },
				action: 'equipment.requests.unlinked_after_retention',
				targetType: 'equipment_request',
				departmentCode,
				details: { requests: n, months: EQUIPMENT_RETENTION_MONTHS }
			}))
		);
		return rows.length;
	});
}
