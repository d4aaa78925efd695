/**
 * The data·inclusion downloads in the OpenAPI document (registered by ../openapi.ts). The
 * records follow data·inclusion's own JSON schemas, linked rather than copied.
 */
import { DATA_INCLUSION_SCHEMA } from './mapping.ts';
import { schemaUrl } from './stream.ts';
import { cacheHeaders, conditionalParameters } from '../openapi-schemas.ts';

const departement = {
	name: 'departement',
	in: 'query',
	description: 'Code de département (répétable)\u00a0: seulement les lieux de ces départements',
	schema: { type: 'array', items: { type: 'string', pattern: '^(\\d{2}|2[AB]|97\\d)$' } },
	style: 'form',
	explode: true
};

const record = (part: 'structure' | 'service', required: string[]) => ({
	type: 'object',
	required,
	description: `Une ${part === 'structure' ? 'structure' : 'offre de service'} au format data·inclusion v${DATA_INCLUSION_SCHEMA.version}\u00a0: voir son schéma JSON, ${schemaUrl(part)}`,
	externalDocs: { url: schemaUrl(part) }
});

const structure = record('structure', ['source', 'id', 'nom', 'date_maj']);
const service = record('service', ['source', 'structure_id', 'id', 'nom', 'description', 'date_maj']);

const download = (operationId: string, summary: string, description: string, schema: Record<string, unknown>) => ({
	get: {
		operationId,
		summary,
		description,
		security: [],
		parameters: [departement, ...conditionalParameters],
		responses: {
			'200': {
				description: 'Fichier JSON (UTF-8), envoyé au fil de la lecture',
				headers: cacheHeaders(...(operationId === 'exportDataInclusion' ? (['Content-Disposition'] as const) : [])),
				content: { 'application/json': { schema } }
			},
			'304': { $ref: '#/components/responses/NotModified' },
			'400': { description: 'Paramètre invalide', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }
		}
	}
});

const ABOUT =
	'Chaque lieu est une structure (identifiant « <producteur>--<identifiant du lieu> », lien_source vers sa page)\u00a0; ' +
	'chaque service de médiation numérique du lieu est une offre de service avec ses thématiques numerique--…, ses frais, ses publics, ses modes d’accueil et de mobilisation. ' +
	'Ce que le schéma data·inclusion ne peut pas dire est précisé avec les libellés du schéma national dans frais_precisions, publics_precisions et mobilisation_precisions. ' +
	'Licence Ouverte 2.0.';

export function dataInclusionPaths(): Record<string, unknown> {
	return {
		'/api/v1/data-inclusion': download(
			'exportDataInclusion',
			'Tous les lieux au format data·inclusion, structures et services dans un seul fichier',
			`${ABOUT} Ce fichier, {"structures": [...], "services": [...]}, s’importe tel quel dans une autre instance.`,
			{
				type: 'object',
				required: ['structures', 'services'],
				properties: { structures: { type: 'array', items: structure }, services: { type: 'array', items: service } }
			}
		),
		'/api/v1/data-inclusion/structures': download('exportDataInclusionStructures', 'Les lieux comme structures data·inclusion', ABOUT, {
			type: 'array',
			items: structure
		}),
		'/api/v1/data-inclusion/services': download(
			'exportDataInclusionServices',
			'Les services de médiation numérique des lieux comme offres de service data·inclusion',
			ABOUT,
			{ type: 'array', items: service }
		)
	};
}
