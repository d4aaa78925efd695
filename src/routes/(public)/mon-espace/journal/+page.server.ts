/** « Journal » (Mon espace): who saw or did what with the person's information, and when, newest first, 30 lines a page. */
import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { personJournal } from '#lib/server/journal/index.ts';
import { formatDateTime } from '#lib/components/format.ts';

export const csr = false;

export const load: PageServerLoad = async ({ locals, url }) => {
	const raw = url.searchParams.get('avant');
	const before = raw && /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
	const { entries, next } = await personJournal(await getDatabase(), locals.person!.beneficiaryIds, { before });
	return {
		first: !before,
		next,
		entries: entries.map((e) => ({ id: e.id, when: formatDateTime(e.at) ?? '', who: e.who, sentence: e.sentence }))
	};
};
