/**
 * The partners (issue 16, item 5): per partner of the strategy, what it put into the Pass
 * Numérique fund and what the fund paid for at its share; its agents' referrals and what
 * became of them; the procedures of its field (CAF → Social – Santé and Famille…) and the
 * accompaniments on them in the département. A coordinator reads every partner; a partner
 * reads its own line only (the referrals' figures masked as on the demand page, from the
 * same table of every structure, so that the two pages never differ on a cell).
 */
import type { Database } from '../db/client.ts';
import type { Actor } from '../accounts/index.ts';
import { PROCEDURE_THEMES } from '../accompaniments/index.ts';
import { buildTable, type FactRow } from './figures.ts';
import { MASKED_CELL, type SteeringCell, type SteeringTable } from './model.ts';
import { facts, readerOf, structures, summarise, type Reader, type SteeringSection, type Structure } from './sections.ts';
import { bars } from './charts.ts';

type ProcedureTheme = (typeof PROCEDURE_THEMES)[number];

/**
 * The procedure themes of a partner's field, from its name (the national operators) or its
 * kind: the mandates' and accompaniments' vocabulary (accompaniments/vocabulary.ts).
 */
export const PARTNER_FIELDS: { match: RegExp; themes: ProcedureTheme[] }[] = [
	{ match: /\bcaf\b|allocations familiales/i, themes: ['Social – Santé', 'Famille – Scolarité'] },
	{ match: /\bmsa\b|mutualit[ée] sociale agricole/i, themes: ['Social – Santé', 'Famille – Scolarité', 'Travail – Formation'] },
	{ match: /\bcpam\b|assurance maladie|\bameli\b/i, themes: ['Social – Santé'] },
	{ match: /\bcarsat\b|assurance retraite|\bcnav\b/i, themes: ['Social – Santé', 'Argent – Impôts'] },
	{ match: /france travail|p[ôo]le emploi|mission locale|cap emploi/i, themes: ['Travail – Formation'] },
	{ match: /\bdgfip\b|finances publiques|imp[ôo]ts/i, themes: ['Argent – Impôts'] },
	{ match: /pr[ée]fecture|\bants\b|sous-pr[ée]fecture/i, themes: ['Papiers – Élections – Citoyenneté', 'Étrangers – Europe'] },
	{ match: /bailleur|habitat|logement|\boph\b/i, themes: ['Logement'] },
	{ match: /tribunal|justice|\bcdad\b|acc[èe]s au droit/i, themes: ['Justice'] }
];

const BY_KIND: Record<string, ProcedureTheme[]> = {
	ccas: ['Social – Santé', 'Logement', 'Famille – Scolarité'],
	emploi: ['Travail – Formation'],
	departement: [...PROCEDURE_THEMES],
	france_services: [...PROCEDURE_THEMES]
};

export function fieldOf(o: { name: string; kind: string }): ProcedureTheme[] {
	return PARTNER_FIELDS.find((f) => f.match.test(o.name))?.themes ?? BY_KIND[o.kind] ?? [];
}

const count = (f: FactRow) => f.n;

export async function partnerSections(
	database: Database,
	actor: Actor,
	params: URLSearchParams,
	now = new Date()
): Promise<{ reader: Reader; sections: SteeringSection[] }> {
	const reader = await readerOf(database, actor, params, now);
	return { reader, sections: await partnersOf(database, reader, now) };
}

/** The partners' sections for a reader already allowed (a coordinator or partner above; the refresh job's warming, the whole network). */
export async function partnersOf(database: Database, reader: Reader, now = new Date()): Promise<SteeringSection[]> {
	const dept = reader.context.query.departmentCode;
	const period = reader.context.query.period;
	const yf = await facts(database, reader, ['referral_sent', 'referral_event', 'voucher_funder', 'contribution'], true, now);
	const all = await structures(database, dept, [...new Set(yf.rows.map((f) => f.org))]);
	const funders = new Set(yf.rows.filter((f) => f.kind === 'contribution' || f.kind === 'voucher_funder').map((f) => f.org));
	const partners: Structure[] = all.filter((o) => (reader.scope ? reader.scope.includes(o.id) : o.partner || funders.has(o.id)));
	const rowsOf = (list: Structure[]) => list.map((o) => ({ key: o.id, label: o.name }));

	const fund = buildTable(
		{
			id: 'partenaires-fonds',
			title: 'Fonds Pass Numérique\u00a0: apports et ce qu’ils ont payé',
			rowHeading: 'Partenaire',
			rows: rowsOf(partners),
			rowOf: (f) => (f.kind === 'contribution' || f.kind === 'voucher_funder' ? f.org : null),
			kinds: ['contribution', 'voucher_funder'],
			columns: [
				{ key: 'apports', label: 'Apports reçus', kind: 'cents', unmasked: true, of: (f) => (f.kind === 'contribution' ? f.amount : 0) },
				{ key: 'utilises', label: 'Pass utilisés', kind: 'persons', of: (f) => (f.kind === 'voucher_funder' && f.a === 'redeemed' ? f.n : 0) },
				{ key: 'paye', label: 'Payé par le fonds, à sa part', kind: 'cents', of: (f) => (f.kind === 'voucher_funder' && f.a === 'redeemed' ? f.amount : 0) }
			],
			additive: false,
			notes: [
				'Les apports sont des sommes versées par le partenaire, montrées telles quelles\u00a0; ce que le fonds a payé est la valeur des pass utilisés, à la part du partenaire dans chaque campagne.'
			]
		},
		yf,
		period
	);
	// a value paid is a count of vouchers times their value: masked with it
	for (const r of fund.table.rows) if (typeof r[2] !== 'number') r[3] = MASKED_CELL;

	// the agents' referrals: read from the table of every structure (the demand page's), then the partners' lines
	const events = [
		['sent', 'Envoyées'],
		['accepted', 'Acceptées'],
		['honoured', 'Honorées'],
		['declined', 'Refusées'],
		['expired', 'Expirées'],
		['withdrawn', 'Retirées']
	] as const;
	const everyStructure = buildTable(
		{
			id: 'partenaires-orientations',
			title: 'Orientations envoyées par les agents des partenaires, et leurs suites dans la période',
			rowHeading: 'Partenaire',
			rows: rowsOf(all),
			rowOf: (f) => (f.kind === 'referral_sent' || f.kind === 'referral_event' ? f.org : null),
			kinds: ['referral_sent', 'referral_event'],
			columns: events.map(([k, label]) => ({
				key: k,
				label,
				kind: 'persons' as const,
				of: (f: FactRow) => (k === 'sent' ? (f.kind === 'referral_sent' ? f.n : 0) : f.kind === 'referral_event' && f.a === k ? f.n : 0)
			})),
			additive: true
		},
		yf,
		period
	);
	const shownIds = new Set(partners.map((p) => p.id));
	const referrals: SteeringTable = {
		...everyStructure.table,
		rows: everyStructure.table.rows.filter((_, i) => shownIds.has(all[i].id)),
		total: undefined,
		notes: ['Chaque suite est comptée dans le mois où elle a eu lieu.']
	};

	// the procedures of each partner's field, and the accompaniments on them in the département (not scoped: the field's demand)
	const themes = await facts(database, reader, ['accompaniment_procedure'], false, now);
	const procedures = buildTable(
		{
			id: 'partenaires-demarches-themes',
			title: 'Accompagnements aux démarches, par thème (tout le département)',
			rowHeading: 'Thème de démarches',
			rows: PROCEDURE_THEMES.map((t) => ({ key: t, label: t })),
			rowOf: (f) => (f.kind === 'accompaniment_procedure' ? f.a : null),
			kinds: ['accompaniment_procedure'],
			columns: [{ key: 'accompagnements', label: 'Accompagnements', kind: 'persons', of: count }],
			additive: false
		},
		themes,
		period
	);
	const byTheme = new Map(procedures.table.rows.map((r) => [String(r[0]), r[1]]));
	const fields: SteeringTable = {
		id: 'partenaires-demarches',
		title: 'Démarches du champ de chaque partenaire, et les accompagnements qui les concernent dans le département',
		columns: [
			{ key: 'partenaire', label: 'Partenaire', kind: 'text' },
			{ key: 'theme', label: 'Thème de démarches', kind: 'text' },
			{ key: 'accompagnements', label: 'Accompagnements', kind: 'persons' }
		],
		rows: partners.flatMap((p) => fieldOf(p).map((t) => [p.name, t, byTheme.get(t) ?? 0] as SteeringCell[])),
		notes: ['Le champ d’un partenaire est déduit de son nom (CAF, MSA, CPAM, CARSAT, France Travail…) ou de son type de structure.']
	};

	return [
		{
			id: 'fonds',
			title: 'Fonds Pass Numérique',
			tables: [
				{
					table: fund.table,
					summary: fundSummary(fund.table),
					chart: bars('Apports reçus et payé par le fonds, par partenaire', 'euros', ['partenaire', 'partenaires'], { columns: [1, 3], feminine: false })
				}
			]
		},
		{
			id: 'orientations',
			title: 'Orientations de leurs agents',
			tables: [
				{
					table: referrals,
					summary: summarise(referrals, 'orientations envoyées'),
					chart: bars('Orientations envoyées et honorées, par partenaire', 'orientations', ['partenaire', 'partenaires'], {
						columns: [1, 3],
						feminine: false
					})
				}
			]
		},
		{
			id: 'demarches',
			title: 'Démarches de leur champ',
			tables: [{ table: fields, summary: summarise(fields, 'accompagnements', 2) }]
		}
	];
}

function fundSummary(t: SteeringTable): string {
	const nf = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });
	const received = t.rows.reduce((s, r) => s + (typeof r[1] === 'number' ? r[1] : 0), 0);
	if (!t.rows.length) return 'Aucun partenaire n’a versé d’apport ni financé de campagne.';
	return `${t.rows.length} partenaire${t.rows.length > 1 ? 's' : ''}\u00a0; ${nf.format(received / 100)} d’apports reçus dans la période.`;
}
