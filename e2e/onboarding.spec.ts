/**
 * Bringing the network on (issue 12, items 9–11), on the demo territory's real places: the
 * coordinator's home and its counts, the CSV import (check, then import, then a reload that
 * imports nothing), a place manager's own structure (invite a mediator, the link to copy),
 * and the branded 403/404 pages with a way back. Axe at 390 and 1280 px.
 */
import { test, expect, type Page } from '@playwright/test';
import { expectNoAxeViolations } from './helpers.ts';
import { seed, statePath } from './accounts.ts';

const WIDTHS = [390, 1280];

async function axeAtWidths(page: Page, what: string) {
	for (const width of WIDTHS) {
		await page.setViewportSize({ width, height: 844 });
		await expectNoAxeViolations(page, `${what} at ${width} px`);
	}
}

/** Two real places of Lot-et-Garonne from the open-data export: their id and name. */
async function realPlaces(page: Page): Promise<{ id: string; nom: string }[]> {
	const res = await page.request.get('/api/v1/places?ou=N%C3%A9rac&limit=5');
	const body = await res.json();
	return (body.data as { id: string; nom?: string; name?: string; attributes?: { nom?: string } }[])
		.slice(0, 2)
		.map((p) => ({ id: p.id, nom: p.nom ?? p.attributes?.nom ?? p.name ?? '' }));
}

test('the coordinator’s home: what waits for them and the network this month, in counts', async ({ browser }) => {
	const ctx = await browser.newContext({ storageState: statePath('coordinator') });
	const page = await ctx.newPage();
	await page.goto('/espace');
	await expect(page.getByRole('heading', { name: 'Ce qui vous attend' })).toBeVisible();
	await expect(page.getByRole('link', { name: /lieux? sans responsable/ })).toHaveAttribute('href', '/admin/organisations/import#lieux');
	// the link goes to the list it counts (before: /admin/lieux, whose « Lieux à vérifier » was the stale places)
	await expect(page.getByRole('link', { name: 'Lieux à vérifier', exact: true })).toHaveAttribute('href', '/admin/lieux/a-verifier');
	await expect(page.getByText(/en position approximative/)).toBeVisible();
	await expect(page.getByRole('heading', { name: /^Le réseau en / })).toBeVisible();
	await expect(page.getByRole('table', { name: /Orientations envoyées ce mois-ci/ })).toBeVisible();
	await axeAtWidths(page, 'coordinator home');
	await ctx.close();
});

test('CSV import: check, import once, a reload imports nothing; the places without a manager', async ({ browser }) => {
	// the list of the places without a manager is long (the demo territory's ~100 places): axe takes its time
	test.setTimeout(240_000);
	const ctx = await browser.newContext({ storageState: statePath('coordinator') });
	const page = await ctx.newPage();
	const places = await realPlaces(page);
	expect(places.length).toBe(2);
	const stamp = Date.now();
	const csv = [
		'structure;type;lieu;nom;courriel;role',
		`Association Essai ${stamp};association;${places[0].id};Alix Martin;alix.${stamp}@exemple.fr;responsable|médiateur`,
		`Association Essai ${stamp};association;${places[1].id};;equipe.${stamp}@exemple.fr;`
	].join('\n');
	await page.goto('/admin/organisations/import');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Embarquer le réseau');
	// a line in error: named, in French, nothing written
	await page.getByLabel(/Ou collez son contenu/).fill(`${csv}\nAutre;garage;;;;`);
	await page.getByRole('button', { name: 'Vérifier, sans rien enregistrer' }).click();
	await expect(page.locator('#rapport')).toContainText('Ligne 4\u00a0: le type « garage » n’existe pas');
	await axeAtWidths(page, 'import with errors');
	// the right file: the check says what will be done
	await page.getByLabel(/Ou collez son contenu/).fill(csv);
	await page.getByRole('button', { name: 'Vérifier, sans rien enregistrer' }).click();
	await expect(page.locator('#rapport')).toContainText('Structures\u00a0: 1 à créer');
	await expect(page.locator('#rapport')).toContainText('Lieux\u00a0: 2 à rattacher');
	await expect(page.locator('#rapport')).toContainText('Personnes\u00a0: 2 à inviter');
	await axeAtWidths(page, 'import check');
	await page.getByRole('button', { name: 'Importer ces 2 lignes' }).click();
	await expect(page.getByRole('status')).toContainText('1 structure créée');
	await expect(page).toHaveURL(/\?fait=/);
	expect(page.url()).not.toContain('?/');
	// Post/Redirect/Get: reloading shows the result again, imports nothing more
	await page.reload();
	await expect(page.getByRole('status')).toContainText('2 invitations préparées');
	// the same file again: nothing doubled
	await page.getByLabel(/Ou collez son contenu/).fill(csv);
	await page.getByRole('button', { name: 'Vérifier, sans rien enregistrer' }).click();
	await expect(page.locator('#rapport')).toContainText('Structures\u00a0: 0 à créer, 1 déjà là');
	await expect(page.locator('#rapport')).toContainText('2 déjà invitées');
	// the places without a manager, with their contact address
	await page.goto('/admin/organisations/import#lieux');
	await expect(page.getByRole('heading', { name: /^Lieux sans responsable \(\d+\)$/ })).toBeVisible();
	// in French order (« Agence postale » before « AUDACE/S »), and a place without an address says so in its first cell
	const names = await page.locator('#lieux ~ form tbody tr td:nth-child(2)').allInnerTexts();
	expect(names).toEqual([...names].sort(new Intl.Collator('fr', { sensitivity: 'base', numeric: true }).compare));
	const noAddress = page.locator('#lieux ~ form tbody tr', { hasText: 'pas d’adresse\u00a0: à trouver' });
	if (await noAddress.count()) await expect(noAddress.first().locator('td').first()).toHaveText('pas d’adresse\u00a0: à trouver');
	await axeAtWidths(page, 'import page');
	// one place's contact invited as its manager, in one click
	const buttons = page.getByRole('button', { name: /^Inviter comme responsable (de |d’|du |des )/ });
	const before = await buttons.count();
	// the name is elided after « de » (before: « le contact de Albret Communauté »)
	for (const name of await page.locator('#lieux ~ * button, #lieux ~ * label').allTextContents()) expect(name).not.toMatch(/\bde [AEIOUYÉÈÊÀÂ]/);
	await buttons.first().click();
	await expect(page.getByRole('status')).toContainText('1 invitation préparée');
	// Post/Redirect/Get: the address is the page's, not the action's
	expect(page.url()).not.toContain('?/');
	// that place now shows its invitation waiting, without a button
	await expect(buttons).toHaveCount(before - 1);
	await ctx.close();
});

test('a place manager’s structure: members, an invitation with its link to copy, no second one on reload', async ({ browser }) => {
	test.setTimeout(120_000);
	const ctx = await browser.newContext({ storageState: statePath('place_manager') });
	const page = await ctx.newPage();
	await page.goto('/espace');
	await page.getByRole('link', { name: 'Ma structure' }).click();
	await expect(page).toHaveURL(new RegExp(`/espace/structure/${seed().organisations.mediatheque}$`));
	await expect(page.getByRole('heading', { name: 'Membres' })).toBeVisible();
	// the places the structure runs, each a link to its page
	await expect(page.getByRole('heading', { name: 'Lieux', exact: true })).toBeVisible();
	await expect(page.locator('h2#lieux + ul a[href^="/espace/lieux/"]').first()).toBeVisible();
	await expect(page.getByRole('navigation', { name: /fil d’Ariane/i }).getByRole('link', { name: 'Structures' })).toHaveCount(0);
	const email = `mediation.${Date.now()}@exemple.fr`;
	await page.getByLabel('Prénom et nom').fill('  Dominique   Essai ');
	await page.getByLabel('Adresse e-mail professionnelle').fill(email);
	await page.getByLabel('Rôle (obligatoire)').selectOption('mediator');
	await page.getByRole('button', { name: 'Créer l’invitation' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'L’invitation est créée' })).toContainText(`L’invitation est créée pour ${email}`);
	// without an SMTP server the link is shown, with a button to copy it (JavaScript on)
	await expect(page.getByRole('button', { name: 'Copier le lien', exact: true })).toBeVisible();
	await page.reload();
	await expect(page.getByText(`Dominique Essai (${email})`)).toHaveCount(1);
	await axeAtWidths(page, 'place manager structure');
	await ctx.close();

	// without JavaScript the link stays as text to select, no button
	const nojs = await browser.newContext({ storageState: statePath('place_manager'), javaScriptEnabled: false });
	const p2 = await nojs.newPage();
	await p2.goto(`/espace/structure/${seed().organisations.mediatheque}`);
	await expect(p2.locator('code.copy-link__text').first()).toContainText('/invitation/');
	await expect(p2.getByRole('button', { name: /^Copier le lien/ })).toHaveCount(0);
	await nojs.close();
});

test('403 and 404 are the site’s own pages, with a way back', async ({ browser }) => {
	const ctx = await browser.newContext({ storageState: statePath('place_manager') });
	const page = await ctx.newPage();
	const forbidden = await page.goto('/admin/organisations');
	expect(forbidden?.status()).toBe(403);
	await expect(page.getByRole('banner')).toBeVisible();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Accès refusé');
	await expect(page.getByRole('link', { name: 'Revenir à mon espace professionnel' })).toBeVisible();
	await axeAtWidths(page, '403 page');
	const missing = await page.goto('/espace/structure/pas-un-identifiant');
	expect(missing?.status()).toBe(404);
	await expect(page.getByRole('banner')).toBeVisible();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page introuvable');
	const unknown = await page.goto('/une-page-qui-n-existe-pas');
	expect(unknown?.status()).toBe(404);
	await expect(page.getByRole('link', { name: 'Revenir à l’accueil' })).toBeVisible();
	await axeAtWidths(page, '404 page');
	await ctx.close();
});

test('CSV import: a file saved by Excel in Windows-1252 is read with its accents and a warning; random bytes get a French message', async ({ browser }) => {
	const ctx = await browser.newContext({ storageState: statePath('coordinator') });
	const page = await ctx.newPage();
	await page.goto('/admin/organisations/import');
	const stamp = Date.now();
	const latin1 = Buffer.from(`structure;nom;courriel;rôle\r\nAssociation Françoise ${stamp};Zoé Dupré;zoe.${stamp}@exemple.fr;médiateur\r\n`, 'latin1');
	await page.getByLabel(/Fichier CSV/).setInputFiles({ name: 'reseau.csv', mimeType: 'text/csv', buffer: latin1 });
	await page.getByRole('button', { name: 'Vérifier, sans rien enregistrer' }).click();
	await expect(page.locator('#rapport')).toContainText('Le fichier n’était pas en UTF-8\u00a0: lu comme Windows-1252 (Excel). Vérifiez les accents.');
	await expect(page.locator('#rapport')).toContainText(`Association Françoise ${stamp}`);
	await expect(page.locator('#rapport')).not.toContainText('\ufffd');
	// random bytes: a French message, not an error page
	const random = Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7919 + 13) % 256));
	await page.getByLabel(/Fichier CSV/).setInputFiles({ name: 'image.csv', mimeType: 'text/csv', buffer: random });
	await page.getByRole('button', { name: 'Vérifier, sans rien enregistrer' }).click();
	await expect(page.getByRole('alert').filter({ hasText: 'enregistrez-le au format « CSV UTF-8 »' })).toBeVisible();
	await ctx.close();
});

test('a place without a manager: its coordinator invites its contact from the place’s page, in one click; no one else can', async ({ browser, baseURL }) => {
	const ctx = await browser.newContext({ storageState: statePath('coordinator') });
	const page = await ctx.newPage();
	// a real place of Lot-et-Garonne that nobody manages, with a contact address and no invitation waiting
	await page.goto('/admin/organisations/import#lieux');
	const id = await page.locator('button[name="seul"]').last().getAttribute('value');
	expect(id).toBeTruthy();
	const path = `/admin/lieux/${encodeURIComponent(id!)}`;

	// someone who is not its coordinator: refused, nothing sent
	for (const who of ['prescriber', 'place_manager', 'coordinator_other_department'] as const) {
		const other = await browser.newContext({ storageState: statePath(who) });
		const res = await other.request.post(`${path}?/inviter`, { headers: { origin: baseURL!, accept: 'text/html' }, form: {}, maxRedirects: 0 });
		expect(res.status(), who).toBe(403);
		await other.close();
	}

	await page.goto(path);
	const section = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Responsable du lieu' }) });
	await expect(section).toContainText('Personne ne tient cette fiche à jour. Son adresse de contact,');
	await axeAtWidths(page, 'place page, no manager');
	await section.getByRole('button', { name: 'Inviter son contact comme responsable' }).click();
	// Post/Redirect/Get: the place's page again, the invitation waiting, no button any more
	await expect(page).toHaveURL(new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\?fait=invite$`));
	await expect(page.getByRole('status')).toContainText('L’invitation est envoyée\u00a0: son contact deviendra responsable du lieu en l’acceptant.');
	await expect(section).toContainText('Une invitation de responsable attend la réponse de son contact');
	await expect(section.getByRole('button')).toHaveCount(0);
	await axeAtWidths(page, 'place page, invitation waiting');
	// a reload sends nothing more; the onboarding page shows it waiting too
	await page.reload();
	await expect(section).toContainText('Une invitation de responsable attend');
	await page.goto('/admin/organisations/import#lieux');
	await expect(page.locator(`button[name="seul"][value="${id}"]`)).toHaveCount(0);
	// journaled (recordInvitation, as from the onboarding page)
	await page.goto('/admin/journal?action=invitation.created');
	await expect(page.locator('main')).toContainText('a invité');
	await ctx.close();
});
