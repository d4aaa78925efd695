/**
 * The schemas, parameters, headers and responses of the OpenAPI document (openapi.ts): the
 * national standard's field names and vocabularies, the GeoJSON page, the download file,
 * the HTTP conventions (validators, caching, CORS, links).
 */
import { VOCABULARIES } from './vocabulary.ts';
import { LICENCE_OUVERTE } from './licences.ts';

export const str = (description?: string) => ({ type: 'string', ...(description ? { description } : {}) });
const nullable = (s: Record<string, unknown>) => ({ ...s, type: [s.type as string, 'null'] });
const list = (values?: readonly string[], description?: string) => ({
	type: 'array',
	items: values ? { type: 'string', enum: [...values] } : { type: 'string' },
	...(description ? { description } : {})
});

export const listParam = (name: string, values: readonly string[], description: string) => ({
	name,
	in: 'query',
	required: false,
	description: `${description} Répétable (ou valeurs séparées par « | »)\u00a0: un lieu correspond s’il a au moins une des valeurs.`,
	schema: { type: 'array', items: { type: 'string', enum: [...values] } },
	style: 'form',
	explode: true
});
export const flagParam = (name: string, description: string) => ({
	name,
	in: 'query',
	required: false,
	description,
	schema: { type: 'string', enum: ['1'] }
});

export const place = {
	type: 'object',
	additionalProperties: false,
	required: ['id', 'pivot', 'nom', 'commune', 'code_postal', 'adresse', 'date_maj', 'services', 'position_approximative', 'licence'],
	properties: {
		id: str('Identifiant du lieu'),
		pivot: { type: 'string', pattern: '^([0-9]{14}|W[0-9A-Z]{9})$', description: 'SIRET (14 chiffres) ou RNA (W + 9 caractères)' },
		nom: str(),
		commune: str(),
		code_postal: { type: 'string', pattern: '^\\d{5}$' },
		code_insee: nullable({ type: 'string', pattern: '^([013-9]\\d|2[AB1-9])\\d{3}$' }),
		adresse: str(),
		complement_adresse: nullable(str()),
		latitude: nullable({ type: 'number', minimum: -90, maximum: 90 }),
		longitude: nullable({ type: 'number', minimum: -180, maximum: 180 }),
		typologie: list(undefined, 'Codes de typologie (CCAS, BIB, EPN…)'),
		telephone: nullable({ type: 'string', pattern: '^\\+\\d{8,12}$' }),
		courriels: list(),
		site_web: list(),
		horaires: nullable(str('Horaires au format OpenStreetMap opening_hours')),
		presentation_resume: nullable({ type: 'string', maxLength: 280 }),
		presentation_detail: nullable(str()),
		source: nullable(str()),
		itinerance: list(VOCABULARIES.itinerance),
		structure_parente: nullable(str()),
		date_maj: { type: 'string', format: 'date' },
		services: list(VOCABULARIES.services),
		publics_specifiquement_adresses: list(VOCABULARIES.publics_specifiquement_adresses),
		prise_en_charge_specifique: list(VOCABULARIES.prise_en_charge_specifique),
		frais_a_charge: list(VOCABULARIES.frais_a_charge),
		dispositif_programmes_nationaux: list(VOCABULARIES.dispositif_programmes_nationaux),
		formations_labels: list(VOCABULARIES.formations_labels),
		autres_formations_labels: list(),
		modalites_acces: list(VOCABULARIES.modalites_acces),
		modalites_accompagnement: list(VOCABULARIES.modalites_accompagnement),
		fiche_acces_libre: nullable(str()),
		prise_rdv: nullable(str()),
		position_approximative: { type: 'boolean', description: 'Vrai quand le lieu est placé au centre de sa commune faute d’adresse géolocalisée' },
		licence: {
			type: ['string', 'null'],
			enum: [LICENCE_OUVERTE.id, null],
			description: `Licence du lieu\u00a0: « ${LICENCE_OUVERTE.id} » (${LICENCE_OUVERTE.name}) quand une de ses sources au moins est sous cette licence ou qu’il a été saisi sur ce site\u00a0; null quand il n’est connu que par des sources publiées sans licence explicite (il n’est alors pas dans les fichiers téléchargeables).`
		},
		distance_m: { type: 'integer', minimum: 0, description: 'Distance au point de recherche, en mètres' }
	}
};

export const placeWithSources = {
	...place,
	required: [...place.required, 'sources'],
	properties: {
		...place.properties,
		sources: {
			type: 'array',
			items: {
				type: 'object',
				required: ['source', 'identifiant', 'vu_le', 'licence'],
				properties: {
					source: str(),
					identifiant: str(),
					vu_le: { type: 'string', format: 'date-time' },
					licence: { type: ['string', 'null'], description: 'Licence du fichier d’où vient cet enregistrement (null\u00a0: pas de licence explicite)' }
				}
			}
		},
		fermeture: {
			description: 'Le lieu est fermé pour un temps (jusqu’à une date) ou définitivement\u00a0; null s’il est ouvert.',
			oneOf: [
				{ type: 'null' },
				{
					type: 'object',
					required: ['type', 'jusqu_au', 'raison'],
					properties: {
						type: { type: 'string', enum: ['temporaire', 'definitive'] },
						jusqu_au: { type: ['string', 'null'], format: 'date' },
						raison: { type: ['string', 'null'] }
					}
				}
			]
		}
	}
};

export const point = {
	type: 'object',
	required: ['label', 'latitude', 'longitude', 'kind'],
	properties: {
		label: str(),
		latitude: { type: 'number' },
		longitude: { type: 'number' },
		kind: { type: 'string', enum: ['municipality', 'postcode', 'address'] },
		inseeCode: str()
	}
};

export const error = {
	type: 'object',
	required: ['error'],
	properties: {
		error: {
			type: 'object',
			required: ['status', 'code', 'message'],
			properties: {
				status: { type: 'integer' },
				code: str(),
				message: str('Message en français'),
				fields: { type: 'object', additionalProperties: { type: 'string' }, description: 'Message de chaque champ refusé' },
				details: {}
			}
		}
	}
};

const pagination = {
	type: 'object',
	required: ['suivant', 'apres'],
	properties: {
		suivant: { type: ['string', 'null'], description: 'Adresse de la page suivante (null sur la dernière)\u00a0; aussi dans l’en-tête Link (rel="next")' },
		apres: { type: ['string', 'null'], description: 'Curseur de la page suivante (paramètre apres)' }
	}
};

/** What the JSON and the GeoJSON pages share: where, how many, the next page. */
const pageHead = {
	ou: { oneOf: [{ type: 'null' }, { type: 'object', required: ['status', 'point'], properties: { status: { const: 'found' }, point } }] },
	total: {
		type: ['integer', 'null'],
		description:
			'Nombre de lieux correspondants, à moins de rayon_m mètres du point quand il y en a un (première page seulement)\u00a0; compté jusqu’à 200 autour d’un point (voir total_plafonne)'
	},
	total_plafonne: { type: 'boolean', description: 'Vrai quand le compte autour du point s’est arrêté à total\u00a0: il y a davantage de lieux' },
	rayon_m: { type: ['integer', 'null'], description: 'Rayon compté par total, en mètres' },
	pagination
};

export const page = {
	type: 'object',
	required: ['data', 'pagination', 'total', 'total_plafonne', 'rayon_m', 'ou'],
	properties: { ...pageHead, data: { type: 'array', items: { $ref: '#/components/schemas/Place' } } }
};

export const geoJsonPage = {
	type: 'object',
	description:
		'FeatureCollection GeoJSON (RFC 7946)\u00a0: un objet Feature par lieu, ses propriétés étant le lieu tel que le donne la liste JSON (tous ses champs)\u00a0; un lieu sans position a une géométrie null. Mêmes pages que la liste JSON\u00a0: total, pagination et links (rel "next") sont des membres étrangers que les lecteurs GeoJSON ignorent.',
	required: ['type', 'features', 'links', 'pagination', 'total'],
	properties: {
		type: { const: 'FeatureCollection' },
		...pageHead,
		links: {
			type: 'array',
			items: {
				type: 'object',
				required: ['href', 'rel', 'type'],
				properties: { href: str(), rel: { type: 'string', enum: ['self', 'next'] }, type: { const: 'application/geo+json' } }
			}
		},
		features: {
			type: 'array',
			items: {
				type: 'object',
				required: ['type', 'id', 'geometry', 'properties'],
				properties: {
					type: { const: 'Feature' },
					id: str(),
					geometry: {
						oneOf: [
							{ type: 'null' },
							{
								type: 'object',
								required: ['type', 'coordinates'],
								properties: {
									type: { const: 'Point' },
									coordinates: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'number' }, description: '[longitude, latitude] (WGS 84)' }
								}
							}
						]
					},
					properties: { $ref: '#/components/schemas/Place' }
				}
			}
		}
	}
};

export const downloadJson = {
	type: 'object',
	required: ['titre', 'licence', 'date_maj', 'lieux_non_inclus', 'data', 'total'],
	properties: {
		titre: str(),
		licence: {
			type: 'object',
			required: ['id', 'nom', 'url'],
			properties: { id: { const: LICENCE_OUVERTE.id }, nom: { const: LICENCE_OUVERTE.name }, url: { const: LICENCE_OUVERTE.url } }
		},
		date_maj: { type: 'string', format: 'date', description: 'Jour de la dernière modification des données (heure de Paris)' },
		lieux_non_inclus: {
			type: 'object',
			required: ['nombre', 'raison'],
			properties: { nombre: { type: 'integer', minimum: 0 }, raison: str() },
			description: 'Lieux publiés sur le site mais pas dans ce fichier\u00a0: connus seulement par des sources sans licence explicite'
		},
		data: { type: 'array', items: { $ref: '#/components/schemas/Place' } },
		total: { type: 'integer', minimum: 0, description: 'Nombre de lieux du fichier' }
	}
};

/** Response headers, by name in components.headers. */
export const headers = {
	ETag: { description: 'Validateur faible de la réponse, à renvoyer dans If-None-Match', schema: { type: 'string' } },
	'Last-Modified': {
		description:
			'Date de la dernière modification des données, à renvoyer dans If-Modified-Since (absente pour les filtres « ouvert » et « pass », qui dépendent de l’heure ou des qualifications Pass)',
		schema: { type: 'string' }
	},
	'Cache-Control': { description: 'Durée pendant laquelle la réponse peut être réutilisée sans revalidation', schema: { type: 'string' } },
	'Access-Control-Allow-Origin': {
		description: 'Toujours « * »\u00a0: l’API est lisible depuis toute page web, erreurs comprises, sans identifiants',
		schema: { const: '*' }
	},
	'Link-Next': { description: 'Page suivante\u00a0: <…>; rel="next" (absent sur la dernière page)', schema: { type: 'string' } },
	'Link-Schema': { description: 'Schéma (Table Schema) du standard national v1.0.2\u00a0: <…>; rel="describedby"', schema: { type: 'string' } },
	'Content-Disposition': {
		description: 'Nom du fichier\u00a0: AAAAMMJJ-lieux-mediation-numerique-<territoire>.<extension> (jour de la dernière modification)',
		schema: { type: 'string' }
	}
};

export const header = (name: keyof typeof headers) => ({ $ref: `#/components/headers/${name}` });

/** The headers of every cacheable answer; `link` adds Link under its own name. */
export function cacheHeaders(...extra: ('Link-Next' | 'Link-Schema' | 'Content-Disposition')[]): Record<string, unknown> {
	const out: Record<string, unknown> = {
		ETag: header('ETag'),
		'Last-Modified': header('Last-Modified'),
		'Cache-Control': header('Cache-Control'),
		'Access-Control-Allow-Origin': header('Access-Control-Allow-Origin')
	};
	for (const e of extra) out[e.startsWith('Link') ? 'Link' : e] = header(e);
	return out;
}

/** The request headers of a conditional GET. */
export const conditionalParameters = [{ $ref: '#/components/parameters/If-None-Match' }, { $ref: '#/components/parameters/If-Modified-Since' }];

export const parameters = {
	'If-None-Match': {
		name: 'If-None-Match',
		in: 'header',
		required: false,
		description: 'ETag(s) d’une réponse déjà reçue (forme faible ou forte, liste, ou « * »)\u00a0: 304 si elle est toujours à jour',
		schema: { type: 'string' }
	},
	'If-Modified-Since': {
		name: 'If-Modified-Since',
		in: 'header',
		required: false,
		description: 'Last-Modified d’une réponse déjà reçue\u00a0: 304 si rien n’a changé depuis (ignoré en présence de If-None-Match)',
		schema: { type: 'string' }
	}
};

export const notModified = {
	description: 'Non modifié\u00a0: la copie du client est à jour (aucun corps\u00a0; mêmes validateurs et Cache-Control que la réponse 200)',
	headers: cacheHeaders()
};

export const errorResponse = (description: string) => ({
	description,
	headers: { 'Access-Control-Allow-Origin': header('Access-Control-Allow-Origin') },
	content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } }
});
