import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { asScoped, can } from '#lib/server/accounts/index.ts';
import { journal, searchJournal, type AuditRow } from '#lib/server/audit/index.ts';
import { journalQuery, readFilters, JOURNAL_CSV_MAX, journalCsv, readableEntries } from '#lib/server/journal/index.ts';

/** The journal's entries for the page's filters, as a CSV for spreadsheets; the export itself is journaled. */
export const GET: RequestHandler = async ({ locals, url }) => {
	const actor = locals.session!.actor;
	const { query, errors } = journalQuery(actor, readFilters(url.searchParams));
	if (Object.keys(errors).length) error(400, `Les filtres ne sont pas valides\u00a0: ${Object.values(errors).join(' ')} Revenez au journal et choisissez-les dans les listes.`);
	const departments = query.departmentCodes;
	if (departments !== null && !departments.some((d) => can(actor, 'journal.read', { departmentCode: d }))) error(403, 'Le journal est réservé à la coordination départementale.');
	const db = await getDatabase();
	const csv = await asScoped(db, actor, async (scoped) => {
		const rows: AuditRow[] = [];
		let before: number | undefined;
		for (;;) {
			const page = await searchJournal(db, { ...query, before, limit: 2000, maxLimit: 2000 }, scoped);
			rows.push(...page.rows);
			if (!page.next || rows.length >= JOURNAL_CSV_MAX) break;
			before = page.next;
		}
		const entries = await readableEntries(scoped, actor, rows.slice(0, JOURNAL_CSV_MAX));
		// who exported what: the filters, the count (no personal data in them)
		const filters = Object.fromEntries([...url.searchParams].filter(([k]) => ['auteur', 'structure', 'action', 'periode', 'du', 'au', 'cible'].includes(k)));
		await journal(scoped, {
			actor: { kind: 'user', id: actor.userId },
			action: 'journal.exported',
			targetType: 'journal',
			departmentCode: departments?.[0] ?? null,
			ip: locals.ip,
			details: { rows: entries.length, filters }
		});
		return journalCsv(entries);
	});
	const day = new Date().toISOString().slice(0, 10);
	return new Response(csv, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="journal-${day}.csv"`,
			'cache-control': 'private, no-store'
		}
	});
};
