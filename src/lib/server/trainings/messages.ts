/**
 * The registrants' e-mails, in the house style (mail/'s plainMail): the link that confirms
 * a registration without an account, the seat or the place on the waiting list once it is
 * taken, the seat freed for someone waiting, an already registered address. Each carries the
 * registration's own link (to see it and cancel it). Names go through inlineName.
 */
import { plainMail, type Mail } from '../mail/index.ts';
import { inlineName as n } from '../../text/names.ts';
import { slotLabel, CONFIRM_HOURS, type SlotTimes } from './model.ts';

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
	return plainMail(
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
}

/** A seat freed for someone on the waiting list. */
export function promotedMail(p: { to: string; firstName: string; session: SessionWords; link: string; links: Links }): Mail {
	return plainMail(
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
