import { test, expect } from '@playwright/test';

test('map view: the map appears, tiles fail offline with a French message, markers and the list are there', async ({ page }) => {
	const cspErrors: string[] = [];
	page.on('console', (m) => {
		if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
	});
	await page.goto('/lieux?ou=Agen&vue=carte');
	const map = page.locator('#carte');
	await expect(map).toBeVisible();
	await expect(map).toHaveClass(/leaflet-container/);
	await expect(page.locator('#carte-etat')).toHaveText('Le fond de carte n’a pas pu être chargé. Les lieux restent listés ci-dessous.');
	await expect(page.locator('#carte-etat')).toHaveAttribute('aria-live', 'polite');
	await expect(page.locator('.leaflet-marker-icon').first()).toBeVisible();
	expect(await page.locator('.leaflet-marker-icon').count()).toBeGreaterThan(1);
	await expect(page.getByText('La carte a besoin de JavaScript')).toHaveCount(0);
	await expect(page.locator('#resultats > li').first()).toBeVisible();

	// a marker's popup links to the place's page
	// (keyboard: markers are focusable buttons; several places can share a spot)
	await page.locator('.leaflet-marker-icon').first().focus();
	await page.keyboard.press('Enter');
	const link = page.locator('.leaflet-popup-content a');
	await expect(link).toHaveAttribute('href', /^\/lieux\/.+/);
	await expect(page.locator('.leaflet-popup-close-button')).toHaveAttribute('aria-label', 'Fermer');

	// Leaflet comes from our own origin
	const res = await page.request.get('/vendor/leaflet/leaflet.js');
	expect(res.status()).toBe(200);
	expect(cspErrors).toEqual([]);
});

test('the list view links to the map view with the same search', async ({ page }) => {
	await page.goto('/lieux?ou=Agen&gratuit=1');
	await page.getByRole('link', { name: 'Voir ces lieux sur une carte' }).click();
	await expect(page).toHaveURL(/vue=carte/);
	await expect(page).toHaveURL(/gratuit=1/);
	await expect(page).toHaveURL(/ou=Agen/);
});
