import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { searchPlaces, InvalidCursorError, type SearchResult } from '#lib/server/places/service.ts';
import { filtersFromSearchParams, filtersToSearchParams, hasActiveFilters } from '#lib/server/places/filters.ts';
import { VOCABULARIES } from '#lib/server/places/vocabulary.ts';
import { suggestMunicipalities } from '#lib/server/territory/service.ts';
import { loadInstance } from '#lib/components/instance.server.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';

export const csr = false;

const PAGE_SIZE = 20;
const DEFAULT_TILES = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
const DEFAULT_ATTRIBUTION = '© <a href="https://www.openstreetmap.org/copyright">les contributeurs d’OpenStreetMap</a>';

export const load: PageServerLoad = async ({ url }) => {
	const sp = url.searchParams;
	const filters = filtersFromSearchParams(sp);
	const ou = (sp.get('ou') ?? '').trim().slice(0, 200);
	const after = sp.get('apres')?.trim() || undefined;
	const view: 'liste' | 'carte' = sp.get('vue') === 'carte' ? 'carte' : 'liste';
	const instance = await loadInstance();
	const database = await getDatabase();

	let result: SearchResult;
	let cursorExpired = false;
	const search = (cursor: string | undefined) =>
		searchPlaces(database, {
			where: ou || undefined,
			filters,
			after: cursor,
			limit: PAGE_SIZE,
			withStatus: true,
			homeDepartments: instance.departmentCodes
		});
	try {
		result = await search(after);
	} catch (e) {
		if (!(e instanceof InvalidCursorError)) throw e;
		// a broken "Résultats suivants" link: show the first results, and say so
		cursorExpired = true;
		result = await search(undefined);
	}

	/** the search's own parameters, without the cursor nor the view */
	const base = (extra: Record<string, string | undefined> = {}) =>
		filtersToSearchParams(filters, { ou: ou || undefined, ...extra }).toString();
	const href = (qs: string) => (qs ? `/lieux?${qs}` : '/lieux');
	const vue = view === 'carte' ? 'carte' : undefined;
	const candidates =
		result.where?.status === 'ambiguous'
			? result.where.candidates.map((c) => ({
					label: c.label,
					href: href(filtersToSearchParams(filters, { ou: c.label, vue }).toString())
				}))
			: [];

	// "Vouliez-vous dire… ?": communes starting like what was typed (or like its first letters)
	let suggestions: { label: string; href: string }[] = [];
	if (result.where?.status === 'not_found' && ou.length >= 3) {
		const opts = { departmentCodes: instance.departmentCodes };
		let points = await suggestMunicipalities(database, ou, 5, opts).catch(() => []);
		if (!points.length && ou.length > 4) points = await suggestMunicipalities(database, ou.slice(0, 4), 5, opts).catch(() => []);
		suggestions = points.map((c) => ({ label: c.label, href: href(filtersToSearchParams(filters, { ou: c.label, vue }).toString()) }));
	}

	const listQuery = base({ apres: after });
	return {
		ou,
		view,
		filters,
		activeFilters: hasActiveFilters(filters),
		cursorExpired,
		isFirstPage: !after || cursorExpired,
		result: {
			where: result.where,
			total: result.total,
			totalCapped: result.totalCapped,
			radiusMeters: result.radiusMeters,
			nextCursor: result.nextCursor,
			items: result.items.map(({ place, distanceMeters, status }) => ({
				id: place.id,
				nom: place.nom,
				adresse: place.adresse,
				complementAdresse: place.complementAdresse,
				codePostal: place.codePostal,
				commune: place.commune,
				latitude: place.latitude,
				longitude: place.longitude,
				locationPrecision: place.locationPrecision,
				services: place.services,
				itinerant: place.itinerance.includes('Itinérant'),
				gratuit: place.fraisACharge.includes('Gratuit'),
				distanceMeters,
				status
			}))
		},
		candidates,
		suggestions,
		links: {
			self: href(base({ apres: after, vue })),
			next: result.nextCursor ? href(base({ apres: result.nextCursor, vue })) : null,
			first: after ? href(base({ vue })) : null,
			map: href(base({ apres: after, vue: 'carte' })),
			list: href(listQuery),
			clearFilters: href(ou ? new URLSearchParams({ ou, ...(vue ? { vue } : {}) }).toString() : vue ? 'vue=carte' : ''),
			/** what a place's page needs to link back to these results */
			retour: base({ apres: after, vue }),
			api: `/api/v1/places?${filtersToSearchParams(filters, { ou: ou || undefined, format: 'geojson', limit: '200' })}`
		},
		map:
			view === 'carte'
				? {
						tiles: process.env.MAP_TILES_URL?.trim() || DEFAULT_TILES,
						attribution: process.env.MAP_TILES_ATTRIBUTION?.trim() || DEFAULT_ATTRIBUTION
					}
				: null,
		vocabulary: {
			services: [...VOCABULARIES.services],
			publics: [...VOCABULARIES.publics_specifiquement_adresses],
			priseEnCharge: [...VOCABULARIES.prise_en_charge_specifique],
			modalitesAcces: [...VOCABULARIES.modalites_acces],
			modalitesAccompagnement: [...VOCABULARIES.modalites_accompagnement],
			programmes: [...VOCABULARIES.dispositif_programmes_nationaux]
		},
		origin: publicOrigin()
	};
};
