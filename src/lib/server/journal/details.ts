/**
 * The journal's details in French (pure): the non-personal facts of an entry as
 * "Label : valeur" lines, beside its sentence (sentences.ts).
 */
import { ALERT_LABELS } from '../pass/index.ts';
import { FIELD_LABELS, frDate, num, status, str } from './words.ts';
import { strategyDetailLines } from './sentences-strategy.ts';
import { trainingDetailLines } from './sentences-trainings.ts';

const CHANNELS: Record<string, string> = { sms: 'SMS', email: 'e-mail', sheet: 'fiche imprimée', link: 'lien', code: 'code' };

/**
 * The details worth reading, as "Label : valeur" lines. Ids are left out (their names are in
 * the sentence); what is not known is shown plainly rather than as JSON.
 */
export function detailLines(action: string, d: Record<string, unknown> | null | undefined): string[] {
	if (!d) return [];
	if (action.startsWith('strategy.')) return strategyDetailLines(action, d);
	if (action.startsWith('training.')) return trainingDetailLines(action, d);
	const out: string[] = [];
	const fields = (v: unknown) => [...new Set((Array.isArray(v) ? v : []).map((x) => FIELD_LABELS[str(x)] ?? str(x)))].join(', ');
	for (const [k, v] of Object.entries(d)) {
		if (v === null || v === undefined || v === '') continue;
		if (/Ids?$/.test(k) || k === 'id' || k === 'voucherIds') continue;
		switch (k) {
			case 'fields':
				if (Array.isArray(v) && v.length) out.push(`Champs modifiés : ${fields(v)}`);
				break;
			case 'filled':
				if (Array.isArray(v) && v.length) out.push(`Champs repris de l’autre dossier : ${fields(v)}`);
				break;
			case 'from':
			case 'to':
				if (action === 'referral.transition') {
					if (k === 'from') out.push(`Statut : ${status(d.from)} → ${status(d.to)}`);
				} else if (action !== 'pass.booklets.entrusted') out.push(`${k === 'from' ? 'De' : 'À'} : ${str(v)}`);
				break;
			case 'agreementRef':
				out.push(`Convention : ${str(v)}`);
				break;
			case 'paymentRef':
				out.push(`Référence du paiement : ${str(v)}`);
				break;
			case 'reason':
				out.push(`Motif : ${v === 'inactive-24-months' ? 'sans activité depuis 24 mois' : str(v)}`);
				break;
			case 'siret':
				out.push(`SIRET : ${str(v).replace(/^(\d{3})(\d{3})(\d{3})(\d{5})$/, '$1 $2 $3 $4')}`);
				break;
			case 'scope':
				if (Array.isArray(v)) out.push(`Ce que la personne accepte de partager : ${v.length} ${v.length > 1 ? 'catégories' : 'catégorie'}`);
				break;
			case 'method':
				out.push(`Recueilli : ${({ signature: 'par signature sur place', oral: 'oralement', sms: 'par SMS' } as Record<string, string>)[str(v)] ?? str(v)}`);
				break;
			case 'channel':
			case 'by':
				out.push(`Par : ${CHANNELS[str(v)] ?? str(v)}`);
				break;
			case 'format':
				out.push(`Format : ${str(v)}`);
				break;
			case 'date':
				out.push(`Date : ${str(v)}`);
				break;
			case 'durationMinutes':
				out.push(`Durée : ${num(v)} min`);
				break;
			case 'recipients':
				out.push(`Destinataires : ${num(v)}`);
				break;
			case 'merged':
				out.push(`Doublons fusionnés : ${num(v)}`);
				break;
			case 'error':
				out.push(`Raison : ${str(v)}`);
				break;
			case 'admin':
				if (v === true) out.push('Avec les droits d’administration de l’instance');
				break;
			case 'pending':
				if (v === true) out.push('En attente de la réponse de la personne');
				break;
			case 'alerts':
				if (Array.isArray(v) && v.length) out.push(`Alertes : ${v.map((a) => ALERT_LABELS[str(a)] ?? str(a)).join(', ')}`);
				break;
			case 'mfa':
				out.push(v ? 'Double authentification : oui' : 'Double authentification : non');
				break;
			case 'until':
				// the stored day is the reopening day (the page: « jusqu’au 19 décembre 2026 inclus, rouvre le 20 »)
				out.push(`Réouverture\u00a0: ${frDate(str(v))}`);
				break;
			case 'mergedName':
				out.push(`Lieu fusionné\u00a0: ${str(v)}`);
				break;
			case 'sourcesMoved':
				out.push(`Sources rattachées\u00a0: ${num(v)}`);
				break;
			case 'placeCount':
				if (typeof v === 'number' && v > 1) out.push(`Lieux\u00a0: ${num(v)}`);
				break;
			case 'lines':
				out.push(`Lignes du fichier\u00a0: ${num(v)}`);
				break;
			case 'answer':
				out.push(`Réponse\u00a0: ${str(v)}`);
				break;
			case 'answered':
				out.push(v ? 'Réponse envoyée à l’auteur du signalement' : 'Sans réponse (pas d’adresse laissée)');
				break;
			case 'reminder':
				out.push(`Relance n° ${num(v)}`);
				break;
			case 'withEmail':
				// error_report.created: the reporter's own address, left for an answer (not the place's)
				out.push(v ? 'La personne a laissé une adresse e-mail pour la réponse' : 'Sans adresse e-mail pour la réponse');
				break;
			case 'how':
				// error_report.resolved: what the coordinator did from the report
				if (v === 'corrected') out.push('Réglé en corrigeant la fiche du lieu');
				else if (v === 'closed') out.push('Réglé en fermant le lieu');
				break;
			// already in the sentence, or technical
			case 'event':
			case 'viaLink':
			case 'role':
			case 'kind':
			case 'count':
			case 'vouchers':
			case 'booklets':
			case 'first':
			case 'last':
			case 'file':
			case 'created':
			case 'updated':
			case 'rejected':
			case 'amountCents':
			case 'shareCents':
			case 'totalCents':
			case 'faceValueCents':
			case 'activated':
			case 'month':
			case 'statements':
			case 'daysBefore':
			case 'participants':
			case 'sessions':
			case 'rows':
			case 'found':
			case 'state':
			case 'name':
			case 'shares':
			case 'linked':
			case 'withReferral':
			case 'acr':
			case 'providerMfa':
			case 'existingAccount':
			case 'via':
			case 'day':
			case 'version':
			case 'links':
			case 'minutes':
			case 'failures':
			case 'filters':
			case 'correctionOf':
			case 'replaces':
			case 'import': // issue 12: in the sentence, or values kept for the record (the journal's CSV has them)
			case 'byHand':
			case 'changes':
			case 'choices':
			case 'before':
			case 'record':
			case 'structures':
			case 'places':
			case 'members':
			case 'delivery':
				break;
			default:
				if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
					out.push(`${k} : ${typeof v === 'boolean' ? (v ? 'oui' : 'non') : str(v)}`);
		}
	}
	return out;
}
