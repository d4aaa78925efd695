/**
 * The national standard (schéma v1.0.2) as CSV or JSON — our own export included — and its
 * older v0 form (e.g. the 2022 conseillers-numériques export, and the v0 leftovers found in
 * "schema v1" files: `labels_nationaux`, `courriel`, `accessibilite`, `conditions_access`,
 * `publics_accueillis`, `labels_autres`, old service labels joined with `;`).
 * Values are mapped, not validated: the validator (places/model.ts) checks them afterwards.
 */
import { LIST_FIELDS, STANDARD_FIELDS } from '../vocabulary.ts';
import type { ParsedFile, Rejection } from '../types.ts';
import {
	PIVOT_UNKNOWN,
	WARN_NO_PIVOT,
	addAll,
	clean,
	cleanText,
	compact,
	coordinate,
	foldKey,
	isoDate,
	joinList,
	padCode,
	siret,
	splitList,
	stableId,
	jsonObjectRows,
	numbered,
	type AdapterContext,
	type SourceRecordWithExtra
} from './common.ts';
import { readCsv, type CsvInput } from './csv.ts';
import { V0_SERVICES, canonicalValue, isVocabularyField, mapCondition, mapNationalLabel, mapPublic, mapV0Accompagnement } from './mappings.ts';
import { Fidelity } from './fidelity.ts';
import { formulaLike, textOf } from '../values.ts';

type Role = { kind: 'field'; field: string } | { kind: 'v0'; field: V0Field } | { kind: 'ignored' } | { kind: 'unknown'; name: string };

type V0Field = 'courriel' | 'accessibilite' | 'conditions_access' | 'labels_nationaux' | 'labels_autres' | 'publics_accueillis';

const STANDARD_SET = new Set<string>(STANDARD_FIELDS);
const LIST_SET = new Set<string>(LIST_FIELDS);
const V0_ALIASES: Record<string, V0Field> = {
	courriel: 'courriel',
	accessibilite: 'accessibilite',
	conditions_access: 'conditions_access',
	conditions_acces: 'conditions_access',
	labels_nationaux: 'labels_nationaux',
	labels_autres: 'labels_autres',
	publics_accueillis: 'publics_accueillis'
};
/** v0 columns with no place in the standard, dropped without a warning (internal counters and ids). */
const IGNORED = new Set(['structureid', 'nb_aidants', 'cle_unique']);
/** "ZRR", "QPV" are zones, not labels. */
const NOT_LABELS = new Set(['zrr', 'qpv']);

/** Header or JSON key → our column name ("Code postal" → code_postal). */
export function fieldName(key: string): string {
	return foldKey(key).replace(/ /g, '_');
}

export const V0_KEYS = new Set(Object.keys(V0_ALIASES));

function roleOf(key: string): Role {
	const k = fieldName(key);
	if (STANDARD_SET.has(k)) return { kind: 'field', field: k };
	const v0 = V0_ALIASES[k];
	if (v0) return { kind: 'v0', field: v0 };
	if (IGNORED.has(k)) return { kind: 'ignored' };
	return { kind: 'unknown', name: key };
}

export interface StandardOptions {
	/** the file is in the old (v0) vocabulary: unknown vocabulary values are dropped and reported */
	v0: boolean;
	/** `;` may separate list values (not in a `;`-delimited CSV) */
	semicolonLists: boolean;
}

export interface MappedStandard {
	record: Record<string, string | number | undefined>;
	warnings: string[];
	/** a v0 access condition says the place accepts the Pass Numérique */
	passNumerique: boolean;
	/** standard field → the file's column it was read from, where they differ (courriel → courriels) */
	origins: Record<string, string>;
}

const NO_FIDELITY = new Fidelity();
const arrow = (field: string, values: readonly string[]) => values.map((v) => `${field} : ${v}`).join(' + ');

/**
 * One record with standard (or v0) field names → the standard's fields. Never throws; values
 * that are not mapped are reported in `warnings` (French) and in the file's fidelity table.
 */
export function mapStandardObject(raw: Record<string, unknown>, opts: StandardOptions, roles: Map<string, Role>, fidelity = NO_FIDELITY): MappedStandard {
	const warnings: string[] = [];
	const scalars: Record<string, string | number | undefined> = {};
	const origins: Record<string, string> = {};
	const lists = new Map<string, string[]>();
	const list = (f: string) => {
		let l = lists.get(f);
		if (!l) lists.set(f, (l = []));
		return l;
	};
	const v0: Partial<Record<V0Field, { key: string; value: unknown }>> = {};
	const unknown: string[] = [];
	let passNumerique = false;

	for (const key in raw) {
		const value = raw[key];
		if (value === null || value === undefined || value === '') continue;
		let role = roles.get(key);
		if (!role) roles.set(key, (role = roleOf(key)));
		switch (role.kind) {
			case 'field': {
				const f = role.field;
				if (LIST_SET.has(f)) addAll(list(f), listValues(f, key, value, opts, warnings, fidelity));
				else {
					const v = scalarValue(f, value);
					scalars[f] = v;
					if (v !== undefined) fidelity.kept(key);
					else if (clean(value) !== undefined) fidelity.dropped(key, f === 'date_maj' ? textOf(value) : 'valeur illisible', 'valeur illisible');
				}
				break;
			}
			case 'v0':
				v0[role.field] = { key, value };
				break;
			case 'unknown':
				if (clean(value) !== undefined) {
					unknown.push(role.name);
					// the values of a column we do not know may be personal: counted, not listed
					fidelity.dropped(key, 'colonne hors standard', 'pas de champ du standard pour cette colonne');
				}
				break;
		}
	}

	// — v0 leftovers
	if (v0.courriel) {
		for (const c of splitList(v0.courriel.value, opts.semicolonLists)) {
			addAll(list('courriels'), [c]);
			fidelity.mapped(v0.courriel.key, 'adresse', 'courriels');
		}
		origins.courriels = v0.courriel.key;
	}
	if (v0.accessibilite) {
		const v = clean(v0.accessibilite.value);
		if (v !== undefined) {
			if (scalars.fiche_acces_libre === undefined || scalars.fiche_acces_libre === v) {
				scalars.fiche_acces_libre = v;
				origins.fiche_acces_libre = v0.accessibilite.key;
				fidelity.mapped(v0.accessibilite.key, 'lien', 'fiche_acces_libre');
			} else {
				warnings.push(`accessibilite « ${v} » : fiche_acces_libre déjà renseignée (« ${scalars.fiche_acces_libre} ») : non reprise`);
				fidelity.dropped(v0.accessibilite.key, 'lien', 'fiche_acces_libre déjà renseignée par une autre adresse');
			}
		}
	}
	if (v0.conditions_access) {
		const key = v0.conditions_access.key;
		for (const c of splitList(v0.conditions_access.value, opts.semicolonLists)) {
			const t = mapCondition(c);
			if (!t) {
				warnings.push(`conditions d’accès « ${c} » sans équivalent dans frais_a_charge : non reprises`);
				fidelity.dropped(key, c, 'sans équivalent dans frais_a_charge');
				continue;
			}
			addAll(list('frais_a_charge'), t.frais);
			if (t.pass) passNumerique = true;
			fidelity.mapped(key, c, [arrow('frais_a_charge', t.frais), t.pass ? 'accepte le Pass numérique' : ''].filter(Boolean).join(' + '));
		}
	}
	if (v0.labels_nationaux) {
		const key = v0.labels_nationaux.key;
		for (const label of splitList(v0.labels_nationaux.value, opts.semicolonLists)) {
			const t = mapNationalLabel(label);
			if (t) {
				addAll(list(t.field), [t.value]);
				fidelity.mapped(key, label, arrow(t.field, [t.value]));
			} else {
				warnings.push(`label national « ${label} » inconnu : non repris`);
				fidelity.dropped(key, label, 'label inconnu');
			}
		}
	}
	if (v0.labels_autres) {
		const key = v0.labels_autres.key;
		for (const label of splitList(v0.labels_autres.value, opts.semicolonLists)) {
			if (NOT_LABELS.has(foldKey(label))) {
				warnings.push(`« ${label} » (labels_autres) est un zonage, pas un label : non repris`);
				fidelity.dropped(key, label, 'zonage (ZRR, QPV), pas un label');
			} else {
				addAll(list('autres_formations_labels'), [label]);
				fidelity.mapped(key, label, arrow('autres_formations_labels', [label]));
			}
		}
	}
	if (v0.publics_accueillis) {
		const key = v0.publics_accueillis.key;
		const values = splitList(v0.publics_accueillis.value, opts.semicolonLists);
		const targets = values.map((v) => ({ v, t: mapPublic(v) }));
		const general = targets.some((x) => x.t?.field === 'tout public');
		for (const { v, t } of targets) {
			if (!t) {
				warnings.push(`public accueilli « ${v} » sans équivalent : non repris`);
				fidelity.dropped(key, v, 'sans équivalent dans le standard');
			} else if (t.field === 'prise_en_charge_specifique') {
				addAll(list(t.field), [t.value]);
				fidelity.mapped(key, v, arrow(t.field, [t.value]));
			} else if (t.field === 'tout public') fidelity.mapped(key, v, 'tout public (aucun public spécifiquement adressé)');
			else if (!general) {
				addAll(list(t.field), [t.value]);
				fidelity.mapped(key, v, arrow(t.field, [t.value]));
			} else fidelity.mapped(key, v, 'tout public (le lieu accueille aussi les adultes)');
		}
		if (general && targets.some((x) => x.t?.field === 'publics_specifiquement_adresses'))
			warnings.push(`publics accueillis « ${values.join(' ; ')} » : tout public, pas de public spécifiquement adressé retenu`);
	}
	if (unknown.length)
		warnings.push(`colonne${unknown.length > 1 ? 's' : ''} hors standard non reprise${unknown.length > 1 ? 's' : ''} : ${unknown.join(', ')}`);

	const record: Record<string, string | number | undefined> = { ...scalars };
	for (const [f, values] of lists) record[f] = joinList(values);
	return { record, warnings, passNumerique, origins };
}

function scalarValue(field: string, value: unknown): string | number | undefined {
	switch (field) {
		case 'latitude':
		case 'longitude':
			return coordinate(value);
		case 'code_postal':
			return padCode(value);
		case 'code_insee':
			return padCode(value)?.toUpperCase();
		case 'pivot':
			return siret(value) ?? clean(value);
		case 'date_maj':
			return isoDate(value);
		case 'presentation_detail':
		case 'presentation_resume':
			return cleanText(value);
		default:
			return typeof value === 'boolean' ? String(value) : clean(value);
	}
}

function listValues(field: string, key: string, value: unknown, opts: StandardOptions, warnings: string[], fidelity: Fidelity): string[] {
	const raw = Array.isArray(value) ? value.map((v) => textOf(v)) : splitList(value, opts.semicolonLists);
	if (!isVocabularyField(field)) {
		const out = raw.map((v) => v.trim()).filter(Boolean);
		fidelity.kept(key, out.length);
		return out;
	}
	const out: string[] = [];
	for (const v of raw) {
		const exact = canonicalValue(field, v);
		if (exact) {
			addAll(out, [exact]);
			if (exact === v.trim()) fidelity.kept(key);
			else fidelity.mapped(key, v, arrow(field, [exact]));
			continue;
		}
		const old = oldValue(field, v);
		if (old) {
			addAll(out, old);
			fidelity.mapped(key, v, arrow(field, old));
			continue;
		}
		if (opts.v0) {
			warnings.push(`${field} : valeur « ${v} » sans équivalent dans le standard : non reprise`);
			fidelity.dropped(key, v, 'sans équivalent dans le standard');
		} else {
			addAll(out, [v]); // the validator reports it
			fidelity.kept(key);
		}
	}
	return out;
}

/** A v0 value in a v1 field (old services, old accompaniment modes, labels as programmes). */
function oldValue(field: string, v: string): string[] | undefined {
	switch (field) {
		case 'services':
			return V0_SERVICES.get(foldKey(v));
		case 'modalites_accompagnement': {
			const m = mapV0Accompagnement(v);
			return m ? [m] : undefined;
		}
		case 'dispositif_programmes_nationaux': {
			const t = mapNationalLabel(v);
			return t && t.field === field ? [t.value] : undefined;
		}
		default:
			return undefined;
	}
}

/** Mapped standard object → SourceRecord, or the reasons it cannot be mapped at all. */
function toSourceRecord(row: number, mapped: MappedStandard, ctx: AdapterContext): { record: SourceRecordWithExtra } | { rejection: Rejection } {
	const r = mapped.record;
	const warnings = mapped.warnings;
	const nom = r.nom as string | undefined;
	const id = r.id !== undefined ? String(r.id) : undefined;
	const reasons: string[] = [];
	if (!nom) reasons.push('nom absent');
	if (!r.adresse) reasons.push('adresse absente');
	if (!r.commune && !r.code_postal && !r.code_insee) reasons.push('commune absente');
	if (reasons.length) return { rejection: { row, sourceId: id, reasons } };

	let sourceId = id;
	if (!sourceId) {
		sourceId = stableId(nom!, r.adresse as string, r.code_postal as string | undefined);
		warnings.push(`identifiant (id) absent : identifiant calculé « ${sourceId} »`);
	}
	if (!r.pivot) {
		r.pivot = PIVOT_UNKNOWN;
		warnings.push(WARN_NO_PIVOT);
	}
	// the record's own source names its place (and is the national CSV's « source » when the
	// record has no other): a formula there would reach the CSV live (docs/decisions/0005)
	const own = r.source as string | undefined;
	const source = own && !formulaLike(own) ? own : formulaLike(ctx.baseName) ? 'fichier' : ctx.baseName;
	r.id = sourceId;
	r.source = source;
	return {
		record: {
			row,
			source,
			sourceId,
			record: compact(r),
			locationPrecision: 'address',
			warnings,
			...(mapped.passNumerique ? { passNumerique: true } : {}),
			...(Object.keys(mapped.origins).length ? { origins: mapped.origins } : {})
		}
	};
}

function mapRows(
	rows: Iterable<{ row: number; raw: unknown }>,
	opts: StandardOptions,
	ctx: AdapterContext,
	records: SourceRecordWithExtra[],
	rejected: Rejection[]
): void {
	const roles = new Map<string, Role>();
	for (const { row, r } of jsonObjectRows(rows, rejected)) {
		const out = toSourceRecord(row, mapStandardObject(r, opts, roles, ctx.fidelity), ctx);
		if ('record' in out) records.push(out.record);
		else rejected.push(out.rejection);
	}
}

export function parseStandardJson(items: unknown[], format: 'standard-json' | 'v0-json', ctx: AdapterContext): ParsedFile {
	const records: SourceRecordWithExtra[] = [];
	const rejected: Rejection[] = [];
	mapRows(numbered(items), { v0: format === 'v0-json', semicolonLists: true }, ctx, records, rejected);
	return { format, source: ctx.baseName, records, rejected };
}

export function parseStandardCsv(csv: CsvInput, format: 'standard-csv' | 'v0-csv', ctx: AdapterContext): ParsedFile {
	const table = readCsv(csv.data, csv.delimiter);
	const records: SourceRecordWithExtra[] = [];
	const rejected: Rejection[] = [...table.rejected];
	const header = table.header;
	function* objects() {
		for (const { row, cells } of table.rows) {
			const raw: Record<string, string> = {};
			for (let i = 0; i < header.length; i++) raw[header[i]] = cells[i];
			yield { row, raw };
		}
	}
	mapRows(objects(), { v0: format === 'v0-csv', semicolonLists: table.delimiter !== ';' }, ctx, records, rejected);
	rejected.sort((a, b) => a.row - b.row);
	return { format, source: ctx.baseName, records, rejected };
}

/** Whether records with standard names use the old vocabulary (v0 columns or old service labels). */
export function looksV0(keys: Iterable<string>, sampleServices: Iterable<unknown>): boolean {
	for (const k of keys) if (V0_KEYS.has(fieldName(k))) return true;
	for (const s of sampleServices) for (const v of splitList(s)) if (V0_SERVICES.has(foldKey(v))) return true;
	return false;
}

/** Whether a set of column names is the standard's (v1 or v0). */
export function looksStandard(keys: Iterable<string>): boolean {
	const names = new Set<string>();
	for (const k of keys) names.add(fieldName(k));
	return names.has('nom') && (names.has('adresse') || names.has('commune') || names.has('code_postal'));
}
