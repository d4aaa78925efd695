import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { DECISION_STATUS_TONES, MEETING_KIND_LABELS, MEETING_MODE_LABELS, meetingsOverview, type MeetingMode } from '#lib/server/strategy/index.ts';
import { pageError } from '#lib/server/web/errors.ts';
import { doneMessage } from '#lib/server/web/params.ts';

const DONE: Record<string, string> = { supprimee: 'La réunion a été supprimée.' };

export const load: PageServerLoad = async ({ locals, url }) => {
	try {
		const o = await meetingsOverview(await getDatabase(), locals.session!.actor, url.searchParams.get('departement'));
		const view = <T extends { kind: keyof typeof MEETING_KIND_LABELS; mode: string }>(m: T) => ({
			...m,
			kindLabel: MEETING_KIND_LABELS[m.kind],
			modeLabel: MEETING_MODE_LABELS[m.mode as MeetingMode] ?? ''
		});
		return {
			...o,
			upcoming: o.upcoming.map(view),
			past: o.past.map(view),
			toFollow: o.toFollow.map((d) => ({ ...d, tone: DECISION_STATUS_TONES[d.shownStatus] })),
			done: doneMessage(DONE, url.searchParams.get('fait'))
		};
	} catch (e) {
		pageError(e);
	}
};
