/**
 * E-mails in plain French, short sentences, the action first. Each has a text part (read
 * by every client, and by screen readers without surprise) and a minimal HTML part.
 */
import { inlineName as n } from '../../text/names.ts';
import { formatDate } from '../../components/format.ts';

export interface Mail {
	to: string;
	subject: string;
	text: string;
	html: string;
	template: string;
	/** a calendar invitation (an .ics, RFC 5545) sent with it */
	ics?: { method: 'REQUEST' | 'CANCEL'; content: string };
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function html(paragraphs: string[], link: { href: string; label: string } | null): string {
	const body = paragraphs.map((p) => `<p>${escape(p)}</p>`).join('\n');
	const a = link ? `\n<p><a href="${escape(link.href)}">${escape(link.label)}</a></p>` : '';
	return `<!doctype html><html lang="fr"><body style="font-family:sans-serif;font-size:16px;line-height:1.5">
${body}${a}
</body></html>`;
}

/** An e-mail in the house style: paragraphs, then the link (its address also in the text part), then a closing line. */
export function plainMail(to: string, subject: string, lines: string[], link: { href: string; label: string } | null, template: string, end?: string): Mail {
	const tail = end ? `<p>${escape(end)}</p>\n</body>` : '</body>';
	return {
		to,
		subject,
		text: [...lines, ...(link ? [link.href] : []), ...(end ? [end] : [])].join('\n\n') + '\n',
		html: html(lines, link).replace('</body>', tail),
		template
	};
}

export function invitationMail(p: {
	to: string;
	displayName: string;
	organisationName: string;
	roleLabel: string;
	link: string;
	expiresAt: Date;
	instanceName: string;
}): Mail {
	const lines = [
		`Bonjour ${n(p.displayName)},`,
		`Vous êtes invité à rejoindre l’espace professionnel de ${n(p.instanceName)}, comme ${p.roleLabel} à ${n(p.organisationName)}.`,
		`Pour créer votre compte, ouvrez ce lien et choisissez votre mot de passe. Le lien est valable jusqu’au ${formatDate(p.expiresAt)} et ne sert qu’une fois.`
	];
	const end = 'Si vous ne vous attendiez pas à cette invitation, ignorez ce message\u00a0: aucun compte ne sera créé.';
	return {
		to: p.to,
		subject: `Invitation à l’espace professionnel de ${n(p.instanceName)}`,
		text: [...lines, p.link, end].join('\n\n') + '\n',
		html: html([...lines], { href: p.link, label: 'Créer mon compte' }).replace('</body>', `<p>${escape(end)}</p>\n</body>`),
		template: 'invitation'
	};
}

/** A role offered to an existing account: it waits for its owner's answer in « Mon compte » (issue 11, finding 4). */
export function pendingRoleMail(p: {
	to: string;
	displayName: string;
	organisationName: string;
	roleLabel: string;
	link: string;
	expiresAt: Date;
	instanceName: string;
}): Mail {
	return plainMail(
		p.to,
		`Un nouveau rôle vous est proposé – ${n(p.instanceName)}`,
		[
			`Bonjour ${n(p.displayName)},`,
			`On vous propose le rôle de ${p.roleLabel} à ${n(p.organisationName)}, sur votre compte ${n(p.instanceName)}.`,
			`Ce rôle ne s’ajoute pas tout seul\u00a0: connectez-vous, puis acceptez-le ou refusez-le dans « Mon compte », avant le ${formatDate(p.expiresAt)}.`
		],
		{ href: p.link, label: 'Voir le rôle proposé' },
		'pending-role',
		'Si vous ne vous attendiez pas à ce message, refusez le rôle et prévenez la coordination de votre département.'
	);
}

/** A role now active on the account, so that its owner knows (issue 11, finding 4). */
export function roleAddedMail(p: { to: string; displayName: string; organisationName: string; roleLabel: string; link: string; instanceName: string }): Mail {
	return plainMail(
		p.to,
		`Nouveau rôle sur votre compte – ${n(p.instanceName)}`,
		[
			`Bonjour ${n(p.displayName)},`,
			`Votre compte ${n(p.instanceName)} a maintenant le rôle de ${p.roleLabel} à ${n(p.organisationName)}.`,
			'Vos rôles sont listés dans « Mon compte ».'
		],
		{ href: p.link, label: 'Mon compte' },
		'role-added',
		'Si ce n’est pas vous qui avez accepté ce rôle, changez votre mot de passe et prévenez la coordination de votre département.'
	);
}

export function passwordResetMail(p: { to: string; displayName: string; link: string; minutes: number; instanceName: string }): Mail {
	const lines = [
		`Bonjour ${n(p.displayName)},`,
		`Vous avez demandé à changer le mot de passe de votre compte ${n(p.instanceName)}.`,
		`Ouvrez ce lien dans les ${p.minutes} minutes pour en choisir un nouveau. Il ne sert qu’une fois.`
	];
	const end = 'Si vous n’avez rien demandé, ignorez ce message\u00a0: votre mot de passe reste le même.';
	return {
		to: p.to,
		subject: `Changer votre mot de passe – ${n(p.instanceName)}`,
		text: [...lines, p.link, end].join('\n\n') + '\n',
		html: html(lines, { href: p.link, label: 'Choisir un nouveau mot de passe' }).replace('</body>', `<p>${escape(end)}</p>\n</body>`),
		template: 'password-reset'
	};
}

export function staleReminderMail(p: { to: string; displayName: string; placeName: string; lastUpdate: string; link: string; instanceName: string }): Mail {
	const [y, m, d] = p.lastUpdate.split('-').map(Number);
	const lines = [
		`Bonjour ${n(p.displayName)},`,
		`La page de « ${n(p.placeName)} » n’a pas été mise à jour depuis le ${formatDate(new Date(Date.UTC(y, m - 1, d, 12)))}.`,
		'Les personnes qui cherchent de l’aide s’y fient\u00a0: vérifiez les horaires, le téléphone et les services proposés, puis enregistrez, même si rien n’a changé.'
	];
	return {
		to: p.to,
		subject: `Votre lieu « ${n(p.placeName)} »\u00a0: vérifiez sa page – ${n(p.instanceName)}`,
		text: [...lines, p.link].join('\n\n') + '\n',
		html: html(lines, { href: p.link, label: 'Vérifier la page du lieu' }),
		template: 'stale-reminder'
	};
}
