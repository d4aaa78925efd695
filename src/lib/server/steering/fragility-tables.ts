/**
 * Steering (issue 16), the fragility's tables, pure: the digital fragility index (IFN) and its
 * five indicators per commune, averaged over any unit weighted by the communes' population,
 * and the fragile population (index ≥ 7) far from any place (beyond 10 and 15 km, straight
 * line, from offer-model's communeReach).
 */
import type { Level, SteeringTable } from './model.ts';
import { levelKey, levelLabel } from './model.ts';
import { byFrench, unitsOf, type SteeringUnit, type UnitCommune } from './units.ts';
import { count, dec, int, pct, round, rowsAndFigures, share, type SteeringBlock, type UnitRow } from './blocks.ts';
import { within, type CommuneReach } from './offer-model.ts';

/** a commune is fragile from this index on */
export const FRAGILE_FROM = 7;
/** the distances beyond which the fragile population is « far » (km) */
export const FAR_KM = [10, 15] as const;

export const INDICATORS = [
	{ key: 'noThdCoverage', label: 'Absence de couverture très haut débit' },
	{ key: 'no4gCoverage', label: 'Absence de couverture 4G' },
	{ key: 'poverty', label: 'Taux de pauvreté' },
	{ key: 'older65', label: 'Part des 65 ans et plus' },
	{ key: 'lowDiploma', label: 'Part des personnes peu ou pas diplômées' }
] as const;
type IndicatorKey = (typeof INDICATORS)[number]['key'];

export interface FragilityCommune extends UnitCommune {
	population: number;
	fragility: (Record<IndicatorKey, number> & { total: number }) | null;
}

export interface FragilityInput {
	department: { code: string; name: string };
	level: Level;
	communes: FragilityCommune[];
	/** per commune, the nearest places at the period's end (offer-model) */
	reach: Map<string, CommuneReach>;
	/** « aujourd’hui », « au 31 décembre 2025 » */
	asOf: string;
}

export interface FragilityFigures {
	blocks: SteeringBlock[];
	key: { index: number | null; fragilePopulation: number; fragileShare: number | null; fragileBeyond15km: number; withoutIndex: number };
}

interface Tally {
	population: number;
	/** population of the communes having an index (the weights) */
	weight: number;
	sums: Record<IndicatorKey | 'total', number>;
	indexed: number;
	fragile: number;
	far: number[];
}

function tally(byCode: ReadonlyMap<string, FragilityCommune>, codes: readonly string[], reach: Map<string, CommuneReach>): Tally {
	const t: Tally = {
		population: 0,
		weight: 0,
		sums: { noThdCoverage: 0, no4gCoverage: 0, poverty: 0, older65: 0, lowDiploma: 0, total: 0 },
		indexed: 0,
		fragile: 0,
		far: FAR_KM.map(() => 0)
	};
	for (const code of codes) {
		const c = byCode.get(code)!;
		t.population += c.population;
		if (!c.fragility) continue;
		t.indexed++;
		t.weight += c.population;
		for (const k of [...INDICATORS.map((i) => i.key), 'total'] as const) t.sums[k] += c.fragility[k] * c.population;
		if (c.fragility.total >= FRAGILE_FROM) {
			t.fragile += c.population;
			const r = reach.get(code);
			FAR_KM.forEach((km, i) => {
				if (!within(r?.any ?? null, km)) t.far[i] += c.population;
			});
		}
	}
	return t;
}

const mean = (t: Tally, k: IndicatorKey | 'total') => (t.weight > 0 ? round(t.sums[k] / t.weight, 2) : null);

export function fragilityFigures(input: FragilityInput): FragilityFigures {
	const { department, level, communes, reach, asOf } = input;
	const by = levelLabel(level);
	const units: SteeringUnit[] = unitsOf(communes, level, department);
	const byCode = new Map(communes.map((c) => [c.inseeCode, c]));
	const tallies = units.map((unit) => ({ unit, t: tally(byCode, unit.communes, reach) }));
	const total = tally(
		byCode,
		communes.map((c) => c.inseeCode),
		reach
	);
	const withoutIndex = communes.length - total.indexed;
	const indexNote = [
		'Indice de fragilité numérique (IFN)\u00a0: de 0 à 10 pour chaque commune, plus il est haut, plus la commune est fragile\u00a0; ses cinq indicateurs sont notés de même.',
		`Au-delà de la commune, chaque note est la moyenne de celles des communes pondérée par leur population.${withoutIndex ? ` ${count(withoutIndex, 'commune n’a', 'communes n’ont')} pas d’indice\u00a0: ${withoutIndex > 1 ? 'elles ne comptent' : 'elle ne compte'} pas dans les moyennes.` : ''}`,
		`Population fragile\u00a0: celle des communes dont l’indice atteint ${FRAGILE_FROM}.`
	];
	const levelK = levelKey(level);
	const blocks: SteeringBlock[] = [];

	{
		const unitRows: UnitRow[] = tallies.map(({ unit, t }) => ({
			unit,
			value: mean(t, 'total'),
			cells: [unit.name, t.population, mean(t, 'total'), ...INDICATORS.map((i) => mean(t, i.key)), t.fragile, round(share(t.fragile, t.population), 3)]
		}));
		unitRows.sort((a, b) => (b.value ?? -1) - (a.value ?? -1) || byFrench(a.unit.name, b.unit.name));
		const { rows, figures } = rowsAndFigures(unitRows);
		const table: SteeringTable = {
			id: 'fragilite-territoires',
			title: `Indice de fragilité numérique et ses cinq indicateurs, par ${by.toLowerCase()}`,
			columns: [
				{ key: 'territoire', label: by, kind: 'text' },
				{ key: 'population', label: 'Population (habitants)', kind: 'count' },
				{ key: 'ifn', label: 'Indice de fragilité numérique (0 à 10)', kind: 'score' },
				...INDICATORS.map((i) => ({ key: i.key, label: `${i.label} (0 à 10)`, kind: 'score' as const })),
				{ key: 'population_fragile', label: `Population fragile, indice ${FRAGILE_FROM} ou plus (habitants)`, kind: 'count' },
				{ key: 'part_fragile', label: 'Part de la population fragile (%)', kind: 'percent' }
			],
			rows,
			total: [
				department.name,
				total.population,
				mean(total, 'total'),
				...INDICATORS.map((i) => mean(total, i.key)),
				total.fragile,
				round(share(total.fragile, total.population), 3)
			],
			notes: indexNote
		};
		const top = unitRows[0];
		blocks.push({
			table,
			summary:
				`L’indice de fragilité numérique du département, pondéré par la population, est de ${dec(mean(total, 'total') ?? 0)} sur 10\u00a0; ${int(total.fragile)} habitants (${pct(share(total.fragile, total.population) ?? 0)}) vivent dans une commune d’indice ${FRAGILE_FROM} ou plus.` +
				(level.kind !== 'departement' && top?.value != null ? ` Le plus fragile (${by.toLowerCase()})\u00a0: ${top.unit.name}, ${dec(top.value)}.` : ''),
			map: { tableId: table.id, title: 'Indice de fragilité numérique', level: levelK, kind: 'score', figures }
		});
	}

	{
		const cells = (t: Tally) => [t.fragile, ...t.far, round(share(t.far[1], t.fragile), 3)];
		const unitRows: UnitRow[] = tallies.map(({ unit, t }) => ({ unit, value: t.far[0], cells: [unit.name, ...cells(t)] }));
		unitRows.sort((a, b) => (b.value ?? 0) - (a.value ?? 0) || (b.cells[1] as number) - (a.cells[1] as number) || byFrench(a.unit.name, b.unit.name));
		const { rows, figures } = rowsAndFigures(unitRows);
		const table: SteeringTable = {
			id: 'fragilite-eloignement',
			title: `Population fragile éloignée de tout lieu, par ${by.toLowerCase()}, ${asOf} (distance à vol d’oiseau)`,
			columns: [
				{ key: 'territoire', label: by, kind: 'text' },
				{ key: 'population_fragile', label: `Population fragile, indice ${FRAGILE_FROM} ou plus (habitants)`, kind: 'count' },
				...FAR_KM.map((km) => ({ key: `au_dela_${km}km`, label: `Dont à plus de ${km} km de tout lieu (habitants)`, kind: 'count' as const })),
				{ key: 'part_15km', label: 'Part de la population fragile à plus de 15 km (%)', kind: 'percent' }
			],
			rows,
			total: [department.name, ...cells(total)],
			notes: [
				'Distance à vol d’oiseau du centre de chaque commune au lieu de médiation numérique le plus proche (de tout département)\u00a0; toute la population d’une commune compte à la distance de son centre.',
				`Lieux\u00a0: ceux que maillage connaît ${asOf}, hors lieux fermés définitivement.`,
				...indexNote.slice(2)
			]
		};
		blocks.push({
			table,
			summary: total.fragile
				? `Sur ${int(total.fragile)} habitants de communes fragiles, ${int(total.far[0])} vivent à plus de 10 km de tout lieu et ${int(total.far[1])} à plus de 15 km.`
				: `Aucune commune du département n’a un indice de ${FRAGILE_FROM} ou plus.`,
			map: { tableId: table.id, title: 'Population fragile à plus de 10 km de tout lieu', level: levelK, kind: 'count', figures }
		});
	}

	return {
		blocks,
		key: {
			index: mean(total, 'total'),
			fragilePopulation: total.fragile,
			fragileShare: round(share(total.fragile, total.population), 3),
			fragileBeyond15km: total.far[1],
			withoutIndex
		}
	};
}
