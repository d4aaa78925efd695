/**
 * The registrants' e-mails, in the house style (mail/'s plainMail): the link that confirms
 * a registration without an account, the seat or the place on the waiting list once it is
 * taken, the seat freed for someone waiting, an already registered address. Each carries the
 * registration's own link (to see it and cancel it). Names go through inlineName.
 */
import { plainMail, type Mail } from '../mail/index.ts';
import { inlineName as n } from '../../text/names.ts';
import { slotLabel, CONFIRM_HOURS, type SlotTimes } from './model.ts';
import { registrantIcs } from './calendar.ts';

export interface Links {
	origin: string;
	instanceName: string;
}

export interface SessionWords {
	title: string;
	slots: readonly SlotTimes[];
	/** « Médiathèque Lacépède, 12 rue… 47000 Agen », or « En ligne » */
	where: string;
	/** the webinar's link, for those who have a seat */
	broadcastUrl: string | null;
	/** the session's id, its calendar SEQUENCE and whether it is cancelled (the .ics) */
	id: string;
	sequence: number;
	cancelled: boolean;
}

/** The address the e-mails come from (MAIL_FROM's), the ORGANIZER of the invitations. */
const fromEmail = () =>
	/<([^>]+)>/.exec(process.env.MAIL_FROM ?? '')?.[1] ??
	(process.env.MAIL_FROM?.includes('@') ? process.env.MAIL_FROM.trim() : 'ne-pas-repondre@maillage.localhost');

/** The mail with its calendar invitation: the webinar's link for a seat only (a REQUEST), never in a CANCEL. */
function withIcs(mail: Mail, p: { to: string; firstName: string; session: SessionWords; links: Links }, method: 'REQUEST' | 'CANCEL'): Mail {
	const s = p.session;
	const content = registrantIcs({
		session: {
			id: s.id,
			title: s.title,
			slots: s.slots,
			location: s.where,
			url: method === 'REQUEST' ? s.broadcastUrl : null,
			sequence: s.sequence,
			cancelled: s.cancelled
		},
		method,
		owner: { origin: p.links.origin, instanceName: p.links.instanceName, fromEmail: fromEmail() },
		attendee: { email: p.to, name: p.firstName }
	});
	return { ...mail, ics: { method, content } };
}

export const registrationLink = (links: Links, token: string) => `${links.origin}/formations/inscription/${token}`;

const whenLines = (s: SessionWords) =>
	s.slots.length > 1 ? ['Dates\u00a0:', ...s.slots.map((x) => `– ${slotLabel(x)}`)] : [`Date\u00a0: ${slotLabel(s.slots[0])}`];

/** The link that confirms a registration made without an account. */
export function confirmMail(p: { to: string; firstName: string; session: SessionWords; link: string; links: Links }): Mail {
	return plainMail(
		p.to,
		`Confirmez votre inscription\u00a0: ${n(p.session.title)} – ${n(p.links.instanceName)}`,
		[
			`Bonjour ${n(p.firstName)},`,
			`Vous avez demandé à vous inscrire à la formation « ${n(p.session.title)} ».`,
			...whenLines(p.session),
			`Pour confirmer votre inscription, ouvrez ce lien dans les ${CONFIRM_HOURS} heures. Tant qu’elle n’est pas confirmée, aucune place ne vous est réservée.`
		],
		{ href: p.link, label: 'Confirmer mon inscription' },
		'training-confirm',
		'Si vous n’avez rien demandé, ignorez ce message\u00a0: sans confirmation, l’inscription n’est pas enregistrée.'
	);
}

/** A registration that took its place: a seat, or the waiting list with its rank. */
export function placedMail(p: {
	to: string;
	firstName: string;
	session: SessionWords;
	status: 'confirmed' | 'waiting';
	rank: number | null;
	link: string;
	links: Links;
}): Mail {
	const seat = p.status === 'confirmed';
	const mail = plainMail(
		p.to,
		`${seat ? 'Inscription confirmée' : 'Liste d’attente'}\u00a0: ${n(p.session.title)} – ${n(p.links.instanceName)}`,
		[
			`Bonjour ${n(p.firstName)},`,
			seat
				? `Votre inscription à la formation « ${n(p.session.title)} » est confirmée.`
				: `La formation « ${n(p.session.title)} » est complète\u00a0: vous êtes sur la liste d’attente${p.rank ? `, en position ${p.rank}` : ''}. Si une place se libère, elle vous est donnée automatiquement et vous recevez un e-mail.`,
			...whenLines(p.session),
			`Lieu\u00a0: ${n(p.session.where)}`,
			...(seat && p.session.broadcastUrl ? [`Lien du webinaire\u00a0: ${p.session.broadcastUrl}`] : []),
			'Si vous ne pouvez plus venir, annulez votre inscription avec ce lien\u00a0: votre place ira à la personne suivante.'
		],
		{ href: p.link, label: 'Voir ou annuler mon inscription' },
		seat ? 'training-confirmed' : 'training-waiting'
	);
	return seat ? withIcs(mail, p, 'REQUEST') : mail;
}

/** A seat freed for someone on the waiting list. */
export function promotedMail(p: { to: string; firstName: string; session: SessionWords; link: string; links: Links }): Mail {
	const mail = plainMail(
		p.to,
		`Une place s’est libérée\u00a0: ${n(p.session.title)} – ${n(p.links.instanceName)}`,
		[
			`Bonjour ${n(p.firstName)},`,
			`Une place s’est libérée\u00a0: votre inscription à la formation « ${n(p.session.title)} » est maintenant confirmée.`,
			...whenLines(p.session),
			`Lieu\u00a0: ${n(p.session.where)}`,
			...(p.session.broadcastUrl ? [`Lien du webinaire\u00a0: ${p.session.broadcastUrl}`] : []),
			'Si vous ne pouvez plus venir, annulez votre inscription avec ce lien\u00a0: votre place ira à la personne suivante.'
		],
		{ href: p.link, label: 'Voir ou annuler mon inscription' },
		'training-promoted'
	);
	return withIcs(mail, p, 'REQUEST');
}

/** The session's dates, place or link changed: to those with a seat, the calendar entry replaced (the same UID, the next SEQUENCE). */
export function changedMail(p: { to: string; firstName: string; session: SessionWords; link: string; links: Links }): Mail {
	const mail = plainMail(
		p.to,
		`Formation modifiée\u00a0: ${n(p.session.title)} – ${n(p.links.instanceName)}`,
		[
			`Bonjour ${n(p.firstName)},`,
			`L’organisateur a modifié la formation « ${n(p.session.title)} », à laquelle vous êtes inscrit. Voici ce qui vaut désormais.`,
			...whenLines(p.session),
			`Lieu\u00a0: ${n(p.session.where)}`,
			...(p.session.broadcastUrl ? [`Lien du webinaire\u00a0: ${p.session.broadcastUrl}`] : []),
			'L’invitation jointe met à jour votre agenda. Si vous ne pouvez plus venir, annulez votre inscription avec ce lien\u00a0: votre place ira à la personne suivante.'
		],
		{ href: p.link, label: 'Voir ou annuler mon inscription' },
		'training-changed'
	);
	return withIcs(mail, p, 'REQUEST');
}

/** The registrant cancelled: said, with the calendar entry withdrawn (METHOD:CANCEL) when they had a seat. */
export function cancelledMail(p: { to: string; firstName: string; session: SessionWords; hadSeat: boolean; links: Links }): Mail {
	const mail = plainMail(
		p.to,
		`Inscription annulée\u00a0: ${n(p.session.title)} – ${n(p.links.instanceName)}`,
		[
			`Bonjour ${n(p.firstName)},`,
			`Votre inscription à la formation « ${n(p.session.title)} » est annulée${p.hadSeat ? '\u00a0: votre place est libérée pour la personne suivante' : ''}.`,
			...whenLines(p.session),
			...(p.hadSeat ? ['L’annulation jointe retire la formation de votre agenda.'] : [])
		],
		null,
		'training-cancelled',
		'Si vous changez d’avis, inscrivez-vous de nouveau depuis la page de la formation, s’il reste des places.'
	);
	return p.hadSeat ? withIcs(mail, { ...p }, 'CANCEL') : mail;
}

/** Someone asked again with an address already registered: said to that address only (the form says the same thing either way). */
export function alreadyMail(p: { to: string; firstName: string; session: SessionWords; link: string; links: Links }): Mail {
	return plainMail(
		p.to,
		`Votre inscription\u00a0: ${n(p.session.title)} – ${n(p.links.instanceName)}`,
		[
			`Bonjour ${n(p.firstName)},`,
			`Une inscription à la formation « ${n(p.session.title)} » existe déjà pour cette adresse e-mail. Ce lien la montre, et permet de l’annuler.`
		],
		{ href: p.link, label: 'Voir mon inscription' },
		'training-already',
		'Si vous n’avez rien demandé, ignorez ce message.'
	);
}

/** Seven days or one day before the session: the dates, the place, the link (to cancel and free the seat). */
export function reminderMail(p: { to: string; firstName: string; session: SessionWords; days: 7 | 1; link: string; links: Links }): Mail {
	const when = p.days === 1 ? 'demain' : 'dans une semaine';
	return plainMail(
		p.to,
		`Rappel\u00a0: ${n(p.session.title)} ${when} – ${n(p.links.instanceName)}`,
		[
			`Bonjour ${n(p.firstName)},`,
			`La formation « ${n(p.session.title)} », à laquelle vous êtes inscrit, commence ${when}.`,
			...whenLines(p.session),
			`Lieu\u00a0: ${n(p.session.where)}`,
			...(p.session.broadcastUrl ? [`Lien du webinaire\u00a0: ${p.session.broadcastUrl}`] : []),
			'Si vous ne pouvez plus venir, annulez votre inscription avec ce lien\u00a0: votre place ira à la personne suivante.'
		],
		{ href: p.link, label: 'Voir ou annuler mon inscription' },
		p.days === 1 ? 'training-reminder-d1' : 'training-reminder-d7'
	);
}

/** The organiser cancelled the session: to every registrant (seat, waiting list, link not yet confirmed), the calendar entry withdrawn (METHOD:CANCEL, the next SEQUENCE). */
export function sessionCancelledMail(p: { to: string; firstName: string; session: SessionWords; reason: string; links: Links }): Mail {
	const mail = plainMail(
		p.to,
		`Formation annulée\u00a0: ${n(p.session.title)} – ${n(p.links.instanceName)}`,
		[
			`Bonjour ${n(p.firstName)},`,
			`L’organisateur a annulé la formation « ${n(p.session.title)} », à laquelle vous étiez inscrit. Votre inscription est annulée, vous n’avez rien à faire.`,
			...whenLines(p.session),
			...(p.reason ? [`Motif\u00a0: ${n(p.reason)}`] : []),
			'L’annulation jointe retire la formation de votre agenda.'
		],
		null,
		'training-session-cancelled',
		'D’autres sessions sont peut-être prévues\u00a0: consultez le catalogue des formations.'
	);
	return withIcs(mail, p, 'CANCEL');
}

/** The organiser cancelled one registration: said, with the calendar entry withdrawn when it had a seat. */
export function organiserCancelledMail(p: { to: string; firstName: string; session: SessionWords; hadSeat: boolean; links: Links }): Mail {
	const mail = plainMail(
		p.to,
		`Inscription annulée par l’organisateur\u00a0: ${n(p.session.title)} – ${n(p.links.instanceName)}`,
		[
			`Bonjour ${n(p.firstName)},`,
			`L’organisateur a annulé votre inscription à la formation « ${n(p.session.title)} ».`,
			...whenLines(p.session),
			...(p.hadSeat ? ['L’annulation jointe retire la formation de votre agenda.'] : [])
		],
		null,
		'training-cancelled-by-organiser',
		'Pour toute question, répondez à l’organisateur de la formation.'
	);
	return p.hadSeat ? withIcs(mail, p, 'CANCEL') : mail;
}
