/**
 * Equipping people in the steering space (issue 18, item 5; decision 0023), for the
 * département's coordinators: the devices handed over by area of the request (the waiting
 * lists' areas) and by month, the median days from the request to the handover, and the share
 * of people whose set-up accompaniment was done within 60 days of the handover.
 *
 * The figures are read from the equipment capability (`handoverFigures`: a few thousand
 * handovers a year, no refresh needed) as this page's facts, for the published months only (a month appears on the
 * 5th of the next), and masked by the steering's one builder (figures.ts buildTable, decision
 * 0018): 1 to 4 people never shown, nor any figure that would tell them by difference between
 * cells, months, quarters and the year. Which month a figure counts in:
 * - a device handed over: the month of its handover;
 * - the delay: the month of the request's first handover (an exchange under warranty is a
 *   second device, not a second wait);
 * - the set-up: the month its 60 days end (the first handover of the request), so that a
 *   published month does not move when an accompaniment is done later.
 */
import type { Database } from '../db/client.ts';
import { can, type Actor } from '../accounts/index.ts';
import { DomainError } from '../errors.ts';
import { listAreas } from '../territory/index.ts';
import { handoverFigures, SETUP_WINDOW_DAYS } from '../equipment/index.ts';
import { addDays, parisMidnight } from '../../time.ts';
import { buildTable, ELSEWHERE, ratio, type FactRow, type YearFacts } from './figures.ts';
import { lastPublishedMonth } from './publication.ts';
import { MASKED_CELL, type SteeringCell, type SteeringTable } from './model.ts';
import { readerOf, shown, summarise, type Reader, type SteeringSection } from './sections.ts';

const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
export const SETUP_ROWS = {
	done: `Prise en main faite dans les ${SETUP_WINDOW_DAYS} jours`,
	other: `Pas faite dans les ${SETUP_WINDOW_DAYS} jours (ou sans nouvelles)`,
	declined: 'La personne n’en voulait pas'
} as const;

const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

/** The year's facts of this page, its published months only (rows as figures.ts reads them). */
export async function equipmentYear(
	database: Database,
	actor: Actor,
	dept: string,
	year: number,
	now = new Date()
): Promise<{ facts: YearFacts; delays: { m: number; days: number }[] }> {
	const last = lastPublishedMonth(now);
	const lastYear = Number(last.slice(0, 4));
	const published = lastYear > year ? 12 : lastYear < year ? 0 : Number(last.slice(5, 7));
	const rows: FactRow[] = [];
	const delays: { m: number; days: number }[] = [];
	if (!published) return { facts: { year, published, rows }, delays };
	const fact = (day: string, kind: string, a: string): FactRow => ({
		month: `${day.slice(0, 7)}-01`,
		m: Number(day.slice(5, 7)) - 1,
		kind,
		commune: '',
		org: '',
		a,
		b: '',
		n: 1,
		persons: 1,
		amount: 0
	});
	const inYear = (day: string) => Number(day.slice(0, 4)) === year && Number(day.slice(5, 7)) <= published;
	// handed over in the year, or whose 60 days end in it
	const from = parisMidnight(addDays(`${year}-01-01`, -SETUP_WINDOW_DAYS - 1));
	for (const h of await handoverFigures(database, actor, dept, from, parisMidnight(`${year + 1}-01-01`))) {
		if (inYear(h.handedDay)) {
			rows.push(fact(h.handedDay, 'equipment_handover', h.areaId !== null ? `area:${h.areaId}` : ELSEWHERE));
			if (h.first) delays.push({ m: Number(h.handedDay.slice(5, 7)) - 1, days: daysBetween(h.requestedDay, h.handedDay) });
		}
		const end = addDays(h.handedDay, SETUP_WINDOW_DAYS);
		if (h.first && inYear(end)) {
			const within = h.done && h.doneOn !== null && h.doneOn <= end;
			rows.push(fact(end, 'equipment_setup', h.accompaniment === 'declined' ? 'declined' : within ? 'done' : 'other'));
		}
	}
	return { facts: { year, published, rows }, delays };
}

function median(xs: number[]): number | null {
	if (!xs.length) return null;
	const s = [...xs].sort((a, b) => a - b);
	const mid = Math.floor(s.length / 2);
	return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Whether the actor reads the equipment's steering figures of the département: its coordinators (and the instance's administrator). */
const mayRead = (actor: Actor, reader: Reader) =>
	reader.scope === null && can(actor, 'equipment.read', { departmentCode: reader.context.query.departmentCode });

/**
 * The page's sections for the period asked. A partner (who reads the other steering pages for
 * its structures) gets none: these figures are the network's, and their workbook skips them.
 */
export async function equipmentSections(
	database: Database,
	actor: Actor,
	params: URLSearchParams,
	now = new Date()
): Promise<{ reader: Reader; sections: SteeringSection[]; allowed: boolean }> {
	const reader = await readerOf(database, actor, params, now);
	if (!can(actor, 'steering.read', { departmentCode: reader.context.query.departmentCode })) throw new DomainError('forbidden', 'Réservé au pilotage.');
	if (!mayRead(actor, reader)) return { reader, sections: [], allowed: false };
	return { reader, sections: await equipmentOf(database, actor, reader, now), allowed: true };
}

/** The sections for a reader already allowed. */
export async function equipmentOf(database: Database, actor: Actor, reader: Reader, now = new Date()): Promise<SteeringSection[]> {
	const q = reader.context.query;
	const year = Number(q.period.start.slice(0, 4));
	const { facts, delays } = await equipmentYear(database, actor, q.departmentCode, year, now);
	const areas = (await listAreas(database, q.departmentCode)).sort((a, b) => a.name.localeCompare(b.name, 'fr'));
	const devices = { key: 'appareils', label: 'Appareils remis', kind: 'persons' as const, of: (f: FactRow) => (f.kind === 'equipment_handover' ? f.n : 0) };

	const byArea = buildTable(
		{
			id: 'materiel-remis-territoire',
			title: 'Appareils remis, par territoire de la demande',
			rowHeading: 'Territoire',
			rows: [...areas.map((a) => ({ key: `area:${a.id}`, label: a.name })), { key: ELSEWHERE, label: 'Sans territoire' }],
			rowOf: (f) => (f.kind === 'equipment_handover' ? f.a : null),
			kinds: ['equipment_handover'],
			columns: [devices],
			additive: true,
			notes: [
				'Le territoire est celui de la liste d’attente où la demande a été inscrite (le niveau choisi en haut de page ne s’applique pas à ce tableau).',
				'Un appareil échangé sous garantie compte comme un second appareil remis.'
			]
		},
		facts,
		q.period
	);

	const months = Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}-01`);
	const byMonthBuilt = buildTable(
		{
			id: 'materiel-remis-mois',
			title: 'Appareils remis, par mois',
			rowHeading: 'Mois',
			rows: months.map((m, i) => ({ key: m, label: `${MONTHS[i]} ${year}` })),
			rowOf: (f) => (f.kind === 'equipment_handover' ? f.month : null),
			kinds: ['equipment_handover'],
			columns: [devices],
			additive: true
		},
		facts,
		q.period
	);
	// the period's published months only (the others read 0 for this period)
	const shownMonths = new Set(
		q.period.months.filter((m) => Number(m.slice(0, 4)) === year && Number(m.slice(5, 7)) <= facts.published).map((m) => m.slice(0, 7))
	);
	const byMonth: SteeringTable = {
		...byMonthBuilt.table,
		rows: byMonthBuilt.table.rows.filter((_, i) => shownMonths.has(months[i].slice(0, 7)))
	};

	// the delay: the count of first handovers masked as persons; the median shown beside a count shown
	const firsts = buildTable(
		{
			id: 'materiel-delai',
			title: 'Délai de la demande à la remise (premier appareil de la demande)',
			rowHeading: 'Remises',
			rows: [{ key: 'all', label: 'Premières remises de la période' }],
			rowOf: (f) => (f.kind === 'equipment_handover' ? 'all' : null),
			kinds: ['equipment_handover'],
			columns: [{ key: 'remises', label: 'Personnes équipées', kind: 'persons', of: (f) => f.n }],
			additive: false,
			notes: [
				'Jours entre la demande du prescripteur et la remise du premier appareil\u00a0; la médiane est masquée avec son nombre de personnes.',
				'Le délai compte dans le mois de la remise.'
			]
		},
		{ ...facts, rows: delays.map((d) => ({ ...fact0, m: d.m, kind: 'equipment_handover' })) },
		q.period
	);
	const inPeriod = new Set([...shownMonths].map((m) => Number(m.slice(5, 7)) - 1));
	const periodDelays = delays.filter((d) => inPeriod.has(d.m)).map((d) => d.days);
	const count = firsts.cells.get('all')?.[0] ?? null;
	const delayTable: SteeringTable = {
		...firsts.table,
		columns: [...firsts.table.columns, { key: 'mediane', label: 'Délai médian (jours)', kind: 'days' }],
		rows: firsts.table.rows.map((r) => [...r, count === null ? MASKED_CELL : median(periodDelays)])
	};
	const setupBuilt = buildTable(
		{
			id: 'materiel-prise-en-main',
			title: `Accompagnement de prise en main dans les ${SETUP_WINDOW_DAYS} jours après la remise`,
			rowHeading: 'Prise en main',
			rows: Object.entries(SETUP_ROWS).map(([key, label]) => ({ key, label })),
			rowOf: (f) => (f.kind === 'equipment_setup' ? f.a : null),
			kinds: ['equipment_setup'],
			columns: [{ key: 'personnes', label: 'Personnes équipées', kind: 'persons', of: (f) => (f.kind === 'equipment_setup' ? f.n : 0) }],
			additive: true,
			notes: [
				`Les personnes dont les ${SETUP_WINDOW_DAYS} jours après la remise (de leur premier appareil) se sont terminés dans la période.`,
				'Faite\u00a0: l’orientation proposée à la remise a été honorée par le lieu (ou un accompagnement hors du réseau noté fait), au plus tard le 60e jour.'
			]
		},
		facts,
		q.period
	);
	const whole = setupBuilt.total?.[0] ?? null;
	const setupTable: SteeringTable = {
		...setupBuilt.table,
		columns: [...setupBuilt.table.columns, { key: 'part', label: 'Part', kind: 'percent' }],
		rows: setupBuilt.table.rows.map((r) => {
			const key = Object.entries(SETUP_ROWS).find(([, l]) => l === r[0])?.[0] ?? '';
			return [...r, ratio(setupBuilt.cells.get(key)?.[0] ?? null, whole)];
		}),
		total: setupBuilt.table.total ? [...setupBuilt.table.total, whole === null ? MASKED_CELL : whole > 0 ? 1 : null] : undefined
	};

	const done: SteeringCell | undefined = setupTable.rows[0]?.[2];
	const share = typeof done === 'number' ? `${String(Math.round(done * 1000) / 10).replace('.', ',')}\u00a0%` : null;
	return [
		{
			id: 'remises',
			title: 'Appareils remis',
			intro: 'Les appareils reconditionnés remis aux personnes orientées par un prescripteur.',
			tables: [shown(byArea, 'appareils remis'), { table: byMonth, summary: summarise(byMonth, 'appareils remis') }]
		},
		{
			id: 'delai',
			title: 'Délai',
			tables: [
				{
					table: delayTable,
					summary:
						typeof delayTable.rows[0]?.[2] === 'number'
							? `Délai médian\u00a0: ${String(delayTable.rows[0][2]).replace('.', ',')} jours.`
							: 'Moins de 5 personnes équipées, ou masquées pour ne pas les laisser déduire\u00a0: le délai n’est pas affiché.'
				}
			]
		},
		{
			id: 'prise-en-main',
			title: 'Prise en main',
			intro: 'L’accompagnement proposé à la remise (une orientation vers un lieu du réseau, un rendez-vous avec un médiateur) et son résultat.',
			tables: [
				{
					table: setupTable,
					summary: share
						? `${share} des personnes équipées ont eu leur accompagnement de prise en main dans les ${SETUP_WINDOW_DAYS} jours.`
						: summarise(setupTable, 'personnes')
				}
			]
		}
	];
}

const fact0: FactRow = { month: '', m: 0, kind: '', commune: '', org: '', a: '', b: '', n: 1, persons: 1, amount: 0 };
