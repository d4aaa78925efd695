/**
 * The national map's feed in the OpenAPI document (openapi.ts spreads these in): the
 * records as the component reads them, and the summary of what is left out.
 */
import { EXCLUSION_REASONS } from './national-map.ts';
import { conditionalParameters, header } from './openapi-schemas.ts';
import { V0_CONDITIONS_ACCES, V0_LABELS_NATIONAUX, V0_MODALITES_ACCOMPAGNEMENT, V0_PUBLICS_ACCUEILLIS, V0_SERVICES, V0_TYPOLOGIES } from './vocabulary-v0.ts';

/** a list joined with « ; », each value from the vocabulary */
const joined = (values: readonly string[], description: string) => ({
	type: 'string',
	description: `${description} Valeurs séparées par « ; », parmi\u00a0: ${values.map((v) => `« ${v} »`).join(', ')}.`
});
const str = (description?: string) => ({ type: 'string', ...(description ? { description } : {}) });

const record = {
	type: 'object',
	additionalProperties: false,
	required: ['id', 'pivot', 'nom', 'commune', 'code_postal', 'adresse', 'latitude', 'longitude', 'date_maj', 'services'],
	properties: {
		id: str('Identifiant du lieu (le même que dans /api/v1/places)'),
		pivot: { type: 'string', description: 'SIRET (14 chiffres) ou RNA', pattern: '^([0-9]{14}|W[a-zA-Z0-9]{9})$' },
		nom: { type: 'string', minLength: 1 },
		commune: str(),
		code_postal: { type: 'string', pattern: '^\\d{5}$' },
		code_insee: str(),
		adresse: { type: 'string', minLength: 1 },
		complement_adresse: str(),
		latitude: { type: 'number', minimum: -90, maximum: 90 },
		longitude: { type: 'number', minimum: -180, maximum: 180 },
		typologie: joined(V0_TYPOLOGIES, 'Typologies.'),
		telephone: str('Un numéro (+33…)'),
		courriel: str('Une adresse (la carte n’en prend qu’une)'),
		site_web: str('Adresses web séparées par « ; »'),
		horaires: str('Horaires au format OpenStreetMap opening_hours'),
		presentation_resume: str(),
		presentation_detail: str(),
		source: str(),
		structure_parente: str(),
		date_maj: { type: 'string', format: 'date' },
		services: joined(V0_SERVICES, 'Services (vocabulaire v0), au moins un.'),
		publics_accueillis: joined(V0_PUBLICS_ACCUEILLIS, 'Publics (de publics_specifiquement_adresses et prise_en_charge_specifique).'),
		conditions_acces: joined(V0_CONDITIONS_ACCES, 'Conditions d’accès (de frais_a_charge, et le Pass Numérique accepté).'),
		labels_nationaux: joined(V0_LABELS_NATIONAUX, 'Labels nationaux (des dispositifs et labels v1).'),
		labels_autres: str('Autres dispositifs et labels, séparés par « ; »'),
		modalites_accompagnement: joined(V0_MODALITES_ACCOMPAGNEMENT, 'Modalités d’accompagnement.'),
		accessibilite: str('Fiche Acceslibre (fiche_acces_libre)'),
		prise_rdv: str('Adresse de prise de rendez-vous')
	}
};

const summary = {
	type: 'object',
	required: ['composant', 'lieux_publies', 'lieux_inclus', 'lieux_exclus', 'motifs', 'exclus', 'valeurs_omises'],
	properties: {
		composant: str('Le composant pour lequel le flux est fait (paquet npm et version)'),
		lieux_publies: { type: 'integer', minimum: 0, description: 'Lieux de l’export (les mêmes que le CSV)' },
		lieux_inclus: { type: 'integer', minimum: 0, description: 'Lieux du flux' },
		lieux_exclus: { type: 'integer', minimum: 0, description: 'Lieux laissés de côté\u00a0: lieux_publies = lieux_inclus + lieux_exclus' },
		motifs: {
			type: 'array',
			items: {
				type: 'object',
				required: ['code', 'motif', 'lieux'],
				properties: { code: { type: 'string', enum: Object.keys(EXCLUSION_REASONS) }, motif: str(), lieux: { type: 'integer', minimum: 1 } }
			}
		},
		exclus: {
			type: 'array',
			items: {
				type: 'object',
				required: ['id', 'nom', 'motifs'],
				properties: { id: str(), nom: str(), motifs: { type: 'array', items: str() } }
			}
		},
		valeurs_omises: {
			type: 'array',
			description: 'Valeurs que la carte ne connaît pas, retirées des fiches du flux (le lieu y reste)',
			items: {
				type: 'object',
				required: ['champ', 'valeur', 'lieux'],
				properties: { champ: str(), valeur: { type: ['string', 'null'] }, lieux: { type: 'integer', minimum: 1 } }
			}
		}
	}
};

const departement = {
	name: 'departement',
	in: 'query',
	description: 'Code de département (répétable)',
	schema: { type: 'array', items: { type: 'string', pattern: '^(\\d{2}|2[AB]|97\\d)$' } },
	style: 'form',
	explode: true
};
const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
/** validators (an ETag only: the records say which places accept the Pass, whose qualifications have no date), caching, CORS */
const caching = {
	ETag: header('ETag'),
	'Last-Modified': {
		description: 'Absent : le flux dépend aussi des qualifications Pass Numérique, qui n’ont pas de date (ETag seul)',
		schema: { type: 'string' }
	},
	'Cache-Control': header('Cache-Control'),
	'Access-Control-Allow-Origin': header('Access-Control-Allow-Origin')
};
const counts = {
	...caching,
	'X-Lieux-Inclus': { description: 'Nombre de lieux du flux', schema: { type: 'integer' } },
	'X-Lieux-Exclus': { description: 'Nombre de lieux que la carte ne peut pas montrer, laissés de côté', schema: { type: 'integer' } }
};

export const NATIONAL_MAP_SCHEMAS = { NationalMapRecord: record, NationalMapSummary: summary };

export const NATIONAL_MAP_PATHS = {
	'/api/v1/cartographie-nationale.json': {
		get: {
			operationId: 'nationalMapFeed',
			summary: 'Les lieux pour le composant de la Cartographie nationale (attribut « source »)',
			description:
				'Tableau JSON de tous les lieux que le composant web de la Cartographie nationale des lieux d’inclusion numérique (npm @gouvfr-anct/cartographie-nationale 5.22.0) peut afficher, dans le format qu’il lit (schéma v0\u00a0: champs à plat, listes séparées par « ; », vocabulaires v0). Une seule fiche refusée vide toute sa carte\u00a0: les lieux qu’il ne peut pas montrer (sans service, sans coordonnées…) sont laissés de côté, comptés dans l’en-tête X-Lieux-Exclus et détaillés par /api/v1/cartographie-nationale/exclus.json.',
			security: [],
			parameters: [departement, ...conditionalParameters],
			responses: {
				'200': {
					description: 'Les lieux (flux continu)',
					headers: counts,
					content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/NationalMapRecord' } } } }
				},
				'304': { $ref: '#/components/responses/NotModified' },
				'400': error('Paramètre invalide')
			}
		}
	},
	'/api/v1/cartographie-nationale/exclus.json': {
		get: {
			operationId: 'nationalMapSummary',
			summary: 'Les lieux que le flux de la Cartographie nationale laisse de côté, et pourquoi',
			security: [],
			parameters: [departement, ...conditionalParameters],
			responses: {
				'200': {
					description: 'Le bilan',
					headers: caching,
					content: { 'application/json': { schema: { $ref: '#/components/schemas/NationalMapSummary' } } }
				},
				'304': { $ref: '#/components/responses/NotModified' },
				'400': error('Paramètre invalide')
			}
		}
	}
};
