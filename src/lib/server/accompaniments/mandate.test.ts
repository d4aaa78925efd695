/**
 * An accompaniment done under a mandate (issue 15, item 8), on a real database: the form
 * offers the themes in force for the person asked for; saving with « Fait au titre du
 * mandat » records the use with the accompaniment, shown to the person in Mes mandats and
 * in their journal; a theme not in force is refused and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { openWorld, type World } from '../../../../test/world.ts';
import type { Actor } from '../accounts/index.ts';
import { confirmOnScreen, personMandates, prepareMandate, revokeTheme } from '../mandates/index.ts';
import { personJournal } from '../journal/index.ts';
import { parisDay } from '../../time.ts';
import { accompaniments } from './db.ts';
import { emptyForm, recordAccompaniment, recordingForm, type AccompanimentForm } from './index.ts';
import { preselectedTheme, useLabel } from './mandate.ts';

const LINKS = { origin: 'https://maillage.test', instanceName: 'maillage 47' };
let w: World;
let mediatheque: string;
let boe: string;
let mediator: Actor;
let boeMediator: Actor;
let rosa: string;
let mandate: string;

beforeAll(async () => {
	w = await openWorld({ places: 'agen' });
	mediatheque = await w.organisation('Médiathèque Lacépède', 'mediatheque');
	boe = await w.organisation('Espace numérique de Boé');
	await w.runs(mediatheque, 'Médiathèque Lacépède'); // fixture-lacepede
	await w.runs(boe, 'France services de Boé'); // fixture-boe
	mediator = await w.member('lou@mediatheque.test', mediatheque, 'mediator');
	boeMediator = await w.member('eli@boe.test', boe, 'mediator');
	rosa = await w.person(mediator, mediatheque, { firstName: 'Rosa', lastName: 'Lafitte' });
	mandate = await prepareMandate(w.db, mediator, rosa, { organisationId: mediatheque, themes: ['logement', 'argent'], duration: '6m' });
	await confirmOnScreen(w.db, mediator, mandate, { personAgrees: true, professionalAttests: true });
}, 120_000);
afterAll(async () => {
	await w?.close();
});

const form = (over: Partial<AccompanimentForm> = {}): AccompanimentForm => ({
	...emptyForm(),
	organisationId: mediatheque,
	placeId: 'fixture-lacepede',
	date: parisDay(),
	kind: 'individual',
	duration: '45',
	location: 'place',
	themes: ['E-mail'],
	person: 'beneficiary',
	beneficiaryId: rosa,
	...over
});
const record = (f: AccompanimentForm, actor = mediator) => recordAccompaniment(w.db, actor, f, LINKS, null);
const countFor = async (id: string) => (await w.db.db.select().from(accompaniments).where(eq(accompaniments.beneficiaryId, id))).length;

describe('the rules', () => {
	it('pre-selects the theme chosen, else the accompaniment’s procedure theme in force, else the only theme in force', () => {
		expect(preselectedTheme({ mandateTheme: 'argent', procedureThemes: ['Logement'] }, ['logement', 'argent'])).toBe('argent');
		expect(preselectedTheme({ mandateTheme: '', procedureThemes: ['Logement', 'Justice'] }, ['logement', 'argent'])).toBe('logement');
		expect(preselectedTheme({ mandateTheme: '', procedureThemes: [] }, ['logement', 'argent'])).toBe('');
		expect(preselectedTheme({ mandateTheme: 'justice', procedureThemes: [] }, ['social'])).toBe('social');
	});
	it('says what was done in a few words, never who', () => {
		expect(useLabel(['Démarches en ligne'], 45)).toBe('Accompagnement de 45 min\u00a0: Démarches en ligne');
		expect(useLabel(Array(20).fill('Démarches en ligne'), 30).length).toBe(100);
	});
});

describe('the form', () => {
	it('offers « Fait au titre du mandat » with the themes in force for the person asked for, to the structure holding it only', async () => {
		const view = await recordingForm(w.db, mediator, { personId: rosa });
		expect(view.mandate).toEqual({
			themes: [
				{ value: 'logement', label: 'Logement' },
				{ value: 'argent', label: 'Argent – Impôts' }
			],
			selected: ''
		});
		expect((await recordingForm(w.db, mediator)).mandate).toBeNull();
		const other = await w.person(mediator, mediatheque, { firstName: 'Jean', lastName: 'Marty' });
		expect((await recordingForm(w.db, mediator, { personId: other })).mandate).toBeNull();
	});
});

describe('recording under the mandate', () => {
	it('records the use with the accompaniment (the procedure theme picks the mandate’s), and the person sees it in Mes mandats and in their journal', async () => {
		const before = await countFor(rosa);
		const r = await record(form({ underMandate: '1', procedureThemes: ['Logement'] }));
		expect(await countFor(rosa)).toBe(before + 1);
		const [view] = await personMandates(w.db.db, [rosa]);
		expect(view.uses.map((u) => [u.theme, u.kind, u.label, u.structure])).toEqual([
			['Logement', 'Accompagnement', 'Accompagnement de 45 min\u00a0: E-mail, Aide aux démarches administratives', 'Médiathèque Lacépède']
		]);
		const { entries } = await personJournal(w.db, [rosa]);
		expect(entries[0].sentence).toBe('lou (Médiathèque Lacépède) vous a accompagné(e) au titre de votre mandat.');
		expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
	});

	it('records nothing under the mandate when the box is not ticked', async () => {
		const [before] = await personMandates(w.db.db, [rosa]);
		await record(form({ mandateTheme: 'argent' }));
		const [after] = await personMandates(w.db.db, [rosa]);
		expect(after.uses).toHaveLength(before.uses.length);
	});

	it('refuses a theme not in force, an ambiguous choice or an anonymous person, and writes nothing', async () => {
		const before = await countFor(rosa);
		await expect(record(form({ underMandate: '1', mandateTheme: 'justice' }))).rejects.toMatchObject({
			code: 'invalid',
			fields: { mandateTheme: expect.stringContaining('« Justice »') }
		});
		await expect(record(form({ underMandate: '1' }))).rejects.toMatchObject({
			fields: { mandateTheme: 'Choisissez le domaine du mandat pour lequel vous avez agi.' }
		});
		await expect(record(form({ underMandate: '1', person: 'anonymous', beneficiaryId: '' }))).rejects.toMatchObject({
			fields: { mandateTheme: expect.stringContaining('pour une personne que vous suivez') }
		});
		// the person withdrew the theme: refused from then on
		await revokeTheme(w.db, { kind: 'structure', actor: mediator }, mandate, 'argent');
		await expect(record(form({ underMandate: '1', mandateTheme: 'argent' }))).rejects.toMatchObject({
			fields: { mandateTheme: expect.stringContaining('« Argent – Impôts »') }
		});
		expect(await countFor(rosa)).toBe(before);
	});

	it('is refused to another structure’s mediator, who gets no offer', async () => {
		const theirs = await w.person(boeMediator, boe, { firstName: 'Léa', lastName: 'Roux' });
		expect((await recordingForm(w.db, boeMediator, { personId: theirs })).mandate).toBeNull();
		await expect(record(form({ organisationId: boe, placeId: 'fixture-boe', beneficiaryId: theirs, underMandate: '1' }), boeMediator)).rejects.toMatchObject({
			fields: { mandateTheme: expect.stringContaining('pas donné de mandat en cours') }
		});
	});
});
