import { describe, expect, it } from 'vitest';
import { inlineName, nameProblem, tidyName } from './names.ts';
import { invitationMail, pendingRoleMail, staleReminderMail } from '../server/mail/index.ts';
import { organisationSchema } from '../server/accounts/index.ts';

const HOSTILE = 'Mairie\nCliquez ici\u00a0: https://evil.example';

describe('names typed or imported, on their way in', () => {
	it('takes an ordinary name, initials and French punctuation included', () => {
		for (const name of ['Médiathèque J.Verne', 'S.A.R.L. Le Lien', 'CCAS d’Agen', 'ESPACE 3E\u00a0: EMPLOI', 'France services – Boé'])
			expect(nameProblem(tidyName(name)), name).toBeNull();
		expect(tidyName('  Asso \t du   Pin ')).toBe('Asso du Pin');
	});

	it('refuses a line break, a control or invisible character, a web or an e-mail address, in French', () => {
		expect(nameProblem(tidyName(HOSTILE), 'Le nom de la structure')).toBe(
			'Le nom de la structure doit tenir sur une seule ligne\u00a0: retirez les retours à la ligne.'
		);
		expect(nameProblem('Asso\u0007Pin')).toMatch(/caractères invisibles ou de contrôle\u00a0: retapez-le\.$/);
		expect(nameProblem('Asso \u202eedcba')).toMatch(/caractères invisibles/);
		for (const name of ['Cliquez ici https://evil.example', 'Voir www.evil-site.com', 'Asso evil.example', 'Mairie agen.fr', 'ftp://x'])
			expect(nameProblem(name), name).toMatch(/ne peut pas contenir d’adresse de site \(lien\)/);
		expect(nameProblem('Écrivez à contact@evil.example')).toMatch(/ne peut pas contenir d’adresse e-mail/);
	});

	it('the structure form and the CSV import share the rule', () => {
		const r = organisationSchema.safeParse({ name: HOSTILE, kind: 'association', departmentCode: '47' });
		expect(r.success).toBe(false);
		expect(r.error!.issues[0].message).toMatch(/^Le nom de la structure doit tenir sur une seule ligne/);
		expect(organisationSchema.safeParse({ name: 'Asso https://evil.example', kind: 'association', departmentCode: '47' }).error!.issues[0].message).toMatch(
			/adresse de site/
		);
		expect(organisationSchema.parse({ name: ' Asso\tdu Pin ', kind: 'association', departmentCode: '47' }).name).toBe('Asso du Pin');
	});
});

describe('names in e-mails', () => {
	it('on one line, addresses broken so that no client makes a link of them', () => {
		expect(inlineName(HOSTILE)).toBe('Mairie Cliquez ici\u00a0: https[:]//evil[.]example');
		expect(inlineName('Asso\r\n\r\nwww.evil.com\u0000 contact@evil.fr')).toBe('Asso www[.]evil[.]com contact[@]evil[.]fr');
		expect(inlineName('Médiathèque J.Verne')).toBe('Médiathèque J.Verne');
		expect(inlineName('x'.repeat(500))).toHaveLength(200);
	});

	it('an invitation to a hostile structure says nothing the attacker wrote as a link, text and HTML', () => {
		const p = {
			to: 'a@b.test',
			displayName: 'Équipe du lieu',
			organisationName: HOSTILE,
			roleLabel: 'responsable de lieu',
			link: 'https://maillage.example.fr/invitation/t',
			expiresAt: new Date('2026-12-13T12:00:00Z'),
			instanceName: 'maillage'
		};
		for (const mail of [invitationMail(p), pendingRoleMail(p)]) {
			expect(mail.text).not.toMatch(/evil\.example|https:\/\/evil/);
			expect(mail.html).not.toMatch(/evil\.example|https:\/\/evil/);
			expect(mail.text).toContain('Mairie Cliquez ici\u00a0: https[:]//evil[.]example');
			// the only link is the site's own
			expect([...mail.html.matchAll(/href="([^"]+)"/g)].map((m) => m[1])).toEqual([p.link]);
			// every paragraph of the text part on its line: the hostile line break is gone
			expect(mail.text.split('\n\n')[1]).not.toContain('\n');
		}
		const stale = staleReminderMail({
			to: 'a@b.test',
			displayName: 'Noa',
			placeName: 'Lieu\nhttps://evil.example',
			lastUpdate: '2025-01-01',
			link: 'https://m.example.fr/x',
			instanceName: 'maillage'
		});
		expect(stale.subject).toBe('Votre lieu « Lieu https[:]//evil[.]example »\u00a0: vérifiez sa page – maillage');
		expect(stale.text).not.toMatch(/https:\/\/evil/);
	});
});
