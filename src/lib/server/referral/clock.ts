/**
 * The referral clock: reminders to the place at day 10 and 20, expiry at day 30 without an
 * answer. Run hourly by the maintenance job; idempotent.
 */
import { and, asc, eq, inArray, lte } from 'drizzle-orm';
import type { Database, Tx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { organisationNames } from '../accounts/index.ts';
import { placeCard } from '../places/index.ts';
import { queueMail } from '../mail/index.ts';
import { referrals } from './db.ts';
import { clockDue, AWAITING, REMINDER_DAYS, type ReferralStatus } from './model.ts';
import { referralByLinkMail, referralReminderMail } from './messages.ts';
import { answerLink, lockReferral, nameForPlace, teamEmails, DAY, type Links, type Referral } from './core.ts';
import { apply } from './answer.ts';

/**
 * Sends the reminders due (day 10, day 20) and expires the referrals without an answer
 * for 30 days. Idempotent: run it as often as you like (hourly on the server).
 */
export async function runReferralClock(database: Database, links: Links, now = new Date()): Promise<{ reminded: number; expired: number }> {
	const firstReminder = new Date(now.getTime() - REMINDER_DAYS[0] * DAY);
	const due = await database.db
		.select({ id: referrals.id })
		.from(referrals)
		.where(and(inArray(referrals.status, AWAITING as ReferralStatus[]), lte(referrals.sentAt, firstReminder)))
		.orderBy(asc(referrals.sentAt))
		.limit(5000);
	let reminded = 0;
	let expired = 0;
	for (const { id } of due) {
		await database.db.transaction(async (tx) => {
			const r = await lockReferral(tx, id);
			if (!r) return;
			const c = clockDue({ status: r.status as ReferralStatus, sentAt: r.sentAt, remindersSent: r.remindersSent }, now);
			if (c.expire) {
				await apply(database, tx, r, { type: 'expire', by: 'system' }, { kind: 'system', audit: { kind: 'system' } }, links);
				expired++;
			} else if (c.reminders.length) {
				const day = c.reminders[0];
				await tx
					.update(referrals)
					.set({ remindersSent: REMINDER_DAYS.indexOf(day as 10 | 20) + 1 })
					.where(eq(referrals.id, r.id));
				await remind(database, tx, r, day, links);
				await journal(tx, {
					actor: { kind: 'system' },
					action: 'referral.reminded',
					targetType: 'referral',
					targetId: r.id,
					departmentCode: r.departmentCode,
					details: { day }
				});
				reminded++;
			}
		});
	}
	return { reminded, expired };
}

async function remind(database: Database, tx: Tx, r: Referral, days: number, links: Links): Promise<void> {
	const place = (await placeCard(tx, r.placeId))!;
	const personName = await nameForPlace(tx, r);
	if (r.toOrganisationId) {
		for (const to of await teamEmails(tx, r.toOrganisationId))
			await queueMail(
				database,
				tx,
				referralReminderMail({ to, placeName: place.nom, personName, days, link: `${links.origin}/espace/orientations/${r.id}` }),
				r.beneficiaryId
			);
	} else if (place.courriels[0]) {
		const from = { name: (await organisationNames(tx, [r.fromOrganisationId])).get(r.fromOrganisationId)! };
		const link = answerLink(r, links, Date.now());
		await queueMail(
			database,
			tx,
			referralByLinkMail({
				to: place.courriels[0],
				placeName: place.nom,
				fromOrganisation: from.name,
				personName,
				link: link.href,
				expiresAt: link.expiresAt,
				instanceName: links.instanceName,
				step: 'reminder'
			}),
			r.beneficiaryId
		);
	}
}
