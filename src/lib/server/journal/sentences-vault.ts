/**
 * The vault's actions in French (issue 15): deposits, reads, shares, the person present at a
 * counter, integrity, export, crypto-erasure. Read by the coordination's journal and by the
 * person in Mon espace. Part of ACTIONS (sentences.ts).
 */
import { CATEGORIES } from '../vault/index.ts';
import type { ActionText } from './sentences.ts';
import { de, str } from './words.ts';

const cat = (d: Record<string, unknown>) => {
	const c = CATEGORIES[str(d.category) as keyof typeof CATEGORIES];
	return c ? ` (catégorie « ${c} »)` : '';
};
const day = (v: unknown) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v.split('-').reverse().join('/') : 'la fin de l’orientation');
const READ_WHAT: Record<string, string> = { view: 'voir', download: 'télécharger', thumbnail: 'voir' };

export const VAULT_ACTIONS: Record<string, ActionText> = {
	'vault.document_added': { label: 'Document ajouté au coffre', say: (f) => `${f.actor} a ajouté un document au coffre ${de(f.person)}${cat(f.d)}` },
	'vault.document_viewed': { label: 'Document du coffre consulté', say: (f) => `${f.actor} a consulté un document du coffre ${de(f.person)}${cat(f.d)}` },
	'vault.document_downloaded': {
		label: 'Document du coffre téléchargé',
		say: (f) => `${f.actor} a téléchargé un document du coffre ${de(f.person)}${cat(f.d)}`
	},
	'vault.document_deleted': { label: 'Document du coffre supprimé', say: (f) => `${f.actor} a supprimé un document du coffre ${de(f.person)}${cat(f.d)}` },
	'vault.access_refused': {
		label: 'Accès au coffre refusé',
		say: (f) => `${f.actor} a essayé de ${READ_WHAT[str(f.d.what)] ?? 'voir'} un document du coffre ${de(f.person)} sans autorisation\u00a0: accès refusé`
	},
	'vault.shared': {
		label: 'Documents partagés',
		say: (f) =>
			f.d.referralId
				? f.d.personAgreed
					? `${f.actor} a joint un document du coffre ${de(f.person)} à son orientation vers ${f.place}, avec son accord, au guichet`
					: `${f.actor} a joint un document de son coffre à son orientation vers ${f.place}`
				: `${f.actor} a partagé des documents de son coffre avec ${f.organisation}`
	},
	'vault.share_revoked': {
		label: 'Partage de documents arrêté',
		say: (f) =>
			f.d.referralId
				? `Le partage d’un document de ${f.person} avec ${f.place} s’est arrêté avec la fin de son orientation`
				: `${f.actor} a arrêté un partage de documents de son coffre`
	},
	'vault.share_extended': {
		label: 'Partage de documents prolongé',
		say: (f) => `Le partage d’un document ${de(f.person)} avec ${f.place} est prolongé jusqu’au ${day(f.d.until)}\u00a0: le lieu a accepté son orientation`
	},
	'vault.presence_asked': {
		label: 'Code demandé pour ouvrir le coffre',
		say: (f) => `${f.actor} a demandé un code pour ouvrir le coffre ${de(f.person)} avec elle`
	},
	'vault.opened_with_person': {
		label: 'Coffre ouvert avec la personne',
		say: (f) => `${f.actor} a ouvert le coffre ${de(f.person)} avec elle, grâce à son code`
	},
	'vault.presence_closed': { label: 'Coffre refermé', say: (f) => `${f.actor} a refermé le coffre ${de(f.person)}` },
	'vault.exported': { label: 'Coffre exporté', say: (f) => `${f.actor} a téléchargé tout son coffre (${str(f.d.documents)} document(s))` },
	'vault.integrity_failed': {
		label: 'Document du coffre altéré',
		say: (f) => `Le contrôle d’intégrité a trouvé un document du coffre ${de(f.person)} qui ne correspond plus à son empreinte`
	},
	'vault.document_requested': { label: 'Document demandé à la personne', say: (f) => `${f.actor} a demandé un document à ${f.person} pour ${f.organisation}` },
	'vault.request_provided': { label: 'Document demandé fourni', say: (f) => `${f.actor} a fourni le document demandé par ${f.organisation}` },
	'vault.request_cancelled': { label: 'Demande de document retirée', say: (f) => `${f.actor} a retiré une demande de document à ${f.person}` },
	'vault.closed': {
		label: 'Coffre fermé par la personne',
		say: (f) => `${f.actor} a fermé son coffre\u00a0: ses ${str(f.d.documents)} document(s) et sa clé ont été détruits`
	},
	'vault.reminder_contact_set': {
		label: 'Professionnel prévenu de la fin d’un document choisi',
		say: (f) =>
			f.d.organisationId
				? `${f.actor} a choisi qu’un professionnel de ${f.organisation} soit prévenu avant la fin de validité d’un document de son coffre${cat(f.d)}`
				: `${f.actor} a choisi que personne d’autre ne soit prévenu avant la fin de validité d’un document de son coffre${cat(f.d)}`
	},
	'vault.expiry_reminder_sent': {
		label: 'Rappel de fin de validité envoyé',
		say: (f) => `Un rappel a été envoyé à ${f.person}\u00a0: un document de son coffre arrive à la fin de sa validité dans ${str(f.d.days)} jours`
	}
};
