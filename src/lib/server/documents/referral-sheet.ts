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
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import type { Actor } from '../accounts/index.ts';
import { weekTable } from '../places/index.ts';
import { formatPhone, formatRange } from '../../components/format.ts';
import { issuePersonLink, uncheckedRecord } from '../beneficiaries/index.ts';
import { referralDetail, type Links } from '../referral/index.ts';
import { PdfWriter } from './pdf.ts';
import { capitalize, frenchDate, frenchDateTime } from './pdf-text.ts';
import { mm } from './pdf-layout.ts';

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
export const QR_WIDTH_MM = 30;

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

/**
 * Opening hours on few lines: consecutive days with the same hours together ("Lundi au
 * jeudi : 9 h – 12 h", "Samedi et dimanche : fermé"). Lines not of the form "Jour : …"
 * are kept as they are.
 */
export function groupHours(hours: readonly string[]): string[] {
	const parsed = hours.map((h) => /^([^:]+?)\s*:\s*(.*)$/.exec(h));
	if (parsed.some((m) => !m)) return [...hours];
	const runs: { days: string[]; value: string }[] = [];
	for (const m of parsed as RegExpExecArray[]) {
		const last = runs[runs.length - 1];
		if (last && last.value === m[2]) last.days.push(m[1]);
		else runs.push({ days: [m[1]], value: m[2] });
	}
	return runs.map(({ days, value }) => {
		const label =
			days.length === 1 ? days[0] : days.length === 2 ? `${days[0]} et ${days[1].toLowerCase()}` : `${days[0]} au ${days[days.length - 1].toLowerCase()}`;
		return `${label}\u00a0: ${value}`;
	});
}

/** Everything on one A4 page for a usual referral: short sections, the place's contact in its box, hours grouped. */
export async function referralSheetPdf(data: ReferralSheetData): Promise<Buffer> {
	const { place, prescriber } = data;
	const w = new PdfWriter({
		title: 'Votre orientation',
		instanceName: data.instanceName,
		subject: `Orientation ${data.reference} vers ${place.name}`,
		bodySize: 12,
		compact: true,
		footer: `${data.instanceName} · Orientation ${data.reference}`
	});
	const qr = data.personLink ? await qrPng(data.personLink) : null;

	// the site's name is in the footer and the metadata: no kicker line
	w.heading('Votre orientation', 1);
	w.paragraph(`Pour ${data.personName} · Référence ${data.reference}. Cette feuille vous dit où aller, quand et pourquoi.`);

	w.heading('Où aller, et quand', 2);
	const emails = place.emails.filter(Boolean);
	w.box([
		{ text: place.name, bold: true, size: 15 },
		{ text: `${place.address}, ${`${place.postalCode} ${place.commune}`.trim()}` },
		...(place.phone ? [{ text: `Téléphone\u00a0: ${formatPhone(place.phone)}` }] : []),
		...(emails.length ? [{ text: `${emails.length > 1 ? 'E-mails' : 'E-mail'}\u00a0: ${emails.join(', ')}` }] : []),
		...(place.access?.trim() ? [{ text: `Accès\u00a0: ${place.access.trim()}` }] : []),
		...(data.appointmentAt
			? [
					{ text: `Votre rendez-vous\u00a0: ${capitalize(frenchDateTime(data.appointmentAt))}`, bold: true },
					{
						text: place.phone
							? `Si vous ne pouvez pas venir, appelez le ${formatPhone(place.phone)} pour prévenir.`
							: 'Si vous ne pouvez pas venir, prévenez le lieu.'
					}
				]
			: [
					{
						text: `Il n’y a pas encore de rendez-vous. ${place.phone ? `Appelez le ${formatPhone(place.phone)}, ou allez sur place aux heures d’ouverture.` : 'Allez sur place aux heures d’ouverture.'}`
					}
				]),
		...(place.hours.length ? [{ text: 'Horaires d’ouverture\u00a0:', bold: true }, ...groupHours(place.hours).map((text) => ({ text }))] : [])
	]);

	w.heading('Pourquoi y aller', 2);
	for (const l of lines(data.reason)) w.paragraph(l);
	const bring = lines(data.toBring);
	if (bring.length) {
		w.heading('À apporter', 3);
		if (bring.length > 1) w.bullets(bring);
		else w.paragraph(bring[0]);
	}

	w.heading('Qui vous envoie', 2);
	w.paragraph(
		`${[prescriber.name, prescriber.organisation, formatPhone(prescriber.phone)].filter((x) => x && x.trim()).join(', ')}. Envoyée le ${frenchDate(data.sentAt)}.`
	);

	w.heading('Voir ou annuler', 2);
	if (qr && data.personLink) {
		w.imageBeside(qr, { width: mm(QR_WIDTH_MM), alt: 'Code QR\u00a0: il ouvre la page de votre orientation sur Internet.' }, [
			{ text: 'Pour voir ou annuler cette orientation, scannez ce code ou allez sur\u00a0:' },
			{ text: data.personLink, link: data.personLink, bold: true },
			{ text: 'Ce lien est personnel, valable 90 jours\u00a0: ne le donnez à personne.' }
		]);
	} else {
		w.paragraph(
			'Pour voir ou annuler cette orientation, allez sur la page ci-dessous et demandez un code\u00a0: il arrive sur le téléphone ou l’adresse e-mail que vous avez donnés.'
		);
		if (data.publicPage) w.paragraph(data.publicPage, { bold: true });
		w.paragraph(`Votre référence\u00a0: ${data.reference}`);
	}

	return w.finish();
}

/**
 * The printable sheet for the person (PDF): where, when, why, who. Printed by the
 * prescriber's side (for the person, who prefers paper), it carries a new link to the
 * person's page (QR code and address): printing again revokes the previous sheet's link.
 * Printed by the place's team, it carries no access of the person's: only the public page
 * where the person asks for a one-time code.
 */
export async function referralSheet(
	database: Database,
	actor: Actor,
	id: string,
	links: Links,
	ip?: string | null
): Promise<{ pdf: Buffer; reference: string; withPersonLink: boolean }> {
	const d = await referralDetail(database, actor, id, ip);
	const hours = (weekTable(d.place.horaires) ?? []).map((r) => `${r.day}\u00a0: ${r.closed ? 'fermé' : r.ranges.map(formatRange).join(' et ')}`);
	let personLink: string | null = null;
	if (d.side === 'sender') {
		personLink = await database.db.transaction(async (tx) => {
			// the sender's side of this referral (referralDetail checked it) holds the record
			const b = await uncheckedRecord(tx, d.beneficiaryId);
			if (!b || b.anonymisedAt) return null;
			const link = await issuePersonLink(tx, {
				beneficiaryId: d.beneficiaryId,
				channel: 'sheet',
				referralId: d.id,
				createdBy: actor.userId,
				origin: links.origin
			});
			await journal(tx, {
				actor: { kind: 'user', id: actor.userId },
				action: 'person.link_issued',
				targetType: 'beneficiary',
				targetId: d.beneficiaryId,
				departmentCode: b.departmentCode,
				ip,
				details: { channel: 'sheet', referralId: d.id, linkId: link.id }
			});
			return link.href;
		});
	}
	const pdf = await referralSheetPdf({
		instanceName: links.instanceName,
		reference: d.reference,
		personName: d.person.name,
		place: {
			name: d.place.nom,
			address: d.place.adresse,
			postalCode: d.place.codePostal,
			commune: d.place.commune,
			phone: d.place.telephone,
			emails: d.place.courriels,
			hours,
			access: null
		},
		reason: d.reason ?? '',
		toBring: null,
		sentAt: d.sentAt,
		appointmentAt: d.appointmentAt,
		prescriber: { name: d.from.prescriber ?? '', organisation: d.from.organisation, phone: null },
		personLink,
		publicPage: `${links.origin}/mon-espace/connexion`
	});
	return { pdf, reference: d.reference, withPersonLink: !!personLink };
}
