/**
 * Steering (issue 16), the offer's tables, pure: places per 10,000 inhabitants by service and
 * by unit, the population within 5, 10 and 15 km of a place (straight line), the white zones,
 * the freshness of the places' data and the places accepting the Pass Numérique.
 *
 * What the period changes: the places counted are those known by its last day (offer-model's
 * knownSince); their services, hours, positions and freshness are today's (maillage keeps no
 * history of a place's fields), which the tables' notes say.
 */
import { SERVICES } from '../places/index.ts';
import { dayLabel } from '../../components/format.ts';
import { addDays } from '../../time.ts';
import type { Level, Period, SteeringCell, SteeringTable } from './model.ts';
import { levelKey, levelLabel } from './model.ts';
import { byFrench, levelPlural, NO_EPCI, OUTSIDE_AREAS, unitsOf, type SteeringUnit, type UnitCommune } from './units.ts';
import { count, dec, int, pct, per10k, round, rowsAndFigures, share, type SteeringBlock, type UnitRow } from './blocks.ts';
import {
	ADMIN_SERVICE,
	communeReach,
	halfDaysOpen,
	monthsBefore,
	placesAt,
	REACH_KM,
	SEARCH_METRES,
	WHITE_ZONE_KM,
	within,
	type CommuneReach,
	type PlaceFact
} from './offer-model.ts';

export interface OfferCommune extends UnitCommune {
	latitude: number | null;
	longitude: number | null;
	population: number;
	fragility: { total: number } | null;
}

export interface OfferInput {
	department: { code: string; name: string };
	level: Level;
	period: Period;
	/** the Paris day freshness is measured at */
	today: string;
	/** the minimum of half-days open a week (1–14) */
	halfDays: number;
	communes: OfferCommune[];
	/** the département's places and those near it (any département) */
	places: PlaceFact[];
	/** per commune, the nearest places among those existing at the period's end, when computed already */
	reach?: Map<string, CommuneReach>;
}

export interface OfferFigures {
	/** the last day of the period, the day the stock is measured at */
	at: string;
	blocks: SteeringBlock[];
	/** the département's key figures (home page) */
	key: {
		places: number;
		population: number;
		placesPer10k: number | null;
		adminWithin10km: number | null;
		whiteZoneCommunes: number;
		whiteZonePopulation: number;
		fresh12: number | null;
		passPlaces: number;
	};
	/** per commune, the nearest places (the fragility section reads it) */
	reach: Map<string, CommuneReach>;
}

interface Tally {
	population: number;
	places: number;
	byService: number[];
	admin: number;
	pass: number;
	fresh12: number;
	fresh18: number;
	hoursKnown: number;
	openEnough: number;
	adminWithin: number[];
	openWithin: number[];
	whitePopulation: number;
}

const emptyTally = (): Tally => ({
	population: 0,
	places: 0,
	byService: SERVICES.map(() => 0),
	admin: 0,
	pass: 0,
	fresh12: 0,
	fresh18: 0,
	hoursKnown: 0,
	openEnough: 0,
	adminWithin: REACH_KM.map(() => 0),
	openWithin: REACH_KM.map(() => 0),
	whitePopulation: 0
});

export function offerFigures(input: OfferInput): OfferFigures {
	const { department, level, period, today, halfDays } = input;
	const at = addDays(period.end, -1);
	const existing = placesAt(input.places, period.end);
	const reach = input.reach ?? communeReach(input.communes, existing);
	const mine = existing.filter((p) => p.departmentCode === department.code);
	const communeOf = new Map(input.communes.map((c) => [c.inseeCode, c]));
	const since12 = monthsBefore(today, 12);
	const since18 = monthsBefore(today, 18);

	// per commune, then per unit
	const placesByCommune = new Map<string, PlaceFact[]>();
	const unplaced: PlaceFact[] = [];
	for (const p of mine) {
		if (p.codeInsee && communeOf.has(p.codeInsee)) {
			const list = placesByCommune.get(p.codeInsee);
			if (list) list.push(p);
			else placesByCommune.set(p.codeInsee, [p]);
		} else unplaced.push(p);
	}
	const addPlaces = (t: Tally, ps: readonly PlaceFact[]) => {
		for (const p of ps) {
			t.places++;
			SERVICES.forEach((s, i) => p.services.includes(s) && t.byService[i]++);
			if (p.services.includes(ADMIN_SERVICE)) t.admin++;
			if (p.acceptsPass) t.pass++;
			if (p.dateMaj >= since12) t.fresh12++;
			if (p.dateMaj >= since18) t.fresh18++;
			const h = halfDaysOpen(p.openWeek);
			if (h != null) t.hoursKnown++;
			if (h != null && h >= halfDays) t.openEnough++;
		}
	};
	const addCommune = (t: Tally, code: string) => {
		const c = communeOf.get(code)!;
		const r = reach.get(code)!;
		t.population += c.population;
		REACH_KM.forEach((km, i) => {
			if (within(r.admin, km)) t.adminWithin[i] += c.population;
			if (within(r.open[halfDays - 1], km)) t.openWithin[i] += c.population;
		});
		if (!within(r.any, WHITE_ZONE_KM)) t.whitePopulation += c.population;
		addPlaces(t, placesByCommune.get(code) ?? []);
	};
	const tallyOf = (u: SteeringUnit) => {
		const t = emptyTally();
		for (const code of u.communes) addCommune(t, code);
		return t;
	};
	const units = unitsOf(input.communes, level, department);
	const tallies = units.map((u) => ({ unit: u, t: tallyOf(u) }));
	const total = emptyTally();
	for (const c of input.communes) addCommune(total, c.inseeCode);
	addPlaces(total, unplaced);
	// the département as its one unit holds the places without a commune too
	if (level.kind === 'departement') tallies[0].t = total;

	const by = levelLabel(level);
	const onDay = dayLabel(at);
	const asOf = period.ongoing ? 'aujourd’hui' : `au ${onDay}`;
	const placesNote = `Lieux comptés\u00a0: ceux que maillage connaît ${asOf} (date de mise à jour ou d’enregistrement, la plus ancienne), hors lieux fermés définitivement\u00a0; leurs services, horaires et positions sont ceux d’aujourd’hui (l’historique des fiches n’est pas conservé).`;
	const popNote = 'Population\u00a0: la population municipale du recensement de l’Insee chargée avec les communes.';
	const unplacedNote = unplaced.length
		? [`${count(unplaced.length, 'lieu du département n’a', 'lieux du département n’ont')} pas de commune connue\u00a0: ils ne comptent que dans le total.`]
		: [];
	const levelK = levelKey(level);
	const blocks: SteeringBlock[] = [];

	// 1. by service, for the département
	{
		const rows = SERVICES.map((s, i) => ({ s, n: total.byService[i] })).sort((a, b) => b.n - a.n || byFrench(a.s, b.s));
		const top = rows[0];
		const table: SteeringTable = {
			id: 'offre-services',
			title: `Lieux de médiation numérique par service, ${department.name}, ${asOf}`,
			columns: [
				{ key: 'service', label: 'Service', kind: 'text' },
				{ key: 'lieux', label: 'Lieux', kind: 'count' },
				{ key: 'pour10k', label: 'Lieux pour 10 000 habitants', kind: 'per10k' }
			],
			rows: rows.map((r) => [r.s, r.n, round(per10k(r.n, total.population))]),
			total: ['Tous les lieux (un lieu compte une fois)', total.places, round(per10k(total.places, total.population))],
			notes: [placesNote, popNote, 'Un lieu qui propose plusieurs services compte dans chacun.']
		};
		blocks.push({
			table,
			summary: `${department.name} compte ${count(total.places, 'lieu', 'lieux')} de médiation numérique ${asOf}, soit ${dec(per10k(total.places, total.population) ?? 0)} pour 10 000 habitants${top && top.n ? `\u00a0; le service le plus proposé est « ${top.s} » (${count(top.n, 'lieu', 'lieux')})` : ''}.`
		});
	}

	// 2. by unit: places, rates, Pass, freshness
	{
		const unitRows: UnitRow[] = tallies.map(({ unit, t }) => {
			const rate = round(per10k(t.places, t.population));
			return {
				unit,
				value: rate,
				cells: [
					unit.name,
					t.population,
					t.places,
					rate,
					round(per10k(t.admin, t.population)),
					t.pass,
					round(share(t.fresh12, t.places), 3),
					round(share(t.fresh18, t.places), 3)
				]
			};
		});
		unitRows.sort(
			(a, b) => (a.value ?? Infinity) - (b.value ?? Infinity) || (b.cells[1] as number) - (a.cells[1] as number) || byFrench(a.unit.name, b.unit.name)
		);
		const { rows, figures } = rowsAndFigures(unitRows);
		const none = tallies.filter(({ unit, t }) => t.places === 0 && t.population > 0 && unit.code !== NO_EPCI.code && unit.code !== OUTSIDE_AREAS.code);
		const nonePop = none.reduce((s, { t }) => s + t.population, 0);
		const table: SteeringTable = {
			id: 'offre-territoires',
			title: `Lieux par ${by.toLowerCase()}, pour 10 000 habitants, ${asOf}`,
			columns: [
				{ key: 'territoire', label: by, kind: 'text' },
				{ key: 'population', label: 'Population (habitants)', kind: 'count' },
				{ key: 'lieux', label: 'Lieux', kind: 'count' },
				{ key: 'pour10k', label: 'Lieux pour 10 000 habitants', kind: 'per10k' },
				{ key: 'demarches_pour10k', label: 'Lieux « Aide aux démarches administratives » pour 10 000 habitants', kind: 'per10k' },
				{ key: 'pass', label: 'Lieux acceptant le Pass Numérique', kind: 'count' },
				{ key: 'maj_12_mois', label: 'Lieux mis à jour depuis moins de 12 mois (%)', kind: 'percent' },
				{ key: 'maj_18_mois', label: 'Lieux mis à jour depuis moins de 18 mois (%)', kind: 'percent' }
			],
			rows,
			total: [
				department.name,
				total.population,
				total.places,
				round(per10k(total.places, total.population)),
				round(per10k(total.admin, total.population)),
				total.pass,
				round(share(total.fresh12, total.places), 3),
				round(share(total.fresh18, total.places), 3)
			],
			notes: [
				placesNote,
				`Fraîcheur mesurée aujourd’hui (${dayLabel(today)})\u00a0: part des lieux dont la date de mise à jour est postérieure au ${dayLabel(since12)} (12 mois) ou au ${dayLabel(since18)} (18 mois)\u00a0; une date inconnue compte comme ancienne.`,
				'Pass Numérique\u00a0: lieux qualifiés pour l’accepter (structure qualifiée ou source qui le dit), aujourd’hui.',
				...unplacedNote
			]
		};
		blocks.push({
			table,
			summary:
				`${pct(share(total.fresh12, total.places) ?? 0)} des lieux ont été mis à jour depuis moins de 12 mois, ${pct(share(total.fresh18, total.places) ?? 0)} depuis moins de 18 mois\u00a0; ${count(total.pass, 'lieu accepte', 'lieux acceptent')} le Pass Numérique.` +
				(level.kind === 'departement'
					? ''
					: none.length
						? ` ${count(none.length, by.toLowerCase(), levelPlural(level))} (${int(nonePop)} habitants) ${none.length > 1 ? 'n’ont' : 'n’a'} aucun lieu.`
						: ` Chaque ${by.toLowerCase()} a au moins un lieu.`),
			map: { tableId: table.id, title: 'Lieux pour 10 000 habitants', level: levelK, kind: 'per10k', figures }
		});
	}

	// 3. services by unit
	{
		const unitRows: UnitRow[] = tallies.map(({ unit, t }) => ({
			unit,
			value: round(per10k(t.admin, t.population)),
			cells: [unit.name, t.population, ...t.byService.map((n) => round(per10k(n, t.population)))]
		}));
		const { rows } = rowsAndFigures(unitRows);
		blocks.push({
			table: {
				id: 'offre-services-territoires',
				title: `Lieux pour 10 000 habitants par service et par ${by.toLowerCase()}, ${asOf}`,
				columns: [
					{ key: 'territoire', label: by, kind: 'text' },
					{ key: 'population', label: 'Population (habitants)', kind: 'count' },
					...SERVICES.map((s, i) => ({ key: `service_${i + 1}`, label: `${s} (pour 10 000 habitants)`, kind: 'per10k' as const }))
				],
				rows,
				total: [department.name, total.population, ...total.byService.map((n) => round(per10k(n, total.population)))],
				notes: [placesNote]
			},
			summary: `Le détail du premier tableau pour chaque ${by.toLowerCase()}, dans l’ordre alphabétique\u00a0: pour chaque service, le nombre de lieux qui le proposent pour 10 000 habitants.`
		});
	}

	// 4. access: population within 5, 10, 15 km
	{
		const cells = (t: Tally): SteeringCell[] => [
			t.population,
			...t.adminWithin.map((n) => round(share(n, t.population), 3)),
			...t.openWithin.map((n) => round(share(n, t.population), 3)),
			t.whitePopulation
		];
		const unitRows: UnitRow[] = tallies.map(({ unit, t }) => ({
			unit,
			value: round(share(t.adminWithin[1], t.population), 3),
			cells: [unit.name, ...cells(t)]
		}));
		unitRows.sort((a, b) => (a.value ?? Infinity) - (b.value ?? Infinity) || byFrench(a.unit.name, b.unit.name));
		const { rows, figures } = rowsAndFigures(unitRows);
		const placesWithoutHours = total.places - total.hoursKnown;
		const halfDaysWord = `${halfDays} demi-journée${halfDays > 1 ? 's' : ''}`;
		const table: SteeringTable = {
			id: 'offre-acces',
			title: `Population à moins de 5, 10 et 15 km d’un lieu, par ${by.toLowerCase()} (distance à vol d’oiseau)`,
			columns: [
				{ key: 'territoire', label: by, kind: 'text' },
				{ key: 'population', label: 'Population (habitants)', kind: 'count' },
				...REACH_KM.map((km) => ({
					key: `demarches_${km}km`,
					label: `À moins de ${km} km d’un lieu « Aide aux démarches administratives » (%)`,
					kind: 'percent' as const
				})),
				...REACH_KM.map((km) => ({
					key: `ouvert_${km}km`,
					label: `À moins de ${km} km d’un lieu ouvert au moins ${halfDaysWord} par semaine (%)`,
					kind: 'percent' as const
				})),
				{ key: 'zone_blanche', label: `Population sans lieu à moins de ${WHITE_ZONE_KM} km (habitants)`, kind: 'count' }
			],
			rows,
			total: [department.name, ...cells(total)],
			notes: [
				'Distances à vol d’oiseau (en ligne droite), du centre de chaque commune au lieu le plus proche, quel que soit son département\u00a0; toute la population d’une commune compte à la distance de son centre.',
				`Une demi-journée compte quand le lieu est ouvert au moins une heure le matin (avant 13 h) ou l’après-midi (après 13 h), d’après ses horaires d’aujourd’hui. ${placesWithoutHours ? `${count(placesWithoutHours, 'lieu du département n’a', 'lieux du département n’ont')} pas d’horaires connus\u00a0: ils ne comptent pas comme ouverts (ouverture inconnue).` : 'Tous les lieux du département ont des horaires connus.'}`,
				placesNote
			]
		};
		const p = (n: number) => pct(share(n, total.population) ?? 0);
		blocks.push({
			table,
			summary: `${p(total.adminWithin[0])} des habitants vivent à moins de 5 km d’un lieu d’aide aux démarches administratives, ${p(total.adminWithin[1])} à moins de 10 km et ${p(total.adminWithin[2])} à moins de 15 km (${int(total.adminWithin[2])} habitants). À moins de 10 km d’un lieu ouvert au moins ${halfDaysWord} par semaine\u00a0: ${p(total.openWithin[1])}.`,
			map: {
				tableId: table.id,
				title: 'Part de la population à moins de 10 km d’un lieu d’aide aux démarches administratives',
				level: levelK,
				kind: 'percent',
				figures
			}
		});
	}

	// 5. white zones
	const white = input.communes
		.filter((c) => !within(reach.get(c.inseeCode)!.any, WHITE_ZONE_KM))
		.sort((a, b) => b.population - a.population || byFrench(a.name, b.name));
	const whitePopulation = white.reduce((s, c) => s + c.population, 0);
	{
		const far = `plus de ${SEARCH_METRES / 1000} km`;
		blocks.push({
			table: {
				id: 'offre-zones-blanches',
				title: `Zones blanches\u00a0: communes sans aucun lieu à moins de ${WHITE_ZONE_KM} km, ${asOf}`,
				columns: [
					{ key: 'commune', label: 'Commune', kind: 'text' },
					{ key: 'code_insee', label: 'Code Insee', kind: 'text' },
					{ key: 'epci', label: 'Intercommunalité', kind: 'text' },
					{ key: 'population', label: 'Population (habitants)', kind: 'count' },
					{ key: 'distance', label: 'Lieu le plus proche (km, à vol d’oiseau)', kind: 'km' },
					{ key: 'ifn', label: 'Indice de fragilité numérique (0 à 10)', kind: 'score' }
				],
				rows: white.map((c) => {
					const d = reach.get(c.inseeCode)!.any;
					return [c.name, c.inseeCode, c.epciName ?? '', c.population, d == null ? far : round(d / 1000), round(c.fragility?.total ?? null, 2)];
				}),
				total: white.length ? [`${count(white.length, 'commune', 'communes')}`, '', '', whitePopulation, null, null] : undefined,
				notes: [
					`Distance à vol d’oiseau du centre de la commune au lieu le plus proche (de tout département), cherché jusqu’à ${SEARCH_METRES / 1000} km.`,
					'Indice de fragilité numérique\u00a0: de 0 à 10, plus il est haut, plus la commune est fragile\u00a0; vide quand l’indice ne couvre pas la commune.',
					placesNote
				]
			},
			summary: white.length
				? `${count(white.length, 'commune', 'communes')}, ${int(whitePopulation)} habitants, ${white.length > 1 ? 'n’ont' : 'n’a'} aucun lieu à moins de ${WHITE_ZONE_KM} km${white.length > 1 ? ', les plus peuplées d’abord' : ''}.`
				: `Toutes les communes du département ont au moins un lieu à moins de ${WHITE_ZONE_KM} km.`
		});
	}

	return {
		at,
		blocks,
		reach,
		key: {
			places: total.places,
			population: total.population,
			placesPer10k: round(per10k(total.places, total.population)),
			adminWithin10km: round(share(total.adminWithin[1], total.population), 3),
			whiteZoneCommunes: white.length,
			whiteZonePopulation: whitePopulation,
			fresh12: round(share(total.fresh12, total.places), 3),
			passPlaces: total.pass
		}
	};
}
