/**
 * The outcomes (issue 16, item 4): the referral funnel, the time to a place's first answer
 * (median and 9th decile, from histograms: delays cannot be added), the honoured rate by
 * area and by place; the accompaniments by theme, autonomy reached, age band, gender and
 * status; the Pass Numérique (issued, handed out, redeemed, reimbursed, by funder).
 *
 * The page is a list of sections: the modules to come (trainings, equipment) append theirs
 * to OUTCOME_SECTIONS, nothing else changes.
 */
import type { Database } from '../db/client.ts';
import type { Actor } from '../accounts/index.ts';
import { AGE_BANDS, AUTONOMY, DIGITAL_THEMES, GENDERS, STATUSES, KINDS } from '../accompaniments/index.ts';
import { DECLINE_REASONS } from '../referral/index.ts';
import { placeCards } from '../places/index.ts';
import { buildTable, ratio, type FactRow, type TableSpec, type YearFacts } from './figures.ts';
import { DELAY_BUCKETS } from './facts-buckets.ts';
import { MASKED_CELL, type SteeringCell, type SteeringTable } from './model.ts';
import { byLevel, facts, readerOf, shown, structures, summarise, type Reader, type SteeringSection } from './sections.ts';
import { delayLabel, quantileBucket } from './delays.ts';
import { bars, honouredMap, monthsSummary, referralMonths } from './charts.ts';

const count = (f: FactRow) => f.n;
const persons = (f: FactRow) => f.persons;
const event = (status: string) => (f: FactRow) => (f.kind === 'referral_event' && f.a === status ? f.n : 0);
const CLOSED = ['honoured', 'declined', 'no_show', 'expired', 'withdrawn'];

const nf = new Intl.NumberFormat('fr-FR');
/**
 * The funnel's summary says its steps, not « le plus » (its first step is always the largest):
 * sent, accepted, honoured in the period, a masked step said so.
 */
export function funnelSummary(t: SteeringTable): string {
	const cell = (i: number, unit: string) => {
		const v = t.rows[i]?.[1];
		return typeof v === 'number' ? `${nf.format(v)} ${unit}` : `${unit} masquées (moins de 5 personnes, ou pour ne pas les laisser déduire)`;
	};
	if (!t.rows.length) return 'Aucun chiffre publié pour cette période.';
	return `${cell(0, 'orientations envoyées')}, ${cell(1, 'acceptées')}, ${cell(2, 'honorées')} dans la période.`.replace(/^./, (c) => c.toUpperCase());
}

export interface OutcomeSection {
	id: string;
	/** the fact kinds it reads (one query for the page) */
	kinds: string[];
	build(database: Database, reader: Reader, yf: YearFacts): Promise<SteeringSection>;
}

async function referrals(database: Database, reader: Reader, yf: YearFacts): Promise<SteeringSection> {
	const period = reader.context.query.period;
	const steps = [
		{ key: 'sent', label: 'Envoyées', of: (f: FactRow) => (f.kind === 'referral_sent' ? f.n : 0) },
		{ key: 'accepted', label: 'Acceptées par le lieu', of: event('accepted') },
		{ key: 'honoured', label: 'Honorées (la personne est venue)', of: event('honoured') },
		{ key: 'declined', label: 'Refusées par le lieu', of: event('declined') },
		{ key: 'no_show', label: 'Personne non venue', of: event('no_show') },
		{ key: 'expired', label: 'Expirées sans réponse (30 jours)', of: event('expired') },
		{ key: 'withdrawn', label: 'Retirées', of: event('withdrawn') }
	];
	const funnelSpec: TableSpec = {
		id: 'resultats-entonnoir',
		title: 'Parcours des orientations dans la période',
		rowHeading: 'Étape',
		rows: steps.map((s) => ({ key: s.key, label: s.label })),
		rowOf: (f) => (f.kind === 'referral_sent' ? 'sent' : f.kind === 'referral_event' ? f.a : null),
		kinds: ['referral_sent', 'referral_event'],
		columns: [{ key: 'orientations', label: 'Orientations', kind: 'persons', of: count }],
		additive: false,
		notes: [
			'Chaque étape est comptée dans le mois où elle a eu lieu\u00a0: une orientation envoyée en mars et honorée en avril compte en mars parmi les envoyées, en avril parmi les honorées.'
		]
	};
	const funnel = buildTable(funnelSpec, yf, period);
	const monthly = referralMonths(funnelSpec, yf, period);
	const reasons = Object.entries(DECLINE_REASONS);
	const declined = buildTable(
		{
			id: 'resultats-refus-motifs',
			title: 'Orientations refusées, par motif',
			rowHeading: 'Motif',
			rows: reasons.map(([k, label]) => ({ key: k, label })),
			rowOf: (f) => (f.kind === 'referral_event' && f.a === 'declined' ? (DECLINE_REASONS[f.b as keyof typeof DECLINE_REASONS] ? f.b : 'other') : null),
			kinds: ['referral_event'],
			columns: [{ key: 'orientations', label: 'Orientations refusées', kind: 'persons', of: count }],
			additive: true
		},
		yf,
		period
	);
	// honoured among those closed in the period, by area of residence and by place
	const status = (f: FactRow) => (f.kind === 'referral_place' ? f.b : f.kind === 'referral_event' ? f.a : '');
	const closedColumns = [
		{ key: 'closees', label: 'Orientations closes', kind: 'persons' as const, of: (f: FactRow) => (CLOSED.includes(status(f)) ? f.n : 0) },
		{ key: 'honorees', label: 'Dont honorées', kind: 'persons' as const, of: (f: FactRow) => (status(f) === 'honoured' ? f.n : 0) }
	];
	const withRate = (b: Awaited<ReturnType<typeof byLevel>>) => {
		b.table.columns.push({ key: 'taux', label: 'Taux honorées', kind: 'percent' });
		const rate = (r: SteeringCell[]) => (typeof r[1] === 'number' || typeof r[2] === 'number' ? ratio(num(r[2]), num(r[1])) : MASKED_CELL);
		for (const r of b.table.rows) r.push(rate(r));
		if (b.table.total) b.table.total.push(rate(b.table.total));
		return b;
	};
	const byArea = withRate(
		await byLevel(database, reader, yf, {
			id: 'resultats-honorees-territoire',
			title: 'Orientations honorées parmi celles closes dans la période, par lieu de résidence',
			columns: closedColumns,
			filter: (f) => f.kind === 'referral_event',
			kinds: ['referral_event']
		})
	);
	const placeIds = [...new Set(yf.rows.filter((f) => f.kind === 'referral_place').map((f) => f.a))];
	const cards = await placeCards(database.db, placeIds);
	const byPlace = withRate(
		buildTable(
			{
				id: 'resultats-honorees-lieu',
				title: 'Orientations honorées parmi celles closes dans la période, par lieu',
				rowHeading: 'Lieu',
				rows: placeIds
					.map((id) => ({ key: id, label: cards.get(id) ? `${cards.get(id)!.nom} (${cards.get(id)!.commune})` : 'Lieu retiré' }))
					.sort((a, b) => a.label.localeCompare(b.label, 'fr')),
				rowOf: (f) => (f.kind === 'referral_place' ? f.a : null),
				kinds: ['referral_place'],
				columns: closedColumns,
				additive: true,
				dropEmpty: true
			},
			yf,
			period
		)
	);
	// time to first answer: median and 9th decile, from the buckets (never added up: counted)
	const delays = buildTable(
		{
			id: 'resultats-delai-histogramme',
			title: 'Délai de première réponse des lieux',
			rowHeading: 'Délai',
			rows: DELAY_BUCKETS.map((b) => ({ key: String(b), label: delayLabel(b) })),
			rowOf: (f) => (f.kind === 'referral_delay' ? f.a : null),
			kinds: ['referral_delay'],
			columns: [{ key: 'reponses', label: 'Premières réponses', kind: 'persons', of: count }],
			additive: true
		},
		yf,
		period
	);
	const answered = delays.total?.[0] ?? null;
	// the quantiles of the true histogram when the whole is shown (a median does not tell a count)
	const bucketOf = new Map(DELAY_BUCKETS.map((b, i) => [String(b), i]));
	const trueCounts = DELAY_BUCKETS.map(() => 0);
	for (const f of yf.rows) if (f.kind === 'referral_delay' && bucketOf.has(f.a) && inPeriod(f, reader)) trueCounts[bucketOf.get(f.a)!] += f.n;
	const quantiles = {
		id: 'resultats-delai',
		title: 'Délai de première réponse des lieux (médiane et 9e décile)',
		columns: [
			{ key: 'indicateur', label: 'Indicateur', kind: 'text' as const },
			{ key: 'valeur', label: 'Valeur', kind: 'text' as const }
		],
		rows: [
			['Premières réponses dans la période', answered === null ? MASKED_CELL : answered],
			['Médiane (la moitié des lieux ont répondu en)', answered === null || answered < 5 ? MASKED_CELL : delayLabel(quantileBucket(trueCounts, 0.5))],
			['9e décile (9 réponses sur 10 en)', answered === null || answered < 5 ? MASKED_CELL : delayLabel(quantileBucket(trueCounts, 0.9))]
		] as SteeringCell[][],
		notes: [
			'Délai entre l’envoi et la première réponse du lieu (étude, acceptation ou refus), par tranches de jours\u00a0: la médiane et le 9e décile sont lus dans ces tranches.'
		]
	};
	const medianCell = quantiles.rows[1][1];
	return {
		id: 'orientations',
		title: 'Orientations',
		tables: [
			{ table: funnel.table, summary: funnelSummary(funnel.table), chart: { kind: 'funnel', title: funnel.table.title, steps: 3 } },
			{
				table: monthly.table,
				summary: monthsSummary(monthly.table),
				chart: { kind: 'line', title: monthly.table.title, columns: [1, 2], months: monthly.months, measure: 'orientations' }
			},
			shown(declined, 'refus'),
			{
				table: quantiles,
				summary:
					typeof medianCell === 'string'
						? `La moitié des premières réponses arrivent en ${medianCell}.`
						: 'Trop peu de réponses dans la période pour en donner la médiane.'
			},
			{
				...shown(delays, 'premières réponses'),
				chart: bars('Premières réponses des lieux, par délai', 'premières réponses', ['délai', 'délais'], { feminine: false })
			},
			{ ...shown(byArea, 'orientations closes'), chart: honouredMap(byArea, reader.context.query.level) },
			shown(byPlace, 'orientations closes')
		]
	};
}

function num(c: SteeringCell | undefined): number | null {
	return typeof c === 'number' ? c : null;
}

function inPeriod(f: FactRow, reader: Reader): boolean {
	return reader.context.query.period.months.includes(f.month);
}

async function accompaniments(database: Database, reader: Reader, yf: YearFacts): Promise<SteeringSection> {
	const period = reader.context.query.period;
	const byArea = await byLevel(database, reader, yf, {
		id: 'resultats-accompagnements-territoire',
		title: 'Accompagnements, par commune du lieu (ou de la personne hors lieu)',
		columns: [
			{ key: 'accompagnements', label: 'Accompagnements', kind: 'persons', of: count },
			{ key: 'personnes', label: 'Personnes accompagnées', kind: 'persons', of: persons }
		],
		filter: (f) => f.kind === 'accompaniment',
		kinds: ['accompaniment']
	});
	const byKind = buildTable(
		{
			id: 'resultats-accompagnements-type',
			title: 'Accompagnements individuels et ateliers collectifs',
			rowHeading: 'Type',
			rows: Object.entries(KINDS).map(([k, label]) => ({ key: k, label })),
			rowOf: (f) => (f.kind === 'accompaniment' ? f.a : null),
			kinds: ['accompaniment'],
			columns: [
				{ key: 'accompagnements', label: 'Accompagnements', kind: 'persons', of: count },
				{ key: 'personnes', label: 'Personnes accompagnées', kind: 'persons', of: persons }
			],
			additive: true
		},
		yf,
		period
	);
	const themes = buildTable(
		{
			id: 'resultats-accompagnements-themes',
			title: 'Accompagnements, par thème (plusieurs thèmes possibles)',
			rowHeading: 'Thème',
			rows: DIGITAL_THEMES.map((t) => ({ key: t, label: t })),
			rowOf: (f) => (f.kind === 'accompaniment_theme' ? f.a : null),
			kinds: ['accompaniment_theme'],
			columns: [{ key: 'accompagnements', label: 'Accompagnements', kind: 'persons', of: count }],
			additive: false
		},
		yf,
		period
	);
	const autonomy = buildTable(
		{
			id: 'resultats-autonomie',
			title: 'Autonomie atteinte à la fin de l’accompagnement individuel',
			rowHeading: 'Autonomie',
			rows: [...Object.entries(AUTONOMY).map(([k, label]) => ({ key: k, label })), { key: '', label: 'Non renseignée' }],
			rowOf: (f) => (f.kind === 'accompaniment_autonomy' ? f.a : null),
			kinds: ['accompaniment_autonomy'],
			columns: [{ key: 'accompagnements', label: 'Accompagnements individuels', kind: 'persons', of: count }],
			additive: true
		},
		yf,
		period
	);
	const profile = (dim: 'age' | 'gender' | 'status', id: string, title: string, heading: string, labels: Record<string, string>) =>
		buildTable(
			{
				id,
				title,
				rowHeading: heading,
				rows: [...Object.entries(labels).filter(([k]) => k !== 'unknown'), ['unknown', 'Non communiqué']].map(([k, label]) => ({ key: k, label })),
				rowOf: (f) => (f.kind === 'accompaniment_profile' && f.a === dim ? (f.b in labels ? f.b : 'unknown') : null),
				kinds: ['accompaniment_profile'],
				columns: [{ key: 'personnes', label: 'Personnes accompagnées', kind: 'persons', of: persons }],
				additive: true
			},
			yf,
			period
		);
	const age = profile('age', 'resultats-tranche-age', 'Personnes accompagnées, par tranche d’âge', 'Tranche d’âge', AGE_BANDS);
	const gender = profile('gender', 'resultats-genre', 'Personnes accompagnées, par genre', 'Genre', GENDERS);
	const status = profile('status', 'resultats-statut', 'Personnes accompagnées, par statut', 'Statut', STATUSES);
	return {
		id: 'accompagnements',
		title: 'Accompagnements',
		intro: 'Les accompagnements enregistrés par les médiateurs et médiatrices (un atelier compte ses participants).',
		tables: [
			shown(byArea, 'accompagnements'),
			shown(byKind, 'accompagnements'),
			{
				...shown(themes, 'accompagnements'),
				chart: bars('Accompagnements, par thème', 'accompagnements', ['thème', 'thèmes'], { feminine: false, sort: true })
			},
			shown(autonomy, 'accompagnements individuels'),
			shown(age, 'personnes'),
			shown(gender, 'personnes'),
			shown(status, 'personnes')
		]
	};
}

const VOUCHER_EVENTS = [
	['issued', 'Émis'],
	['distributed', 'Remis à une personne'],
	['redeemed', 'Utilisés'],
	['reimbursed', 'Remboursés au lieu'],
	['expired', 'Expirés']
] as const;

async function pass(database: Database, reader: Reader, yf: YearFacts): Promise<SteeringSection> {
	const period = reader.context.query.period;
	const vouchers = buildTable(
		{
			id: 'resultats-pass',
			title: 'Pass Numérique dans la période',
			rowHeading: 'Étape',
			rows: VOUCHER_EVENTS.map(([k, label]) => ({ key: k, label })),
			rowOf: (f) => (f.kind === 'voucher' ? f.a : null),
			kinds: ['voucher'],
			columns: [
				{ key: 'pass', label: 'Pass', kind: 'persons', of: count },
				{ key: 'valeur', label: 'Valeur faciale', kind: 'cents', of: (f) => f.amount }
			],
			additive: false
		},
		yf,
		period
	);
	// a value is masked with its count (it is a count times the face value)
	const hideValues = (rows: SteeringCell[][], countAt: number, valueAt: number[]) => {
		for (const r of rows) if (typeof r[countAt] !== 'number' || r[countAt] === 0) for (const v of valueAt) r[v] = r[countAt] === 0 ? 0 : MASKED_CELL;
	};
	hideValues(vouchers.table.rows, 1, [2]);
	const funderIds = [...new Set(yf.rows.filter((f) => f.kind === 'voucher_funder').map((f) => f.org))];
	const funders = (await structures(database, reader.context.query.departmentCode, funderIds)).filter((o) => funderIds.includes(o.id));
	const byFunder = buildTable(
		{
			id: 'resultats-pass-financeurs',
			title: 'Pass Numérique, par financeur (un pass d’une campagne cofinancée compte pour chacun)',
			rowHeading: 'Financeur',
			rows: funders.map((o) => ({ key: o.id, label: o.name })),
			rowOf: (f) => (f.kind === 'voucher_funder' ? f.org : null),
			kinds: ['voucher_funder'],
			columns: [
				...VOUCHER_EVENTS.map(([k, label]) => ({ key: k, label, kind: 'persons' as const, of: (f: FactRow) => (f.a === k ? f.n : 0) })),
				{ key: 'valeur', label: 'Valeur utilisée, à sa part', kind: 'cents' as const, of: (f: FactRow) => (f.a === 'redeemed' ? f.amount : 0) }
			],
			additive: false
		},
		yf,
		period
	);
	hideValues(byFunder.table.rows, 3, [6]);
	return {
		id: 'pass',
		title: 'Pass Numérique',
		intro: 'Les pass émis, remis, utilisés, remboursés et expirés dans la période (chiffres du fonds départemental).',
		tables: [shown(vouchers, 'pass émis'), { table: byFunder.table, summary: summarise(byFunder.table, 'pass émis') }]
	};
}

/** The outcomes page's sections, in order: a module to come appends its own here. */
export const OUTCOME_SECTIONS: OutcomeSection[] = [
	{ id: 'orientations', kinds: ['referral_sent', 'referral_event', 'referral_place', 'referral_delay'], build: referrals },
	{
		id: 'accompagnements',
		kinds: ['accompaniment', 'accompaniment_theme', 'accompaniment_autonomy', 'accompaniment_profile'],
		build: accompaniments
	},
	{ id: 'pass', kinds: ['voucher', 'voucher_funder'], build: pass }
];

export async function outcomeSections(
	database: Database,
	actor: Actor,
	params: URLSearchParams,
	now = new Date()
): Promise<{ reader: Reader; sections: SteeringSection[] }> {
	const reader = await readerOf(database, actor, params, now);
	return { reader, sections: await outcomesOf(database, reader, now) };
}

/** The outcomes' sections for a reader already allowed (a coordinator or partner above; the refresh job's warming, the whole network). */
export async function outcomesOf(database: Database, reader: Reader, now = new Date()): Promise<SteeringSection[]> {
	// a partner: its agents' referrals, its structures' accompaniments, the vouchers of the campaigns it funds
	// the referrals sent are counted by month only here, their events by commune of residence (not by structure)
	const yf = await facts(database, reader, [...new Set(OUTCOME_SECTIONS.flatMap((s) => s.kinds))], true, now, {
		referral_sent: [],
		referral_event: ['commune', 'a', 'b']
	});
	const sections: SteeringSection[] = [];
	for (const s of OUTCOME_SECTIONS) sections.push(await s.build(database, reader, yf));
	return sections;
}
