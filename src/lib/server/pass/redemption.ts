/**
 * Redeeming a voucher for an accompaniment at a qualified place: exactly once whatever the
 * concurrency, in batches (group commit), with its ledger posting, journal entry and
 * fraud alerts; the accompaniments a voucher can be tied to; a place's redemptions.
 */
import { and, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Database, Tx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { userNames, type Actor } from '../accounts/index.ts';
import { placeNames } from '../places/index.ts';
import { accompanimentDates, accompanimentsAtPlaceSince } from '../accompaniments/index.ts';
import { parseCode } from './code.ts';
import { passAlerts, passCampaigns, passVouchers } from './db.ts';
import { FRAUD, POST } from './model.ts';
import { addDays, parisDay } from '../../time.ts';
import { PassError, userActor, UUID, prepared, organisationsFor } from './internal.ts';
import { type RedeemingPlace, redeemingPlaces } from './qualification.ts';
import { mustNotBeLocked, unknownCode, placeFor, problemsOf, voucherByCode } from './checking.ts';

export interface RedeemInput {
	code: string;
	placeId?: string | null;
	accompanimentId: string;
	/** the mediator confirmed a redemption outside the campaign's area */
	confirmOutsideArea?: boolean;
}

export interface Redemption {
	voucherId: string;
	code: string;
	faceValueCents: number;
	campaign: string;
	placeId: string;
	alerts: string[];
}

/**
 * Whether an accompaniment of the list can take a voucher, as redeem() decides it: 'full'
 * (one voucher per participant), 'other_person' (the voucher was handed to someone else
 * than the accompaniment's person), else 'ok'. The list and the refusal agree.
 */
export function seatFor(
	a: { participants: number; used: number; beneficiaryId: string | null },
	holderId: string | null | undefined
): 'ok' | 'full' | 'other_person' {
	if (a.beneficiaryId && holderId && a.beneficiaryId !== holderId) return 'other_person';
	return a.used >= a.participants ? 'full' : 'ok';
}

/** The accompaniments a voucher can be tied to: the organisation's, at the place, in the last 60 days. */
export async function recentAccompaniments(database: Database, actor: Actor, placeId: string, today = parisDay()) {
	const place = placeFor(await redeemingPlaces(database, actor), placeId);
	const rows = await accompanimentsAtPlaceSince(database.db, place.organisationId, place.placeId, addDays(today, -60), 50);
	// how many vouchers each is already tied to
	const used = new Map<string, number>();
	if (rows.length)
		for (const u of await database.db
			.select({ id: passVouchers.accompanimentId, n: sql<number>`count(*)::int` })
			.from(passVouchers)
			.where(
				inArray(
					passVouchers.accompanimentId,
					rows.map((r) => r.id)
				)
			)
			.groupBy(passVouchers.accompanimentId))
			if (u.id) used.set(u.id, u.n);
	return rows.map((r) => ({ ...r, used: used.get(r.id) ?? 0 }));
}

/**
 * Redeems a voucher for an accompaniment at a qualified place: exactly once, whatever the
 * concurrency (the state moves by one conditional UPDATE; a second attempt finds it
 * redeemed). The ledger posts the value owed to the place; the journal records who,
 * where and for which accompaniment; the fraud controls run in the same transaction.
 *
 * Group commit: every journaled write takes the journal's lock until its commit is on
 * disk, so one redemption per transaction would be capped by the disk's flush rate
 * (about 200 a second here). Redemptions arriving together are therefore run in one
 * transaction (a savepoint each: one refused voucher leaves the others untouched), with
 * one journal write and one commit for the batch; each caller gets its own outcome once
 * the batch is committed. A redemption alone runs at once, as a batch of one.
 */
export async function redeem(database: Database, actor: Actor, input: RedeemInput, ip?: string | null, today = parisDay()): Promise<Redemption> {
	const myPlaces = await redeemingPlaces(database, actor);
	const place = placeFor(myPlaces, input.placeId);
	// the lock that guards code checks guards redemption too: no guessing codes by redeeming them
	await mustNotBeLocked(database, actor);
	const p = parseCode(input.code);
	if (!p.ok) throw new PassError('invalid', p.message, { code: p.message });
	if (!UUID.test(input.accompanimentId ?? ''))
		throw new PassError('invalid', 'Choisissez l’accompagnement pour lequel ce pass est utilisé.', {
			accompanimentId: 'Choisissez un accompagnement, ou enregistrez-le d’abord.'
		});
	const result = await new Promise<Redemption | null>((resolve, reject) =>
		enqueue(database, { actor, place, code: p.code, input, ip: ip ?? null, today, resolve, reject, tries: 0 })
	);
	if (!result) return unknownCode(database, actor, place);
	return result;
}

interface RedeemJob {
	actor: Actor;
	place: RedeemingPlace;
	code: string;
	input: RedeemInput;
	ip: string | null;
	today: string;
	resolve: (r: Redemption | null) => void;
	reject: (e: unknown) => void;
	tries: number;
	/** run in a batch of its own (after its batch failed for a reason that was not a race) */
	alone?: boolean;
}

/** At most this many redemptions per transaction, and batches in flight at once. */
const BATCH = { max: 32, inFlight: 2 };
const batchers = new WeakMap<Database, { queue: RedeemJob[]; inFlight: number }>();

function enqueue(database: Database, job: RedeemJob) {
	let b = batchers.get(database);
	if (!b) batchers.set(database, (b = { queue: [], inFlight: 0 }));
	b.queue.push(job);
	pump(database, b);
}

function pump(database: Database, b: { queue: RedeemJob[]; inFlight: number }) {
	// PGlite has one connection: one batch at a time
	const limit = database.kind === 'postgres' ? BATCH.inFlight : 1;
	while (b.inFlight < limit && b.queue.length) {
		const lone = b.queue.findIndex((j) => j.alone);
		const jobs = lone >= 0 ? b.queue.splice(lone, 1) : b.queue.splice(0, BATCH.max);
		b.inFlight++;
		runBatch(database, jobs).finally(() => {
			b.inFlight--;
			pump(database, b);
		});
	}
}

const isRetryable = (e: unknown) =>
	['40P01', '40001'].includes((e as { code?: string; cause?: { code?: string } })?.code ?? (e as { cause?: { code?: string } })?.cause?.code ?? '');

async function runBatch(database: Database, jobs: RedeemJob[]): Promise<void> {
	type Outcome = { job: RedeemJob; ok?: Redemption; journal?: Parameters<typeof journal>[1]; unknown?: boolean; error?: unknown };
	let outcomes: Outcome[];
	try {
		outcomes = await database.db.transaction(async (tx) => {
			const out: Outcome[] = [];
			// accompaniments are locked in one order by every batch: no deadlock between batches
			for (const job of [...jobs].sort((a, b) => a.input.accompanimentId.localeCompare(b.input.accompanimentId))) {
				try {
					const r = await redeemOne(tx, job);
					out.push(r ? { job, ok: r.redemption, journal: r.entry } : { job, unknown: true });
				} catch (e) {
					// a refusal is raised before anything is written (redeemOne's contract): the others go on
					if (e instanceof PassError) out.push({ job, error: e });
					else throw e;
				}
			}
			const entries = out.filter((o) => o.journal).map((o) => o.journal!);
			if (entries.length) await journal(tx, ...entries);
			return out;
		});
	} catch (e) {
		// the batch did not commit: nothing of it happened. A deadlock or a lost race is tried
		// again; anything else is tried alone, so that one bad request fails alone.
		for (const job of jobs) {
			if (job.tries < 3 && (isRetryable(e) || jobs.length > 1)) {
				job.tries++;
				if (jobs.length > 1 && !isRetryable(e)) job.alone = true;
				enqueue(database, job);
			} else job.reject(e);
		}
		return;
	}
	for (const o of outcomes) {
		if (o.ok) o.job.resolve(o.ok);
		else if (o.unknown) o.job.resolve(null);
		else o.job.reject(o.error);
	}
}

/**
 * One redemption inside the batch's transaction. Null: no such code. Every refusal
 * (PassError) is raised before anything is written, so the batch's other redemptions
 * stand; three statements for a redemption, two for a refusal.
 */
async function redeemOne(tx: Tx, job: RedeemJob): Promise<{ redemption: Redemption; entry: Parameters<typeof journal>[1] } | null> {
	const { actor, place, input, today } = job;
	// The voucher, locked unless another redemption holds it (then it is being redeemed
	// elsewhere right now: refused at once, never waited for, so that concurrent batches
	// never wait on each other's vouchers nor deadlock), its campaign, and the
	// accompaniment, locked (two vouchers cannot both take its last seat; batches take
	// accompaniments in id order), with the vouchers already on it.
	const [row] = await prepared<{
		id: string;
		code: string;
		campaign_id: string;
		booklet_id: string;
		department_code: string;
		face_value_cents: number;
		state: string;
		redeemed_at: string | null;
		ended_reason: string | null;
		beneficiary_id: string | null;
		redeemed_place: string | null;
		c_name: string;
		c_department_code: string;
		valid_from: string;
		valid_until: string;
		tolerance_days: number;
		commune_codes: string[];
		publics: string[];
		a_id: string;
		a_organisation_id: string;
		a_place_id: string | null;
		a_participants: number;
		a_beneficiary_id: string | null;
		used: number;
	}>(
		tx,
		'pass-redeem-lookup',
		`select v.id, v.code, v.campaign_id, v.booklet_id, v.department_code, v.face_value_cents, v.state, v.redeemed_at, v.ended_reason, v.beneficiary_id,
			p.nom as redeemed_place, c.name as c_name, c.department_code as c_department_code, c.valid_from::text, c.valid_until::text, c.tolerance_days,
			c.commune_codes, c.publics, a.id as a_id, a.organisation_id as a_organisation_id, a.place_id as a_place_id, a.participants as a_participants,
			a.beneficiary_id as a_beneficiary_id, (select count(*)::int from pass_vouchers u where u.accompaniment_id = a.id) as used
		from pass_vouchers v
		join pass_campaigns c on c.id = v.campaign_id
		join accompaniments a on a.id = $1
		left join places p on p.id = v.redeemed_place_id
		where v.code = $2
		for update of a
		for update of v skip locked`,
		[input.accompanimentId, job.code]
	);
	if (!row) {
		const other = await voucherByCode(tx, job.code);
		if (!other) return null;
		if ((await accompanimentDates(tx, [input.accompanimentId])).has(input.accompanimentId))
			throw new PassError('conflict', 'Ce pass est en train d’être encaissé par ailleurs. Vérifiez-le à nouveau dans un instant.');
	}
	if (!row || row.a_organisation_id !== place.organisationId || (row.a_place_id && row.a_place_id !== place.placeId))
		throw new PassError('invalid', 'Cet accompagnement n’est pas un de ceux de votre lieu.', {
			accompanimentId: 'Choisissez un accompagnement de votre lieu.'
		});
	const acc = { id: row.a_id, participants: row.a_participants, beneficiaryId: row.a_beneficiary_id };
	const v = {
		id: row.id,
		code: row.code,
		campaignId: row.campaign_id,
		bookletId: row.booklet_id,
		departmentCode: row.department_code,
		faceValueCents: row.face_value_cents,
		state: row.state,
		redeemedAt: row.redeemed_at ? new Date(row.redeemed_at) : null,
		endedReason: row.ended_reason,
		beneficiaryId: row.beneficiary_id,
		redeemedPlace: row.redeemed_place,
		campaign: {
			id: row.campaign_id,
			name: row.c_name,
			departmentCode: row.c_department_code,
			validFrom: row.valid_from,
			validUntil: row.valid_until,
			toleranceDays: row.tolerance_days,
			communeCodes: row.commune_codes,
			publics: row.publics
		}
	};
	const { problems, outsideArea } = problemsOf(v, place, today);
	const blocking = problems.find((x) => x.kind === 'blocking');
	if (blocking) throw new PassError('conflict', blocking.message);
	if (outsideArea && !input.confirmOutsideArea)
		throw new PassError('conflict', problems.find((x) => x.kind === 'confirm')!.message, {
			confirmOutsideArea: 'Confirmez pour encaisser hors du territoire.'
		});
	if (acc.beneficiaryId && v.beneficiaryId && acc.beneficiaryId !== v.beneficiaryId)
		throw new PassError('conflict', 'Ce pass a été remis à une autre personne que celle de cet accompagnement.', { accompanimentId: 'Vérifiez la personne.' });
	const seatsTaken = (used: number) =>
		new PassError(
			'conflict',
			acc.participants > 1
				? `Cet atelier compte ${acc.participants} participants et ${used} pass y sont déjà rattachés\u00a0: un pass par participant.`
				: 'Un pass est déjà rattaché à cet accompagnement\u00a0: un pass par personne et par accompagnement.',
			{ accompanimentId: 'Choisissez un autre accompagnement.' }
		);
	if (row.used >= acc.participants) throw seatsTaken(row.used);
	// the move, only from 'distributed' (so that exactly one attempt wins) and only while the
	// accompaniment has a seat left, and its ledger posting, in one statement: the posting
	// exists exactly when the move happened. The seats are counted HERE, not from the lookup:
	// that statement may have waited for the accompaniment's lock while another batch filled
	// it, and a statement's subqueries see the data as of its start (a 3-seat workshop took
	// 5 vouchers so). This statement starts after the lock is ours: its count is final.
	const lines = POST.redemption(v.campaignId, place.placeId, v.faceValueCents);
	const [moved] = await prepared<{ moved_count: number; lines: number; n: number; places: number; span: number; size: number; seats_used: number }>(
		tx,
		'pass-redeem-move',
		`with seats as (
			select count(*)::int as used from pass_vouchers u where u.accompaniment_id = $4
		), moved as (
			update pass_vouchers set state = 'redeemed', redeemed_at = now(), redeemed_by = $1, redeemed_place_id = $2,
				redeemed_organisation_id = $3, accompaniment_id = $4
			where id = $5 and state = 'distributed' and (select used from seats) < $10
			returning id
		), entry as (
			insert into pass_ledger_entries (department_code, kind, ref_type, ref_id)
			select $6, 'redemption', 'voucher', id::text from moved
			returning id
		), posted as (
			insert into pass_ledger_lines (entry_id, account, amount_cents)
			select entry.id, l.account, l.amount from entry, unnest($7::text[], $8::bigint[]) as l(account, amount)
			returning 1
		)
		select (select count(*)::int from moved) as moved_count, (select count(*)::int from posted) as lines,
			-- the booklet's redemptions, this one included (the fraud control below)
			(select count(*)::int from pass_vouchers b where b.booklet_id = $9 and (b.redeemed_at is not null or b.id in (select id from moved))) as n,
			(select count(distinct coalesce(b.redeemed_place_id, $2))::int from pass_vouchers b where b.booklet_id = $9 and (b.redeemed_at is not null or b.id in (select id from moved))) as places,
			(select coalesce(extract(epoch from now() - min(b.redeemed_at)), 0)::float8 from pass_vouchers b where b.booklet_id = $9 and b.redeemed_at is not null) as span,
			(select size from pass_booklets where id = $9) as size, (select used from seats) as seats_used`,
		[
			actor.userId,
			place.placeId,
			place.organisationId,
			acc.id,
			v.id,
			v.departmentCode,
			`{${lines.map((l) => l.account).join(',')}}`,
			`{${lines.map((l) => l.amountCents).join(',')}}`,
			v.bookletId,
			acc.participants
		]
	);
	if (!moved.moved_count && moved.seats_used >= acc.participants) throw seatsTaken(moved.seats_used);
	if (!moved.moved_count) throw new PassError('conflict', 'Ce pass vient d’être utilisé.');
	if (moved.lines !== lines.length) throw new Error(`redeem: the posting of voucher ${v.id} has ${moved.lines} lines`);
	const alerts: string[] = [];
	if (outsideArea) {
		await tx.insert(passAlerts).values({
			departmentCode: v.departmentCode,
			kind: 'outside_area',
			campaignId: v.campaignId,
			bookletId: v.bookletId,
			voucherId: v.id,
			placeId: place.placeId,
			organisationId: place.organisationId,
			userId: actor.userId,
			details: { commune: place.commune, codeInsee: place.codeInsee }
		});
		alerts.push('outside_area');
	}
	// a whole booklet redeemed by one place within minutes
	if (moved.n === moved.size && moved.places === 1 && moved.span <= FRAUD.burstMinutes * 60) {
		const inserted = await tx
			.insert(passAlerts)
			.values({
				departmentCode: v.departmentCode,
				kind: 'booklet_burst',
				campaignId: v.campaignId,
				bookletId: v.bookletId,
				placeId: place.placeId,
				organisationId: place.organisationId,
				userId: actor.userId,
				details: { vouchers: moved.n, minutes: Math.round((moved.span / 60) * 10) / 10 }
			})
			.onConflictDoNothing()
			.returning({ id: passAlerts.id });
		if (inserted.length) alerts.push('booklet_burst');
	}
	return {
		redemption: { voucherId: v.id, code: v.code, faceValueCents: v.faceValueCents, campaign: v.campaign.name, placeId: place.placeId, alerts },
		entry: {
			actor: userActor(actor),
			action: 'pass.voucher.redeemed',
			targetType: 'pass_voucher',
			targetId: v.id,
			departmentCode: v.departmentCode,
			ip: job.ip,
			details: { placeId: place.placeId, accompanimentId: acc.id, faceValueCents: v.faceValueCents, ...(alerts.length ? { alerts } : {}) }
		}
	};
}

/** The vouchers a place team redeemed, newest first. */
export async function placeRedemptions(database: Database, actor: Actor, limit = 50) {
	const orgIds = organisationsFor(actor, 'pass.redeem');
	if (!orgIds.length) return [];
	const rows = await database.db
		.select({
			code: passVouchers.code,
			redeemedAt: passVouchers.redeemedAt,
			faceValueCents: passVouchers.faceValueCents,
			campaign: passCampaigns.name,
			placeId: passVouchers.redeemedPlaceId,
			state: passVouchers.state,
			redeemedBy: passVouchers.redeemedBy
		})
		.from(passVouchers)
		.innerJoin(passCampaigns, eq(passCampaigns.id, passVouchers.campaignId))
		.where(and(inArray(passVouchers.redeemedOrganisationId, orgIds), isNotNull(passVouchers.redeemedPlaceId)))
		.orderBy(desc(passVouchers.redeemedAt))
		.limit(limit);
	const [places, users] = await Promise.all([
		placeNames(
			database.db,
			rows.map((r) => r.placeId)
		),
		userNames(
			database.db,
			rows.map((r) => r.redeemedBy)
		)
	]);
	// a redeemed place is a place (foreign key): every row has its name
	return rows.map(({ placeId, state, redeemedBy, ...r }) => ({
		...r,
		place: places.get(placeId!) ?? '',
		state,
		by: (redeemedBy && users.get(redeemedBy)) ?? null
	}));
}
