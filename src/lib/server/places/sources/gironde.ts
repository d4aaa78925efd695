/**
 * The Gironde Département's own list (lieux/gironde-33-departement.json).
 * TRAP: `Coord. X` is the LATITUDE and `Coord. Y` the LONGITUDE.
 * The address holds street, postcode and town in one text ("8 rue de la Boétie - 33000 Bordeaux").
 * `Pôle territorial` and `Intercommunalité` are kept in `extra`: the areas are built from them.
 */
import type { ParsedFile, Rejection } from '../types.ts';
import {
	PIVOT_UNKNOWN,
	addAll,
	clean,
	cleanText,
	compact,
	coordinate,
	foldKey,
	isoDate,
	joinList,
	splitList,
	stableId,
	jsonObjectRows,
	numbered,
	type AdapterContext,
	type SourceRecordWithExtra
} from './common.ts';
import { splitAddress } from './addresses.ts';
import { resolveMunicipality } from './communes.ts';

export const GIRONDE_SOURCE = 'gironde-33';
/** Columns that identify the format. */
export const GIRONDE_COLUMNS = ['Coord. X', 'Coord. Y', 'Adresse postale', 'Lieu'] as const;
const EXTRA_COLUMNS = ['Pôle territorial', 'Intercommunalité'] as const;

const SERVICES = new Map<string, { services: string[]; accompagnement?: string[] }>([
	[foldKey('Accès à Internet en autonomie'), { services: ['Accès internet et matériel informatique'], accompagnement: ['En autonomie'] }],
	[foldKey('Etre accompagné dans ses démarches administratives'), { services: ['Aide aux démarches administratives'] }],
	[foldKey('Etre initié aux outils numériques'), { services: ['Maîtrise des outils numériques du quotidien'] }],
	[foldKey('Pratiquer des activités récréatives numériques'), { services: ['Loisirs et créations numériques'] }]
]);

/** `Type Structure` → typologie code; "Collectivité" and "Autre" say too little to pick one. */
const TYPES = new Map<string, string | null>([
	['association', 'ASSO'],
	['pole emploi', 'PE'],
	['caf', 'CAF'],
	['msa', 'MSA'],
	['cpam', 'CPAM'],
	['la poste', 'LA_POSTE'],
	['collectivite', null],
	['autre', null]
]);

const SLASH_LIST_RE = /\s*\/\s*/;

export function parseGironde(items: unknown[], ctx: AdapterContext): ParsedFile {
	const records: SourceRecordWithExtra[] = [];
	const rejected: Rejection[] = [];
	/** id (from name and address) → first row: ids must be unique within a source */
	const seenIds = new Map<string, number>();
	for (const { row, r } of jsonObjectRows(numbered(items), rejected)) {
		const nom = clean(r['Lieu']);
		const addressText = clean(r['Adresse postale']);
		const communeName = clean(r['Commune']);
		const reasons: string[] = [];
		if (!nom) reasons.push('nom absent');
		const addr = addressText ? splitAddress(String(r['Adresse postale']), communeName) : undefined;
		if (!addr?.street) reasons.push('adresse absente');
		if (!communeName && !addr?.postcode) reasons.push('commune absente');
		if (reasons.length) {
			rejected.push({ row, sourceId: nom && addressText ? stableId(nom, addressText) : undefined, reasons });
			continue;
		}
		const sourceId = stableId(nom!, addressText);
		const firstRow = seenIds.get(sourceId);
		if (firstRow !== undefined) {
			rejected.push({ row, sourceId, reasons: [`doublon de la ligne ${firstRow} (même nom, même adresse)`] });
			continue;
		}
		seenIds.set(sourceId, row);
		// no SIRET in this file: the standard's convention for an unknown one (the validator notes it)
		const warnings: string[] = [];

		// commune, postcode
		const resolved = resolveMunicipality(ctx.municipalities, { postcode: addr!.postcode, name: communeName ?? addr!.city });
		const m = resolved.municipality ?? (communeName ? ctx.municipalities.byName(communeName, { departmentCode: '33' }) : undefined);
		let codePostal = addr!.postcode;
		if (addr!.cedex && m?.postcodes.length && !(codePostal && m.postcodes.includes(codePostal))) {
			warnings.push(`code postal CEDEX ${codePostal} remplacé par celui de la commune (${m.postcodes[0]})`);
			codePostal = m.postcodes[0];
		} else if (!codePostal) {
			if (m?.postcodes.length) {
				codePostal = m.postcodes[0];
				warnings.push(`code postal absent de l’adresse : ${codePostal} (${m.name}) retenu`);
			} else warnings.push(`code postal absent de l’adresse et commune « ${communeName} » introuvable`);
		}
		if (!m) warnings.push(`commune « ${communeName ?? addr!.city} » introuvable : code INSEE non renseigné`);

		// coordinates: X = latitude, Y = longitude (a file already « corrected » is detected)
		let latitude = coordinate(r['Coord. X']);
		let longitude = coordinate(r['Coord. Y']);
		if (typeof latitude === 'number' && typeof longitude === 'number' && Math.abs(latitude) < 10 && Math.abs(longitude) > 40) {
			[latitude, longitude] = [longitude, latitude];
			warnings.push('Coord. X et Coord. Y inversées par rapport au format habituel : remises dans l’ordre');
		}

		// services
		const services: string[] = [];
		const accompagnement: string[] = [];
		for (const label of splitList(r['services'], false).flatMap((s) => s.split(SLASH_LIST_RE))) {
			if (!label) continue;
			const t = SERVICES.get(foldKey(label));
			if (!t) {
				warnings.push(`service « ${label} » sans équivalent dans le standard : non repris`);
				ctx.fidelity.dropped('services', label, 'sans équivalent dans les services du standard');
				continue;
			}
			addAll(services, t.services);
			if (t.accompagnement) addAll(accompagnement, t.accompagnement);
		}

		// typologie
		const type = clean(r['Type Structure']);
		let typologie: string | undefined;
		if (type) {
			const code = TYPES.get(foldKey(type));
			if (code) typologie = code;
			else if (code === undefined) {
				warnings.push(`type de structure « ${type} » sans équivalent dans la typologie : non repris`);
				ctx.fidelity.dropped('Type Structure', type, 'sans équivalent dans la typologie');
			}
		}

		const extra: Record<string, string> = {};
		for (const c of EXTRA_COLUMNS) {
			const v = clean(r[c]);
			if (v) extra[c] = v;
		}

		records.push({
			row,
			source: GIRONDE_SOURCE,
			sourceId,
			record: compact({
				id: sourceId,
				pivot: PIVOT_UNKNOWN,
				nom,
				commune: m?.name ?? communeName ?? addr!.city,
				code_postal: codePostal,
				code_insee: m?.inseeCode,
				adresse: addr!.street,
				complement_adresse: addr!.complement,
				latitude,
				longitude,
				typologie,
				telephone: clean(r['Téléphone']),
				courriels: joinList(splitList(r['Email'])),
				site_web: joinList(splitList(r['Site internet'])),
				presentation_detail: cleanText(r['Description']),
				source: GIRONDE_SOURCE,
				date_maj: isoDate(r['Dernière MAJ']),
				services: joinList(services),
				modalites_accompagnement: joinList(accompagnement)
			}),
			locationPrecision: 'address',
			warnings: [...warnings, ...resolved.warnings],
			extra
		});
	}
	return { format: 'gironde-33', source: GIRONDE_SOURCE, records, rejected };
}
