/**
 * The steering pages' figures read and masked in advance, by the refresh job, in the process
 * that runs it (docs/decisions/0018, second amendment): after a refresh that changed what the
 * pages may show (a month published, a published month written again, a full refresh) or
 * after the process started, the coordinators' demand, outcomes and partners pages of each
 * département are built once for the year of its last published month, at every level
 * (communes first: the levels above mask the communes' table first, the same masks). The
 * facts read are kept (figures.ts, per owner's database: the request pool finds them) and the
 * masks solved are kept by their figures (`MASKS`): the first reader after the publication
 * finds both, and reads what a cold computation would give, since the masks are a function of
 * the figures alone and the facts are keyed by the stamp the refresh moved.
 *
 * The offer's places (offer.ts `warmOffer`) are read in advance as well, every cycle: a probe
 * when kept, the Pass past 5 minutes, everything at start or past 6 hours.
 *
 * Bounded: at most `maxDepartments` départements per call and `budgetMs` of work (those left
 * are warmed at the next cycle: their state has not been warmed yet); the event loop is let go
 * between two pages. Nothing personal is read beyond the facts; the whole network's scope only
 * (each partner's scope is read by its first reader, as before).
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { getInstanceSettings } from '../territory/index.ts';
import { parisDay } from '../../time.ts';
import { openDataContext } from './context.ts';
import { demandOf } from './demand.ts';
import { outcomesOf } from './outcomes.ts';
import { partnersOf } from './partners.ts';
import { warmOffer } from './offer.ts';
import { levelKey } from './model.ts';
import { lastPublishedMonth } from './publication.ts';
import type { Reader } from './sections.ts';

/** départements warmed per call at most (4 entries of facts each: within what figures.ts keeps) */
export const WARM_DEPARTMENTS = 12;
/** the work of one call at most, in ms (a département of 890 communes takes a few seconds) */
export const WARM_BUDGET_MS = 120_000;

export interface WarmReport {
	departments: { code: string; year: number; published: number; pages: number; ms: number }[];
	/** départements whose state was already warmed */
	unchanged: number;
	/** départements left for the next call (budget spent) */
	left: string[];
	/** départements whose offer places were read or checked (offer.ts `warmOffer`) */
	offer: number;
	ms: number;
}

/** Per owner's database: département → the state last warmed (year, published months, figures' stamp). */
const warmed = new WeakMap<Database, Map<string, string>>();

/** Forgets what was warmed (tests). */
export function forgetWarmed(database: Database): void {
	warmed.delete(database);
}

const pause = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Builds the coordinators' figure pages of the départements (the instance's by default) whose
 * published figures changed since they were last warmed in this process. `database`: the
 * owner's (the job's; row-level security would show it no département's facts).
 */
export async function warmSteering(
	database: Database,
	opts: { departments?: string[]; now?: Date; budgetMs?: number; maxDepartments?: number } = {}
): Promise<WarmReport> {
	const t = performance.now();
	const owner = database;
	const now = opts.now ?? new Date();
	const budget = opts.budgetMs ?? WARM_BUDGET_MS;
	const max = opts.maxDepartments ?? WARM_DEPARTMENTS;
	const codes = opts.departments ?? (await getInstanceSettings(owner)).departmentCodes;
	let done = warmed.get(owner);
	if (!done) warmed.set(owner, (done = new Map()));
	const states = await owner.query<{ code: string; at: string; changed: string }>(
		sql`select department_code as code, refreshed_at::text as at, figures_changed_at::text as changed from steering_refresh`
	);
	const stateOf = new Map(states.map((s) => [s.code, s]));
	const report: WarmReport = { departments: [], unchanged: 0, left: [], offer: 0, ms: 0 };
	for (const code of codes) {
		const state = stateOf.get(code);
		if (!state) continue;
		// what yearFacts will key the facts by: the published months as of the last refresh
		const refreshed = new Date(state.at);
		const last = lastPublishedMonth(refreshed < now ? refreshed : now);
		const year = Number(last.slice(0, 4));
		const published = Number(last.slice(5, 7));
		const key = JSON.stringify([year, published, state.changed]);
		if (done.get(code) === key) {
			report.unchanged++;
			continue;
		}
		if (report.departments.length >= max || performance.now() - t > budget) {
			report.left.push(code);
			continue;
		}
		const t0 = performance.now();
		const today = parisDay(now);
		const params = new URLSearchParams({ departement: code, periode: String(year) });
		const first = await openDataContext(owner, params, today);
		let pages = 0;
		for (const level of first.levels) {
			const context = { ...first, query: { ...first.query, level } };
			// the whole network's scope, as a coordinator reads it
			const reader: Reader = { context, scope: null, departmentName: first.departments[0].name };
			await demandOf(owner, reader, now);
			await pause();
			await outcomesOf(owner, reader, now);
			await pause();
			pages += 2;
			// the partners' page is the same at every level
			if (levelKey(level) === levelKey(first.levels[0])) {
				await partnersOf(owner, reader, now);
				await pause();
				pages++;
			}
		}
		done.set(code, key);
		report.departments.push({ code, year, published, pages, ms: Math.round(performance.now() - t0) });
	}
	// the offer's places, read in advance too (a probe when kept; the Pass past 5 minutes; all of them at start)
	report.offer = await warmOffer(owner, codes, parisDay(now));
	report.ms = Math.round(performance.now() - t);
	return report;
}
