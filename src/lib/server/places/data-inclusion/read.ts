/**
 * data·inclusion records → the national standard's values, for the import adapter
 * (sources/data-inclusion.ts): a structure's own fields, and what its services of digital
 * help add up to (services, fees, publics, modalités, contact). Pure. Every value that has no
 * equivalent is reported (French, for the import report), never dropped silently.
 */
import { SERVICES, type Service } from '../vocabulary.ts';
import { canonicalValue, detectPublics } from '../sources/mappings.ts';
import { clean, cleanText } from '../sources/common.ts';
import { textOf } from '../values.ts';
import {
	A_DISTANCE,
	DI_A_DISTANCE,
	DI_ALL_PUBLICS,
	DI_EN_PRESENTIEL,
	DI_HANDICAP,
	DI_TO_PUBLIC,
	HANDICAPS,
	MOBILISATION_TO_ACCES,
	PRESCRIPTION,
	RESEAU_TO_VALUE,
	SERVICE_MAPPINGS,
	TYPE_TO_ACCOMPAGNEMENT,
	isDigitalThematique,
	servicesOfThematique
} from './mapping.ts';

type Obj = Record<string, unknown>;

const quote = (s: string) => `« ${s.length > 100 ? s.slice(0, 97) + '…' : s} »`;
const noEquivalent = (field: string, v: string) => `${field}\u00a0: valeur ${quote(v)} sans équivalent dans le standard\u00a0: non reprise`;
const textDropped = (field: string, v: string, owner = '') => `${field}${owner}\u00a0: texte ${quote(v)} sans équivalent dans le standard\u00a0: non repris`;

/** A list field: a JSON array (v1), or a `|`/`,`-separated text (CSV exports). */
export function listOf(v: unknown): string[] {
	if (v == null) return [];
	const parts = Array.isArray(v) ? v.map((x) => textOf(x ?? '')) : textOf(v).split(/[|,]/);
	return [...new Set(parts.map((x) => x.trim()).filter(Boolean))];
}

/** Our service named exactly (our export names each service by its label). */
export function namedService(nom: unknown): Service | undefined {
	const n = clean(nom);
	const v = n ? canonicalValue('services', n) : undefined;
	return v as Service | undefined;
}

/** A service of digital help: a digital thématique, or named as one of ours. */
export function isDigitalService(sv: Obj): boolean {
	return listOf(sv.thematiques).some(isDigitalThematique) || !!namedService(sv.nom);
}

/**
 * Labels of one of our vocabularies written in a `…_precisions` text, as our export writes
 * them (« Prise en charge spécifique : Surdité, Illettrisme »): all of them, or none.
 */
export function exactLabels(text: string, fields: string[]): { field: string; value: string }[] | undefined {
	const body = text.replace(/^[^:]*:\s*/, '').replace(/\.$/, '');
	const out: { field: string; value: string }[] = [];
	for (const part of body.split(/\s*[,;|]\s*/)) {
		if (!part) continue;
		const hit = fields.map((field) => ({ field, value: canonicalValue(field, part) })).find((x) => x.value);
		if (!hit) return undefined;
		out.push({ field: hit.field, value: hit.value! });
	}
	return out.length ? out : undefined;
}

/** Service fields this module reads (v1, and v0's names where they differ); any other is reported. */
const SERVICE_READ = new Set([
	'source',
	'structure_id',
	'id',
	'nom',
	'description',
	'date_maj',
	'lien_source',
	'type',
	'types',
	'thematiques',
	'frais',
	'frais_precisions',
	'publics',
	'publics_precisions',
	'conditions_acces',
	'commune',
	'code_postal',
	'code_insee',
	'adresse',
	'complement_adresse',
	'latitude',
	'longitude',
	'telephone',
	'courriel',
	'modes_accueil',
	'zone_eligibilite',
	'contact_nom_prenom',
	'lien_mobilisation',
	'prise_rdv',
	'modes_mobilisation',
	'modes_orientation_beneficiaire',
	'modes_orientation_accompagnateur',
	'mobilisable_par',
	'mobilisation_precisions',
	'volume_horaire_hebdomadaire',
	'nombre_semaines',
	'horaires_accueil',
	// computed by data·inclusion's pipeline, not data
	'score_qualite'
]);

const present = (v: unknown) => v != null && v !== '' && !(Array.isArray(v) && !v.length);

/** What the services of digital help of one place add up to. */
export class ServicesSum {
	readonly services = new Set<string>();
	readonly publics = new Set<string>();
	readonly prises = new Set<string>();
	readonly frais = new Set<string>();
	readonly acces = new Set<string>();
	readonly accompagnement = new Set<string>();
	readonly courriels: string[] = [];
	readonly telephones: string[] = [];
	readonly horaires: string[] = [];
	readonly liens: string[] = [];
	readonly dates: string[] = [];
	/** service descriptions that are not our own export's */
	readonly descriptions: { nom: string; text: string }[] = [];
	onSite = false;
	/** `personnes-en-situation-de-handicap` without the disability named */
	handicapUnnamed = false;
	readonly warnings: string[] = [];

	/** the warnings already said, for a look-up in constant time (a file may hold 100,000 values without equivalent) */
	readonly #said = new Set<string>();
	private warn(m: string) {
		if (this.#said.has(m)) return;
		this.#said.add(m);
		this.warnings.push(m);
	}

	/** Adds one service of digital help (`structureLink`: its structure's lien_source, which the service's may repeat). */
	add(sv: Obj, structureLink?: string): void {
		const nom = clean(sv.nom) ?? '';
		const named = namedService(nom);
		const mine: Service[] = [];
		if (named) mine.push(named);
		else
			for (const t of listOf(sv.thematiques)) {
				const m = servicesOfThematique(t);
				if (m) mine.push(...m);
				else this.warn(noEquivalent('thematiques', t));
			}
		for (const s of mine) this.services.add(s);
		this.readFrais(sv);
		this.readPublics(sv);
		this.readModalites(sv, mine);
		this.readMobilisation(sv);
		const tel = clean(sv.telephone);
		if (tel) this.telephones.push(tel);
		const mail = clean(sv.courriel);
		if (mail) this.courriels.push(mail);
		const h = clean(sv.horaires_accueil);
		if (h) this.horaires.push(h);
		const d = clean(sv.date_maj);
		if (d) this.dates.push(d);
		const text = cleanText(sv.description);
		if (text && !(named && text.startsWith(cleanText(SERVICE_MAPPINGS[named].description)!))) this.descriptions.push({ nom, text });
		const dropped: string[] = [];
		for (const f of ['conditions_acces', 'zone_eligibilite', 'volume_horaire_hebdomadaire', 'nombre_semaines'] as const) {
			const v = sv[f];
			if (present(v)) dropped.push(`${f} ${quote(Array.isArray(v) ? v.map((x) => textOf(x)).join(', ') : textOf(v))}`);
		}
		const link = clean(sv.lien_source);
		if (link && link !== structureLink) dropped.push(`lien_source ${quote(link)}`);
		// a person's name: said, never copied into the report
		if (clean(sv.contact_nom_prenom)) dropped.push('contact_nom_prenom');
		if (dropped.length) this.warn(`service ${quote(nom)}\u00a0: sans équivalent dans le standard, non repris\u00a0: ${dropped.join(', ')}`);
		const unknown = Object.keys(sv).filter((k) => !SERVICE_READ.has(k) && present(sv[k]));
		if (unknown.length)
			this.warn(`service ${quote(nom)}\u00a0: champ${unknown.length > 1 ? 's' : ''} hors schéma data·inclusion v1 non repris\u00a0: ${unknown.join(', ')}`);
	}

	private readFrais(sv: Obj) {
		const text = clean(sv.frais_precisions);
		const exact = text ? exactLabels(text, ['frais_a_charge']) : undefined;
		if (exact) {
			for (const x of exact) this.frais.add(x.value);
			return;
		}
		// v1: one value; v0: a list (gratuit-sous-conditions, adhesion, pass-numerique)
		for (const f of listOf(sv.frais)) {
			const v = f === 'gratuit' ? 'Gratuit' : f === 'payant' || f === 'adhesion' ? 'Payant' : f === 'gratuit-sous-conditions' ? 'Gratuit sous condition' : null;
			if (v) this.frais.add(v);
			else this.warn(noEquivalent('frais', f));
		}
		if (text) this.warn(textDropped('frais_precisions', text));
	}

	private readPublics(sv: Obj) {
		const text = clean(sv.publics_precisions);
		const exact = text ? exactLabels(text, ['prise_en_charge_specifique', 'publics_specifiquement_adresses']) : undefined;
		let named = false;
		if (exact)
			for (const x of exact) {
				if (x.field === 'prise_en_charge_specifique') this.prises.add(x.value);
				else this.publics.add(x.value);
				if (HANDICAPS.has(x.value)) named = true;
			}
		else if (text) {
			// the prises en charge a free text names (« personnes sourdes ou malentendantes »)
			for (const t of detectPublics(text))
				if (t.field === 'prise_en_charge_specifique') {
					this.prises.add(t.value);
					if (HANDICAPS.has(t.value)) named = true;
				}
			this.warn(textDropped('publics_precisions', text));
		}
		for (const p of listOf(sv.publics)) {
			if (p === DI_ALL_PUBLICS) continue;
			const mine = DI_TO_PUBLIC[p];
			if (mine) this.publics.add(mine);
			else if (p === DI_HANDICAP) {
				if (!named) this.handicapUnnamed = true;
			} else this.warn(noEquivalent('publics', p));
		}
	}

	private readModalites(sv: Obj, mine: Service[]) {
		for (const m of listOf(sv.modes_accueil)) {
			if (m === DI_A_DISTANCE) this.accompagnement.add(A_DISTANCE);
			else if (m === DI_EN_PRESENTIEL) this.onSite = true;
			else this.warn(noEquivalent('modes_accueil', m));
		}
		// v1: `type`; v0: `types`, with « autonomie » and « delegation »
		for (const t of [...listOf(sv.type), ...listOf(sv.types)]) {
			const v = TYPE_TO_ACCOMPAGNEMENT[t] ?? (t === 'autonomie' ? 'En autonomie' : t === 'delegation' ? 'Accompagnement individuel' : undefined);
			if (v) this.accompagnement.add(v);
			else if (!(t === 'aide-materielle' && mine.some((s) => SERVICE_MAPPINGS[s].type === 'aide-materielle')))
				this.warn(`type\u00a0: valeur ${quote(t)} sans équivalent dans modalites_accompagnement\u00a0: non reprise`);
		}
	}

	private readMobilisation(sv: Obj) {
		const text = clean(sv.mobilisation_precisions);
		const exact = text ? exactLabels(text, ['modalites_acces']) : undefined;
		const lien = clean(sv.lien_mobilisation) ?? clean(sv.prise_rdv);
		if (lien) this.liens.push(lien);
		if (exact) {
			for (const x of exact) this.acces.add(x.value);
			return;
		}
		if (text) this.warn(textDropped('mobilisation_precisions', text));
		const by = listOf(sv.mobilisable_par);
		const prosOnly = by.length === 1 && by[0] === 'professionnels';
		const modes = [...listOf(sv.modes_mobilisation), ...listOf(sv.modes_orientation_beneficiaire), ...listOf(sv.modes_orientation_accompagnateur)];
		for (const m of modes) {
			const v = m === 'envoyer-un-courriel' && prosOnly ? PRESCRIPTION : MOBILISATION_TO_ACCES[m];
			if (v) this.acces.add(v);
			else this.warn(noEquivalent('modes_mobilisation', m));
		}
	}

	/** Closing remarks once every service is in. */
	finish(): void {
		if (this.handicapUnnamed && ![...this.prises].some((p) => HANDICAPS.has(p)))
			this.warn(
				`publics\u00a0: valeur ${quote(DI_HANDICAP)} sans le handicap précisé (surdité, handicaps moteurs ou mentaux, déficience visuelle)\u00a0: non reprise`
			);
		if (this.onSite && ![...this.accompagnement].some((m) => m !== A_DISTANCE))
			this.warn(
				`modes_accueil\u00a0: valeur ${quote(DI_EN_PRESENTIEL)} sans la modalité (en autonomie, accompagnement individuel, atelier collectif)\u00a0: non reprise`
			);
	}

	/** The standard's services in its order. */
	orderedServices(): string[] {
		return SERVICES.filter((s) => this.services.has(s));
	}
}

/** Réseaux porteurs → typologie, dispositifs, labels; the others reported. */
export function readReseaux(values: string[], warnings: string[]): Record<string, string[]> {
	const out: Record<string, string[]> = {};
	for (const r of values) {
		const t = RESEAU_TO_VALUE[r];
		if (!t) {
			warnings.push(noEquivalent('reseaux_porteurs', r));
			continue;
		}
		const list = (out[t.field] ??= []);
		if (!list.includes(t.value)) list.push(t.value);
	}
	return out;
}

export { noEquivalent, textDropped, quote };
