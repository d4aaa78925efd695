/**
 * Structures hosting conseillers numériques (reseaux/conseillers-numeriques-structures-20230405.csv,
 * `;`-separated): one row per structure and selection committee, so a SIRET may repeat. INSEE
 * codes and postcodes lost their leading zero; the address holds postcode and town; no
 * coordinates (placed at the commune's centre).
 */
import type { ParsedFile, Rejection } from '../types.ts';
import {
	PIVOT_UNKNOWN,
	WARN_CENTROID,
	WARN_NO_PIVOT,
	clean,
	compact,
	foldKey,
	inseeCode,
	postcode,
	shortHash,
	siret,
	stableId,
	type AdapterContext,
	type SourceRecordWithExtra
} from './common.ts';
import { splitAddress } from './addresses.ts';
import { resolveMunicipality } from './communes.ts';
import { readCsv, type CsvInput } from './csv.ts';

export const CNFS_STRUCTURES_SOURCE = 'conseillers-numeriques-structures';
export const CNFS_STRUCTURES_COLUMNS = ['Raison sociale', 'SIRET', 'Code commune INSEE'] as const;

const YES_RE = /^oui$/i;

export function parseConseillersNumeriquesStructures(csv: CsvInput, ctx: AdapterContext): ParsedFile {
	const table = readCsv(csv.data, csv.delimiter);
	const get = table.get;
	const records: SourceRecordWithExtra[] = [];
	const rejected: Rejection[] = [...table.rejected];
	const date = ctx.fileDate ?? ctx.today;
	/** SIRET → rows already seen (for duplicates) */
	const seen = new Map<string, number>();
	const usedIds = new Set<string>();
	/** next number to try for an id already taken */
	const suffixes = new Map<string, number>();

	for (const { row, cells } of table.rows) {
		const nom = clean(get(cells, 'raison sociale'));
		const pivot = siret(get(cells, 'siret'));
		const addressText = get(cells, 'adresse') ?? '';
		const communeName = clean(get(cells, 'commune insee'));
		const addr = splitAddress(addressText, communeName);
		const reasons: string[] = [];
		if (!nom) reasons.push('nom absent');
		if (!addr.street) reasons.push(addr.postalBox ? `adresse absente (boîte postale « ${addr.postalBox} » seulement)` : 'adresse absente');
		// the address's postcode comes from SIRENE; the column is often wrong (another département)
		const pc = addr.postcode ?? postcode(get(cells, 'code postal'));
		const insee = inseeCode(get(cells, 'code commune insee'));
		let resolved = resolveMunicipality(ctx.municipalities, { insee, postcode: pc, name: addr.city ?? communeName });
		const columnPostcode = postcode(get(cells, 'code postal'));
		if (!resolved.municipality && columnPostcode && columnPostcode !== pc) {
			// the address and the columns disagree: try the columns alone
			const fromColumns = resolveMunicipality(ctx.municipalities, { insee, postcode: columnPostcode, name: communeName });
			if (fromColumns.municipality)
				resolved = {
					municipality: fromColumns.municipality,
					warnings: [`${resolved.failure} d’après l’adresse : commune des colonnes retenue`, ...fromColumns.warnings]
				};
		}
		const m = resolved.municipality;
		if (!m) reasons.push(resolved.failure ?? 'commune introuvable');
		else if (m.latitude == null || m.longitude == null) reasons.push(`commune ${m.name} (${m.inseeCode}) sans coordonnées connues : lieu impossible à placer`);

		// the id: the SIRET; a repeated SIRET (another site, or the same one listed twice) is made unique
		let sourceId = pivot ?? stableId(nom ?? '', addressText);
		const warnings: string[] = [WARN_CENTROID, ...resolved.warnings];
		if (pivot) {
			const firstRow = seen.get(pivot);
			if (firstRow === undefined) seen.set(pivot, row);
			else {
				const base = `${pivot}-${shortHash(foldKey(addr.street ?? addressText), 6)}`;
				let candidate = base;
				for (let n = suffixes.get(base) ?? 2; usedIds.has(candidate); n++) {
					candidate = `${base}-${n}`;
					suffixes.set(base, n + 1);
				}
				sourceId = candidate;
				warnings.push(`SIRET ${pivot} déjà présent ligne ${firstRow} : identifiant « ${sourceId} »`);
			}
		} else warnings.push('SIRET absent : identifiant calculé', WARN_NO_PIVOT);
		if (reasons.length) {
			rejected.push({ row, sourceId, reasons });
			continue;
		}
		usedIds.add(sourceId);

		const fs = YES_RE.test(clean(get(cells, 'france services')) ?? '');
		records.push({
			row,
			source: CNFS_STRUCTURES_SOURCE,
			sourceId,
			record: compact({
				id: sourceId,
				pivot: pivot ?? PIVOT_UNKNOWN,
				nom,
				commune: m!.name,
				code_postal: pc ?? m!.postcodes[0],
				code_insee: m!.inseeCode,
				adresse: addr.street,
				complement_adresse: addr.complement,
				latitude: m!.latitude,
				longitude: m!.longitude,
				source: CNFS_STRUCTURES_SOURCE,
				date_maj: date,
				dispositif_programmes_nationaux: fs ? 'Conseillers numériques|France Services' : 'Conseillers numériques'
			}),
			locationPrecision: 'municipality',
			warnings
		});
	}
	rejected.sort((a, b) => a.row - b.row);
	return { format: 'conseillers-numeriques-structures-csv', source: CNFS_STRUCTURES_SOURCE, records, rejected };
}
