/**
 * The messages of the referral loop, in plain French: to the place's team, to the
 * prescriber, to the person (e-mail or SMS: short, no jargon, never the decline reason).
 */
import { plainMail as mail, type Mail } from '../mail/index.ts';
import { STATUS_LABELS, type ReferralStatus } from './model.ts';
import { formatAppointment, formatDate } from '../../components/format.ts';

/** To a member of the place's team (they have an account). */
export function referralReceivedMail(p: {
	to: string;
	placeName: string;
	fromOrganisation: string;
	personName: string;
	link: string;
	instanceName: string;
}): Mail {
	return mail(
		p.to,
		`Nouvelle orientation vers ${p.placeName}`,
		[
			'Bonjour,',
			`${p.fromOrganisation} oriente ${p.personName} vers ${p.placeName}, avec son accord.`,
			'Ouvrez l’orientation pour lire le motif, puis dites si vous pouvez recevoir la personne. Sans réponse, l’orientation expire au bout de 30 jours.'
		],
		{ href: p.link, label: 'Voir l’orientation' },
		'referral-received'
	);
}

/** To a place without an account: a signed link answers for them. */
export function referralByLinkMail(p: {
	to: string;
	placeName: string;
	fromOrganisation: string;
	personName: string;
	link: string;
	instanceName: string;
	step: 'answer' | 'outcome' | 'reminder';
	expiresAt: Date;
}): Mail {
	const intro =
		p.step === 'outcome'
			? `Vous avez accepté de recevoir ${p.personName}, orientée par ${p.fromOrganisation}. Quand le rendez-vous a eu lieu (ou si la personne n’est pas venue), dites-le avec ce lien.`
			: p.step === 'reminder'
				? `Rappel\u00a0: ${p.fromOrganisation} attend votre réponse pour ${p.personName}, orientée vers ${p.placeName}.`
				: `${p.fromOrganisation} oriente ${p.personName} vers ${p.placeName}, avec son accord.`;
	return mail(
		p.to,
		p.step === 'reminder'
			? `Rappel\u00a0: une orientation attend votre réponse`
			: p.step === 'outcome'
				? `Orientation\u00a0: la personne est-elle venue\u00a0?`
				: `Nouvelle orientation vers ${p.placeName}`,
		['Bonjour,', intro, `Ce lien personnel est valable jusqu’au ${formatDate(p.expiresAt)}. Il ne demande pas de compte\u00a0: ne le transférez pas.`],
		{ href: p.link, label: p.step === 'outcome' ? 'Dire si la personne est venue' : 'Répondre à l’orientation' },
		p.step === 'reminder' ? 'referral-reminder' : 'referral-link',
		`Vous recevez ce message parce que l’adresse de ${p.placeName} est publiée dans l’annuaire de ${p.instanceName}.`
	);
}

export function referralReminderMail(p: { to: string; placeName: string; personName: string; days: number; link: string }): Mail {
	return mail(
		p.to,
		`Rappel\u00a0: une orientation attend votre réponse depuis ${p.days} jours`,
		[
			'Bonjour,',
			`${p.personName} a été orientée vers ${p.placeName} il y a ${p.days} jours et attend votre réponse.`,
			'Sans réponse, l’orientation expire au bout de 30 jours.'
		],
		{ href: p.link, label: 'Répondre à l’orientation' },
		'referral-reminder'
	);
}

/** To the prescriber: what became of their referral. */
export function referralUpdateMail(p: {
	to: string;
	placeName: string;
	personName: string;
	status: ReferralStatus;
	appointmentAt?: Date | null;
	declineReason?: string | null;
	link: string;
}): Mail {
	const what: Record<ReferralStatus, string> = {
		sent: 'a été envoyée',
		under_study: `est en cours d’examen par ${p.placeName}`,
		accepted: `a été acceptée par ${p.placeName}${p.appointmentAt ? `, rendez-vous le ${formatAppointment(p.appointmentAt)}` : ''}`,
		declined: `a été refusée par ${p.placeName}${p.declineReason ? ` (${p.declineReason})` : ''}`,
		honoured: `est honorée\u00a0: ${p.placeName} a reçu la personne`,
		no_show: `: la personne n’est pas venue à ${p.placeName}`,
		expired: `a expiré\u00a0: ${p.placeName} n’a pas répondu en 30 jours`,
		withdrawn: 'a été retirée par la personne'
	};
	return mail(
		p.to,
		`Orientation de ${p.personName}\u00a0: ${STATUS_LABELS[p.status].toLowerCase()}`,
		['Bonjour,', `L’orientation de ${p.personName} vers ${p.placeName} ${what[p.status]}.`],
		{ href: p.link, label: 'Voir l’orientation' },
		'referral-update'
	);
}

/** To the person: short, the action first; a declined referral never says why. */
export function personMessage(p: {
	status: ReferralStatus;
	placeName: string;
	appointmentAt?: Date | null;
	prescriberOrganisation: string;
	link: string;
	instanceName: string;
}): { subject: string; text: string } {
	const t: Record<ReferralStatus, string> = {
		sent: `${p.prescriberOrganisation} vous oriente vers ${p.placeName}. Le lieu va vous contacter.`,
		under_study: `${p.placeName} étudie votre demande.`,
		accepted: p.appointmentAt
			? `${p.placeName} vous attend le ${formatAppointment(p.appointmentAt)}.`
			: `${p.placeName} accepte de vous recevoir et va vous contacter.`,
		declined: `${p.placeName} ne peut pas vous recevoir. ${p.prescriberOrganisation} vous proposera un autre lieu.`,
		honoured: `Merci de votre venue à ${p.placeName}.`,
		no_show: `Vous n’avez pas pu venir à ${p.placeName}. Vous pouvez reprendre rendez-vous.`,
		expired: `${p.placeName} n’a pas répondu. ${p.prescriberOrganisation} vous proposera un autre lieu.`,
		withdrawn: `Votre orientation vers ${p.placeName} est annulée.`
	};
	return { subject: `Votre orientation vers ${p.placeName}`, text: `${t[p.status]} Voir ou annuler\u00a0: ${p.link}` };
}

export function personMail(to: string, m: { subject: string; text: string }, instanceName: string): Mail {
	const [sentence, link] = m.text.split(' Voir ou annuler\u00a0: ');
	return mail(
		to,
		m.subject,
		['Bonjour,', sentence, 'Pour voir vos orientations, ou en annuler une, ouvrez ce lien\u00a0:'],
		{ href: link, label: 'Voir mes orientations' },
		'referral-person',
		`Ce message vous est envoyé par ${instanceName}.`
	);
}
