/**
 * The journal's sentences (issue 12, item 13): every action the code writes to the journal
 * has one (this test reads the code for them), and they read as French with names.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ACTIONS, actionChoices, sentence, type Facts } from './sentences.ts';
import { detailLines } from './details.ts';
import { de } from './words.ts';

const SRC = join(import.meta.dirname, '..', '..', '..');

function sourceFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const p = join(dir, name);
		if (statSync(p).isDirectory()) return sourceFiles(p);
		return /\.(ts|js)$/.test(name) && !/\.test\.ts$/.test(name) ? [p] : [];
	});
}

/** The authorisation actions of can() (permissions/can.ts): not journal entries. */
function canActions(): Set<string> {
	const text = readFileSync(join(SRC, 'lib', 'server', 'permissions', 'can.ts'), 'utf8');
	const block = /export type Action =([\s\S]*?);/.exec(text)![1];
	return new Set([...block.matchAll(/'([a-z_.]+)'/g)].map((m) => m[1]));
}

/**
 * The actions written to the journal anywhere in src: the dotted strings of every
 * `action: …` (ternaries included) and of the journal helpers called with an action first
 * (`entry('consent.refused')`).
 */
function journaledActions(): Map<string, string> {
	const found = new Map<string, string>();
	const skip = canActions();
	for (const file of sourceFiles(SRC)) {
		if (file.endsWith(join('journal', 'sentences.ts'))) continue;
		const text = readFileSync(file, 'utf8');
		const segments = [...text.matchAll(/\baction:\s*([^,\n}]*(?:\?[^,\n}]*)?)/g), ...text.matchAll(/\bentry\(\s*('[^']*')/g)].map((m) => m[1]);
		for (const seg of segments) {
			for (const m of seg.matchAll(/'([a-z_]+(?:\.[a-z_]+)+)'/g)) {
				if (skip.has(m[1])) continue;
				if (!found.has(m[1])) found.set(m[1], relative(SRC, file));
			}
		}
	}
	return found;
}

const facts = (over: Partial<Facts> = {}): Facts => ({
	actor: 'Camille Martin',
	target: 'Médiathèque de Nérac (Nérac)',
	person: 'une personne',
	place: 'Médiathèque de Nérac (Nérac)',
	organisation: 'CAF de Lot-et-Garonne',
	user: 'Sacha Prescripteur',
	d: {},
	...over
});

describe('the journal’s sentences', () => {
	it('reads the actions from the code (the grep finds the known ones)', () => {
		const found = journaledActions();
		for (const a of [
			'referral.sent',
			'referral.transition',
			'place.claim_approved',
			'place.claim_rejected',
			'consent.refused',
			'consent.confirmed',
			'session.recovery_code_used',
			'organisation.deactivated',
			'journal.exported'
		])
			expect([...found.keys()], a).toContain(a);
		// an authorisation action is not a journal entry
		expect(found.has('pass.redeem')).toBe(false);
	});

	it('every action written anywhere in the code has a sentence and a label', () => {
		const missing = [...journaledActions()].filter(([a]) => !ACTIONS[a]).map(([a, file]) => `${a} (${file})`);
		expect(missing, 'actions without a sentence in src/lib/server/journal/sentences.ts').toEqual([]);
	});

	it('every sentence and label is French with names, no code nor id', () => {
		for (const [action, t] of Object.entries(ACTIONS)) {
			const s = t.say(facts({ d: { role: 'mediator', event: 'accept', count: 3, amountCents: 500000, kind: 'outside_area', month: '2026-11-01' } }));
			expect(s, action).not.toMatch(/undefined|null|\[object|NaN/);
			expect(s, action).not.toContain(action);
			expect(t.label.length, action).toBeGreaterThan(3);
		}
	});

	it('elides « de » before « une personne » in every sentence (« le coffre d’une personne », not « de une »)', () => {
		for (const action of Object.keys(ACTIONS)) expect(sentence(action, facts()), action).not.toMatch(/\bde une\b/);
	});

	it('the accepted referral: who, whose (minimised), where', () => {
		expect(sentence('referral.transition', facts({ d: { event: 'accept', from: 'sent', to: 'accepted' } }))).toBe(
			'Camille Martin a accepté l’orientation d’une personne vers Médiathèque de Nérac (Nérac)'
		);
		expect(sentence('referral.sent', facts({ person: 'Marie Testeuse', actor: 'Sacha Prescripteur' }))).toBe(
			'Sacha Prescripteur a orienté Marie Testeuse vers Médiathèque de Nérac (Nérac)'
		);
		expect(sentence('membership.added', facts({ target: 'Lou Médiation', d: { role: 'mediator' } }))).toBe(
			'Camille Martin a donné le rôle « Médiateur numérique » à Lou Médiation dans CAF de Lot-et-Garonne'
		);
		expect(sentence('pass.contribution.recorded', facts({ d: { amountCents: 500000 } }))).toMatch(
			/^Camille Martin a enregistré une contribution de CAF de Lot-et-Garonne au fonds\u00a0: 5\s000\s€$/
		);
		expect(sentence('unknown.action', facts())).toContain('action non décrite');
	});

	it('elision and details in words', () => {
		expect(de('une personne')).toBe('d’une personne');
		expect(de('Marie')).toBe('de Marie');
		expect(detailLines('place.updated', { fields: ['nom', 'horaires', 'latitude', 'longitude'] })).toEqual(['Champs modifiés : nom, horaires, position']);
		expect(detailLines('referral.transition', { event: 'accept', from: 'sent', to: 'accepted', viaLink: false })).toEqual(['Statut : Envoyée → Acceptée']);
		expect(detailLines('membership.added', { organisationId: '8a4c1d8e-0000-4000-8000-000000000000', role: 'mediator' })).toEqual([]);
		expect(detailLines('pass.qualification.granted', { siret: '21470000000018' })).toEqual(['SIRET : 214 700 000 00018']);
	});

	it('the filter list: each family with its actions, every action in one family', () => {
		const choices = actionChoices();
		const listed = choices.flatMap((c) => c.actions.map((a) => a.value));
		expect(listed.sort()).toEqual(Object.keys(ACTIONS).sort());
		expect(choices.find((c) => c.prefix === 'referral.')!.actions.map((a) => a.label)).toContain('Orientation envoyée');
	});
});

describe('a temporary closure in the journal', () => {
	it('says the reopening day as the place’s page does (the stored day is the reopening day)', () => {
		// the page: « Fermé temporairement jusqu’au 19 décembre 2026 inclus, rouvre le 20 décembre 2026 »
		expect(ACTIONS['place.closed'].say(facts({ d: { kind: 'temporary', until: '2026-12-20', reason: 'Travaux' } }))).toBe(
			'Camille Martin a fermé Médiathèque de Nérac (Nérac) temporairement jusqu’à sa réouverture le 20 décembre 2026'
		);
		expect(ACTIONS['place.closed'].say(facts({ d: { kind: 'temporary', until: '2027-02-01' } }))).toContain('jusqu’à sa réouverture le 1er février 2027');
	});
});

describe('details of the actions issue 12 added', () => {
	it('read in French, never as the code’s key names', () => {
		const lines = [
			...detailLines('place.merged', { mergedId: 'l1', mergedName: 'Maison Pour Tous', choices: { nom: 'a' }, sourcesMoved: 2 }),
			...detailLines('place.closed', { kind: 'temporary', until: '2027-01-15', reason: 'Travaux', before: { kind: null } }),
			...detailLines('organisation.imported', { lines: 2, structures: { created: 1 }, places: {}, members: {} }),
			...detailLines('place.corrected', { fields: ['complementAdresse', 'codePostal'], changes: {} }),
			...detailLines('error_report.rejected', { placeId: 'l1', answered: true, answer: 'Les horaires sont justes.' }),
			// seen in the acceptance walk: "how : closed", "date_maj", and the reporter's address called the place's
			...detailLines('error_report.resolved', { placeId: 'l1', how: 'closed' }),
			...detailLines('error_report.resolved', { placeId: 'l1', how: 'corrected' }),
			...detailLines('error_report.created', { placeId: 'l1', withEmail: true }),
			...detailLines('error_report.created', { placeId: 'l1', withEmail: false }),
			...detailLines('place.updated', { fields: ['date_maj', 'presentation_resume'] })
		];
		expect(lines).toEqual([
			'Lieu fusionné\u00a0: Maison Pour Tous',
			'Sources rattachées\u00a0: 2',
			'Réouverture\u00a0: 15 janvier 2027',
			'Motif\u00a0: Travaux',
			'Lignes du fichier\u00a0: 2',
			'Champs modifiés\u00a0: complément d’adresse, code postal',
			'Réponse envoyée à l’auteur du signalement',
			'Réponse\u00a0: Les horaires sont justes.',
			'Réglé en fermant le lieu',
			'Réglé en corrigeant la fiche du lieu',
			'La personne a laissé une adresse e-mail pour la réponse',
			'Sans adresse e-mail pour la réponse',
			'Champs modifiés\u00a0: date de mise à jour, présentation'
		]);
	});
});

describe('the strategy’s entries (issue 16, item 6)', () => {
	it('say the action, the meeting and the change in French, with the details in French too', () => {
		const f = (d: Record<string, unknown>) => facts({ d, organisation: 'Lot-et-Garonne Numérique' });
		expect(sentence('strategy.action.updated', f({ title: 'Permanence itinérante', from: 'planned', to: 'in_progress' }))).toBe(
			'Camille Martin a fait passer l’action « Permanence itinérante » de « à lancer » à « en cours »'
		);
		expect(sentence('strategy.action.noted', f({ title: 'Permanence itinérante', notedOn: '2026-12-07' }))).toBe(
			'Camille Martin a noté l’avancement de l’action « Permanence itinérante » au 7 décembre 2026'
		);
		expect(sentence('strategy.decision.recorded', f({ kind: 'copil', heldOn: '2026-11-20', organisationId: 'x' }))).toBe(
			'Camille Martin a enregistré une décision du comité de pilotage du 20 novembre 2026, portée par Lot-et-Garonne Numérique'
		);
		expect(sentence('strategy.meeting.deleted', f({ kind: 'pleniere', heldOn: '2026-11-20' }))).toBe(
			'Camille Martin a supprimé la réunion plénière du 20 novembre 2026'
		);
		expect(
			detailLines('strategy.action.updated', { title: 'x', fields: ['dueDate', 'status', 'communeCodes', 'areaIds'], from: 'planned', to: 'done' })
		).toEqual(['Champs modifiés\u00a0: échéance, état, territoires']);
		expect(detailLines('strategy.action.created', { title: 'x', status: 'planned', dueDate: '2027-06-30' })).toEqual([
			'Échéance\u00a0: 30 juin 2027',
			'État\u00a0: à lancer'
		]);
	});
});
