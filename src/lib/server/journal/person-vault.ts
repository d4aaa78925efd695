/**
 * The vault's and the mandates' lines of the person's own journal (issue 15), said to them:
 * every deposit, read, download, share, refusal and the counter's presence; every step of a
 * mandate and each use. Part of PERSON_SENTENCES (person.ts).
 */
import { VAULT_CATEGORIES } from '../../text/vault-categories.ts';
import type { PersonFacts, PersonSentence } from './person.ts';
import { str } from './words.ts';

const has = (f: PersonFacts) => (f.you ? 'Vous avez' : `${f.who} a`);
const CATEGORY: Readonly<Record<string, string>> = VAULT_CATEGORIES;
const day = (v: unknown) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v.split('-').reverse().join('/') : 'la fin de l’orientation');
const cat = (f: PersonFacts) => (CATEGORY[str(f.d.category)] ? ` (« ${CATEGORY[str(f.d.category)]} »)` : '');

export const VAULT_PERSON_SENTENCES: Record<string, PersonSentence> = {
	'vault.document_added': (f) => `${has(f)} ajouté un document à votre coffre${cat(f)}`,
	'vault.document_viewed': (f) => `${has(f)} consulté un document de votre coffre${cat(f)}`,
	'vault.document_downloaded': (f) => `${has(f)} téléchargé un document de votre coffre${cat(f)}`,
	'vault.document_deleted': (f) => `${has(f)} supprimé un document de votre coffre${cat(f)}`,
	'vault.access_refused': (f) => `${f.who} a essayé d’ouvrir un document de votre coffre sans votre accord\u00a0: l’accès a été refusé`,
	'vault.shared': (f) =>
		f.d.referralId
			? f.you
				? `Vous avez joint un document de votre coffre à votre orientation vers ${f.place}`
				: `${f.who} a joint un document de votre coffre à votre orientation vers ${f.place}, avec votre accord, au guichet`
			: `Vous avez partagé des documents de votre coffre avec ${f.organisation}`,
	'vault.share_revoked': (f) =>
		f.you
			? 'Vous avez arrêté un partage de documents'
			: f.d.referralId
				? `${f.place} ne voit plus votre document\u00a0: votre orientation est terminée`
				: `${f.who} a arrêté un partage de vos documents`,
	'vault.share_extended': (f) => `${f.place} a accepté votre orientation\u00a0: le lieu voit vos documents jusqu’au ${day(f.d.until)}`,
	'vault.presence_asked': (f) => `${f.who} vous a envoyé un code pour ouvrir votre coffre avec vous`,
	'vault.opened_with_person': (f) => `${f.who} a ouvert votre coffre avec vous, grâce à votre code`,
	'vault.presence_closed': (f) => `${f.who} a refermé votre coffre`,
	'vault.exported': () => 'Vous avez téléchargé tout votre coffre',
	'vault.closed': () => 'Vous avez fermé votre coffre\u00a0: vos documents et leur clé ont été détruits',
	'vault.integrity_failed': () => 'Le contrôle a trouvé un document abîmé dans votre coffre',
	'vault.reminder_contact_set': (f) =>
		f.d.organisationId
			? `Vous avez choisi qu’un professionnel de ${f.organisation} soit prévenu aussi avant la fin de validité d’un document${cat(f)}`
			: `Vous avez choisi que personne d’autre que vous ne soit prévenu avant la fin de validité d’un document${cat(f)}`,
	'vault.expiry_reminder_sent': (f) => `Nous vous avons prévenu(e) qu’un document de votre coffre ne sera plus valable dans ${str(f.d.days)} jours`,
	'vault.document_requested': (f) => `${f.who} vous a demandé un document`,
	'vault.request_provided': (f) =>
		f.you
			? `Vous avez envoyé le document demandé par ${f.organisation}`
			: `${f.who} a partagé avec ${f.organisation} le document demandé, avec votre accord, au guichet`,
	'vault.request_cancelled': (f) => `${f.who} a retiré sa demande de document`,
	'mandate.prepared': (f) => `${f.who} a préparé un mandat pour faire des démarches pour vous`,
	'mandate.code_sent': (f) => `${f.who} vous a envoyé un code pour confirmer un mandat`,
	'mandate.signed': (f) => `Vous avez donné un mandat à ${f.organisation} (confirmé auprès de ${f.who})`,
	'mandate.cancelled': (f) => `${f.who} a abandonné un mandat que vous n’aviez pas confirmé`,
	'mandate.theme_revoked': (f) => (f.you ? 'Vous avez retiré un domaine d’un de vos mandats' : `${f.who} a retiré un domaine d’un de vos mandats`),
	'mandate.revoked': (f) => (f.you ? 'Vous avez mis fin à un mandat' : `${f.who} a mis fin à un de vos mandats`),
	'mandate.used': (f) =>
		str(f.d.kind) === 'accompaniment'
			? `${f.who} vous a accompagné(e) au titre de votre mandat`
			: str(f.d.kind) === 'vault'
				? `${f.who} a utilisé votre coffre au titre de votre mandat`
				: `${f.who} a fait une démarche pour vous, au titre de votre mandat`,
	'mandate.attestation_printed': (f) => `${f.who} a imprimé l’attestation de votre mandat`,
	'mandate.reminded': () => 'Nous vous avons prévenu(e) qu’un de vos mandats se termine bientôt'
};
