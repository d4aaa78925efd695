/**
 * The e-mail that gives a registrant their attestation of attendance: the link of their
 * registration's attestation page (the PDF, the Open Badges credential, the public check).
 */
import { plainMail, type Mail } from '../mail/index.ts';
import { inlineName as n } from '../../text/names.ts';
import type { Links } from './messages.ts';

export const attestationPage = (links: Links, token: string) => `${links.origin}/formations/inscription/${token}/attestation`;

export function attestationMail(p: { to: string; firstName: string; title: string; minutes: number; token: string; links: Links }): Mail {
	const h = Math.floor(p.minutes / 60);
	const m = p.minutes % 60;
	const hours = h ? (m ? `${h}\u00a0h\u00a0${String(m).padStart(2, '0')}` : `${h}\u00a0h`) : `${m}\u00a0min`;
	return plainMail(
		p.to,
		`Votre attestation de formation\u00a0: ${n(p.title)} – ${n(p.links.instanceName)}`,
		[
			`Bonjour ${n(p.firstName)},`,
			`Merci d’avoir suivi la formation « ${n(p.title)} ». Votre attestation de présence (${hours}) est prête.`,
			'Vous pouvez la télécharger en PDF, ou comme badge numérique (Open Badges), avec ce lien. Un code QR sur l’attestation permet à qui la reçoit de vérifier qu’elle est authentique.'
		],
		{ href: attestationPage(p.links, p.token), label: 'Voir mon attestation' },
		'training-attestation'
	);
}
