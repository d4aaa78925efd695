/**
 * The demo's activity (issue 16): twelve months of a network at work in Lot-et-Garonne, so
 * that the steering pages show figures rather than a page of « masqué ». Fictitious people
 * (first name « Démo », no contact), owned by structures the demo accounts do not belong to
 * (their lists stay as they were); referrals to places without a team (answered by link),
 * every one already closed or accepted (the referral clock has nothing to remind); no Pass
 * Numérique voucher (the fund's ledger stays as the campaigns make it).
 *
 * Volumes in the order of a département of 330,000 inhabitants in its second year: about
 * 1,800 persons, 1,200 assessments, 1,500 referrals, 6,000 individual accompaniments and
 * 300 workshops, spread over the communes by population. Deterministic (a seeded generator).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { createOrganisation, organisationByName, type OrganisationKind } from '../accounts/index.ts';
import { AGE_BANDS, AUTONOMY, DIGITAL_THEMES, PROCEDURE_THEMES, STATUSES } from '../accompaniments/index.ts';
import { AUTONOMY_SCALE } from '../assessment/index.ts';
import { refreshSteeringFacts } from '../steering/index.ts';

/** The structures whose agents orient in the demo's activity: none of the demo accounts' (their own figures stay theirs). */
const PRESCRIBERS: { name: string; kind: OrganisationKind; weight: number }[] = [
	{ name: 'CCAS de Marmande (démonstration)', kind: 'ccas', weight: 3 },
	{ name: 'Mission locale de l’Agenais (démonstration)', kind: 'emploi', weight: 2 },
	{ name: 'MSA Dordogne Lot-et-Garonne (démonstration)', kind: 'operateur', weight: 3 },
	{ name: 'Espace départemental des solidarités de Villeneuve-sur-Lot (démonstration)', kind: 'departement', weight: 2 }
];
const MEDIATORS: { name: string; kind: OrganisationKind }[] = [
	{ name: 'Médiation numérique Val de Garonne (démonstration)', kind: 'association' },
	{ name: 'Médiation numérique du Villeneuvois (démonstration)', kind: 'association' },
	{ name: 'Médiation numérique de l’Albret (démonstration)', kind: 'association' }
];

/** mulberry32: a small seeded generator, so that every demo shows the same figures */
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

async function bulk(database: Database, table: string, columns: string, rows: Record<string, unknown>[]) {
	for (let i = 0; i < rows.length; i += 1000)
		await database.query(
			sql.raw(
				`insert into ${table} (${columns.replace(/ [a-z[\]]+(,|$)/g, '$1')}) select * from jsonb_to_recordset('${JSON.stringify(rows.slice(i, i + 1000)).replace(/'/g, "''")}'::jsonb) as x(${columns})`
			)
		);
}

export async function seedDemoActivity(
	database: Database,
	now = new Date()
): Promise<{ persons: number; assessments: number; referrals: number; accompaniments: number }> {
	const rnd = generator(47);
	const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
	const org = async (o: { name: string; kind: OrganisationKind }) =>
		(await organisationByName(database.db, o.name, '47')) ?? (await createOrganisation(database, null, { name: o.name, kind: o.kind, departmentCode: '47' }));
	const prescribers = [];
	for (const p of PRESCRIBERS) prescribers.push({ ...p, id: (await org(p)).id });
	const mediators = [];
	for (const m of MEDIATORS) mediators.push((await org(m)).id);
	const weighted = prescribers.flatMap((p) => Array.from({ length: p.weight }, () => p.id));

	// the communes by population (a person lives where people live), the places without a team
	const communes = await database.query<{ code: string; population: number }>(
		sql`select insee_code as code, coalesce(population, 0) as population from municipalities where department_code = '47' and population > 0 order by insee_code`
	);
	const total = communes.reduce((s, c) => s + Number(c.population), 0);
	const commune = () => {
		let x = rnd() * total;
		for (const c of communes) if ((x -= Number(c.population)) < 0) return c.code;
		return communes[0].code;
	};
	const places = await database.query<{ id: string; code: string }>(
		sql`select p.id, p.code_insee as code from places p where p.department_code = '47' and p.code_insee is not null
			and not exists (select 1 from organisation_places op where op.place_id = p.id) order by p.id`
	);
	if (!places.length || !communes.length) return { persons: 0, assessments: 0, referrals: 0, accompaniments: 0 };
	const day = 86400_000;
	const ago = (maxDays: number, minDays = 0) => new Date(now.getTime() - (minDays + rnd() * (maxDays - minDays)) * day);
	const iso = (d: Date) => d.toISOString();

	// persons
	const persons = Array.from({ length: 1800 }, () => ({
		id: randomUUID(),
		organisation_id: pick(weighted),
		department_code: '47',
		first_name: 'Démo',
		commune_code: commune()
	}));
	await bulk(database, 'beneficiaries', 'id uuid, organisation_id uuid, department_code text, first_name text, commune_code text', persons);

	// assessments
	const NEEDS = ['demarche', 'emploi', 'bases', 'securite', 'materiel', 'enfants'];
	const level = () => (rnd() < 0.1 ? null : AUTONOMY_SCALE[Math.floor(rnd() * 3)]);
	const assessments = persons.slice(0, 1200).map((p) => {
		const needs = NEEDS.filter((n, i) => rnd() < (i === 0 ? 0.7 : 0.2));
		return {
			id: randomUUID(),
			beneficiary_id: p.id,
			organisation_id: p.organisation_id,
			version: 1,
			answers: { besoin: needs.length ? needs : ['demarche'] },
			result: { profile: { equipment: level(), skills: level(), procedures: level() } },
			created_at: iso(ago(365, 3))
		};
	});
	await bulk(
		database,
		'assessments',
		'id uuid, beneficiary_id uuid, organisation_id uuid, version int, answers jsonb, result jsonb, created_at timestamptz',
		assessments
	);

	// referrals, their consents and their events: closed, or accepted when recent
	const referrals: Record<string, unknown>[] = [];
	const grants: Record<string, unknown>[] = [];
	const events: Record<string, unknown>[] = [];
	const REASONS = ['not_reachable', 'not_eligible', 'full', 'duplicate', 'other'];
	for (let i = 0; i < 1500; i++) {
		const p = persons[i % persons.length];
		const place = pick(places);
		const sent = ago(365, 2);
		const answer = new Date(sent.getTime() + Math.min(-Math.log(1 - rnd()) * 3, 29) * day);
		const old = now.getTime() - sent.getTime() > 32 * day;
		const u = rnd();
		let status: string;
		const ev: [string, string | null, string, Date][] = [['send', null, 'sent', sent]];
		const visit = new Date(answer.getTime() + (1 + rnd() * 10) * day);
		const closedVisit = visit.getTime() < now.getTime() - day;
		if (u < 0.55 && (old || closedVisit)) {
			status = 'honoured';
			ev.push(['accept', 'sent', 'accepted', answer], ['honour', 'accepted', 'honoured', visit]);
		} else if (u < 0.65 && (old || closedVisit)) {
			status = 'no_show';
			ev.push(['accept', 'sent', 'accepted', answer], ['no_show', 'accepted', 'no_show', visit]);
		} else if (u < 0.8) {
			status = 'declined';
			ev.push(['decline', 'sent', 'declined', answer]);
		} else if (u < 0.9 && old) {
			status = 'expired';
			ev.push(['expire', 'sent', 'expired', new Date(sent.getTime() + 30 * day)]);
		} else if (u < 0.95) {
			status = 'withdrawn';
			ev.push(['withdraw', 'sent', 'withdrawn', answer]);
		} else {
			status = 'accepted';
			ev.push(['accept', 'sent', 'accepted', answer]);
		}
		const id = randomUUID();
		const consent = randomUUID();
		grants.push({
			id: consent,
			beneficiary_id: p.id,
			grantee_organisation_id: p.organisation_id,
			recorded_by_organisation_id: p.organisation_id,
			scopes: ['referral'],
			purpose: 'orientation',
			method: 'oral',
			valid_from: iso(sent)
		});
		const last = ev[ev.length - 1];
		referrals.push({
			id,
			beneficiary_id: p.id,
			from_organisation_id: p.organisation_id,
			place_id: place.id,
			consent_id: consent,
			assessment_id: i < 1200 && rnd() < 0.6 ? assessments[i % assessments.length].id : null,
			reason: 'Démarche en ligne (démonstration)',
			status,
			department_code: '47',
			place_department_code: '47',
			sent_at: iso(sent),
			status_at: iso(last[3]),
			decline_reason: status === 'declined' ? pick(REASONS) : null,
			link_nonce: randomUUID(),
			delivery: 'email'
		});
		for (const [type, from, to, at] of ev)
			events.push({
				referral_id: id,
				type,
				actor_kind: type === 'send' ? 'prescriber' : type === 'expire' ? 'system' : type === 'withdraw' ? 'person' : 'place',
				from_status: from,
				to_status: to,
				at: iso(at)
			});
	}
	await bulk(
		database,
		'grants',
		'id uuid, beneficiary_id uuid, grantee_organisation_id uuid, recorded_by_organisation_id uuid, scopes text[], purpose text, method text, valid_from timestamptz',
		grants
	);
	await bulk(
		database,
		'referrals',
		'id uuid, beneficiary_id uuid, from_organisation_id uuid, place_id text, consent_id uuid, assessment_id uuid, reason text, status text, department_code text, place_department_code text, sent_at timestamptz, status_at timestamptz, decline_reason text, link_nonce text, delivery text',
		referrals
	);
	await bulk(database, 'referral_events', 'referral_id uuid, type text, actor_kind text, from_status text, to_status text, at timestamptz', events);

	// accompaniments: individual (some with a procedure theme) and workshops
	const themes = DIGITAL_THEMES.filter((t) => t !== 'Aide aux démarches administratives');
	const accompaniments: Record<string, unknown>[] = [];
	for (let i = 0; i < 6300; i++) {
		const place = pick(places);
		const d = ago(365, 1);
		const date = d.toISOString().slice(0, 10);
		const individual = i < 6000;
		const procedure = individual && rnd() < 0.45;
		const participants = individual ? 1 : 4 + Math.floor(rnd() * 9);
		const women = Math.round(participants * (0.5 + rnd() * 0.2));
		accompaniments.push({
			organisation_id: pick(mediators),
			place_id: place.id,
			department_code: '47',
			date,
			kind: individual ? 'individual' : 'collective',
			duration_minutes: individual ? pick([30, 45, 60]) : 90,
			location: 'place',
			themes: procedure ? ['Aide aux démarches administratives'] : [pick(themes)],
			procedure_themes: procedure ? [pick(PROCEDURE_THEMES)] : [],
			autonomy: individual && rnd() < 0.85 ? pick(Object.keys(AUTONOMY)) : null,
			gender: individual ? (rnd() < 0.56 ? 'F' : rnd() < 0.95 ? 'M' : 'unknown') : null,
			age_band: individual ? pick(Object.keys(AGE_BANDS).slice(2)) : null,
			social_status: individual ? pick(Object.keys(STATUSES)) : null,
			commune_code: individual ? place.code : null,
			title: individual ? null : 'Atelier (démonstration)',
			participants,
			breakdown: individual ? null : { gender: { F: women, M: participants - women } },
			created_at: `${date}T17:00:00Z`
		});
	}
	await bulk(
		database,
		'accompaniments',
		'organisation_id uuid, place_id text, department_code text, date date, kind text, duration_minutes int, location text, themes text[], procedure_themes text[], autonomy text, gender text, age_band text, social_status text, commune_code text, title text, participants int, breakdown jsonb, created_at timestamptz',
		accompaniments
	);
	await refreshSteeringFacts(database, { full: true, departments: ['47'], now });
	return { persons: persons.length, assessments: assessments.length, referrals: referrals.length, accompaniments: accompaniments.length };
}
