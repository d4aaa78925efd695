/**
 * The forms of the organisers' pages, shared by « Nouvelle formation » and a training's page,
 * « Nouvelle session » and a session's page: what the browser sends, read as the values shown
 * again (every field as typed) and as the use case's input.
 */
import { SLOT_ROWS, type SessionStatus } from '#lib/server/trainings/index.ts';

export interface TrainingFormValues {
	organiserId: string;
	title: string;
	objectives: string;
	programme: string;
	audiences: string[];
	theme: string;
	format: string;
	trainerOrganisationId: string;
	trainerStructure: string;
	trainerPerson: string;
	prerequisites: string;
	accessibility: string;
}

export const emptyTraining = (organiserId = ''): TrainingFormValues => ({
	organiserId,
	title: '',
	objectives: '',
	programme: '',
	audiences: [],
	theme: '',
	format: 'on_site',
	trainerOrganisationId: '',
	trainerStructure: '',
	trainerPerson: '',
	prerequisites: '',
	accessibility: ''
});

export function readTrainingForm(f: FormData): TrainingFormValues {
	const text = (k: string) => String(f.get(k) ?? '');
	return {
		organiserId: text('organiserId'),
		title: text('title'),
		objectives: text('objectives'),
		programme: text('programme'),
		audiences: f.getAll('audiences').map(String),
		theme: text('theme'),
		format: text('format'),
		trainerOrganisationId: text('trainerOrganisationId'),
		trainerStructure: text('trainerStructure'),
		trainerPerson: text('trainerPerson'),
		prerequisites: text('prerequisites'),
		accessibility: text('accessibility')
	};
}

export const TRAINING_TARGETS: Record<string, string> = {
	organiserId: 'formation-organisateur',
	title: 'formation-titre',
	objectives: 'formation-objectifs',
	programme: 'formation-programme',
	audiences: 'formation-publics-0',
	theme: 'formation-theme',
	format: 'formation-format-0',
	trainerOrganisationId: 'formation-formateur-structure',
	trainerStructure: 'formation-formateur-nom',
	trainerPerson: 'formation-formateur-personne',
	prerequisites: 'formation-prerequis',
	accessibility: 'formation-accessibilite'
};

export interface SessionFormValues {
	slots: { day: string; start: string; end: string }[];
	placeId: string;
	location: string;
	broadcastUrl: string;
	capacity: string;
	registrationDeadline: string;
	status: SessionStatus | string;
	eventId: string;
}

export const emptySession = (): SessionFormValues => ({
	slots: Array.from({ length: SLOT_ROWS }, (_, i) => (i === 0 ? { day: '', start: '14:00', end: '17:00' } : { day: '', start: '', end: '' })),
	placeId: '',
	location: '',
	broadcastUrl: '',
	capacity: '',
	registrationDeadline: '',
	status: 'published',
	eventId: ''
});

export function readSessionForm(f: FormData): SessionFormValues {
	const text = (k: string) => String(f.get(k) ?? '');
	return {
		slots: Array.from({ length: SLOT_ROWS }, (_, i) => ({ day: text(`slot-${i}-day`), start: text(`slot-${i}-start`), end: text(`slot-${i}-end`) })),
		placeId: text('placeId'),
		location: text('location'),
		broadcastUrl: text('broadcastUrl'),
		capacity: text('capacity'),
		registrationDeadline: text('registrationDeadline'),
		status: text('status'),
		eventId: text('eventId')
	};
}

/** A session as its form shows it. */
export function sessionValues(s: {
	slots: { day: string; startTime: string; endTime: string }[];
	placeId: string | null;
	location: string;
	broadcastUrl: string | null;
	capacity: number | null;
	registrationDeadline: string;
	status: string;
	eventId: string | null;
}): SessionFormValues {
	const rows = s.slots.map((x) => ({ day: x.day, start: x.startTime, end: x.endTime }));
	while (rows.length < SLOT_ROWS) rows.push({ day: '', start: '', end: '' });
	return {
		slots: rows,
		placeId: s.placeId ?? '',
		location: s.location,
		broadcastUrl: s.broadcastUrl ?? '',
		capacity: s.capacity === null ? '' : String(s.capacity),
		registrationDeadline: s.registrationDeadline,
		status: s.status,
		eventId: s.eventId ?? ''
	};
}

export const SESSION_TARGETS: Record<string, string> = {
	slots: 'session-demi-journee-0-jour',
	...Object.fromEntries(Array.from({ length: SLOT_ROWS }, (_, i) => [`slot-${i}`, `session-demi-journee-${i}-jour`])),
	placeId: 'session-lieu',
	location: 'session-precisions',
	broadcastUrl: 'session-lien',
	capacity: 'session-places',
	registrationDeadline: 'session-limite',
	status: 'session-publication-0',
	eventId: 'session-evenement'
};
