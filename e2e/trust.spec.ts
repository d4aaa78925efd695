/**
 * What issue 11 (trust and security) made visible, in the browser: roles offered to an
 * existing account wait for its owner's answer in « Mon compte »; the person ends their
 * links on /mes-orientations; the structure that follows a person ends them from the
 * record; a request for another host, or with control characters, is refused in French.
 * Every page scanned by axe (with JavaScript), the forms used without JavaScript.
 *
 * Data from e2e/serve.mjs: the invitation "newcomer" (e2e-seed.json), and two people of the
 * CCAS holding a link received by e-mail ("person.linkHolders").
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import { PASSWORD, seed, statePath, totpNow } from './accounts.ts';
import { expectNoAxeViolations } from './helpers.ts';

interface LinkHolder {
	id: string;
	name: string;
	/** "/mes-orientations/<token>" */
	link: string;
}
const raw = () => JSON.parse(readFileSync(join(process.env.E2E_DATA_DIR!, 'e2e-seed.json'), 'utf8'));
const holders = (): { byPerson: LinkHolder; byHolder: LinkHolder } => {
	const h = raw().person?.linkHolders;
	expect(h, 'e2e/serve.mjs seeds the link holders (needs the demo territory)').toBeTruthy();
	return h;
};

/** A raw HTTP request, so that the Host header is the one given (fetch and browsers set their own). */
function rawGet(baseURL: string, path: string, host: string): Promise<{ status: number; body: string; type: string }> {
	const u = new URL(baseURL);
	return new Promise((resolve, reject) => {
		const req = httpRequest({ host: u.hostname, port: u.port, path, method: 'GET', headers: { host } }, (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (c) => (body += c));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type'] ?? '') }));
		});
		req.on('error', reject);
		req.end();
	});
}

test.describe('roles offered to an existing account (« Mon compte » → « Rôles proposés »)', () => {
	test('the owner accepts one and refuses the other, without JavaScript; nobody invites their own address to a role with personal data', async ({
		browser
	}) => {
		const s = seed();
		const newcomer = raw().invitations.newcomer as { email: string; token: string };
		expect(newcomer, 'e2e/serve.mjs seeds the newcomer’s invitation').toBeTruthy();

		// the newcomer creates their account (médiatrice at the médiathèque), second factor included
		const ownerCtx = await browser.newContext();
		const owner = await ownerCtx.newPage();
		await owner.goto(`/invitation/${newcomer.token}`);
		await owner.getByLabel('Choisissez un mot de passe').fill(PASSWORD);
		await owner.getByLabel('Le même mot de passe, une seconde fois').fill(PASSWORD);
		await owner.getByRole('button', { name: 'Créer mon compte' }).click();
		await expect(owner).toHaveURL(/\/compte\/double-authentification/);
		const secret = (await owner.locator('code').first().innerText()).replace(/\s+/g, '');
		await owner.getByLabel('Le code à 6 chiffres affiché par l’application').fill(totpNow(secret));
		await owner.getByRole('button', { name: 'Activer' }).click();
		await owner.getByRole('link', { name: 'J’ai noté mes codes, continuer' }).click();
		await expect(owner).toHaveURL(/\/espace$/);

		// the coordination offers them two more roles: the address already has an account
		const coordCtx = await browser.newContext({ storageState: statePath('coordinator') });
		const coord = await coordCtx.newPage();
		const offer = async (organisationId: string, role: string) => {
			await coord.goto(`/admin/organisations/${organisationId}`);
			await coord.getByLabel('Prénom et nom').fill('Nina Nouvelle');
			await coord.getByLabel('Adresse e-mail professionnelle').fill(newcomer.email);
			await coord.getByLabel('Rôle (obligatoire)').selectOption({ label: role });
			await coord.getByRole('button', { name: 'Créer l’invitation' }).click();
			await expect(coord.getByRole('status')).toContainText(`L’invitation est créée pour ${newcomer.email}`);
			await expect(coord.getByRole('status')).toContainText('le rôle ne s’ajoute qu’après l’accord de son titulaire');
		};
		await offer(s.organisations.ccas, 'Prescripteur (orientation)');
		await offer(s.organisations.caf47, 'Partenaire (opérateur)');
		await expectNoAxeViolations(coord, 'an organisation with a role offered to an existing account');

		// inviting one's own address to a role with personal data is refused, said on the field
		await coord.goto(`/admin/organisations/${s.organisations.ccas}`);
		await coord.getByLabel('Prénom et nom').fill('Camille Coordination');
		await coord.getByLabel('Adresse e-mail professionnelle').fill(s.invitations.coordinator.email);
		await coord.getByLabel('Rôle (obligatoire)').selectOption({ label: 'Prescripteur (orientation)' });
		await coord.getByRole('button', { name: 'Créer l’invitation' }).click();
		await expect(coord.getByRole('alert')).toContainText('Vous ne pouvez pas vous donner vous-même un rôle');
		await expectNoAxeViolations(coord, 'a refused self-invitation');
		await coordCtx.close();

		// the roles wait in « Mon compte »: not given yet
		await owner.goto('/compte');
		await expect(owner.getByRole('heading', { name: 'Rôles proposés' })).toBeVisible();
		const offered = owner.locator('li').filter({ has: owner.getByRole('button', { name: 'Accepter ce rôle' }) });
		await expect(offered).toHaveCount(2);
		await expect(offered.filter({ hasText: 'CCAS de Marmande' })).toContainText(
			'Prescripteur (orientation) à CCAS de Marmande (47), proposé par Camille Coordination'
		);
		await expect(owner.getByText('Prescripteur (orientation) à CCAS de Marmande (47)', { exact: true })).toHaveCount(0);
		await expectNoAxeViolations(owner, '« Mon compte » with roles offered');

		// the answers, without JavaScript
		const nojsCtx = await browser.newContext({ javaScriptEnabled: false, storageState: await ownerCtx.storageState() });
		const nojs = await nojsCtx.newPage();
		await nojs.goto('/compte');
		const item = (org: string) =>
			nojs
				.locator('li')
				.filter({ hasText: org })
				.filter({ has: nojs.getByRole('button', { name: 'Accepter ce rôle' }) });
		await item('CCAS de Marmande').getByRole('button', { name: 'Accepter ce rôle' }).click();
		await expect(nojs.getByRole('status')).toContainText('Le rôle est ajouté à votre compte.');
		await expect(nojs.getByText('Prescripteur (orientation) à CCAS de Marmande (47)', { exact: true })).toBeVisible();
		await item('CAF de Lot-et-Garonne').getByRole('button', { name: 'Refuser' }).click();
		await expect(nojs.getByRole('status')).toContainText('Le rôle est refusé\u00a0: il n’est pas ajouté à votre compte.');
		await expect(nojs.getByRole('heading', { name: 'Rôles proposés' })).toHaveCount(0);
		await expect(nojs.getByText('Partenaire (opérateur) à CAF de Lot-et-Garonne (47)', { exact: true })).toHaveCount(0);
		await nojsCtx.close();

		await owner.goto('/compte');
		await expect(owner.getByText('Prescripteur (orientation) à CCAS de Marmande (47)', { exact: true })).toBeVisible();
		await expectNoAxeViolations(owner, '« Mon compte » after the answers');
		await ownerCtx.close();
	});
});

test.describe('the person’s links', () => {
	test('the person ends the link they came by in Mon espace, without JavaScript; it then says so', async ({ browser }) => {
		const h = holders().byPerson;
		const axeCtx = await browser.newContext();
		const axe = await axeCtx.newPage();
		await axe.goto(h.link);
		await expect(axe).toHaveURL(/\/mon-espace$/);
		await axe.goto('/mon-espace/acces');
		await expect(axe.getByRole('heading', { name: 'Mes liens vers cet espace' })).toBeVisible();
		await expectNoAxeViolations(axe, '/mon-espace/acces with the person’s links');

		const phoneCtx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
		const phone = await phoneCtx.newPage();
		await phone.goto(h.link);
		await expect(phone).toHaveURL(/\/mon-espace$/);
		await phone.goto('/mon-espace/acces');
		const current = phone.locator('main li').filter({ hasText: 'Lien reçu par e-mail' });
		await expect(current).toContainText('(celui que vous venez d’utiliser)');
		await current.getByRole('button', { name: /^Désactiver ce lien/ }).click();
		// the session it opened ends with it
		await expect(phone.getByRole('status')).toContainText(
			'C’est fait\u00a0: le lien que vous avez utilisé ne marche plus. Pour revenir dans votre espace, demandez un code.'
		);
		await expect(phone.getByLabel('Votre numéro de portable ou votre adresse e-mail')).toBeVisible();

		const again = await phone.goto(h.link);
		expect(again?.status()).toBe(410);
		await expect(phone.getByRole('heading', { level: 1 })).toHaveText('Ce lien ne marche plus');
		await expect(phone.getByText(/il a été désactivé/)).toBeVisible();
		// the other session (the axe context's) opened by that link is closed too
		await axe.goto('/mes-orientations');
		await expect(axe.getByRole('heading', { level: 1 })).toHaveText('Entrer dans mon espace');
		await axe.goto(h.link);
		await expectNoAxeViolations(axe, 'a link the person ended');
		await phoneCtx.close();
		await axeCtx.close();
	});

	test('the structure that follows the person ends their links from the record, without JavaScript', async ({ browser }) => {
		const h = holders().byHolder;
		const axeCtx = await browser.newContext({ storageState: statePath('prescriber') });
		const axe = await axeCtx.newPage();
		await axe.goto(`/espace/personnes/${h.id}`);
		await expect(axe.getByRole('heading', { level: 1 })).toContainText(h.name);
		await expect(axe.getByRole('heading', { name: 'Ses liens vers « Mon espace »' })).toBeVisible();
		await expect(axe.getByText(/Un lien ouvre sa page sans code \(lien reçu par e-mail, jusqu’au/)).toBeVisible();
		await expectNoAxeViolations(axe, 'a record with the person’s links');

		const nojsCtx = await browser.newContext({ javaScriptEnabled: false, storageState: statePath('prescriber') });
		const nojs = await nojsCtx.newPage();
		await nojs.goto(`/espace/personnes/${h.id}`);
		await nojs.getByRole('button', { name: 'Désactiver ses liens' }).click();
		await expect(nojs.getByRole('status')).toContainText('Ses liens sont désactivés\u00a0: ils ne marchent plus pour personne.');
		await expect(nojs.getByText('Aucun lien actif\u00a0: la personne peut demander un code sur la page « Mon espace ».')).toBeVisible();
		await expect(nojs.getByRole('button', { name: 'Désactiver ses liens' })).toHaveCount(0);

		// the person's link no longer opens anything
		const personCtx = await browser.newContext({ javaScriptEnabled: false });
		const personPage = await personCtx.newPage();
		const res = await personPage.goto(h.link);
		expect(res?.status()).toBe(410);
		await expect(personPage.getByRole('heading', { level: 1 })).toHaveText('Ce lien ne marche plus');
		await axe.goto(`/espace/personnes/${h.id}`);
		await expectNoAxeViolations(axe, 'a record whose links were ended');
		await personCtx.close();
		await nojsCtx.close();
		await axeCtx.close();
	});
});

test.describe('requests refused at the door, in French', () => {
	test('a request for another host gets 421', async ({ baseURL }) => {
		const r = await rawGet(baseURL!, '/lieux', 'maillage.attaquant.test');
		expect(r.status).toBe(421);
		expect(r.type).toContain('text/plain');
		expect(r.body).toBe('Cette adresse ne correspond pas à ce site. Utilisez l’adresse publique du service.');
		// the configured host itself is served
		const ok = await rawGet(baseURL!, '/lieux', new URL(baseURL!).host);
		expect(ok.status).toBe(200);
	});

	test('control characters in the address or in a form give a 400 page in French', async ({ page, request }) => {
		const message = 'Le texte envoyé contient des caractères invisibles ou mal encodés. Retirez-les (ou retapez le texte) puis réessayez.';
		const res = await page.goto('/lieux?ou=Agen%00');
		expect(res?.status()).toBe(400);
		await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
		await expect(page.getByText(message)).toBeVisible();
		await expectNoAxeViolations(page, 'the 400 page');
		// a form sent with a control character: refused before anything is written
		const post = await request.post('/mes-orientations?/code', {
			form: { contact: 'marie\u0001@personne.test' },
			headers: { origin: new URL(page.url()).origin }
		});
		expect(post.status()).toBe(400);
		expect(await post.text()).toContain('caractères invisibles');
	});

	test('a malformed identifier in a route is a 404, not a 500', async ({ browser }) => {
		const ctx = await browser.newContext({ storageState: statePath('prescriber') });
		const page: Page = await ctx.newPage();
		const res = await page.goto('/espace/personnes/pas-un-identifiant');
		expect(res?.status()).toBe(404);
		await ctx.close();
	});
});
