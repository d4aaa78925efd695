/**
 * ANCT's list of France Services (reseaux/france-services-20221201.csv): one row per site,
 * opening hours per weekday as free text, no SIRET, no date.
 */
import type { ParsedFile, Rejection } from '../types.ts';
import { PIVOT_UNKNOWN, clean, cleanText, compact, coordinate, inseeCode, padCode, type AdapterContext, type SourceRecordWithExtra } from './common.ts';
import { readCsv, type CsvInput } from './csv.ts';
import { weekToOsm } from './free-text-hours.ts';

export const FRANCE_SERVICES_SOURCE = 'france-services';
export const FRANCE_SERVICES_COLUMNS = ['id_fs', 'lib_fs', 'h_lundi'] as const;

const DAY_COLUMNS = ['h_lundi', 'h_mardi', 'h_mercredi', 'h_jeudi', 'h_vendredi', 'h_samedi', 'h_dimanche'] as const;
const YES_RE = /^(oui|yes|true|1|x)$/i;

export function parseFranceServices(csv: CsvInput, ctx: AdapterContext): ParsedFile {
	const table = readCsv(csv.data, csv.delimiter);
	const get = table.get;
	const records: SourceRecordWithExtra[] = [];
	const rejected: Rejection[] = [...table.rejected];
	const date = ctx.fileDate ?? ctx.today;

	for (const { row, cells } of table.rows) {
		const id = clean(get(cells, 'id_fs'));
		const nom = clean(get(cells, 'lib_fs'));
		const adresse = clean(get(cells, 'adresse'));
		const commune = clean(get(cells, 'lib_com'));
		const codePostal = padCode(get(cells, 'code_postal'));
		const reasons: string[] = [];
		if (!id) reasons.push('identifiant id_fs absent');
		if (!nom) reasons.push('nom absent');
		if (!adresse && !commune && !codePostal) reasons.push('ni adresse ni commune');
		else if (!adresse) reasons.push('adresse absente');
		else if (!commune && !codePostal) reasons.push('commune absente');
		if (reasons.length) {
			rejected.push({ row, sourceId: id, reasons });
			continue;
		}
		// no SIRET in this file: the standard's convention for an unknown one (the validator notes it)
		const warnings: string[] = [];
		const rawInsee = clean(get(cells, 'insee_com'));
		const insee = inseeCode(rawInsee);
		if (rawInsee && !insee) {
			warnings.push(`code INSEE « ${rawInsee} » invalide : non repris`);
			ctx.fidelity.dropped('insee_com', rawInsee, 'code INSEE invalide');
		}

		// a postcode copied from the INSEE code (61275 for Le Merlerault, whose postcode is 61240)
		let pc = codePostal;
		if (pc && insee && pc === insee) {
			const m = ctx.municipalities.byInsee(insee);
			if (m && m.postcodes.length && !m.postcodes.includes(pc)) {
				pc = m.postcodes[0];
				warnings.push(`code postal ${codePostal} identique au code INSEE et inconnu pour ${m.name} : ${pc} retenu`);
			}
		}

		const hours = weekToOsm(DAY_COLUMNS.map((c) => get(cells, c)));
		warnings.push(...hours.warnings);

		const itinerance = clean(get(cells, 'itinerance'));
		const latitude = coordinate(get(cells, 'latitude'));
		const longitude = coordinate(get(cells, 'longitude'));
		const extra: Record<string, string> = {};
		const format = clean(get(cells, 'format_fs'));
		if (format) extra.format_fs = format;
		const labellisation = clean(get(cells, 'labellisation'));
		if (labellisation) extra.labellisation = labellisation;

		records.push({
			row,
			source: FRANCE_SERVICES_SOURCE,
			sourceId: id!,
			record: compact({
				id: id!,
				pivot: PIVOT_UNKNOWN,
				nom,
				commune,
				code_postal: pc,
				code_insee: insee,
				adresse,
				complement_adresse: clean(get(cells, 'complement_adresse')),
				latitude,
				longitude,
				typologie: 'RFS',
				telephone: clean(get(cells, 'telephone')),
				courriels: clean(get(cells, 'mail')),
				horaires: hours.horaires,
				presentation_detail: cleanText(get(cells, 'commentaire')),
				source: FRANCE_SERVICES_SOURCE,
				itinerance: itinerance ? (YES_RE.test(itinerance) ? 'Itinérant' : 'Fixe') : undefined,
				structure_parente: clean(get(cells, 'groupe')),
				date_maj: date,
				services: 'Aide aux démarches administratives',
				dispositif_programmes_nationaux: 'France Services'
			}),
			locationPrecision: 'address',
			warnings,
			...(Object.keys(extra).length ? { extra } : {})
		});
	}
	rejected.sort((a, b) => a.row - b.row);
	return { format: 'france-services-csv', source: FRANCE_SERVICES_SOURCE, records, rejected };
}
