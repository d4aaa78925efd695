/**
 * The action's form, shared by « Nouvelle action » and the action's page: what the browser
 * sends, read as the values shown again (every field as typed) and as the use case's input.
 */
import { FUNDING_ROWS, INDICATOR_KEYS, eurosInput, type IndicatorKey } from '#lib/server/strategy/index.ts';

export interface ActionFormValues {
	title: string;
	description: string;
	axisId: string;
	pilotId: string;
	partnerIds: string[];
	wholeDepartment: boolean;
	areaIds: string[];
	epciCodes: string[];
	communes: string;
	budget: string;
	fundings: { funderId: string; amount: string }[];
	/** the indicators ticked */
	indicators: string[];
	/** every indicator's target and date, ticked or not (what was typed stays) */
	targets: Record<string, { target: string; targetDate: string }>;
	dueDate: string;
	status: string;
}

const noTargets = () => Object.fromEntries(INDICATOR_KEYS.map((k) => [k, { target: '', targetDate: '' }]));

export function emptyActionValues(): ActionFormValues {
	return {
		title: '',
		description: '',
		axisId: '',
		pilotId: '',
		partnerIds: [],
		wholeDepartment: false,
		areaIds: [],
		epciCodes: [],
		communes: '',
		budget: '',
		fundings: Array.from({ length: FUNDING_ROWS }, () => ({ funderId: '', amount: '' })),
		indicators: [],
		targets: noTargets(),
		dueDate: '',
		status: 'planned'
	};
}

export function readActionForm(f: FormData): ActionFormValues {
	const text = (k: string) => String(f.get(k) ?? '');
	const targets = noTargets();
	for (const k of INDICATOR_KEYS) targets[k] = { target: text(`target-${k}`), targetDate: text(`targetDate-${k}`) };
	return {
		title: text('title'),
		description: text('description'),
		axisId: text('axisId'),
		pilotId: text('pilotId'),
		partnerIds: f.getAll('partnerIds').map(String),
		wholeDepartment: f.get('wholeDepartment') === 'on',
		areaIds: f.getAll('areaIds').map(String),
		epciCodes: f.getAll('epciCodes').map(String),
		communes: text('communes'),
		budget: text('budget'),
		fundings: Array.from({ length: FUNDING_ROWS }, (_, i) => ({ funderId: text(`funding-${i}-funder`), amount: text(`funding-${i}-amount`) })),
		indicators: f.getAll('indicators').map(String),
		targets,
		dueDate: text('dueDate'),
		status: text('status')
	};
}

/** The values as the use case takes them. */
export function actionInputOf(v: ActionFormValues) {
	const { targets, indicators, ...rest } = v;
	return { ...rest, indicators: indicators.map((key) => ({ key, target: targets[key]?.target ?? '', targetDate: targets[key]?.targetDate ?? '' })) };
}

/** An action as its form shows it, for editing. */
export function actionValues(d: {
	action: {
		title: string;
		description: string;
		axisId: string | null;
		pilotOrganisationId: string;
		partnerOrganisationIds: string[];
		wholeDepartment: boolean;
		areaIds: number[];
		epciCodes: string[];
		budgetCents: number | null;
		dueDate: string;
		status: string;
	};
	communesText: string;
	fundings: { funderId: string; amountCents: number }[];
	indicators: { key: IndicatorKey; target: number | null; targetDate: string | null }[];
}): ActionFormValues {
	const a = d.action;
	const targets = noTargets();
	for (const i of d.indicators) targets[i.key] = { target: i.target === null ? '' : String(i.target).replace('.', ','), targetDate: i.targetDate ?? '' };
	return {
		title: a.title,
		description: a.description,
		axisId: a.axisId ?? '',
		pilotId: a.pilotOrganisationId,
		partnerIds: a.partnerOrganisationIds,
		wholeDepartment: a.wholeDepartment,
		areaIds: a.areaIds.map(String),
		epciCodes: a.epciCodes,
		communes: d.communesText,
		budget: eurosInput(a.budgetCents),
		fundings: Array.from({ length: FUNDING_ROWS }, (_, i) =>
			d.fundings[i] ? { funderId: d.fundings[i].funderId, amount: eurosInput(d.fundings[i].amountCents) } : { funderId: '', amount: '' }
		),
		indicators: d.indicators.map((i) => i.key),
		targets,
		dueDate: a.dueDate,
		status: a.status
	};
}

/** Where the error summary's links go: each field's first input. */
export const ACTION_TARGETS: Record<string, string> = {
	title: 'action-titre',
	description: 'action-description',
	axisId: 'action-axe',
	pilotId: 'action-pilote',
	partnerIds: 'action-partenaires-0',
	areas: 'action-tout',
	areaIds: 'action-territoires-0',
	epciCodes: 'action-epci-0',
	communes: 'action-communes',
	budget: 'action-budget',
	fundings: 'financement-0-financeur',
	indicators: 'indicateur-0',
	dueDate: 'action-echeance',
	status: 'action-etat-0',
	...Object.fromEntries(INDICATOR_KEYS.map((k) => [`target-${k}`, `cible-${k}`]))
};
