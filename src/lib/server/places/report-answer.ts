/**
 * Acting on a "Signaler une erreur" report from the report itself (issue 12, item 8): the
 * coordinator corrects or closes the place (edit.ts, closing.ts: they close the report in the same
 * transaction), or rejects the report with an answer, e-mailed to the reporter when they
 * left an address. The address is erased then: it served only to answer.
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { can, type Actor } from '../permissions/index.ts';
import { places, placeErrorReports } from './db.ts';
import { PlaceManagementError } from './errors.ts';
import { isReportId } from './error-reports.ts';
import { plainMail, queueMail } from '../mail/index.ts';
import { inlineName as n } from '../../text/names.ts';

export async function getErrorReport(database: Database, actor: Actor, id: number) {
	if (!isReportId(id)) return null;
	const [r] = await database.db
		.select({
			id: placeErrorReports.id,
			placeId: placeErrorReports.placeId,
			fields: placeErrorReports.fields,
			message: placeErrorReports.message,
			status: placeErrorReports.status,
			departmentCode: places.departmentCode,
			withEmail: placeErrorReports.contactEmail
		})
		.from(placeErrorReports)
		.innerJoin(places, eq(places.id, placeErrorReports.placeId))
		.where(eq(placeErrorReports.id, id));
	if (!r || !can(actor, 'report.moderate', { departmentCode: r.departmentCode })) return null;
	return { ...r, withEmail: !!r.withEmail };
}

/** Rejects a report (nothing to change on the place), answering the reporter when they left an address. Returns whether an e-mail was sent. */
export async function rejectErrorReport(
	database: Database,
	actor: Actor,
	id: number,
	answer: string,
	opts: { instanceName: string; origin: string; ip?: string | null }
): Promise<{ mailed: boolean }> {
	const text = answer.replace(/\r\n/g, '\n').trim();
	if (!isReportId(id))
		throw new PlaceManagementError('not_found', 'Ce signalement n’existe pas, est déjà traité, ou concerne un lieu hors de votre département.');
	return database.db.transaction(async (tx) => {
		const [r] = await tx
			.select({
				id: placeErrorReports.id,
				status: placeErrorReports.status,
				contactEmail: placeErrorReports.contactEmail,
				placeId: places.id,
				placeName: places.nom,
				departmentCode: places.departmentCode
			})
			.from(placeErrorReports)
			.innerJoin(places, eq(places.id, placeErrorReports.placeId))
			.where(eq(placeErrorReports.id, id))
			// the same rejection sent twice at once (a double click, two coordinators): the second waits for the
			// first, then finds the report resolved; the reporter receives one answer, not one per request
			.for('update', { of: placeErrorReports });
		if (!r || r.status !== 'open' || !can(actor, 'report.moderate', { departmentCode: r.departmentCode }))
			throw new PlaceManagementError('not_found', 'Ce signalement n’existe pas, est déjà traité, ou concerne un lieu hors de votre département.');
		if (r.contactEmail && !text)
			throw new PlaceManagementError('invalid', 'Vérifiez les champs signalés.', { reponse: 'Écrivez la réponse que la personne recevra.' });
		if (text.length > 2000)
			throw new PlaceManagementError('invalid', 'Vérifiez les champs signalés.', {
				reponse: 'La réponse est trop longue\u00a0: 2\u202f000 caractères au plus.'
			});
		let mailed = false;
		if (r.contactEmail) {
			const link = `${opts.origin.replace(/\/$/, '')}/lieux/${encodeURIComponent(r.placeId)}`;
			await queueMail(
				database,
				tx,
				plainMail(
					r.contactEmail,
					// the place's name comes from open data or a hand correction: written as a name, never a link (text/names.ts)
					`Votre signalement sur « ${n(r.placeName)} » – ${n(opts.instanceName)}`,
					[
						'Bonjour,',
						`Merci d’avoir signalé une erreur sur la page de « ${n(r.placeName)} ». Après vérification, la page n’a pas été modifiée. Voici la réponse de l’équipe de coordination\u00a0:`,
						...text.split(/\n{2,}/)
					],
					{ href: link, label: 'Voir la page du lieu' },
					'error-report-answer'
				)
			);
			mailed = true;
		}
		await tx.update(placeErrorReports).set({ status: 'resolved', resolvedAt: new Date(), contactEmail: null }).where(eq(placeErrorReports.id, id));
		// the answer is not personal data, the address is: journaled without it
		await journal(tx, {
			actor: { kind: 'user', id: actor.userId },
			action: 'error_report.rejected',
			targetType: 'error_report',
			targetId: String(id),
			departmentCode: r.departmentCode,
			ip: opts.ip,
			details: { placeId: r.placeId, answered: mailed, answer: text || null }
		});
		return { mailed };
	});
}
