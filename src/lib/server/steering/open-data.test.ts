/**
 * The demand and outcomes published as open data (issue 16, items 8 and 9), on PGlite and
 * PostgreSQL: the facts of a year written straight into `steering_facts` (the refresh has its
 * own tests in steering.test.ts), with many small counts on purpose, read on 7 June 2026
 * (months up to May published).
 *
 * - every published table is the coordinator's steering table, cell for cell (the same masks);
 * - no count of 1 to 4 persons in any file, and none found by an attacker who downloads every
 *   file of every period and level and subtracts: a table's rows from its total, an EPCI's,
 *   an area's or the département's communes from its figure, a quarter's months from the
 *   quarter, a year's quarters or months from the year;
 * - a period not published yet, or not refreshed since its publication, is refused;
 * - an unknown table, a table per structure, a bad period or level: a French 404 or 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openWorld, type World } from '../../../../test/world.ts';
import { onPostgres } from '../../../../test/db.ts';
import type { Actor } from '../accounts/index.ts';
import { AUTONOMY_SCALE, AXES, QUESTIONS } from '../assessment/index.ts';
import { AGE_BANDS, AUTONOMY, DIGITAL_THEMES, GENDERS, KINDS, STATUSES } from '../accompaniments/index.ts';
import { DECLINE_REASONS } from '../referral/index.ts';
import { DELAY_BUCKETS } from './facts-buckets.ts';
import { openDataCatalogue, openDataTable, OPEN_TABLES, steeringExport } from './index.ts';

const TODAY = '2026-06-07';
const YEAR = 2026;
/** the months published on TODAY (January to May), and the periods a reader can download */
const PUBLISHED = 5;
const QUARTERS = Math.ceil(PUBLISHED / 3);
const PERIODS = [
	'2026',
	...Array.from({ length: QUARTERS }, (_, i) => `2026-T${i + 1}`),
	...Array.from({ length: PUBLISHED }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`)
];
const LEVELS = ['commune', 'epci', 'bassin_de_vie', 'departement'];
const PERSON_TABLES = Object.keys(OPEN_TABLES).filter((id) => /^(demande|resultats)-/.test(id));
/** the tables with a row per unit of the level asked */
const BY_UNIT = ['demande-diagnostics-territoire', 'demande-orientations-territoire', 'resultats-honorees-territoire', 'resultats-accompagnements-territoire'];
/** the tables whose rows add up to their total (the others: several answers per person, or steps of one path) */
const ADDITIVE = new Set([
	...BY_UNIT,
	'demande-autonomie',
	'resultats-refus-motifs',
	'resultats-delai-histogramme',
	'resultats-accompagnements-type',
	'resultats-autonomie',
	'resultats-tranche-age',
	'resultats-genre',
	'resultats-statut'
]);
/** columns and rows that are not counts of persons: a rate, a value in euros, a delay */
const NOT_COUNTS = /^(Taux|Valeur faciale|Médiane|9e décile)/;

let w: World;
let coordinator: Actor;
let communes: { code: string; name: string; epci: string }[];
const OUTSIDE = '33063';

/** mulberry32: the same small counts at every run */
function generator(seed: number) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

async function buildFacts() {
	const ccas = await w.organisation('CCAS d’Agen', 'ccas');
	const cd = await w.organisation('Département de Lot-et-Garonne', 'departement');
	coordinator = await w.member('coord@cd47.test', cd, 'coordinator');
	// three communes of Agen's EPCI, two of another, one of a third, and a commune outside the département
	const agen = await w.db.query<{ code: string; name: string; epci: string }>(
		sql`select insee_code as code, name, epci_name as epci from municipalities where department_code = '47'
			and epci_code = (select epci_code from municipalities where insee_code = '47001') order by insee_code = '47001' desc, insee_code limit 3`
	);
	const others = await w.db.query<{ code: string; name: string; epci: string }>(
		sql`select insee_code as code, name, epci_name as epci from municipalities where insee_code in ('47157', '47195', '47323') order by insee_code`
	);
	communes = [...agen, ...others];
	expect(new Set(communes.map((c) => c.epci)).size).toBeGreaterThanOrEqual(3);
	await w.db.query(sql`insert into areas (department_code, kind, name) values ('47', 'bassin_de_vie', 'Bassin d’essai')`);
	await w.db.query(
		sql`insert into area_municipalities (area_id, insee_code) select id, c from areas, unnest(array[${communes[0].code}, ${communes[3].code}]::text[]) c where name = 'Bassin d’essai'`
	);
	const [place] = await w.db.query<{ id: string; commune: string }>(
		sql`select id, code_insee as commune from places where code_insee = ${communes[0].code} order by id limit 1`
	);

	const rnd = generator(16);
	/** mostly small counts: a third of them 1 to 4 */
	const small = () => Math.floor(rnd() ** 2 * 16);
	const rows: unknown[][] = [];
	const fact = (month: number, kind: string, commune: string, org: string, a: string, b: string, n: number, persons = 0, amount = 0) => {
		if (n > 0) rows.push([`${YEAR}-${String(month).padStart(2, '0')}-01`, kind, commune, org, a, b, n, persons, amount]);
	};
	const places = [...communes.map((c) => c.code), OUTSIDE];
	const needs = QUESTIONS.find((q) => q.id === 'besoin')!.options.map((o) => o.value);
	for (let m = 1; m <= PUBLISHED + 1; m++) {
		for (const c of places) {
			const assessed = small();
			fact(m, 'assessment', c, ccas, '', '', assessed);
			for (const axis of Object.keys(AXES)) {
				let left = assessed;
				for (const level of AUTONOMY_SCALE) {
					const k = Math.min(left, small());
					fact(m, 'assessment_axis', c, ccas, axis, level, k);
					left -= k;
				}
				fact(m, 'assessment_axis', c, ccas, axis, '', left);
			}
			for (const need of needs) fact(m, 'assessment_need', c, ccas, need, '', Math.min(assessed, small()));
			const sent = small();
			fact(m, 'referral_sent', c, ccas, '', '', sent);
			fact(m, 'referral_need', c, ccas, pick(needs), '', sent);
			for (const status of ['accepted', 'honoured', 'no_show', 'expired', 'withdrawn']) fact(m, 'referral_event', c, ccas, status, '', small());
			for (const reason of Object.keys(DECLINE_REASONS)) fact(m, 'referral_event', c, ccas, 'declined', reason, rnd() < 0.5 ? small() : 0);
			const individual = small() * 2;
			fact(m, 'accompaniment', c, ccas, 'individual', '', individual, individual);
			const workshops = rnd() < 0.4 ? 1 + Math.floor(rnd() * 2) : 0;
			fact(m, 'accompaniment', c, ccas, 'collective', '', workshops, workshops * (3 + Math.floor(rnd() * 9)));
		}
		fact(m, 'referral_place', place.commune, '', place.id, 'sent', small());
		for (const status of ['honoured', 'declined', 'expired']) fact(m, 'referral_place', place.commune, '', place.id, status, small());
		for (const bucket of DELAY_BUCKETS) fact(m, 'referral_delay', '', '', String(bucket), '', small());
		for (const theme of DIGITAL_THEMES.slice(0, 6)) fact(m, 'accompaniment_theme', communes[0].code, ccas, theme, '', small());
		for (const a of [...Object.keys(AUTONOMY), '']) fact(m, 'accompaniment_autonomy', communes[0].code, ccas, a, '', small());
		for (const [dim, labels] of [
			['age', AGE_BANDS],
			['gender', GENDERS],
			['status', STATUSES]
		] as const)
			for (const v of Object.keys(labels)) {
				const k = small();
				fact(m, 'accompaniment_profile', communes[0].code, ccas, dim, v, k, k);
			}
		for (const event of ['issued', 'distributed', 'redeemed', 'reimbursed', 'expired']) {
			const k = small();
			fact(m, 'voucher', communes[0].code, '', event, 'campagne', k, 0, k * 1000);
		}
	}
	function pick<T>(xs: readonly T[]): T {
		return xs[Math.floor(rnd() * xs.length)];
	}
	expect(Object.keys(KINDS)).toContain('collective');
	for (let i = 0; i < rows.length; i += 500)
		await w.db.query(sql`insert into steering_facts (department_code, month, kind, commune_code, organisation_id, dim_a, dim_b, n, persons, amount_cents)
			select '47', x.month::date, x.kind, x.commune, x.org, x.a, x.b, x.n, x.persons, x.amount
			from jsonb_to_recordset(${JSON.stringify(
				rows.slice(i, i + 500).map(([month, kind, commune, org, a, b, n, persons, amount]) => ({ month, kind, commune, org, a, b, n, persons, amount }))
			)}::jsonb) as x(month text, kind text, commune text, org text, a text, b text, n int, persons int, amount bigint)`);
	// and summed over the communes, as the refresh writes them beside the facts (what the pages read of the kinds they do not draw by commune)
	await w.db.query(sql`insert into steering_facts_summed (department_code, month, kind, organisation_id, dim_a, dim_b, n, persons, amount_cents)
		select department_code, month, kind, organisation_id, dim_a, dim_b, sum(n), sum(persons), sum(amount_cents) from steering_facts group by 1, 2, 3, 4, 5, 6`);
	await refreshedAt('2026-06-06T01:00:00Z');
}

const refreshedAt = (at: string) =>
	w.db.query(sql`insert into steering_refresh (department_code, watermark, refreshed_at, months) values ('47', ${at}::timestamptz, ${at}::timestamptz, 12)
		on conflict (department_code) do update set watermark = excluded.watermark, refreshed_at = excluded.refreshed_at`);

/** The cells of a CSV of ours (`;`, quotes doubled, CRLF), up to the blank line before the notes. */
function parseCsv(body: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let cell = '';
	let quoted = false;
	const text = body.replace(/^\ufeff/, '');
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (quoted) {
			if (ch === '"' && text[i + 1] === '"') {
				cell += '"';
				i++;
			} else if (ch === '"') quoted = false;
			else cell += ch;
		} else if (ch === '"') quoted = true;
		else if (ch === ';') {
			row.push(cell);
			cell = '';
		} else if (ch === '\r' && text[i + 1] === '\n') {
			row.push(cell);
			if (row.length === 1 && row[0] === '') break;
			rows.push(row);
			row = [];
			cell = '';
			i++;
		} else cell += ch;
	}
	return rows;
}

/** What a downloader sees: every cell of a table by row label and column label; null where masked. */
interface Download {
	header: string[];
	rows: Map<string, (number | null)[]>;
}
const numberOf = (s: string): number | null => (s === 'masqué' ? null : Number(s.replace(',', '.')));
const isCount = (v: number | null) => v === null || Number.isInteger(v);

const downloads = new Map<string, Download>();
async function download(table: string, period: string, level: string): Promise<Download> {
	const key = `${table}|${period}|${level}`;
	let d = downloads.get(key);
	if (!d) {
		const { body } = await openDataTable(w.db, '47', table, new URLSearchParams({ periode: period, niveau: level }), TODAY);
		const [header, ...lines] = parseCsv(body);
		d = { header, rows: new Map(lines.map((l) => [l[0], l.slice(1).map(numberOf)])) };
		downloads.set(key, d);
	}
	return d;
}

beforeAll(async () => {
	w = await openWorld({ places: 'agen' });
	await buildFacts();
}, 180_000);
afterAll(async () => {
	await w?.close();
});

const ELSEWHERE = 'Hors du territoire découpé ou commune non renseignée';
const params = (s: string) => new URLSearchParams(`departement=47&${s}`);

describe('the demand and the outcomes as open data', () => {
	it('publishes the very table a coordinator reads on the steering pages, cell for cell', async () => {
		let masked = 0;
		for (const id of PERSON_TABLES)
			for (const asked of ['periode=2026&niveau=commune', 'periode=2026-T2&niveau=epci', 'periode=2026-03&niveau=departement']) {
				const open = await openDataTable(w.db, '47', id, params(asked), TODAY);
				const steering = await steeringExport(w.db, coordinator, id, params(asked), TODAY);
				expect(open.body, `${id} ${asked}`).toBe(steering.body);
				if (open.body.includes(';masqué')) masked++;
			}
		// the world is made of small counts: most tables have masked cells at one of the three asks
		expect(masked).toBeGreaterThan(PERSON_TABLES.length / 2);
	}, 300_000);

	it('lists the tables on /donnees, those about persons apart; their titles are the tables’ own', async () => {
		const { tables } = await openDataCatalogue(w.db);
		expect(tables.filter((t) => t.persons).map((t) => t.id)).toEqual(PERSON_TABLES);
		for (const id of PERSON_TABLES) expect((await openDataTable(w.db, '47', id, params('periode=2026'), TODAY)).title).toBe(OPEN_TABLES[id]);
	}, 120_000);

	it('never shows a count of 1 to 4 persons (a 3 never appears), at any period or level', async () => {
		let cells = 0;
		let masked = 0;
		for (const table of PERSON_TABLES)
			for (const period of PERIODS)
				for (const level of BY_UNIT.includes(table) ? LEVELS : ['departement']) {
					const d = await download(table, period, level);
					d.header.slice(1).forEach((label, c) => {
						if (NOT_COUNTS.test(label)) return;
						for (const [row, values] of d.rows) {
							if (NOT_COUNTS.test(row) || !isCount(values[c])) continue;
							cells++;
							if (values[c] === null) masked++;
							else expect(values[c] < 1 || values[c] > 4, `${table} ${period} ${level}: ${row} / ${label} = ${values[c]}`).toBe(true);
						}
					});
				}
		// the world is made of small counts: many are masked, many are shown
		expect(masked).toBeGreaterThan(100);
		expect(cells - masked).toBeGreaterThan(1000);
	}, 600_000);

	it('lets no one subtract a count of 1 to 4: rows from totals, communes from their EPCI, area or département, months from quarters and years', async () => {
		// every cell a downloader sees: `${table}|${level}|${period}|${row}|${column}`
		const known = new Map<string, number | null>();
		const cell = (table: string, level: string, period: string, row: string, c: number) => `${table}|${level}|${period}|${row}|${c}`;
		const equations: { members: string[]; total: string }[] = [];
		const monthKey = (m: number) => `2026-${String(m).padStart(2, '0')}`;
		const deptName = 'Lot-et-Garonne';
		const everyCommune = await w.db.query<{ name: string; epci: string | null }>(
			sql`select name, epci_name as epci from municipalities where department_code = '47'`
		);
		expect(new Set(everyCommune.map((c) => c.name)).size).toBe(everyCommune.length);
		for (const table of PERSON_TABLES) {
			const levels = BY_UNIT.includes(table) ? LEVELS : ['departement'];
			for (const level of levels) {
				const first = await download(table, '2026', level);
				const columns = first.header
					.slice(1)
					.map((label, c) => ({ label, c }))
					.filter((x) => !NOT_COUNTS.test(x.label));
				const rowLabels = new Set<string>();
				for (const period of PERIODS) for (const r of (await download(table, period, level)).rows.keys()) rowLabels.add(r);
				for (const period of PERIODS) {
					const d = await download(table, period, level);
					// a row left out at the commune level is a commune with nothing: 0, known
					for (const r of rowLabels) for (const { c } of columns) known.set(cell(table, level, period, r, c), d.rows.has(r) ? d.rows.get(r)![c] : 0);
				}
				for (const r of rowLabels) {
					if (NOT_COUNTS.test(r)) continue;
					for (const { c } of columns) {
						for (let q = 1; q <= QUARTERS; q++) {
							const months = [1, 2, 3].map((i) => (q - 1) * 3 + i).filter((m) => m <= PUBLISHED);
							equations.push({ members: months.map((m) => cell(table, level, monthKey(m), r, c)), total: cell(table, level, `2026-T${q}`, r, c) });
						}
						const all = Array.from({ length: PUBLISHED }, (_, i) => i + 1);
						equations.push({ members: all.map((m) => cell(table, level, monthKey(m), r, c)), total: cell(table, level, '2026', r, c) });
						equations.push({
							members: Array.from({ length: QUARTERS }, (_, q) => cell(table, level, `2026-T${q + 1}`, r, c)),
							total: cell(table, level, '2026', r, c)
						});
					}
				}
				if (ADDITIVE.has(table))
					for (const period of PERIODS)
						for (const { c } of columns)
							equations.push({
								members: [...rowLabels].filter((r) => r !== 'Total').map((r) => cell(table, level, period, r, c)),
								total: cell(table, level, period, 'Total', c)
							});
			}
			if (!BY_UNIT.includes(table)) continue;
			// the levels: an EPCI, the area, the département are sums of communes published on their own files
			const columns = (await download(table, '2026', 'commune')).header
				.slice(1)
				.map((label, c) => ({ label, c }))
				.filter((x) => !NOT_COUNTS.test(x.label));
			// every commune of the département (one with nothing has its row left out: 0; a 0 masked reads « masqué »)
			const inDept = everyCommune.map((c) => c.name);
			const byEpci = new Map<string, string[]>();
			for (const c of everyCommune) if (c.epci) byEpci.set(c.epci, [...(byEpci.get(c.epci) ?? []), c.name]);
			for (const period of PERIODS)
				for (const { c } of columns) {
					const sum = (names: string[], total: string, level: string) =>
						equations.push({ members: names.map((n) => cell(table, 'commune', period, n, c)), total: cell(table, level, period, total, c) });
					sum(inDept, deptName, 'departement');
					sum([communes[0].name, communes[3].name], 'Bassin d’essai', 'bassin_de_vie');
					for (const [epci, members] of byEpci) sum(members, epci, 'epci');
					sum([ELSEWHERE], ELSEWHERE, 'departement');
					for (const level of ['epci', 'bassin_de_vie', 'departement'])
						equations.push({ members: [cell(table, 'commune', period, 'Total', c)], total: cell(table, level, period, 'Total', c) });
				}
		}
		// the attacker: any equation with one unknown gives it; again until nothing more comes
		const found = new Map<string, number>();
		const why = new Map<string, string>();
		const value = (k: string) => (known.has(k) ? (known.get(k) ?? found.get(k) ?? null) : 0);
		for (let changed = true; changed;) {
			changed = false;
			for (const e of equations) {
				const unknown = [...e.members, e.total].filter((k) => value(k) === null);
				if (unknown.length !== 1) continue;
				const [k] = unknown;
				const others = e.members.filter((m) => m !== k).reduce((s, m) => s + value(m)!, 0);
				found.set(k, k === e.total ? others : value(e.total)! - others);
				why.set(k, `${e.members.map((m) => `${m}=${value(m)}`).join(' + ')} => ${e.total}=${value(e.total)}`);
				changed = true;
			}
		}
		// how each value was found, one equation per line
		const trace = (k: string, depth = 0): string[] => {
			if (depth > 6 || !why.has(k)) return [];
			const used = why
				.get(k)!
				.split(/ \+ | => /)
				.map((x) => x.replace(/=[^=]*$/, ''));
			return [`${'  '.repeat(depth)}${k}: ${why.get(k)}`, ...used.filter((x) => x !== k).flatMap((x) => trace(x, depth + 1))];
		};
		const leaks = [...found].filter(([, v]) => v >= 1 && v <= 4).map(([k, v]) => `${k} = ${v}\n${trace(k).join('\n')}`);
		expect(leaks).toEqual([]);
		// the attacker did work things out (a masked 0, or a count of 5 or more masked to protect another)
		expect(equations.length).toBeGreaterThan(1000);
		expect(found.size).toBeGreaterThan(10);
	}, 600_000);

	it('the département’s figure and all its communes but one never give that one', async () => {
		for (const table of BY_UNIT)
			for (const period of PERIODS) {
				const dept = (await download(table, period, 'departement')).rows.get('Lot-et-Garonne')!;
				const byCommune = await download(table, period, 'commune');
				const inDept = [...byCommune.rows].filter(([n]) => n !== 'Total' && !n.startsWith('Hors du territoire'));
				dept.forEach((figure, c) => {
					if (figure === null || NOT_COUNTS.test(byCommune.header[c + 1])) return;
					const hidden = inDept.filter(([, v]) => v[c] === null);
					const shownSum = inDept.reduce((s, [, v]) => s + (v[c] ?? 0), 0);
					if (hidden.length === 1) expect([1, 2, 3, 4], `${table} ${period}: ${hidden[0][0]}`).not.toContain(figure - shownSum);
				});
			}
	}, 300_000);

	it('refuses a month not published yet, and a published one not refreshed since its publication', async () => {
		await expect(openDataTable(w.db, '47', 'demande-orientations-territoire', params('periode=2026-06'), TODAY)).rejects.toMatchObject({
			code: 'not_found',
			message: expect.stringMatching(/^Aucun mois de cette période n’est encore publié\u00a0: les chiffres d’un mois paraissent le 5 du mois suivant\.$/)
		});
		// a period not begun is not one (400), as on every open table
		await expect(openDataTable(w.db, '47', 'resultats-genre', params('periode=2026-T3'), TODAY)).rejects.toMatchObject({ code: 'invalid' });
		// May is published on 5 June; the figures were last refreshed on the 4th
		await refreshedAt('2026-06-04T10:00:00Z');
		try {
			await expect(openDataTable(w.db, '47', 'resultats-entonnoir', params('periode=2026-05'), TODAY)).rejects.toMatchObject({ code: 'not_found' });
			expect((await openDataTable(w.db, '47', 'resultats-entonnoir', params('periode=2026-04'), TODAY)).fileName).toBe(
				'resultats-entonnoir-47-2026-04-intercommunalite.csv' // ASCII: a header's filename is read as Latin-1
			);
		} finally {
			await refreshedAt('2026-06-06T01:00:00Z');
		}
		// the quarter under way shows its published months only (what the steering pages show)
		const t2 = await openDataTable(w.db, '47', 'resultats-genre', params('periode=2026-T2'), TODAY);
		expect(t2.body).toBe((await steeringExport(w.db, coordinator, 'resultats-genre', params('periode=2026-T2'), TODAY)).body);
	}, 120_000);

	it.skipIf(!onPostgres())('on PostgreSQL, through the request role without a session: the same files (the facts read as the owner)', async () => {
		// found by the server's walk: without a session the request role reads no département's facts, and every file was « not published »
		const request = await w.requestDatabase(2);
		for (const id of ['demande-orientations-territoire', 'resultats-genre']) {
			const asked = params('periode=2026-T1&niveau=commune');
			expect((await openDataTable(request, '47', id, asked, TODAY)).body, id).toBe((await openDataTable(w.db, '47', id, asked, TODAY)).body);
		}
		const [{ n }] = await request.query<{ n: number }>(sql`select count(*)::int as n from steering_facts`);
		expect(n).toBe(0);
	});

	it('answers an unknown table, a table per structure, place or funder, another département with a French 404', async () => {
		for (const id of [
			'demande-inconnue',
			'demande-orientations-structure',
			'demande-orientations-type',
			'resultats-honorees-lieu',
			'resultats-pass-financeurs',
			'partenaires-fonds',
			'partenaires-orientations',
			'__proto__',
			'constructor'
		])
			await expect(openDataTable(w.db, '47', id, params(''), TODAY), id).rejects.toMatchObject({
				code: 'not_found',
				message: 'Ce jeu de données n’existe pas.'
			});
		await expect(openDataTable(w.db, '33', 'resultats-genre', params(''), TODAY)).rejects.toMatchObject({
			code: 'not_found',
			message: 'Ce département n’est pas publié ici.'
		});
		await expect(openDataTable(w.db, '47', 'resultats-genre', params('periode=2026-T5'), TODAY)).rejects.toMatchObject({ code: 'invalid' });
	});
});
