/** Import reports: what an import tells (ImportReport, its summary for the command line), and the reports stored. */
import { desc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { importReports } from './db.ts';
import type { Rejection } from './types.ts';
import type { FidelityRow } from './sources/fidelity.ts';

export interface ImportWarning {
	row: number;
	sourceId?: string;
	message: string;
}

export interface ImportReport {
	id: number | null;
	fileName: string;
	format: string;
	source: string;
	total: number;
	created: number;
	updated: number;
	merged: number;
	unchanged: number;
	rejected: number;
	/** valid records outside onlyDepartments, and records the format leaves out (data·inclusion structures with no digital help) */
	skipped: number;
	rejections: Rejection[];
	warnings: ImportWarning[];
	/** per field of the file: values read, kept, mapped to the standard, dropped (with the values) */
	fidelity: FidelityRow[];
	ms: number;
	/** milliseconds per phase: lookup, parse, validate, match, compose, write */
	phases: Record<string, number>;
}

/** Human-readable summary for the CLI (English; rejection reasons stay in French as stored). */
export function formatReport(r: ImportReport, maxLines = 50): string {
	const lines = [
		`${r.fileName} (${r.format}, source ${r.source}): ${r.total} rows in ${r.ms} ms`,
		`  created ${r.created} · updated ${r.updated} · merged into existing ${r.merged} · unchanged ${r.unchanged} · rejected ${r.rejected}${r.skipped ? ` · skipped (outside the territory, or not digital help) ${r.skipped}` : ''}`
	];
	if (r.id != null) lines.push(`  report #${r.id} stored`);
	for (const rej of r.rejections.slice(0, maxLines)) {
		lines.push(`  rejected row ${rej.row}${rej.sourceId ? ` (${rej.sourceId})` : ''}: ${rej.reasons.join('\u00a0; ')}`);
	}
	if (r.rejections.length > maxLines) lines.push(`  … and ${r.rejections.length - maxLines} more rejections (see the stored report)`);
	if (r.warnings.length) lines.push(`  ${r.warnings.length} warnings (see the stored report)`);
	if (r.fidelity.length) lines.push(...formatFidelity(r.fidelity));
	return lines.join('\n');
}

/** The fidelity table: one line per field of the file, then the values dropped (at most 10 per field). */
export function formatFidelity(table: FidelityRow[], maxDrops = 10): string[] {
	const width = Math.max(5, ...table.map((row) => row.field.length));
	const num = (n: number) => String(n).padStart(7);
	const lines = [`  values per field of the file:`, `    ${'field'.padEnd(width)}    read    kept  mapped dropped`];
	for (const row of table) lines.push(`    ${row.field.padEnd(width)} ${num(row.read)} ${num(row.kept)} ${num(row.mapped)} ${num(row.dropped)}`);
	for (const row of table) {
		if (!row.dropped) continue;
		const shown = row.drops.slice(0, maxDrops).map((d) => `« ${d.value} » ×${d.count} (${d.reason})`);
		const more = row.drops.length > maxDrops ? ` … and ${row.drops.length - maxDrops} more` : '';
		lines.push(`  dropped from ${row.field}: ${shown.join('\u00a0; ')}${more}`);
	}
	return lines;
}

/** A stored report as `import-reports show` prints it: the counts, every rejection, the warnings by field, the fidelity table with what each value became. */
export function formatStoredReport(r: StoredImportReport, maxConversions = 10): string {
	const lines = [
		`#${r.id} ${r.fileName} (${r.format}, source ${r.source}), imported ${r.startedAt.toISOString()}: ${r.total} rows`,
		`  created ${r.created} · updated ${r.updated} · merged into existing ${r.merged} · unchanged ${r.unchanged} · rejected ${r.rejected}${r.skipped ? ` · skipped ${r.skipped}` : ''}`
	];
	for (const rej of r.rejections) lines.push(`  rejected row ${rej.row}${rej.sourceId ? ` (${rej.sourceId})` : ''}: ${rej.reasons.join('\u00a0; ')}`);
	if (r.warnings.length) {
		// by what they are about (« pivot », « horaires »…), an example of each
		const byField = new Map<string, { count: number; example: ImportWarning }>();
		for (const w of r.warnings) {
			const field = w.message.split('\u00a0:')[0].split(' « ')[0];
			const seen = byField.get(field);
			if (seen) seen.count++;
			else byField.set(field, { count: 1, example: w });
		}
		lines.push(`  ${r.warnings.length} warnings (--json lists them all):`);
		for (const [field, { count, example }] of [...byField].sort((a, b) => b[1].count - a[1].count))
			lines.push(`    ${field}: ${count} rows, e.g. row ${example.row}: ${example.message}`);
	}
	if (r.fidelity.length) {
		lines.push(...formatFidelity(r.fidelity));
		for (const row of r.fidelity) {
			if (!row.conversions.length) continue;
			const shown = row.conversions.slice(0, maxConversions).map((c) => `« ${c.from} » → ${c.to} ×${c.count}`);
			const more = row.conversions.length > maxConversions ? ` … and ${row.conversions.length - maxConversions} more` : '';
			lines.push(`  mapped in ${row.field}: ${shown.join('\u00a0; ')}${more}`);
		}
	}
	return lines.join('\n');
}

export type StoredImportReport = Pick<
	ImportReport,
	'fileName' | 'format' | 'source' | 'total' | 'created' | 'updated' | 'merged' | 'unchanged' | 'rejected' | 'skipped' | 'rejections' | 'warnings' | 'fidelity'
> & { id: number; startedAt: Date };

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
