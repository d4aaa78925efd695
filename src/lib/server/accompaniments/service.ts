/**
 * Accompaniments: a mediator (or a place manager) records what they did with someone, in
 * the national vocabulary; fast entry (defaults, repeat the last one); the place's team
 * sees its accompaniments with simple totals. Recording one for a referred person closes
 * their referral as honoured, in the same transaction (the referral capability does it,
 * with its timeline, journal and messages).
 */
import { and, desc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { activeOrganisations, asScoped, can, placesRunBy, userNames, type Actor } from '../accounts/index.ts';
import { placeCards, placeNames } from '../places/index.ts';
import {
	CareError,
	listBeneficiaries,
	loadBeneficiary,
	namesVisibleTo,
	shortName,
	touchBeneficiary,
	type Beneficiary,
	type PersonName
} from '../beneficiaries/index.ts';
import { honourByAccompaniment, type Links } from '../referral/index.ts';
import { municipalityLookup, resolveWhere } from '../territory/index.ts';
import { accompaniments } from './db.ts';
import { mandateChoice, mandateOffer, recordUnderMandate, type MandateOffer } from './mandate.ts';
import { AUTONOMY, KINDS, LOCATIONS, type Autonomy, type Kind } from './vocabulary.ts';
import { formatDuration as formatMinutes } from '../../components/format.ts';
import { parisDay as todayInParis } from '../../time.ts';
import { defaultForm, parseAccompaniment, periodOf, repeatForm, type AccompanimentForm, type LastAccompaniment, type RecordingOrganisation } from './model.ts';

export type Accompaniment = typeof accompaniments.$inferSelect;

const PLACE_TEAM = ['mediator', 'place_manager'];

// ——— who records for what ———

/**
 * The active organisations the actor records accompaniments for (mediator or place
 * manager there), with the places each runs, by name.
 */
export async function recordingOrganisations(database: Database, actor: Actor): Promise<RecordingOrganisation[]> {
	const ids = [...new Set(actor.memberships.filter((m) => PLACE_TEAM.includes(m.role)).map((m) => m.organisationId))].filter((id) =>
		can(actor, 'accompaniment.record', { organisationId: id })
	);
	if (!ids.length) return [];
	const db = database.db;
	const [orgs, placeRows] = await Promise.all([activeOrganisations(db, ids), placesRunBy(db, ids)]);
	// the places' names in one query, by name then commune
	const cards = await placeCards(
		db,
		placeRows.map((p) => p.placeId)
	);
	return orgs.map((o) => {
		const run = new Set(placeRows.filter((p) => p.organisationId === o.id).map((p) => p.placeId));
		return { ...o, places: [...cards.values()].filter((c) => run.has(c.id)).map(({ id, nom, commune }) => ({ id, nom, commune })) };
	});
}

// ——— record ———

const FORBIDDEN = 'Seuls les médiateurs et les responsables d’un lieu enregistrent des accompagnements, pour leur structure.';
const NO_ACCESS = 'Cette personne n’existe pas, ou vous n’y avez pas accès.';

async function resolveCommune(database: Database, text: string, departmentCode: string): Promise<{ code: string } | { error: string }> {
	const r = await resolveWhere(database, text, { departmentCodes: [departmentCode] });
	if (r.status === 'found' && r.point.inseeCode && (await municipalityLookup(database)).byInsee(r.point.inseeCode)) return { code: r.point.inseeCode };
	if (r.status === 'ambiguous')
		return {
			error: `Plusieurs communes s’appellent « ${text} »\u00a0: précisez laquelle, par exemple ${r.candidates
				.slice(0, 3)
				.map((c) => `« ${c.label} »`)
				.join(' ou ')}.`
		};
	return { error: `Nous ne trouvons pas la commune « ${text} ». Vérifiez l’orthographe, ou indiquez le code postal.` };
}

export interface RecordResult {
	id: string;
	/** the referral closed as honoured by this accompaniment, if any */
	referralId: string | null;
}

/**
 * Records an accompaniment for one of the actor's organisations. The place must be one
 * the organisation runs (its only one when none is given; none when it runs none); a person followed must be readable by
 * the actor. Insert, journal and, for a person followed, their referral to one of the
 * organisation's places honoured: one transaction.
 */
export async function recordAccompaniment(
	database: Database,
	actor: Actor,
	form: AccompanimentForm,
	links: Links,
	ip?: string | null,
	today = todayInParis()
): Promise<RecordResult> {
	const orgs = await recordingOrganisations(database, actor);
	const organisationId = form.organisationId.trim() || (orgs.length === 1 ? orgs[0].id : '');
	const org = orgs.find((o) => o.id === organisationId);
	if (!org || !can(actor, 'accompaniment.record', { organisationId })) throw new CareError('forbidden', FORBIDDEN);

	const parsed = parseAccompaniment(form, today);
	const fields: Record<string, string> = parsed.ok ? {} : { ...parsed.fields };
	// no place said and only one the organisation runs (a form shown before it had one, a tool): that one
	const placeId = form.placeId.trim() || (org.places.length === 1 ? org.places[0].id : null);
	if (org.places.length ? !org.places.some((p) => p.id === placeId) : placeId) fields.placeId = 'Choisissez un des lieux de votre structure.';
	if (!parsed.ok) throw new CareError('invalid', 'Le formulaire contient des erreurs.', fields);
	const v = parsed.value;

	let person: Beneficiary | null = null;
	if (v.beneficiaryId) {
		try {
			person = await loadBeneficiary(database.db, actor, v.beneficiaryId, 'read');
			if (person.anonymisedAt)
				fields.beneficiaryId = 'Le dossier de cette personne a été anonymisé\u00a0: enregistrez l’accompagnement comme « Personne anonyme ».';
		} catch (e) {
			if (!(e instanceof CareError)) throw e;
			fields.beneficiaryId = NO_ACCESS;
		}
	}
	let communeCode: string | null = null;
	if (v.commune) {
		const c = await resolveCommune(database, v.commune, org.departmentCode);
		if ('code' in c) communeCode = c.code;
		else fields.commune = c.error;
	}
	const mandateTheme = await mandateChoice(database.db, actor, form, fields.beneficiaryId ? null : person, org.id, fields);
	if (Object.keys(fields).length) throw new CareError('invalid', 'Le formulaire contient des erreurs.', fields);

	return database.db.transaction(async (tx) => {
		const [row] = await tx
			.insert(accompaniments)
			.values({
				organisationId: org.id,
				placeId,
				mediatorId: actor.userId,
				departmentCode: org.departmentCode,
				date: v.date,
				kind: v.kind,
				durationMinutes: v.durationMinutes,
				location: v.location,
				themes: v.themes,
				procedureThemes: v.procedureThemes,
				autonomy: v.autonomy,
				equipment: v.equipment,
				redirectedTo: v.redirectedTo,
				beneficiaryId: person?.id ?? null,
				gender: v.gender,
				ageBand: v.ageBand,
				socialStatus: v.socialStatus,
				communeCode,
				title: v.title,
				level: v.level,
				participants: v.participants,
				breakdown: v.breakdown
			})
			.returning({ id: accompaniments.id });
		let referralId: string | null = null;
		if (person) {
			referralId = await honourByAccompaniment(
				database,
				tx,
				{ beneficiaryId: person.id, organisationId: org.id, placeId, referralId: v.referralId, accompanimentId: row.id, accompanimentDate: v.date, actor },
				links,
				ip
			);
			if (referralId) await tx.update(accompaniments).set({ referralId }).where(eq(accompaniments.id, row.id));
			else await touchBeneficiary(tx, person.id);
			// done for the person under their mandate: the use is recorded with the accompaniment, or neither is
			if (mandateTheme) {
				const use = { beneficiaryId: person.id, theme: mandateTheme, organisationId: org.id, departmentCode: person.departmentCode };
				await recordUnderMandate(tx, actor, { ...use, themes: v.themes, durationMinutes: v.durationMinutes }, ip);
			}
		}
		// no personal data here: what kind of work, not who
		await journal(tx, {
			actor: { kind: 'user', id: actor.userId },
			action: 'accompaniment.recorded',
			targetType: 'accompaniment',
			targetId: row.id,
			departmentCode: org.departmentCode,
			ip,
			details: {
				organisationId: org.id,
				placeId,
				kind: v.kind,
				date: v.date,
				durationMinutes: v.durationMinutes,
				participants: v.participants,
				linked: !!person,
				referralId,
				...(mandateTheme ? { mandateTheme } : {})
			}
		});
		return { id: row.id, referralId };
	});
}

// ——— fast entry ———

/** The actor's own last accompaniment, in an organisation they still record for: what "repeat" copies. */
export async function lastAccompaniment(database: Database, actor: Actor): Promise<LastAccompaniment | null> {
	const orgs = (await recordingOrganisations(database, actor)).map((o) => o.id);
	if (!orgs.length) return null;
	const [a] = await database.db
		.select({
			organisationId: accompaniments.organisationId,
			placeId: accompaniments.placeId,
			kind: accompaniments.kind,
			durationMinutes: accompaniments.durationMinutes,
			location: accompaniments.location,
			themes: accompaniments.themes,
			procedureThemes: accompaniments.procedureThemes,
			equipment: accompaniments.equipment,
			title: accompaniments.title,
			level: accompaniments.level
		})
		.from(accompaniments)
		.where(and(eq(accompaniments.mediatorId, actor.userId), inArray(accompaniments.organisationId, orgs)))
		.orderBy(desc(accompaniments.createdAt))
		.limit(1);
	return a ?? null;
}

export interface RecordingFormView {
	organisations: RecordingOrganisation[];
	/** the form's starting values */
	values: AccompanimentForm;
	/** 'last': pre-filled from the last one; 'none': asked for, but there is none yet */
	repeated: 'last' | 'none' | null;
	/** the people the actor may link an accompaniment to (most recently active first) */
	people: { id: string; name: string }[];
	/** the person asked for by the page's link, once checked */
	person: { id: string; name: string } | null;
	/** the actor may record a new person (prescribers and mediators of the organisation) */
	canCreatePerson: boolean;
	/** the person asked for gave one of the actor's structures a mandate in force: « Fait au titre du mandat » */
	mandate: MandateOffer | null;
}

const PEOPLE_LIMIT = 200;

/**
 * What the fast-entry form needs: the organisations and places, the starting values
 * (defaults, or the last one repeated), the people to choose from, and the person asked
 * for (`personId`, from a referral or a record's page) when the actor may read them.
 */
export async function recordingForm(
	database: Database,
	actor: Actor,
	opts: { personId?: string | null; referralId?: string | null; repeat?: boolean; today?: string } = {}
): Promise<RecordingFormView> {
	const today = opts.today ?? todayInParis();
	const orgs = await recordingOrganisations(database, actor);
	if (!orgs.length) throw new CareError('forbidden', FORBIDDEN);
	let values = defaultForm(today, orgs);
	let repeated: RecordingFormView['repeated'] = null;
	if (opts.repeat) {
		const last = await lastAccompaniment(database, actor);
		values = last ? repeatForm(last, today, orgs) : values;
		repeated = last ? 'last' : 'none';
	}
	const list = (await listBeneficiaries(database, actor, { limit: PEOPLE_LIMIT })).filter((p) => !p.anonymised);
	const people = list.map((p) => ({ id: p.id, name: p.communeName ? `${p.name} (${p.communeName})` : p.name }));
	let person: RecordingFormView['person'] = null;
	if (opts.personId) {
		try {
			const b = await loadBeneficiary(database.db, actor, opts.personId, 'read');
			if (!b.anonymisedAt) {
				person = { id: b.id, name: shortName(b) };
				if (!people.some((p) => p.id === b.id)) people.unshift({ id: b.id, name: b.communeName ? `${shortName(b)} (${b.communeName})` : shortName(b) });
				// a person is helped one to one
				values = {
					...values,
					kind: 'individual',
					person: 'beneficiary',
					beneficiaryId: b.id,
					referralId: opts.referralId && /^[0-9a-f-]{36}$/i.test(opts.referralId) ? opts.referralId : ''
				};
			}
		} catch (e) {
			if (!(e instanceof CareError)) throw e;
		}
	}
	const canCreatePerson = orgs.some((o) => can(actor, 'beneficiary.create', { organisationId: o.id }));
	const ids = orgs.map((o) => o.id);
	const mandate = person ? await mandateOffer(database.db, actor, person.id, ids, values) : null;
	if (mandate) values = { ...values, mandateTheme: mandate.selected };
	return { organisations: orgs, values, repeated, people, person, canCreatePerson, mandate };
}

// ——— the team view ———

export interface AccompanimentListItem {
	id: string;
	date: string;
	kind: Kind;
	kindLabel: string;
	/** the workshop's title, the person's short name (when the actor may read their record), or 'Personne anonyme' */
	who: string;
	participants: number;
	duration: string;
	locationLabel: string;
	placeName: string | null;
	mediatorName: string | null;
	themes: string[];
	procedureThemes: string[];
	autonomyLabel: string | null;
	/** a referral was closed as honoured by it */
	honouredReferral: boolean;
}

export interface AccompanimentTotals {
	count: number;
	individual: number;
	collective: number;
	/** individual accompaniments + workshop participants */
	peopleReached: number;
	minutes: number;
	/** '12 h 30' */
	time: string;
	topThemes: { theme: string; count: number }[];
	autonomy: { code: Autonomy; label: string; count: number }[];
}

export interface AccompanimentsView {
	organisations: RecordingOrganisation[];
	organisationId: string | null;
	placeId: string | null;
	from: string;
	to: string;
	periodErrors: { from?: string; to?: string };
	totals: AccompanimentTotals;
	items: AccompanimentListItem[];
	page: number;
	pages: number;
}

export const PAGE_SIZE = 50;
const TOP_THEMES = 5;

const rowsOf = <T>(res: unknown): T[] => (res as { rows: T[] }).rows;

/**
 * Accompaniments as the list and its CSV export show them, newest first: the place's and
 * the mediator's names, and the person's only when the actor may read their record.
 */
export async function accompanimentRows(
	db: DbOrTx,
	actor: Actor,
	where: SQL | undefined,
	page: { limit: number; offset?: number }
): Promise<{ a: Accompaniment; placeName: string | null; mediatorName: string | null; b: PersonName | null }[]> {
	const rows = await db
		.select()
		.from(accompaniments)
		.where(where)
		.orderBy(desc(accompaniments.date), desc(accompaniments.createdAt))
		.limit(page.limit)
		.offset(page.offset ?? 0);
	// the places' and the mediators' names in one query each, and the people's (of the records the actor may read only)
	const [placeNameOf, mediators, names] = await Promise.all([
		placeNames(
			db,
			rows.map((a) => a.placeId)
		),
		userNames(
			db,
			rows.map((a) => a.mediatorId)
		),
		namesVisibleTo(
			db,
			actor,
			rows.map((a) => a.beneficiaryId)
		)
	]);
	return rows.map((a) => ({
		a,
		placeName: a.placeId ? (placeNameOf.get(a.placeId) ?? null) : null,
		mediatorName: a.mediatorId ? (mediators.get(a.mediatorId) ?? null) : null,
		b: (a.beneficiaryId && names.get(a.beneficiaryId)) || null
	}));
}

/**
 * The accompaniments of the actor's organisations (or one of them, or one place) for a
 * period (this month by default), newest first, with the period's totals.
 */
export async function placeAccompaniments(
	database: Database,
	actor: Actor,
	opts: { organisationId?: string | null; placeId?: string | null; from?: string | null; to?: string | null; page?: number; today?: string } = {}
): Promise<AccompanimentsView> {
	const orgs = (await recordingOrganisations(database, actor)).filter((o) => can(actor, 'accompaniment.read', { organisationId: o.id }));
	if (!orgs.length) throw new CareError('forbidden', 'Seule l’équipe d’un lieu voit ses accompagnements.');
	const organisationId = opts.organisationId || null;
	if (organisationId && !orgs.some((o) => o.id === organisationId))
		throw new CareError('forbidden', 'Vous ne faites pas partie de l’équipe de cette structure.');
	const inOrgs = organisationId ? orgs.filter((o) => o.id === organisationId) : orgs;
	const placeId = opts.placeId && inOrgs.some((o) => o.places.some((p) => p.id === opts.placeId)) ? opts.placeId : null;
	const period = periodOf(opts.from, opts.to, opts.today ?? todayInParis());

	const where: SQL = and(
		inArray(
			accompaniments.organisationId,
			inOrgs.map((o) => o.id)
		),
		placeId ? eq(accompaniments.placeId, placeId) : undefined,
		gte(accompaniments.date, period.from),
		lte(accompaniments.date, period.to)
	)!;

	return asScoped(database, actor, async (db: DbOrTx) => {
		// the totals, the top themes and the autonomy in ONE scan of the period's rows (an
		// index-only scan of accompaniments_organisation_cover_idx): grouped by theme list first
		// (a few hundred lists for tens of thousands of rows), the themes then counted from the
		// groups, the autonomy levels counted in the same pass
		const acc = accompaniments;
		const codes = Object.keys(AUTONOMY) as Autonomy[];
		const [sums] = rowsOf<
			{ count: number; individual: number; collective: number; peopleReached: number; minutes: number; themes: { theme: string; n: number }[] | null } & Record<
				Autonomy,
				number
			>
		>(
			await db.execute(sql`with g as materialized (
				select ${acc.themes} as themes, count(*) as n,
					count(*) filter (where ${acc.kind} = 'individual') as individual, count(*) filter (where ${acc.kind} = 'collective') as collective,
					sum(case when ${acc.kind} = 'collective' then ${acc.participants} else 1 end) as people, sum(${acc.durationMinutes}) as minutes,
					${sql.join(
						codes.map((code) => sql`count(*) filter (where ${acc.autonomy} = ${code}) as ${sql.identifier(code)}`),
						sql`, `
					)}
				from ${acc} where ${where} group by 1)
			select coalesce(sum(n), 0)::int as count, coalesce(sum(individual), 0)::int as individual, coalesce(sum(collective), 0)::int as collective,
				coalesce(sum(people), 0)::int as "peopleReached", coalesce(sum(minutes), 0)::int as minutes,
				${sql.join(
					codes.map((code) => sql`coalesce(sum(${sql.identifier(code)}), 0)::int as ${sql.identifier(code)}`),
					sql`, `
				)},
				(select json_agg(json_build_object('theme', theme, 'n', n) order by n desc, theme asc) from (
					select t.theme, sum(g.n)::int as n from g cross join lateral unnest(g.themes) as t(theme)
					group by t.theme order by n desc, t.theme asc limit ${TOP_THEMES}) x) as themes
			from g`)
		);
		const themeRows = sums.themes ?? [];

		const pages = Math.max(1, Math.ceil(sums.count / PAGE_SIZE));
		const page = Math.min(Math.max(1, Math.floor(opts.page ?? 1) || 1), pages);
		const rows = await accompanimentRows(db, actor, where, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });

		return {
			organisations: orgs,
			organisationId,
			placeId,
			from: period.from,
			to: period.to,
			periodErrors: period.errors,
			totals: {
				count: sums.count,
				individual: sums.individual,
				collective: sums.collective,
				peopleReached: sums.peopleReached,
				minutes: sums.minutes,
				time: formatMinutes(sums.minutes),
				topThemes: themeRows.map((r) => ({ theme: r.theme, count: Number(r.n) })),
				autonomy: codes.map((code) => ({ code, label: AUTONOMY[code], count: sums[code] }))
			},
			items: rows.map(({ a, placeName, mediatorName, b }) => {
				const kind = a.kind as Kind;
				const who = kind === 'collective' ? (a.title ?? 'Atelier') : a.beneficiaryId ? (b?.id ? shortName(b) : 'Personne suivie') : 'Personne anonyme';
				return {
					id: a.id,
					date: a.date,
					kind,
					kindLabel: KINDS[kind] ?? a.kind,
					who,
					participants: a.participants,
					duration: formatMinutes(a.durationMinutes),
					locationLabel: LOCATIONS[a.location as keyof typeof LOCATIONS] ?? a.location,
					placeName: placeName ?? null,
					mediatorName: mediatorName ?? null,
					themes: a.themes,
					procedureThemes: a.procedureThemes,
					autonomyLabel: a.autonomy ? (AUTONOMY[a.autonomy as Autonomy] ?? null) : null,
					honouredReferral: !!a.referralId
				};
			}),
			page,
			pages
		};
	});
}
