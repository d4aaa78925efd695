import { test, expect } from '@playwright/test';

// The whole public journey, with JavaScript turned off in the browser.
test.use({ javaScriptEnabled: false });

test('search, filter, next results, a place, report an error — without JavaScript', async ({ page }) => {
	await page.goto('/');
	await page.getByLabel(/Où\s\? Commune, code postal ou adresse/).fill('Agen');
	await page.getByRole('button', { name: 'Rechercher' }).click();

	await expect(page).toHaveURL(/\/lieux\?ou=Agen/);
	const h1 = page.getByRole('heading', { level: 1 });
	await expect(h1).toHaveText(/^Lieux près d’Agen/);
	await expect(page.getByText(/^\d[\d\s\u202f]* lieux à moins de 30\skm, les mieux renseignés d’abord\.$/)).toBeVisible();
	await expect(page).toHaveTitle(/Agen/);
	await expect(page.locator('#resultats > li').first()).toBeVisible();
	await expect(page.locator('#resultats')).toContainText(/à [\d,]+ k?m/);

	// a filter
	await page.getByRole('group', { name: 'Services proposés' }).getByLabel('Aide aux démarches administratives').check();
	await page.getByRole('button', { name: 'Rechercher' }).last().click();
	await expect(page).toHaveURL(/service=Aide\+aux\+d%C3%A9marches\+administratives/);
	await expect(page).toHaveURL(/ou=Agen/);
	await expect(page.getByRole('group', { name: 'Services proposés' }).getByLabel('Aide aux démarches administratives')).toBeChecked();
	const firstPage = await page.locator('#resultats > li h3').allTextContents();
	expect(firstPage.length).toBeGreaterThan(0);

	// next results (numbered pages since issue 12: the places within 30 km, 20 a page)
	await page.getByLabel('Aide aux démarches administratives').uncheck();
	await page.getByRole('button', { name: 'Rechercher' }).last().click();
	const pageOne = await page.locator('#resultats > li h3').allTextContents();
	expect(pageOne.length).toBe(20);
	await page.getByRole('navigation', { name: 'Pages de résultats' }).getByRole('link', { name: 'Page suivante' }).click();
	await expect(page).toHaveURL(/page=2/);
	await expect(page).toHaveURL(/ou=Agen/);
	const secondPage = await page.locator('#resultats > li h3').allTextContents();
	expect(secondPage.length).toBeGreaterThan(0);
	expect(secondPage.filter((n) => pageOne.includes(n))).toEqual([]);

	// a place
	const first = page.locator('#resultats > li h3 a').first();
	const name = (await first.textContent())!.trim();
	await first.click();
	await expect(page).toHaveURL(/\/lieux\/[^?]+\?retour=/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
	const back = page.getByRole('navigation', { name: 'Fil d’Ariane' }).getByRole('link', { name: 'Résultats de votre recherche' });
	await expect(back).toHaveAttribute('href', /\/lieux\?.*page=2/);

	// report an error: empty, then wrong e-mail, then valid
	await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
	await expect(page).toHaveURL(/#signaler$/);
	await expect(page.getByRole('alert')).toContainText('Le formulaire contient 1 erreur');
	await expect(page).toHaveTitle(/^Erreur\s: /);
	const message = page.getByLabel(/Votre message/);
	await expect(message).toHaveAttribute('aria-invalid', 'true');
	await expect(message).toHaveAttribute('aria-describedby', 'signalement-message-erreur');

	await page.getByLabel('Votre adresse e-mail').fill('pas-une-adresse');
	await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
	await expect(page.getByRole('alert')).toContainText('Le formulaire contient 2 erreurs');
	await expect(page.getByLabel('Votre adresse e-mail')).toHaveValue('pas-une-adresse');

	await page
		.getByRole('group', { name: /Qu’est-ce qui est faux/ })
		.getByLabel('Les horaires')
		.check();
	await message.fill('Le lieu est fermé le mercredi après-midi.');
	await page.getByLabel('Votre adresse e-mail').fill('');
	await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
	await expect(page.getByRole('status')).toContainText('Merci, votre signalement a été transmis à l’équipe du Département.');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
	// Post/Redirect/Get: F5 shows the thanks again, it does not send a second report
	await expect(page).toHaveURL(/\?retour=[^#]*signale=1#signaler$/);
	const posts: string[] = [];
	page.on('request', (r) => void (r.method() === 'POST' && posts.push(r.url())));
	await page.reload();
	await expect(page.getByRole('status')).toContainText('Merci, votre signalement a été transmis');
	expect(posts).toEqual([]);
	await expect(back).toHaveAttribute('href', /\/lieux\?.*page=2/);
});

test('an ambiguous "Où\u00a0?" offers the communes, an unknown one explains what to do', async ({ page }) => {
	await page.goto('/lieux?ou=Saint-Martin');
	await expect(page.getByRole('heading', { name: 'Plusieurs communes correspondent' })).toBeVisible();
	const choices = page.locator('.alert--warning ul a');
	expect(await choices.count()).toBeGreaterThan(1);
	await choices.first().click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(/près de/);

	await page.goto('/lieux?ou=zzzzqqqq');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Nous n’avons pas trouvé « zzzzqqqq »');
	await expect(page.getByText('le code postal, par exemple 47000')).toBeVisible();
});

test('a search with no result gives advice', async ({ page }) => {
	await page.goto('/lieux?ou=Agen&itinerant=1&samedi=1&ouvert=1&prise_en_charge=Surdit%C3%A9&public=%C3%89tudiants');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Aucun lieu trouvé près d’Agen/);
	await expect(page.getByRole('link', { name: 'Retirer tous les filtres' }).first()).toBeVisible();
});

test('the map view works as a list without JavaScript', async ({ page }) => {
	await page.goto('/lieux?ou=Agen&vue=carte');
	await expect(page.getByText('La carte a besoin de JavaScript pour s’afficher.')).toBeVisible();
	await expect(page.locator('#carte')).toBeHidden();
	await expect(page.locator('#resultats > li').first()).toBeVisible();
});

test('unknown place: a French 404', async ({ page }) => {
	const res = await page.goto('/lieux/ce-lieu-n-existe-pas');
	expect(res?.status()).toBe(404);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page introuvable');
	await expect(page.getByText('Ce lieu n’existe pas, ou il n’est plus dans l’annuaire.')).toBeVisible();
});
