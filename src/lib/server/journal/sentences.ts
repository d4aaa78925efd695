/**
 * The journal in French (issue 12, item 13): every action written to the journal, as a
 * sentence ("Camille Martin a accepté l'orientation d'une personne vers Médiathèque de
 * Nérac (Nérac)") and as a short label for the filter list. ONE table for every action:
 * sentences.test.ts greps the code for the actions it journals and fails when one has no
 * entry here. Pure: the names come resolved (readable.ts), a person's name only when the
 * viewer may see it ("une personne" otherwise).
 */
import { ALERT_LABELS } from '../pass/index.ts';
import { monthLabel } from '../../components/format.ts';
import { VAULT_ACTIONS } from './sentences-vault.ts';
import { STRATEGY_ACTIONS } from './sentences-strategy.ts';
import { TRAINING_ACTIONS } from './sentences-trainings.ts';
import { EQUIPMENT_ACTIONS } from './sentences-equipment.ts';
import { capital, de, fieldList, frDate, money, num, plural, role, status, str } from './words.ts';

/** What a sentence is made of: names, never ids. */
export interface Facts {
	/** who acted, as the subject of the sentence: "Camille Martin", "Le traitement automatique", "La personne" */
	actor: string;
	/** the target, by its name: a professional, a structure, "Médiathèque de Nérac (Nérac)", "la campagne « Pass 2026 »" */
	target: string;
	/** the person concerned: their name where the viewer may see it, else "une personne" */
	person: string;
	/** the place concerned (the target's, the referral's, the details'), "un lieu" when unknown */
	place: string;
	/** the structure of the details (organisation, funder, receiving organisation), "une structure" when unknown */
	organisation: string;
	/** a professional named in the details (the one warned…), "un professionnel" when unknown */
	user: string;
	/** the entry's details (non-personal: fields changed, a role, a count) */
	d: Record<string, unknown>;
}

export interface ActionText {
	/** short, for the filter list: "Orientation envoyée" */
	label: string;
	say: (f: Facts) => string;
}

/** How the person signed in to their space ('person.signed_in' details.by). */
export const SIGN_IN_WAYS: Record<string, string> = {
	code: 'avec un code reçu par SMS ou e-mail',
	link: 'avec un lien',
	passkey: 'avec une clé d’accès',
	recovery: 'avec un code de sa feuille de secours'
};

const REFERRAL_EVENTS: Record<string, string> = {
	study: 'a mis à l’étude',
	accept: 'a accepté',
	decline: 'a refusé',
	honour: 'a marqué comme honorée',
	no_show: 'a marqué « personne non venue »',
	expire: 'a clos faute de réponse',
	withdraw: 'a retiré'
};

/** Every action the code journals → its label and its sentence. */
export const ACTIONS: Record<string, ActionText> = {
	// ——— accounts and sessions ———
	'session.password_ok': { label: 'Mot de passe saisi', say: (f) => `${f.actor} a saisi son mot de passe` },
	'session.second_factor_ok': { label: 'Connexion avec le code de vérification', say: (f) => `${f.actor} s’est connecté·e avec son code de vérification` },
	'session.recovery_code_used': { label: 'Connexion avec un code de secours', say: (f) => `${f.actor} s’est connecté·e avec un code de secours` },
	'session.oidc_ok': { label: 'Connexion avec ProConnect', say: (f) => `${f.actor} s’est connecté·e avec ProConnect` },
	'session.oidc_failed': { label: 'Connexion ProConnect échouée', say: () => 'Une connexion avec ProConnect a échoué' },
	'session.logout': { label: 'Déconnexion', say: (f) => `${f.actor} s’est déconnecté·e` },
	'session.logout_everywhere': {
		label: 'Déconnexion de tous les appareils',
		say: (f) => `${f.actor} s’est déconnecté·e de tous ses appareils (${plural(f.d.sessions, 'session', 'sessions')})`
	},
	'user.created': { label: 'Compte créé', say: (f) => (f.actor === f.target ? `${f.actor} a créé son compte` : `${f.actor} a créé le compte de ${f.target}`) },
	'user.deactivated': { label: 'Compte désactivé', say: (f) => `${f.actor} a désactivé le compte de ${f.target}` },
	'user.reactivated': { label: 'Compte réactivé', say: (f) => `${f.actor} a réactivé le compte de ${f.target}` },
	'user.password_changed': { label: 'Mot de passe changé', say: (f) => `${f.actor} a changé son mot de passe` },
	'user.password_reset_requested': {
		label: 'Réinitialisation du mot de passe demandée',
		say: (f) => `Une réinitialisation du mot de passe de ${f.target} a été demandée`
	},
	'user.password_reset': { label: 'Mot de passe réinitialisé', say: (f) => `Le mot de passe de ${f.target} a été réinitialisé par le lien reçu par e-mail` },
	'user.totp_enrolled': { label: 'Double authentification activée', say: (f) => `${f.actor} a activé la double authentification` },
	'user.oidc_linked': { label: 'Compte relié à ProConnect', say: (f) => `${f.actor} a relié son compte à ProConnect` },
	'user.demo_credentials_set': { label: 'Identifiants de démonstration', say: (f) => `${f.actor} a donné des identifiants de démonstration à ${f.target}` },
	'membership.added': { label: 'Rôle donné', say: (f) => `${f.actor} a donné le rôle ${role(f.d.role)} à ${f.target} dans ${f.organisation}` },
	'membership.removed': { label: 'Rôle retiré', say: (f) => `${f.actor} a retiré le rôle ${role(f.d.role)} à ${f.target} dans ${f.organisation}` },
	'membership.self_grant_refused': {
		label: 'Rôle donné à soi-même : refusé',
		say: (f) => `${f.actor} a tenté d’accepter un rôle qu’il ou elle s’était donné : refusé`
	},
	'invitation.created': {
		label: 'Invitation envoyée',
		say: (f) => `${f.actor} a invité ${f.target} à rejoindre ${f.organisation} avec le rôle ${role(f.d.role)}`
	},
	'invitation.accepted': {
		label: 'Invitation acceptée',
		say: (f) => `${f.actor} a accepté l’invitation à rejoindre ${f.organisation} avec le rôle ${role(f.d.role)}`
	},
	'invitation.declined': { label: 'Rôle proposé refusé', say: (f) => `${f.actor} a refusé le rôle ${role(f.d.role)} dans ${f.organisation}` },
	'invitation.revoked': { label: 'Invitation annulée', say: (f) => `${f.actor} a annulé l’invitation de ${f.target}` },
	'organisation.created': { label: 'Structure créée', say: (f) => `${f.actor} a créé la structure ${f.target}` },
	'organisation.updated': { label: 'Structure modifiée', say: (f) => `${f.actor} a modifié la structure ${f.target}` },
	'organisation.deactivated': { label: 'Structure désactivée', say: (f) => `${f.actor} a désactivé la structure ${f.target}` },
	'organisation.reactivated': { label: 'Structure réactivée', say: (f) => `${f.actor} a réactivé la structure ${f.target}` },
	'instance.settings_updated': { label: 'Réglages de l’instance modifiés', say: (f) => `${f.actor} a modifié les réglages de l’instance` },
	'journal.exported': { label: 'Journal exporté', say: (f) => `${f.actor} a exporté le journal (${plural(f.d.rows, 'ligne', 'lignes')})` },

	// ——— places ———
	'places.imported': {
		label: 'Lieux importés',
		say: (f) =>
			`${f.actor} a importé le fichier « ${str(f.d.file)} » : ${plural(f.d.created, 'lieu créé', 'lieux créés')}, ${plural(f.d.updated, 'mis à jour', 'mis à jour')}, ${plural(f.d.rejected, 'ligne refusée', 'lignes refusées')}`
	},
	'place.updated': { label: 'Page d’un lieu modifiée', say: (f) => `${f.actor} a modifié la page de ${f.target}` },
	'place.claimed': { label: 'Gestion d’un lieu demandée', say: (f) => `${f.actor} a demandé à gérer ${f.target} pour ${f.organisation}` },
	'place.claim_approved': { label: 'Demande de gestion acceptée', say: (f) => `${f.actor} a accepté que ${f.organisation} gère ${f.target}` },
	'place.claim_rejected': { label: 'Demande de gestion refusée', say: (f) => `${f.actor} a refusé que ${f.organisation} gère ${f.target}` },
	'place.reminder_sent': { label: 'Rappel de mise à jour envoyé', say: (f) => `${f.actor} a rappelé aux responsables de ${f.target} de mettre sa page à jour` },
	'error_report.created': { label: 'Erreur signalée sur un lieu', say: (f) => `${f.actor} a signalé une erreur sur la page de ${f.place}` },
	'error_report.resolved': { label: 'Signalement traité', say: (f) => `${f.actor} a traité un signalement d’erreur sur ${f.place}` },
	'error_report.rejected': {
		label: 'Signalement rejeté',
		say: (f) => `${f.actor} a rejeté un signalement d’erreur sur ${f.place}${f.d.answered ? ', avec une réponse envoyée à son auteur' : ''}`
	},
	'place.corrected': { label: 'Lieu corrigé', say: (f) => `${f.actor} a corrigé ${f.target} (${fieldList(f.d.fields)})` },
	'place.source_value_taken': {
		label: 'Valeur de la source reprise',
		say: (f) => `${f.actor} a repris la valeur de la source pour ${f.target} (${fieldList(f.d.fields)})`
	},
	'place.closed': {
		label: 'Lieu fermé',
		say: (f) =>
			f.d.kind === 'permanent'
				? `${f.actor} a indiqué que ${f.target} a fermé définitivement`
				: `${f.actor} a fermé ${f.target} temporairement${typeof f.d.until === 'string' ? ` jusqu’à sa réouverture le ${frDate(f.d.until)}` : ''}`
	},
	'place.reopened': { label: 'Lieu rouvert', say: (f) => `${f.actor} a rouvert ${f.target}` },
	'place.created': { label: 'Lieu créé', say: (f) => `${f.actor} a créé ${f.target}` },
	'place.merged': { label: 'Lieux fusionnés', say: (f) => `${f.actor} a fusionné « ${str(f.d.mergedName)} » dans ${f.target}` },
	'organisation.place_linked': { label: 'Lieu rattaché à une structure', say: (f) => `${f.actor} a rattaché ${f.target} à ${f.organisation}` },
	'organisation.imported': {
		label: 'Réseau importé (CSV)',
		say: (f) => `${f.actor} a importé un fichier de ${plural(f.d.lines, 'ligne', 'lignes')} (structures, lieux et membres)`
	},
	'organisation.contacts_invited': {
		label: 'Contact d’un lieu invité comme responsable',
		say: (f) =>
			typeof f.d.placeCount === 'number' && f.d.placeCount > 1
				? `${f.actor} a invité le contact de ${num(f.d.placeCount)} lieux comme responsable`
				: `${f.actor} a invité le contact de ${f.target} comme responsable`
	},
	'invitation.reminded': {
		label: 'Invitation relancée',
		say: (f) => `${f.d.byHand ? f.actor : 'Le traitement automatique'} a relancé l’invitation à rejoindre ${f.organisation}`
	},
	'session.ended': { label: 'Session d’un appareil fermée', say: (f) => `${f.actor} a fermé une de ses sessions sur un autre appareil` },
	'accompaniment.exported': {
		label: 'Accompagnements exportés',
		say: (f) =>
			`${f.actor} a exporté ${plural(f.d.rows, 'accompagnement', 'accompagnements')} ${
				f.d.format === 'coop-csv' ? 'au format de la Coop (CSV)' : f.d.format === 'coop-json' ? 'au format de la Coop (JSON)' : 'en CSV'
			}`
	},
	'accompaniment.imported': {
		label: 'Accompagnements importés',
		say: (f) =>
			`${f.actor} a importé ${plural(f.d.created, 'accompagnement', 'accompagnements')} depuis la Coop de la médiation numérique (${plural(f.d.duplicates, 'déjà présent', 'déjà présents')})`
	},

	// ——— the people helped ———
	'beneficiary.created': { label: 'Dossier créé', say: (f) => `${f.actor} a créé le dossier ${de(f.person)}` },
	'beneficiary.updated': { label: 'Dossier modifié', say: (f) => `${f.actor} a modifié le dossier ${de(f.person)}` },
	'beneficiary.viewed': { label: 'Dossier consulté', say: (f) => `${f.actor} a consulté le dossier ${de(f.person)}` },
	'beneficiary.exported': { label: 'Dossier exporté', say: (f) => `${f.actor} a exporté le dossier ${de(f.person)}` },
	'beneficiary.merged': { label: 'Dossiers fusionnés', say: (f) => `${f.actor} a fusionné deux dossiers en celui ${de(f.person)}` },
	'beneficiary.erased': { label: 'Dossier effacé', say: (f) => `${f.actor} a effacé le dossier ${de(f.person)}` },
	'beneficiary.anonymised': { label: 'Dossier anonymisé', say: (f) => `${f.actor} a anonymisé le dossier ${de(f.person)}, sans activité depuis 24 mois` },
	'assessment.recorded': { label: 'Diagnostic enregistré', say: (f) => `${f.actor} a enregistré un diagnostic pour ${f.person}` },
	'consent.recorded': {
		label: 'Consentement enregistré',
		say: (f) => `${f.actor} a enregistré le consentement ${de(f.person)}${f.d.withOrganisationId ? ` à partager son dossier avec ${f.organisation}` : ''}`
	},
	'consent.withdrawn': { label: 'Consentement retiré', say: (f) => `${f.actor} a enregistré le retrait du consentement ${de(f.person)}` },
	'consent.requested': { label: 'Accord demandé par SMS', say: (f) => `${f.actor} a demandé par SMS l’accord ${de(f.person)}` },
	'consent.request_resent': { label: 'Demande d’accord renvoyée', say: (f) => `${f.actor} a renvoyé à ${f.person} la demande d’accord par SMS` },
	'consent.request_cancelled': { label: 'Demande d’accord annulée', say: (f) => `${f.actor} a annulé la demande d’accord par SMS envoyée à ${f.person}` },
	'consent.confirmed': { label: 'Accord donné par SMS', say: (f) => `${capital(f.person)} a donné son accord par SMS` },
	'consent.refused': { label: 'Accord refusé par SMS', say: (f) => `${capital(f.person)} a refusé par SMS de donner son accord` },
	'consent.expired': { label: 'Demande d’accord expirée', say: (f) => `La demande d’accord par SMS envoyée à ${f.person} a expiré sans réponse` },
	'person.code_sent': { label: 'Code demandé par la personne', say: (f) => `${capital(f.person)} a demandé un code pour voir ses orientations` },
	'person.signed_in': {
		label: 'Personne connectée à son espace',
		say: (f) => `${capital(f.person)} s’est connecté·e à son espace ${SIGN_IN_WAYS[str(f.d.by)] ?? 'avec un code'}`
	},
	'person.passkey_added': { label: 'Clé d’accès ajoutée par la personne', say: (f) => `${capital(f.person)} a ajouté une clé d’accès à son espace` },
	'person.passkey_removed': { label: 'Clé d’accès supprimée par la personne', say: (f) => `${capital(f.person)} a supprimé une clé d’accès de son espace` },
	'person.recovery_sheet_issued': {
		label: 'Feuille de secours imprimée',
		say: (f) => `${capital(f.person)} a imprimé une nouvelle feuille de codes de secours (l’ancienne ne marche plus)`
	},
	'person.sessions_ended': {
		label: 'Connexions fermées par la personne',
		say: (f) => `${capital(f.person)} a fermé ${plural(f.d.sessions, 'connexion ouverte', 'connexions ouvertes')} à son espace`
	},
	'person.link_used': { label: 'Lien de la personne utilisé', say: (f) => `${capital(f.person)} a ouvert ses orientations par son lien` },
	'person.link_issued': { label: 'Lien remis à la personne', say: (f) => `${f.actor} a remis à ${f.person} un lien vers ses orientations` },
	'person.links_revoked': { label: 'Liens de la personne désactivés', say: (f) => `${f.actor} a désactivé les liens ${de(f.person)} vers ses orientations` },
	// ——— mandates (issue 15): a structure acting for a person ———
	'mandate.prepared': { label: 'Mandat préparé', say: (f) => `${f.actor} a préparé un mandat ${de(f.person)} pour ${f.organisation}` },
	'mandate.cancelled': { label: 'Mandat abandonné', say: (f) => `${f.actor} a abandonné un mandat ${de(f.person)} pas encore confirmé` },
	'mandate.code_sent': {
		label: 'Code de mandat envoyé',
		say: (f) => `${f.actor} a envoyé à ${f.person} un code ${f.d.channel === 'email' ? 'par e-mail' : 'par SMS'} pour confirmer un mandat`
	},
	'mandate.signed': {
		label: 'Mandat confirmé',
		say: (f) =>
			`${capital(f.person)} a donné un mandat à ${f.organisation}${f.d.representative ? ', par son représentant légal' : ''}, ${f.d.method === 'code' ? 'confirmé avec un code devant' : 'confirmé sur l’écran de'} ${f.actor}`
	},
	'mandate.theme_revoked': {
		label: 'Domaine retiré d’un mandat',
		say: (f) => `${f.d.by === 'structure' ? f.actor : capital(f.person)} a retiré un domaine du mandat ${de(f.person)} à ${f.organisation}`
	},
	'mandate.revoked': {
		label: 'Mandat arrêté',
		say: (f) =>
			f.d.by === 'structure'
				? `${f.actor} a arrêté le mandat ${de(f.person)} à ${f.organisation}`
				: `${capital(f.person)} a arrêté son mandat à ${f.organisation}${f.d.by === 'attestation' ? ' depuis la page de l’attestation' : ''}`
	},
	'mandate.attestation_printed': { label: 'Attestation de mandat imprimée', say: (f) => `${f.actor} a imprimé l’attestation du mandat ${de(f.person)}` },
	'mandate.used': { label: 'Mandat utilisé', say: (f) => `${f.actor} a agi pour ${f.person} au titre de son mandat à ${f.organisation}` },
	'mandate.reminded': {
		label: 'Fin de mandat rappelée',
		say: (f) =>
			`Le traitement automatique a rappelé à ${f.person} et à ${f.organisation} que le mandat se termine ${f.d.days ? `dans ${f.d.days} jours` : 'bientôt'}`
	},

	// ——— referrals ———
	'referral.sent': { label: 'Orientation envoyée', say: (f) => `${f.actor} a orienté ${f.person} vers ${f.place}` },
	'referral.viewed': { label: 'Orientation consultée', say: (f) => `${f.actor} a consulté l’orientation ${de(f.person)} vers ${f.place}` },
	'referral.reminded': { label: 'Rappel envoyé au lieu', say: (f) => `Un rappel a été envoyé à ${f.place} pour l’orientation ${de(f.person)}` },
	'referral.transition': {
		label: 'Orientation mise à jour',
		say: (f) => {
			const verb = REFERRAL_EVENTS[str(f.d.event)];
			const who = f.d.viaLink ? `${f.actor}, par le lien reçu,` : f.actor;
			return verb
				? `${who} ${verb} l’orientation ${de(f.person)} vers ${f.place}`
				: `${who} a fait passer l’orientation ${de(f.person)} vers ${f.place} de « ${status(f.d.from)} » à « ${status(f.d.to)} »`;
		}
	},
	'accompaniment.recorded': {
		label: 'Accompagnement enregistré',
		say: (f) =>
			`${f.actor} a enregistré ${f.d.kind === 'collective' ? `un atelier collectif (${plural(f.d.participants, 'participant', 'participants')})` : 'un accompagnement individuel'} à ${f.place}`
	},

	// ——— Pass Numérique ———
	'pass.contribution.recorded': {
		label: 'Contribution au fonds enregistrée',
		say: (f) =>
			f.d.correctionOf
				? `${f.actor} a annulé une contribution de ${f.organisation} au fonds (${money(typeof f.d.amountCents === 'number' ? -f.d.amountCents : null)}), pour la corriger`
				: f.d.replaces
					? `${f.actor} a enregistré le bon montant d’une contribution corrigée de ${f.organisation} au fonds : ${money(f.d.amountCents)}`
					: `${f.actor} a enregistré une contribution de ${f.organisation} au fonds : ${money(f.d.amountCents)}`
	},
	'pass.campaign.created': { label: 'Campagne créée', say: (f) => `${f.actor} a créé ${f.target}` },
	'pass.share.paid': {
		label: 'Part d’un financeur versée',
		say: (f) => `${f.actor} a enregistré le versement de la part de ${f.organisation} (${money(f.d.shareCents)}) pour ${f.target}`
	},
	'pass.campaign.funded': {
		label: 'Campagne financée',
		say: (f) => `${capital(f.target)} est entièrement financée : ${plural(f.d.activated, 'pass activé', 'pass activés')}`
	},
	'pass.booklets.generated': {
		label: 'Carnets créés',
		say: (f) => `${f.actor} a créé les carnets ${num(f.d.first)} à ${num(f.d.last)} (${plural(f.d.vouchers, 'pass', 'pass')}) de ${f.target}`
	},
	'pass.booklets.printed': { label: 'Carnets imprimés', say: (f) => `${f.actor} a imprimé les carnets ${num(f.d.first)} à ${num(f.d.last)} de ${f.target}` },
	'pass.booklets.entrusted': {
		label: 'Carnets confiés',
		say: (f) => `${f.actor} a confié les carnets ${num(f.d.from)} à ${num(f.d.to)} de ${f.target} à ${f.organisation}`
	},
	'pass.vouchers.cancelled': { label: 'Pass annulés', say: (f) => `${f.actor} a annulé ${plural(f.d.count, 'pass', 'pass')} de ${f.target}` },
	'pass.vouchers.distributed': { label: 'Pass remis à une personne', say: (f) => `${f.actor} a remis ${plural(f.d.count, 'pass', 'pass')} à ${f.person}` },
	'pass.voucher.checked': {
		label: 'Code de pass vérifié',
		say: (f) => `${f.actor} a vérifié un code de pass à ${f.place}${f.d.found === false ? ' : code inconnu' : ''}`
	},
	'pass.voucher.redeemed': { label: 'Pass encaissé', say: (f) => `${f.actor} a encaissé un pass de ${money(f.d.faceValueCents)} à ${f.place}` },
	'pass.qualification.granted': { label: 'Lieu habilité au Pass', say: (f) => `${f.actor} a habilité ${f.target} à recevoir le Pass Numérique` },
	'pass.qualification.restored': { label: 'Habilitation rétablie', say: (f) => `${f.actor} a rétabli l’habilitation de ${f.target} au Pass Numérique` },
	'pass.qualification.suspended': { label: 'Habilitation suspendue', say: (f) => `${f.actor} a suspendu l’habilitation de ${f.target} au Pass Numérique` },
	'pass.statements.made': {
		label: 'Relevés mensuels établis',
		say: (f) =>
			`${f.actor} a établi les relevés de ${typeof f.d.month === 'string' ? monthLabel(f.d.month) : 'un mois'} (${plural(f.d.statements, 'relevé', 'relevés')})`
	},
	'pass.statement.paid': { label: 'Relevé payé', say: (f) => `${f.actor} a enregistré le paiement ${de(f.target)} : ${money(f.d.totalCents)}` },
	'pass.vouchers.credited_back': {
		label: 'Pass expirés rendus au fonds',
		say: (f) => `${plural(f.d.count, 'pass expiré a', 'pass expirés ont')} été rendus au fonds`
	},
	'pass.warning.sent': {
		label: 'Rappel d’expiration envoyé',
		say: (f) => `Un rappel a été envoyé à ${f.user} : ${plural(f.d.vouchers, 'pass', 'pass')} de ${f.target} expirent dans ${num(f.d.daysBefore)} jours`
	},
	'pass.alert.raised': { label: 'Alerte levée', say: (f) => `Une alerte a été levée : ${ALERT_LABELS[str(f.d.kind)] ?? 'alerte du Pass Numérique'}` },
	'pass.alert.reviewed': {
		label: 'Alerte examinée',
		say: (f) => `${f.actor} a examiné l’alerte « ${ALERT_LABELS[str(f.d.kind)] ?? 'alerte du Pass Numérique'} »`
	},
	...VAULT_ACTIONS,
	...STRATEGY_ACTIONS,
	...TRAINING_ACTIONS,
	...EQUIPMENT_ACTIONS
};

/** An action no sentence knows yet (never expected: the test checks): said plainly, not as a code. */
export function sentence(action: string, f: Facts): string {
	const t = ACTIONS[action];
	return t ? t.say(f) : `${f.actor} a fait une action non décrite (${action})`;
}

export function actionLabel(action: string): string {
	return ACTIONS[action]?.label ?? action;
}

/** The families of actions, for the filter list (a family filters on the prefix). */
export const FAMILIES: { prefix: string; label: string }[] = [
	{ prefix: 'referral.', label: 'Orientations' },
	{ prefix: 'beneficiary.', label: 'Dossiers des personnes' },
	{ prefix: 'consent.', label: 'Consentements' },
	{ prefix: 'person.', label: 'Accès des personnes à leur espace' },
	{ prefix: 'mandate.', label: 'Mandats' },
	{ prefix: 'assessment.', label: 'Diagnostics' },
	{ prefix: 'accompaniment.', label: 'Accompagnements' },
	{ prefix: 'pass.', label: 'Pass Numérique' },
	{ prefix: 'vault.', label: 'Coffre-fort numérique' },
	{ prefix: 'strategy.', label: 'Stratégie départementale' },
	{ prefix: 'training.', label: 'Formations des aidants' },
	{ prefix: 'equipment.', label: 'Matériel reconditionné' },
	{ prefix: 'place', label: 'Lieux' },
	{ prefix: 'error_report.', label: 'Signalements d’erreurs' },
	{ prefix: 'organisation.', label: 'Structures' },
	{ prefix: 'membership.', label: 'Rôles' },
	{ prefix: 'invitation.', label: 'Invitations' },
	{ prefix: 'user.', label: 'Comptes' },
	{ prefix: 'session.', label: 'Connexions' },
	{ prefix: 'instance.', label: 'Réglages' },
	{ prefix: 'journal.', label: 'Journal' }
];

/** The filter list: each family, then its actions. */
export function actionChoices(): { prefix: string; label: string; actions: { value: string; label: string }[] }[] {
	return FAMILIES.map((fam) => ({
		...fam,
		actions: Object.entries(ACTIONS)
			.filter(([a]) => a.startsWith(fam.prefix) && !FAMILIES.some((o) => o !== fam && o.prefix.length > fam.prefix.length && a.startsWith(o.prefix)))
			.map(([value, t]) => ({ value, label: t.label }))
	}));
}
