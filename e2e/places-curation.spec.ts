/**
 * Coordinators keep the places right (issue 12, item 8), on the demo territory's real
 * places: the work list with its counts, a correction of a name and a position, a
 * temporary closure shown on the public page, the merge of the two "Maison Pour Tous Saint
 * Exupéry" of Agen (the old address redirects), and a visitor's report acted on from the
 * report (corrected, or rejected with an answer). Axe at 390 and 1280 px.
 */
import { test, expect, type Page } from '@playwright/test';
import { axeAtBothWidths } from './helpers.ts';

/** the 15th of the month after next: within the year a temporary closure may last */
const soon = (() => {
	const d = new Date();
	const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 2, 15));
	const fr = (x: Date) => new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(x);
	// the date is the day the place reopens: it is closed until the day before, included
	return { iso: day.toISOString().slice(0, 10), french: fr(day), lastClosed: fr(new Date(day.getTime() - 86_400_000)) };
})();
import { seed, statePath } from './accounts.ts';

test.use({ storageState: statePath('coordinator') });

/** Post/Redirect/Get: after a successful action the address is a page's, not the action's (F5 sends nothing again) */
function expectRedirected(page: Page, done: string) {
	const url = new URL(page.url());
	expect(page.url()).not.toContain('?/');
	expect(url.searchParams.get('fait')).toBe(done);
}

test('the work list counts what to check, and a name in capitals is rewritten in one click', async ({ page }) => {
	// /admin/lieux names its section of stale places for what it is, the work list keeps « Lieux à vérifier »
	await page.goto('/admin/lieux');
	await expect(page.getByRole('heading', { level: 2, name: 'Lieux sans mise à jour depuis un an' })).toBeVisible();
	await expect(page.getByRole('heading', { level: 2, name: 'Lieux à vérifier' })).toHaveCount(0);
	await page.goto('/admin/lieux/a-verifier');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Lieux à vérifier');
	const kinds = page.getByRole('navigation', { name: 'Ce qui est à vérifier' });
	await expect(kinds).toContainText('Doublons probables');
	await expect(kinds).toContainText('Position approximative');
	await axeAtBothWidths(page, 'work list: duplicates');
	await expect(page.locator('.dup', { hasText: /maison pour tous saint exup/i })).toBeVisible();

	await kinds.getByRole('link', { name: 'Noms à réécrire' }).click();
	// the new page is there (its link marked current) before axe reads it: on a loaded machine
	// axe ran on the page being replaced and found no document
	await expect(kinds.getByRole('link', { name: 'Noms à réécrire' })).toHaveAttribute('aria-current', 'page');
	await axeAtBothWidths(page, 'work list: names');
	const before = Number(await kinds.locator('li', { hasText: 'Noms à réécrire' }).locator('strong').innerText());
	expect(before).toBeGreaterThan(0);
	const button = page
		.getByRole('button', { name: /^Mettre en casse normale/ })
		.filter({ hasNotText: /maison pour tous/i })
		.first();
	const suggestion = /« (.*) »/.exec(await button.innerText())![1];
	await button.click();
	await expect(page.getByRole('status')).toContainText(`Le nom est corrigé\u00a0: « ${suggestion} »`);
	expectRedirected(page, 'casse');
	// back on the list the button was on
	expect(new URL(page.url()).searchParams.get('liste')).toBe('noms');
	await expect(kinds.locator('li', { hasText: 'Noms à réécrire' }).locator('strong')).toHaveText(String(before - 1));
	// reloading renames nothing more, and says it again
	await page.reload();
	await expect(page.getByRole('status')).toContainText(`Le nom est corrigé\u00a0: « ${suggestion} »`);
	await expect(kinds.locator('li', { hasText: 'Noms à réécrire' }).locator('strong')).toHaveText(String(before - 1));
});

test('a correction of the name and the position, then a temporary closure shown publicly', async ({ page, browser }) => {
	await page.goto('/admin/lieux/a-verifier?liste=position');
	const first = page
		.locator('.work-places li a')
		.filter({ hasNotText: /maison pour tous/i })
		.first();
	const name = (await first.innerText()).trim();
	await first.click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
	await axeAtBothWidths(page, 'place page');
	const lat = Number((await page.getByLabel('Latitude').inputValue()).replace(',', '.'));
	const lng = Number((await page.getByLabel('Longitude').inputValue()).replace(',', '.'));
	expect(lat).toBeGreaterThan(43);

	// an error first: kept as typed, said field by field
	await page.getByLabel('Latitude').fill('quarante-quatre');
	await page.getByRole('button', { name: 'Enregistrer la correction' }).click();
	await expect(page.getByRole('alert').first()).toContainText('Le formulaire contient 1 erreur');
	await expect(page.getByLabel('Latitude')).toHaveValue('quarante-quatre');
	await expect(page).toHaveTitle(/^Erreur\s: /);
	await axeAtBothWidths(page, 'place page with an error');

	// the position was the commune's centre: typed a little further (the map is an enhancement of these fields)
	await expect(page.locator('#carte-position')).toHaveCount(1);
	await page.getByLabel('Nom du lieu').fill(`${name} (accueil)`);
	await page.getByLabel('Latitude').fill(String(lat + 0.001).replace('.', ','));
	await page.getByLabel('Longitude').fill(String(lng + 0.001).replace('.', ','));
	await page.getByRole('button', { name: 'Enregistrer la correction' }).click();
	await expect(page.getByRole('status')).toContainText('la fiche du lieu est corrigée');
	expectRedirected(page, 'corrige');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(`${name} (accueil)`);
	await expect(page.locator('.overrides')).toContainText('Nom');

	// closed until a date, with a reason the public reads
	await page.getByLabel(/pour un temps/).check();
	// a temporary closure lasts a year at most: a day within the coming months
	await page.getByLabel(/Rouvre le/).fill(soon.iso);
	await page.getByLabel('Raison, que le public lira').fill('Travaux de rénovation');
	await page.getByRole('button', { name: 'Fermer le lieu' }).click();
	await expect(page.getByRole('status')).toContainText('fermé pour un temps');
	expectRedirected(page, 'ferme-temporairement');
	await axeAtBothWidths(page, 'place page, closed');
	const id = new URL(page.url()).pathname.split('/').pop()!;

	const visitor = await browser.newContext({ storageState: { cookies: [], origins: [] }, javaScriptEnabled: false });
	const pub = await visitor.newPage();
	await pub.goto(`/lieux/${id}`);
	// first the closure, when it reopens and why; the usual hours are those « à la réouverture »
	const alert = pub.locator('.alert--warning');
	await expect(alert).toContainText(`Fermé temporairement jusqu’au ${soon.lastClosed} inclus`);
	await expect(alert).toContainText(`Il rouvre le ${soon.french}. Ne vous déplacez pas avant.`);
	await expect(alert).toContainText('Raison\u00a0: Travaux de rénovation');
	await expect(pub.locator('main')).not.toContainText('Ouvert maintenant');
	await expect(pub.locator('main')).not.toContainText('(aujourd’hui)');
	if (await pub.getByRole('table').count()) {
		await expect(pub.getByRole('heading', { name: 'Horaires à la réouverture' })).toBeVisible();
		await expect(pub.locator('#horaires-titre + p')).toContainText(`Voici ses horaires habituels, à partir du ${soon.french}.`);
	}
	await visitor.close();
	// axe needs JavaScript: the same page in a context that runs it
	const reader = await browser.newContext({ storageState: { cookies: [], origins: [] } });
	const readerPage = await reader.newPage();
	await readerPage.goto(`/lieux/${id}`);
	await axeAtBothWidths(readerPage, 'public page of a place closed for a while');
	await reader.close();

	await page.getByRole('button', { name: 'Rouvrir le lieu' }).click();
	await expect(page.getByRole('status')).toContainText('Le lieu est rouvert.');
	expectRedirected(page, 'rouvert');
});

test('a place closed for good: its page says so, without hours nor directions, and the search leaves it out', async ({ page, browser }) => {
	const visitor = await browser.newContext({ storageState: { cookies: [], origins: [] } });
	const pub = await visitor.newPage();
	// a place no other test uses (places-manage edits the first one near Nérac, concurrently)
	await pub.goto('/lieux?ou=Casteljaloux');
	const first = pub.locator('.result h3 a').first();
	const name = (await first.innerText()).trim();
	const id = new URL((await first.getAttribute('href'))!, 'http://x').pathname.split('/').pop()!;
	await page.goto(`/admin/lieux/${id}`);
	await page.getByLabel(/définitivement/).check();
	await page.getByLabel('Raison, que le public lira').fill('Service regroupé à la mairie');
	await page.getByRole('button', { name: 'Fermer le lieu' }).click();
	await expect(page.getByRole('status')).toContainText('fermé définitivement');
	try {
		await pub.goto(`/lieux/${id}`);
		await expect(pub.locator('.alert--warning')).toContainText('Ce lieu a fermé définitivement.');
		await expect(pub.locator('.alert--warning')).toContainText('Raison\u00a0: Service regroupé à la mairie');
		await expect(pub.getByRole('link', { name: /^Trouver un autre lieu à / })).toBeVisible();
		await expect(pub.getByRole('table')).toHaveCount(0);
		await expect(pub.locator('main')).toContainText('il n’a plus d’horaires d’ouverture');
		await expect(pub.locator('main')).not.toContainText('Itinéraire');
		await expect(pub.locator('main')).not.toContainText('Ouvert maintenant');
		await axeAtBothWidths(pub, 'public page of a place closed for good');
		await pub.goto('/lieux?ou=Casteljaloux');
		await expect(pub.locator('.result h3 a', { hasText: name })).toHaveCount(0);
	} finally {
		await page.goto(`/admin/lieux/${id}`);
		await page.getByRole('button', { name: 'Rouvrir le lieu' }).click();
		await expect(page.getByRole('status')).toContainText('Le lieu est rouvert.');
		await visitor.close();
	}
});

test('merging the two Maison Pour Tous Saint Exupéry: field by field, the old address redirects', async ({ page, request }) => {
	await page.goto('/admin/lieux/a-verifier');
	const group = page.locator('.dup', { hasText: /maison pour tous saint exup/i });
	const ids = await group.locator('li > a:first-child').evaluateAll((as) => as.map((a) => a.getAttribute('href')!.split('/').pop()!));
	expect(ids.length).toBe(2);
	await group
		.getByRole('link', { name: /fusionner en gardant cette fiche/ })
		.first()
		.click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText('Fusionner');
	await axeAtBothWidths(page, 'merge page');
	const keep = new URL(page.url()).searchParams.get('garder')!;
	const other = ids.find((i) => i !== keep)!;
	// the name of the other record wins
	await page
		.locator('fieldset', { hasText: 'Nom' })
		.getByLabel(/fiche fusionnée/)
		.check();
	await page.getByRole('button', { name: 'Fusionner les deux lieux' }).click();
	await expect(page).toHaveURL(new RegExp(`/admin/lieux/${keep}`));
	await expect(page.getByRole('status')).toContainText('Les deux lieux sont fusionnés');
	expectRedirected(page, 'fusionne');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(/maison pour tous saint exup/i);
	expect(await page.locator('#sources + ul li').count()).toBeGreaterThanOrEqual(2);

	const old = await request.get(`/lieux/${other}`, { maxRedirects: 0 });
	expect(old.status()).toBe(308);
	expect(old.headers()['location']).toBe(`/lieux/${keep}`);
	const api = await request.get(`/api/v1/places/${other}`, { maxRedirects: 0 });
	expect(api.status()).toBe(308);
	expect(await api.json()).toMatchObject({ fusionne_dans: keep });
});

test('a visitor’s report, acted on from the report: corrected, or rejected with an answer', async ({ page, browser }) => {
	const visitorCtx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
	const visitor = await visitorCtx.newPage();
	await visitor.goto('/lieux?ou=Marmande');
	const places = visitor.locator('#resultats li h3 a');
	const names: string[] = [];
	for (const i of [0, 1]) {
		await visitor.goto('/lieux?ou=Marmande');
		const a = places.nth(i);
		names.push((await a.innerText()).trim());
		await a.click();
		// the report form's choices, with a curly apostrophe (before: « L'adresse »)
		if (i === 0) await expect(visitor.getByRole('checkbox', { name: 'L’adresse', exact: true })).toBeVisible();
		await visitor.getByLabel('Votre message').fill(i === 0 ? `Le nom a changé (réf. ${Date.now()}).` : `Ce lieu n’existe plus (réf. ${Date.now()}).`);
		if (i === 1) await visitor.getByLabel(/e-mail/i).fill('visiteur@exemple.fr');
		await visitor.getByRole('button', { name: 'Envoyer le signalement' }).click();
		await expect(visitor.getByRole('status')).toContainText('Merci');
	}
	await visitorCtx.close();

	await page.goto('/admin/signalements');
	await axeAtBothWidths(page, 'reports with actions');
	const card = page.locator('.reports > li', { hasText: 'Le nom a changé' }).last();
	await card.getByRole('link', { name: /Corriger la fiche/ }).click();
	await expect(page.getByRole('heading', { name: 'Signalement à traiter' })).toBeVisible();
	await page.getByLabel('Nom du lieu').fill(`${names[0]} – espace numérique`);
	await page.getByRole('button', { name: 'Enregistrer la correction' }).click();
	await expect(page.getByRole('status')).toContainText('Le signalement est marqué comme traité');
	expectRedirected(page, 'corrige');

	await page.goto('/admin/signalements');
	const second = page.locator('.reports > li', { hasText: 'Ce lieu n’existe plus' }).last();
	await second.getByRole('button', { name: /Rejeter le signalement/ }).click();
	await expect(page.locator('.field__error').first()).toContainText('Écrivez la réponse');
	await page
		.locator('.reports > li', { hasText: 'Ce lieu n’existe plus' })
		.last()
		.getByLabel(/Rejeter\s: votre réponse/)
		.fill('Le lieu est bien ouvert\u00a0: nous avons vérifié auprès de la mairie.');
	await page
		.locator('.reports > li', { hasText: 'Ce lieu n’existe plus' })
		.last()
		.getByRole('button', { name: /Rejeter le signalement/ })
		.click();
	await expect(page.getByRole('status')).toHaveText(
		'Le signalement est rejeté\u00a0: votre réponse à la personne partira dès que l’envoi d’e-mails sera configuré.'
	);
	expectRedirected(page, 'rejete-repondu');
	await expect(page).toHaveURL(/\/admin\/signalements\?/);
});

test('a new place, then Post/Redirect/Get to its page', async ({ page }) => {
	await page.goto('/admin/lieux/nouveau');
	await axeAtBothWidths(page, 'new place');
	await page.getByRole('button', { name: 'Ajouter le lieu' }).click();
	await expect(page.getByRole('alert')).toContainText('Le formulaire contient');
	await axeAtBothWidths(page, 'new place with errors');
	await page.getByLabel('Nom du lieu').fill('Espace numérique de la gare');
	await page.locator('#lieu-adresse').fill('1 place de la Gare');
	await page.getByLabel('Code postal').fill('47300');
	await page.getByLabel('Commune').fill('Villeneuve-sur-Lot');
	await page.getByLabel('Aide aux démarches administratives').check();
	await page.getByRole('button', { name: 'Ajouter le lieu' }).click();
	await expect(page).toHaveURL(/\/admin\/lieux\/l[0-9a-f]+\?fait=cree$/);
	await expect(page.getByRole('status')).toContainText('Le lieu est ajouté');
	expectRedirected(page, 'cree');
});

test.describe('the place’s manager', () => {
	test.use({ storageState: statePath('place_manager') });
	test('closes their place for a while from its page, then reopens it; closing for good is the coordinators’', async ({ page }) => {
		const place = seed().places!.mediatheque;
		await page.goto(`/espace/lieux/${place.id}`);
		await expect(page.getByRole('heading', { name: 'Fermeture pour un temps' })).toBeVisible();
		await expect(page.locator('main')).not.toContainText('définitivement');
		await page.getByRole('button', { name: 'Fermer le lieu pour un temps' }).click();
		await expect(page.getByRole('alert')).toContainText('Le formulaire contient 2 erreurs');
		// the errors are at the bottom of a long page: the page says so in its title and lands on them
		await expect(page).toHaveTitle(/^Erreur/);
		await expect(page).toHaveURL(/#fermeture-titre$/);
		await axeAtBothWidths(page, 'manager’s closure with errors');
		await page.getByLabel('Rouvre le').fill(soon.iso);
		await page.getByLabel('Raison, que le public lira').fill('Congés annuels');
		await page.getByRole('button', { name: 'Fermer le lieu pour un temps' }).click();
		await expect(page.getByRole('status')).toContainText('fermé pour un temps');
		// Post/Redirect/Get: F5 shows the page again, it does not close the place a second time
		await expect(page).toHaveURL(/\?fait=ferme#fermeture-titre$/);
		const posts: string[] = [];
		page.on('request', (r) => void (r.method() === 'POST' && posts.push(r.url())));
		await page.reload();
		await expect(page.getByRole('status')).toContainText('fermé pour un temps');
		expect(posts).toEqual([]);
		await expect(page.locator('.alert--warning')).toContainText(`Fermé temporairement jusqu’au ${soon.lastClosed} inclus.`);
		await expect(page.locator('.alert--warning')).toContainText(`Il rouvre le ${soon.french}`);
		await page.goto(`/lieux/${place.id}`);
		await expect(page.locator('.alert--warning')).toContainText(`Fermé temporairement jusqu’au ${soon.lastClosed} inclus`);
		await expect(page.locator('.alert--warning')).toContainText('Congés annuels');
		await page.goto(`/espace/lieux/${place.id}`);
		await page.getByRole('button', { name: 'Rouvrir le lieu' }).click();
		await expect(page.getByRole('status')).toContainText('Le lieu est rouvert.');
		await expect(page).toHaveURL(/\?fait=rouvert#fermeture-titre$/);
	});

	test('« Mes lieux » shows a place closed for a while, and reopens it there', async ({ page }) => {
		const place = seed().places!.mediatheque;
		await page.goto(`/espace/lieux/${place.id}`);
		await page.getByLabel('Rouvre le').fill(soon.iso);
		await page.getByLabel('Raison, que le public lira').fill('Travaux');
		await page.getByRole('button', { name: 'Fermer le lieu pour un temps' }).click();
		await expect(page.getByRole('status')).toContainText('fermé pour un temps');
		await page.goto('/espace/lieux');
		const line = page.locator('.my-places li', { hasText: place.nom });
		await expect(line.locator('.tag')).toHaveText(`Fermé temporairement jusqu’au ${soon.lastClosed} inclus`);
		await expect(line).not.toContainText('mis à jour le');
		await axeAtBothWidths(page, '« Mes lieux » with a place closed for a while');
		await line.getByRole('button', { name: `Rouvrir maintenant ${place.nom}` }).click();
		await expect(page).toHaveURL(/\/espace\/lieux\?rouvert=1$/);
		await expect(page.getByRole('status')).toContainText('Le lieu est rouvert');
		await expect(page.locator('.my-places li', { hasText: place.nom }).locator('.tag')).toHaveCount(0);
		await expect(page.locator('.my-places li', { hasText: place.nom })).toContainText('mis à jour le');
	});
});
