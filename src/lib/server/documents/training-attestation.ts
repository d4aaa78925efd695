/**
 * The attestation of attendance of a training (issue 17, item 5), handed to its holder:
 * who followed which training, which half-days, for how many hours, organised by whom,
 * its number, the digest of what was signed, and a QR code to the public page
 * /formations/attestations/<number> that says whether it is valid.
 */
import { PdfWriter } from './pdf.ts';
import { mm } from './pdf-layout.ts';
import { qrPng, QR_WIDTH_MM } from './referral-sheet.ts';

export interface TrainingAttestationData {
	instanceName: string;
	number: string;
	holder: string;
	training: string;
	halfDays: readonly string[];
	hours: string;
	organiser: string;
	trainer: string;
	where: string;
	issuedOn: string;
	digest: string;
	/** the public check's address, in the QR code */
	link: string;
}

export async function trainingAttestationPdf(d: TrainingAttestationData): Promise<Buffer> {
	const w = new PdfWriter({
		title: `Attestation de formation – ${d.training}`,
		instanceName: d.instanceName,
		subject: `Attestation de présence n° ${d.number}`,
		bodySize: 12,
		compact: true,
		footer: `${d.instanceName} · Attestation n° ${d.number}`
	});
	w.kicker(d.organiser || d.instanceName);
	w.heading('Attestation de présence à une formation', 1);
	w.paragraph(
		`${d.organiser || d.instanceName} atteste que ${d.holder} a suivi la formation « ${d.training} » ${d.halfDays.length > 1 ? 'aux demi-journées' : 'à la demi-journée'} ci-dessous, soit ${d.hours} de formation.`
	);
	w.bullets(d.halfDays);
	w.keyValues([
		['Formation', d.training],
		['Durée suivie', d.hours],
		['Lieu', d.where || '–'],
		['Formateur', d.trainer || '–'],
		['Organisée par', d.organiser || d.instanceName],
		['Délivrée le', d.issuedOn.split('-').reverse().join('/')],
		['Numéro', d.number]
	]);
	w.heading('Vérifier cette attestation', 2);
	const qr = await qrPng(d.link);
	w.imageBeside(qr, { width: mm(QR_WIDTH_MM), alt: 'Code QR\u00a0: il ouvre la page qui dit si cette attestation est valide.' }, [
		{ text: 'Pour vérifier que cette attestation est authentique, scannez ce code ou allez sur\u00a0:' },
		{ text: d.link, link: d.link, bold: true },
		{ text: 'La page dit si elle est valide, et ne montre que ce qui est écrit ici.' }
	]);
	w.heading('Empreinte', 2);
	w.paragraph('Cette empreinte (SHA-256) du contenu signé change si un mot de l’attestation change\u00a0:');
	w.paragraph(d.digest.match(/.{1,32}/g)!.join(' '), { after: 0 });
	return w.finish();
}
