/**
 * The sign-in sheet of a training's half-day (issue 17, item 5), printed by its organiser:
 * the session, the half-day (Paris time), the place, the trainer, then one row per
 * registrant with a seat and a box to sign. Attendance is then ticked on screen, or copied
 * from this sheet afterwards.
 */
import { PdfWriter } from './pdf.ts';

export interface TrainingSheetData {
	instanceName: string;
	title: string;
	/** « jeudi 11 mars 2027, 14 h – 17 h » */
	halfDay: string;
	where: string;
	trainer: string;
	organiser: string;
	registrants: readonly { name: string; structure: string }[];
}

export async function trainingSheetPdf(d: TrainingSheetData): Promise<Buffer> {
	const w = new PdfWriter({
		title: `Feuille d’émargement – ${d.title}`,
		instanceName: d.instanceName,
		subject: `Feuille d’émargement du ${d.halfDay}`,
		bodySize: 12,
		compact: true,
		footer: `${d.instanceName} · Feuille d’émargement`
	});
	w.kicker(d.organiser || d.instanceName);
	w.heading('Feuille d’émargement', 1);
	w.keyValues([
		['Formation', d.title],
		['Demi-journée', d.halfDay],
		['Lieu', d.where || 'à préciser'],
		['Formateur', d.trainer || 'à préciser']
	]);
	w.paragraph('Chaque personne présente signe en face de son nom. La feuille sert à délivrer les attestations de présence.', { after: 8 });
	if (!d.registrants.length) w.paragraph('Personne n’a de place dans cette session.');
	else
		w.table(
			[
				{ header: 'N°', width: 1 },
				{ header: 'Nom', width: 6 },
				{ header: 'Structure', width: 5 },
				{ header: 'Signature', width: 6 }
			],
			// the signature cell holds two blank lines: room to sign
			d.registrants.map((r, i) => [String(i + 1), r.name, r.structure, '\u00a0\n\u00a0\n\u00a0'])
		);
	w.paragraph('Signature du formateur\u00a0:', { bold: true });
	return w.finish();
}
