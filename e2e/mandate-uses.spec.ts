/**
 * Acting under a mandate in the browser (issue 15, item 8): the médiathèque's mediator
 * records a person, prepares a mandate the person confirms on the screen, then records an
 * accompaniment « Fait au titre du mandat », on a 320 px phone without JavaScript; the
 * mandate's page lists the use. The form with its mandate part scanned by axe.
 */
import { test, expect, type Page } from '@playwright/test';
import { expectNoAxeViolations } from './helpers.ts';
import { statePath } from './accounts.ts';

async function noHorizontalScroll(page: Page, what: string) {
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow, `horizontal overflow on ${what}`).toBeLessThanOrEqual(0);
}

test('a mediator records an accompaniment under the mandate the person gave their structure', async ({ browser }) => {
	test.slow();
	const who = `Mandant${Date.now().toString(36)}`;
	const ctx = await browser.newContext({ storageState: statePath('mediator'), javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
	const p = await ctx.newPage();
	await p.goto('/espace/personnes/nouvelle');
	await p.locator('#p-prenom').fill('Rosa');
	await p.locator('#p-nom').fill(who);
	await p.locator('#p-commune').fill('Agen');
	await p.getByRole('button', { name: /^Enregistrer seulement|^Enregistrer quand même/ }).click();
	await expect(p.getByRole('heading', { level: 1 })).toHaveText(`Rosa ${who}`);
	const personId = new URL(p.url()).pathname.split('/').at(-1)!;
	await p.getByRole('link', { name: 'Voir ses mandats, ou en préparer un' }).click();
	await p.getByLabel('Logement').check();
	await p.getByLabel('Argent – Impôts').check();
	await p.getByLabel('6 mois').check();
	await p.getByRole('button', { name: 'Préparer le mandat' }).click();
	await p.getByLabel('J’ai lu. Je suis d’accord pour donner ce mandat.').check();
	await p.getByLabel(/^J’atteste que la personne/).check();
	await p.getByRole('button', { name: 'Je confirme le mandat' }).click();
	await expect(p.getByRole('status')).toContainText('Le mandat est confirmé');
	const mandatePath = new URL(p.url()).pathname;

	// the form for this person offers the mandate's themes
	const form = `/espace/accompagnements/nouveau?personne=${personId}`;
	await p.goto(form);
	const mandate = p.getByRole('group', { name: 'Mandat', exact: true });
	await expect(mandate).toContainText('a donné un mandat à votre structure');
	await expect(mandate.getByRole('group', { name: 'Domaine du mandat' }).getByRole('radio')).toHaveCount(2);
	await noHorizontalScroll(p, 'the form with its mandate');
	await p.getByRole('group', { name: 'Thèmes (au moins un)' }).getByLabel('E-mail', { exact: true }).check();

	// ticked without a theme (two in force, none of the procedures named): said, the form kept
	await mandate.getByLabel('Fait au titre du mandat').check();
	await p.getByRole('button', { name: 'Enregistrer l’accompagnement' }).click();
	await expect(p.getByRole('alert')).toContainText('Choisissez le domaine du mandat pour lequel vous avez agi.');
	await expect(p.getByRole('group', { name: 'Mandat', exact: true }).getByLabel('Fait au titre du mandat')).toBeChecked();
	await p.getByRole('group', { name: 'Domaine du mandat' }).getByLabel('Logement').check();
	await p.getByRole('button', { name: 'Enregistrer l’accompagnement' }).click();
	await expect(p).toHaveURL(/\/espace\/accompagnements\?/);

	// the mandate's page lists the use
	await p.goto(mandatePath);
	await expect(p.locator('main table')).toContainText('Accompagnement de 30 min');
	await ctx.close();

	// axe on the form with its mandate part (with JavaScript)
	const axeCtx = await browser.newContext({ storageState: statePath('mediator') });
	const a = await axeCtx.newPage();
	await a.goto(form);
	await expect(a.getByRole('group', { name: 'Mandat', exact: true })).toBeVisible();
	await expectNoAxeViolations(a, 'the accompaniment form under a mandate');
	await axeCtx.close();
});
