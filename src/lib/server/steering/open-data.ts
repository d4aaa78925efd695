/**
 * The steering figures published as open data (issue 16, item 9), at a stable URL:
 * `/donnees/pilotage/{département}/{table}.csv` — the offer and the fragility by unit (no
 * person in them), for the last finished year by default (`?periode=`, `?niveau=` as on the
 * steering pages), under the Licence Ouverte. The list of tables is itself stable.
 */
import type { Database } from '../db/client.ts';
import { DomainError } from '../errors.ts';
import { departmentNames, getInstanceSettings } from '../territory/index.ts';
import { parisDay } from '../../time.ts';
import { steeringCsv } from './exports.ts';
import { openOfferTables } from './offer.ts';
import { levelLabel } from './model.ts';

/** The tables published, by id (stable: an id is never reused for other figures). */
export const OPEN_TABLES: Record<string, string> = {
	'offre-services': 'Lieux de médiation numérique par service, pour 10 000 habitants',
	'offre-territoires': 'Lieux par territoire\u00a0: pour 10 000 habitants, Pass Numérique, fraîcheur des fiches',
	'offre-services-territoires': 'Services par territoire, pour 10 000 habitants',
	'offre-acces': 'Population à moins de 5, 10 et 15 km d’un lieu (à vol d’oiseau)',
	'offre-zones-blanches': 'Communes sans lieu à moins de 15 km',
	'fragilite-territoires': 'Indice de fragilité numérique et ses cinq indicateurs, par territoire',
	'fragilite-eloignement': 'Population fragile éloignée de tout lieu'
};

export async function openDataTable(
	database: Database,
	departmentCode: string,
	tableId: string,
	params: URLSearchParams,
	today = parisDay()
): Promise<{ fileName: string; body: string; title: string }> {
	if (!Object.hasOwn(OPEN_TABLES, tableId)) throw new DomainError('not_found', 'Ce jeu de données n’existe pas.');
	const asked = new URLSearchParams(params);
	asked.set('departement', departmentCode);
	const { context, blocks } = await openOfferTables(database, asked, today);
	const table = blocks.find((b) => b.table.id === tableId)?.table;
	if (!table) throw new DomainError('not_found', 'Ce jeu de données n’existe pas.');
	const q = context.query;
	return {
		fileName: `${tableId}-${q.departmentCode}-${q.period.key}-${levelLabel(q.level).toLowerCase().replace(/\s+/g, '-')}.csv`,
		body: steeringCsv(table),
		title: table.title
	};
}

/** What /donnees lists: the instance's départements and the tables published for each. */
export async function openDataCatalogue(
	database: Database
): Promise<{ departments: { code: string; name: string }[]; tables: { id: string; title: string }[] }> {
	const codes = (await getInstanceSettings(database)).departmentCodes;
	return { departments: await departmentNames(database.db, codes), tables: Object.entries(OPEN_TABLES).map(([id, title]) => ({ id, title })) };
}
