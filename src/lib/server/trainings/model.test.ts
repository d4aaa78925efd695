import { describe, expect, it } from 'vitest';
import {
	catalogueMonths,
	catalogueQuery,
	checkSlots,
	defaultDeadline,
	halfOf,
	matchesCatalogue,
	parseCatalogueFilter,
	parseTime,
	placement,
	profileOf,
	publicRegistrationInput,
	registrationState,
	seatsText,
	sessionInput,
	slotInstants,
	slotLabel,
	slotMinutes,
	trainingInput
} from './model.ts';

describe('half-day slots, Paris time', () => {
	it('reads typed hours', () => {
		expect(parseTime('9h')).toBe('09:00');
		expect(parseTime('9 h 30')).toBe('09:30');
		expect(parseTime('14:05')).toBe('14:05');
		expect(parseTime('1400')).toBe('14:00');
		expect(parseTime('25:00')).toBe(null);
		expect(parseTime('midi')).toBe(null);
	});
	it('tells the morning from the afternoon, and counts minutes', () => {
		expect(halfOf('09:00')).toBe('am');
		expect(halfOf('11:59')).toBe('am');
		expect(halfOf('12:00')).toBe('pm');
		expect(slotMinutes({ startTime: '14:00', endTime: '17:30' })).toBe(210);
	});
	it('turns a slot into instants whatever the server’s zone, on both sides of a change of time', () => {
		expect(slotInstants({ day: '2027-01-14', startTime: '14:00', endTime: '17:00' }).start.toISOString()).toBe('2027-01-14T13:00:00.000Z');
		expect(slotInstants({ day: '2027-07-15', startTime: '09:00', endTime: '12:00' }).end.toISOString()).toBe('2027-07-15T10:00:00.000Z');
		// the spring change (28 March 2027): 09:00 is summer time already
		expect(slotInstants({ day: '2027-03-28', startTime: '09:00', endTime: '12:00' }).start.toISOString()).toBe('2027-03-28T07:00:00.000Z');
	});
	it('writes a slot the French way', () => {
		expect(slotLabel({ day: '2027-03-11', startTime: '14:00', endTime: '17:00' })).toBe('jeudi 11 mars 2027, 14\u00a0h\u00a0– 17\u00a0h');
	});
	it('checks the rows of the form: each half-day once, in order, to come', () => {
		const ok = checkSlots(
			[
				{ day: '2027-03-12', start: '14h', end: '17h' },
				{ day: '', start: '', end: '' },
				{ day: '11/03/2027', start: '9:00', end: '12:00' }
			],
			'2027-01-01'
		);
		expect(ok.fields).toEqual({});
		expect(ok.slots.map((s) => `${s.day} ${s.half} ${s.startTime}-${s.endTime}`)).toEqual(['2027-03-11 am 09:00-12:00', '2027-03-12 pm 14:00-17:00']);
		const bad = checkSlots(
			[
				{ day: '2027-03-12', start: '14h', end: '12h' },
				{ day: '2027-03-12', start: '8h', end: '15h' },
				{ day: '2026-12-01', start: '9h', end: '12h' },
				{ day: '2027-03-11', start: '9h', end: '12h' },
				{ day: '2027-03-11', start: '10h', end: '11h' }
			],
			'2027-01-01'
		);
		expect(Object.keys(bad.fields).sort()).toEqual(['slot-0', 'slot-1', 'slot-2', 'slot-4']);
		expect(bad.fields['slot-4']).toBe('Le matin du 11 mars 2027 est déjà dans la session.');
		expect(checkSlots([], '2027-01-01').fields.slots).toBe('Indiquez au moins une demi-journée.');
	});
	it('sets the deadline the day before, never in the past', () => {
		expect(defaultDeadline('2027-03-11', '2027-01-01')).toBe('2027-03-10');
		expect(defaultDeadline('2027-03-11', '2027-03-11')).toBe('2027-03-11');
	});
});

describe('registrations', () => {
	const slot = { day: '2027-03-11', startTime: '14:00', endTime: '17:00' };
	it('are open while published, before the deadline (the day counts) and before the first slot', () => {
		const s = { status: 'published', registrationDeadline: '2027-03-10' };
		expect(registrationState(s, slot, new Date('2027-03-10T21:00:00Z'))).toBe('open');
		expect(registrationState(s, slot, new Date('2027-03-10T23:30:00Z'))).toBe('deadline');
		expect(registrationState({ ...s, registrationDeadline: '2027-03-11' }, slot, new Date('2027-03-11T13:00:00Z'))).toBe('started');
		expect(registrationState({ ...s, status: 'draft' }, slot, new Date('2027-01-01'))).toBe('draft');
		expect(registrationState({ ...s, status: 'cancelled' }, slot, new Date('2027-01-01'))).toBe('cancelled');
	});
	it('give a seat while there is one, else the waiting list', () => {
		expect(placement(10, 9)).toBe('confirmed');
		expect(placement(10, 10)).toBe('waiting');
		expect(placement(null, 1000)).toBe('confirmed');
		expect(seatsText(10, 7, 0)).toBe('3 places restantes sur 10');
		expect(seatsText(10, 10, 3)).toBe('Complet\u00a0: liste d’attente (3 personnes)');
		expect(seatsText(null, 3, 0)).toBe('Places sans limite');
	});
	it('take 4 fields without an account, in French', () => {
		const ok = publicRegistrationInput.safeParse({ firstName: ' Inès ', lastName: 'Duval', email: 'Ines.Duval@Exemple.FR ', profile: 'volunteer' });
		expect(ok.success && ok.data).toEqual({ firstName: 'Inès', lastName: 'Duval', email: 'ines.duval@exemple.fr', profile: 'volunteer' });
		const bad = publicRegistrationInput.safeParse({ firstName: '', lastName: '=cmd', email: 'pas une adresse', profile: 'x' });
		expect(bad.success).toBe(false);
		const messages = Object.fromEntries((bad.success ? [] : bad.error.issues).map((i) => [i.path[0], i.message]));
		expect(messages).toEqual({
			firstName: 'Indiquez votre prénom.',
			lastName: 'Votre nom ne peut contenir ni <, >, @, \\, {, } ni =.',
			email: 'Indiquez une adresse e-mail valide, par exemple prenom.nom@exemple.fr.',
			profile: 'Choisissez ce qui vous décrit le mieux.'
		});
	});
	it('derive a professional’s profile from their structure and role', () => {
		expect(profileOf(['mediator'], 'france_services')).toBe('france_services');
		expect(profileOf(['prescriber'], 'ccas')).toBe('social_worker');
		expect(profileOf(['partner'], 'operateur')).toBe('partner_agent');
		expect(profileOf(['place_manager'], 'mediatheque')).toBe('mediator');
		expect(profileOf(['coordinator'], 'departement')).toBe('other');
	});
});

describe('the catalogue’s filters', () => {
	it('read the query string, ignoring anything unknown', () => {
		expect(parseCatalogueFilter(new URLSearchParams('public=mediators&theme=procedures&territoire=epci:200068815&mois=2027-03'))).toEqual({
			audience: 'mediators',
			theme: 'procedures',
			area: 'epci:200068815',
			month: '2027-03-01'
		});
		expect(parseCatalogueFilter(new URLSearchParams('public=x&theme=&territoire=commune:47001&mois=2027-13'))).toEqual({
			audience: null,
			theme: null,
			area: null,
			month: null
		});
		expect(catalogueQuery({ audience: 'volunteers', theme: null, area: 'area:3', month: '2027-03-01' })).toBe(
			'?public=volunteers&territoire=area%3A3&mois=2027-03'
		);
		expect(catalogueMonths('2026-11-20')).toHaveLength(12);
		expect(catalogueMonths('2026-11-20').slice(0, 3)).toEqual(['2026-11-01', '2026-12-01', '2027-01-01']);
	});
	it('keep a session by audience, theme, month and area (a webinar is everywhere; a relayed one where its relays are)', () => {
		const s = {
			audiences: ['mediators', 'volunteers'],
			theme: 'procedures',
			format: 'on_site',
			firstDay: '2027-03-11',
			lastDay: '2027-03-12',
			communes: ['47001']
		};
		const none = { audience: null, theme: null, area: null, month: null };
		const agen = new Set(['47001', '47091']);
		const nerac = new Set(['47195']);
		expect(matchesCatalogue(s, none, null)).toBe(true);
		expect(matchesCatalogue(s, { ...none, audience: 'volunteers' }, null)).toBe(true);
		expect(matchesCatalogue(s, { ...none, audience: 'social_workers' }, null)).toBe(false);
		expect(matchesCatalogue(s, { ...none, theme: 'security' }, null)).toBe(false);
		expect(matchesCatalogue(s, { ...none, month: '2027-03-01' }, null)).toBe(true);
		expect(matchesCatalogue(s, { ...none, month: '2027-04-01' }, null)).toBe(false);
		expect(matchesCatalogue(s, { ...none, area: 'area:1' }, agen)).toBe(true);
		expect(matchesCatalogue(s, { ...none, area: 'area:2' }, nerac)).toBe(false);
		expect(matchesCatalogue({ ...s, format: 'webinar', communes: [] }, { ...none, area: 'area:2' }, nerac)).toBe(true);
		expect(matchesCatalogue({ ...s, format: 'relayed_webinar', communes: ['47195'] }, { ...none, area: 'area:2' }, nerac)).toBe(true);
		expect(matchesCatalogue({ ...s, format: 'relayed_webinar', communes: [] }, { ...none, area: 'area:2' }, nerac)).toBe(false);
	});
});

describe('the forms', () => {
	it('check a training in French', () => {
		const bad = trainingInput.safeParse({ organiserId: 'x', title: 'A', objectives: 'court', audiences: [], theme: 'x', format: 'x' });
		expect(bad.success).toBe(false);
		const fields = Object.fromEntries((bad.success ? [] : bad.error.issues).map((i) => [i.path[0], i.message]));
		expect(fields.audiences).toBe('Cochez au moins un public.');
		expect(fields.title).toBe('Donnez un titre à la formation (3 caractères au moins).');
		expect(fields.format).toBe('Dites si la formation a lieu sur place ou en webinaire.');
	});
	it('check a session: capacity, link, deadline', () => {
		const ok = sessionInput.safeParse({ slots: [], capacity: '12', broadcastUrl: '', registrationDeadline: '10/03/2027', status: 'published' });
		expect(ok.success && [ok.data.capacity, ok.data.broadcastUrl, ok.data.registrationDeadline]).toEqual([12, null, '2027-03-10']);
		const bad = sessionInput.safeParse({ capacity: '0', broadcastUrl: 'http://x', status: 'published' });
		const fields = Object.fromEntries((bad.success ? [] : bad.error.issues).map((i) => [i.path[0], i.message]));
		expect(fields).toEqual({ capacity: 'Une session a au moins une place.', broadcastUrl: 'Indiquez l’adresse du webinaire, commençant par https://' });
		expect(sessionInput.safeParse({ capacity: '', status: 'draft' }).data?.capacity).toBe(null);
	});
});
