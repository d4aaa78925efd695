/**
 * Issue 14, item 8: a mediator records once. Their accompaniments go out in La Coop's
 * words (its export's columns and spellings, its API v1 JSON), nothing personal in them;
 * the Coop's export of activities comes in (test/fixtures/coop/activites-coop.csv: its
 * header and spellings, fictitious data; and as the .xlsx the Coop gives) as accompaniments, once: re-importing creates
 * nothing, an accompaniment exported and imported back is recognised, a bad file writes
 * nothing and says why in French. Only for the actor's own structure.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, isNotNull } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { careNetwork, CANARY, type Care } from '../../../../test/security/care-fixture.ts';
import { auditLog } from '../audit/db.ts';
import { CareError } from '../beneficiaries/index.ts';
import { accompaniments } from './db.ts';
import { coopExport } from './coop-export.ts';
import { importCoopActivities, type CoopImportResult } from './coop-import.ts';
import { WORKBOOK_ERRORS } from './coop-xlsx.ts';
import { coopWorkbook } from '../../../../test/fixtures/coop/coop-workbook.ts';

const FIXTURE = new Uint8Array(readFileSync(new URL('../../../../test/fixtures/coop/activites-coop.csv', import.meta.url)));
const TODAY = '2026-11-20';
const PERIOD = { from: '2026-10-01', to: TODAY, today: TODAY };

/** The Coop's export header, as its buildAccompagnementsWorksheet.ts writes it for a mediator's own activities (commit 46aa33b). */
const COOP_HEADER =
	'Date;Enregistré le;Dernière modification le;Type;Participants;Bénéficiaire;Canaux d’accompagnement;Nom du lieu;Adresse;Commune;Code postal;Code Insee;Durée (min);Nom de l’atelier;Matériel numérique utilisé;Thématique(s) d’accompagnement;Tags;Nom de la démarche administrative;Niveau d’autonomie (ou de l’atelier);Bénéficiaire réorienté;Structure de redirection;Commune du bénéficiaire;Code postal du bénéficiaire;Code Insee du bénéficiaire;Genre du bénéficiaire;Tranche d’âge du bénéficiaire;Statut du bénéficiaire;Notes supplémentaires;ID CRA';

/** The attributes of the Coop's API v1 `activite` (apps/web/src/app/api/v1/activites/route.ts). */
const COOP_ATTRIBUTES = [
	'type',
	'mediateur_id',
	'user_id',
	'accompagnements',
	'date',
	'duree',
	'type_lieu',
	'structure_id',
	'lieu_code_postal',
	'lieu_commune',
	'lieu_code_insee',
	'creation',
	'modification',
	'suppression',
	'autonomie',
	'oriente_vers_structure',
	'structure_de_redirection',
	'materiel',
	'thematiques',
	'tags',
	'precisions_demarche',
	'titre_atelier',
	'niveau_atelier',
	'beneficiaires'
].sort();

let c: Care;
let person: string;
beforeAll(async () => {
	c = await careNetwork();
	person = await c.newPerson();
	const base = { organisationId: c.mediatheque, placeId: c.withTeam, departmentCode: '47', location: 'place' };
	await c.db.db.insert(accompaniments).values([
		// the mediator's: an anonymous person with a profile, a person followed, a workshop
		{
			...base,
			mediatorId: c.mediator.userId,
			date: '2026-11-19',
			kind: 'individual',
			durationMinutes: 45,
			location: 'remote',
			themes: ['Réseaux sociaux', 'Aide aux démarches administratives'],
			procedureThemes: ['Social – Santé'],
			equipment: ['Téléphone', 'Ordinateur'],
			autonomy: 'partly',
			redirectedTo: ['Structure d’aide sociale', 'Autre'],
			gender: 'F',
			ageBand: '60-69',
			socialStatus: 'retired',
			communeCode: '47001'
		},
		{ ...base, mediatorId: c.mediator.userId, date: '2026-11-18', kind: 'individual', durationMinutes: 30, themes: ['E-mail'], beneficiaryId: person },
		{
			...base,
			mediatorId: c.mediator.userId,
			date: '2026-11-16',
			kind: 'collective',
			durationMinutes: 120,
			themes: ['Intelligence artificielle'],
			title: 'Café IA',
			level: 'advanced',
			participants: 4,
			breakdown: { gender: { F: 1, M: 2 }, ageBand: { '70plus': 3 } }
		},
		// the place manager's: not the mediator's to report
		{ ...base, mediatorId: c.manager.userId, date: '2026-11-17', kind: 'individual', durationMinutes: 60, themes: ['Bureautique'] }
	]);
}, 120_000);
afterAll(async () => c?.close());

const rowsOf = (csv: string) => parse(csv, { delimiter: ';', bom: true, relax_column_count: false }) as string[][];
const imported = () =>
	c.db.db
		.select()
		.from(accompaniments)
		.where(and(eq(accompaniments.organisationId, c.mediatheque), isNotNull(accompaniments.importKey)));
const report = (r: CoopImportResult) => {
	if (r.fileError !== null) throw new Error(r.fileError);
	return r.report;
};

describe('the export in La Coop’s words', () => {
	it('has the Coop’s columns, in its order, and its spellings', async () => {
		const r = await coopExport(c.db, c.mediator, 'csv', PERIOD, '192.0.2.7');
		expect(r.body.startsWith('\ufeff')).toBe(true);
		expect(r.body.slice(1).split('\r\n')[0]).toBe(COOP_HEADER);
		const [header, ...lines] = rowsOf(r.body);
		const col = (line: string[], name: string) => line[header.indexOf(name)];
		// the mediator's three (the manager's is theirs): one line per person, a workshop of 4 on 4 lines
		expect(r.activities).toBe(3);
		expect(lines).toHaveLength(1 + 1 + 4);
		const [anonymous, followed, ...workshop] = lines;
		expect(col(anonymous, 'Date')).toBe('19/11/2026');
		expect(col(anonymous, 'Enregistré le')).toMatch(/^\d\d\/\d\d\/\d{4} à \d\d:\d\d$/);
		expect(col(anonymous, 'Type')).toBe('Accompagnement individuel');
		expect(col(anonymous, 'Canaux d’accompagnement')).toBe('À distance');
		expect(col(anonymous, 'Nom du lieu')).toBe('');
		expect(col(anonymous, 'Durée (min)')).toBe('45');
		expect(col(anonymous, 'Matériel numérique utilisé')).toBe('Ordinateur\nTéléphone');
		expect(col(anonymous, 'Thématique(s) d’accompagnement')).toBe('Réseaux sociaux communication\nAide aux démarches administratives\nSocial - Santé');
		expect(col(anonymous, 'Niveau d’autonomie (ou de l’atelier)')).toBe('2/3');
		expect(col(anonymous, 'Bénéficiaire réorienté')).toBe('Oui');
		// the Coop keeps one structure: the first of ours
		expect(col(anonymous, 'Structure de redirection')).toBe('Structure d’aide sociale (maison des solidarités, centre social…)');
		expect([col(anonymous, 'Commune du bénéficiaire'), col(anonymous, 'Code postal du bénéficiaire'), col(anonymous, 'Code Insee du bénéficiaire')]).toEqual([
			'Agen',
			'47000',
			'47001'
		]);
		expect([col(anonymous, 'Genre du bénéficiaire'), col(anonymous, 'Tranche d’âge du bénéficiaire'), col(anonymous, 'Statut du bénéficiaire')]).toEqual([
			'Féminin',
			'60 - 69 ans',
			'Retraité'
		]);
		expect(col(followed, 'Canaux d’accompagnement')).toBe('Lieu d’activité');
		expect([col(followed, 'Nom du lieu'), col(followed, 'Commune'), col(followed, 'Code postal'), col(followed, 'Code Insee')]).toEqual([
			'Médiathèque Lacépède',
			'Agen',
			'47000',
			'47001'
		]);
		expect(col(followed, 'Bénéficiaire réorienté')).toBe('Non');
		expect(workshop.map((l) => col(l, 'Participants'))).toEqual(['1/4', '2/4', '3/4', '4/4']);
		expect(new Set(workshop.map((l) => col(l, 'Type')))).toEqual(new Set(['Atelier collectif']));
		expect(new Set(workshop.map((l) => col(l, 'Niveau d’autonomie (ou de l’atelier)')))).toEqual(new Set(['3/3']));
		expect(new Set(workshop.map((l) => col(l, 'Thématique(s) d’accompagnement')))).toEqual(new Set(['Intelligence artificielle (IA)']));
		expect(workshop.map((l) => col(l, 'Genre du bénéficiaire')).sort()).toEqual(['Féminin', 'Masculin', 'Masculin', 'Non communiqué']);
		expect(workshop.map((l) => col(l, 'Tranche d’âge du bénéficiaire')).sort()).toEqual([
			'70 ans et plus',
			'70 ans et plus',
			'70 ans et plus',
			'Non communiqué'
		]);
		expect(new Set(workshop.map((l) => col(l, 'Statut du bénéficiaire')))).toEqual(new Set(['Non communiqué ou hétérogène']));
		expect(new Set(workshop.map((l) => col(l, 'ID CRA'))).size).toBe(1);
		// what we have no word for stays empty
		for (const l of lines)
			for (const name of ['Dernière modification le', 'Tags', 'Nom de la démarche administrative', 'Notes supplémentaires']) expect(col(l, name)).toBe('');

		const [entry] = await c.db.db
			.select({ details: auditLog.details })
			.from(auditLog)
			.where(and(eq(auditLog.action, 'accompaniment.exported'), eq(auditLog.actorId, c.mediator.userId)));
		expect(entry.details).toMatchObject({ rows: 3, format: 'coop-csv', own: true, organisationIds: [c.mediatheque] });
	});

	it('has nothing personal: every person anonymous, a person followed without their record', async () => {
		for (const format of ['csv', 'json'] as const) {
			const { body } = await coopExport(c.db, c.mediator, format, PERIOD);
			for (const value of [CANARY.firstName, CANARY.lastName, CANARY.pseudonym, CANARY.phone, CANARY.phoneE164, CANARY.email, CANARY.note, person])
				expect(body, `${format}: ${value}`).not.toContain(value);
			// the person followed lives in Nérac: the Coop learns nothing of it
			expect(body).not.toContain('Nérac');
		}
		const { body } = await coopExport(c.db, c.mediator, 'csv', PERIOD);
		const [header, ...lines] = rowsOf(body);
		expect(new Set(lines.map((l) => l[header.indexOf('Bénéficiaire')]))).toEqual(new Set(['Bénéficiaire anonyme']));
		const followed = lines.find((l) => l[header.indexOf('Date')] === '18/11/2026')!;
		expect(followed[header.indexOf('Genre du bénéficiaire')]).toBe('Non communiqué');
		expect(followed[header.indexOf('Commune du bénéficiaire')]).toBe('');
	});

	it('as the Coop’s API v1 JSON: `activite` resources with its attributes and values', async () => {
		const r = await coopExport(c.db, c.mediator, 'json', { ...PERIOD, self: 'https://maillage.test/espace/accompagnements/coop/activites.json' });
		const doc = JSON.parse(r.body);
		expect(doc.meta).toEqual({ total_count: 3, items_per_page: 3, total_pages: 1, has_next_page: false, has_prev_page: false });
		expect(doc.links.self.href).toBe('https://maillage.test/espace/accompagnements/coop/activites.json');
		for (const d of doc.data) {
			expect(d.type).toBe('activite');
			expect(Object.keys(d.attributes).sort()).toEqual(COOP_ATTRIBUTES);
		}
		const [anonymous, , workshop] = doc.data;
		expect(anonymous.attributes).toMatchObject({
			type: 'individuel',
			date: '2026-11-19',
			duree: 45,
			type_lieu: 'a_distance',
			structure_id: null,
			autonomie: 'partiellement_autonome',
			oriente_vers_structure: true,
			structure_de_redirection: 'aide_sociale',
			materiel: ['ordinateur', 'telephone'],
			thematiques: ['reseaux_sociaux', 'aide_aux_demarches_administratives', 'social_sante'],
			tags: [],
			accompagnements: 1,
			beneficiaires: { total: 1, genres: { masculin: 0, feminin: 1, non_communique: 0 } }
		});
		expect(anonymous.attributes.beneficiaires.tranches_age.soixante_soixante_neuf).toBe(1);
		expect(anonymous.attributes.beneficiaires.statuts.retraite).toBe(1);
		expect(workshop.attributes).toMatchObject({
			type: 'collectif',
			type_lieu: 'lieu_activite',
			structure_id: c.withTeam,
			titre_atelier: 'Café IA',
			niveau_atelier: 'avance',
			autonomie: null,
			oriente_vers_structure: null,
			thematiques: ['intelligence_artificielle'],
			accompagnements: 4,
			beneficiaires: { total: 4, genres: { masculin: 2, feminin: 1, non_communique: 1 } }
		});
		expect(workshop.attributes.beneficiaires.tranches_age).toMatchObject({ soixante_dix_plus: 3, non_communique: 1 });
	});

	it('is refused outside the place’s team, and to another structure’s mediator for this one', async () => {
		await expect(coopExport(c.db, c.prescriber, 'csv', PERIOD)).rejects.toBeInstanceOf(CareError);
		await expect(coopExport(c.db, c.otherMediator, 'csv', { ...PERIOD, organisationId: c.mediatheque })).rejects.toMatchObject({ code: 'forbidden' });
		// their own export has none of the médiathèque's
		const theirs = await coopExport(c.db, c.otherMediator, 'json', PERIOD);
		expect(JSON.parse(theirs.body).data).toEqual([]);
	});
});

describe('the import of the Coop’s export', () => {
	it('checks first (« Vérifier »): what it would create, what has no equivalent, nothing written', async () => {
		const r = report(await importCoopActivities(c.db, c.mediator, FIXTURE, { dryRun: true, today: TODAY }));
		expect(r).toMatchObject({ dryRun: true, written: false, lines: 12, activities: 6, created: 6, duplicates: 0, rejected: [] });
		// the file's first and last days: where the page sends the mediator to see them once imported
		expect(r.period).toEqual({ from: '2026-10-05', to: '2026-11-18' });
		expect(r.dropped).toEqual(
			expect.arrayContaining([
				{ column: 'Thématique(s) d’accompagnement', count: 1, values: ['Associations'] },
				{ column: 'Tags', count: 1, values: [] },
				{ column: 'Nom de la démarche administrative', count: 2, values: [] }
			])
		);
		expect(await imported()).toEqual([]);
	});

	it('creates the accompaniments: the mediator’s, at their place, anonymous, in our words', async () => {
		const r = report(await importCoopActivities(c.db, c.mediator, FIXTURE, { today: TODAY, ip: '192.0.2.8' }));
		expect(r).toMatchObject({ written: true, created: 6, duplicates: 0 });
		const rows = await imported();
		expect(rows).toHaveLength(6);
		for (const a of rows) {
			expect(a.mediatorId).toBe(c.mediator.userId);
			expect(a.placeId).toBe(c.withTeam);
			expect(a.beneficiaryId).toBeNull();
			expect(a.departmentCode).toBe('47');
		}
		const byKey = new Map(rows.map((a) => [a.importKey, a]));
		expect(byKey.get('coop:04b15d59-13f7-40e3-9fcd-dd26c7bc418f')).toMatchObject({
			date: '2026-11-18',
			kind: 'individual',
			location: 'place',
			durationMinutes: 30,
			themes: ['Navigation sur internet', 'E-mail'],
			equipment: ['Ordinateur'],
			autonomy: 'partly',
			gender: 'F',
			ageBand: '60-69',
			socialStatus: 'retired',
			communeCode: '47001'
		});
		expect(byKey.get('coop:1f68a33b-55ea-4f81-932f-cd26e5299b36')).toMatchObject({
			location: 'remote',
			themes: ['Aide aux démarches administratives'],
			procedureThemes: ['Social – Santé'],
			redirectedTo: ['Opérateur en charge de la démarche'],
			autonomy: 'guided',
			communeCode: '47031'
		});
		expect(byKey.get('coop:9f2dc97e-523b-4c3a-8af1-41299238f818')).toMatchObject({
			kind: 'collective',
			title: 'Atelier\u00a0: découvrir sa messagerie',
			level: 'beginner',
			participants: 5,
			breakdown: { gender: { F: 3, M: 1 }, ageBand: { '70plus': 2, '60-69': 1, '40-59': 1 }, status: { retired: 3, employed: 1 } }
		});
		expect(byKey.get('coop:52fbd62f-7675-41e6-b110-1f8860b701ae')).toMatchObject({
			location: 'home',
			procedureThemes: ['Papiers – Élections – Citoyenneté'],
			autonomy: 'autonomous'
		});
		expect(byKey.get('coop:0edbd3bb-231c-4fc6-9fdb-e4fdbf9bd9e2')).toMatchObject({
			themes: ['Réseaux sociaux', 'Intelligence artificielle'],
			equipment: ['Pas de matériel'],
			redirectedTo: ['Autre lieu de médiation numérique']
		});
		expect(byKey.get('coop:8c6ed6a4-2c3e-4669-b0c9-4d2801158adf')).toMatchObject({
			kind: 'collective',
			location: 'remote',
			participants: 3,
			level: 'intermediate'
		});
		// names and notes of the Coop's file are never read
		const stored = JSON.stringify(rows);
		for (const canary of ['Zorglub', 'Cunégonde', 'Canari', 'Complémentaire santé']) expect(stored).not.toContain(canary);

		const [entry] = await c.db.db
			.select({ details: auditLog.details, ip: auditLog.ip })
			.from(auditLog)
			.where(and(eq(auditLog.action, 'accompaniment.imported'), eq(auditLog.actorId, c.mediator.userId)));
		expect(entry.details).toMatchObject({
			source: 'coop',
			organisationId: c.mediatheque,
			created: 6,
			duplicates: 0,
			lines: 12,
			from: '2026-10-05',
			to: '2026-11-18'
		});
		expect(JSON.stringify(entry.details)).not.toMatch(/Zorglub|Canari|Agen/);
	});

	it('creates nothing when the same file comes again', async () => {
		const r = report(await importCoopActivities(c.db, c.mediator, FIXTURE, { today: TODAY }));
		expect(r).toMatchObject({ created: 0, duplicates: 6, rejected: [] });
		expect(await imported()).toHaveLength(6);
	});

	it('recognises what we exported: our Coop CSV imported back creates nothing', async () => {
		const before = (await c.db.db.select().from(accompaniments).where(eq(accompaniments.organisationId, c.mediatheque))).length;
		const out = await coopExport(c.db, c.mediator, 'csv', PERIOD);
		// the mediator's three recorded here and the six imported
		expect(out.activities).toBe(9);
		const r = report(await importCoopActivities(c.db, c.mediator, out.body, { today: TODAY }));
		expect(r).toMatchObject({ rejected: [], activities: 9, created: 0, duplicates: 9 });
		expect((await c.db.db.select().from(accompaniments).where(eq(accompaniments.organisationId, c.mediatheque))).length).toBe(before);
	});

	it('refuses a bad file whole, with French reasons per line, and writes nothing', async () => {
		const text = new TextDecoder().decode(FIXTURE);
		const bad = text
			// new ids: these lines would be new
			.replaceAll('04b15d59-13f7-40e3-9fcd-dd26c7bc418f', 'aaaaaaaa-13f7-40e3-9fcd-dd26c7bc418f')
			.replaceAll('1f68a33b-55ea-4f81-932f-cd26e5299b36', 'bbbbbbbb-55ea-4f81-932f-cd26e5299b36')
			.replace('18/11/2026;18/11/2026', '31/02/2026;18/11/2026')
			.replace('Aide aux démarches administratives\nSocial - Santé', 'Cuisine\nSocial - Santé')
			.replace(';45;;Téléphone;', ';mille;;Téléphone;');
		const before = await imported();
		const r = report(await importCoopActivities(c.db, c.mediator, bad, { today: TODAY }));
		expect(r.written).toBe(false);
		expect(r.created).toBe(0);
		expect(r.rejected).toEqual([
			{ line: 24, id: 'aaaaaaaa-13f7-40e3-9fcd-dd26c7bc418f', reasons: ['Date « 31/02/2026 »\u00a0: écrivez-la ainsi\u00a0: 21/11/2026.'] },
			{
				line: 25,
				id: 'bbbbbbbb-55ea-4f81-932f-cd26e5299b36',
				reasons: ['Durée « mille »\u00a0: un nombre entier de minutes, de 1 à 600.', 'Thématique « Cuisine »\u00a0: elle n’est pas dans la liste de la Coop.']
			}
		]);
		expect(await imported()).toEqual(before);
	});

	it('refuses what is not the Coop’s export, with a French message', async () => {
		const fileError = async (input: Uint8Array | string) => {
			const r = await importCoopActivities(c.db, c.mediator, input, { today: TODAY });
			return r.fileError;
		};
		expect(await fileError('')).toBe('Le fichier est vide.');
		expect(await fileError('nom;prenom\nMartin;Jeanne\n')).toMatch(/^Ce fichier ne ressemble pas à l’export des activités de la Coop/);
		// the beginning of a zip, and nothing after
		expect(await fileError(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]))).toBe(WORKBOOK_ERRORS.corrupt);
		expect(await fileError(COOP_HEADER.replace('Durée (min);', 'Temps;'))).toMatch(/il manque la colonne « Durée \(min\) »/);
		// a day more than a year back: the form's rule
		const old = report(
			await importCoopActivities(c.db, c.mediator, new TextDecoder().decode(FIXTURE).replace('05/10/2026;05/10/2026', '05/10/2025;05/10/2025'), {
				today: TODAY
			})
		);
		expect(old.rejected.map((x) => x.line)).toEqual([33]);
		expect(old.rejected[0].reasons[0]).toMatch(/plus d’un an/);
	});

	it('without the Coop’s ids (a column deleted): each line known by its digest, and a re-import creates nothing', async () => {
		// in the other association's structure (it runs no place): a file of its own
		const [header, ...lines] = rowsOf(new TextDecoder().decode(FIXTURE).split('\r\n').slice(22).join('\r\n'));
		const id = header.indexOf('ID CRA');
		const quoted = stringify(
			[header, ...lines].map((l) => l.filter((_, i) => i !== id)),
			{ delimiter: ';' }
		);
		expect(quoted.split('\n')[0]).not.toContain('ID CRA');
		const first = report(await importCoopActivities(c.db, c.otherMediator, quoted, { today: TODAY }));
		expect(first).toMatchObject({ created: 6, duplicates: 0, rejected: [] });
		const again = report(await importCoopActivities(c.db, c.otherMediator, quoted, { today: TODAY }));
		expect(again).toMatchObject({ created: 0, duplicates: 6 });
		const theirs = await c.db.db.select().from(accompaniments).where(eq(accompaniments.mediatorId, c.otherMediator.userId));
		expect(theirs).toHaveLength(6);
		expect(theirs.every((a) => a.importKey?.startsWith('coop-sha256:') && a.placeId === null)).toBe(true);
		expect(theirs.find((a) => a.kind === 'collective' && a.durationMinutes === 120)?.participants).toBe(5);
	});

	it('is refused for another structure, and to a prescriber', async () => {
		await expect(importCoopActivities(c.db, c.otherMediator, FIXTURE, { organisationId: c.mediatheque, today: TODAY })).rejects.toMatchObject({
			code: 'forbidden'
		});
		await expect(importCoopActivities(c.db, c.prescriber, FIXTURE, { today: TODAY })).rejects.toMatchObject({ code: 'forbidden' });
		// in their own structure, the same file is new (the keys are per structure), nothing of the médiathèque's touched
		const r = report(await importCoopActivities(c.db, c.otherMediator, FIXTURE, { dryRun: true, today: TODAY }));
		expect(r.created).toBe(6);
		expect(r.placeId).toBeNull();
	});
});

/**
 * The Coop's export as it gives it: an .xlsx workbook (test/fixtures/coop/coop-workbook.ts,
 * the Coop's layout), uploaded as it is: the same accompaniments as its CSV, once.
 */
describe('the import of the Coop’s workbook (.xlsx), as it is', () => {
	const csv = new TextDecoder().decode(FIXTURE);
	const IDS = [...new Set(csv.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g))];
	/** the fixture's activities under other ids: a file the médiathèque has not imported yet */
	const renamed = IDS.reduce((t, id) => t.replaceAll(id, `eeeeeeee${id.slice(8)}`), csv);
	const mine = (keys: string[]) => imported().then((rows) => rows.filter((r) => keys.includes(r.importKey!)));
	/** an accompaniment without what makes it this row (its id, key, creation time) */
	const content = ({ id: _id, importKey: _key, createdAt: _at, ...a }: Awaited<ReturnType<typeof imported>>[number]) => a;

	it('the workbook of a file already imported as CSV: its activities recognised, nothing created', async () => {
		const r = report(await importCoopActivities(c.db, c.mediator, await coopWorkbook(csv), { today: TODAY }));
		expect(r).toMatchObject({ lines: 12, activities: 6, created: 0, duplicates: 6, rejected: [] });
	});

	it('creates the accompaniments its CSV creates, field for field; again, nothing', async () => {
		const xlsx = await coopWorkbook(renamed);
		const checked = report(await importCoopActivities(c.db, c.mediator, xlsx, { dryRun: true, today: TODAY }));
		expect(checked).toMatchObject({ lines: 12, activities: 6, created: 6, duplicates: 0, rejected: [] });
		expect(checked.dropped).toEqual(expect.arrayContaining([{ column: 'Thématique(s) d’accompagnement', count: 1, values: ['Associations'] }]));

		const r = report(await importCoopActivities(c.db, c.mediator, xlsx, { today: TODAY }));
		expect(r).toMatchObject({ written: true, created: 6, duplicates: 0 });
		const fromCsv = new Map((await mine(IDS.map((id) => `coop:${id}`))).map((a) => [a.importKey!.slice(13), a]));
		const fromXlsx = await mine(IDS.map((id) => `coop:eeeeeeee${id.slice(8)}`));
		expect(fromXlsx).toHaveLength(6);
		for (const a of fromXlsx) expect(content(a)).toEqual(content(fromCsv.get(a.importKey!.slice(13))!));
		expect(JSON.stringify(fromXlsx)).not.toMatch(/Zorglub|Cunégonde|Canari/);

		// the same workbook again, or its CSV: nothing new
		expect(report(await importCoopActivities(c.db, c.mediator, xlsx, { today: TODAY }))).toMatchObject({ created: 0, duplicates: 6 });
		expect(report(await importCoopActivities(c.db, c.mediator, renamed, { today: TODAY }))).toMatchObject({ created: 0, duplicates: 6 });
		expect(await mine(IDS.map((id) => `coop:eeeeeeee${id.slice(8)}`))).toHaveLength(6);
	});

	it('a workbook it cannot read or will not take writes nothing, and says why in French', async () => {
		const before = await imported();
		const xlsx = await coopWorkbook(csv.replaceAll('04b15d59', 'ffffffff'));
		const cut = await importCoopActivities(c.db, c.mediator, xlsx.subarray(0, xlsx.length - 200), { today: TODAY });
		expect(cut.fileError).toBe(WORKBOOK_ERRORS.corrupt);
		const ole = new Uint8Array(2048);
		ole.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
		expect((await importCoopActivities(c.db, c.mediator, ole, { today: TODAY })).fileError).toBe(WORKBOOK_ERRORS.legacy);
		expect(await imported()).toEqual(before);
	});
});
