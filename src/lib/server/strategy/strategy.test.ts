/**
 * The roadmap and the steering committees through their use cases: the coordinators of the
 * département write (everything journaled, bad input writes nothing), its partners read only,
 * another département's coordinators see nothing; on PostgreSQL the request role's policies
 * hide another département's rows even when the code's wall is passed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { onPostgres } from '../../../../test/db.ts';
import { openWorld, type World } from '../../../../test/world.ts';
import type { Database } from '../db/client.ts';
import { runInScope } from '../db/request-scope.ts';
import { scopeOf, type Actor } from '../accounts/index.ts';
import { addDays, parisDay } from '../../time.ts';
import { strategyActions, strategyDecisions } from './db.ts';
import {
	actionDetail,
	addActionNote,
	addDecision,
	createAction,
	createAxis,
	createMeeting,
	deleteAction,
	deleteAxis,
	meetingDetail,
	meetingsOverview,
	indicatorTargets,
	roadmap,
	roadmapFile,
	setDecisionStatus,
	updateAction,
	StrategyError
} from './index.ts';

const today = parisDay();
const refused = (p: Promise<unknown>) =>
	p.then(
		() => 'done',
		(e) => (e instanceof StrategyError ? e.code : String(e))
	);
const fieldsOf = (p: Promise<unknown>) =>
	p.then(
		() => ({}),
		(e) => (e instanceof StrategyError ? e.fields : { thrown: String(e) })
	);

describe('the strategy’s use cases', () => {
	let w: World;
	let cd47: string;
	let caf: string;
	let lgn: string;
	let coordinator: Actor;
	let partner: Actor;
	let outsider: Actor;
	let prescriber: Actor;
	let axis: string;
	let roaming: string;

	const journaled = async (action: string) =>
		(await w.db.query<{ n: number }>(sql`select count(*)::int as n from audit_log where action = ${action} and department_code = '47'`))[0].n;

	const actionForm = (over: Record<string, unknown> = {}) => ({
		title: 'Une permanence itinérante dans l’Albret',
		description: 'Une demi-journée par semaine dans chaque bourg.',
		axisId: axis,
		pilotId: lgn,
		partnerIds: [cd47],
		wholeDepartment: false,
		areaIds: [],
		epciCodes: [],
		communes: 'Nérac, 47167',
		budget: '45 000',
		fundings: [{ funderId: cd47, amount: '25000' }],
		indicators: [{ key: 'white_zone_communes', target: '0', targetDate: addDays(today, 365) }],
		dueDate: addDays(today, 180),
		status: 'planned',
		...over
	});

	beforeAll(async () => {
		w = await openWorld({ boss: false });
		cd47 = await w.organisation('Département de Lot-et-Garonne', 'departement');
		caf = await w.organisation('CAF de Lot-et-Garonne', 'operateur');
		lgn = await w.organisation('Lot-et-Garonne Numérique', 'collectivite');
		const ccas = await w.organisation('CCAS de Nérac', 'ccas');
		coordinator = await w.member('cam@cd47.test', cd47, 'coordinator');
		partner = await w.member('alex@caf47.test', caf, 'partner');
		prescriber = await w.member('pat@ccas.test', ccas, 'prescriber');
		outsider = await w.member('coord@cd33.test', await w.organisation('Département de la Gironde', 'departement', '33'), 'coordinator');
	}, 120_000);
	afterAll(async () => w?.close());

	it('a coordinator of 47 builds the roadmap: an axis, an action with its fundings, areas and indicators, journaled', async () => {
		await createAxis(w.db, coordinator, '47', { label: 'Réseau des lieux de proximité' });
		expect(await fieldsOf(createAxis(w.db, coordinator, '47', { label: 'réseau des lieux de proximité' }))).toEqual({ label: 'Un axe porte déjà ce nom.' });
		const r0 = await roadmap(w.db, coordinator, new URLSearchParams());
		axis = r0.axes[0].id;
		roaming = await createAction(w.db, coordinator, '47', actionForm());
		const d = await actionDetail(w.db, coordinator, roaming);
		expect(d.manage).toBe(true);
		expect(d.pilot).toBe('Lot-et-Garonne Numérique');
		expect(d.partners).toEqual(['Département de Lot-et-Garonne']);
		expect(d.areas).toEqual(['Nérac', 'Mézin']);
		expect(d.balance).toEqual({ fundedCents: 2_500_000, missingCents: 2_000_000 });
		expect(d.indicators).toEqual([{ key: 'white_zone_communes', target: 0, targetDate: addDays(today, 365) }]);
		expect(d.shownStatus).toBe('planned');
		expect(await journaled('strategy.action.created')).toBe(1);
		expect(await journaled('strategy.axis.created')).toBe(1);
	});

	it('refuses a form with errors, field by field, and writes nothing', async () => {
		const before = (await w.db.db.select({ id: strategyActions.id }).from(strategyActions)).length;
		const fields = await fieldsOf(
			createAction(
				w.db,
				coordinator,
				'47',
				actionForm({ title: '', communes: 'Nérac, Atlantis', fundings: [{ funderId: cd47, amount: '99000' }], pilotId: outsider.memberships[0].organisationId })
			)
		);
		expect(fields).toMatchObject({ title: 'Donnez un titre à l’action (3 caractères au moins).' });
		const more = await fieldsOf(
			createAction(
				w.db,
				coordinator,
				'47',
				actionForm({ communes: 'Nérac, Atlantis', fundings: [{ funderId: cd47, amount: '99000' }], pilotId: outsider.memberships[0].organisationId })
			)
		);
		expect(more).toEqual({
			communes: 'Cette commune n’est pas du département\u00a0: Atlantis. Écrivez leur nom ou leur code Insee.',
			fundings: 'Les financements dépassent le budget de l’action.',
			pilotId: 'Choisissez une structure du département.'
		});
		expect(await fieldsOf(createAction(w.db, coordinator, '47', actionForm({ communes: '' })))).toEqual({
			areas: 'Dites où porte l’action\u00a0: tout le département, ou des territoires, intercommunalités ou communes.'
		});
		expect((await w.db.db.select({ id: strategyActions.id }).from(strategyActions)).length).toBe(before);
	});

	it('edits, follows with dated notes, and says « en retard » once the due date has passed', async () => {
		await updateAction(w.db, coordinator, roaming, actionForm({ status: 'in_progress', dueDate: addDays(today, -1) }));
		const d = await actionDetail(w.db, coordinator, roaming);
		expect(d.shownStatus).toBe('late');
		await addActionNote(w.db, coordinator, roaming, { notedOn: today, body: 'Itinéraire proposé aux communes.' });
		expect(await fieldsOf(addActionNote(w.db, coordinator, roaming, { notedOn: addDays(today, 3), body: 'Plus tard' }))).toEqual({
			notedOn: 'Un point d’avancement est daté d’aujourd’hui ou d’avant.'
		});
		const after = await actionDetail(w.db, partner, roaming);
		expect(after.notes.map((n) => [n.notedOn, n.body, n.author])).toEqual([[today, 'Itinéraire proposé aux communes.', 'cam']]);
		const [entry] = await w.db.query<{ details: { from: string; to: string; fields: string[] } }>(
			sql`select details from audit_log where action = 'strategy.action.updated' order by id desc limit 1`
		);
		expect(entry.details).toMatchObject({ from: 'planned', to: 'in_progress', fields: ['dueDate', 'status'] });
		// the same form again changes nothing, and journals nothing
		const n = await journaled('strategy.action.updated');
		await updateAction(w.db, coordinator, roaming, actionForm({ status: 'in_progress', dueDate: addDays(today, -1) }));
		expect(await journaled('strategy.action.updated')).toBe(n);
	});

	it('filters the roadmap by status, axis, partner and area, sorted by due date', async () => {
		const fund = await createAction(
			w.db,
			coordinator,
			'47',
			actionForm({
				title: 'Abonder le fonds',
				axisId: '',
				pilotId: cd47,
				partnerIds: [caf],
				wholeDepartment: true,
				communes: '',
				dueDate: addDays(today, 90),
				fundings: [{ funderId: caf, amount: '40000' }],
				budget: ''
			})
		);
		const list = async (q: string) => (await roadmap(w.db, coordinator, new URLSearchParams(q))).actions.map((a) => a.title);
		expect(await list('')).toEqual(['Une permanence itinérante dans l’Albret', 'Abonder le fonds']);
		expect(await list('statut=late')).toEqual(['Une permanence itinérante dans l’Albret']);
		expect(await list(`axe=${axis}`)).toEqual(['Une permanence itinérante dans l’Albret']);
		expect(await list('axe=sans')).toEqual(['Abonder le fonds']);
		expect(await list(`partenaire=${caf}`)).toEqual(['Abonder le fonds']);
		// Nérac: the action on Nérac, and the one on the whole département
		expect(await list('territoire=commune:47195')).toEqual(['Une permanence itinérante dans l’Albret', 'Abonder le fonds']);
		expect(await list('territoire=commune:47001')).toEqual(['Abonder le fonds']);
		const r = await roadmap(w.db, partner, new URLSearchParams());
		expect(r.manage).toBe(false);
		expect(r.counts).toMatchObject({ late: 1, planned: 1 });
		expect(fund).toBeTruthy();
		// for the figures pages: the targets set on an indicator, by the live actions, for whoever reads the roadmap
		const targets = await indicatorTargets(w.db, partner, '47');
		expect(targets.get('white_zone_communes')?.map((t) => [t.title, t.target, t.shownStatus])).toEqual([
			['Une permanence itinérante dans l’Albret', 0, 'late'],
			['Abonder le fonds', 0, 'planned']
		]);
		expect((await indicatorTargets(w.db, outsider, '47')).size).toBe(0);
	});

	it('a partner of 47 reads but cannot write; a coordinator of 33 and a prescriber of 47 see nothing', async () => {
		expect(await refused(createAction(w.db, partner, '47', actionForm()))).toBe('forbidden');
		expect(await refused(updateAction(w.db, partner, roaming, actionForm()))).toBe('forbidden');
		expect(await refused(deleteAction(w.db, partner, roaming, true))).toBe('forbidden');
		expect(await refused(createMeeting(w.db, partner, '47', { kind: 'copil', heldOn: today, mode: 'video', presentIds: [] }))).toBe('forbidden');
		expect((await actionDetail(w.db, partner, roaming)).manage).toBe(false);
		for (const who of [outsider, prescriber]) {
			expect(await refused(actionDetail(w.db, who, roaming))).toBe('forbidden');
			expect(await refused(createAction(w.db, who, '47', actionForm()))).toBe('forbidden');
		}
		// the 33 coordinator's roadmap is theirs: empty, and 47 cannot be asked for
		const r = await roadmap(w.db, outsider, new URLSearchParams('departement=47'));
		expect(r.departmentCode).toBe('33');
		expect(r.actions).toEqual([]);
		expect(await refused(roadmap(w.db, prescriber, new URLSearchParams()))).toBe('forbidden');
	});

	it('committees: the next meeting first, decisions followed until done, a deleted action leaves its decisions', async () => {
		const past = await createMeeting(w.db, coordinator, '47', {
			kind: 'copil',
			heldOn: addDays(today, -30),
			startTime: '14h',
			mode: 'hybrid',
			location: 'Hôtel du Département, Agen',
			presentIds: [cd47, caf, lgn],
			agenda: '1. Zones blanches',
			minutes: 'Les partenaires valident une permanence itinérante.'
		});
		const next = await createMeeting(w.db, coordinator, '47', { kind: 'cotech', heldOn: addDays(today, 20), mode: 'video', presentIds: [] });
		await createMeeting(w.db, coordinator, '47', { kind: 'copil', heldOn: addDays(today, 60), mode: 'in_person', presentIds: [] });
		expect(await fieldsOf(createMeeting(w.db, coordinator, '47', { kind: 'copil', heldOn: 'demain', mode: 'video', presentIds: [] }))).toEqual({
			heldOn: 'Indiquez la date de la réunion (jour, mois, année).'
		});
		const decision = await addDecision(w.db, coordinator, past, {
			body: 'Proposer un itinéraire',
			ownerId: lgn,
			dueDate: addDays(today, -2),
			actionIds: [roaming]
		});
		await addDecision(w.db, coordinator, past, { body: 'Relancer les opérateurs', ownerId: cd47, dueDate: '', actionIds: [] });
		const o = await meetingsOverview(w.db, partner, null);
		expect(o.manage).toBe(false);
		expect(o.upcoming.map((m) => m.id)).toEqual([next, expect.any(String)]);
		expect(o.past.map((m) => m.id)).toEqual([past]);
		expect(o.toFollow.map((d) => [d.body, d.statusLabel, d.owner])).toEqual([
			['Proposer un itinéraire', 'En retard', 'Lot-et-Garonne Numérique'],
			['Relancer les opérateurs', 'À faire', 'Département de Lot-et-Garonne']
		]);
		expect((await actionDetail(w.db, coordinator, roaming)).decisions.map((d) => d.body)).toEqual(['Proposer un itinéraire']);
		await setDecisionStatus(w.db, coordinator, decision, { status: 'done' });
		const m = await meetingDetail(w.db, partner, past);
		expect(m.present).toEqual(['CAF de Lot-et-Garonne', 'Département de Lot-et-Garonne', 'Lot-et-Garonne Numérique']);
		expect(m.decisions[0]).toMatchObject({ shownStatus: 'done', doneOn: today, actions: [{ id: roaming, title: 'Une permanence itinérante dans l’Albret' }] });
		expect(await refused(setDecisionStatus(w.db, partner, decision, { status: 'open' }))).toBe('forbidden');
		expect(await refused(meetingDetail(w.db, outsider, past))).toBe('forbidden');
		// an action deleted (confirmed) leaves the decisions that named it
		expect(await fieldsOf(deleteAction(w.db, coordinator, roaming, false))).toEqual({ confirm: 'Cochez la case pour confirmer la suppression.' });
		const extra = await createAction(w.db, coordinator, '47', actionForm({ title: 'À supprimer' }));
		await addDecision(w.db, coordinator, past, { body: 'Chiffrer', dueDate: '', actionIds: [extra, roaming] });
		await deleteAction(w.db, coordinator, extra, true);
		const [d] = await w.db.db.select().from(strategyDecisions).where(eq(strategyDecisions.body, 'Chiffrer'));
		expect(d.actionIds).toEqual([roaming]);
		expect(await journaled('strategy.action.deleted')).toBe(1);
		expect(await journaled('strategy.decision.recorded')).toBe(3);
		expect(await journaled('strategy.decision.updated')).toBe(1);
		// an axis in use is kept
		expect(await refused(deleteAxis(w.db, coordinator, axis))).toBe('conflict');
	});

	it('exports the roadmap as CSV (formulas neutralised) and XLSX (amounts as numbers, text as text)', async () => {
		await createAction(
			w.db,
			coordinator,
			'47',
			actionForm({ title: '=HYPERLINK("http://x.invalid","clic")', wholeDepartment: true, communes: '', dueDate: addDays(today, 400) })
		);
		const csv = await roadmapFile(w.db, partner, new URLSearchParams(), 'csv');
		const text = csv.body as string;
		expect(
			text.startsWith(
				'\ufeffAction;Axe;Pilote;Co-partenaires;Territoires;Budget (€);Financements;Reste à financer (€);Indicateurs suivis;Échéance;État;Description\r\n'
			)
		).toBe(true);
		expect(text).toContain('\'=HYPERLINK(""http://x.invalid"",""clic"")');
		expect(text).toContain(
			'Une permanence itinérante dans l’Albret;Réseau des lieux de proximité;Lot-et-Garonne Numérique;Département de Lot-et-Garonne;Nérac, Mézin;45000,00;Département de Lot-et-Garonne (25000,00 €);20000,00;Communes sans aucun lieu à moins de 15\u00a0km (zones blanches)\u00a0: 0 communes au '
		);
		expect(csv.name).toBe(`feuille-de-route-47-${today}.csv`);
		const filtered = await roadmapFile(w.db, partner, new URLSearchParams('statut=late'), 'csv');
		expect((filtered.body as string).trim().split('\r\n')).toHaveLength(2);
		expect(filtered.name).toMatch(/-filtree\.csv$/);
		const xlsx = await roadmapFile(w.db, partner, new URLSearchParams(), 'xlsx');
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load((xlsx.body as Uint8Array).buffer as ArrayBuffer);
		const sheet = wb.getWorksheet('Feuille de route')!;
		expect(sheet.getRow(1).getCell(1).value).toBe('Action');
		const rows = sheet.getSheetValues().slice(2) as unknown[][];
		const roamingRow = rows.find((r) => r[1] === 'Une permanence itinérante dans l’Albret')!;
		expect(roamingRow[6]).toBe(45000);
		expect(roamingRow[8]).toBe(20000);
		expect(roamingRow[10]).toBeInstanceOf(Date);
		const formula = rows.find((r) => String(r[1]).startsWith('=HYPERLINK'))!;
		expect(typeof formula[1]).toBe('string');
		expect(wb.getWorksheet('Indicateurs suivis')!.rowCount).toBeGreaterThan(1);
		expect(await refused(roadmapFile(w.db, prescriber, new URLSearchParams(), 'csv'))).toBe('forbidden');
	});

	describe.skipIf(!onPostgres())('on PostgreSQL, through the request role', () => {
		let request: Database;
		const as = <T>(actor: Actor, fn: () => Promise<T>) => runInScope(fn, { departments: scopeOf(actor), userId: actor.userId, owner: '', voucherCode: '' });
		beforeAll(async () => {
			request = await w.requestDatabase(2);
		});

		it('the coordinator and the partner of 47 read and write as above; a request scoped to 33 sees no row of 47, nor writes one', async () => {
			const r = await as(partner, () => roadmap(request, partner, new URLSearchParams()));
			expect(r.actions.length).toBeGreaterThan(1);
			const id = await as(coordinator, () => createAction(request, coordinator, '47', actionForm({ title: 'Écrite par la requête' })));
			expect((await as(partner, () => actionDetail(request, partner, id))).action.title).toBe('Écrite par la requête');
			// the code's wall passed on purpose (a 47 coordinator's actor) in a 33 scope: the policies hide the row
			const scoped33 = <T>(fn: () => Promise<T>) => runInScope(fn, { departments: '33', userId: outsider.userId, owner: '', voucherCode: '' });
			expect(await scoped33(() => refused(actionDetail(request, coordinator, id)))).toBe('not_found');
			expect(await scoped33(() => request.db.select().from(strategyActions))).toEqual([]);
			expect(await scoped33(() => request.db.select().from(strategyDecisions))).toEqual([]);
			const wrote = await scoped33(() => refused(createAction(request, coordinator, '47', actionForm({ title: 'Par effraction' }))));
			expect(wrote).not.toBe('done');
			expect(await w.db.db.select().from(strategyActions).where(eq(strategyActions.title, 'Par effraction'))).toEqual([]);
		});
	});
});
