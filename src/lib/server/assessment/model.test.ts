import { describe, expect, it } from 'vitest';
import { assess, checkAnswers, QUESTIONS, AUTONOMY_SCALE } from './model.ts';
import { SERVICES, PRISE_EN_CHARGE_SPECIFIQUE, MODALITES_ACCOMPAGNEMENT } from '../places/index.ts';
import { readFileSync } from 'node:fs';

/** the pictograms drawn by src/lib/components/Pictogram.svelte */
const PICTOGRAMS = [...readFileSync(new URL('../../../lib/components/Pictogram.svelte', import.meta.url), 'utf8').matchAll(/^\t\t(\w+): '/gm)].map((m) => m[1]);

describe('the questionnaire (version 1)', () => {
	it('has at most 12 short questions, each with a pictogram', () => {
		expect(QUESTIONS.length).toBeLessThanOrEqual(12);
		for (const q of QUESTIONS) {
			expect(q.text.length, q.id).toBeLessThanOrEqual(90);
			expect(PICTOGRAMS, q.id).toContain(q.pictogram);
		}
	});
	it('maps only to the national vocabularies', () => {
		const a = assess({
			appareils: ['aucun'],
			internet: 'non',
			besoin: ['demarche', 'emploi', 'bases', 'securite', 'materiel', 'enfants'],
			contraintes: ['deplacement', 'langue', 'lecture', 'audition', 'vue'],
			accompagnement: 'atelier'
		});
		for (const s of a.services) expect(SERVICES).toContain(s);
		for (const p of a.filters.priseEnCharge) expect(PRISE_EN_CHARGE_SPECIFIQUE).toContain(p);
		for (const m of a.filters.accompagnement) expect(MODALITES_ACCOMPAGNEMENT).toContain(m);
	});
	it('refuses unknown answers, and two answers to a single-choice question', () => {
		expect(checkAnswers({ internet: 'peut-être' })).toEqual({ ok: false, errors: { internet: 'Réponse inconnue\u00a0: choisissez parmi les propositions.' } });
		expect(checkAnswers({ internet: ['oui', 'non'] })).toMatchObject({ ok: false, errors: { internet: 'Une seule réponse à cette question.' } });
		expect(checkAnswers({ internet: 'oui', besoin: ['demarche', 'demarche'], inconnue: 'x' })).toEqual({
			ok: true,
			answers: { internet: 'oui', besoin: ['demarche'] }
		});
	});
});

describe('scoring on fixed cases', () => {
	it('a person with a phone only, little ease, a CAF procedure to do this week', () => {
		const a = assess({
			appareils: ['smartphone'],
			internet: 'telephone',
			ecrire: 'aide',
			courriel: 'non',
			mot_de_passe: 'non',
			document: 'non',
			franceconnect: 'non',
			deja_fait: ['aucune'],
			besoin: ['demarche'],
			urgence: 'semaine',
			contraintes: ['samedi', 'cout'],
			accompagnement: 'individuel'
		});
		expect(a.profile).toEqual({ equipment: 'Autonome avec guidage en cas de besoin', skills: 'Avec guidage', procedures: 'Avec guidage' });
		expect(a.urgency).toBe('semaine');
		expect(a.services).toEqual(['Aide aux démarches administratives', 'Maîtrise des outils numériques du quotidien']);
		expect(a.filters).toEqual({ priseEnCharge: [], ouvertSamedi: true, gratuit: true, itinerant: false, accompagnement: ['Accompagnement individuel'] });
	});
	it('an autonomous person who wants to protect themselves from scams', () => {
		const a = assess({
			appareils: ['smartphone', 'ordinateur'],
			internet: 'oui',
			ecrire: 'seul',
			courriel: 'seul',
			mot_de_passe: 'seul',
			document: 'seul',
			franceconnect: 'seul',
			deja_fait: ['caf', 'impots', 'sante'],
			besoin: ['securite']
		});
		expect(a.profile).toEqual({ equipment: 'Autonome', skills: 'Autonome', procedures: 'Autonome' });
		expect(a.services).toEqual(['Utilisation sécurisée du numérique']);
	});
	it('no equipment at all: access to a device and a connection is a need even if not said', () => {
		const a = assess({ appareils: ['aucun'], internet: 'non', besoin: ['demarche'], contraintes: ['deplacement', 'audition'] });
		expect(a.profile.equipment).toBe('Avec guidage');
		expect(a.profile.skills).toBeNull(); // not asked: no profile rather than a guess
		expect(a.services).toEqual([
			'Aide aux démarches administratives',
			'Accès internet et matériel informatique',
			'Acquisition de matériel informatique à prix solidaire'
		]);
		expect(a.filters).toMatchObject({ priseEnCharge: ['Handicaps moteurs', 'Surdité'], itinerant: true });
	});
	it('uses only the three levels of the national scale', () => {
		const a = assess({ ecrire: 'aide', courriel: 'aide', mot_de_passe: 'seul', document: 'aide' });
		expect(AUTONOMY_SCALE).toContain(a.profile.skills);
		expect(a.profile.skills).toBe('Autonome avec guidage en cas de besoin');
	});
});
