/**
 * The trainings' actions in French (issue 17): trainings and sessions organised, the
 * registrations (by a professional, asked and confirmed by a helper without an account,
 * cancelled, promoted from the waiting list), the registrants' list exported. The training's
 * title comes in the details; never a registrant's name. Part of ACTIONS (sentences.ts).
 */
import { REGISTRATION_STATUSES, type RegistrationStatus } from '../trainings/index.ts';
import type { ActionText } from './sentences.ts';
import { frDate, num, str } from './words.ts';

const training = (d: Record<string, unknown>) => (typeof d.title === 'string' ? `la formation « ${d.title} »` : 'une formation');
const ofTraining = (d: Record<string, unknown>) => (typeof d.title === 'string' ? `de la formation « ${d.title} »` : 'd’une formation');
const toTraining = (d: Record<string, unknown>) => (typeof d.title === 'string' ? `à la formation « ${d.title} »` : 'à une formation');
const when = (d: Record<string, unknown>) => (typeof d.firstDay === 'string' ? ` du ${frDate(d.firstDay)}` : '');
const placed = (d: Record<string, unknown>) => (d.status === 'waiting' ? ' (liste d’attente)' : d.status === 'confirmed' ? ' (place confirmée)' : '');

export const TRAINING_ACTIONS: Record<string, ActionText> = {
	'training.created': { label: 'Formation créée', say: (f) => `${f.actor} a créé ${training(f.d)}` },
	'training.updated': { label: 'Formation modifiée', say: (f) => `${f.actor} a modifié ${training(f.d)}` },
	'training.session.created': { label: 'Session de formation programmée', say: (f) => `${f.actor} a programmé une session${when(f.d)} ${ofTraining(f.d)}` },
	'training.session.updated': { label: 'Session de formation modifiée', say: (f) => `${f.actor} a modifié la session${when(f.d)} ${ofTraining(f.d)}` },
	'training.registration.created': { label: 'Inscription à une formation', say: (f) => `${f.actor} s’est inscrit ${toTraining(f.d)}${placed(f.d)}` },
	'training.registration.requested': {
		label: 'Inscription demandée sans compte',
		say: (f) => `${f.actor} a demandé à s’inscrire ${toTraining(f.d)} (lien de confirmation envoyé par e-mail)`
	},
	'training.registration.confirmed': {
		label: 'Inscription confirmée par e-mail',
		say: (f) => `${f.actor} a confirmé par le lien reçu par e-mail une inscription ${toTraining(f.d)}${placed(f.d)}`
	},
	'training.registration.cancelled': {
		label: 'Inscription à une formation annulée',
		say: (f) =>
			`${f.actor} a annulé ${f.d.by === 'organiser' ? 'en tant qu’organisateur ' : ''}une inscription ${toTraining(f.d)}${f.d.from ? ` (${(REGISTRATION_STATUSES[str(f.d.from) as RegistrationStatus] ?? str(f.d.from)).toLowerCase()})` : ''}`
	},
	'training.registration.promoted': {
		label: 'Place donnée depuis la liste d’attente',
		say: (f) => `Une place s’est libérée ${toTraining(f.d)}\u00a0: la personne suivante de la liste d’attente l’a reçue`
	},
	'training.feed.renewed': {
		label: 'Adresse d’agenda renouvelée',
		say: (f) =>
			`${f.actor} a renouvelé l’adresse ${f.d.kind === 'organiser' ? 'de l’agenda des formations organisées par sa structure' : 'de son agenda de formations'}\u00a0: l’ancienne ne fonctionne plus`
	},
	'training.attendance.recorded': {
		label: 'Présences enregistrées',
		say: (f) =>
			`${f.actor} a enregistré les présences${typeof f.d.day === 'string' ? ` du ${frDate(f.d.day)}` : ''} ${ofTraining(f.d)}${f.d.method === 'sheet' ? ' (depuis la feuille d’émargement)' : ''}${typeof f.d.present === 'number' ? ` : ${num(f.d.present)} présents, ${num(f.d.absent)} absents` : ''}`
	},
	'training.sheet.printed': {
		label: 'Feuille d’émargement imprimée',
		say: (f) => `${f.actor} a téléchargé la feuille d’émargement${typeof f.d.day === 'string' ? ` du ${frDate(f.d.day)}` : ''} ${ofTraining(f.d)}`
	},
	'training.attestations.issued': {
		label: 'Attestations de formation délivrées',
		say: (f) => `${f.actor} a délivré ${typeof f.d.count === 'number' ? num(f.d.count) : 'des'} attestation(s) de présence ${ofTraining(f.d)}`
	},
	'training.attestation.revoked': {
		label: 'Attestation de formation révoquée',
		say: (f) => `${f.actor} a révoqué l’attestation ${str(f.d.number)} ${ofTraining(f.d)}${f.d.reason ? ` (raison : ${str(f.d.reason)})` : ''}`
	},
	'training.session.cancelled': {
		label: 'Session de formation annulée',
		say: (f) =>
			`${f.actor} a annulé la session${when(f.d)} ${ofTraining(f.d)}${typeof f.d.told === 'number' ? ` (${num(f.d.told)} personne${f.d.told > 1 ? 's' : ''} prévenue${f.d.told > 1 ? 's' : ''})` : ''}`
	},
	'training.relay.registered': {
		label: 'Lieu relais d’un webinaire inscrit',
		say: (f) =>
			`${f.actor} a inscrit son lieu comme relais ${ofTraining(f.d)}${typeof f.d.expected === 'number' ? ` (groupe attendu : ${num(f.d.expected)})` : ''}`
	},
	'training.relay.withdrawn': { label: 'Lieu relais retiré', say: (f) => `${f.actor} a retiré son lieu des relais d’un webinaire` },
	'training.relay.attendance': {
		label: 'Présence d’un groupe relais enregistrée',
		say: (f) => `${f.actor} a enregistré la présence du groupe relais ${ofTraining(f.d)}`
	},
	'training.event.created': {
		label: 'Événement de formation créé',
		say: (f) => `${f.actor} a créé l’événement${typeof f.d.title === 'string' ? ` « ${f.d.title} »` : ''}`
	},
	'training.event.updated': {
		label: 'Événement de formation modifié',
		say: (f) => `${f.actor} a modifié l’événement${typeof f.d.title === 'string' ? ` « ${f.d.title} »` : ''}`
	},
	'training.registrants.exported': {
		label: 'Liste des inscrits exportée',
		say: (f) => `${f.actor} a exporté la liste des inscrits ${ofTraining(f.d)}${typeof f.d.rows === 'number' ? ` (${num(f.d.rows)} lignes)` : ''}`
	}
};

/** The trainings' fields, as the forms name them. */
const FIELDS: Record<string, string> = {
	organiserOrganisationId: 'structure organisatrice',
	title: 'titre',
	objectives: 'objectifs',
	programme: 'programme',
	audiences: 'publics',
	theme: 'thème',
	format: 'format',
	trainerOrganisationId: 'formateur',
	trainerStructure: 'formateur',
	trainerPerson: 'formateur',
	prerequisites: 'prérequis',
	accessibility: 'accessibilité',
	placeId: 'lieu',
	location: 'lieu',
	broadcastUrl: 'lien du webinaire',
	capacity: 'places',
	registrationDeadline: 'date limite d’inscription',
	status: 'publication',
	eventId: 'événement',
	slots: 'demi-journées'
};

/** The details of a training entry, in French: what changed, the seats, the queue number; the title is in the sentence. */
export function trainingDetailLines(action: string, d: Record<string, unknown>): string[] {
	const out: string[] = [];
	if (Array.isArray(d.fields) && d.fields.length) out.push(`Champs modifiés\u00a0: ${[...new Set(d.fields.map((f) => FIELDS[str(f)] ?? str(f)))].join(', ')}`);
	if ('to' in d && action === 'training.session.updated')
		out.push(`Places\u00a0: ${d.from === null ? 'sans limite' : num(d.from)} → ${d.to === null ? 'sans limite' : num(d.to)}`);
	else if (action === 'training.session.created')
		out.push(`Places\u00a0: ${d.capacity === null || d.capacity === undefined ? 'sans limite' : num(d.capacity)}`);
	if (typeof d.position === 'number') out.push(`Numéro d’ordre dans la session\u00a0: ${num(d.position)}`);
	return out;
}
