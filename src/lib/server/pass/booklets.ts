/**
 * Booklets and their vouchers: generated with fresh codes (activated at once in a funded
 * campaign), entrusted to a prescribing organisation, cancelled, printed.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import type { Actor } from '../accounts/index.ts';
import { newCode, parseCode } from './code.ts';
import { passBooklets, passCampaigns, passVouchers } from './db.ts';
import { PassError, userActor, rowsOf, mustManage, orgInDepartment } from './internal.ts';
import { loadCampaign, activateCreated, remainingCapacity } from './campaigns.ts';

/**
 * Generates booklets of the campaign's size, each voucher with a fresh unguessable code.
 * In a funded campaign they are activated at once (the budget must cover them).
 */
export async function generateBooklets(
	database: Database,
	actor: Actor,
	campaignId: string,
	count: number,
	ip?: string | null
): Promise<{ first: number; last: number; vouchers: number }> {
	if (!Number.isInteger(count) || count < 1 || count > 2000)
		throw new PassError('invalid', 'Indiquez un nombre de carnets entre 1 et 2\u202f000.', { count: 'Entre 1 et 2\u202f000 carnets à la fois.' });
	return database.db.transaction(async (tx) => {
		const [c] = await tx.select().from(passCampaigns).where(eq(passCampaigns.id, campaignId)).for('update');
		if (!c) throw new PassError('not_found', 'Cette campagne n’existe pas.');
		mustManage(actor, c.departmentCode);
		if (c.status === 'closed') throw new PassError('conflict', 'Cette campagne est close.');
		const capacity = await remainingCapacity(tx, c);
		const wanted = count * c.bookletSize;
		if (wanted > capacity)
			throw new PassError(
				'conflict',
				capacity >= c.bookletSize
					? `Les parts des financeurs permettent encore ${capacity} pass, soit ${Math.floor(capacity / c.bookletSize)} carnets de ${c.bookletSize}.`
					: 'Les parts des financeurs ne permettent plus de nouveau carnet\u00a0: augmentez le financement de la campagne.',
				{ count: `${Math.floor(capacity / c.bookletSize)} carnets au plus.` }
			);
		const [{ max }] = rowsOf<{ max: number }>(
			await tx.execute(sql`select coalesce(max(number), 0)::int as max from pass_booklets where campaign_id = ${c.id}`)
		);
		const first = max + 1;
		const bookletRows = await tx
			.insert(passBooklets)
			.values(Array.from({ length: count }, (_, i) => ({ campaignId: c.id, departmentCode: c.departmentCode, number: first + i, size: c.bookletSize })))
			.returning({ id: passBooklets.id, number: passBooklets.number });
		const vouchers = bookletRows.flatMap((b) =>
			Array.from({ length: c.bookletSize }, (_, p) => ({
				code: newCode(),
				campaignId: c.id,
				bookletId: b.id,
				position: p + 1,
				departmentCode: c.departmentCode,
				faceValueCents: c.faceValueCents
			}))
		);
		for (let i = 0; i < vouchers.length; i += 1000) {
			const chunk = vouchers.slice(i, i + 1000);
			// a code already taken (one chance in 2^65 per pair) gets a new draw
			for (;;) {
				const inserted = await tx.insert(passVouchers).values(chunk).onConflictDoNothing({ target: passVouchers.code }).returning({ code: passVouchers.code });
				if (inserted.length === chunk.length) break;
				const ok = new Set(inserted.map((r) => r.code));
				chunk.splice(0, chunk.length, ...chunk.filter((v) => !ok.has(v.code)).map((v) => ({ ...v, code: newCode() })));
			}
		}
		const activated = c.status === 'funded' ? await activateCreated(tx, c) : 0;
		await journal(tx, {
			actor: userActor(actor),
			action: 'pass.booklets.generated',
			targetType: 'pass_campaign',
			targetId: c.id,
			departmentCode: c.departmentCode,
			ip,
			details: { first, last: first + count - 1, vouchers: vouchers.length, activated }
		});
		return { first, last: first + count - 1, vouchers: vouchers.length };
	});
}

/** Entrusts booklets (by number, from–to) to a prescribing organisation of the département. */
export async function entrustBooklets(
	database: Database,
	actor: Actor,
	campaignId: string,
	organisationId: string,
	from: number,
	to: number,
	ip?: string | null
): Promise<number> {
	return database.db.transaction(async (tx) => {
		const c = await loadCampaign(tx, campaignId);
		mustManage(actor, c.departmentCode);
		if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to < from)
			throw new PassError('invalid', 'Indiquez les numéros des carnets, du premier au dernier.', { from: 'Par exemple de 1 à 20.' });
		const org = await orgInDepartment(tx, organisationId, c.departmentCode);
		if (!org) throw new PassError('invalid', 'Choisissez une structure de ce département.', { organisationId: 'Choisissez une structure.' });
		const rows = await tx
			.update(passBooklets)
			.set({ holderOrganisationId: organisationId, entrustedAt: new Date() })
			.where(and(eq(passBooklets.campaignId, c.id), sql`${passBooklets.number} between ${from} and ${to}`))
			.returning({ id: passBooklets.id });
		if (!rows.length) throw new PassError('invalid', 'Aucun carnet ne porte ces numéros dans cette campagne.', { from: 'Aucun carnet avec ces numéros.' });
		await journal(tx, {
			actor: userActor(actor),
			action: 'pass.booklets.entrusted',
			targetType: 'pass_campaign',
			targetId: c.id,
			departmentCode: c.departmentCode,
			ip,
			details: { organisationId, from, to, booklets: rows.length }
		});
		return rows.length;
	});
}

/** Cancels vouchers (lost or stolen booklet, error): not yet redeemed ones only. Their value is credited back by the daily clock. */
export async function cancelVouchers(
	database: Database,
	actor: Actor,
	campaignId: string,
	target: { bookletNumber?: number; code?: string },
	reason: string,
	ip?: string | null
): Promise<number> {
	if (!reason.trim()) throw new PassError('invalid', 'Indiquez pourquoi ces pass sont annulés.', { reason: 'Par exemple\u00a0: carnet perdu.' });
	return database.db.transaction(async (tx) => {
		const c = await loadCampaign(tx, campaignId);
		mustManage(actor, c.departmentCode);
		let where;
		if (target.code) {
			const p = parseCode(target.code);
			if (!p.ok) throw new PassError('invalid', p.message, { code: p.message });
			where = and(eq(passVouchers.campaignId, c.id), eq(passVouchers.code, p.code));
		} else if (target.bookletNumber) {
			const [b] = await tx
				.select({ id: passBooklets.id })
				.from(passBooklets)
				.where(and(eq(passBooklets.campaignId, c.id), eq(passBooklets.number, target.bookletNumber)));
			if (!b) throw new PassError('invalid', 'Aucun carnet ne porte ce numéro.', { bookletNumber: 'Aucun carnet avec ce numéro.' });
			where = eq(passVouchers.bookletId, b.id);
		} else throw new PassError('invalid', 'Indiquez un carnet ou un code.');
		const rows = await tx
			.update(passVouchers)
			.set({ state: 'cancelled', endedAt: new Date(), endedReason: 'cancelled' })
			.where(and(where, inArray(passVouchers.state, ['created', 'activated', 'distributed'])))
			.returning({ id: passVouchers.id });
		await journal(tx, {
			actor: userActor(actor),
			action: 'pass.vouchers.cancelled',
			targetType: 'pass_campaign',
			targetId: c.id,
			departmentCode: c.departmentCode,
			ip,
			details: { count: rows.length, reason: reason.trim().slice(0, 200), ...target }
		});
		return rows.length;
	});
}

/** Every voucher of a campaign with its booklet, for printing (booklet order). */
export async function campaignVouchersForPrint(database: Database, actor: Actor, campaignId: string, booklets?: { from: number; to: number }) {
	const c = await loadCampaign(database.db, campaignId);
	mustManage(actor, c.departmentCode);
	const rows = await database.db
		.select({ number: passBooklets.number, position: passVouchers.position, code: passVouchers.code })
		.from(passVouchers)
		.innerJoin(passBooklets, eq(passBooklets.id, passVouchers.bookletId))
		.where(and(eq(passVouchers.campaignId, c.id), booklets ? sql`${passBooklets.number} between ${booklets.from} and ${booklets.to}` : undefined))
		.orderBy(asc(passBooklets.number), asc(passVouchers.position));
	const byBooklet = new Map<number, { code: string }[]>();
	for (const r of rows) (byBooklet.get(r.number) ?? byBooklet.set(r.number, []).get(r.number)!).push({ code: r.code });
	return { campaign: c, booklets: [...byBooklet].map(([number, vouchers]) => ({ number, vouchers })) };
}

/**
 * The booklets a coordinator prints (`format`, optionally a range of numbers): printed codes
 * are money, so every print is journaled (who, which booklets, which format) before the
 * document is drawn.
 */
export async function printBooklets(
	database: Database,
	actor: Actor,
	campaignId: string,
	opts: { format: 'a4' | 'a6'; range?: { from: number; to: number }; ip?: string | null }
) {
	const print = await campaignVouchersForPrint(database, actor, campaignId, opts.range);
	const { campaign: c, booklets } = print;
	if (!booklets.length)
		throw new PassError('not_found', opts.range ? 'Aucun carnet ne porte ces numéros dans cette campagne.' : 'Cette campagne n’a pas encore de carnet.');
	const vouchers = booklets.reduce((n, b) => n + b.vouchers.length, 0);
	await journal(database.db, {
		actor: userActor(actor),
		action: 'pass.booklets.printed',
		targetType: 'pass_campaign',
		targetId: c.id,
		departmentCode: c.departmentCode,
		ip: opts.ip ?? null,
		details: { format: opts.format, first: booklets[0].number, last: booklets[booklets.length - 1].number, booklets: booklets.length, vouchers }
	});
	return print;
}
