/**
 * "Votre orientation": the sheet a person takes with them when they prefer paper. Very
 * plain French, one idea per line, the most useful first: where to go, when, why, what to
 * bring, who sent them, and how to see or cancel it online (a QR code and the link).
 * The place's copy has no link of the person's: it says to ask for a code on the public
 * page instead.
 *
 * Only what the person should read: never the place's decline reason nor any note
 * between professionals (this function does not take them).
 */
import QRCode from 'qrcode';
import { PdfWriter, capitalize, frenchDate, frenchDateTime, frenchPhone, mm, type KeyValue } from './pdf.ts';

export interface ReferralSheetData {
	instanceName: string;
	/** short reference shown to the person, e.g. 'OR-7K2M9' */
	reference: string;
	/** 'Marie D.' or a pseudonym */
	personName: string;
	place: {
		name: string;
		address: string;
		postalCode: string;
		commune: string;
		phone?: string | null;
		emails: string[];
		/** ready lines: 'Lundi : 9 h – 12 h, 14 h – 17 h' */
		hours: string[];
		access?: string | null;
	};
	reason: string;
	toBring?: string | null;
	sentAt: Date;
	appointmentAt?: Date | null;
	prescriber: { name: string; organisation: string; phone?: string | null };
	/**
	 * The person's own link (absolute URL), only on the sheet their prescriber prints for
	 * them. Null on the place's copy: it must carry no access of the person's.
	 */
	personLink: string | null;
	/** the public page where the person asks for a one-time code (absolute URL) */
	publicPage?: string;
}

/** The QR code's width on paper: well above the 3 cm a phone needs at arm's length. */
export const QR_WIDTH_MM = 40;

/** The person's link as a QR code (PNG, error correction M, quiet zone of 4 modules). */
export function qrPng(link: string): Promise<Buffer> {
	return QRCode.toBuffer(link, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 10, color: { dark: '#000000', light: '#ffffff' } });
}

/** Lines of a free text: one per line break, blank lines dropped. */
const lines = (s: string | null | undefined) =>
	(s ?? '')
		.split(/\n+/)
		.map((l) => l.trim())
		.filter(Boolean);

export async function referralSheetPdf(data: ReferralSheetData): Promise<Buffer> {
	const { place, prescriber } = data;
	const w = new PdfWriter({
		title: 'Votre orientation',
		instanceName: data.instanceName,
		subject: `Orientation ${data.reference} vers ${place.name}`,
		bodySize: 13,
		footer: `${data.instanceName} · Orientation ${data.reference}`
	});
	const qr = data.personLink ? await qrPng(data.personLink) : null;

	w.kicker(data.instanceName);
	w.heading('Votre orientation', 1);
	w.keyValues(
		[
			['Pour', data.personName],
			['Référence', data.reference]
		],
		{ labelWidth: mm(32) }
	);
	w.paragraph('Cette feuille vous dit où aller, quand y aller et pourquoi.');

	w.heading('Où aller', 2);
	w.box([
		{ text: place.name, bold: true, size: 16 },
		{ text: place.address },
		{ text: `${place.postalCode} ${place.commune}`.trim() }
	]);
	const contact: KeyValue[] = [
		['Téléphone', frenchPhone(place.phone)],
		[place.emails.length > 1 ? 'E-mails' : 'E-mail', place.emails],
		['Accès', place.access?.trim() ?? '']
	];
	w.keyValues(contact, { labelWidth: mm(32) });
	if (place.hours.length) {
		w.heading('Horaires d’ouverture', 3);
		w.bullets(place.hours);
	}

	w.heading('Quand y aller', 2);
	if (data.appointmentAt) {
		w.box([
			{ text: 'Votre rendez-vous :' },
			{ text: capitalize(frenchDateTime(data.appointmentAt)), bold: true, size: 16 },
			{ text: place.phone ? `Si vous ne pouvez pas venir, appelez le ${frenchPhone(place.phone)} pour prévenir.` : 'Si vous ne pouvez pas venir, prévenez le lieu.' }
		]);
	} else {
		w.paragraph('Il n’y a pas encore de rendez-vous.');
		w.paragraph(place.phone ? `Appelez le ${frenchPhone(place.phone)}, ou allez sur place aux heures d’ouverture.` : 'Allez sur place aux heures d’ouverture.');
	}

	w.heading('Pourquoi y aller', 2);
	for (const l of lines(data.reason)) w.paragraph(l);

	const bring = lines(data.toBring);
	if (bring.length) {
		w.heading('À apporter', 2);
		if (bring.length > 1) w.bullets(bring);
		else w.paragraph(bring[0]);
	}

	w.heading('Qui vous envoie', 2);
	w.keyValues(
		[
			['Nom', prescriber.name],
			['Structure', prescriber.organisation],
			['Téléphone', frenchPhone(prescriber.phone)],
			['Envoyée le', frenchDate(data.sentAt)]
		],
		{ labelWidth: mm(32) }
	);

	w.heading('Voir ou annuler', 2);
	if (qr && data.personLink) {
		w.imageBeside(qr, { width: mm(QR_WIDTH_MM), alt: 'Code QR : il ouvre la page de votre orientation sur Internet.' }, [
			{ text: 'Pour voir ou annuler cette orientation, scannez ce code ou allez sur :' },
			{ text: data.personLink, link: data.personLink, bold: true },
			{ text: `Votre référence : ${data.reference}` },
			{ text: 'Ce lien est personnel : ne le donnez à personne. Il est valable 90 jours.' }
		]);
	} else {
		w.paragraph('Pour voir ou annuler cette orientation, allez sur la page ci-dessous et demandez un code : il arrive sur le téléphone ou l’adresse e-mail que vous avez donnés.');
		if (data.publicPage) w.paragraph(data.publicPage, { bold: true });
		w.paragraph(`Votre référence : ${data.reference}`);
	}

	return w.finish();
}
