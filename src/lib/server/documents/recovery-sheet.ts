/**
 * « Ma feuille de secours » (Mon espace, issue 15): the 8 one-use codes that open the
 * person's space without a phone, printed by the person or their helper. Very plain
 * French, large type, the codes in a table to tick off; where to type them; what to do
 * if the sheet is lost. The codes appear only here: the database keeps their hashes.
 */
import { PdfWriter } from './pdf.ts';
import { frenchDate } from './pdf-text.ts';

export interface RecoverySheetData {
	instanceName: string;
	/** the sign-in page (absolute URL) */
	signInPage: string;
	codes: string[];
	firstName: string | null;
	issuedAt: Date;
}

export async function recoverySheetPdf(data: RecoverySheetData): Promise<Buffer> {
	const w = new PdfWriter({
		title: 'Ma feuille de secours',
		instanceName: data.instanceName,
		subject: 'Codes pour entrer dans Mon espace sans téléphone',
		bodySize: 14,
		footer: `${data.instanceName} – feuille du ${frenchDate(data.issuedAt)}`
	});
	w.heading(data.firstName ? `Ma feuille de secours – ${data.firstName}` : 'Ma feuille de secours', 1);
	w.paragraph('Ces codes ouvrent votre espace, même sans téléphone. Gardez cette feuille chez vous, comme une clé.', { bold: true });
	w.heading('Comment faire', 2);
	w.bullets([`Allez sur ${data.signInPage}`, 'Dans « Avec ma feuille de secours », recopiez un code.', 'Chaque code sert une seule fois. Barrez-le après.']);
	w.heading('Mes codes', 2);
	w.table(
		[
			{ header: 'N°', width: 40 },
			{ header: 'Code', width: 260 },
			{ header: 'Utilisé le', width: 180 }
		],
		data.codes.map((c, i) => [String(i + 1), c, ''])
	);
	w.heading('Si vous perdez cette feuille', 2);
	w.paragraph(
		'Entrez dans votre espace avec un code reçu par SMS, ou demandez de l’aide à la structure qui vous suit. Imprimez une nouvelle feuille\u00a0: l’ancienne ne marchera plus.'
	);
	w.paragraph('Ne donnez ces codes à personne. Aucun professionnel ne vous les demandera.', { bold: true });
	return w.finish();
}
