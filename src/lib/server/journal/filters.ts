/**
 * The journal's filters, read from the URL by its page and its CSV export alike (issue 12,
 * item 13): a person, a structure, an action (or a family of actions) and a period, each
 * chosen from a list; or two dates. `cible` (a target's id) is kept for links from other
 * pages. Invalid values give French messages, never a 500.
 */
import type { Actor } from '../accounts/index.ts';
import { departmentsWith, membersOf } from '../accounts/index.ts';
import { isCalendarDay } from '../web/params.ts';
import { addDays, parisDay, parisMidnight } from '../../time.ts';
import { ACTIONS, FAMILIES } from './sentences.ts';
import type { JournalQuery } from '../audit/index.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export const PERIODS = {
	jour: 'Aujourd’hui',
	'7j': 'Les 7 derniers jours',
	'30j': 'Les 30 derniers jours',
	mois: 'Ce mois-ci',
	'mois-dernier': 'Le mois dernier',
	annee: 'Cette année'
} as const;
export type Period = keyof typeof PERIODS;

export interface JournalFilters {
	auteur: string;
	structure: string;
	action: string;
	periode: string;
	du: string;
	au: string;
	cible: string;
}

/** The instants a period covers, in Paris days: [from, to). */
export function periodBounds(p: Period, now = new Date()): { from: Date; to: Date } {
	const today = parisDay(now);
	const tomorrow = parisMidnight(addDays(today, 1));
	const month = `${today.slice(0, 8)}01`;
	switch (p) {
		case 'jour':
			return { from: parisMidnight(today), to: tomorrow };
		case '7j':
			return { from: parisMidnight(addDays(today, -6)), to: tomorrow };
		case '30j':
			return { from: parisMidnight(addDays(today, -29)), to: tomorrow };
		case 'mois':
			return { from: parisMidnight(month), to: tomorrow };
		case 'mois-dernier': {
			const last = `${addDays(month, -1).slice(0, 8)}01`;
			return { from: parisMidnight(last), to: parisMidnight(month) };
		}
		case 'annee':
			return { from: parisMidnight(`${today.slice(0, 4)}-01-01`), to: tomorrow };
	}
}

/** The départements whose journal the viewer reads (null: all of them, for the instance administrator). */
export function journalDepartments(actor: Actor): string[] | null {
	return actor.isAdmin ? null : departmentsWith(actor, ['coordinator']);
}

export function readFilters(p: URLSearchParams): JournalFilters {
	const get = (k: string, max = 80) => (p.get(k) ?? '').trim().slice(0, max);
	return {
		auteur: get('auteur'),
		structure: get('structure'),
		action: get('action'),
		periode: get('periode'),
		du: get('du', 20),
		au: get('au', 20),
		cible: get('cible', 200)
	};
}

const knownAction = (a: string) => Object.hasOwn(ACTIONS, a) || FAMILIES.some((f) => f.prefix === a);

/** The query for searchJournal, or the fields' errors (French). */
export function journalQuery(actor: Actor, f: JournalFilters, now = new Date()): { query: JournalQuery; errors: Record<string, string> } {
	const errors: Record<string, string> = {};
	if (f.auteur && !UUID.test(f.auteur)) errors.auteur = 'Choisissez la personne dans la liste.';
	if (f.structure && !UUID.test(f.structure)) errors.structure = 'Choisissez la structure dans la liste.';
	if (f.action && !knownAction(f.action)) errors.action = 'Choisissez l’action dans la liste.';
	if (f.periode && !Object.hasOwn(PERIODS, f.periode)) errors.periode = 'Choisissez la période dans la liste.';
	// a date in the right format that does not exist (2026-13-45) gets the same message
	if (f.du && (!DAY.test(f.du) || !isCalendarDay(f.du))) errors.du = 'Date invalide. Format attendu\u00a0: 2026-11-22';
	if (f.au && (!DAY.test(f.au) || !isCalendarDay(f.au))) errors.au = 'Date invalide. Format attendu\u00a0: 2026-11-22';
	if (!errors.du && !errors.au && f.du && f.au && f.du > f.au) errors.au = 'La date de fin doit suivre la date de début.';
	let from: Date | undefined;
	let to: Date | undefined;
	if (f.periode && Object.hasOwn(PERIODS, f.periode)) {
		const b = periodBounds(f.periode as Period, now);
		from = b.from;
		to = new Date(b.to.getTime() - 1);
	} else {
		if (f.du && !errors.du) from = parisMidnight(f.du);
		if (f.au && !errors.au) to = new Date(parisMidnight(addDays(f.au, 1)).getTime() - 1);
	}
	return {
		query: {
			departmentCodes: journalDepartments(actor),
			action: f.action || undefined,
			actorId: f.auteur || undefined,
			organisation: f.structure ? { id: f.structure, members: membersOf(f.structure) } : undefined,
			targetId: f.cible || undefined,
			from,
			to
		},
		errors
	};
}

/** The URL query of the filters (empty ones left out), for the next page and the CSV link. */
export function filtersQuery(f: JournalFilters, extra: Record<string, string> = {}): string {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries({ ...f, ...extra })) if (v) q.set(k, v);
	return q.toString();
}
