/**
 * The OpenAPI 3.1 document of the public places API. Schemas use the national standard's
 * field names and vocabularies (openapi-schemas.ts); the contract tests validate real
 * responses against it.
 */
import { VOCABULARIES } from './vocabulary.ts';
import { dataInclusionPaths } from './data-inclusion/openapi.ts';
import { LICENCE_OUVERTE, UNLICENSED_SOURCES } from './licences.ts';
import { DOWNLOAD_PATHS, STANDARD_SCHEMA_NAME, STANDARD_SCHEMA_URL } from './downloads.ts';
import {
	cacheHeaders,
	conditionalParameters,
	downloadJson,
	error,
	errorResponse,
	flagParam,
	geoJsonPage,
	headers,
	listParam,
	notModified,
	page,
	parameters,
	place,
	placeWithSources,
	str
} from './openapi-schemas.ts';
import { NATIONAL_MAP_PATHS, NATIONAL_MAP_SCHEMAS } from './national-map-openapi.ts';

const DESCRIPTION = [
	'Lieux de médiation numérique du territoire, au format du schéma national v1.0.2 (mêmes noms de champs\u00a0; les listes sont des tableaux JSON). Données publiques, sans authentification.',
	'',
	`**Licence.** Chaque lieu dit sa licence (champ licence)\u00a0: Licence Ouverte 2.0 quand une de ses sources au moins est sous cette licence ou qu’il a été saisi sur ce site. Un lieu connu seulement par des sources publiées sans licence explicite (${UNLICENSED_SOURCES}) a une licence null\u00a0: il est consultable ici mais n’est pas republié dans les fichiers (places.csv, téléchargements), dont chaque ligne est sous Licence Ouverte 2.0. Leur nombre est donné sur la page /donnees et dans le fichier JSON (lieux_non_inclus).`,
	'',
	'**HTTP.** Toutes les réponses, erreurs comprises, portent Access-Control-Allow-Origin: * (aucun identifiant n’est accepté ni nécessaire)\u00a0; une requête OPTIONS de prévol reçoit 204 (méthodes GET, HEAD, OPTIONS\u00a0; en-têtes If-None-Match, If-Modified-Since, Accept, Content-Type…). HEAD répond comme GET, sans corps. Les réponses portent ETag et Last-Modified\u00a0: renvoyés dans If-None-Match ou If-Modified-Since, ils donnent 304 Not Modified tant que rien n’a changé.'
].join('\n');

const FILE_DESCRIPTION = `Fichier de lieux au standard national v1.0.2, publiable sur data.gouv.fr (schéma « ${STANDARD_SCHEMA_NAME} »)\u00a0: seulement les lieux sous ${LICENCE_OUVERTE.name}.`;

/** The operation fields every public GET shares. */
const publicGet = { security: [] as never[] };

export function openApiDocument(serverUrl = '/'): Record<string, unknown> {
	return {
		openapi: '3.1.0',
		info: {
			title: 'maillage — lieux de médiation numérique',
			version: '1.1.0',
			description: DESCRIPTION,
			license: { name: LICENCE_OUVERTE.name, url: LICENCE_OUVERTE.url }
		},
		servers: [{ url: serverUrl }],
		security: [],
		paths: {
			'/api/v1/places': {
				get: {
					...publicGet,
					operationId: 'searchPlaces',
					summary: 'Rechercher des lieux (les plus proches d’abord quand un point est donné), en JSON ou en GeoJSON, page par page',
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
						{
							name: 'limit',
							in: 'query',
							description:
								'Lieux par page, en JSON comme en GeoJSON\u00a0; les suivants sont à l’adresse pagination.suivant (et dans l’en-tête Link rel="next")',
							schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 }
						},
						{ name: 'apres', in: 'query', description: 'Curseur de la page suivante (pagination.apres de la réponse précédente)', schema: { type: 'string' } },
						{
							name: 'format',
							in: 'query',
							description: 'json (défaut) ou geojson (application/geo+json, mêmes lieux, mêmes pages)',
							schema: { type: 'string', enum: ['json', 'geojson'], default: 'json' }
						},
						...conditionalParameters
					],
					responses: {
						'200': {
							description: 'Une page de résultats',
							headers: cacheHeaders('Link-Next'),
							content: {
								'application/json': { schema: { $ref: '#/components/schemas/Page' } },
								'application/geo+json': { schema: { $ref: '#/components/schemas/GeoJsonPage' } }
							}
						},
						'304': { $ref: '#/components/responses/NotModified' },
						'400': errorResponse('Paramètre invalide, lieu de recherche inconnu ou ambigu')
					}
				}
			},
			'/api/v1/places/{id}': {
				get: {
					...publicGet,
					operationId: 'getPlace',
					summary: 'Un lieu, avec ses sources et sa licence',
					parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }, ...conditionalParameters],
					responses: {
						'200': {
							description: 'Le lieu',
							headers: cacheHeaders(),
							content: { 'application/json': { schema: { $ref: '#/components/schemas/PlaceWithSources' } } }
						},
						'304': { $ref: '#/components/responses/NotModified' },
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
					...publicGet,
					operationId: 'exportPlaces',
					summary: 'Les lieux sous Licence Ouverte au format CSV du schéma national v1.0.2',
					description: `${FILE_DESCRIPTION} Filtrable par département.`,
					parameters: [
						{ name: 'departement', in: 'query', schema: { type: 'array', items: { type: 'string' } }, style: 'form', explode: true },
						...conditionalParameters
					],
					responses: {
						'200': csvResponse(),
						'304': { $ref: '#/components/responses/NotModified' },
						'400': errorResponse('Paramètre invalide')
					}
				}
			},
			[DOWNLOAD_PATHS.csv]: {
				get: {
					...publicGet,
					operationId: 'downloadPlacesCsv',
					summary: 'Téléchargement complet\u00a0: tous les lieux du territoire, CSV du standard national',
					description: `${FILE_DESCRIPTION} Un seul fichier, à adresse stable, nommé d’après le jour de la dernière modification des données.`,
					parameters: conditionalParameters,
					responses: { '200': csvResponse(), '304': { $ref: '#/components/responses/NotModified' } }
				}
			},
			[DOWNLOAD_PATHS.json]: {
				get: {
					...publicGet,
					operationId: 'downloadPlacesJson',
					summary: 'Téléchargement complet\u00a0: tous les lieux du territoire, en JSON (comme l’API les donne)',
					description: `Même contenu que le CSV complet, en JSON\u00a0: les lieux sous ${LICENCE_OUVERTE.name}, la licence, le nombre de lieux non inclus et le total.`,
					parameters: conditionalParameters,
					responses: {
						'200': {
							description: 'Fichier JSON (UTF-8)',
							headers: cacheHeaders('Content-Disposition'),
							content: { 'application/json': { schema: { $ref: '#/components/schemas/Download' } } }
						},
						'304': { $ref: '#/components/responses/NotModified' }
					}
				}
			},
			...dataInclusionPaths(),
			...NATIONAL_MAP_PATHS
		},
		components: {
			schemas: {
				Place: place,
				PlaceWithSources: placeWithSources,
				Page: page,
				GeoJsonPage: geoJsonPage,
				Download: downloadJson,
				Error: error,
				...NATIONAL_MAP_SCHEMAS
			},
			parameters,
			headers,
			responses: { NotModified: notModified }
		}
	};
}

function csvResponse() {
	return {
		description: `Fichier CSV (UTF-8, virgule, listes séparées par « | »), décrit par le Table Schema du standard (${STANDARD_SCHEMA_URL})`,
		headers: cacheHeaders('Link-Schema', 'Content-Disposition'),
		content: { 'text/csv': { schema: { type: 'string' } } }
	};
}
