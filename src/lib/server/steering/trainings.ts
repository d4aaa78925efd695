/**
 * The trainings of the helpers in the steering space (issue 17, item 7): the helpers trained
 * (present at one half-day of a session at least) by area of their structure, by structure
 * and by profile, the hours of training delivered and received, the sessions held, the
 * satisfaction survey's averages; for the period and level asked, masked
 * (docs/decisions/0018). A partner reads its own: its agents trained, the sessions its
 * structures organised and their answers. Facts: training-facts.ts.
 */
import type { Database } from '../db/client.ts';
import { can, type Actor } from '../accounts/index.ts';
import { DomainError } from '../errors.ts';
import { PROFILES, PROFILE_SHORT, THEMES, FORMATS, SURVEY_QUESTIONS, type Profile } from '../trainings/index.ts';
import { buildTable, type FactRow } from './figures.ts';
import { MASKED_CELL, type SteeringCell, type SteeringTable } from './model.ts';
import { byLevel, facts, readerOf, shown, structures, summarise, type Reader, type SteeringSection } from './sections.ts';
import { bars, byLevelWords } from './charts.ts';
import { unitChart } from './maps.ts';

export const TRAINING_KINDS = ['training_person', 'training_session', 'training_satisfaction'];
const persons = (f: FactRow) => (f.kind === 'training_person' ? f.n : 0);
/** minutes → hours (one decimal; the column reads as a decimal number) */
const hours = (minutes: number) => Math.round(minutes / 6) / 10;
const NO_STRUCTURE = '';

/** Hours received follow their count of persons: masked where it is (and the total when a row is, so that no difference tells it). */
function hideWithCount(t: SteeringTable, countAt: number, valueAt: number) {
	let hidden = false;
	for (const r of t.rows)
		if (typeof r[countAt] !== 'number' || r[countAt] === 0) {
			if (r[countAt] !== 0) hidden = true;
			r[valueAt] = r[countAt] === 0 ? 0 : MASKED_CELL;
		}
	if (t.total && (hidden || typeof t.total[countAt] !== 'number')) t.total[valueAt] = MASKED_CELL;
}

export async function trainingSections(
	database: Database,
	actor: Actor,
	params: URLSearchParams,
	now = new Date()
): Promise<{ reader: Reader; sections: SteeringSection[] }> {
	const reader = await readerOf(database, actor, params, now);
	if (!can(actor, 'steering.read', { departmentCode: reader.context.query.departmentCode })) throw new DomainError('forbidden', 'Réservé au pilotage.');
	return { reader, sections: await trainingsOf(database, reader, now) };
}

/** The trainings' sections for a reader already allowed. */
export async function trainingsOf(database: Database, reader: Reader, now = new Date()): Promise<SteeringSection[]> {
	const yf = await facts(database, reader, TRAINING_KINDS, true, now);
	const period = reader.context.query.period;
	const level = reader.context.query.level;
	const scopeNote = reader.scope ? ['Ce qui concerne vos structures\u00a0: leurs agents formés, les sessions qu’elles ont organisées et leurs réponses.'] : [];
	const countNote = 'Une personne formée à deux sessions compte deux fois (présente à une demi-journée au moins de chacune).';

	const byArea = await byLevel(database, reader, yf, {
		id: 'formations-aidants-territoire',
		title: 'Aidants formés, par territoire de leur structure',
		columns: [{ key: 'aidants', label: 'Aidants formés (personnes)', kind: 'persons', of: persons }],
		filter: (f) => f.kind === 'training_person',
		kinds: ['training_person'],
		notes: [
			...scopeNote,
			countNote,
			'Le territoire est celui de la structure de l’aidant (son premier lieu)\u00a0; sans structure connue, celui du lieu où il a suivi la formation en présentiel.'
		]
	});

	const orgIds = [...new Set(yf.rows.filter((f) => f.kind === 'training_person' && f.org).map((f) => f.org))];
	const orgs = (await structures(database, reader.context.query.departmentCode, orgIds)).filter((o) => orgIds.includes(o.id));
	const byStructure = buildTable(
		{
			id: 'formations-aidants-structure',
			title: 'Aidants formés, par structure',
			rowHeading: 'Structure',
			rows: [
				...orgs.map((o) => ({ key: o.id, label: o.partner ? `${o.name} (partenaire)` : o.name })),
				...(reader.scope ? [] : [{ key: NO_STRUCTURE, label: 'Sans compte professionnel (bénévoles, aidants inscrits par e-mail)' }])
			],
			rowOf: (f) => (f.kind === 'training_person' ? f.org : null),
			kinds: ['training_person'],
			columns: [
				{ key: 'aidants', label: 'Aidants formés (personnes)', kind: 'persons', of: persons },
				{ key: 'heures', label: 'Heures de formation reçues', kind: 'score', of: (f) => (f.kind === 'training_person' ? f.amount : 0), unmasked: true }
			],
			additive: true,
			dropEmpty: true,
			notes: [countNote]
		},
		yf,
		period
	);
	const profiles = Object.keys(PROFILES) as Profile[];
	const byProfile = buildTable(
		{
			id: 'formations-aidants-profil',
			title: 'Aidants formés, par profil',
			rowHeading: 'Profil',
			rows: profiles.map((p) => ({ key: p, label: PROFILE_SHORT[p] })),
			rowOf: (f) => (f.kind === 'training_person' ? (profiles.includes(f.a as Profile) ? f.a : 'other') : null),
			kinds: ['training_person'],
			columns: [
				{ key: 'aidants', label: 'Aidants formés (personnes)', kind: 'persons', of: persons },
				{ key: 'heures', label: 'Heures de formation reçues', kind: 'score', of: (f) => (f.kind === 'training_person' ? f.amount : 0), unmasked: true }
			],
			additive: true,
			notes: [countNote, 'Les heures reçues sont masquées avec le nombre de personnes qu’elles concernent.']
		},
		yf,
		period
	);
	for (const t of [byStructure.table, byProfile.table]) {
		for (const r of [...t.rows, ...(t.total ? [t.total] : [])]) if (typeof r[2] === 'number') r[2] = hours(r[2]);
		hideWithCount(t, 1, 2);
	}

	// sessions held, hours delivered (about sessions, not persons: shown as they are)
	const themes = Object.entries(THEMES);
	const sessions = buildTable(
		{
			id: 'formations-sessions',
			title: 'Sessions tenues et heures de formation dispensées, par thème',
			rowHeading: 'Thème',
			rows: themes.map(([k, label]) => ({ key: k, label })),
			rowOf: (f) => (f.kind === 'training_session' ? f.a : null),
			kinds: ['training_session'],
			columns: [
				{ key: 'sessions', label: 'Sessions tenues', kind: 'count', of: (f) => f.n, unmasked: true },
				{ key: 'heures', label: 'Heures dispensées', kind: 'score', of: (f) => f.amount, unmasked: true }
			],
			additive: true,
			notes: [
				'Une session est tenue quand une personne au moins y a été présente. Les heures dispensées sont celles de ses demi-journées avec une personne présente, une fois quel que soit le nombre de participants.',
				`Formats\u00a0: ${Object.values(FORMATS).join(', ')}.`
			]
		},
		yf,
		period
	);
	for (const r of [...sessions.table.rows, ...(sessions.table.total ? [sessions.table.total] : [])]) if (typeof r[2] === 'number') r[2] = hours(r[2]);

	// satisfaction: answers per question (masked as persons) and the average, shown with its count
	const satisfaction = buildTable(
		{
			id: 'formations-satisfaction',
			title: 'Satisfaction des personnes formées (enquête anonyme, de 1 à 5)',
			rowHeading: 'Question',
			rows: SURVEY_QUESTIONS.map((q) => ({ key: q.key, label: q.label })),
			rowOf: (f) => (f.kind === 'training_satisfaction' ? f.a : null),
			kinds: ['training_satisfaction'],
			columns: [
				{ key: 'reponses', label: 'Réponses', kind: 'persons', of: (f) => f.n },
				{ key: 'moyenne', label: 'Moyenne sur 5', kind: 'score', of: (f) => f.n * Number(f.b), unmasked: true }
			],
			additive: false,
			notes: [
				'La moyenne est masquée avec son nombre de réponses (de 1 à 4, ou pour ne pas le laisser déduire).',
				'Chaque réponse compte dans le mois où elle a été donnée.'
			]
		},
		yf,
		period
	);
	for (const r of satisfaction.table.rows) {
		const n = r[1];
		r[2] = typeof n === 'number' && n > 0 && typeof r[2] === 'number' ? Math.round((r[2] / n) * 100) / 100 : n === 0 ? null : MASKED_CELL;
	}

	return [
		{
			id: 'aidants',
			title: 'Aidants formés',
			intro: 'Les professionnels et bénévoles présents à une demi-journée au moins d’une session de formation du réseau.',
			tables: [
				{
					...shown(byArea, 'aidants formés'),
					chart: unitChart(byArea, {
						title: `Aidants formés ${byLevelWords(level)} de leur structure`,
						value: 'persons',
						measure: 'aidants formés',
						highest: 'les plus formés',
						highestOne: 'le plus formé'
					})
				},
				shown(byStructure, 'aidants formés'),
				{
					...shown(byProfile, 'aidants formés'),
					chart: bars('Aidants formés, par profil', 'aidants formés', ['profil', 'profils'], { feminine: false, sort: true })
				}
			]
		},
		{
			id: 'sessions',
			title: 'Sessions et heures de formation',
			tables: [{ table: sessions.table, summary: summarise(sessions.table, 'sessions tenues') }]
		},
		{
			id: 'satisfaction',
			title: 'Satisfaction',
			intro: 'L’enquête anonyme envoyée après chaque session aux personnes présentes.',
			tables: [{ table: satisfaction.table, summary: satisfactionSummary(satisfaction.table) }]
		}
	];
}

function satisfactionSummary(t: SteeringTable): string {
	const global = t.rows.find((r) => r[0] === SURVEY_QUESTIONS.at(-1)!.label);
	const avg: SteeringCell | undefined = global?.[2];
	if (!t.rows.length) return 'Aucun chiffre publié pour cette période.';
	if (typeof avg === 'number') return `Satisfaction d’ensemble\u00a0: ${String(avg).replace('.', ',')} sur 5 (${global![1]} réponses).`;
	return 'Moins de 5 réponses, ou masquées pour ne pas les laisser déduire\u00a0: les moyennes ne sont pas affichées.';
}
