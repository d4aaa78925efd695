/**
 * Coordinators keep the places right (issue 12, item 8): a place's identity and position
 * (name, address, commune, coordinates), new places, and the hand corrections that later
 * imports leave alone. Closing a place is in closing.ts; names in capitals in names.ts.
 *
 * A hand correction is recorded per field in places.overrides ({ field: value }): the
 * import recomposes a place from its sources, then puts the overridden fields back
 * (applyOverrides). The edit page shows the sources' value beside each corrected field,
 * with a button to take it (takeSourceValue), which drops the correction.
 *
 * Content (hours, contact, services, publics) is edited with the place managers' form
 * (manage.ts, /espace/lieux/[id]), which coordinators of the département may use too.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, ne, sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { can, type Actor } from '../permissions/index.ts';
import { places, placeSources, placeErrorReports } from './db.ts';
import { parseStandardRecord, contentHash, toStandardRecord, isValidSiret } from './model.ts';
import { parisDay } from '../../time.ts';
import { normalizeKey, formulaLike } from './values.ts';

/** the standard's convention for an unknown SIRET */
const UNKNOWN_PIVOT = '00000000000000';
import { composePlace, compactView, expandView, MANAGER_SOURCE, placeIdFor, type SourceView, type StoredView } from './compose.ts';
import { weeklyOpenRanges } from './hours.ts';
import { earthPoint } from '../db/types.ts';
import { municipalityLookup } from '../territory/index.ts';
import { PlaceManagementError } from './errors.ts';
import { placeTeams } from './teams.ts';
import type { LocationPrecision, PlaceFields } from './types.ts';
import { frenchSpacing } from '../../text/typography';
import { inCapitals, normalCase, properNamesOf } from './names.ts';

/** The fields a coordinator corrects by hand here, with their French labels. */
export const CORRECTABLE = {
	nom: 'Nom',
	pivot: 'SIRET ou RNA',
	adresse: 'Adresse',
	complementAdresse: 'Complément d’adresse',
	codePostal: 'Code postal',
	commune: 'Commune',
	codeInsee: 'Code INSEE',
	latitude: 'Latitude',
	longitude: 'Longitude',
	locationPrecision: 'Précision de la position'
} as const;
export type CorrectableField = keyof typeof CORRECTABLE;

type Composed = PlaceFields & { locationPrecision: LocationPrecision };

export async function placeOrganisations(database: Database, placeId: string): Promise<string[]> {
	return placeTeams().organisationsRunning(database.db, placeId);
}

export async function loadPlace(database: Database, placeId: string) {
	if (!placeId || placeId.length > 200) throw new PlaceManagementError('not_found', 'Ce lieu n’existe pas.');
	const [row] = await database.db.select().from(places).where(eq(places.id, placeId));
	if (!row) throw new PlaceManagementError('not_found', 'Ce lieu n’existe pas.');
	return row;
}

export function canCuratePlace(actor: Actor, departmentCode: string | null): boolean {
	return can(actor, 'place.curate', { departmentCode });
}

/** Closes the error report the change answers, in the change's transaction. */
export async function resolveReport(
	tx: DbOrTx,
	actor: Actor,
	placeId: string,
	reportId: number | null | undefined,
	how: string,
	departmentCode: string | null,
	ip?: string | null
) {
	if (reportId == null) return;
	const [r] = await tx
		.select({ id: placeErrorReports.id, status: placeErrorReports.status, placeId: placeErrorReports.placeId })
		.from(placeErrorReports)
		.where(eq(placeErrorReports.id, reportId))
		.for('update');
	if (!r || r.status !== 'open' || r.placeId !== placeId) return;
	await tx.update(placeErrorReports).set({ status: 'resolved', resolvedAt: new Date(), contactEmail: null }).where(eq(placeErrorReports.id, reportId));
	await journal(tx, {
		actor: { kind: 'user', id: actor.userId },
		action: 'error_report.resolved',
		targetType: 'error_report',
		targetId: String(reportId),
		departmentCode,
		ip,
		details: { placeId, how }
	});
}

// ——— identity and position ———

export interface IdentityForm {
	nom: string;
	/** SIRET or RNA; empty: unknown */
	pivot?: string;
	adresse: string;
	complementAdresse: string;
	codePostal: string;
	commune: string;
	latitude: string;
	longitude: string;
}

export function identityFormOf(p: {
	nom: string;
	pivot: string;
	adresse: string;
	complementAdresse: string | null;
	codePostal: string;
	commune: string;
	latitude: number | null;
	longitude: number | null;
}): IdentityForm {
	return {
		nom: p.nom,
		pivot: /^0+$/.test(p.pivot) ? '' : p.pivot,
		adresse: p.adresse,
		complementAdresse: p.complementAdresse ?? '',
		codePostal: p.codePostal,
		commune: p.commune,
		latitude: p.latitude == null ? '' : String(p.latitude),
		longitude: p.longitude == null ? '' : String(p.longitude)
	};
}

const COORD = /^-?\d{1,3}(?:[.,]\d+)?$/;

/** Checks the identity form; returns the values or the errors, field by field, in French. */

async function validateIdentity(database: Database, f: IdentityForm) {
	const errors: Record<string, string> = {};
	let pivotError: string | null = null;
	const nom = frenchSpacing(f.nom.replace(/\s+/g, ' ').trim());
	if (!nom) errors.nom = 'Indiquez le nom du lieu.';
	else if (nom.length > 200) errors.nom = 'Le nom est trop long\u00a0: 200 caractères au plus.';
	else if (/^[\d\s.]{9,}$/.test(nom)) errors.nom = 'Le nom est un numéro (SIRET ?)\u00a0: donnez le nom que le public connaît.';
	const pivotRaw = (f.pivot ?? '').replace(/[\s.-]+/g, '').toUpperCase();
	let pivot = UNKNOWN_PIVOT;
	if (pivotRaw) {
		if (/^\d{14}$/.test(pivotRaw) && isValidSiret(pivotRaw)) pivot = pivotRaw;
		else if (/^W[0-9A-Z]{9}$/.test(pivotRaw)) pivot = pivotRaw;
		else if (/^\d{14}$/.test(pivotRaw)) pivotError = 'Ce SIRET a une clé de contrôle invalide\u00a0: vérifiez les 14 chiffres.';
		else pivotError = 'Un SIRET a 14 chiffres, un numéro RNA commence par W suivi de 9 caractères. Laissez vide s’il est inconnu.';
	}
	if (pivotError) errors.pivot = pivotError;
	const adresse = f.adresse.replace(/\s+/g, ' ').trim();
	if (!adresse) errors.adresse = 'Indiquez l’adresse (numéro et voie).';
	else if (adresse.length > 300) errors.adresse = 'L’adresse est trop longue\u00a0: 300 caractères au plus.';
	const complementAdresse = f.complementAdresse.replace(/\s+/g, ' ').trim().slice(0, 300) || null;
	// these fields go to the national CSV as they are (docs/decisions/0005-csv-formulas.md): no formula
	const FORMULA = 'Ce texte commence comme une formule de tableur (=, +, - ou @ suivis d’une fonction)\u00a0: réécrivez-le.';
	if (!errors.nom && formulaLike(nom)) errors.nom = FORMULA;
	if (!errors.adresse && formulaLike(adresse)) errors.adresse = FORMULA;
	if (complementAdresse && formulaLike(complementAdresse)) errors.complementAdresse = FORMULA;
	if (formulaLike(f.commune.trim())) errors.commune = FORMULA;
	const codePostal = f.codePostal.replace(/\s+/g, '');
	if (!/^\d{5}$/.test(codePostal)) errors.codePostal = 'Le code postal a 5 chiffres. Exemple\u00a0: 47000';
	const lookup = await municipalityLookup(database);
	const town = errors.codePostal
		? undefined
		: (lookup.byName(f.commune.trim(), { postcode: codePostal }) ?? (f.commune.trim() ? undefined : lookup.byPostcode(codePostal)[0]));
	if (!f.commune.trim()) errors.commune = 'Indiquez la commune.';
	else if (!errors.codePostal && !town) errors.commune = `Aucune commune « ${f.commune.trim()} » n’a le code postal ${codePostal}.`;
	let latitude: number | null = null;
	let longitude: number | null = null;
	const la = f.latitude.trim();
	const lo = f.longitude.trim();
	if (la || lo) {
		if (!COORD.test(la) || !COORD.test(lo)) {
			if (!COORD.test(la)) errors.latitude = 'La latitude est un nombre décimal. Exemple\u00a0: 44,2031';
			if (!COORD.test(lo)) errors.longitude = 'La longitude est un nombre décimal. Exemple\u00a0: 0,6163';
		} else {
			latitude = Number(la.replace(',', '.'));
			longitude = Number(lo.replace(',', '.'));
			if (latitude < -90 || latitude > 90) errors.latitude = 'La latitude est comprise entre -90 et 90.';
			if (longitude < -180 || longitude > 180) errors.longitude = 'La longitude est comprise entre -180 et 180.';
			// a point far from its commune is surely a typing error (latitude and longitude swapped…)
			if (!errors.latitude && !errors.longitude && town?.latitude != null && town.longitude != null) {
				const km = Math.hypot((latitude - town.latitude) * 111, (longitude - town.longitude) * 111 * Math.cos((town.latitude * Math.PI) / 180));
				if (km > 30) errors.latitude = `Ce point est à ${Math.round(km)} km de ${town.name}\u00a0: vérifiez la latitude et la longitude.`;
			}
		}
	}
	return {
		errors,
		town,
		values: {
			nom,
			pivot,
			adresse,
			complementAdresse,
			codePostal,
			commune: town?.name ?? f.commune.trim(),
			codeInsee: town?.inseeCode ?? null,
			latitude,
			longitude
		}
	};
}

function rowUpdate(p: Pick<PlaceFields, 'nom' | 'horaires' | 'latitude' | 'longitude'>, id: string) {
	return {
		nameKey: normalizeKey(p.nom),
		openWeek: weeklyOpenRanges(p.horaires),
		pos: p.latitude != null && p.longitude != null ? earthPoint(p.latitude, p.longitude, id) : null,
		updatedAt: new Date()
	};
}

/**
 * A coordinator corrects a place's name, address, commune or position. Each changed field
 * becomes a hand correction (kept through imports). Coordinates left empty put the place at
 * its commune's centre (position approximative).
 */
export async function correctPlace(
	database: Database,
	actor: Actor,
	placeId: string,
	form: IdentityForm,
	opts: { ip?: string | null; reportId?: number | null; today?: string } = {}
): Promise<{ changed: string[] }> {
	const row = await loadPlace(database, placeId);
	if (!canCuratePlace(actor, row.departmentCode)) throw new PlaceManagementError('forbidden', 'Ce lieu n’est pas dans votre département.');
	const { errors, town, values } = await validateIdentity(database, form);
	if (town && !canCuratePlace(actor, town.departmentCode)) errors.commune = 'Cette commune n’est pas dans votre département.';
	if (Object.keys(errors).length) throw new PlaceManagementError('invalid', 'Vérifiez les champs signalés.', errors);
	// an unknown SIRET stays written as the source wrote it
	if (values.pivot === UNKNOWN_PIVOT && /^0+$/.test(row.pivot)) values.pivot = row.pivot;
	let precision = row.locationPrecision as LocationPrecision;
	let { latitude, longitude } = values;
	if (latitude == null || longitude == null) {
		latitude = town?.latitude ?? row.latitude;
		longitude = town?.longitude ?? row.longitude;
		precision = 'municipality';
	} else if (latitude !== row.latitude || longitude !== row.longitude) precision = 'address';
	const next = { ...values, latitude, longitude, locationPrecision: precision };
	const changes: Record<string, [unknown, unknown]> = {};
	for (const k of Object.keys(next) as (keyof typeof next)[]) {
		const before = (row as Record<string, unknown>)[k] ?? null;
		if (before !== next[k]) changes[k] = [before, next[k]];
	}
	const changed = Object.keys(changes);
	if (!changed.length) {
		if (opts.reportId != null)
			await database.db.transaction((tx) => resolveReport(tx, actor, placeId, opts.reportId, 'corrected', row.departmentCode, opts.ip));
		return { changed };
	}
	const overrides = { ...(row.overrides ?? {}) };
	for (const k of changed) overrides[k] = next[k as keyof typeof next];
	const departmentCode = town?.departmentCode ?? row.departmentCode;
	await database.db.transaction(async (tx) => {
		await tx
			.update(places)
			.set({ ...next, departmentCode, overrides, dateMaj: opts.today ?? parisDay(), ...rowUpdate({ ...next, horaires: row.horaires }, placeId) })
			.where(eq(places.id, placeId));
		await journal(tx, {
			actor: { kind: 'user', id: actor.userId },
			action: 'place.corrected',
			targetType: 'place',
			targetId: placeId,
			departmentCode,
			ip: opts.ip,
			details: { fields: changed, changes }
		});
		await resolveReport(tx, actor, placeId, opts.reportId, 'corrected', row.departmentCode, opts.ip);
	});
	return { changed };
}

/** What the imported sources alone say of a place (hand-written "maillage" record and corrections aside). */
export async function sourceComposition(database: DbOrTx, placeId: string): Promise<Composed | null> {
	const rows = await database
		.select({ source: placeSources.source, record: placeSources.record })
		.from(placeSources)
		.where(and(eq(placeSources.placeId, placeId), ne(placeSources.source, MANAGER_SOURCE)));
	if (!rows.length) return null;
	return composePlace(
		placeId,
		rows.map((r) => ({ ...expandView(r.record as StoredView), source: r.source }))
	);
}

export interface OverrideView {
	field: string;
	label: string;
	value: unknown;
	/** what the sources say; undefined when the place has no imported source */
	sourceValue: unknown;
}

/** The hand corrections of a place, each with the value its sources give. */
export async function placeOverrides(database: Database, placeId: string): Promise<OverrideView[]> {
	const row = await loadPlace(database, placeId);
	const entries = Object.entries(row.overrides ?? {});
	if (!entries.length) return [];
	const composed = await sourceComposition(database.db, placeId);
	return entries.map(([field, value]) => ({
		field,
		label: (CORRECTABLE as Record<string, string>)[field] ?? field,
		value,
		sourceValue: composed ? ((composed as unknown as Record<string, unknown>)[field] ?? null) : undefined
	}));
}

/** The coordinator takes the sources' value for a field: the correction is dropped. Position fields go together. */
export async function takeSourceValue(database: Database, actor: Actor, placeId: string, field: string, opts: { ip?: string | null } = {}): Promise<void> {
	const row = await loadPlace(database, placeId);
	if (!canCuratePlace(actor, row.departmentCode)) throw new PlaceManagementError('forbidden', 'Ce lieu n’est pas dans votre département.');
	const overrides = { ...(row.overrides ?? {}) };
	if (!(field in overrides)) throw new PlaceManagementError('not_found', 'Ce champ n’a pas de correction à la main.');
	const composed = await sourceComposition(database.db, placeId);
	if (!composed) throw new PlaceManagementError('conflict', 'Ce lieu n’a pas de source importée\u00a0: la valeur saisie reste.');
	const position = ['latitude', 'longitude', 'locationPrecision'];
	const group = position.includes(field) ? position : ['commune', 'codeInsee', 'codePostal'].includes(field) ? ['commune', 'codeInsee', 'codePostal'] : [field];
	const set: Record<string, unknown> = {};
	const changes: Record<string, [unknown, unknown]> = {};
	for (const f of group) {
		delete overrides[f];
		const v = (composed as unknown as Record<string, unknown>)[f] ?? null;
		set[f] = v;
		changes[f] = [(row as Record<string, unknown>)[f] ?? null, v];
	}
	const next = { ...row, ...set } as typeof row;
	await database.db.transaction(async (tx) => {
		await tx
			.update(places)
			.set({ ...set, overrides, ...rowUpdate(next, placeId) })
			.where(eq(places.id, placeId));
		// the managers' own record copies the identity: it takes the sources' value too
		const [managed] = await tx
			.select({ record: placeSources.record })
			.from(placeSources)
			.where(and(eq(placeSources.placeId, placeId), eq(placeSources.source, MANAGER_SOURCE)));
		if (managed) {
			const view = expandView(managed.record as StoredView);
			const fields = { ...view.fields } as Record<string, unknown>;
			let precision = view.locationPrecision;
			for (const f of group)
				if (f === 'locationPrecision') precision = set[f] as LocationPrecision;
				else fields[f] = set[f];
			const stored = compactView({ fields: fields as SourceView['fields'], locationPrecision: precision });
			await tx
				.update(placeSources)
				.set({ record: stored, contentHash: contentHash(fields as SourceView['fields']) })
				.where(and(eq(placeSources.placeId, placeId), eq(placeSources.source, MANAGER_SOURCE)));
		}
		await journal(tx, {
			actor: { kind: 'user', id: actor.userId },
			action: 'place.source_value_taken',
			targetType: 'place',
			targetId: placeId,
			departmentCode: row.departmentCode,
			ip: opts.ip,
			details: { fields: group, changes }
		});
	});
}

/** One click from the work list: the name written in normal case (a correction like any other). */
export async function applyNormalCase(database: Database, actor: Actor, placeId: string, opts: { ip?: string | null } = {}): Promise<string> {
	const row = await loadPlace(database, placeId);
	if (!canCuratePlace(actor, row.departmentCode)) throw new PlaceManagementError('forbidden', 'Ce lieu n’est pas dans votre département.');
	if (!inCapitals(row.nom)) throw new PlaceManagementError('conflict', 'Ce nom n’est pas écrit en capitales.');
	const nom = normalCase(row.nom, await properNamesOf(database.db, [row.departmentCode]));
	await correctPlace(database, actor, placeId, { ...identityFormOf(row), nom }, { ip: opts.ip });
	return nom;
}

// ——— a new place ———

export interface NewPlaceForm extends IdentityForm {
	telephone: string;
	courriels: string;
	siteWeb: string;
	services: string[];
}

/** A coordinator adds a place missing from every source; it is the place's "maillage" record. Returns its id. */
export async function createPlace(database: Database, actor: Actor, form: NewPlaceForm, opts: { ip?: string | null; today?: string } = {}): Promise<string> {
	const today = opts.today ?? parisDay();
	const { errors, town, values } = await validateIdentity(database, form);
	if (town && !canCuratePlace(actor, town.departmentCode))
		errors.commune = 'Cette commune n’est pas dans votre département\u00a0: vous ne pouvez pas y ajouter de lieu.';
	if (!form.services.length) errors.services = 'Cochez au moins un service proposé.';
	const id = placeIdFor(MANAGER_SOURCE, randomUUID());
	const precise = values.latitude != null && values.longitude != null;
	const parsed = parseStandardRecord(
		{
			id,
			pivot: values.pivot,
			nom: values.nom || 'x',
			adresse: values.adresse || 'x',
			complement_adresse: values.complementAdresse ?? '',
			code_postal: values.codePostal || '00000',
			commune: values.commune || 'x',
			code_insee: values.codeInsee ?? '',
			latitude: precise ? values.latitude : (town?.latitude ?? null),
			longitude: precise ? values.longitude : (town?.longitude ?? null),
			telephone: form.telephone,
			courriels: form.courriels,
			site_web: form.siteWeb,
			services: form.services.join('|'),
			date_maj: today,
			source: MANAGER_SOURCE
		},
		{ today }
	);
	const FIELD: Record<string, string> = { telephone: 'telephone', courriels: 'courriels', site_web: 'siteWeb', services: 'services' };
	for (const m of parsed.ok ? parsed.warnings : parsed.errors) {
		const key = FIELD[/^(\w+)\s:/.exec(m)?.[1] ?? ''];
		if (key && !errors[key] && !/aucun service du référentiel/.test(m)) errors[key] = m.replace(/^\w+\s:\s/, '').replace(/\s; valeur ignorée$/, '');
	}
	if (!town && !errors.commune && !errors.codePostal) errors.commune = 'Commune introuvable.';
	if (Object.keys(errors).length || !parsed.ok || !town) throw new PlaceManagementError('invalid', 'Vérifiez les champs signalés.', errors);
	const { id: _id, ...fields } = parsed.place;
	const view: SourceView = { fields, locationPrecision: precise ? 'address' : 'municipality' };
	const composed = composePlace(id, [{ ...view, source: MANAGER_SOURCE }]);
	await database.db.transaction(async (tx) => {
		await tx.insert(places).values({ ...composed, departmentCode: town.departmentCode, ...rowUpdate(composed, id) });
		const now = new Date();
		await tx.insert(placeSources).values({
			placeId: id,
			source: MANAGER_SOURCE,
			sourceId: id,
			record: compactView(view),
			contentHash: contentHash(fields),
			firstSeenAt: now,
			lastSeenAt: now
		});
		await journal(tx, {
			actor: { kind: 'user', id: actor.userId },
			action: 'place.created',
			targetType: 'place',
			targetId: id,
			departmentCode: town.departmentCode,
			ip: opts.ip,
			details: { record: toStandardRecord(composed) }
		});
	});
	return id;
}

/** The place an old (merged) id now is, or null. */
export async function survivorOf(database: Database, id: string): Promise<string | null> {
	if (!id || id.length > 200) return null;
	const [r] = await database.db.select({ id: places.id }).from(places).where(sqlAny(id)).limit(1);
	return r?.id ?? null;
}

function sqlAny(id: string) {
	return sql`${places.mergedIds} @> ARRAY[${id}]::text[]`; // the GIN index of merged_ids
}
