/** The strategy's pure rules: « en retard » derived, the forms' checks, the filters, the meetings' order. */
import { describe, expect, it } from 'vitest';
import {
	INDICATORS,
	actionInput,
	checkActionExtras,
	decisionInput,
	decisionStatus,
	effectiveStatus,
	eurosInput,
	fundingBalance,
	matchesFilter,
	meetingInput,
	orderMeetings,
	parseEuros,
	parseRoadmapFilter,
	parseTarget,
	type FilterableAction
} from './model.ts';

const TODAY = '2026-12-07';

describe('the status an action shows', () => {
	it('is « en retard » once the due day has passed, for an action to launch or under way only', () => {
		expect(effectiveStatus('planned', '2026-12-06', TODAY)).toBe('late');
		expect(effectiveStatus('in_progress', '2026-12-06', TODAY)).toBe('late');
		// the due day itself is still on time
		expect(effectiveStatus('in_progress', TODAY, TODAY)).toBe('in_progress');
		expect(effectiveStatus('done', '2026-01-01', TODAY)).toBe('done');
		expect(effectiveStatus('dropped', '2026-01-01', TODAY)).toBe('dropped');
	});
	it('is the same rule for a decision; without a due date a decision is never late', () => {
		expect(decisionStatus('open', '2026-12-01', TODAY)).toBe('late');
		expect(decisionStatus('open', null, TODAY)).toBe('open');
		expect(decisionStatus('done', '2026-12-01', TODAY)).toBe('done');
	});
});

const form = (over: Record<string, unknown> = {}) => ({
	title: 'Permanence itinérante',
	description: '',
	axisId: '',
	pilotId: '6b1f7a1e-1111-4a4a-8a8a-000000000001',
	partnerIds: [],
	wholeDepartment: true,
	areaIds: [],
	epciCodes: [],
	communes: '',
	budget: '45 000',
	fundings: [],
	indicators: [],
	dueDate: '30/06/2027',
	status: 'planned',
	...over
});

describe('the action’s form', () => {
	it('reads French amounts and days', () => {
		const v = actionInput.parse(form());
		expect(v.budget).toBe(4_500_000);
		expect(v.dueDate).toBe('2027-06-30');
		expect(actionInput.parse(form({ budget: '' })).budget).toBeNull();
		expect(parseEuros('2 500,50 €')).toBe(250_050);
		expect(parseEuros('douze')).toBeNull();
		expect(eurosInput(250_050)).toBe('2500,50');
		expect(eurosInput(null)).toBe('');
	});
	it('says in French what is missing, field by field', () => {
		const r = actionInput.safeParse(form({ title: '', pilotId: '', dueDate: '31/02/2027', status: 'finie', budget: 'beaucoup' }));
		expect(r.success).toBe(false);
		const fields = Object.fromEntries(r.error!.issues.map((i) => [String(i.path[0]), i.message]));
		expect(fields).toMatchObject({
			title: 'Donnez un titre à l’action (3 caractères au moins).',
			pilotId: 'Choisissez la structure qui pilote l’action.',
			dueDate: 'Indiquez l’échéance (jour, mois, année).',
			status: 'Choisissez l’état de l’action.'
		});
		expect(fields.budget).toMatch(/^Indiquez un montant en euros/);
	});
	it('checks fundings against the budget and the indicators against the catalogue', () => {
		const funder = '6b1f7a1e-1111-4a4a-8a8a-000000000002';
		const over = checkActionExtras(actionInput.parse(form({ budget: '1000', fundings: [{ funderId: funder, amount: '1500' }] })));
		expect(over.fields.fundings).toBe('Les financements dépassent le budget de l’action.');
		const twice = checkActionExtras(
			actionInput.parse(
				form({
					fundings: [
						{ funderId: funder, amount: '10' },
						{ funderId: funder, amount: '20' }
					]
				})
			)
		);
		expect(twice.fields.fundings).toBe('Un financeur n’apparaît qu’une fois.');
		const ok = checkActionExtras(
			actionInput.parse(
				form({
					fundings: [
						{ funderId: funder, amount: '20000' },
						{ funderId: '', amount: '' }
					],
					indicators: [
						{ key: 'white_zone_communes', target: '0', targetDate: '31/12/2027' },
						{ key: 'population_near_admin_help', target: '95 %', targetDate: '' }
					]
				})
			)
		);
		expect(ok.fields).toEqual({});
		expect(ok.fundings).toEqual([{ funderId: funder, amountCents: 2_000_000 }]);
		expect(ok.indicators).toEqual([
			{ key: 'white_zone_communes', target: 0, targetDate: '2027-12-31' },
			{ key: 'population_near_admin_help', target: 95, targetDate: null }
		]);
		const bad = checkActionExtras(
			actionInput.parse(
				form({
					indicators: [
						{ key: 'places_per_10k', target: 'beaucoup', targetDate: '' },
						{ key: 'bonheur', target: '', targetDate: '' }
					]
				})
			)
		);
		expect(bad.fields).toEqual({
			'target-places_per_10k': 'Indiquez la cible en chiffres, par exemple 80 ou 12,5.',
			indicators: 'Choisissez des indicateurs de la liste.'
		});
		expect(parseTarget('1 500,5')).toBe(1500.5);
		expect(parseTarget('')).toBeNull();
	});
	it('offers the catalogue the figures pages compute, each with a French label and a unit', () => {
		expect(Object.keys(INDICATORS)).toEqual(
			expect.arrayContaining([
				'places_per_10k',
				'population_near_admin_help',
				'white_zone_communes',
				'referrals_honoured_rate',
				'first_answer_days',
				'pass_redeemed',
				'helpers_trained',
				'devices_handed'
			])
		);
		for (const i of Object.values(INDICATORS)) expect(i.label.length).toBeGreaterThan(5);
	});
	it('what the fundings leave to find', () => {
		expect(fundingBalance(100_00, [{ amountCents: 30_00 }, { amountCents: 20_00 }])).toEqual({ fundedCents: 50_00, missingCents: 50_00 });
		expect(fundingBalance(null, [{ amountCents: 30_00 }])).toEqual({ fundedCents: 30_00, missingCents: null });
	});
});

describe('the meeting’s and the decision’s forms', () => {
	it('read an hour as people type it, and refuse what is not one', () => {
		const base = { kind: 'copil', heldOn: '2027-01-15', mode: 'hybrid', location: 'Agen', presentIds: [], agenda: '', minutes: '' };
		expect(meetingInput.parse({ ...base, startTime: '9h30' }).startTime).toBe('09:30');
		expect(meetingInput.parse({ ...base, startTime: '14h' }).startTime).toBe('14:00');
		expect(meetingInput.parse({ ...base, startTime: '' }).startTime).toBeNull();
		const r = meetingInput.safeParse({ ...base, startTime: '25:00', kind: 'apéro' });
		expect(Object.fromEntries(r.error!.issues.map((i) => [String(i.path[0]), i.message]))).toEqual({
			kind: 'Choisissez le type de réunion.',
			startTime: 'Indiquez l’heure, par exemple 14:30.'
		});
	});
	it('a decision needs its words; its due date may stay empty', () => {
		expect(decisionInput.parse({ body: 'Relancer les lieux', ownerId: '', dueDate: '', actionIds: [] })).toMatchObject({
			dueDate: null,
			ownerId: null,
			status: 'open'
		});
		const r = decisionInput.safeParse({ body: '', dueDate: '32/01/2027', actionIds: [] });
		expect(Object.fromEntries(r.error!.issues.map((i) => [String(i.path[0]), i.message]))).toEqual({
			body: 'Écrivez la décision (3 caractères au moins).',
			dueDate: 'Indiquez l’échéance (jour, mois, année), ou laissez vide.'
		});
	});
});

describe('the roadmap’s filters', () => {
	const a: FilterableAction = {
		status: 'in_progress',
		dueDate: '2026-11-30',
		axisId: '6b1f7a1e-1111-4a4a-8a8a-0000000000aa',
		pilotOrganisationId: 'p',
		partnerOrganisationIds: ['q'],
		funderOrganisationIds: ['f'],
		wholeDepartment: false,
		communes: new Set(['47195', '47167'])
	};
	it('reads the query string, ignoring what it does not know', () => {
		expect(parseRoadmapFilter(new URLSearchParams('statut=late&axe=sans&territoire=commune:47195&partenaire=nope'))).toEqual({
			status: 'late',
			axisId: 'sans',
			organisationId: null,
			area: 'commune:47195'
		});
		expect(parseRoadmapFilter(new URLSearchParams('statut=finie&territoire=ville:1'))).toMatchObject({ status: null, area: null });
	});
	it('by shown status, axis, any role of a partner, and area', () => {
		const f = parseRoadmapFilter(new URLSearchParams());
		expect(matchesFilter(a, { ...f, status: 'late' }, null, TODAY)).toBe(true);
		expect(matchesFilter(a, { ...f, status: 'in_progress' }, null, TODAY)).toBe(false);
		expect(matchesFilter(a, { ...f, axisId: 'sans' }, null, TODAY)).toBe(false);
		for (const o of ['p', 'q', 'f']) expect(matchesFilter(a, { ...f, organisationId: o }, null, TODAY)).toBe(true);
		expect(matchesFilter(a, { ...f, organisationId: 'z' }, null, TODAY)).toBe(false);
		expect(matchesFilter(a, { ...f, area: 'epci:200000000' }, new Set(['47195', '47001']), TODAY)).toBe(true);
		expect(matchesFilter(a, { ...f, area: 'epci:200000001' }, new Set(['47001']), TODAY)).toBe(false);
		// the whole département is in every area
		expect(matchesFilter({ ...a, wholeDepartment: true }, { ...f, area: 'epci:200000001' }, new Set(['47001']), TODAY)).toBe(true);
	});
});

describe('the meetings’ order', () => {
	it('the next meeting first, then those held, the latest first', () => {
		const m = (heldOn: string, startTime: string | null = null) => ({ heldOn, startTime });
		const { upcoming, past } = orderMeetings([m('2026-09-01'), m('2027-03-01'), m('2026-12-07', '14:00'), m('2026-12-07', '09:00'), m('2026-11-02')], TODAY);
		expect(upcoming).toEqual([m('2026-12-07', '09:00'), m('2026-12-07', '14:00'), m('2027-03-01')]);
		expect(past).toEqual([m('2026-11-02'), m('2026-09-01')]);
	});
});
