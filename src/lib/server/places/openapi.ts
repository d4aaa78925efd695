/**
 * The OpenAPI 3.1 document of the public places API. Schemas use the national standard's
 * field names and vocabularies; the contract tests validate real responses against it.
 */
import { VOCABULARIES } from './vocabulary.ts';
import { NATIONAL_MAP_PATHS, NATIONAL_MAP_SCHEMAS } from './national-map-openapi.ts';

const str = (description?: string) => ({ type: 'string', ...(description ? { description } : {}) });
const nullable = (s: Record<string, unknown>) => ({ ...s, type: [s.type as string, 'null'] });
const list = (values?: readonly string[], description?: string) => ({
	type: 'array',
	items: values ? { type: 'string', enum: [...values] } : { type: 'string' },
	...(description ? { description } : {})
});

const listParam = (name: string, values: readonly string[], description: string) => ({
	name,
	in: 'query',
	required: false,
	description: `${description} Répétable (ou valeurs séparées par « | »)\u00a0: un lieu correspond s’il a au moins une des valeurs.`,
	schema: { type: 'array', items: { type: 'string', enum: [...values] } },
	style: 'form',
	explode: true
});
const flagParam = (name: string, description: string) => ({
	name,
	in: 'query',
	required: false,
	description,
	schema: { type: 'string', enum: ['1'] }
});

const place = {
	type: 'object',
	additionalProperties: false,
	required: ['id', 'pivot', 'nom', 'commune', 'code_postal', 'adresse', 'date_maj', 'services', 'position_approximative'],
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
		distance_m: { type: 'integer', minimum: 0, description: 'Distance au point de recherche, en mètres' }
	}
};

const placeWithSources = {
	...place,
	required: [...place.required, 'sources'],
	properties: {
		...place.properties,
		sources: {
			type: 'array',
			items: {
				type: 'object',
				required: ['source', 'identifiant', 'vu_le'],
				properties: { source: str(), identifiant: str(), vu_le: { type: 'string', format: 'date-time' } }
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

const point = {
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

const error = {
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

const errorResponse = (description: string) => ({
	description,
	content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } }
});

export function openApiDocument(serverUrl = '/'): Record<string, unknown> {
	return {
		openapi: '3.1.0',
		info: {
			title: 'maillage — lieux de médiation numérique',
			version: '1.0.0',
			description:
				'Lieux de médiation numérique du territoire, au format du schéma national v1.0.2 (mêmes noms de champs\u00a0; les listes sont des tableaux JSON). Données publiques, sans authentification.',
			license: { name: 'Licence Ouverte 2.0', url: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/' }
		},
		servers: [{ url: serverUrl }],
		paths: {
			'/api/v1/places': {
				get: {
					operationId: 'searchPlaces',
					summary: 'Rechercher des lieux (les plus proches d’abord quand un point est donné)',
					parameters: [
						{ name: 'ou', in: 'query', description: 'Commune, code postal ou adresse', schema: { type: 'string', maxLength: 200 } },
						{ name: 'lat', in: 'query', description: 'Latitude du point de recherche (avec lng)', schema: { type: 'number', minimum: -90, maximum: 90 } },
						{ name: 'lng', in: 'query', description: 'Longitude du point de recherche (avec lat)', schema: { type: 'number', minimum: -180, maximum: 180 } },
						listParam('service', VOCABULARIES.services, 'Services proposés.'),
						listParam('public', VOCABULARIES.publics_specifiquement_adresses, 'Publics spécifiquement adressés.'),
						listParam('prise_en_charge', VOCABULARIES.prise_en_charge_specifique, 'Prise en charge spécifique.'),
						listParam('acces', VOCABULARIES.modalites_acces, 'Modalités d’accès.'),
						listParam('accompagnement', VOCABULARIES.modalites_accompagnement, 'Modalités d’accompagnement.'),
						listParam('programme', VOCABULARIES.dispositif_programmes_nationaux, 'Dispositifs et programmes nationaux.'),
						{
							name: 'departement',
							in: 'query',
							description: 'Code de département (répétable)',
							schema: { type: 'array', items: { type: 'string', pattern: '^(\\d{2}|2[AB]|97\\d)$' } },
							style: 'form',
							explode: true
						},
						flagParam('gratuit', 'Seulement les lieux gratuits'),
						flagParam('ouvert', 'Seulement les lieux ouverts maintenant'),
						flagParam('samedi', 'Seulement les lieux ouverts le samedi'),
						flagParam('itinerant', 'Seulement les lieux itinérants'),
						flagParam('pass', 'Seulement les lieux qui acceptent le Pass Numérique (qualifiés)'),
						{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
						{ name: 'apres', in: 'query', description: 'Curseur de la page suivante (pagination.apres de la réponse précédente)', schema: { type: 'string' } },
						{ name: 'format', in: 'query', schema: { type: 'string', enum: ['json', 'geojson'], default: 'json' } }
					],
					responses: {
						'200': {
							description: 'Une page de résultats',
							content: {
								'application/json': {
									schema: {
										type: 'object',
										required: ['data', 'pagination', 'total', 'total_plafonne', 'rayon_m', 'ou'],
										properties: {
											ou: { oneOf: [{ type: 'null' }, { type: 'object', required: ['status', 'point'], properties: { status: { const: 'found' }, point } }] },
											total: {
												type: ['integer', 'null'],
												description:
													'Nombre de lieux correspondants, à moins de rayon_m mètres du point quand il y en a un (première page seulement)\u00a0; compté jusqu’à 200 autour d’un point (voir total_plafonne)'
											},
											total_plafonne: {
												type: 'boolean',
												description: 'Vrai quand le compte autour du point s’est arrêté à total\u00a0: il y a davantage de lieux'
											},
											rayon_m: { type: ['integer', 'null'], description: 'Rayon compté par total, en mètres' },
											data: { type: 'array', items: { $ref: '#/components/schemas/Place' } },
											pagination: {
												type: 'object',
												required: ['suivant', 'apres'],
												properties: { suivant: { type: ['string', 'null'] }, apres: { type: ['string', 'null'] } }
											}
										}
									}
								}
							}
						},
						'400': errorResponse('Paramètre invalide, lieu de recherche inconnu ou ambigu')
					}
				}
			},
			'/api/v1/places/{id}': {
				get: {
					operationId: 'getPlace',
					summary: 'Un lieu, avec ses sources',
					parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
					responses: {
						'200': {
							description: 'Le lieu',
							content: {
								'application/json': {
									schema: { $ref: '#/components/schemas/PlaceWithSources' }
								}
							}
						},
						'308': {
							description:
								'Lieu fusionné avec un autre\u00a0: l’en-tête Location donne l’adresse du lieu qui reste, et le corps son identifiant (fusionne_dans)',
							headers: { Location: { schema: { type: 'string' } } },
							content: {
								'application/json': {
									schema: {
										type: 'object',
										required: ['error', 'fusionne_dans', 'lien'],
										properties: {
											error: {
												type: 'object',
												required: ['status', 'code', 'message'],
												properties: { status: { type: 'integer', enum: [308] }, code: { type: 'string', enum: ['merged'] }, message: str() }
											},
											fusionne_dans: str(),
											lien: str()
										}
									}
								}
							}
						},
						'404': errorResponse('Lieu inconnu')
					}
				}
			},
			'/api/v1/places.csv': {
				get: {
					operationId: 'exportPlaces',
					summary: 'Tous les lieux au format CSV du schéma national v1.0.2',
					parameters: [{ name: 'departement', in: 'query', schema: { type: 'array', items: { type: 'string' } }, style: 'form', explode: true }],
					responses: {
						'200': { description: 'Fichier CSV (UTF-8, virgule, listes séparées par « | »)', content: { 'text/csv': { schema: { type: 'string' } } } },
						'400': errorResponse('Paramètre invalide')
					}
				}
			},
			...NATIONAL_MAP_PATHS
		},
		components: { schemas: { Place: place, PlaceWithSources: placeWithSources, Error: error, ...NATIONAL_MAP_SCHEMAS } }
	};
}
