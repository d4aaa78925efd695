/** The meeting's form, shared by « Nouvelle réunion » and the meeting's page: as typed, and as the use case takes it. */
export interface MeetingFormValues {
	kind: string;
	heldOn: string;
	startTime: string;
	mode: string;
	location: string;
	presentIds: string[];
	agenda: string;
	minutes: string;
}

export function readMeetingForm(f: FormData): MeetingFormValues {
	const text = (k: string) => String(f.get(k) ?? '');
	return {
		kind: text('kind'),
		heldOn: text('heldOn'),
		startTime: text('startTime'),
		mode: text('mode'),
		location: text('location'),
		presentIds: f.getAll('presentIds').map(String),
		agenda: text('agenda'),
		minutes: text('minutes')
	};
}

export function emptyMeetingValues(): MeetingFormValues {
	return { kind: 'copil', heldOn: '', startTime: '', mode: 'in_person', location: '', presentIds: [], agenda: '', minutes: '' };
}

export const MEETING_TARGETS: Record<string, string> = {
	kind: 'reunion-type',
	heldOn: 'reunion-date',
	startTime: 'reunion-heure',
	mode: 'reunion-mode-0',
	location: 'reunion-lieu',
	presentIds: 'reunion-presents-0',
	agenda: 'reunion-ordre',
	minutes: 'reunion-compte-rendu'
};

export const DECISION_TARGETS: Record<string, string> = {
	body: 'decision-texte',
	ownerId: 'decision-porteur',
	dueDate: 'decision-echeance',
	actionIds: 'decision-actions-0',
	status: 'decision-etat'
};
