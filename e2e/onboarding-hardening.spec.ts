/**
 * What the acceptance walk and the attack pass on onboarding found (issue 12): the CSV
 * import's limits, hostile names refused in the CSV and the structure form, the reminder
 * that F5 sent again, the English refusals of a cross-site post and of a too-large body,
 * plurals and numbers, and checkboxes too small to tap at 390 px. Axe on the new states.
 */
import { test, expect, type Page } from '@playwright/test';
import { claimPlace, expectNoAxeViolations } from './helpers.ts';
import { statePath } from './accounts.ts';

async function axeAtWidths(page: Page, what: string) {
	for (const width of [390, 1280]) {
		await page.setViewportSize({ width, height: 844 });
		await expectNoAxeViolations(page, `${what} at ${width} px`);
	}
}

test('CSV import: more than 1 000 lines refused whole, with the limit and how to split; one line says « cette ligne »', async ({ browser }) => {
	test.setTimeout(180_000);
	const ctx = await browser.newContext({ storageState: statePath('coordinator') });
	const page = await ctx.newPage();
	const stamp = Date.now();
	const lines = (n: number) => ['structure;courriel', ...Array.from({ length: n }, (_, i) => `Asso limite ${stamp} ${i};p${i}.${stamp}@exemple.fr`)].join('\n');
	await page.goto('/admin/organisations/import');
	await page.getByLabel(/Ou collez son contenu/).fill(lines(1001));
	await page.getByRole('button', { name: 'Vérifier, sans rien enregistrer' }).click();
	await expect(page.getByRole('alert')).toHaveText(
		'Le fichier compte 1\u202f001\u00a0lignes\u00a0: 1\u202f000\u00a0au plus par import. Découpez-le en plusieurs fichiers de 1\u202f000\u00a0lignes au plus, en recopiant la première ligne (le nom des colonnes) en haut de chacun, puis importez-les l’un après l’autre.'
	);
	await expect(page.getByRole('button', { name: /^Importer/ })).toHaveCount(0);
	await axeAtWidths(page, 'import refused, too many lines');
	// one line: singular, and the count is written by the formatter
	await page.getByLabel(/Ou collez son contenu/).fill(lines(1));
	await page.getByRole('button', { name: 'Vérifier, sans rien enregistrer' }).click();
	await expect(page.locator('#rapport-titre')).toHaveText('Vérification\u00a0: 1 ligne, aucune erreur');
	await expect(page.getByRole('button', { name: 'Importer cette ligne', exact: true })).toBeVisible();
	await ctx.close();
});

test('an attacker’s structure name (a line break, a link) is refused in the CSV and in the form, nothing created', async ({ browser }) => {
	test.setTimeout(120_000);
	const ctx = await browser.newContext({ storageState: statePath('coordinator') });
	const page = await ctx.newPage();
	const stamp = Date.now();
	const csv = [
		'structure;courriel',
		`"Mairie ${stamp}`,
		`Cliquez ici\u00a0: https://evil.example";victime.${stamp}@exemple.fr`,
		`Asso www.evil.example;b.${stamp}@exemple.fr`
	].join('\n');
	await page.goto('/admin/organisations/import');
	await page.getByLabel(/Ou collez son contenu/).fill(csv);
	await page.getByRole('button', { name: 'Vérifier, sans rien enregistrer' }).click();
	await expect(page.locator('#rapport-titre')).toHaveText('2 lignes à corriger\u00a0: rien n’a été enregistré');
	await expect(page.locator('#rapport')).toContainText(
		'Ligne 2\u00a0: Le nom de la structure doit tenir sur une seule ligne\u00a0: retirez les retours à la ligne.'
	);
	// lines are the file's records (the one with a line break is line 2, in the spreadsheet too)
	await expect(page.locator('#rapport')).toContainText(
		'Ligne 3\u00a0: Le nom de la structure ne peut pas contenir d’adresse de site (lien)\u00a0: écrivez seulement le nom.'
	);
	await axeAtWidths(page, 'import refused, hostile names');

	await page.goto('/admin/organisations');
	await page.getByLabel(/^Nom de la structure/).fill(`Asso ${stamp} – écrivez à contact@evil.example`);
	await page.getByRole('button', { name: 'Ajouter la structure' }).click();
	await expect(page.locator('#structure-nom-erreur, .field__error').first()).toContainText('Le nom de la structure ne peut pas contenir d’adresse e-mail');
	await axeAtWidths(page, 'structure form, hostile name');
	await page.goto('/admin/organisations');
	await expect(page.getByText(`Asso ${stamp}`)).toHaveCount(0);
	await ctx.close();
});

test('a stale place’s reminder: Post/Redirect/Get, reloading sends nothing', async ({ browser }) => {
	test.setTimeout(180_000);
	const coordCtx = await browser.newContext({ storageState: statePath('coordinator') });
	const coord = await coordCtx.newPage();
	await coord.goto('/admin/lieux');
	// a stale place nobody runs yet: the médiathèque's manager claims it, the coordinator accepts
	const row = coord
		.getByRole('table', { name: /^Lieux sans mise à jour/ })
		.getByRole('row')
		.filter({ hasText: 'Aucun responsable' })
		.first();
	const placeName = ((await row.getByRole('link').textContent()) ?? '').trim();
	expect(placeName).not.toBe('');
	const managerCtx = await browser.newContext({ storageState: statePath('place_manager') });
	const manager = await managerCtx.newPage();
	await claimPlace(manager, placeName);
	await managerCtx.close();
	await coord.goto('/admin/lieux');
	await coord
		.getByRole('button', { name: `Accepter la demande pour ${placeName}`, exact: true })
		.first()
		.click();
	await expect(coord.getByRole('status')).toContainText('Demande acceptée');

	await coord
		.getByRole('button', { name: `Envoyer un rappel pour ${placeName}`, exact: true })
		.first()
		.click();
	// the médiathèque's place managers: one, or more when another spec has added one to the structure
	await expect(coord.getByRole('status')).toHaveText(/^Rappel envoyé à (1 responsable|\d+ responsables)\.\s*$/);
	const sent = (await coord.getByRole('status').innerText()).trim();
	expect(Number(new URL(coord.url()).searchParams.get('rappel'))).toBeGreaterThanOrEqual(1);
	expect(coord.url()).not.toContain('?/');
	await axeAtWidths(coord, 'reminder sent');
	// F5: a GET of the confirmation, no form posted again
	const posts: string[] = [];
	coord.on('request', (r) => {
		if (r.method() !== 'GET') posts.push(r.url());
	});
	await coord.reload();
	await expect(coord.getByRole('status')).toHaveText(sent);
	expect(posts).toEqual([]);
	await coordCtx.close();
});

test('a form posted from another site, and a too-large body: refused in French, on the site’s page', async ({ browser, baseURL }) => {
	const ctx = await browser.newContext({ storageState: statePath('coordinator') });
	const page = await ctx.newPage();
	// an attacker's page posting to the reminder action: no English, no action run
	const cross = await page.request.post('/admin/lieux?/remind', { headers: { origin: 'https://evil.example' }, form: { id: 'x' }, maxRedirects: 0 });
	expect(cross.status()).toBe(403);
	const crossBody = await cross.text();
	expect(crossBody).toContain('Ce formulaire a été envoyé depuis un autre site\u00a0: par sécurité, il n’a pas été pris en compte.');
	expect(crossBody).toContain('<h1>Accès refusé</h1>');
	expect(crossBody).not.toMatch(/Cross-site|forbidden/i);
	// the same for a JSON client
	const crossJson = await page.request.post('/connexion', {
		headers: { origin: 'https://evil.example', accept: 'application/json' },
		form: { email: 'a' },
		maxRedirects: 0
	});
	expect(crossJson.status()).toBe(403);
	// the one JSON error shape (decision 0012)
	expect((await crossJson.json()).error).toMatchObject({
		status: 403,
		code: 'cross_site',
		message: expect.stringMatching(/^Ce formulaire a été envoyé depuis un autre site/)
	});

	// 1.5 MB: above the 1 MB limit
	const big = 'contenu=' + 'a'.repeat(1_500_000);
	const tooLarge = await page.request.post('/admin/organisations/import?/import', {
		headers: { origin: baseURL!, 'content-type': 'application/x-www-form-urlencoded' },
		data: big,
		maxRedirects: 0
	});
	expect(tooLarge.status()).toBe(413);
	const body = await tooLarge.text();
	expect(body).toContain('<h1>Envoi trop volumineux</h1>');
	expect(body).toContain('Ce que vous avez envoyé est trop volumineux (1\u00a0Mo au plus).');
	expect(body).not.toMatch(/Content-length|exceeds|Payload Too Large/i);
	// between adapter-node's old default (512 KB) and 1 MB: the route answers, in French
	const mid = await page.request.post('/admin/organisations/import?/import', {
		headers: { origin: baseURL!, 'content-type': 'application/x-www-form-urlencoded' },
		data: 'etape=verifier&contenu=' + encodeURIComponent('structure;courriel\n' + 'Asso;a@b.fr\n'.repeat(45_000)),
		maxRedirects: 0
	});
	expect(mid.status()).toBe(400);
	expect(await mid.text()).toContain('Le fichier pèse');
	await ctx.close();
});

test('plurals: « Filtres (1 choisi) »', async ({ page }) => {
	await page.goto('/lieux?ou=Agen&gratuit=1');
	await expect(page.locator('summary').filter({ hasText: /^Filtres/ })).toHaveText('Filtres\u00a0(1 choisi)');
	await page.goto('/lieux?ou=Agen&gratuit=1&samedi=1');
	await expect(page.locator('summary').filter({ hasText: /^Filtres/ })).toHaveText('Filtres\u00a0(2 choisis)');
});

test('checkboxes at 390 px: 24 × 24 px at least, the label is the tap target', async ({ browser }) => {
	test.setTimeout(120_000);
	const ctx = await browser.newContext({ storageState: statePath('coordinator'), viewport: { width: 390, height: 844 } });
	const page = await ctx.newPage();
	for (const path of ['/admin/organisations/import#lieux', '/lieux?ou=Agen&gratuit=1']) {
		await page.goto(path);
		const boxes = page.locator('main input[type="checkbox"]');
		const n = await boxes.count();
		expect(n, `checkboxes on ${path}`).toBeGreaterThan(0);
		for (let i = 0; i < Math.min(n, 30); i++) {
			const box = boxes.nth(i);
			if (!(await box.isVisible())) continue;
			const size = await box.evaluate((el) => ({ w: el.getBoundingClientRect().width, h: el.getBoundingClientRect().height }));
			expect(size.w, `${path} checkbox ${i} width`).toBeGreaterThanOrEqual(24);
			expect(size.h, `${path} checkbox ${i} height`).toBeGreaterThanOrEqual(24);
		}
	}
	// on the import page, a tap on the label ticks the place
	await page.goto('/admin/organisations/import#lieux');
	const first = page.locator('#lieux ~ form input[type="checkbox"]').first();
	const id = await first.getAttribute('id');
	const label = page.locator(`label[for="${id}"]`);
	await expect(label).toContainText('Inviter');
	const labelBox = await label.boundingBox();
	expect(labelBox!.height).toBeGreaterThanOrEqual(44);
	await label.click();
	await expect(first).toBeChecked();
	await ctx.close();
});
