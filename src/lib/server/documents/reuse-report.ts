/**
 * « Rapport de réemploi » of a donor for a year (issue 18; décret 2023-266): the figures
 * (devices given, excluded over 10 years, proven reused, the declared stock on 1 January, the
 * ratio against the year's target), then one line per device with its justification. Plain
 * tagged A4 like the other documents (pdf.ts). The equipment capability computes it all.
 */
import { PdfWriter } from './pdf.ts';
import { dayLabel } from '../../components/format.ts';

export interface ReuseReportData {
	instanceName: string;
	donor: string;
	publicBody: boolean;
	figures: {
		year: number;
		given: number;
		excludedOverAge: number;
		counted: number;
		provenReused: number;
		declaredStock: number | null;
		ratio: number | null;
		target: number | null;
		met: boolean | null;
		indicative: boolean;
	};
	lines: { lot: string; device: string; serial: string; year: string; justification: string }[];
	/** the Paris day it is made */
	madeOn: string;
}

const pct = (n: number | null) => (n === null ? 'non calculable' : `${String(n).replace('.', ',')}\u00a0%`);

export async function reuseReportPdf(data: ReuseReportData): Promise<Buffer> {
	const f = data.figures;
	const title = `Rapport de réemploi ${f.year}`;
	const w = new PdfWriter({
		title: `${title} — ${data.donor}`,
		instanceName: data.instanceName,
		subject: `${title} · ${data.donor}`,
		footer: `${data.instanceName} · ${title} · ${data.donor}`
	});
	w.kicker(data.instanceName);
	w.heading(title, 1);
	w.paragraph(data.donor, { bold: true });
	w.paragraph(`Établi le ${dayLabel(data.madeOn)}.`);
	w.paragraph(
		'Décret 2023-266\u00a0: les organismes publics doivent orienter leurs équipements informatiques réformés vers le réemploi\u00a0: 25\u00a0% en 2023, 35\u00a0% en 2024, 50\u00a0% à partir de 2025. Le taux rapporte les appareils dont le réemploi est prouvé (remis à une personne) au stock d’appareils réformés au 1er janvier\u00a0; les appareils de plus de 10 ans sont exclus.'
	);
	w.heading('Chiffres de l’année', 2);
	w.keyValues([
		['Appareils donnés', String(f.given)],
		['Exclus (plus de 10 ans)', String(f.excludedOverAge)],
		['Réemploi prouvé', String(f.provenReused)],
		['Stock réformé au 1er janvier', f.declaredStock === null ? 'non déclaré' : String(f.declaredStock)],
		['Taux de réemploi', pct(f.ratio)],
		['Objectif de l’année', f.target === null ? 'aucun objectif avant 2023' : `${f.target}\u00a0%`],
		['Objectif atteint', f.met === null ? '–' : f.met ? 'oui' : 'non']
	]);
	if (f.indicative)
		w.paragraph('Le stock d’appareils réformés au 1er janvier n’a pas été déclaré\u00a0: le taux est calculé sur les appareils donnés, à titre indicatif.');
	if (!data.publicBody)
		w.paragraph('Ce donateur n’est pas un organisme public\u00a0: le décret 2023-266 ne s’applique pas à lui, le taux est donné pour information.');
	w.heading('Justification par appareil', 2);
	if (!data.lines.length) w.paragraph('Aucun appareil donné cette année.');
	else
		w.table(
			[
				{ header: 'Lot', width: 1 },
				{ header: 'Appareil', width: 2 },
				{ header: 'Numéro de série', width: 1.4 },
				{ header: 'Année', width: 0.7 },
				{ header: 'Justification', width: 3.2 }
			],
			data.lines.map((l) => [l.lot, l.device, l.serial, l.year, l.justification])
		);
	return w.finish();
}
