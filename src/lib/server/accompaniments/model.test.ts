import { describe, expect, it } from 'vitest';
import {
	AGE_BANDS,
	AUTONOMY,
	DIGITAL_THEMES,
	EQUIPMENT,
	GENDERS,
	KINDS,
	LOCATIONS,
	PROCEDURE_THEMES,
	REDIRECTED_TO,
	STATUSES,
	WORKSHOP_LEVELS,
	DURATIONS,
	defaultForm,
	emptyForm,
	parseAccompaniment,
	periodOf,
	readAccompanimentForm,
	repeatForm,
	type AccompanimentForm,
	type LastAccompaniment,
	type RecordingOrganisation
} from './index.ts';
import { formatDuration as formatMinutes } from '../../components/format.ts';
import { oneYearBefore, parseDay, parisDay as todayInParis } from '../../time.ts';

const TODAY = '2026-11-21';
const ID = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';

const individual = (over: Partial<AccompanimentForm> = {}): AccompanimentForm => ({
	...emptyForm(),
	date: '2026-11-20',
	kind: 'individual',
	duration: '30',
	location: 'place',
	themes: ['E-mail'],
	person: 'anonymous',
	...over
});
const workshop = (over: Partial<AccompanimentForm> = {}): AccompanimentForm => ({
	...individual(),
	kind: 'collective',
	title: 'Découvrir sa messagerie',
	level: 'beginner',
	participants: '8',
	...over
});
const errorsOf = (f: AccompanimentForm) => {
	const r = parseAccompaniment(f, TODAY);
	return r.ok ? {} : r.fields;
};
const valueOf = (f: AccompanimentForm) => {
	const r = parseAccompaniment(f, TODAY);
	if (!r.ok) throw new Error(JSON.stringify(r.fields));
	return r.value;
};

describe('the national vocabulary', () => {
	it('has the lists mediators use nationally, in their words', () => {
		expect(Object.values(KINDS)).toEqual(['Individuel', 'Collectif']);
		expect([...DURATIONS]).toEqual([15, 30, 45, 60, 90, 120]);
		expect(Object.values(LOCATIONS)).toEqual(['Lieu d’activité', 'À domicile', 'À distance', 'Autre lieu']);
		expect(Object.values(AUTONOMY)).toEqual(['Avec guidage', 'Autonome avec guidage en cas de besoin', 'Autonome']);
		expect([...EQUIPMENT]).toEqual(['Ordinateur', 'Téléphone', 'Tablette', 'Autre', 'Pas de matériel']);
		expect(DIGITAL_THEMES).toHaveLength(19);
		expect(DIGITAL_THEMES).toContain('Prendre en main du matériel');
		expect(DIGITAL_THEMES.at(-1)).toBe('Aide aux démarches administratives');
		expect(PROCEDURE_THEMES).toHaveLength(10);
		expect(PROCEDURE_THEMES[0]).toBe('Papiers – Élections – Citoyenneté');
		expect(REDIRECTED_TO).toHaveLength(7);
		expect(Object.keys(GENDERS)).toEqual(['F', 'M', 'unknown']);
		expect(Object.values(AGE_BANDS)).toHaveLength(7);
		expect(Object.values(STATUSES)).toHaveLength(5);
		expect(Object.values(WORKSHOP_LEVELS)).toEqual(['Débutant', 'Intermédiaire', 'Avancé']);
	});
});

describe('days', () => {
	it('reads a date picker’s value and a typed French date, and nothing else', () => {
		expect(parseDay('2026-11-20')).toBe('2026-11-20');
		expect(parseDay(' 3/2/2026 ')).toBe('2026-02-03');
		expect(parseDay('2026-02-30')).toBeNull();
		expect(parseDay('31/04/2026')).toBeNull();
		expect(parseDay('hier')).toBeNull();
	});
	it('goes one year back, 29 February to 28 February', () => {
		expect(oneYearBefore('2026-11-21')).toBe('2025-11-21');
		expect(oneYearBefore('2028-02-29')).toBe('2027-02-28');
	});
	it('knows today in Paris whatever the server’s time zone', () => {
		expect(todayInParis(new Date('2026-11-20T23:30:00Z'))).toBe('2026-11-21');
		expect(todayInParis(new Date('2026-07-14T21:59:00Z'))).toBe('2026-07-14');
		expect(todayInParis(new Date('2026-07-14T22:00:00Z'))).toBe('2026-07-15');
	});
	it('says durations the way people do', () => {
		expect(formatMinutes(15)).toBe('15 min');
		expect(formatMinutes(60)).toBe('1 h');
		expect(formatMinutes(90)).toBe('1 h 30');
		expect(formatMinutes(125)).toBe('2 h 05');
	});
});

describe('reading the form', () => {
	it('reads every field of a submitted form, lists and counts included', () => {
		const f = new FormData();
		f.set('date', '2026-11-20');
		f.set('kind', 'collective');
		f.append('themes', 'E-mail');
		f.append('themes', 'Bureautique');
		f.set('participants', '6');
		f.set('byGender_F', '4');
		f.set('byAgeBand_70plus', '2');
		const v = readAccompanimentForm(f);
		expect(v.themes).toEqual(['E-mail', 'Bureautique']);
		expect(v.byGender).toEqual({ F: '4', M: '', unknown: '' });
		expect(v.byAgeBand['70plus']).toBe('2');
		expect(v.title).toBe('');
		expect(Object.keys(v).sort()).toEqual(Object.keys(emptyForm()).sort());
	});
	it('reads whether the person is anonymous from the person chosen, when the page sends no explicit choice', () => {
		const f = new FormData();
		expect(readAccompanimentForm(f).person).toBe('anonymous');
		f.set('beneficiaryId', ID);
		expect(readAccompanimentForm(f).person).toBe('beneficiary');
		f.set('person', 'anonymous');
		expect(readAccompanimentForm(f).person).toBe('anonymous');
	});
});

describe('validation', () => {
	it('accepts an anonymous individual accompaniment with an optional profile', () => {
		const v = valueOf(individual({ gender: 'F', ageBand: '60-69', socialStatus: 'retired', commune: ' Nérac ', autonomy: 'partly', equipment: ['Téléphone'] }));
		expect(v).toMatchObject({
			kind: 'individual',
			durationMinutes: 30,
			location: 'place',
			beneficiaryId: null,
			gender: 'F',
			ageBand: '60-69',
			socialStatus: 'retired',
			commune: 'Nérac',
			autonomy: 'partly',
			participants: 1,
			breakdown: null,
			title: null
		});
		expect(valueOf(individual())).toMatchObject({ gender: null, ageBand: null, socialStatus: null, commune: null });
	});

	it('links an individual accompaniment to a person, without an anonymous profile', () => {
		const v = valueOf(individual({ person: 'beneficiary', beneficiaryId: ID.toUpperCase(), gender: 'F', referralId: ID }));
		expect(v).toMatchObject({ beneficiaryId: ID, referralId: ID, gender: null });
		expect(errorsOf(individual({ person: 'beneficiary', beneficiaryId: '' }))).toEqual({
			beneficiaryId: 'Choisissez la personne dans la liste, ou « Personne anonyme ».'
		});
		expect(errorsOf(individual({ person: '' }))).toEqual({ person: 'Choisissez\u00a0: une personne que vous suivez, ou une personne anonyme.' });
		// a referral without a person is ignored
		expect(valueOf(individual({ referralId: ID })).referralId).toBeNull();
	});

	it('refuses a date in the future, more than a year back, or that does not exist', () => {
		expect(valueOf(individual({ date: TODAY })).date).toBe(TODAY);
		expect(valueOf(individual({ date: '21/11/2025' })).date).toBe('2025-11-21');
		expect(errorsOf(individual({ date: '2026-11-22' })).date).toBe(
			'La date ne peut pas être dans le futur\u00a0: indiquez le jour où l’accompagnement a eu lieu.'
		);
		expect(errorsOf(individual({ date: '2025-11-20' })).date).toBe(
			'Un accompagnement de plus d’un an ne peut plus être enregistré\u00a0: la date doit être le 21 novembre 2025 ou après.'
		);
		expect(errorsOf(individual({ date: '' })).date).toMatch(/^Indiquez la date/);
		expect(errorsOf(individual({ date: '2026-13-01' })).date).toMatch(/^Cette date n’existe pas/);
	});

	it('needs at least one theme; a procedure counts as help with administrative procedures', () => {
		expect(errorsOf(individual({ themes: [] }))).toEqual({ themes: 'Cochez au moins un thème.' });
		const v = valueOf(individual({ themes: [], procedureThemes: ['Logement', 'Argent – Impôts'] }));
		expect(v.themes).toEqual(['Aide aux démarches administratives']);
		expect(v.procedureThemes).toEqual(['Logement', 'Argent – Impôts']);
		expect(errorsOf(individual({ themes: ['Cuisine'] })).themes).toBe('Choisissez les thèmes dans la liste.');
		expect(valueOf(individual({ themes: ['Bureautique', 'E-mail', 'E-mail'] })).themes).toEqual(['E-mail', 'Bureautique']);
	});

	it('takes a usual duration or a custom one between 1 and 600 minutes', () => {
		expect(valueOf(individual({ duration: '120' })).durationMinutes).toBe(120);
		expect(valueOf(individual({ duration: 'other', durationOther: ' 20 ' })).durationMinutes).toBe(20);
		expect(valueOf(individual({ duration: 'other', durationOther: '600' })).durationMinutes).toBe(600);
		for (const bad of ['0', '601', '1,5', ''])
			expect(errorsOf(individual({ duration: 'other', durationOther: bad })).durationOther).toBe(
				'Indiquez la durée en minutes, un nombre entier entre 1 et 600. Exemple\u00a0: 20'
			);
		expect(errorsOf(individual({ duration: '' })).duration).toMatch(/^Choisissez une durée/);
		expect(errorsOf(individual({ duration: '31' })).duration).toMatch(/^Choisissez une durée/);
	});

	it('refuses values outside the vocabulary, and lists every problem at once', () => {
		expect(errorsOf(individual({ kind: 'x', location: 'lune', autonomy: 'total', date: '' }))).toEqual({
			date: 'Indiquez la date de l’accompagnement. Exemple\u00a0: 21/11/2026',
			kind: 'Choisissez\u00a0: accompagnement individuel ou atelier collectif.',
			location: 'Choisissez où l’accompagnement a eu lieu.',
			autonomy: 'Choisissez le niveau d’autonomie dans la liste.'
		});
		expect(errorsOf(individual({ equipment: ['Minitel'], redirectedTo: ['Nulle part'] }))).toEqual({
			equipment: 'Choisissez le matériel dans la liste.',
			redirectedTo: 'Choisissez les orientations dans la liste.'
		});
	});

	it('accepts a workshop with its title, level and participants, counted by gender, age band and status', () => {
		const v = valueOf(
			workshop({
				beneficiaryId: ID,
				gender: 'F',
				byGender: { F: '5', M: '3', unknown: '' },
				byAgeBand: { under12: '', '12-17': '', '18-24': '', '25-39': '', '40-59': '', '60-69': '4', '70plus': '2' },
				byStatus: { student: '', unemployed: '', employed: '', retired: '0', unknown: '' }
			})
		);
		expect(v).toMatchObject({ kind: 'collective', title: 'Découvrir sa messagerie', level: 'beginner', participants: 8, beneficiaryId: null, gender: null });
		expect(v.breakdown).toEqual({ gender: { F: 5, M: 3 }, ageBand: { '60-69': 4, '70plus': 2 } });
		expect(valueOf(workshop({ level: '' })).level).toBeNull();
	});

	it('needs a workshop’s title and participants; a breakdown never counts more people than came', () => {
		expect(errorsOf(workshop({ title: ' ', participants: '0' }))).toEqual({
			title: 'Donnez un titre à l’atelier. Exemple\u00a0: Découvrir sa messagerie',
			participants: 'Indiquez le nombre de participants, un nombre entier entre 1 et 200. Exemple\u00a0: 8'
		});
		expect(errorsOf(workshop({ participants: '201' })).participants).toBeDefined();
		expect(errorsOf(workshop({ byGender: { F: '5', M: '4', unknown: '' } }))).toEqual({
			byGender: 'Répartition par genre\u00a0: elle compte 9 personnes, mais l’atelier a 8 participants.'
		});
		expect(errorsOf(workshop({ participants: '1', byStatus: { student: '1', unemployed: '1', employed: '', retired: '', unknown: '' } }))).toEqual({
			byStatus: 'Répartition par statut\u00a0: elle compte 2 personnes, mais l’atelier a 1 participant.'
		});
		expect(errorsOf(workshop({ byAgeBand: { ...emptyForm().byAgeBand, '18-24': 'deux' } }))).toEqual({
			byAgeBand: 'Répartition par tranche d’âge\u00a0: indiquez des nombres entiers, ou laissez vide.'
		});
		// partly filled, or all empty, is fine
		expect(valueOf(workshop({ byGender: { F: '8', M: '', unknown: '' } })).breakdown).toEqual({ gender: { F: 8 } });
	});
});

const orgs: RecordingOrganisation[] = [
	{
		id: 'org-a',
		name: 'Médiathèque',
		departmentCode: '47',
		places: [
			{ id: 'place-1', nom: 'Médiathèque de Nérac', commune: 'Nérac' },
			{ id: 'place-2', nom: 'Annexe', commune: 'Nérac' }
		]
	},
	{ id: 'org-b', name: 'Association', departmentCode: '47', places: [] }
];

describe('fast entry', () => {
	it('starts from sensible defaults: today, individual, 30 minutes, at the mediator’s place', () => {
		const d = defaultForm(TODAY, orgs);
		expect(d).toMatchObject({
			date: TODAY,
			kind: 'individual',
			duration: '30',
			location: 'place',
			organisationId: 'org-a',
			placeId: 'place-1',
			person: 'anonymous',
			themes: []
		});
		expect(defaultForm(TODAY, [orgs[1]]).placeId).toBe('');
		expect(defaultForm(TODAY, []).organisationId).toBe('');
	});

	const last: LastAccompaniment = {
		organisationId: 'org-a',
		placeId: 'place-2',
		kind: 'individual',
		durationMinutes: 45,
		location: 'home',
		themes: ['E-mail', 'Santé'],
		procedureThemes: ['Social – Santé'],
		equipment: ['Tablette'],
		title: null,
		level: null
	};

	it('repeats the last one’s kind, duration, place and location, themes and equipment, dated today', () => {
		const r = repeatForm(last, TODAY, orgs);
		expect(r).toMatchObject({
			date: TODAY,
			organisationId: 'org-a',
			placeId: 'place-2',
			kind: 'individual',
			duration: '45',
			durationOther: '',
			location: 'home',
			themes: ['E-mail', 'Santé'],
			procedureThemes: ['Social – Santé'],
			equipment: ['Tablette']
		});
	});

	it('never repeats the person, their profile, the autonomy reached nor a workshop’s counts', () => {
		const r = repeatForm(
			{ ...last, ...({ beneficiaryId: ID, gender: 'F', ageBand: '70plus', autonomy: 'autonomous', participants: 9 } as object) },
			TODAY,
			orgs
		);
		expect(r).toMatchObject({
			person: 'anonymous',
			beneficiaryId: '',
			referralId: '',
			gender: '',
			ageBand: '',
			socialStatus: '',
			commune: '',
			autonomy: '',
			redirectedTo: [],
			participants: ''
		});
		expect(Object.values(r.byGender).every((v) => v === '')).toBe(true);
	});

	it('repeats a workshop series (title and level) and an unusual duration', () => {
		const r = repeatForm({ ...last, kind: 'collective', durationMinutes: 100, title: 'Atelier tablette', level: 'intermediate' }, TODAY, orgs);
		expect(r).toMatchObject({
			kind: 'collective',
			duration: 'other',
			durationOther: '100',
			title: 'Atelier tablette',
			level: 'intermediate',
			participants: ''
		});
	});

	it('falls back to the defaults for a place or an organisation the mediator no longer works for', () => {
		expect(repeatForm({ ...last, placeId: 'gone' }, TODAY, orgs).placeId).toBe('place-1');
		expect(repeatForm({ ...last, organisationId: 'left' }, TODAY, orgs)).toMatchObject({ organisationId: 'org-a', placeId: 'place-1', location: 'home' });
	});

	it('gives a form that validates as is once a theme is there', () => {
		expect(parseAccompaniment(defaultForm(TODAY, orgs), TODAY)).toEqual({ ok: false, fields: { themes: 'Cochez au moins un thème.' } });
		expect(parseAccompaniment(repeatForm(last, TODAY, orgs), TODAY).ok).toBe(true);
	});
});

describe('the period of the team view', () => {
	it('is this month by default, from the 1st to today', () => {
		expect(periodOf(null, undefined, TODAY)).toEqual({ from: '2026-11-01', to: TODAY, errors: {} });
	});
	it('reads the dates asked for, swaps them when reversed, and says when one cannot be read', () => {
		expect(periodOf('2026-10-31', '2026-10-01', TODAY)).toEqual({ from: '2026-10-01', to: '2026-10-31', errors: {} });
		expect(periodOf('01/09/2026', '', TODAY)).toMatchObject({ from: '2026-09-01', to: TODAY });
		expect(periodOf('n’importe', '', TODAY)).toMatchObject({ from: '2026-11-01', errors: { from: expect.stringMatching(/^Cette date n’existe pas/) } });
	});
});
