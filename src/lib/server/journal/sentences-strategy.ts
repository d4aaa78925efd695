/**
 * The strategy's actions in French (issue 16, item 6): the roadmap's actions and axes, the
 * steering committees' meetings and decisions. The names come in the details (an action's
 * title, an axis's label, a meeting's kind and day): they stay readable once the row is
 * deleted. Part of ACTIONS (sentences.ts).
 */
import { DECISION_STATUS_LABELS, STATUS_LABELS, type DecisionStatus, type ShownStatus } from '../strategy/index.ts';
import type { ActionText } from './sentences.ts';
import { de, frDate, str } from './words.ts';

const action = (d: Record<string, unknown>) => (typeof d.title === 'string' ? `l’action « ${d.title} »` : 'une action de la feuille de route');
const axis = (v: unknown) => (typeof v === 'string' ? `l’axe « ${v} »` : 'un axe');
const MEETINGS: Record<string, [the: string, of: string]> = {
	copil: ['le comité de pilotage', 'du comité de pilotage'],
	cotech: ['le comité technique', 'du comité technique'],
	pleniere: ['la réunion plénière', 'de la réunion plénière'],
	groupe_travail: ['le groupe de travail', 'du groupe de travail'],
	autre: ['la réunion', 'de la réunion']
};
const when = (d: Record<string, unknown>) => (typeof d.heldOn === 'string' ? ` du ${frDate(d.heldOn)}` : '');
/** « le comité de pilotage du 7 décembre 2026 »; `of`: « du comité de pilotage du 7 décembre 2026 » */
const meeting = (d: Record<string, unknown>, of = false) => `${(MEETINGS[str(d.kind)] ?? MEETINGS.autre)[of ? 1 : 0]}${when(d)}`;
const actionStatus = (v: unknown) => STATUS_LABELS[str(v) as ShownStatus]?.toLowerCase() ?? str(v);
const decisionStatus = (v: unknown) => DECISION_STATUS_LABELS[str(v) as DecisionStatus]?.toLowerCase() ?? str(v);

export const STRATEGY_ACTIONS: Record<string, ActionText> = {
	'strategy.action.created': { label: 'Action de la feuille de route créée', say: (f) => `${f.actor} a ajouté ${action(f.d)} à la feuille de route` },
	'strategy.action.updated': {
		label: 'Action de la feuille de route modifiée',
		say: (f) =>
			f.d.to ? `${f.actor} a fait passer ${action(f.d)} de « ${actionStatus(f.d.from)} » à « ${actionStatus(f.d.to)} »` : `${f.actor} a modifié ${action(f.d)}`
	},
	'strategy.action.deleted': { label: 'Action de la feuille de route supprimée', say: (f) => `${f.actor} a supprimé ${action(f.d)} de la feuille de route` },
	'strategy.action.noted': {
		label: 'Point d’avancement d’une action',
		say: (f) => `${f.actor} a noté l’avancement ${de(action(f.d))}${typeof f.d.notedOn === 'string' ? ` au ${frDate(f.d.notedOn)}` : ''}`
	},
	'strategy.axis.created': { label: 'Axe de la feuille de route créé', say: (f) => `${f.actor} a créé ${axis(f.d.label)} de la feuille de route` },
	'strategy.axis.renamed': { label: 'Axe de la feuille de route renommé', say: (f) => `${f.actor} a renommé ${axis(f.d.from)} en « ${str(f.d.label)} »` },
	'strategy.axis.deleted': { label: 'Axe de la feuille de route supprimé', say: (f) => `${f.actor} a supprimé ${axis(f.d.label)} de la feuille de route` },
	'strategy.meeting.created': { label: 'Réunion de pilotage créée', say: (f) => `${f.actor} a créé ${meeting(f.d)}` },
	'strategy.meeting.updated': { label: 'Réunion de pilotage modifiée', say: (f) => `${f.actor} a modifié ${meeting(f.d)}` },
	'strategy.meeting.deleted': { label: 'Réunion de pilotage supprimée', say: (f) => `${f.actor} a supprimé ${meeting(f.d)}` },
	'strategy.decision.recorded': {
		label: 'Décision de comité enregistrée',
		say: (f) => `${f.actor} a enregistré une décision ${meeting(f.d, true)}${f.d.organisationId ? `, portée par ${f.organisation}` : ''}`
	},
	'strategy.decision.updated': {
		label: 'Suivi d’une décision de comité',
		say: (f) => `${f.actor} a fait passer une décision de comité de « ${decisionStatus(f.d.from)} » à « ${decisionStatus(f.d.to)} »`
	},
	'strategy.decision.deleted': { label: 'Décision de comité supprimée', say: (f) => `${f.actor} a supprimé une décision de comité` }
};

/** The strategy's fields, as the forms name them. */
const FIELDS: Record<string, string> = {
	title: 'titre',
	description: 'description',
	axisId: 'axe',
	pilotOrganisationId: 'pilote',
	partnerOrganisationIds: 'co-partenaires',
	wholeDepartment: 'territoires',
	areaIds: 'territoires',
	epciCodes: 'territoires',
	communeCodes: 'territoires',
	budgetCents: 'budget',
	fundings: 'financements',
	indicators: 'indicateurs suivis',
	dueDate: 'échéance',
	status: 'état',
	kind: 'type de réunion',
	heldOn: 'date',
	startTime: 'heure',
	mode: 'sur place ou en visio',
	location: 'lieu',
	presentOrganisationIds: 'structures présentes',
	agenda: 'ordre du jour',
	minutes: 'compte rendu'
};

/** The details of a strategy entry, in French: what changed, the due date; the names are in the sentence. */
export function strategyDetailLines(action: string, d: Record<string, unknown>): string[] {
	const out: string[] = [];
	if (Array.isArray(d.fields) && d.fields.length) out.push(`Champs modifiés\u00a0: ${[...new Set(d.fields.map((f) => FIELDS[str(f)] ?? str(f)))].join(', ')}`);
	if (typeof d.dueDate === 'string') out.push(`Échéance\u00a0: ${frDate(d.dueDate)}`);
	if (action === 'strategy.action.created' && typeof d.status === 'string') out.push(`État\u00a0: ${actionStatus(d.status)}`);
	return out;
}
