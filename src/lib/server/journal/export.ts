/**
 * The journal's entries for the page's filters, as a CSV for spreadsheets. Exporting the
 * journal is itself journaled (who, which filters, how many rows; no personal data), in the
 * same scoped connection as the reading.
 */
import type { Database } from '../db/client.ts';
import { asScoped, can, type Actor } from '../accounts/index.ts';
import { journal, searchJournal, type AuditRow } from '../audit/index.ts';
import { DomainError } from '../errors.ts';
import { journalQuery, readFilters } from './filters.ts';
import { JOURNAL_CSV_MAX, journalCsv, readableEntries } from './readable.ts';

/** The filters of the page that are kept in the export's journal entry. */
const KEPT_FILTERS = ['auteur', 'structure', 'action', 'periode', 'du', 'au', 'cible'];

export async function exportJournal(database: Database, actor: Actor, params: URLSearchParams, ip?: string | null): Promise<string> {
	const { query, errors } = journalQuery(actor, readFilters(params));
	if (Object.keys(errors).length)
		throw new DomainError(
			'invalid',
			`Les filtres ne sont pas valides\u00a0: ${Object.values(errors).join(' ')} Revenez au journal et choisissez-les dans les listes.`
		);
	const departments = query.departmentCodes;
	if (departments !== null && !departments.some((d) => can(actor, 'journal.read', { departmentCode: d })))
		throw new DomainError('forbidden', 'Le journal est réservé à la coordination départementale.');
	return asScoped(database, actor, async (scoped) => {
		const rows: AuditRow[] = [];
		let before: number | undefined;
		for (;;) {
			const page = await searchJournal(database, { ...query, before, limit: 2000, maxLimit: 2000 }, scoped);
			rows.push(...page.rows);
			if (!page.next || rows.length >= JOURNAL_CSV_MAX) break;
			before = page.next;
		}
		const entries = await readableEntries(scoped, actor, rows.slice(0, JOURNAL_CSV_MAX));
		const filters = Object.fromEntries([...params].filter(([k]) => KEPT_FILTERS.includes(k)));
		await journal(scoped, {
			actor: { kind: 'user', id: actor.userId },
			action: 'journal.exported',
			targetType: 'journal',
			departmentCode: departments?.[0] ?? null,
			ip: ip ?? null,
			details: { rows: entries.length, filters }
		});
		return journalCsv(entries);
	});
}
