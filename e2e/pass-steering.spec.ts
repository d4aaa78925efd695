/**
 * Steering the Pass Numérique in the browser: the coordinator qualifies a SIRET for a
 * structure, suspends it with a reason and restores it (without JavaScript); prepares
 * last month's statements, opens the seed's statement, downloads it as CSV and PDF and
 * marks it paid; reviews the seed's alert with a note; filters the dashboard by campaign
 * (also without JavaScript) and downloads it as CSV. The médiathèque's mediator reads the
 * statement of their place, without the pay form; the CAF's partner reads the dashboard
 * of what the CAF funds. axe on every page.
 *
 * The seed (e2e/serve.mjs, `pass`): a campaign funded by the CAF, the médiathèque
 * qualified, a voucher redeemed last month at its place on an unpaid statement, an open
 * "outside the area" alert. Other specs may add campaigns, alerts and redemptions
 * meanwhile: rows are found by what this spec knows (ids, codes, names), never by rank.
 */
import { test, expect, type Page } from '@playwright/test';
import { expectNoAxeViolations } from './helpers.ts';
import { seed, statePath } from './accounts.ts';

const h1 = (page: Page) => page.getByRole('heading', { level: 1 });
const pass = () => {
	const p = seed().pass;
	if (!p) throw new Error('the e2e seed has no Pass Numérique block (e2e/serve.mjs)');
	return p;
};
/** "7K2M9QXA4HTBZ1" → "7K2M-9QXA-4HTB-Z1" */
const printed = (code: string) => code.replace(/(.{4})(?=.)/g, '$1-');
const spacedSiret = (s: string) => s.replace(/^(\d{3})(\d{3})(\d{3})(\d{5})$/, '$1 $2 $3 $4');

/** Last month in Paris, as the pages write it ("novembre 2026"). */
function lastMonthLabel(): string {
	const [y, m] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit' }).format(new Date()).split('-').map(Number);
	const d = new Date(Date.UTC(m === 1 ? y - 1 : y, m === 1 ? 11 : m - 2, 15));
	return new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(d);
}

/** A SIRET no other run uses, with a valid Luhn key. */
function newSiret(): string {
	const body = `9${String(Date.now()).slice(-9)}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
	for (let d = 0; d < 10; d++) {
		const s = body + d;
		const sum = [...s].reverse().reduce((acc, c, i) => {
			let v = Number(c) * (i % 2 ? 2 : 1);
			if (v > 9) v -= 9;
			return acc + v;
		}, 0);
		if (sum % 10 === 0) return s;
	}
	throw new Error('unreachable');
}

test.describe('the coordinator, without JavaScript', () => {
	test.use({ storageState: statePath('coordinator'), javaScriptEnabled: false });

	test('qualifies a SIRET for a structure, suspends it with a reason, restores it; a second qualification is refused', async ({ page }) => {
		const siret = newSiret();
		const row = () => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: spacedSiret(siret), exact: true }) });
		await page.goto('/espace/pass/lieux');
		await expect(h1(page)).toHaveText('Lieux qualifiés');
		// the seed's médiathèque is qualified
		await expect(page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: spacedSiret(pass().siret) }) })).toContainText('Médiathèque de Nérac');

		// nothing chosen: the structure is asked for, in French, linked to its field (the SIRET may be left empty: the structure's stored one is taken)
		await page.getByRole('button', { name: 'Qualifier ce SIRET' }).click();
		await expect(page).toHaveTitle(/^Erreur\s: /);
		await expect(page.getByRole('alert')).toContainText('Le formulaire contient 1 erreur');
		await expect(page.getByRole('alert').getByRole('link')).toHaveAttribute('href', '#qualifier-structure');
		// a structure without a stored SIRET: the SIRET is asked for
		await page.getByLabel(/^Structure remboursée/).selectOption({ label: 'CCAS de Marmande' });
		await page.getByRole('button', { name: 'Qualifier ce SIRET' }).click();
		await expect(page.getByRole('alert').getByRole('link')).toHaveAttribute('href', '#qualifier-siret');
		await expect(page.getByRole('alert')).toContainText('CCAS de Marmande n’a pas de SIRET enregistré');
		// a wrong key: still refused, what was typed kept
		await page.getByLabel(/^Structure remboursée/).selectOption({ label: 'CCAS de Marmande' });
		await page.getByRole('textbox', { name: /^SIRET/ }).fill(siret.slice(0, 13) + String((Number(siret[13]) + 1) % 10));
		await page.getByRole('button', { name: 'Qualifier ce SIRET' }).click();
		await expect(page.getByRole('alert')).toContainText('Le SIRET n’est pas valide. Un SIRET compte 14 chiffres');
		await expect(page.getByLabel(/^Structure remboursée/)).toHaveValue(seed().organisations.ccas);

		await page.getByRole('textbox', { name: /^SIRET/ }).fill(spacedSiret(siret));
		await page.getByRole('button', { name: 'Qualifier ce SIRET' }).click();
		await expect(page.getByRole('status')).toContainText(`Le SIRET ${siret} est qualifié`);
		// Post/Redirect/Get: a reload repeats nothing
		await expect(page).toHaveURL(/fait=qualifie/);
		await page.reload();
		await expect(page.getByRole('alert')).toHaveCount(0);
		await expect(row()).toContainText('CCAS de Marmande');
		await expect(row()).toContainText('En service');

		// suspended: the reason is asked for, then kept
		await row().locator('summary').click();
		await row().getByRole('button', { name: 'Suspendre la qualification' }).click();
		await expect(row().getByText('Indiquez la raison de la suspension. La raison est gardée au journal.')).toBeVisible();
		await row()
			.getByLabel(/^Raison de la suspension/)
			.fill('Lieu fermé pour travaux jusqu’en mars');
		await row().getByRole('button', { name: 'Suspendre la qualification' }).click();
		await expect(page.getByRole('status')).toContainText('La qualification est suspendue');
		await expect(row()).toContainText('Suspendu');
		await expect(row()).toContainText('Raison\u00a0: Lieu fermé pour travaux jusqu’en mars');

		// restored
		await row()
			.getByRole('button', { name: `Rétablir la qualification du SIRET ${spacedSiret(siret)}` })
			.click();
		await expect(page.getByRole('status')).toContainText('est rétablie');
		await expect(row()).toContainText('En service');
		await expect(row()).not.toContainText('Suspendu');

		// one qualification per SIRET
		await page.getByLabel(/^Structure remboursée/).selectOption({ label: 'Médiathèque de Nérac' });
		await page.getByRole('textbox', { name: /^SIRET/ }).fill(siret);
		await page.getByRole('button', { name: 'Qualifier ce SIRET' }).click();
		await expect(page.getByRole('alert')).toContainText('Ce SIRET est déjà qualifié\u00a0: une seule qualification par SIRET.');
		await expect(row()).toContainText('CCAS de Marmande');
	});

	test('filters the dashboard by campaign with a plain form', async ({ page }) => {
		const { campaign } = pass();
		await page.goto('/espace/pass/tableau-de-bord');
		await expect(h1(page)).toHaveText('Tableau de bord du Pass Numérique');
		await page.getByLabel('Campagne', { exact: true }).selectOption({ label: campaign.name });
		await page.getByRole('button', { name: 'Afficher' }).click();
		await expect(page).toHaveURL(new RegExp(`campagne=${campaign.id}`));
		await expect(page.getByLabel('Campagne', { exact: true })).toHaveValue(campaign.id);
		const table = page.getByRole('table', { name: /^Pass par campagne/ });
		await expect(table).toContainText(campaign.name);
		// only that campaign
		await expect(table.locator('tbody tr')).toHaveCount(1);
		await expect(page.getByRole('link', { name: /Télécharger ces tableaux/ })).toHaveAttribute('href', new RegExp(`campagne=${campaign.id}`));
	});
});

test.describe.serial('the coordinator, with JavaScript', () => {
	test.use({ storageState: statePath('coordinator') });

	test('the qualified places’ page has no axe violation, a suspension form open', async ({ page }) => {
		await page.goto('/espace/pass/lieux');
		await expect(h1(page)).toHaveText('Lieux qualifiés');
		await expectNoAxeViolations(page, '/espace/pass/lieux');
		await page.getByRole('button', { name: 'Qualifier ce SIRET' }).click();
		await expect(page.getByRole('alert')).toContainText('Le formulaire contient');
		const seeded = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: spacedSiret(pass().siret) }) });
		await seeded.locator('summary').click();
		await expect(seeded.getByLabel(/^Raison de la suspension/)).toBeVisible();
		await expectNoAxeViolations(page, '/espace/pass/lieux with an error and a suspension form open');
	});

	test('statements: prepares last month’s, opens the seed’s, downloads it, marks it paid', async ({ page }) => {
		const { statementId, redeemedCode } = pass();
		const month = lastMonthLabel();
		const place = seed().places!.mediatheque;
		await page.goto('/espace/pass/releves');
		await expect(h1(page)).toHaveText('Relevés de remboursement');
		await expectNoAxeViolations(page, '/espace/pass/releves');

		// prepared again: idempotent, nothing new (or what other specs redeemed meanwhile)
		await page.getByLabel('Mois terminé').selectOption({ label: month });
		await page.getByRole('button', { name: 'Préparer les relevés du mois' }).click();
		await expect(page.getByRole('status')).toContainText(`Relevés de ${month}\u00a0:`);

		// only the unpaid ones of last month
		await page.getByLabel('Mois', { exact: true }).selectOption({ label: month });
		await page.getByLabel('Seulement les relevés à payer').check();
		await page.getByRole('button', { name: 'Afficher' }).click();
		await expect(page).toHaveURL(/a-payer=1/);
		const link = page.locator(`a[href="/espace/pass/releves/${statementId}"]`);
		await expect(link).toContainText(place.nom);
		await expect(page.getByRole('row').filter({ has: link })).toContainText('À payer');
		await expect(page.locator('dl.profile')).toContainText('Reste à payer');

		await link.click();
		await expect(h1(page)).toHaveText(`Relevé Pass Numérique ${/^[aeiouyhàâéèêîôû]/i.test(month) ? 'd’' : 'de '}${month}`);
		await expect(page.locator('dl.profile')).toContainText('Médiathèque de Nérac');
		await expect(page.locator('dl.profile')).toContainText(spacedSiret(pass().siret));
		const vouchers = page.getByRole('table', { name: /^Pass du relevé/ });
		await expect(vouchers).toContainText(printed(redeemedCode));
		await expect(vouchers).toContainText(pass().campaign.name);
		await expect(vouchers).toContainText('10 €');
		await expectNoAxeViolations(page, '/espace/pass/releves/[id]');

		// CSV and PDF
		const csv = await page.request.get(`/espace/pass/releves/${statementId}/releve.csv`);
		expect(csv.status()).toBe(200);
		expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
		expect(csv.headers()['content-disposition']).toMatch(/^attachment; filename="releve-pass-\d{4}-\d{2}-[a-z0-9-]+\.csv"$/);
		const body = await csv.text();
		expect(body).toContain('Code du pass');
		expect(body).toContain(printed(redeemedCode));
		expect(body).toMatch(/\r\nTotal;.*;10,00\r\n$/);
		const pdf = await page.request.get(`/espace/pass/releves/${statementId}/releve.pdf`);
		expect(pdf.status()).toBe(200);
		expect(pdf.headers()['content-type']).toBe('application/pdf');
		expect((await pdf.body()).subarray(0, 4).toString('latin1')).toBe('%PDF');

		// paid: the reference is asked for, then shown; the form is gone
		await page.getByRole('button', { name: 'Marquer comme payé' }).click();
		await expect(page.getByRole('alert')).toContainText('Indiquez la référence du virement. Par exemple le numéro du mandat de paiement.');
		await expectNoAxeViolations(page, '/espace/pass/releves/[id] with an error');
		await page.getByLabel(/^Référence du paiement/).fill('MANDAT-2026-0042');
		await page.getByRole('button', { name: 'Marquer comme payé' }).click();
		await expect(page.getByRole('status')).toContainText('Le relevé est marqué payé');
		await expect(page.locator('dl.profile')).toContainText(/Payé le \d{1,2}(er)? \S+ \d{4} \(référence MANDAT-2026-0042\)/);
		await expect(page.getByRole('button', { name: 'Marquer comme payé' })).toHaveCount(0);
		// and in the list
		await page.goto('/espace/pass/releves');
		await expect(page.getByRole('row').filter({ has: page.locator(`a[href="/espace/pass/releves/${statementId}"]`) })).toContainText(
			'Référence\u00a0: MANDAT-2026-0042'
		);
	});

	test('alerts: reviews the seed’s alert with a note; it moves to the reviewed ones', async ({ page }) => {
		const { alertId } = pass();
		const card = () => page.locator('li.card', { has: page.locator(`input[name="id"][value="${alertId}"]`) });
		await page.goto('/espace/pass/alertes');
		await expect(h1(page)).toHaveText('Alertes sur l’usage des pass');
		await expect(card()).toContainText('Pass utilisé hors du territoire de la campagne');
		await expect(card()).toContainText('À examiner');
		await expect(card()).toContainText('Médiathèque de Nérac');
		await expect(card()).toContainText(pass().campaign.name);
		await expectNoAxeViolations(page, '/espace/pass/alertes');

		await card().getByRole('button', { name: 'Marquer comme examinée' }).click();
		await expect(card()).toContainText('Indiquez ce que vous avez constaté. Par exemple\u00a0: atelier collectif vérifié avec le lieu.');
		await expect(card().getByLabel(/^Ce que vous avez constaté/)).toHaveAttribute('aria-invalid', 'true');
		const note = `Atelier à la médiathèque pour des habitants d’une commune voisine (${Date.now().toString(36)})`;
		await card()
			.getByLabel(/^Ce que vous avez constaté/)
			.fill(note);
		await card().getByRole('button', { name: 'Marquer comme examinée' }).click();
		await expect(page.getByRole('status')).toContainText('L’alerte est examinée');
		await expect(card()).toHaveCount(0);
		const reviewed = page.locator('li.card').filter({ hasText: note });
		await expect(reviewed).toContainText('Examinée');
		await expect(reviewed).toContainText('Pass utilisé hors du territoire de la campagne');
	});

	test('the dashboard: a campaign’s figures, and the CSV with the same filters', async ({ page }) => {
		const { campaign } = pass();
		await page.goto('/espace/pass/tableau-de-bord');
		await expect(h1(page)).toHaveText('Tableau de bord du Pass Numérique');
		await expectNoAxeViolations(page, '/espace/pass/tableau-de-bord');
		await page.getByLabel('Campagne', { exact: true }).selectOption({ label: campaign.name });
		await page.getByRole('button', { name: 'Afficher' }).click();
		await expect(page).toHaveURL(new RegExp(`campagne=${campaign.id}`));
		const row = page
			.getByRole('table', { name: /^Pass par campagne/ })
			.getByRole('row')
			.filter({ has: page.getByRole('rowheader', { name: campaign.name }) });
		// 40 issued (4 booklets of 10, funded), 8 handed out, 1 used (reimbursed once its statement is paid)
		const cells = row.getByRole('cell');
		await expect(cells.nth(0)).toHaveText('40');
		await expect(cells.nth(1)).toHaveText(/^\d+$/);
		expect(Number(await cells.nth(1).innerText())).toBeGreaterThanOrEqual(8);
		expect(Number(await cells.nth(2).innerText())).toBeGreaterThanOrEqual(1);
		await expect(page.getByRole('table', { name: /^Pass utilisés, par lieu/ })).toContainText(seed().places!.mediatheque.nom);
		// the coordinator reads exact counts: nothing masked
		await expect(page.locator('#chiffres-masques')).toHaveCount(0);
		expect(await page.locator('main table td').allInnerTexts()).not.toContain('masqué');

		const href = await page.getByRole('link', { name: /Télécharger ces tableaux/ }).getAttribute('href');
		expect(href).toContain(`campagne=${campaign.id}`);
		const csv = await page.request.get(href!);
		expect(csv.status()).toBe(200);
		expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
		expect(csv.headers()['content-disposition']).toMatch(/^attachment; filename="pass-numerique-47-[0-9a-f]{8}\.csv"$/);
		const body = await csv.text();
		expect(body).toContain('Vue;Libellé;Émis;Remis;Utilisés;Remboursés;Expirés;Valeur utilisée (€)');
		expect(body).toContain(`Campagne;${campaign.name};40;`);
		expect(body).toContain('Lieu;');
	});
});

test.describe('the médiathèque’s mediator', () => {
	test.use({ storageState: statePath('mediator') });

	test('reads their place’s statement, without the pay form; its CSV too', async ({ page }) => {
		const { statementId, redeemedCode } = pass();
		const res = await page.goto(`/espace/pass/releves/${statementId}`);
		expect(res?.status()).toBe(200);
		await expect(h1(page)).toHaveText(`Relevé Pass Numérique ${/^[aeiouyhàâéèêîôû]/i.test(lastMonthLabel()) ? 'd’' : 'de '}${lastMonthLabel()}`);
		await expect(page.getByRole('table', { name: /^Pass du relevé/ })).toContainText(printed(redeemedCode));
		await expect(page.getByRole('button', { name: 'Marquer comme payé' })).toHaveCount(0);
		await expect(page.getByRole('heading', { name: 'Marquer comme payé' })).toHaveCount(0);
		await expectNoAxeViolations(page, '/espace/pass/releves/[id] (mediator)');
		const csv = await page.request.get(`/espace/pass/releves/${statementId}/releve.csv`);
		expect(csv.status()).toBe(200);
		expect(await csv.text()).toContain(printed(redeemedCode));
		// the coordinators' list is not theirs
		expect((await page.request.get('/espace/pass/releves', { maxRedirects: 0 })).status()).toBe(403);
	});
});

test.describe('the CAF’s partner', () => {
	test.use({ storageState: statePath('partner') });

	test('reads the dashboard of what the CAF funds', async ({ page }) => {
		const { campaign } = pass();
		const res = await page.goto('/espace/pass/tableau-de-bord');
		expect(res?.status()).toBe(200);
		await expect(h1(page)).toHaveText('Tableau de bord du Pass Numérique');
		await expect(page.getByText('Vous voyez les campagnes que votre structure finance.')).toBeVisible();
		await expect(page.getByRole('table', { name: /^Pass par campagne/ })).toContainText(campaign.name);
		// small counts (the seed's 1 pass used at the médiathèque, a few handed out per territory) are masked,
		// and enough others that no total gives them back; the page says how
		await expect(page.locator('#chiffres-masques')).toContainText('un nombre entre 1 et 4 n’est jamais affiché');
		const cells = await page.locator('main table td').allInnerTexts();
		expect(cells).toContain('masqué');
		for (const t of cells) {
			const n = Number(t.replace(/\s/g, ''));
			if (Number.isInteger(n)) expect(n === 0 || n >= 5, `a count of ${t} shown`).toBe(true);
		}
		await expectNoAxeViolations(page, '/espace/pass/tableau-de-bord (partner)');
		const csv = await page.request.get('/espace/pass/tableau-de-bord.csv');
		expect(csv.status()).toBe(200);
		const body = await csv.text();
		expect(body).toContain(`Campagne;${campaign.name};`);
		expect(body).toContain('masqué');
		for (const line of body.trim().split('\r\n').slice(1))
			for (const x of line.split(';').slice(2, 7)) expect(x === 'masqué' || x === '0' || Number(x) >= 5, line).toBe(true);
	});
});
