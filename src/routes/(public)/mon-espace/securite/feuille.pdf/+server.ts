/**
 * « Imprimer ma feuille de secours » (a form, POST only: each sheet is new and replaces
 * the previous one): the 8 codes as a PDF to print, shown only this once.
 */
import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { issueRecoverySheet } from '#lib/server/beneficiaries/index.ts';
import { recoverySheetPdf } from '#lib/server/documents/index.ts';
import { loadInstance } from '#lib/components/instance.server.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';

export const POST: RequestHandler = async ({ locals, request }) => {
	const now = new Date();
	const sheet = await issueRecoverySheet(await getDatabase(), locals.person!, { ip: locals.ip, userAgent: request.headers.get('user-agent') }, now);
	if (!sheet.codes.length) error(404, 'Votre dossier n’existe plus.');
	const instance = await loadInstance();
	const pdf = await recoverySheetPdf({
		instanceName: instance.name,
		signInPage: `${publicOrigin()}/mon-espace/connexion`,
		codes: sheet.codes,
		firstName: sheet.firstName,
		issuedAt: now
	});
	return new Response(new Uint8Array(pdf), {
		headers: {
			'content-type': 'application/pdf',
			'content-disposition': 'attachment; filename="feuille-de-secours.pdf"',
			'cache-control': 'private, no-store',
			'referrer-policy': 'same-origin',
			'x-robots-tag': 'noindex'
		}
	});
};
