/**
 * The professional space in the browser: every page scanned by axe, login with the second
 * factor, throttling, structures and invitations, the journal, and the forms without
 * JavaScript.
 */
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { expectNoAxeViolations } from './helpers.ts';
import { PASSWORD, seed, secretPath, statePath, totpNow } from './accounts.ts';

test.describe('pages of a coordinator', () => {
	test.use({ storageState: statePath('coordinator') });

	test('each page has no axe violation', async ({ page }) => {
		const { cd47 } = seed().organisations;
		for (const path of [
			'/espace',
			'/compte',
			'/compte/double-authentification',
			'/admin/organisations',
			`/admin/organisations/${cd47}`,
			'/admin/journal',
			'/admin/signalements',
			'/admin/signalements?statut=traites',
			'/deconnexion'
		]) {
			await page.goto(path);
			await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
			await expectNoAxeViolations(page, path);
		}
	});

	test('creates a structure, invites a mediator, sees it in the journal', async ({ page }) => {
		await page.goto('/admin/organisations');
		await page.getByRole('button', { name: 'Ajouter la structure' }).click();
		await expect(page.getByRole('alert')).toContainText('Le formulaire contient 2 erreurs');
		await expect(page).toHaveTitle(/^Erreur\s: /);
		await expectNoAxeViolations(page, 'structure form with errors');
		await page.getByLabel('Nom de la structure').fill('Espace numérique de Fumel');
		await page.getByLabel('Type de structure').selectOption({ label: 'Association' });
		await page.getByLabel('SIRET').fill('123');
		await page.getByRole('button', { name: 'Ajouter la structure' }).click();
		await expect(page.getByRole('alert')).toContainText('Le SIRET compte 14 chiffres');
		await page.getByLabel('SIRET').fill('');
		await page.getByRole('button', { name: 'Ajouter la structure' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Espace numérique de Fumel');
		await expect(page.getByRole('status')).toContainText('La structure a été ajoutée.');

		await page.getByLabel('Prénom et nom').fill('Jo Médiation');
		await page.getByLabel('Adresse e-mail professionnelle').fill('jo@fumel.test');
		await page.getByLabel('Rôle (obligatoire)').selectOption({ label: 'Médiateur numérique' });
		await page.getByRole('button', { name: 'Créer l’invitation' }).click();
		await expect(page.getByRole('status')).toContainText('L’invitation est créée pour jo@fumel.test');
		const link = await page.locator('.alert--success code').innerText();
		expect(link).toMatch(/\/invitation\/[\w-]+\.[\w-]+$/);
		await expect(page.getByText('Jo Médiation (jo@fumel.test), Médiateur numérique')).toBeVisible();
		await expectNoAxeViolations(page, 'organisation with an invitation');
		const orgPath = new URL(page.url()).pathname;
		await page.getByRole('button', { name: 'Annuler l’invitation de Jo Médiation' }).click();
		await expect(page.getByRole('status')).toHaveText('L’invitation est annulée\u00a0: son lien ne fonctionne plus.');
		await expect(page.getByText('Jo Médiation (jo@fumel.test)')).toHaveCount(0);
		await page.goto(link.replace(/^https?:\/\/[^/]+/, ''));
		await expect(page.getByText('Ce lien d’invitation n’est pas valide')).toBeVisible();
		await page.goto(orgPath);
		await page.getByLabel('Nom de la structure').fill('Espace numérique du Fumélois');
		await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
		await expect(page.getByRole('status')).toHaveText('La structure est mise à jour.');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Espace numérique du Fumélois');

		// the journal in French: sentences with names, filtered on a family of actions chosen in a list
		await page.goto('/admin/journal');
		await page.getByText('Filtrer le journal', { exact: true }).click();
		await page.getByLabel('Action', { exact: true }).selectOption({ label: 'Invitations\u00a0: toutes' });
		await page.getByRole('button', { name: 'Filtrer', exact: true }).click();
		await expect(page).toHaveURL(/action=invitation\./);
		await expect(page.locator('.journal > li').first()).toContainText('a annulé l’invitation de Jo Médiation (jo@fumel.test).');
		await expect(page.locator('.journal')).toContainText(
			'a invité Jo Médiation (jo@fumel.test) à rejoindre Espace numérique du Fumélois avec le rôle « Médiateur numérique »'
		);
		await page.goto('/admin/journal?du=hier');
		await expect(page.getByRole('alert')).toContainText('Date invalide');
		await expectNoAxeViolations(page, 'journal with an error');
	});
});

test.describe('instance settings', () => {
	test.use({ storageState: statePath('admin') });
	test('the administrator renames the site and is told about unreadable colours', async ({ page }) => {
		await page.goto('/admin/instance');
		await expectNoAxeViolations(page, '/admin/instance');
		await page.getByLabel('Couleur principale').fill('#eeeeee');
		await page.getByRole('button', { name: 'Enregistrer' }).click();
		await expect(page.getByRole('alert')).toContainText('Le formulaire contient 1 erreur');
		await expectNoAxeViolations(page, '/admin/instance with an error');
		await page.getByLabel('Couleur principale').fill('#1f4e8c');
		await page.getByLabel('Nom du site').fill('Déclic 47 — réseau d’inclusion numérique');
		await page.getByRole('button', { name: 'Enregistrer' }).click();
		await expect(page.getByRole('status')).toHaveText('Les réglages sont enregistrés.');
	});
});

test.describe('error reports', () => {
	test('a visitor’s report reaches the coordinator, who closes it', async ({ browser }) => {
		const visitor = await browser.newPage();
		await visitor.goto('/lieux?ou=Agen');
		const place = visitor.locator('#resultats li h3 a').first();
		const name = (await place.innerText()).trim();
		await place.click();
		const message = `Le lieu est fermé le mercredi après-midi depuis septembre (réf. ${Date.now()}).`;
		await visitor.getByLabel('Votre message').fill(message);
		await visitor.getByRole('button', { name: 'Envoyer le signalement' }).click();
		await expect(visitor.getByRole('status')).toContainText('Merci');
		await visitor.close();

		const context = await browser.newContext({ storageState: statePath('coordinator') });
		const page = await context.newPage();
		await page.goto('/admin/signalements');
		const card = page.locator('.reports li', { hasText: message });
		await expect(card.getByRole('heading')).toContainText(name);
		await card.getByRole('button', { name: /Marquer comme traité/ }).click();
		await expect(page.getByRole('status')).toHaveText('Le signalement est marqué comme traité.');
		// Post/Redirect/Get: the address is the list's, not the action's (F5 sends nothing again)
		expect(page.url()).not.toContain('?/');
		expect(new URL(page.url()).searchParams.get('fait')).toBe('traite');
		await expectNoAxeViolations(page, '/admin/signalements after closing one');
		await page.goto('/admin/signalements?statut=traites');
		await expect(page.locator('.reports li', { hasText: message })).toBeVisible();
		// « Reçu le 6 décembre 2026 à 17 h 23 · traité le … »: the time in words, a space before the dot
		const when = await page.locator('.reports li', { hasText: message }).locator('p.muted').first().textContent();
		expect(when).toMatch(
			/^Reçu le \d{1,2}(er)? \S+ \d{4} à \d{1,2}\u00a0h(\u00a0\d{2})?\u00a0· traité le \d{1,2}(er)? \S+ \d{4} à \d{1,2}\u00a0h(\u00a0\d{2})?$/
		);
		await context.close();
	});
});

test.describe('logging in', () => {
	test('password, then the code of the app; a wrong code is explained', async ({ page }) => {
		const secret = readFileSync(secretPath('mediator'), 'utf8');
		await page.goto('/connexion');
		await expectNoAxeViolations(page, '/connexion');
		await page.getByLabel('Adresse e-mail').fill(seed().invitations.mediator.email);
		await page.getByLabel('Mot de passe').fill(PASSWORD);
		await page.getByRole('button', { name: 'Se connecter' }).click();
		await expect(page).toHaveURL(/\/connexion\/code/);
		await expectNoAxeViolations(page, '/connexion/code');
		// the app lists the code under the instance's name (the enrolment's issuer), not « maillage »
		const instance = (await page.title()).split(' – ').pop()!;
		await expect(page.locator('main')).toContainText(`affiché pour « ${instance} »`);
		await page.getByLabel('Code à 6 chiffres').fill('12');
		await page.getByRole('button', { name: 'Valider' }).click();
		await expect(page.getByRole('alert')).toContainText('Le code compte 6 chiffres');
		await expectNoAxeViolations(page, '/connexion/code with an error');
		await page.getByRole('link', { name: /code de secours/ }).click();
		await expectNoAxeViolations(page, '/connexion/code?secours');
		await page.getByRole('link', { name: /code de l’application/ }).click();
		// a code not yet used (the setup used the current one): wait for the next step if needed
		await page.waitForTimeout(((30 - (Math.floor(Date.now() / 1000) % 30)) % 30) * 1000 + 500);
		await page.getByLabel('Code à 6 chiffres').fill(totpNow(secret));
		await page.getByRole('button', { name: 'Valider' }).click();
		await expect(page).toHaveURL(/\/espace$/);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bonjour Lou Médiation');
		await expect(page.getByRole('link', { name: 'Mon espace' })).toBeVisible();
	});

	test('five wrong passwords lock the account with a French message', async ({ page }) => {
		await page.goto('/connexion');
		for (let i = 0; i < 5; i++) {
			await page.getByLabel('Adresse e-mail').fill('personne@inconnue.test');
			await page.getByLabel('Mot de passe').fill(`mauvais mot de passe ${i}`);
			await page.getByRole('button', { name: 'Se connecter' }).click();
		}
		await expect(page.getByRole('alert')).toContainText('Trop de tentatives. Par sécurité, réessayez dans 15 minutes.');
	});

	test('an invitation link that was changed, or used, says what to do', async ({ page }) => {
		const { token } = seed().invitations.partner;
		await page.goto(`/invitation/${token.slice(0, -2)}xx`);
		await expect(page.getByText('Ce lien d’invitation n’est pas valide')).toBeVisible();
		await expectNoAxeViolations(page, 'invalid invitation');
		await page.goto(`/invitation/${token}`);
		await expect(page.getByText('Ce lien d’invitation a déjà servi')).toBeVisible();
	});

	test('forgotten password: the same answer for any address, pages without axe violations', async ({ page }) => {
		await page.goto('/connexion');
		await page.getByRole('link', { name: 'Mot de passe oublié\u00a0?' }).click();
		await expectNoAxeViolations(page, '/mot-de-passe-oublie');
		await page.getByRole('button', { name: 'Recevoir le lien' }).click();
		await expect(page.getByRole('alert')).toContainText('L’adresse e-mail n’est pas valide');
		await expectNoAxeViolations(page, '/mot-de-passe-oublie with an error');
		await page.getByLabel('Adresse e-mail').fill('quelquun@nulle.part');
		await page.getByRole('button', { name: 'Recevoir le lien' }).click();
		await expect(page.getByRole('status')).toContainText('Si un compte existe avec l’adresse quelquun@nulle.part');
		await page.goto('/mot-de-passe/lien-abime');
		await expect(page.getByText('Ce lien n’est pas valide ou a déjà servi')).toBeVisible();
		await expectNoAxeViolations(page, '/mot-de-passe/<invalid>');
	});

	// the enrolment page's axe scan happens where every persona enrols: e2e/accounts.setup.ts
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('changing the password refuses a common one', async ({ browser }) => {
		const context = await browser.newContext({ storageState: statePath('prescriber'), javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto('/compte');
		await page.getByLabel('Mot de passe actuel').fill(PASSWORD);
		await page.locator('#mdp-nouveau').fill('azertyuiop123');
		await page.getByLabel('Nouveau mot de passe, une seconde fois').fill('azertyuiop123');
		await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
		await expect(page.getByRole('alert')).toContainText('les plus courants');
		await context.close();
	});
});
