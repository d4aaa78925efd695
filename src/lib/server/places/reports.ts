import { desc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { importReports } from './db.ts';

export async function listImportReports(database: Database, limit = 50) {
	return database.db
		.select({
			id: importReports.id,
			fileName: importReports.fileName,
			format: importReports.format,
			source: importReports.source,
			startedAt: importReports.startedAt,
			total: importReports.total,
			created: importReports.created,
			updated: importReports.updated,
			merged: importReports.merged,
			unchanged: importReports.unchanged,
			rejected: importReports.rejected,
			skipped: importReports.skipped
		})
		.from(importReports)
		.orderBy(desc(importReports.id))
		.limit(limit);
}

export async function getImportReport(database: Database, id: number) {
	if (!Number.isInteger(id)) return null;
	const [r] = await database.db.select().from(importReports).where(eq(importReports.id, id));
	return r ?? null;
}
