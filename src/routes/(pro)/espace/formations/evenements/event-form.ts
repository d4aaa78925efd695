/** The event's form read from the posted fields, the same for creating and editing. */
export function readEventForm(form: FormData) {
	const get = (k: string) => String(form.get(k) ?? '');
	const day = (k: string) => {
		const v = get(k).trim();
		const fr = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
		return fr ? `${fr[3]}-${fr[2].padStart(2, '0')}-${fr[1].padStart(2, '0')}` : v;
	};
	return {
		organiserId: get('organiserId'),
		title: get('title'),
		description: get('description'),
		startsOn: day('startsOn'),
		endsOn: day('endsOn'),
		placeId: get('placeId'),
		location: get('location'),
		status: get('status') || 'draft'
	};
}
export type EventValues = ReturnType<typeof readEventForm>;
export const EVENT_TARGETS: Record<string, string> = {
	organiserId: 'evenement-structure',
	title: 'evenement-titre',
	description: 'evenement-description',
	startsOn: 'evenement-debut',
	endsOn: 'evenement-fin',
	placeId: 'evenement-lieu',
	location: 'evenement-adresse',
	status: 'evenement-statut'
};
