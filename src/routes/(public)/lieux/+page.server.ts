import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import {
	NEARBY_METRES,
	searchPlaces,
	coverage,
	anyPassPlace,
	filtersFromSearchParams,
	filtersToSearchParams,
	hasActiveFilters,
	VOCABULARIES
} from '#lib/server/places/index.ts';
import { suggestMunicipalities } from '#lib/server/territory/index.ts';
import { loadInstance } from '#lib/components/instance.server.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';

export const csr = false;

const PAGE_SIZE = 20;
const DEFAULT_TILES = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
const DEFAULT_ATTRIBUTION = '© <a href="https://www.openstreetmap.org/copyright">les contributeurs d’OpenStreetMap</a>';

/** The page number asked for (1 when absent or not a number). */
function pageNumber(v: string | null): number {
	const n = Number(v);
	return Number.isInteger(n) && n >= 1 && n <= 1000 ? n : 1;
}

export const load: PageServerLoad = async ({ url }) => {
	const sp = url.searchParams;
	const filters = filtersFromSearchParams(sp);
	const ou = (sp.get('ou') ?? '').trim().slice(0, 200);
	const pageNo = pageNumber(sp.get('page'));
	const view: 'liste' | 'carte' = sp.get('vue') === 'carte' ? 'carte' : 'liste';
	const instance = await loadInstance();
	const database = await getDatabase();

	// numbered pages: around a point, only the places within NEARBY_METRES, so that the
	// count ("70 lieux à moins de 30 km") and the pages agree; without a point, all the
	// places of the instance's départements by name
	const result = await searchPlaces(database, {
		where: ou || undefined,
		filters,
		offset: (pageNo - 1) * PAGE_SIZE,
		limit: PAGE_SIZE,
		maxMetres: NEARBY_METRES,
		withStatus: true,
		homeDepartments: instance.departmentCodes
	});
	const point = result.where?.status === 'found' ? result.where.point : null;
	const area = await coverage(database, instance.departmentCodes, point);
	// no result with the Pass filter: is it that no place of the instance accepts the Pass yet?
	const noPassPlace = filters.pass && !result.items.length && pageNo === 1 ? !(await anyPassPlace(database, instance.departmentCodes)) : false;
	const pageCount = result.total != null ? Math.max(1, Math.ceil(result.total / PAGE_SIZE)) : pageNo;
	const lastPage = result.hasMore ? Math.max(pageCount, pageNo + 1) : pageNo;

	/** the search's own parameters, without the cursor nor the view */
	const base = (extra: Record<string, string | undefined> = {}) => filtersToSearchParams(filters, { ou: ou || undefined, ...extra }).toString();
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

	const pageHref = (n: number) => href(base({ page: n > 1 ? String(n) : undefined, vue }));
	const listQuery = base({ page: pageNo > 1 ? String(pageNo) : undefined });
	return {
		ou,
		view,
		filters,
		activeFilters: hasActiveFilters(filters),
		isFirstPage: pageNo === 1,
		page: pageNo,
		pages: Array.from({ length: Math.min(Math.max(pageCount, lastPage), 50) }, (_, i) => ({ number: i + 1, href: pageHref(i + 1) })),
		area,
		noPassPlace,
		searchedInsee: point?.inseeCode ?? null,
		result: {
			where: result.where,
			total: result.total,
			totalCapped: result.totalCapped,
			radiusMeters: result.radiusMeters,
			hasMore: result.hasMore,
			items: result.items.map(({ place, distanceMeters, status, acceptsPass }) => ({
				id: place.id,
				nom: place.nom,
				adresse: place.adresse,
				complementAdresse: place.complementAdresse,
				codePostal: place.codePostal,
				commune: place.commune,
				codeInsee: place.codeInsee,
				latitude: place.latitude,
				longitude: place.longitude,
				locationPrecision: place.locationPrecision,
				services: place.services,
				itinerant: place.itinerance.includes('Itinérant'),
				gratuit: place.fraisACharge.includes('Gratuit'),
				distanceMeters,
				status,
				acceptsPass
			}))
		},
		candidates,
		suggestions,
		links: {
			self: href(base({ page: pageNo > 1 ? String(pageNo) : undefined, vue })),
			next: result.hasMore ? pageHref(pageNo + 1) : null,
			previous: pageNo > 1 ? pageHref(pageNo - 1) : null,
			first: pageNo > 1 ? pageHref(1) : null,
			map: href(base({ page: pageNo > 1 ? String(pageNo) : undefined, vue: 'carte' })),
			list: href(listQuery),
			clearFilters: href(ou ? new URLSearchParams({ ou, ...(vue ? { vue } : {}) }).toString() : vue ? 'vue=carte' : ''),
			/** what a place's page needs to link back to these results */
			retour: base({ page: pageNo > 1 ? String(pageNo) : undefined, vue }),
			withoutOpenNow: filters.ouvertMaintenant
				? href(filtersToSearchParams({ ...filters, ouvertMaintenant: false }, { ou: ou || undefined, vue }).toString())
				: null,
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
