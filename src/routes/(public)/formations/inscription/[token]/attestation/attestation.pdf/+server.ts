import type { RequestHandler } from './$types';
import { error } from '@sveltejs/kit';
import { getDatabase } from '#lib/server/db/client.ts';
import { holderAttestation, mailLinks, verificationLink, type AttestationContent } from '#lib/server/trainings/index.ts';
import { trainingAttestationPdf } from '#lib/server/documents/index.ts';

/** The holder's attestation as a PDF, by their registration's link (a valid one only). */
export const GET: RequestHandler = async ({ params }) => {
	const db = await getDatabase();
	const a = await holderAttestation(db, params.token);
	if (!a || a.status !== 'valid') error(404, 'Aucune attestation valide n’est liée à ce lien.');
	const links = await mailLinks(db);
	const c = a.row.content as AttestationContent;
	const pdf = await trainingAttestationPdf({
		instanceName: links.instanceName,
		number: a.shown.number,
		holder: a.shown.holder,
		training: a.shown.training,
		halfDays: a.shown.halfDays,
		hours: a.shown.hours,
		organiser: a.shown.organiser,
		trainer: a.shown.trainer,
		where: c.where,
		issuedOn: a.shown.issuedOn,
		digest: a.row.digest,
		link: verificationLink(links, a.shown.number)
	});
	return new Response(new Uint8Array(pdf), {
		headers: {
			'content-type': 'application/pdf',
			'content-disposition': `attachment; filename="attestation-${a.shown.number}.pdf"`,
			'cache-control': 'private, no-store'
		}
	});
};
