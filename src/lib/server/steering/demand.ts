/**
 * The demand (issue 16, item 3): the assessments (how many, autonomy per axis, the needs
 * said) and the referrals (by origin structure, by the partner behind it, by need, by area
 * of residence), for the period and level asked, masked (docs/decisions/0018). A partner
 * reads what its own structures did.
 */
import type { Database } from '../db/client.ts';
import { can, ORGANISATION_KINDS, type Actor } from '../accounts/index.ts';
import { AUTONOMY_SCALE, AXES, QUESTIONS } from '../assessment/index.ts';
import { DomainError } from '../errors.ts';
import { buildTable, type FactRow } from './figures.ts';
import { byLevel, facts, readerOf, shown, structures, summarise, type Reader, type SteeringSection } from './sections.ts';
import { bars, residenceMap } from './charts.ts';

const NEEDS = QUESTIONS.find((q) => q.id === 'besoin')!.options;
const count = (f: FactRow) => f.n;

export async function demandSections(
	database: Database,
	actor: Actor,
	params: URLSearchParams,
	now = new Date()
): Promise<{ reader: Reader; sections: SteeringSection[] }> {
	const reader = await readerOf(database, actor, params, now);
	if (!can(actor, 'steering.read', { departmentCode: reader.context.query.departmentCode })) throw new DomainError('forbidden', 'Réservé au pilotage.');
	return { reader, sections: await demandOf(database, reader, now) };
}

/** The demand's sections for a reader already allowed (a coordinator or partner above; the open data's reader, the whole network). */
export async function demandOf(database: Database, reader: Reader, now = new Date()): Promise<SteeringSection[]> {
	const yf = await facts(database, reader, ['assessment', 'assessment_axis', 'assessment_need', 'referral_sent', 'referral_need'], true, now);
	const period = reader.context.query.period;
	const scopeNote = reader.scope ? ['Ce que vos structures ont fait (diagnostics réalisés, orientations envoyées par leurs agents).'] : [];

	// assessments
	const assessed = await byLevel(database, reader, yf, {
		id: 'demande-diagnostics-territoire',
		title: 'Diagnostics d’autonomie numérique, par lieu de résidence',
		columns: [{ key: 'diagnostics', label: 'Diagnostics (personnes)', kind: 'persons', of: count }],
		filter: (f) => f.kind === 'assessment',
		kinds: ['assessment'],
		notes: scopeNote
	});
	const levels = [...AUTONOMY_SCALE, ''];
	const autonomy = buildTable(
		{
			id: 'demande-autonomie',
			title: 'Autonomie mesurée au diagnostic, par axe (personnes)',
			rowHeading: 'Niveau',
			rows: levels.map((l) => ({ key: l, label: l || 'Sans réponse' })),
			rowOf: (f) => (f.kind === 'assessment_axis' ? (levels.includes(f.b) ? f.b : '') : null),
			kinds: ['assessment_axis'],
			columns: Object.entries(AXES).map(([k, label]) => ({ key: k, label, kind: 'persons' as const, of: (f: FactRow) => (f.a === k ? f.n : 0) })),
			additive: true
		},
		yf,
		period
	);
	const needs = buildTable(
		{
			id: 'demande-besoins',
			title: 'Besoins exprimés au diagnostic (plusieurs réponses possibles)',
			rowHeading: 'Besoin',
			rows: NEEDS.map((o) => ({ key: o.value, label: o.label })),
			rowOf: (f) => (f.kind === 'assessment_need' ? f.a : null),
			kinds: ['assessment_need'],
			columns: [{ key: 'personnes', label: 'Personnes', kind: 'persons', of: count }],
			additive: false
		},
		yf,
		period
	);

	// referrals
	const orgIds = [...new Set(yf.rows.filter((f) => f.kind === 'referral_sent').map((f) => f.org))];
	const orgs = await structures(database, reader.context.query.departmentCode, orgIds);
	const named = orgs.filter((o) => orgIds.includes(o.id));
	const byStructure = buildTable(
		{
			id: 'demande-orientations-structure',
			title: 'Orientations envoyées, par structure d’origine',
			rowHeading: 'Structure',
			rows: named.map((o) => ({ key: o.id, label: o.partner ? `${o.name} (partenaire)` : o.name })),
			rowOf: (f) => (f.kind === 'referral_sent' ? f.org : null),
			kinds: ['referral_sent'],
			columns: [{ key: 'orientations', label: 'Orientations (personnes)', kind: 'persons', of: count }],
			additive: true,
			notes: ['« Partenaire »\u00a0: une structure partenaire de la stratégie départementale (CAF, MSA, CPAM…), dont les agents orientent.']
		},
		yf,
		period
	);
	const kinds = Object.keys(ORGANISATION_KINDS) as (keyof typeof ORGANISATION_KINDS)[];
	const kindOf = new Map(orgs.map((o) => [o.id, o.kind]));
	const byKind = buildTable(
		{
			id: 'demande-orientations-type',
			title: 'Orientations envoyées, par type de structure d’origine',
			rowHeading: 'Type de structure',
			rows: kinds.map((k) => ({ key: k, label: ORGANISATION_KINDS[k] })),
			rowOf: (f) => (f.kind === 'referral_sent' ? (kindOf.get(f.org) ?? 'autre') : null),
			kinds: ['referral_sent'],
			columns: [{ key: 'orientations', label: 'Orientations (personnes)', kind: 'persons', of: count }],
			additive: true
		},
		yf,
		period
	);
	const byNeed = buildTable(
		{
			id: 'demande-orientations-besoin',
			title: 'Orientations envoyées, par besoin (du diagnostic joint\u00a0; plusieurs possibles)',
			rowHeading: 'Besoin',
			rows: [...NEEDS.map((o) => ({ key: o.value, label: o.label })), { key: 'non_precise', label: 'Sans diagnostic joint' }],
			rowOf: (f) => (f.kind === 'referral_need' ? f.a : null),
			kinds: ['referral_need'],
			columns: [{ key: 'orientations', label: 'Orientations', kind: 'persons', of: count }],
			additive: false
		},
		yf,
		period
	);
	const byArea = await byLevel(database, reader, yf, {
		id: 'demande-orientations-territoire',
		title: 'Orientations envoyées, par lieu de résidence de la personne',
		columns: [{ key: 'orientations', label: 'Orientations (personnes)', kind: 'persons', of: count }],
		filter: (f) => f.kind === 'referral_sent',
		kinds: ['referral_sent']
	});

	return [
		{
			id: 'diagnostics',
			title: 'Diagnostics',
			intro: 'Les diagnostics d’autonomie numérique faits avec une personne par un professionnel du réseau.',
			tables: [
				{ ...shown(assessed, 'diagnostics'), chart: residenceMap(assessed, 'Diagnostics', 'diagnostics', reader.context.query.level) },
				{
					table: autonomy.table,
					summary: `${AXES.equipment}\u00a0: ${summarise(autonomy.table, 'diagnostics').replace(/^./, (c) => c.toLowerCase())}`,
					chart: bars('Autonomie mesurée au diagnostic, par axe', 'personnes', ['axe', 'axes'], {
						columns: Object.keys(AXES).map((_, i) => i + 1),
						byColumn: true,
						feminine: false
					})
				},
				{
					...shown(needs, 'personnes'),
					chart: bars('Besoins exprimés au diagnostic', 'personnes', ['besoin', 'besoins'], {
						feminine: false,
						highest: 'les plus cités',
						highestOne: 'le plus cité'
					})
				}
			]
		},
		{
			id: 'orientations',
			title: 'Orientations',
			intro: 'Les orientations envoyées vers un lieu, avec le consentement de la personne.',
			tables: [
				{ ...shown(byArea, 'orientations'), chart: residenceMap(byArea, 'Orientations envoyées', 'orientations', reader.context.query.level) },
				shown(byStructure, 'orientations'),
				{
					...shown(byKind, 'orientations'),
					chart: bars('Orientations envoyées, par type de structure d’origine', 'orientations', ['type de structure', 'types de structure'], {
						feminine: false,
						sort: true
					})
				},
				shown(byNeed, 'orientations')
			]
		}
	];
}
