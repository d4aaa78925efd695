/**
 * "Où ?": a text as typed (a commune, a postcode, an address) resolved to a point, or the
 * candidates when it is ambiguous; and the communes suggested while typing.
 */
import type { Database } from '../db/client.ts';
import type { WherePoint, WhereResolution } from '../places/index.ts';
import { searchAddress, type AddressApi, type AddressPoint } from './address-api.ts';
import {
	departmentsOfPostcode,
	isDepartmentCode,
	isInseeCode,
	matchKey,
	municipalityPoint,
	nameKey,
	spellingKey,
	type TerritoryLookup,
	type TerritoryMunicipality
} from './model.ts';
import { candidateWindows, parseWhereQuery, type WhereQuery } from './where-query.ts';
import { byPopulation, hasPoint, municipalityLookup } from './lookup.ts';

export interface ResolveWhereOptions {
	/** the instance's départements: homonyms there come first, a single one there wins */
	departmentCodes?: string[];
	/** an address service; tried for texts that look like an address */
	addressApi?: AddressApi;
}

interface WhereContext {
	lookup: TerritoryLookup;
	prefer: Set<string>;
	q: WhereQuery;
}

const MAX_CANDIDATES = 10;

function found(point: WherePoint | undefined): WhereResolution | undefined {
	return point ? { status: 'found', point } : undefined;
}

function rank(ctx: WhereContext, list: TerritoryMunicipality[], extra?: (m: TerritoryMunicipality) => number) {
	return [...list].sort(
		(a, b) => Number(ctx.prefer.has(b.departmentCode)) - Number(ctx.prefer.has(a.departmentCode)) || (extra ? extra(b) - extra(a) : 0) || byPopulation(a, b)
	);
}

function ambiguous(
	ctx: WhereContext,
	list: TerritoryMunicipality[],
	label?: (m: TerritoryMunicipality) => string,
	kind: WherePoint['kind'] = 'municipality'
): WhereResolution | undefined {
	const candidates = list
		.slice(0, MAX_CANDIDATES)
		.map((m) => municipalityPoint(m, kind, label?.(m)))
		.filter((p): p is WherePoint => !!p);
	if (!candidates.length) return undefined;
	if (candidates.length === 1) return { status: 'found', point: candidates[0] };
	return { status: 'ambiguous', query: ctx.q.raw, candidates };
}

/** Applies the postcode / "(47)" hints; keeps the list when a hint would empty it. */
function applyHints(ctx: WhereContext, list: TerritoryMunicipality[], dep: string | null): TerritoryMunicipality[] {
	let out = list.filter(hasPoint);
	if (dep) {
		const f = out.filter((m) => m.departmentCode === dep);
		if (f.length) out = f;
	}
	const pc = ctx.q.postcode;
	if (pc) {
		const f = out.filter((m) => m.postcodes.includes(pc));
		if (f.length) out = f;
		else {
			const deps = departmentsOfPostcode(pc);
			const g = out.filter((m) => deps.includes(m.departmentCode));
			if (g.length) out = g;
		}
	}
	return out;
}

/** Among communes bearing the typed name: one, or the only one in the instance's départements, else a choice. */
function chooseAmong(ctx: WhereContext, list: TerritoryMunicipality[], text: string, dep: string | null): WhereResolution | undefined {
	let c = applyHints(ctx, list, dep);
	if (!c.length) return undefined;
	if (c.length > 1) {
		const spelled = spellingKey(text);
		const exact = c.filter((m) => ctx.lookup.keys(m).spelling === spelled);
		if (exact.length && exact.length < c.length) c = exact;
	}
	if (c.length === 1) return found(municipalityPoint(c[0]));
	const mine = c.filter((m) => ctx.prefer.has(m.departmentCode));
	if (mine.length === 1) return found(municipalityPoint(mine[0]));
	return ambiguous(ctx, rank(ctx, c));
}

function resolveName(ctx: WhereContext, text: string): WhereResolution | undefined {
	let list = ctx.lookup.byNameAll(text);
	let dep = ctx.q.departmentCode;
	if (!list.length) {
		// "Castelnau 47", "Agen 47"
		const m = /^(.*\S)\s+(\d{2,3}|2[ab])$/i.exec(text);
		if (m && isDepartmentCode(m[2].toUpperCase())) {
			list = ctx.lookup.byNameAll(m[1]);
			dep = m[2].toUpperCase();
		}
	}
	return list.length ? chooseAmong(ctx, list, text, dep) : undefined;
}

/** A postcode: its commune, the clearly main one, or the list (arrondissements preferred to their city). */
function resolvePostcode(ctx: WhereContext, postcode: string): WhereResolution | undefined {
	let c = ctx.lookup.byPostcode(postcode).filter(hasPoint);
	const parents = new Set(c.map((m) => m.parentInseeCode).filter(Boolean));
	c = c.filter((m) => !parents.has(m.inseeCode));
	if (!c.length) return undefined;
	const label = (m: TerritoryMunicipality) => `${m.name} (${postcode})`;
	if (c.length === 1) return found(municipalityPoint(c[0], 'postcode', `${postcode} ${c[0].name}`));
	// c is sorted by population: the first is "the" commune of the postcode when it holds most of its people
	const [top, second] = c;
	const total = c.reduce((s, m) => s + (m.population ?? 0), 0);
	if ((top.population ?? 0) >= 0.5 * total && (top.population ?? 0) >= 2 * (second.population ?? 0))
		return found(municipalityPoint(top, 'postcode', `${postcode} ${top.name}`));
	const candidates = c.map((m) => municipalityPoint(m, 'postcode', label(m))).filter((p): p is WherePoint => !!p);
	return { status: 'ambiguous', query: ctx.q.raw, candidates };
}

/**
 * The instance's own département first (issue 12, item 5): "Villeneuve" is
 * Villeneuve-sur-Lot on a Lot-et-Garonne site, not one of the communes named exactly
 * "Villeneuve" elsewhere; "Sainte Livrade" is Sainte-Livrade-sur-Lot, not Sainte-Livrade
 * (31). When no commune of the instance's départements bears the name itself, the one
 * there whose name starts with it wins: the only one, or by far the most populated (at
 * least twice all the others together; "Castelnau" stays a choice between
 * Castelnau-sur-Gupie and Castelnaud-de-Gratecambe). Not when a postcode or a département
 * is typed.
 */
function resolveHomePrefix(ctx: WhereContext, text: string): WhereResolution | undefined {
	if (!ctx.prefer.size || ctx.q.postcode || ctx.q.departmentCode) return undefined;
	const key = matchKey(text);
	if (key.length < 3) return undefined;
	if (ctx.lookup.byNameAll(text).some((m) => ctx.prefer.has(m.departmentCode))) return undefined;
	const list = ctx.lookup
		.byNamePrefix(text)
		.filter((m) => hasPoint(m) && ctx.prefer.has(m.departmentCode))
		.sort(byPopulation);
	if (!list.length) return undefined;
	const [top, ...others] = list;
	const rest = others.reduce((n, m) => n + (m.population ?? 0), 0);
	if (others.length && (top.population ?? 0) < 2 * rest) return undefined;
	return found(municipalityPoint(top));
}

function resolvePrefix(ctx: WhereContext, text: string): WhereResolution | undefined {
	const key = matchKey(text);
	if (key.length < 3) return undefined;
	const list = applyHints(ctx, ctx.lookup.byNamePrefix(text), ctx.q.departmentCode);
	if (!list.length) return undefined;
	if (list.length === 1) return found(municipalityPoint(list[0]));
	const wordStart = (m: TerritoryMunicipality) => Number(ctx.lookup.keys(m).match.startsWith(`${key} `));
	return ambiguous(ctx, rank(ctx, list, wordStart));
}

function resolveFuzzy(ctx: WhereContext, text: string, minimum: number): WhereResolution | undefined {
	if (spellingKey(text).length < 4) return undefined;
	const scored = ctx.lookup.fuzzy(text, { minimum, limit: 20 }).map((r) => ({ m: r.municipality, score: r.score }));
	const keep = new Set(
		applyHints(
			ctx,
			scored.map((s) => s.m),
			ctx.q.departmentCode
		)
	);
	const list = scored.filter((s) => keep.has(s.m));
	if (!list.length) return undefined;
	const [best, second] = list;
	if (!second || best.score - second.score >= 0.1) return found(municipalityPoint(best.m));
	const close = list.filter((s) => s.score >= best.score - 0.1).map((s) => s.m);
	const mine = close.filter((m) => ctx.prefer.has(m.departmentCode));
	if (mine.length === 1) return found(municipalityPoint(mine[0]));
	return ambiguous(ctx, rank(ctx, close));
}

/** A commune named inside a longer text ("12 rue X, Agen", "mairie de Villeneuve-sur-Lot"). */
function resolveInText(ctx: WhereContext): WhereResolution | undefined {
	const pc = ctx.q.postcode;
	let best: { list: TerritoryMunicipality[]; score: number[] } | undefined;
	for (const w of candidateWindows(ctx.q.rest)) {
		if (w.key.length < 2) continue;
		let list = ctx.lookup.byNameAll(w.key).filter(hasPoint);
		if (pc && list.length) {
			const withPc = list.filter((m) => m.postcodes.includes(pc) || departmentsOfPostcode(pc).includes(m.departmentCode));
			if (!withPc.length) continue;
			list = withPc;
		}
		if (!list.length) continue;
		// later segment (after the last comma), then longer, then later in the text
		const score = [w.segment, w.length, w.start];
		if (
			!best ||
			score[0] > best.score[0] ||
			(score[0] === best.score[0] && (score[1] > best.score[1] || (score[1] === best.score[1] && score[2] > best.score[2])))
		)
			best = { list, score };
	}
	if (!best) return undefined;
	return chooseAmong(ctx, best.list, best.list[0].name, ctx.q.departmentCode);
}

async function resolveWithAddressApi(ctx: WhereContext, api: AddressApi): Promise<WhereResolution | undefined> {
	const res = await searchAddress(api, ctx.q.raw, { limit: 5 });
	if (res.status !== 'ok') return undefined;
	const points = res.points.filter((p) => ((p as Partial<AddressPoint>).score ?? 1) >= 0.4);

	if (!points.length) return undefined;
	// the service's order, except that a result in the instance's départements nearly as good comes first
	const score = (p: WherePoint) => (p as Partial<AddressPoint>).score ?? 1;
	const depOf = (p: WherePoint) => (p.inseeCode ? ctx.lookup.byInsee(p.inseeCode)?.departmentCode : undefined);
	const mine = points.find((p) => {
		const dep = depOf(p);
		return dep ? ctx.prefer.has(dep) && score(p) >= score(points[0]) - 0.15 : false;
	});
	const p = mine ?? points[0];
	return {
		status: 'found',
		point: {
			label: p.label,
			latitude: p.latitude,
			longitude: p.longitude,
			kind: p.kind,
			...(p.inseeCode ? { inseeCode: p.inseeCode } : {})
		}
	};
}

/**
 * The public "Où ?" field: a postcode, an INSEE code, a commune name (any spelling), "Agen 47000",
 * "Castelnau (47)", or an address (through the address service when configured and reachable,
 * else the commune named in it). Never throws for a bad input.
 */
export async function resolveWhere(database: Database, query: string, opts: ResolveWhereOptions = {}): Promise<WhereResolution> {
	const q = parseWhereQuery(query ?? '');
	const notFound: WhereResolution = { status: 'not_found', query: q.raw };
	if (!q.raw) return notFound;
	const lookup = await municipalityLookup(database);
	const ctx: WhereContext = { lookup, prefer: new Set((opts.departmentCodes ?? []).map((d) => d.toUpperCase())), q };

	if (!q.rest || /^\d+$/.test(q.rest) || q.inseeCode) {
		if (q.postcode) {
			const r = resolvePostcode(ctx, q.postcode);
			if (r) return r;
		}
		if (q.inseeCode || (q.postcode && isInseeCode(q.postcode))) {
			const m = lookup.byInsee(q.inseeCode ?? q.postcode!);
			return found(m && municipalityPoint(m)) ?? notFound;
		}
		return notFound;
	}
	const home = resolveHomePrefix(ctx, q.rest);
	if (home) return home;
	const named = resolveName(ctx, q.rest);
	if (named) return named;
	// a commune of that name exists but has no centre (a few overseas): nothing better to offer
	if (lookup.byNameAll(q.rest).length) return notFound;

	if (q.looksLikeAddress) {
		if (opts.addressApi) {
			const r = await resolveWithAddressApi(ctx, opts.addressApi);
			if (r) return r;
		}
		const commune = resolveInText(ctx) ?? (q.postcode ? resolvePostcode(ctx, q.postcode) : undefined);
		// the address itself was not found: say so, and search around its commune
		return commune?.status === 'found' ? { ...commune, addressNotFound: true } : (commune ?? notFound);
	}

	const r =
		resolvePrefix(ctx, q.rest) ??
		resolveFuzzy(ctx, q.rest, 0.55) ??
		resolveInText(ctx) ??
		resolveFuzzy(ctx, q.rest, 0.4) ??
		(q.postcode ? resolvePostcode(ctx, q.postcode) : undefined);
	if (r) return r;
	if (opts.addressApi) return (await resolveWithAddressApi(ctx, opts.addressApi)) ?? notFound;
	return notFound;
}

/** For an autocomplete / datalist: communes whose name (or postcode) starts with the text. */
export async function suggestMunicipalities(database: Database, prefix: string, limit = 10, opts: { departmentCodes?: string[] } = {}): Promise<WherePoint[]> {
	const text = (prefix ?? '').trim().slice(0, 100);
	if (text.length < 2) return [];
	const lookup = await municipalityLookup(database);
	const prefer = new Set((opts.departmentCodes ?? []).map((d) => d.toUpperCase()));
	const max = Math.min(Math.max(1, limit), 50);
	if (/^\d{2,5}$/.test(text)) {
		const list = lookup
			.byPostcodePrefix(text)
			.filter(hasPoint)
			.sort((a, b) => Number(prefer.has(b.departmentCode)) - Number(prefer.has(a.departmentCode)) || byPopulation(a, b));
		return list.slice(0, max).map((m) => {
			const pc = m.postcodes.find((p) => p.startsWith(text)) ?? m.postcodes[0];
			return municipalityPoint(m, 'postcode', `${m.name} (${pc})`)!;
		});
	}
	const key = matchKey(text);
	const typed = nameKey(text);
	// exact name first, then names starting as typed (article included: "la te" → La Teste-de-Buch), the instance's, the most populated
	const score = (m: TerritoryMunicipality) =>
		(lookup.keys(m).match === key ? 4 : 0) + (m.nameKey.startsWith(typed) ? 2 : 0) + (prefer.has(m.departmentCode) ? 1 : 0);
	const list = lookup
		.byNamePrefix(text)
		.filter(hasPoint)
		.sort((a, b) => score(b) - score(a) || byPopulation(a, b));
	return list.slice(0, max).map((m) => municipalityPoint(m)!);
}
