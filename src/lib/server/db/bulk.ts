/**
 * Bulk upsert through one JSON parameter per chunk (json_populate_recordset): about 3×
 * faster than multi-row VALUES on PGlite, whose cost is per bound parameter, and as fast
 * on PostgreSQL. Rows use the Drizzle (camelCase) keys; every row must have the same keys.
 */
import { sql, getTableColumns, getTableName } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { DbOrTx } from './client.ts';

const quote = (n: string) => `"${n.replace(/"/g, '""')}"`;

export async function bulkUpsert<T extends PgTable>(
	db: DbOrTx,
	table: T,
	rows: Partial<T['$inferInsert']>[],
	opts: { conflict: (keyof T['$inferInsert'] & string)[]; update?: (keyof T['$inferInsert'] & string)[]; chunk?: number }
): Promise<void> {
	if (!rows.length) return;
	const columns = getTableColumns(table) as Record<string, { name: string }>;
	const keys = Object.keys(rows[0]).filter((k) => columns[k]);
	const names = keys.map((k) => columns[k].name);
	const list = names.map(quote).join(', ');
	const update = (opts.update ?? keys.filter((k) => !opts.conflict.includes(k))).map((k) => `${quote(columns[k].name)} = excluded.${quote(columns[k].name)}`);
	const tableName = quote(getTableName(table));
	const head = `insert into ${tableName} (${list}) select ${list} from json_populate_recordset(null::${tableName}, `;
	const tail = `::json) on conflict (${opts.conflict.map((k) => quote(columns[k].name)).join(', ')}) ${update.length ? `do update set ${update.join(', ')}` : 'do nothing'}`;
	const size = opts.chunk ?? 1000;
	for (let i = 0; i < rows.length; i += size) {
		const json = JSON.stringify(
			rows.slice(i, i + size).map((r) => {
				const o: Record<string, unknown> = {};
				for (let j = 0; j < keys.length; j++) o[names[j]] = (r as Record<string, unknown>)[keys[j]];
				return o;
			})
		);
		await db.execute(sql.join([sql.raw(head), sql`${json}`, sql.raw(tail)]));
	}
}
