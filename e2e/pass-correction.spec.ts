/**
 * A wrong contribution to the fund is corrected (issue 12, item 17), without JavaScript:
 * the coordinator records 50 000 € instead of 5 000 €, corrects it with a reason; the table
 * shows the original (untouched, "corrigée"), its reversal and the right amount; a reload
 * repeats nothing.
 */
import { test, expect } from '@playwright/test';
import { expectNoAxeViolations } from './helpers.ts';
import { statePath } from './accounts.ts';

const REF = `CONV-CORR-${Date.now().toString(36)}`;

test.describe('without JavaScript', () => {
	test.use({ storageState: statePath('coordinator'), javaScriptEnabled: false });

	test('a reversal and the right amount, never an update', async ({ page }) => {
		await page.goto('/espace/pass/fonds');
		await page.getByLabel('Partenaire qui verse').selectOption({ label: 'CAF de Lot-et-Garonne' });
		await page.getByLabel(/^Montant/).fill('50 000');
		await page.getByLabel(/^Référence de la convention/).fill(REF);
		await page.getByRole('button', { name: 'Enregistrer la contribution' }).click();
		await expect(page.getByRole('status')).toContainText('La contribution est enregistrée.');

		const table = page.getByRole('table', { name: /Contributions des partenaires/ });
		const row = table.getByRole('row').filter({ hasText: '50 000 €' }).filter({ hasText: REF });
		await row.locator('summary').click();
		// no reason: asked for, what was typed kept
		await row.getByLabel(/^Bon montant/).fill('5 000');
		await row.getByRole('button', { name: 'Corriger la contribution' }).click();
		const again = table.getByRole('row').filter({ hasText: '50 000 €' }).filter({ hasText: REF });
		await expect(again.getByText(/Indiquez pourquoi la contribution est corrigée/)).toBeVisible();
		await expect(again.getByLabel(/^Bon montant/)).toHaveValue('5 000');
		await again.getByLabel(/^Pourquoi corriger/).fill('Montant saisi 50 000 € au lieu de 5 000 €');
		await again.getByRole('button', { name: 'Corriger la contribution' }).click();
		await expect(page).toHaveURL(/corrigee=1/);
		await expect(page.getByRole('status')).toContainText('La contribution est corrigée');
		const mine = table.getByRole('row').filter({ hasText: REF });
		await expect(mine).toHaveCount(3);
		await expect(mine.filter({ hasText: 'Corrigée (voir la ligne d’annulation)' })).toContainText('50 000 €');
		await expect(mine.filter({ hasText: 'Annulation d’une contribution' })).toContainText(/[-−]50\s000\s€/);
		await expect(mine.filter({ hasText: 'Corriger' })).toContainText('5 000 €');
		// Post/Redirect/Get: a reload repeats nothing
		await page.reload();
		await expect(table.getByRole('row').filter({ hasText: REF })).toHaveCount(3);
	});
});

test('the fund with a correction open has no axe violation', async ({ browser }) => {
	const ctx = await browser.newContext({ storageState: statePath('coordinator') });
	const page = await ctx.newPage();
	await page.goto('/espace/pass/fonds');
	await page
		.getByRole('table', { name: /Contributions des partenaires/ })
		.locator('summary')
		.first()
		.click();
	await expectNoAxeViolations(page, '/espace/pass/fonds with a correction form open');
	await ctx.close();
});
