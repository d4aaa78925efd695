/**
 * Merging two records of the same place (issue 12, item 8): the coordinator chooses, field
 * by field, which value wins. The survivor keeps both places' sources (their ids too: a
 * re-import lands on the survivor), every reference to the other place moves to it
 * (referrals, accompaniments, teams, reports…: maillage_move_place_references, migration
 * 0018), and the other id is kept in merged_ids: /lieux/<old id> and the API redirect.
 * Where the two places differed, the chosen value becomes a hand correction, so that a
 * later import recomposing the place from both sources keeps the coordinator's choice.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import type { Actor } from '../permissions/index.ts';
import { places, placeSources } from './db.ts';
import { parisDay } from '../../time.ts';
import { normalizeKey } from './values.ts';
import { weeklyOpenRanges } from './hours.ts';
import { earthPoint } from '../db/types.ts';
import { PlaceManagementError } from './errors.ts';
import { canCuratePlace } from './edit.ts';
import { MANAGER_SOURCE } from './compose.ts';
import { addressKey, nameSimilarity } from './dedup.ts';
import { placeValueText } from './display.ts';

type Row = typeof places.$inferSelect;

/** The choices offered, each a group of fields that go together. */
export const MERGE_FIELDS = [
	{ key: 'nom', label: 'Nom', fields: ['nom'] },
	{ key: 'adresse', label: 'Adresse', fields: ['adresse', 'complementAdresse', 'codePostal', 'commune', 'codeInsee', 'departmentCode'] },
	{ key: 'position', label: 'Position', fields: ['latitude', 'longitude', 'locationPrecision'] },
	{ key: 'pivot', label: 'SIRET ou RNA', fields: ['pivot'] },
	{ key: 'telephone', label: 'Téléphone', fields: ['telephone'] },
	{ key: 'courriels', label: 'Adresses e-mail', fields: ['courriels'] },
	{ key: 'siteWeb', label: 'Site web', fields: ['siteWeb'] },
	{ key: 'horaires', label: 'Horaires', fields: ['horaires'] },
	{ key: 'presentationResume', label: 'Présentation', fields: ['presentationResume', 'presentationDetail'] },
	{ key: 'services', label: 'Services', fields: ['services'] },
	{ key: 'publics', label: 'Publics accueillis', fields: ['publicsSpecifiquementAdresses'] },
	{ key: 'modalites', label: 'Modalités d’accès et d’accompagnement', fields: ['modalitesAcces', 'modalitesAccompagnement', 'fraisACharge', 'priseRdv'] },
	{ key: 'typologie', label: 'Type de structure', fields: ['typologie', 'structureParente'] }
] as const;

export type MergeChoice = 'survivant' | 'autre';

/** Shown on the merge page: each group's value on both places, and whether they differ. */
export function mergePreview(a: Row, b: Row) {
	return MERGE_FIELDS.map((g) => {
		const va = groupText(g.fields, a as Record<string, unknown>);
		const vb = groupText(g.fields, b as Record<string, unknown>);
		return { key: g.key, label: g.label, survivant: va, autre: vb, differ: va !== vb };
	});
}

/**
 * The values of a group of several fields, each with its name (« Adresse : Place du docteur
 * Esquirol · Code postal : 47000 · Commune : Agen · Code INSEE : 47001 · Département : 47 »):
 * bare codes side by side read as noise. A group of one field: its value alone.
 */
const VALUE_LABELS: Record<string, string> = {
	adresse: 'Adresse',
	complementAdresse: 'Complément',
	codePostal: 'Code postal',
	commune: 'Commune',
	codeInsee: 'Code INSEE',
	departmentCode: 'Département',
	latitude: 'Latitude',
	longitude: 'Longitude',
	locationPrecision: 'Précision',
	presentationResume: 'Résumé',
	presentationDetail: 'Détail',
	modalitesAcces: 'Accès',
	modalitesAccompagnement: 'Accompagnement',
	fraisACharge: 'Frais',
	priseRdv: 'Prise de rendez-vous',
	typologie: 'Type',
	structureParente: 'Structure parente'
};

function groupText(fields: readonly string[], row: Record<string, unknown>): string {
	return fields
		.map((f) => {
			const v = placeValueText(f, row[f]);
			return v && fields.length > 1 ? `${VALUE_LABELS[f] ?? f}\u00a0: ${v}` : v;
		})
		.filter(Boolean)
		.join(' · ');
}

export async function loadMergePair(database: Database, actor: Actor, survivorId: string, otherId: string): Promise<{ survivor: Row; other: Row }> {
	if (!survivorId || !otherId || survivorId === otherId) throw new PlaceManagementError('invalid', 'Choisissez deux lieux différents.');
	const [survivor] = await database.db.select().from(places).where(eq(places.id, survivorId));
	const [other] = await database.db.select().from(places).where(eq(places.id, otherId));
	if (!survivor || !other) throw new PlaceManagementError('not_found', 'L’un des deux lieux n’existe pas (ou a déjà été fusionné).');
	if (!canCuratePlace(actor, survivor.departmentCode) || !canCuratePlace(actor, other.departmentCode))
		throw new PlaceManagementError('forbidden', 'Les deux lieux doivent être dans votre département.');
	return { survivor, other };
}

/**
 * Merges `otherId` into `survivorId`. `choices` says, per group of MERGE_FIELDS, which
 * place's value wins (the survivor's by default).
 */
export async function mergePlaces(
	database: Database,
	actor: Actor,
	input: { survivorId: string; otherId: string; choices: Record<string, MergeChoice> },
	opts: { ip?: string | null; today?: string } = {}
): Promise<{ survivorId: string; movedSources: number }> {
	const { survivor, other } = await loadMergePair(database, actor, input.survivorId, input.otherId);
	const set: Record<string, unknown> = {};
	const overrides: Record<string, unknown> = { ...(other.overrides ?? {}), ...(survivor.overrides ?? {}) };
	const chosen: Record<string, MergeChoice> = {};
	for (const g of MERGE_FIELDS) {
		const choice: MergeChoice = input.choices[g.key] === 'autre' ? 'autre' : 'survivant';
		chosen[g.key] = choice;
		const from = choice === 'autre' ? other : survivor;
		const differ = g.fields.some(
			(f) => JSON.stringify((survivor as Record<string, unknown>)[f] ?? null) !== JSON.stringify((other as Record<string, unknown>)[f] ?? null)
		);
		for (const f of g.fields) {
			const v = (from as Record<string, unknown>)[f] ?? null;
			set[f] = v;
			if (differ && f !== 'departmentCode') overrides[f] = v;
		}
	}
	const next = { ...survivor, ...set } as Row;
	if (!canCuratePlace(actor, next.departmentCode)) throw new PlaceManagementError('forbidden', 'Les deux lieux doivent être dans votre département.');
	const mergedIds = [...new Set([...survivor.mergedIds, other.id, ...other.mergedIds])];
	return database.db.transaction(async (tx) => {
		// two merges of the same places at once (a double click, two coordinators, A into B and B into A):
		// both rows locked in a fixed order, then read again; the later merge finds the other place gone
		// and says so, instead of a second merge on stale rows (or a database error)
		const locked = await tx
			.select({ id: places.id, updatedAt: places.updatedAt })
			.from(places)
			.where(inArray(places.id, [survivor.id, other.id].sort()))
			.orderBy(places.id)
			.for('update');
		const now = new Map(locked.map((r) => [r.id, r.updatedAt?.getTime()]));
		if (now.size !== 2) throw new PlaceManagementError('not_found', 'L’un des deux lieux n’existe pas (ou a déjà été fusionné).');
		if (now.get(survivor.id) !== survivor.updatedAt?.getTime() || now.get(other.id) !== other.updatedAt?.getTime())
			throw new PlaceManagementError(
				'conflict',
				'L’un des deux lieux vient d’être modifié\u00a0: rechargez la page, vérifiez les valeurs, puis fusionnez de nouveau.'
			);
		// what referred to the other place now refers to the survivor (within the caller's territory only)
		await tx.execute(sql`select maillage_move_place_references(${other.id}, ${survivor.id})`);
		// the place's own record (what its managers wrote, MANAGER_SOURCE) is one per place, keyed by its id:
		// the survivor keeps its own, or takes the other's under its id
		const [own] = await tx
			.select({ id: placeSources.id })
			.from(placeSources)
			.where(and(eq(placeSources.placeId, survivor.id), eq(placeSources.source, MANAGER_SOURCE)));
		if (own) await tx.delete(placeSources).where(and(eq(placeSources.placeId, other.id), eq(placeSources.source, MANAGER_SOURCE)));
		else
			await tx
				.update(placeSources)
				.set({ sourceId: survivor.id })
				.where(and(eq(placeSources.placeId, other.id), eq(placeSources.source, MANAGER_SOURCE)));
		const moved = await tx.update(placeSources).set({ placeId: survivor.id }).where(eq(placeSources.placeId, other.id)).returning({ id: placeSources.id });
		await tx.delete(places).where(eq(places.id, other.id));
		await tx
			.update(places)
			.set({
				...(set as Partial<Row>),
				mergedIds,
				overrides,
				// the other place's closure does not carry over: the survivor's stays
				dateMaj: opts.today ?? parisDay(),
				nameKey: normalizeKey(next.nom),
				openWeek: weeklyOpenRanges(next.horaires),
				pos: next.latitude != null && next.longitude != null ? earthPoint(next.latitude, next.longitude, survivor.id) : null,
				updatedAt: new Date()
			})
			.where(eq(places.id, survivor.id));
		await journal(tx, {
			actor: { kind: 'user', id: actor.userId },
			action: 'place.merged',
			targetType: 'place',
			targetId: survivor.id,
			departmentCode: survivor.departmentCode,
			ip: opts.ip,
			details: { mergedId: other.id, mergedName: other.nom, choices: chosen, sourcesMoved: moved.length }
		});
		return { survivorId: survivor.id, movedSources: moved.length };
	});
}

/** Places of the same commune that may be the same as this one: same address, or a similar name. */
export async function mergeCandidates(database: Database, actor: Actor, placeId: string) {
	const [p] = await database.db.select().from(places).where(eq(places.id, placeId));
	if (!p || !canCuratePlace(actor, p.departmentCode)) return [];
	const rows = await database.db
		.select({ id: places.id, nom: places.nom, adresse: places.adresse, commune: places.commune })
		.from(places)
		.where(
			sql`${places.id} <> ${p.id} and ${places.departmentCode} = ${p.departmentCode} and (${places.codeInsee} = ${p.codeInsee} or ${places.commune} = ${p.commune})`
		);
	const key = addressKey(p.adresse);
	return rows
		.map((r) => ({
			...r,
			sameAddress: !!key && addressKey(r.adresse) === key,
			score: nameSimilarity(normalizeKey(p.nom), normalizeKey(r.nom), normalizeKey(p.commune))
		}))
		.filter((r) => r.sameAddress || r.score >= 0.5)
		.sort((a, b) => Number(b.sameAddress) - Number(a.sameAddress) || b.score - a.score)
		.slice(0, 20);
}
