/**
 * The coordinators' Pass Numérique pages (qualified places, statements, alerts,
 * dashboards): the small decisions the routes share, kept here so they are tested
 * without a server: which département a page shows, the months a
 * statement can be made for, and the readable forms of a service's rows.
 */
import { error } from '@sveltejs/kit';
import type { Database } from '../db/client.ts';
import { can, departmentsWith, type Actor } from '../accounts/index.ts';
import { managedDepartments } from './internal.ts';
import { dashboard, type DashboardRow } from './dashboards.ts';
import { formatCode } from './code.ts';
import { pageError } from '../web/errors.ts';
import { ALERT_LABELS, FRAUD } from './model.ts';
import { euros, monthLabel } from '../../components/format.ts';
import { monthOf, parisDay, previousMonth } from '../../time.ts';
import { MASKED, SMALL_COUNT, suppressSmallCounts } from '../stats/index.ts';

/**
 * The département a page shows: `?departement=` when it is one of the actor's, else
 * their first. None at all: the page is not for them (403).
 */
export function pickDepartment(departments: readonly string[], asked: string | null | undefined): string {
	if (!departments.length) error(403, 'Aucun département ne vous est confié pour le Pass Numérique.');
	return asked && departments.includes(asked) ? asked : departments[0];
}

/** The finished months, most recent first: last month, and the `count - 1` before it. */
export function finishedMonths(today = parisDay(), count = 24): { value: string; label: string }[] {
	const out: { value: string; label: string }[] = [];
	let m = previousMonth(monthOf(today));
	for (let i = 0; i < count; i++, m = previousMonth(m)) out.push({ value: m, label: monthLabel(m) });
	return out;
}

/** "2026-11-01" when it is a finished month, else null. */
export function finishedMonth(value: string | null | undefined, today = parisDay()): string | null {
	if (!value || !/^\d{4}-(0[1-9]|1[0-2])-01$/.test(value)) return null;
	return value < monthOf(today) ? value : null;
}

/** A day of an instant in Paris ("2026-11-22"), for the French date helpers. */
export const parisDate = (at: Date | string | null | undefined): string | null => (at ? parisDay(new Date(at)) : null);

/** A voucher's code as printed (groups of four), or a dash. */
export const printedCode = (code: string | null | undefined): string => (code ? formatCode(code) : '—');

/** The French label of an alert kind (the code itself when unknown). */
export const alertLabel = (kind: string): string => ALERT_LABELS[kind] ?? kind;

/** What an alert's details say, in words ("Commune : Nérac", "10 pass en 4,5 min"). */
export function alertFacts(kind: string, details: unknown): string[] {
	const d = (details && typeof details === 'object' ? details : {}) as Record<string, unknown>;
	const n = (x: unknown) => (typeof x === 'number' ? new Intl.NumberFormat('fr-FR').format(x) : null);
	const out: string[] = [];
	if (kind === 'outside_area' && typeof d.commune === 'string')
		out.push(`Commune du lieu\u00a0: ${d.commune}${typeof d.codeInsee === 'string' ? ` (code Insee ${d.codeInsee})` : ''}`);
	if (kind === 'booklet_burst' && n(d.vouchers)) out.push(`${n(d.vouchers)} pass utilisés en ${n(d.minutes) ?? '?'} min`);
	if (kind === 'check_failures' && n(d.failures))
		out.push(
			`${n(d.failures)} codes inconnus en ${n(d.minutes) ?? '?'} min\u00a0: la vérification des codes est bloquée ${FRAUD.failures.lockMinutes} min pour ce compte`
		);
	return out;
}

/** The URL query of the dashboard's filters (département, campaign, funder), empty parts left out. */
export function dashboardQuery(f: { departement?: string | null; campagne?: string | null; financeur?: string | null }): string {
	const q = new URLSearchParams();
	if (f.departement) q.set('departement', f.departement);
	if (f.campagne) q.set('campagne', f.campagne);
	if (f.financeur) q.set('financeur', f.financeur);
	const s = q.toString();
	return s ? `?${s}` : '';
}

/** "21470000000018" → "214 700 000 00018" (SIREN, then the establishment's number). */
export { spacedSiret } from '../../components/format.ts';

/** "releve-pass-2026-11-mediatheque-de-nerac.csv": the month and the place, ASCII only. */
export function statementFileName(s: { month: string; place: string }, ext: 'csv' | 'pdf'): string {
	const slug = s.place
		.normalize('NFKD')
		.replace(/\p{M}/gu, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 60)
		.replace(/-+$/, '');
	return `releve-pass-${s.month.slice(0, 7)}${slug ? `-${slug}` : ''}.${ext}`;
}

/** The départements whose dashboards the actor reads: those they coordinate, and their partner memberships'. */
export async function dashboardDepartments(database: Database, actor: Actor): Promise<string[]> {
	return [...new Set([...(await managedDepartments(database, actor)), ...departmentsWith(actor, ['partner'])])];
}

/**
 * The dashboard for the URL's filters (`?departement=&campagne=&financeur=`) as the actor
 * may read it, shared by the page and its CSV: a coordinator of the département (`exact`)
 * sees every count, a funder sees small counts masked (shownDashboard). The unmasked rows
 * never leave this function.
 */
export async function dashboardFor(database: Database, actor: Actor, params: URLSearchParams) {
	const departments = await dashboardDepartments(database, actor);
	const departmentCode = pickDepartment(departments, params.get('departement'));
	try {
		const { byCampaign, byArea, byPlace, ...d } = await dashboard(database, actor, departmentCode, {
			campaignId: params.get('campagne') || undefined,
			funderId: params.get('financeur') || undefined
		});
		const exact = can(actor, 'pass.manage', { departmentCode });
		return { departments, departmentCode, ...d, exact, shown: shownDashboard({ byCampaign, byArea, byPlace }, exact) };
	} catch (e) {
		pageError(e);
	}
}

/** A dashboard row as the page shows it: French numbers, the value in euros, `MASKED` where masked. */
export type DashboardRowView = { key: string; label: string; value: string } & Record<(typeof DASHBOARD_COUNTS)[number], string>;

/** A shown row for the page. */
export function dashboardRowView(r: ShownDashboardRow): DashboardRowView {
	const nf = new Intl.NumberFormat('fr-FR');
	const out = { key: r.key, label: r.label, value: r.redeemedCents === null ? MASKED : euros(r.redeemedCents) } as DashboardRowView;
	for (const k of DASHBOARD_COUNTS) out[k] = r[k] === null ? MASKED : nf.format(r[k]);
	return out;
}

/** The dashboard's counts, in the order of its columns. */
export const DASHBOARD_COUNTS = ['issued', 'distributed', 'redeemed', 'reimbursed', 'expired'] as const;
type CountKey = (typeof DASHBOARD_COUNTS)[number];

/**
 * The dashboard's nested counts about people, [part, whole]: used within handed out (the
 * difference: people holding a pass not used yet), reimbursed within used (a recent use).
 * Issued minus handed out is the stock, nobody's.
 */
const NESTED: [CountKey, CountKey][] = [
	['redeemed', 'distributed'],
	['reimbursed', 'redeemed']
];

/** A dashboard row as shown: null where the count is masked (small-counts rule). */
export type ShownDashboardRow = { key: string; label: string } & Record<CountKey | 'redeemedCents', number | null>;

export interface ShownDashboard {
	byCampaign: ShownDashboardRow[];
	byArea: ShownDashboardRow[];
	byPlace: ShownDashboardRow[];
	/** the sum of the campaigns' rows (the same as the territories': every voucher is in both) */
	total: ShownDashboardRow;
	/** whether some count is masked */
	masked: boolean;
}

/**
 * The dashboard's three tables as a reader sees them. `exact` (a coordinator of the
 * département: `pass.manage`, who reads every voucher in the statements anyway) sees every
 * count. Anyone else (a funder) sees them through the small-counts rule
 * (stats/small-counts.ts), column by column in each table, the total of every column
 * being known (it is the campaigns' total row). When a table cannot protect a column but by
 * masking its total, that column is masked in all three tables and in the total, since the
 * other tables would give the total back. The places' table adds up to the vouchers used:
 * its issued, handed-out and used columns all sum to the total of used vouchers. The value
 * used is masked wherever the used or reimbursed count is (it is their count times the
 * face value). The columns are nested: where a row's (or the totals') difference of two shown
 * counts would be from 1 to 4, the part is masked, and everything protected again.
 */
export function shownDashboard(d: { byCampaign: DashboardRow[]; byArea: DashboardRow[]; byPlace: DashboardRow[] }, exact: boolean): ShownDashboard {
	const tables = { byCampaign: d.byCampaign, byArea: d.byArea, byPlace: d.byPlace };
	const sum = (rows: DashboardRow[], k: CountKey | 'redeemedCents') => rows.reduce((a, r) => a + r[k], 0);
	const totalRow: DashboardRow = {
		key: 'total',
		label: 'Total',
		...(Object.fromEntries([...DASHBOARD_COUNTS, 'redeemedCents'].map((k) => [k, sum(d.byCampaign, k as CountKey)])) as Record<
			CountKey | 'redeemedCents',
			number
		>)
	};
	if (exact) return { ...tables, total: totalRow, masked: false };
	// which total each column of the places' table adds up to
	const placeTotal: Record<CountKey, CountKey> = {
		issued: 'redeemed',
		distributed: 'redeemed',
		redeemed: 'redeemed',
		reimbursed: 'reimbursed',
		expired: 'expired'
	};
	const names = Object.keys(tables) as (keyof typeof tables)[];
	const small = (n: number) => n > 0 && n < SMALL_COUNT;
	const totalOf = (name: keyof typeof tables, k: CountKey) => (name === 'byPlace' ? placeTotal[k] : k);
	// cells masked because of a difference (below), and columns masked because of their totals'
	const forced = Object.fromEntries(names.map((n) => [n, new Map(DASHBOARD_COUNTS.map((k) => [k, tables[n].map(() => false)]))])) as Record<
		keyof typeof tables,
		Map<CountKey, boolean[]>
	>;
	const forcedCollapse = new Set<CountKey>();
	let hidden = {} as Record<keyof typeof tables, Map<CountKey, boolean[]>>;
	let collapsed = new Set<CountKey>();
	const masked = (name: keyof typeof tables, k: CountKey, i: number) => hidden[name].get(k)![i] || (collapsed.has(totalOf(name, k)) && tables[name][i][k] > 0);
	for (;;) {
		hidden = Object.fromEntries(names.map((n) => [n, new Map<CountKey, boolean[]>()])) as typeof hidden;
		collapsed = new Set(forcedCollapse);
		for (const name of names)
			for (const k of DASHBOARD_COUNTS) {
				const s = suppressSmallCounts(
					tables[name].map((r) => r[k]),
					SMALL_COUNT,
					forced[name].get(k)
				);
				hidden[name].set(k, s.hidden);
				if (s.totalHidden) collapsed.add(totalOf(name, k));
			}
		// the columns are nested (used within handed out, reimbursed within used): the difference
		// of two shown counts of a row must not be from 1 to 4 either ("2 pass handed out and not
		// used in this commune"); else the part is masked
		let changed = false;
		for (const name of names)
			tables[name].forEach((r, i) => {
				for (const [part, whole] of NESTED)
					if (!masked(name, part, i) && !masked(name, whole, i) && small(r[whole] - r[part])) forced[name].get(part)![i] = changed = true;
			});
		for (const [part, whole] of NESTED)
			if (!collapsed.has(part) && !collapsed.has(whole) && small(totalRow[whole] - totalRow[part])) {
				forcedCollapse.add(part);
				changed = true;
			}
		if (!changed) break;
	}
	const show = (rows: DashboardRow[], name: keyof typeof tables): ShownDashboardRow[] =>
		rows.map((r, i) => {
			const out = { key: r.key, label: r.label } as ShownDashboardRow;
			for (const k of DASHBOARD_COUNTS) {
				out[k] = masked(name, k, i) ? null : r[k];
			}
			out.redeemedCents = out.redeemed === null || out.reimbursed === null ? null : r.redeemedCents;
			return out;
		});
	const total = { key: 'total', label: 'Total' } as ShownDashboardRow;
	for (const k of DASHBOARD_COUNTS) total[k] = collapsed.has(k) ? null : totalRow[k];
	total.redeemedCents = total.redeemed === null || total.reimbursed === null ? null : totalRow.redeemedCents;
	const shown = { byCampaign: show(d.byCampaign, 'byCampaign'), byArea: show(d.byArea, 'byArea'), byPlace: show(d.byPlace, 'byPlace') };
	const any = [...shown.byCampaign, ...shown.byArea, ...shown.byPlace, total].some((r) => DASHBOARD_COUNTS.some((k) => r[k] === null));
	return { ...shown, total, masked: any };
}
