/**
 * "Relevé Pass Numérique — novembre 2026": what the fund owes a place for the vouchers it
 * redeemed in a month, readable by the place's team and by the Département's accounts
 * office. The place and the structure reimbursed (with its SIRET), one line per voucher
 * (code, when it was used, campaign, the accompaniment's day, value),
 * the total in euros, and whether it is paid (when, with which reference) or still due.
 */
import { PdfWriter } from './pdf.ts';
import { frenchDate, frenchDateTime } from './pdf-text.ts';
import { mm, type KeyValue } from './pdf-layout.ts';
import { spacedSiret, euros } from '../../components/format.ts';

export interface PassStatementData {
	instanceName: string;
	/** the statement's id (its first characters are shown as a reference) */
	id: string;
	/** "novembre 2026" */
	month: string;
	place: { name: string; commune: string };
	organisation: { name: string; siret: string | null };
	vouchers: {
		/** as printed: "7K2M-9QXA-…" */
		code: string;
		redeemedAt: Date | string | null;
		campaign: string;
		/** the accompaniment's day, "2026-11-14" */
		accompanimentDate: string | null;
		/** who redeemed it (on the page and in the CSV; the PDF's table keeps to what the accounts need) */
		by?: string | null;
		faceValueCents: number;
	}[];
	totalCents: number;
	paidAt: Date | string | null;
	paymentRef: string | null;
	/** when the document is made (shown in the footer's line) */
	madeAt?: Date;
}

const NONE = '—';

/** "Relevé Pass Numérique — novembre 2026" */
export const passStatementTitle = (month: string): string => `Relevé Pass Numérique — ${month}`;

export async function passStatementPdf(data: PassStatementData): Promise<Buffer> {
	const title = passStatementTitle(data.month);
	const reference = data.id.slice(0, 8).toUpperCase();
	const w = new PdfWriter({
		title,
		instanceName: data.instanceName,
		subject: `${title} · ${data.place.name} (${data.place.commune})`,
		footer: `${data.instanceName} · Relevé ${reference}`
	});
	const count = data.vouchers.length;

	w.kicker(data.instanceName);
	w.heading(title, 1);
	w.keyValues(
		[
			['Lieu', `${data.place.name} (${data.place.commune})`],
			['Structure remboursée', data.organisation.name],
			['SIRET', data.organisation.siret ? spacedSiret(data.organisation.siret) : 'Non renseigné'],
			['Mois', data.month],
			['Référence', reference]
		] satisfies KeyValue[],
		{ labelWidth: mm(52) }
	);

	w.heading('Pass utilisés', 2);
	if (!count) w.paragraph('Ce relevé ne compte aucun pass.');
	else
		w.table(
			[
				{ header: 'Code du pass', width: 28 },
				{ header: 'Utilisé le', width: 21 },
				{ header: 'Campagne', width: 21 },
				{ header: 'Accompagné le', width: 19 },
				{ header: 'Valeur', width: 11 }
			],
			data.vouchers.map((v) => [
				v.code,
				v.redeemedAt ? frenchDateTime(v.redeemedAt, { weekday: false }) : NONE,
				v.campaign,
				v.accompanimentDate ? frenchDate(v.accompanimentDate, { weekday: false }) : NONE,
				euros(v.faceValueCents)
			])
		);

	w.heading('Total', 2);
	w.box([
		{ text: `${euros(data.totalCents)} pour ${count} pass`, bold: true, size: 16 },
		{
			text: data.paidAt ? `Payé le ${frenchDate(data.paidAt, { weekday: false })}${data.paymentRef ? ` (référence ${data.paymentRef})` : ''}` : 'À payer',
			bold: true
		}
	]);
	if (!data.paidAt) w.paragraph(`Le fonds départemental versera ${euros(data.totalCents)} à ${data.organisation.name}.`);
	if (data.madeAt) w.paragraph(`Document établi le ${frenchDateTime(data.madeAt, { weekday: false })}.`, { size: 12 });

	return w.finish();
}
