/**
 * The journal as a coordinator reads it (issue 12, item 13), on a real database: names
 * instead of ids, the person's name only for whom may read the record, the filters (a
 * person, a structure, an action family, a period), and the CSV export safe for spreadsheets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { careNetwork, CANARY, links, type Care } from '../../../../test/security/care-fixture.ts';
import { actorFor, addMember, createOrganisation, type Actor } from '../accounts/index.ts';
import { actOnReferral, sendReferral } from '../referral/index.ts';
import { searchJournal } from '../audit/index.ts';
import { journalQuery, periodBounds, readFilters } from './filters.ts';
import { parisMidnight } from '../../time.ts';
import { journalActors, journalCsv, journalOrganisations, readableEntries } from './readable.ts';

let care: Care;
let coordinator: Actor;
let formulaOrg: string;

beforeAll(async () => {
	care = await careNetwork();
	const dep = (await createOrganisation(care.db, null, { name: 'Département de Lot-et-Garonne', kind: 'departement', departmentCode: '47' })).id;
	coordinator = await actorFor(
		care.db.db,
		(
			await addMember(care.db, null, {
				email: 'camille@cd47.test',
				displayName: 'Camille Martin',
				organisationId: dep,
				role: 'coordinator',
				password: 'une phrase de passe solide'
			})
		).userId,
		true
	);
	// a structure whose name would run as a formula in a spreadsheet
	formulaOrg = (await createOrganisation(care.db, coordinator, { name: '=HYPERLINK("#A1";"clic")', kind: 'association', departmentCode: '47' })).id;
	const person = await care.newPerson();
	const { id } = await sendReferral(
		care.db,
		care.prescriber,
		{
			beneficiaryId: person,
			organisationId: care.ccas,
			placeId: care.withTeam,
			reason: CANARY.reason,
			assessmentId: null,
			consent: { method: 'oral', scope: ['identity', 'contact', 'referral_reason'] }
		},
		links
	);
	await actOnReferral(care.db, care.mediator, id, { type: 'accept' }, links);
}, 120_000);

afterAll(async () => care.close());

const read = async (viewer: Actor, params: Record<string, string> = {}) => {
	const { query, errors } = journalQuery(viewer, readFilters(new URLSearchParams(params)));
	expect(errors).toEqual({});
	const { rows } = await searchJournal(care.db, { ...query, departmentCodes: query.departmentCodes, limit: 200 });
	return readableEntries(care.db.db, viewer, rows);
};

describe('the journal in French', () => {
	it('says what happened with names; the coordinator reads "une personne", never the person’s name', async () => {
		const entries = await read(coordinator);
		const sentences = entries.map((e) => e.sentence);
		// the test accounts' display names are their e-mails' first part ("lou", "pat"): a sentence starts with a capital
		expect(sentences).toContain('Lou a accepté l’orientation d’une personne vers Médiathèque Lacépède (Agen).');
		expect(sentences).toContain('Pat a orienté une personne vers Médiathèque Lacépède (Agen).');
		const all = JSON.stringify(entries);
		expect(all).not.toContain(CANARY.lastName);
		expect(all).not.toContain(CANARY.firstName);
		// no id in what is shown
		expect(entries.map((e) => e.sentence + e.details.join(' ')).join('\n')).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
	});

	it('the prescriber of the structure holding the record reads the name', async () => {
		const { rows } = await searchJournal(care.db, { departmentCodes: ['47'], action: 'referral.sent', limit: 10 });
		const [e] = await readableEntries(care.db.db, care.prescriber, rows);
		expect(e.sentence).toContain(`${CANARY.firstName} ${CANARY.lastName}`);
	});

	it('filters: a person, a structure, a family of actions, a period', async () => {
		const byMediator = await read(coordinator, { auteur: care.mediator.userId });
		expect(byMediator.length).toBeGreaterThan(0);
		expect(byMediator.every((e) => e.actor === 'lou')).toBe(true);
		const ccas = await read(coordinator, { structure: care.ccas });
		expect(ccas.some((e) => e.action === 'referral.sent')).toBe(true);
		expect(ccas.some((e) => e.action === 'referral.transition')).toBe(false);
		const referrals = await read(coordinator, { action: 'referral.' });
		expect(new Set(referrals.map((e) => e.action))).toEqual(new Set(['referral.sent', 'referral.transition']));
		expect((await read(coordinator, { periode: 'jour', action: 'referral.sent' })).length).toBe(1);
		expect((await read(coordinator, { periode: 'mois-dernier', action: 'referral.sent' })).length).toBe(0);
		// the lists offer names
		const people = await journalActors(care.db.db, ['47']);
		expect(people.map((p) => p.name)).toEqual(expect.arrayContaining(['Camille Martin', 'lou', 'pat']));
		// with their structure: two professionals may share a name
		expect(people.find((p) => p.name === 'lou')!.label).toBe('lou (Médiathèque Lacépède)');
		expect((await journalOrganisations(care.db.db, ['47'])).map((o) => o.name)).toContain('CCAS de Test');
	});

	it('refuses what is not in the lists, in French', () => {
		const { errors } = journalQuery(coordinator, readFilters(new URLSearchParams({ auteur: 'x', action: 'drop table', periode: 'siècle', du: '2026-13-45' })));
		expect(errors).toEqual({
			auteur: 'Choisissez la personne dans la liste.',
			action: 'Choisissez l’action dans la liste.',
			periode: 'Choisissez la période dans la liste.',
			du: 'Date invalide. Format attendu\u00a0: 2026-11-22'
		});
	});

	it('periods are Paris days', () => {
		const now = new Date('2026-07-15T22:30:00Z'); // 16 July in Paris
		expect(periodBounds('jour', now).from.toISOString()).toBe('2026-07-15T22:00:00.000Z');
		expect(periodBounds('mois-dernier', now)).toEqual({ from: new Date('2026-05-31T22:00:00Z'), to: new Date('2026-06-30T22:00:00Z') });
		expect(parisMidnight('2026-01-10').toISOString()).toBe('2026-01-09T23:00:00.000Z');
	});

	it('the CSV: French headers, the sentences, formulas neutralised', async () => {
		const entries = await read(coordinator);
		const csv = journalCsv(entries);
		expect(csv.startsWith('\ufeffDate;Auteur;Action;Ce qui a été fait;Détails;Département;Adresse IP\r\n')).toBe(true);
		const rows = parse(csv.slice(1), { delimiter: ';' }) as string[][];
		expect(rows.length).toBe(entries.length + 1);
		const created = rows.find((r) => r[2] === 'Structure créée' && r[3].includes('HYPERLINK'))!;
		expect(created[3].startsWith('=')).toBe(false);
		for (const r of rows) for (const cell of r) expect(cell, 'no cell starts a formula').not.toMatch(/^[=+@]/);
		expect(csv).not.toContain(CANARY.lastName);
		// the structure filter finds its creation
		expect((await read(coordinator, { structure: formulaOrg })).map((e) => e.action)).toContain('organisation.created');
	});
});
