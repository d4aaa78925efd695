/**
 * The donor's reuse-duty report for a year (issue 18, item 1; décret 2023-266): the devices
 * of the donor's lots received that year, those over 10 years excluded, those proven reused
 * (handed over to a person: the proof of effective reuse), the ratio over the retired stock
 * the donor declared for 1 January, the year's target (25 % in 2023, 35 % in 2024, 50 % from
 * 2025), and one justification per device. As CSV (spreadsheet-safe cells) and PDF. Read by
 * the département's coordinators and the donor's own structure (can('equipment.read')).
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { can, organisationNames, type Actor } from '../accounts/index.ts';
import { getInstanceSettings } from '../territory/index.ts';
import { reuseReportPdf } from '../documents/index.ts';
import { spreadsheetCell } from '../web/spreadsheet.ts';
import { dayLabel } from '../../components/format.ts';
import { parisDay } from '../../time.ts';
import { equipmentDonorStock, equipmentDonors } from './db.ts';
import { DEVICE_STATUSES, DEVICE_TYPES, REUSE_MAX_AGE, isUuid, overAge, reuseFigures, type DeviceStatus, type DeviceType, type ReuseFigures } from './model.ts';
import { EquipmentError, NO_DONOR } from './internal.ts';

export interface ReuseLine {
	lot: string;
	receivedOn: string;
	type: string;
	brand: string;
	model: string;
	serial: string;
	manufactureYear: number | null;
	status: string;
	refurbisher: string;
	handedOverOn: string | null;
	counted: boolean;
	justification: string;
}

export interface DonorReport {
	donor: { id: string; name: string; publicBody: boolean; departmentCode: string };
	figures: ReuseFigures;
	lines: ReuseLine[];
}

function justification(
	year: number,
	r: { manufacture_year: number | null; handed_over_on: string | null; recycled_on: string | null; channel: string | null; status: string },
	refurbisher: string
): string {
	if (overAge(year, r.manufacture_year)) return `Plus de ${REUSE_MAX_AGE} ans\u00a0: exclu du calcul (décret 2023-266)`;
	if (r.handed_over_on) return `Réemploi prouvé\u00a0: remis à une personne le ${dayLabel(r.handed_over_on)} par ${refurbisher}`;
	if (r.recycled_on) return `Non réemployé\u00a0: recyclé le ${dayLabel(r.recycled_on)}${r.channel ? ` (${r.channel})` : ''}`;
	return `Réemploi non encore prouvé\u00a0: ${(DEVICE_STATUSES[r.status as DeviceStatus] ?? r.status).toLowerCase()} chez ${refurbisher}`;
}

/** The report's data for a donor and a year. */
export async function donorReport(database: Database, actor: Actor, donorId: string, year: number): Promise<DonorReport> {
	if (!isUuid(donorId)) throw new EquipmentError('not_found', NO_DONOR);
	if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new EquipmentError('invalid', 'Indiquez une année.', { year: 'Indiquez une année.' });
	const [donor] = await database.db.select().from(equipmentDonors).where(eq(equipmentDonors.id, donorId));
	if (!donor || !can(actor, 'equipment.read', { departmentCode: donor.departmentCode, donorOrganisationId: donor.organisationId }))
		throw new EquipmentError('not_found', NO_DONOR);
	const [stock] = await database.db
		.select({ n: equipmentDonorStock.retiredInStock })
		.from(equipmentDonorStock)
		.where(and(eq(equipmentDonorStock.donorId, donor.id), eq(equipmentDonorStock.year, year)));
	const rows = (await database.query(sql`
		SELECT l.reference AS lot, l.received_on::text AS received_on, d.type, d.brand, d.model, d.serial, d.manufacture_year, d.status,
			d.refurbisher_organisation_id AS refurbisher_id,
			(SELECT min(h.handed_over_at AT TIME ZONE 'Europe/Paris')::date::text FROM equipment_handovers h WHERE h.device_id = d.id) AS handed_over_on,
			r.recycled_on::text AS recycled_on, r.channel
		FROM equipment_lots l
		JOIN equipment_devices d ON d.lot_id = l.id
		LEFT JOIN equipment_recycling r ON r.device_id = d.id
		WHERE l.donor_id = ${donor.id} AND l.received_on >= ${`${year}-01-01`}::date AND l.received_on < ${`${year + 1}-01-01`}::date
		ORDER BY l.received_on, l.reference, d.serial, d.id
	`)) as {
		lot: string;
		received_on: string;
		type: string;
		brand: string;
		model: string;
		serial: string;
		manufacture_year: number | null;
		status: string;
		refurbisher_id: string;
		handed_over_on: string | null;
		recycled_on: string | null;
		channel: string | null;
	}[];
	const names = await organisationNames(database.db, [...new Set(rows.map((r) => r.refurbisher_id))]);
	const lines: ReuseLine[] = rows.map((r) => {
		const refurbisher = names.get(r.refurbisher_id) ?? 'la structure qui reconditionne';
		const year_ = r.manufacture_year === null ? null : Number(r.manufacture_year);
		return {
			lot: r.lot,
			receivedOn: r.received_on,
			type: DEVICE_TYPES[r.type as DeviceType] ?? r.type,
			brand: r.brand,
			model: r.model,
			serial: r.serial,
			manufactureYear: year_,
			status: DEVICE_STATUSES[r.status as DeviceStatus] ?? r.status,
			refurbisher,
			handedOverOn: r.handed_over_on,
			counted: !overAge(year, year_),
			justification: justification(year, { ...r, manufacture_year: year_ }, refurbisher)
		};
	});
	const figures = reuseFigures(
		year,
		lines.map((l) => ({ manufactureYear: l.manufactureYear, handedOverOn: l.handedOverOn })),
		stock ? stock.n : null
	);
	return { donor: { id: donor.id, name: donor.name, publicBody: donor.publicBody, departmentCode: donor.departmentCode }, figures, lines };
}

const pct = (n: number | null) => (n === null ? '' : `${String(n).replace('.', ',')} %`);

/** The report as a `;`-separated CSV for spreadsheets (UTF-8 with BOM): the figures, then one line per device. */
export function donorReportCsv(r: DonorReport): string {
	const f = r.figures;
	const cell = (v: string | number | null) => spreadsheetCell(v === null ? '' : String(v));
	const head = [
		['Donateur', r.donor.name],
		['Année', String(f.year)],
		['Appareils donnés', String(f.given)],
		[`Exclus (plus de ${REUSE_MAX_AGE} ans)`, String(f.excludedOverAge)],
		['Réemploi prouvé', String(f.provenReused)],
		['Stock d’appareils réformés au 1er janvier', f.declaredStock === null ? 'non déclaré' : String(f.declaredStock)],
		['Taux de réemploi (décret 2023-266)', pct(f.ratio)],
		['Objectif de l’année', f.target === null ? 'aucun' : `${f.target} %`],
		['Objectif atteint', f.met === null ? '' : f.met ? 'oui' : 'non']
	];
	const lines = [
		...head.map((row) => row.map(cell).join(';')),
		'',
		['Lot', 'Reçu le', 'Type', 'Marque', 'Modèle', 'Numéro de série', 'Année', 'Statut', 'Structure', 'Remis le', 'Compté', 'Justification']
			.map(cell)
			.join(';'),
		...r.lines.map((l) =>
			[
				l.lot,
				l.receivedOn,
				l.type,
				l.brand,
				l.model,
				l.serial,
				l.manufactureYear,
				l.status,
				l.refurbisher,
				l.handedOverOn ?? '',
				l.counted ? 'oui' : 'non',
				l.justification
			]
				.map(cell)
				.join(';')
		)
	];
	return '\ufeff' + lines.join('\r\n') + '\r\n';
}

/** The devices given by type: given, counted (10 years or less), proven reused (counted and handed over). */
function byType(lines: readonly ReuseLine[]) {
	const m = new Map<string, { type: string; given: number; counted: number; provenReused: number }>();
	for (const l of lines) {
		const t = m.get(l.type) ?? { type: l.type, given: 0, counted: 0, provenReused: 0 };
		t.given++;
		if (l.counted) {
			t.counted++;
			if (l.handedOverOn) t.provenReused++;
		}
		m.set(l.type, t);
	}
	return [...m.values()].sort((a, b) => a.type.localeCompare(b.type, 'fr'));
}

/** The report as a PDF (pdfkit, tagged, French). */
export async function donorReportPdfFile(database: Database, r: DonorReport, now = new Date()): Promise<Buffer> {
	const instanceName = (await getInstanceSettings(database)).name;
	return reuseReportPdf({
		instanceName,
		donor: r.donor.name,
		publicBody: r.donor.publicBody,
		figures: r.figures,
		byType: byType(r.lines),
		lines: r.lines.map((l) => ({
			lot: l.lot,
			device: [l.type, l.brand, l.model].filter(Boolean).join(' '),
			serial: l.serial,
			year: l.manufactureYear === null ? '' : String(l.manufactureYear),
			justification: l.justification
		})),
		madeOn: parisDay(now)
	});
}
