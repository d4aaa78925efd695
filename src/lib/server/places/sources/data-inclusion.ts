/**
 * data·inclusion (schema v1, gip-inclusion/data-inclusion-schema): structures and their
 * services → places of digital help. Two shapes of file are read, both JSON:
 *
 *  - `{ "structures": [...], "services": [...] }`: our own export (/api/v1/data-inclusion,
 *    `maillage export places --format data-inclusion`), or data·inclusion's two files
 *    (structures.json, services.json on data.gouv.fr, or its API's pages) put together, e.g.
 *    `jq -s '{structures: .[0], services: .[1]}' structures.json services.json`;
 *  - `[ { …structure, "services": [ {…service}, … ] }, … ]`: structures with their services inside.
 *
 * Services join their structure by `structure_id` (and `source`). A structure with at least
 * one service of digital help (a `numerique--…` thématique) becomes a place; the others are
 * not places of digital help and are skipped (counted, with their reason), not rejected. A
 * service of digital help at another address than its structure's becomes a place of its own
 * (« <structure> – <service> »). Rows are numbered: the structures 1…n, then the services n+1…
 * (in the second shape, a service has its structure's row).
 */
import type { Fidelity } from './fidelity.ts';
import type { ParsedFile, Rejection, Skip } from '../types.ts';
import { PIVOT_UNKNOWN, clean, cleanText, compact, coordinate, foldKey, isoDate, joinList, padCode, siret, type SourceRecordWithExtra } from './common.ts';
import { canonicalValue } from './mappings.ts';
import { textOf } from '../values.ts';
import { isValidSiret } from '../../../text/identifiers.ts';
import { ServicesSum, isDigitalService, listOf, quote, readReseaux, textDropped } from '../data-inclusion/read.ts';
import { ID_SEPARATOR } from '../data-inclusion/mapping.ts';

export const DATA_INCLUSION_SOURCE = 'data-inclusion';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => !!x && typeof x === 'object' && !Array.isArray(x);

export interface DataInclusionInput {
	structures: unknown[];
	services: unknown[];
	/** services came inside their structure (they take its row) */
	embedded: boolean;
}

/** The data·inclusion shape of a parsed JSON file, if it has one. */
export function asDataInclusion(data: unknown): DataInclusionInput | undefined {
	if (isObj(data) && Array.isArray(data.structures) && Array.isArray(data.services))
		return { structures: data.structures, services: data.services, embedded: false };
	if (Array.isArray(data) && data.length) {
		const sample = data.slice(0, 50).filter(isObj);
		const embeds = (s: Obj) => Array.isArray(s.services) && s.services.some((x) => isObj(x) && ('thematiques' in x || 'nom' in x));
		if (sample.length && sample.some(embeds) && sample.every((s) => s.services == null || Array.isArray(s.services)))
			return { structures: data, services: [], embedded: true };
	}
	return undefined;
}

const STRUCTURE_MARKS = ['reseaux_porteurs', 'accessibilite_lieu', 'horaires_accueil', 'lien_source', 'siret'];

/**
 * A file holding only data·inclusion's structures, or only its services (an API page's
 * `items` too): it cannot be read alone (which structures help with digital matters? where
 * are the services?). Says which half it is, for a clear refusal.
 */
export function dataInclusionHalf(data: unknown): 'structures' | 'services' | undefined {
	const items = Array.isArray(data) ? data : isObj(data) && Array.isArray(data.items) ? data.items : undefined;
	const sample = (items ?? []).slice(0, 50).filter(isObj);
	if (!sample.length) return undefined;
	if (sample.every((x) => 'structure_id' in x && 'thematiques' in x)) return 'services';
	if (sample.every((x) => !('pivot' in x) && STRUCTURE_MARKS.some((k) => k in x))) return 'structures';
	return undefined;
}

/** Structure fields read into the standard (v1, and v0's names where they differ). */
const STRUCTURE_READ = new Set([
	'id',
	'source',
	'nom',
	'date_maj',
	'siret',
	'rna',
	'commune',
	'code_postal',
	'code_insee',
	'adresse',
	'complement_adresse',
	'latitude',
	'longitude',
	'telephone',
	'courriel',
	'site_web',
	'horaires_accueil',
	'horaires_ouverture',
	'accessibilite_lieu',
	'accessibilite',
	'description',
	'presentation_resume',
	'presentation_detail',
	'reseaux_porteurs',
	'typologie',
	'structure_parente',
	'labels_autres',
	'services'
]);
/** Computed by data·inclusion's pipeline, not data: left out without a word. */
const STRUCTURE_IGNORED = new Set(['score_qualite']);

interface Location {
	adresse?: string;
	complement_adresse?: string;
	commune?: string;
	code_postal?: string;
	code_insee?: string;
	latitude?: number | string;
	longitude?: number | string;
}

function locationOf(o: Obj): Location {
	return {
		adresse: clean(o.adresse),
		complement_adresse: clean(o.complement_adresse),
		commune: clean(o.commune),
		code_postal: padCode(o.code_postal),
		code_insee: padCode(o.code_insee)?.toUpperCase(),
		latitude: coordinate(o.latitude),
		longitude: coordinate(o.longitude)
	};
}

const hasAddress = (l: Location) => !!l.adresse && !!(l.commune || l.code_postal || l.code_insee);
const locationKey = (l: Location) => [l.adresse, l.code_postal ?? l.code_insee ?? l.commune].map((x) => foldKey(x ?? '')).join('|');

/** The presentation: a short text is the summary, a longer one the detail (280 characters, the standard's limit). */
function presentation(s: Obj): { presentation_resume?: string; presentation_detail?: string } {
	const resume = cleanText(s.presentation_resume);
	const detail = cleanText(s.presentation_detail);
	if (resume || detail) return { presentation_resume: resume, presentation_detail: detail };
	const d = cleanText(s.description);
	if (!d) return {};
	return Array.from(d).length <= 280 ? { presentation_resume: d } : { presentation_detail: d };
}

const latest = (dates: (string | undefined)[]) =>
	dates
		.filter((d): d is string => !!d && /^\d{4}-\d{2}-\d{2}$/.test(d))
		.sort()
		.at(-1);

/** One place: a structure (or a service elsewhere) with its services of digital help. */
function toRecord(row: number, sourceId: string, s: Obj, nom: string, loc: Location, services: Obj[], warnings: string[]): SourceRecordWithExtra {
	const sum = new ServicesSum();
	for (const sv of services) sum.add(sv, clean(s.lien_source));
	sum.finish();
	for (const w of sum.warnings) warnings.push(w); // one per value: a file can hold too many for a spread

	const reseaux = readReseaux(listOf(s.reseaux_porteurs), warnings);
	const typologie = [...(reseaux.typologie ?? [])];
	for (const t of listOf(s.typologie)) {
		const v = canonicalValue('typologie', t);
		if (v) {
			if (!typologie.includes(v)) typologie.push(v);
		} else warnings.push(`typologie\u00a0: valeur ${quote(t)} sans équivalent dans le standard\u00a0: non reprise`);
	}

	// contact: the structure's, completed by its services'
	const telephone = clean(s.telephone) ?? sum.telephones[0];
	for (const t of new Set(sum.telephones))
		if (t !== telephone) warnings.push(`telephone\u00a0: numéro d’un service ${quote(t)} en plus de ${quote(telephone!)}\u00a0: non repris`);
	const courriels = [...new Set([clean(s.courriel), ...sum.courriels].filter((x): x is string => !!x))];
	const horaires = clean(s.horaires_accueil) ?? clean(s.horaires_ouverture) ?? sum.horaires[0];
	for (const h of new Set(sum.horaires))
		if (h !== horaires) warnings.push(`horaires_accueil\u00a0: horaires d’un service ${quote(h)} différents de ${quote(horaires!)}\u00a0: non repris`);
	const liens = [...new Set(sum.liens)];
	for (const l of liens.slice(1)) warnings.push(`lien_mobilisation\u00a0: ${quote(l)} en plus de ${quote(liens[0])}\u00a0: non repris`);

	const pres = presentation(s);
	if (!pres.presentation_resume && !pres.presentation_detail && sum.descriptions.length === 1) {
		const d = sum.descriptions.shift()!.text;
		Object.assign(pres, Array.from(d).length <= 280 ? { presentation_resume: d } : { presentation_detail: d });
	}
	for (const d of sum.descriptions) warnings.push(textDropped('description', d.text, ` du service ${quote(d.nom)}`));

	let pivot = siret(s.siret);
	if (pivot && !isValidSiret(pivot)) {
		// data·inclusion's SIRET is optional: a wrong one is left out, the place kept
		warnings.push(`siret\u00a0: ${quote(pivot)} a une clé de contrôle invalide\u00a0: non repris`);
		pivot = undefined;
	}
	// no SIRET: the standard's convention for an unknown one (the validator notes it)
	pivot ??= clean(s.rna) ?? PIVOT_UNKNOWN;
	return {
		row,
		source: DATA_INCLUSION_SOURCE,
		sourceId,
		record: compact({
			id: sourceId,
			pivot,
			nom,
			...loc,
			typologie: joinList(typologie),
			telephone,
			courriels: joinList(courriels),
			site_web: clean(s.site_web),
			horaires,
			...pres,
			source: clean(s.source),
			structure_parente: clean(s.structure_parente),
			date_maj: latest([isoDate(s.date_maj), ...sum.dates.map(isoDate)]) ?? clean(s.date_maj),
			services: joinList(sum.orderedServices()),
			publics_specifiquement_adresses: joinList([...sum.publics]),
			prise_en_charge_specifique: joinList([...sum.prises]),
			frais_a_charge: joinList([...sum.frais]),
			dispositif_programmes_nationaux: joinList(reseaux.dispositif_programmes_nationaux ?? []),
			formations_labels: joinList(reseaux.formations_labels ?? []),
			autres_formations_labels: joinList([...(reseaux.autres_formations_labels ?? []), ...listOf(s.labels_autres)]),
			modalites_acces: joinList([...sum.acces]),
			modalites_accompagnement: joinList([...sum.accompagnement]),
			fiche_acces_libre: clean(s.accessibilite_lieu) ?? clean(s.accessibilite),
			prise_rdv: liens[0]
		}),
		locationPrecision: 'address',
		warnings: [...new Set(warnings)]
	};
}

/** The structure's own fields with no equivalent: named in one warning (with the link to its page). */
function structureLeftovers(s: Obj): string[] {
	const out: string[] = [];
	const unknown: string[] = [];
	for (const [k, v] of Object.entries(s)) {
		if (v == null || v === '' || (Array.isArray(v) && !v.length)) continue;
		if (k === 'lien_source')
			out.push(`lien_source ${quote(textOf(v))}\u00a0: lien vers la fiche du producteur, sans équivalent dans le standard\u00a0: non repris`);
		else if (!STRUCTURE_READ.has(k) && !STRUCTURE_IGNORED.has(k)) unknown.push(k);
	}
	if (unknown.length) out.push(`champ${unknown.length > 1 ? 's' : ''} hors schéma data·inclusion v1 non repris\u00a0: ${unknown.join(', ')}`);
	return out;
}

export function parseDataInclusion(input: DataInclusionInput): ParsedFile {
	const records: SourceRecordWithExtra[] = [];
	const rejected: Rejection[] = [];
	const skipped: Skip[] = [];

	// the structures, by id (and by source and id: v0's ids were the producer's own)
	const structures: { row: number; s: Obj; services: { row: number; sv: Obj }[] }[] = [];
	const byId = new Map<string, (typeof structures)[number]>();
	const bySourceId = new Map<string, (typeof structures)[number]>();
	input.structures.forEach((s, i) => {
		const row = i + 1;
		if (!isObj(s)) return rejected.push({ row, reasons: ['ligne illisible\u00a0: ce n’est pas un objet JSON'] });
		const entry = { row, s, services: [] as { row: number; sv: Obj }[] };
		structures.push(entry);
		const id = clean(s.id);
		if (id && !byId.has(id)) byId.set(id, entry);
		if (id && !bySourceId.has(`${clean(s.source)}\u0000${id}`)) bySourceId.set(`${clean(s.source)}\u0000${id}`, entry);
		if (input.embedded && Array.isArray(s.services))
			for (const sv of s.services) if (isObj(sv)) entry.services.push({ row, sv: { structure_id: id, source: s.source, ...sv } });
	});
	input.services.forEach((sv, i) => {
		const row = input.structures.length + i + 1;
		if (!isObj(sv)) return rejected.push({ row, reasons: ['ligne illisible\u00a0: ce n’est pas un objet JSON'] });
		const sid = clean(sv.structure_id);
		const owner = sid ? (bySourceId.get(`${clean(sv.source)}\u0000${sid}`) ?? byId.get(sid)) : undefined;
		if (owner) owner.services.push({ row, sv });
		else if (isDigitalService(sv))
			rejected.push({ row, sourceId: clean(sv.id), reasons: [`structure_id\u00a0: structure ${quote(sid ?? '(absent)')} absente du fichier`] });
		else skipped.push({ row, sourceId: clean(sv.id), reason: 'service sans structure dans le fichier, et pas d’aide numérique' });
	});

	for (const { row, s, services } of structures) {
		const id = clean(s.id);
		const nom = clean(s.nom);
		const digital = services.filter((x) => isDigitalService(x.sv));
		if (!digital.length) {
			const names = services.map((x) => clean(x.sv.nom) ?? '?');
			skipped.push({
				row,
				sourceId: id,
				reason: services.length
					? `aucun service d’aide numérique (${services.length} service${services.length > 1 ? 's' : ''}\u00a0: ${names.slice(0, 5).map(quote).join(', ')}${names.length > 5 ? '…' : ''})`
					: 'aucun service'
			});
			continue;
		}
		const reasons: string[] = [];
		if (!id) reasons.push('id\u00a0: identifiant absent');
		if (!nom) reasons.push('nom absent');
		if (reasons.length) {
			rejected.push({ row, sourceId: id, reasons });
			continue;
		}
		const home = locationOf(s);
		const common: string[] = structureLeftovers(s);
		const others = services.length - digital.length;
		if (others) {
			const names = services.filter((x) => !isDigitalService(x.sv)).map((x) => quote(clean(x.sv.nom) ?? '?'));
			common.push(
				`${others} service${others > 1 ? 's' : ''} sans aide numérique non repris (hors médiation numérique)\u00a0: ${names.slice(0, 5).join(', ')}${names.length > 5 ? '…' : ''}`
			);
		}
		// one place per address: the structure's, and each other address of a service of digital help
		const groups = new Map<string, { loc: Location; services: Obj[]; first: Obj }>();
		for (const { sv } of digital) {
			const own = locationOf(sv);
			const loc = hasAddress(own) ? own : home;
			const key = hasAddress(loc) ? locationKey(loc) : '';
			const g = groups.get(key);
			if (g) g.services.push(sv);
			else groups.set(key, { loc, services: [sv], first: sv });
		}
		// the structure's address, or the one address where it helps with digital matters
		const homeKey = hasAddress(home) && (groups.has(locationKey(home)) || groups.size > 1) ? locationKey(home) : [...groups.keys()][0];
		for (const [key, g] of groups) {
			const main = key === homeKey;
			const sourceId = main ? id! : `${id}${ID_SEPARATOR}${clean(g.first.id) ?? key}`;
			if (!hasAddress(g.loc)) {
				rejected.push({
					row,
					sourceId,
					reasons: [g.loc.adresse ? 'commune absente' : 'adresse absente (ni la structure ni ses services d’aide numérique n’en ont)']
				});
				continue;
			}
			const placeName = main ? nom! : `${nom} – ${clean(g.first.nom) ?? ''}`.replace(/ – $/, '');
			const warnings = [...common];
			if (!main) warnings.push('service d’aide numérique à une autre adresse que sa structure\u00a0: lieu distinct');
			else if (hasAddress(home) && key !== locationKey(home))
				warnings.push('service d’aide numérique à une autre adresse que sa structure\u00a0: adresse du service retenue');
			records.push(toRecord(row, sourceId, s, placeName, g.loc, g.services, warnings));
		}
	}
	rejected.sort((a, b) => a.row - b.row);
	return { format: 'data-inclusion-json', source: DATA_INCLUSION_SOURCE, records, rejected, skipped };
}

/** data·inclusion's fields whose values are vocabularies (listed in the fidelity table); the others may be personal. */
const LISTED_FIELDS = new Set([
	'typologie',
	'reseaux_porteurs',
	'thematiques',
	'type',
	'types',
	'frais',
	'publics',
	'profils',
	'modes_accueil',
	'modes_mobilisation',
	'modes_orientation_beneficiaire',
	'modes_orientation_accompagnateur',
	'labels_nationaux'
]);
const VALUE_DROPPED = /^([a-z_]+)(?: du service « [^»]* »)?\u00a0: (valeur|texte) « (.*?) » .*non reprise?$/s;
const FIELDS_DROPPED = /^service « [^»]* »\u00a0: sans équivalent dans le standard, non repris\u00a0: (.*)$/s;
const OUT_OF_SCHEMA = /hors schéma data·inclusion v1 non repris\u00a0: (.*)$/;
const OTHER_SERVICES = /^(\d+) services? sans aide numérique non repris/;
const FIELD_FIRST = /^([a-z_]+)[\s\u00a0]/;

/**
 * The fidelity table of a data·inclusion file, from what its records say they did not keep
 * (every value left out is named in a warning, by read.ts and this adapter).
 */
export function dataInclusionFidelity(records: readonly SourceRecordWithExtra[], fidelity: Fidelity): void {
	for (const r of records)
		for (const w of r.warnings) {
			let m = VALUE_DROPPED.exec(w);
			if (m) {
				const [, field, kind, value] = m;
				fidelity.dropped(field, kind === 'valeur' && LISTED_FIELDS.has(field) ? value : kind, 'sans équivalent dans le standard');
				continue;
			}
			if ((m = FIELDS_DROPPED.exec(w))) {
				for (const part of m[1].split(/, (?=[a-z_]+(?: «|$))/)) fidelity.dropped(part.split(' ')[0], 'valeur', 'sans équivalent dans le standard');
				continue;
			}
			if ((m = OUT_OF_SCHEMA.exec(w))) {
				for (const f of m[1].split(', ')) fidelity.dropped(f, 'champ hors schéma', 'hors du schéma data·inclusion v1');
				continue;
			}
			if ((m = OTHER_SERVICES.exec(w))) {
				for (let i = 0; i < Number(m[1]); i++) fidelity.dropped('services', 'service hors médiation numérique', 'pas un service d’aide numérique');
				continue;
			}
			// any other: its reason without what it quotes (free texts may name people; a service's name holding « » made
			// the patterns above miss and the text of its conditions reach the table)
			if (/non repris/.test(w) && (m = FIELD_FIRST.exec(w)))
				fidelity.dropped(
					m[1],
					'valeur',
					w
						.replace(/«.*»/s, '«\u00a0…\u00a0»')
						.replace(/^[^:]*:\s*/, '')
						.slice(0, 120)
				);
		}
}
