/**
 * The mandates' clock (scheduled in ../app.ts): 30 and 7 days before a mandate ends, the
 * person is told (SMS to their mobile, else e-mail) and so is the structure (an e-mail to
 * its helpers). Each reminder is claimed on its row in the transaction that queues it:
 * never twice, whatever the number of runs. A reminder missed while the server was down is
 * not sent late when the next one is due (one message, the nearer date).
 */
import { and, eq, gt, isNull, lte, or } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { memberEmails, organisationNames } from '../accounts/index.ts';
import { HELPERS } from '../permissions/index.ts';
import { uncheckedRecord, fullName } from '../beneficiaries/index.ts';
import { grantInForce, grantsOfMandates } from '../grants/index.ts';
import { plainMail, queueMail, tagOutbox } from '../mail/index.ts';
import { isMobile, queueSms, toGsm7 } from '../sms/index.ts';
import { formatDate } from '../../components/format.ts';
import { mandates, type Mandate } from './db.ts';
import { reminderText, remindersOf, themeLabels, untilWords, listFr } from './model.ts';

const DAY = 86_400_000;

/** The reminder due for a mandate at `now` (7 before 30), if it was not sent yet. */
export function reminderDue(m: Pick<Mandate, 'duration' | 'validUntil' | 'reminded30At' | 'reminded7At'>, now: Date): 30 | 7 | null {
	if (!m.validUntil || m.validUntil <= now) return null;
	const left = m.validUntil.getTime() - now.getTime();
	const due = remindersOf(m.duration).filter((d) => left <= d * DAY);
	if (due.includes(7)) return m.reminded7At ? null : 7;
	if (due.includes(30)) return m.reminded30At ? null : 30;
	return null;
}

export async function runMandateClock(database: Database, links: { origin: string; instanceName: string }, now = new Date()): Promise<{ reminded: number }> {
	const rows = await database.db
		.select()
		.from(mandates)
		.where(
			and(
				eq(mandates.status, 'signed'),
				isNull(mandates.revokedAt),
				gt(mandates.validUntil, now),
				lte(mandates.validUntil, new Date(now.getTime() + 30 * DAY)),
				or(isNull(mandates.reminded30At), isNull(mandates.reminded7At))
			)
		);
	let reminded = 0;
	for (const m of rows) {
		const days = reminderDue(m, now);
		if (!days) continue;
		const live = (await grantsOfMandates(database.db, [m.id])).filter((g) => grantInForce(g, now));
		if (!live.length) continue;
		const sent = await database.db.transaction(async (tx) => {
			// claimed here: a second run, or a second server, finds it taken
			const claim = await tx
				.update(mandates)
				.set(days === 7 ? { reminded7At: now, reminded30At: m.reminded30At ?? now } : { reminded30At: now })
				.where(and(eq(mandates.id, m.id), days === 7 ? isNull(mandates.reminded7At) : isNull(mandates.reminded30At)))
				.returning({ id: mandates.id });
			if (!claim.length) return false;
			const b = await uncheckedRecord(tx, m.beneficiaryId);
			if (!b || b.anonymisedAt) return false;
			const structure = (await organisationNames(tx, [m.organisationId])).get(m.organisationId) ?? 'la structure';
			const until = untilWords(m.duration, m.validUntil!, { nbsp: false });
			const day = formatDate(new Date(m.validUntil!.getTime() - 1));
			const text = reminderText({ structure, until: day, days });
			if (b.phone && isMobile(b.phone)) {
				const id = await queueSms(database, tx, { to: b.phone, text: toGsm7(text), template: 'mandate-reminder' });
				await tagOutbox(tx, id, b.id);
			} else if (b.email)
				await queueMail(
					database,
					tx,
					plainMail(
						b.email,
						`Votre mandat se termine ${until}`,
						['Bonjour,', text, `Pour voir vos mandats\u00a0: ${links.origin}/mon-espace/mandats`],
						null,
						'mandate-reminder'
					),
					b.id
				);
			const themes = listFr(themeLabels(live.map((g) => g.scopes.find((s) => s.startsWith('theme:'))?.slice(6) ?? '')));
			for (const to of await memberEmails(tx, m.organisationId, HELPERS))
				await queueMail(
					database,
					tx,
					plainMail(
						to,
						`Un mandat se termine dans ${days} jours`,
						[
							'Bonjour,',
							`Le mandat donné à ${structure} par ${fullName(b)} se termine ${until} (domaines\u00a0: ${themes}).`,
							'S’il faut le prolonger, préparez un nouveau mandat avec la personne\u00a0: elle le confirme sur place.'
						],
						null,
						'mandate-reminder-structure'
					),
					b.id
				);
			await journal(tx, {
				actor: { kind: 'system' },
				action: 'mandate.reminded',
				targetType: 'beneficiary',
				targetId: m.beneficiaryId,
				departmentCode: m.departmentCode,
				details: { mandateId: m.id, organisationId: m.organisationId, days }
			});
			return true;
		});
		if (sent) reminded++;
	}
	return { reminded };
}
