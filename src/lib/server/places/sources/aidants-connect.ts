/**
 * Aidants Connect's list of habilitated structures (reseaux/aidants-connect-structures-2024-02.csv):
 * quoted fields over several lines, SIRET exported as a float ("13002603200016.0"), postcodes
 * that lost their leading zero, no coordinates (the structure is placed at its commune's centre),
 * inactive structures kept in the file (reported as rejected, so they are counted).
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
	siret,
	type AdapterContext,
	type SourceRecordWithExtra
} from './common.ts';
import { splitAddress } from './addresses.ts';
import { municipalityNamedIn, resolveMunicipality } from './communes.ts';
import { readCsv, type CsvInput } from './csv.ts';

export const AIDANTS_CONNECT_SOURCE = 'aidants-connect';
export const AIDANTS_CONNECT_COLUMNS = ['Is Active', 'City Insee Code', 'France Services Label'] as const;

const TRUE_RE = /^(true|1|oui|yes|vrai)$/i;
const FALSE_RE = /^(false|0|non|no|faux)$/i;

export function parseAidantsConnect(csv: CsvInput, ctx: AdapterContext): ParsedFile {
	const table = readCsv(csv.data, csv.delimiter);
	const get = table.get;
	const records: SourceRecordWithExtra[] = [];
	const rejected: Rejection[] = [...table.rejected];
	const date = ctx.fileDate ?? ctx.today;

	for (const { row, cells } of table.rows) {
		const sourceId = clean(get(cells, 'uuid')) ?? clean(get(cells, 'id'));
		const nom = clean(get(cells, 'name'));
		const active = clean(get(cells, 'is active'));
		if (active && FALSE_RE.test(active)) {
			rejected.push({ row, sourceId, reasons: ['structure inactive'] });
			continue;
		}
		const addressText = get(cells, 'address') ?? '';
		const city = clean(get(cells, 'city'));
		const addr = splitAddress(addressText, city);
		let zip = postcode(get(cells, 'zip code')) ?? addr.postcode;
		const reasons: string[] = [];
		if (!sourceId) reasons.push('identifiant (UUID) absent');
		if (!nom) reasons.push('nom absent');
		if (!addr.street) reasons.push(addr.postalBox ? `adresse absente (boîte postale « ${addr.postalBox} » seulement)` : 'adresse absente');
		let resolved = resolveMunicipality(ctx.municipalities, {
			insee: inseeCode(get(cells, 'city insee code')),
			postcode: zip,
			name: city ?? addr.city
		});
		// the columns contradict each other (a default INSEE code 57490 « Moyenvic » is common): the address may tell
		if (!resolved.municipality && addr.postcode && (addr.postcode !== zip || (addr.city && foldKey(addr.city) !== foldKey(city ?? '')))) {
			const fromAddress = resolveMunicipality(ctx.municipalities, { postcode: addr.postcode, name: addr.city });
			if (fromAddress.municipality) {
				const m = fromAddress.municipality;
				resolved = {
					municipality: m,
					warnings: [`${resolved.failure} : commune ${m.name} (${m.inseeCode}) déduite de l’adresse`, ...fromAddress.warnings]
				};
				zip = addr.postcode;
			}
		}
		// last resort: the structure's name often ends with its town ("France Services Barcelonnette")
		if (!resolved.municipality && zip && nom) {
			const named = municipalityNamedIn(ctx.municipalities, zip, nom);
			if (named)
				resolved = { municipality: named, warnings: [`${resolved.failure} : commune ${named.name} (${named.inseeCode}) déduite du nom de la structure`] };
		}
		const m = resolved.municipality;
		if (!m) reasons.push(resolved.failure ?? 'commune introuvable');
		else if (m.latitude == null || m.longitude == null) reasons.push(`commune ${m.name} (${m.inseeCode}) sans coordonnées connues : lieu impossible à placer`);
		if (reasons.length) {
			rejected.push({ row, sourceId, reasons });
			continue;
		}

		const warnings: string[] = [WARN_CENTROID, ...resolved.warnings];
		if (active && !TRUE_RE.test(active)) warnings.push(`valeur « ${active} » de Is Active non reconnue : structure considérée active`);
		if (addr.droppedOther) {
			warnings.push('seconde adresse (« Autre adresse ») ignorée');
			ctx.fidelity.dropped('Autre adresse', 'adresse', 'une seule adresse par lieu');
		}
		const pivot = siret(get(cells, 'siret'));
		if (!pivot) warnings.push(WARN_NO_PIVOT);
		const fs = TRUE_RE.test(clean(get(cells, 'france services label')) ?? '');

		records.push({
			row,
			source: AIDANTS_CONNECT_SOURCE,
			sourceId: sourceId!,
			record: compact({
				id: sourceId,
				pivot: pivot ?? PIVOT_UNKNOWN,
				nom,
				commune: m!.name,
				code_postal: zip ?? m!.postcodes[0],
				code_insee: m!.inseeCode,
				adresse: addr.street,
				complement_adresse: addr.complement,
				latitude: m!.latitude,
				longitude: m!.longitude,
				source: AIDANTS_CONNECT_SOURCE,
				date_maj: date,
				services: 'Aide aux démarches administratives',
				dispositif_programmes_nationaux: fs ? 'Aidants Connect|France Services' : 'Aidants Connect'
			}),
			locationPrecision: 'municipality',
			warnings
		});
	}
	rejected.sort((a, b) => a.row - b.row);
	return { format: 'aidants-connect-csv', source: AIDANTS_CONNECT_SOURCE, records, rejected };
}
