/**
 * Pass Numérique from hand to hand (e2e/serve.mjs seeds a funded campaign, booklets held by
 * the CCAS, vouchers handed to Jeanne Passe, the médiathèque qualified, accompaniments):
 * the prescriber hands two vouchers by typing their codes; the mediator checks a typo, a
 * valid voucher, redeems it for the seeded workshop, finds it used when checked again; a
 * QR code opened by the mediator leads to the redemption page, by anyone else to the
 * voucher's public page. The two professional flows without JavaScript; axe on every page
 * (with JavaScript: axe hangs without); the camera scan as an enhancement (a stand-in
 * BarcodeDetector and camera, since headless Chromium has neither).
 *
 * Codes used here only: activated[0..4], distributed[0..2] (other specs use the others).
 */
import { test, expect, type Page } from '@playwright/test';
import { expectNoAxeViolations } from './helpers.ts';
import { seed, statePath } from './accounts.ts';

const pass = () => {
	const p = seed().pass;
	if (!p) throw new Error('e2e-seed.json has no "pass" block (e2e/serve.mjs)');
	return p;
};
const fmt = (code: string) => code.replace(/(.{4})(?=.)/g, '$1-');
/** the same code with one character changed: the check character catches it */
const typo = (code: string) => (code[3] === '7' ? code.slice(0, 3) + '8' : code.slice(0, 3) + '7') + code.slice(4);

/** The place of the seed when the médiathèque runs several (another spec may claim one). */
async function choosePlace(page: Page) {
	const select = page.getByLabel('Lieu de l’accompagnement');
	if (await select.count()) await select.selectOption(seed().places!.mediatheque.id);
}

async function checkCode(page: Page, code: string) {
	await choosePlace(page);
	await page.getByLabel(/^Code du pass/).fill(code);
	await page.getByRole('button', { name: 'Vérifier', exact: true }).click();
}

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });

	test('a prescriber hands two vouchers to a person by typing their codes; the person’s record lists them', async ({ browser }) => {
		const context = await browser.newContext({ storageState: statePath('prescriber'), javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
		const page = await context.newPage();
		const { person, activated } = pass();
		await page.goto('/espace/pass/remettre');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Remettre des Pass Numérique');
		// the person is searched by name, not picked in a list of everyone
		await page.getByLabel(/^À qui remettez-vous des pass/).fill(person.name.split(' ')[1].toLowerCase());
		await page.getByRole('button', { name: 'Chercher' }).click();
		await expect(page).toHaveURL(/nom=/);
		await page
			.getByRole('list', { name: /personnes? trouvées? pour/ })
			.getByRole('link', { name: person.name })
			.click();
		await expect(page).toHaveURL(new RegExp(`personne=${person.id}`));
		await expect(page.getByRole('link', { name: person.name })).toBeVisible();
		await expect(page.getByLabel('Des pass à l’unité\u00a0: saisissez leurs codes')).toBeChecked();

		// one typo among the two: a French message naming the line, nothing handed
		const codes = page.getByLabel(/^Codes des pass, un par ligne/);
		await codes.fill(`${fmt(activated[0]).toLowerCase()}\n${typo(activated[1])}`);
		await page.getByRole('button', { name: 'Remettre ces pass' }).click();
		await expect(page).toHaveTitle(/^Erreur\s: /);
		await expect(page.getByRole('alert')).toContainText('erreur de saisie');
		await expect(page.getByRole('alert')).toContainText(typo(activated[1]));
		await expect(codes).toHaveValue(`${fmt(activated[0]).toLowerCase()}\n${typo(activated[1])}`);

		// forgiving input: lower case, dashes or spaces, blank lines
		await codes.fill(`${fmt(activated[0]).toLowerCase()}\n\n ${fmt(activated[1]).replaceAll('-', ' ')} \n`);
		await page.getByRole('button', { name: 'Remettre ces pass' }).click();
		const done = page.getByRole('status');
		await expect(done).toContainText(`2 pass remis à ${person.name}`);
		await expect(done).toContainText(fmt(activated[0]));
		await expect(done).toContainText(fmt(activated[1]));
		await expect(done).toContainText('Pensez à dire à la personne\u00a0: valable jusqu’au 31 décembre');
		await expect(done).toContainText('dans un lieu qualifié');
		// the list of what this prescriber handed out and is not used yet
		const handed = page.getByRole('region', { name: /Pass remis par vous/ });
		await expect(handed).toContainText(fmt(activated[0]));
		await expect(handed).toContainText(person.name);

		await page.getByRole('link', { name: `Retour à la fiche ${/^[aeiouyhàâéèêîôû]/i.test(person.name) ? 'd’' : 'de '}${person.name}` }).click();
		await expect(page.getByRole('heading', { level: 2, name: 'Pass Numérique' })).toBeVisible();
		const list = page.getByRole('heading', { level: 2, name: 'Pass Numérique' }).locator('xpath=following-sibling::ul[1]');
		await expect(list).toContainText(fmt(activated[0]));
		await expect(list).toContainText(fmt(activated[1]));
		await expect(list).toContainText('remis à une personne le');
		await expect(page.getByRole('link', { name: 'Remettre des pass' })).toHaveAttribute('href', `/espace/pass/remettre?personne=${person.id}`);
		await context.close();
	});

	test('a mediator checks a typo, then a valid voucher, redeems it for the workshop, finds it used; a QR code leads to the redemption page', async ({
		browser
	}) => {
		const context = await browser.newContext({ storageState: statePath('mediator'), javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
		const page = await context.newPage();
		const { distributed, accompanimentIds, campaign } = pass();
		await page.goto('/espace/pass/encaisser');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Encaisser un Pass Numérique');
		const input = page.getByLabel(/^Code du pass/);
		await expect(input).toHaveAttribute('autocomplete', 'off');
		await expect(input).toHaveAttribute('autocapitalize', 'characters');
		// no JavaScript: no scan button, typing works
		await expect(page.getByRole('button', { name: 'Scanner le QR code' })).toBeHidden();

		await checkCode(page, fmt(typo(distributed[0])));
		await expect(page.getByRole('alert')).toContainText('Ce code contient une erreur de saisie');
		await expect(input).toHaveValue(fmt(typo(distributed[0])));

		await checkCode(page, distributed[0].toLowerCase());
		await expect(page.getByRole('heading', { level: 2, name: 'Ce pass est valable' })).toBeVisible();
		await expect(page.locator('dl.dl')).toContainText(fmt(distributed[0]));
		await expect(page.locator('dl.dl')).toContainText('10 €');
		await expect(page.locator('dl.dl')).toContainText(campaign.name);
		await expect(page.locator('dl.dl')).toContainText('31 décembre');

		// nothing chosen: asked in French, still on step 2
		await page.getByRole('button', { name: 'Encaisser ce pass' }).click();
		await expect(page.getByRole('alert')).toContainText('Choisissez l’accompagnement');
		await page.locator(`input[name="accompagnement"][value="${accompanimentIds[0]}"]`).check();
		await page.getByRole('button', { name: 'Encaisser ce pass' }).click();
		await expect(page.getByRole('status')).toContainText('Pass encaissé\u00a0: 10 €');
		await expect(page.getByRole('status')).toContainText(fmt(distributed[0]));
		await expect(page.getByRole('region', { name: /pass encaissés/ })).toContainText(fmt(distributed[0]));

		await page.getByRole('link', { name: 'Encaisser un autre pass' }).click();
		await checkCode(page, distributed[0]);
		await expect(page.getByRole('heading', { level: 2, name: 'Ce pass ne peut pas être encaissé' })).toBeVisible();
		await expect(page.getByText(/Ce pass a déjà été utilisé le/)).toBeVisible();

		// the QR code of another voucher: straight to the redemption page, the code filled in
		await page.goto(`/pass/${distributed[1]}`);
		await expect(page).toHaveURL(/\/espace\/pass\/encaisser\?code=/);
		await expect(input).toHaveValue(fmt(distributed[1]));
		await choosePlace(page);
		await page.getByRole('button', { name: 'Vérifier', exact: true }).click();
		await expect(page.getByRole('heading', { level: 2, name: 'Ce pass est valable' })).toBeVisible();
		await context.close();
	});
});

test('anyone else opening a QR code reads the voucher’s value and validity, nothing about a place; an unknown or malformed code is a 404', async ({ page }) => {
	const { distributed } = pass();
	const res = await page.goto(`/pass/${distributed[2]}`);
	expect(res?.status()).toBe(200);
	expect(res?.headers()['referrer-policy']).toBe('no-referrer');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Votre Pass Numérique');
	await expect(page.locator('main')).toContainText('Ce Pass Numérique vaut 10 €. Il est valable jusqu’au 31 décembre');
	await expect(page.locator('main')).toContainText('Présentez-le dans un lieu qualifié pour un atelier ou un accompagnement.');
	await expect(page.getByRole('link', { name: 'Tous les lieux qui acceptent le Pass Numérique' })).toHaveAttribute('href', '/lieux?pass=1');
	await expect(page.locator('main')).not.toContainText(seed().places!.mediatheque.nom);
	await expect(page.locator('main')).not.toContainText(pass().person.name);
	await expectNoAxeViolations(page, '/pass/[code]');

	// a voucher already used says so plainly, still without the place
	await page.goto(`/pass/${distributed[0]}`);
	await expect(page.getByRole('heading', { name: 'Ce Pass Numérique a déjà été utilisé' })).toBeVisible();
	await expect(page.locator('main')).not.toContainText(seed().places!.mediatheque.nom);

	expect((await page.goto('/pass/pas-un-code'))?.status()).toBe(404);
	expect((await page.goto('/pass/0000-0000-0000-00'))?.status()).toBe(404);
});

test('axe on the pages, with JavaScript: remettre before and after handing out, encaisser before and after a check', async ({ browser }) => {
	const { person, activated, distributed } = pass();
	const prescriber = await browser.newContext({ storageState: statePath('prescriber') });
	let page = await prescriber.newPage();
	await page.goto('/espace/pass/remettre');
	await expectNoAxeViolations(page, '/espace/pass/remettre (choose the person)');
	await page.goto(`/espace/pass/remettre?personne=${person.id}`);
	await expectNoAxeViolations(page, '/espace/pass/remettre (the person chosen)');
	await page.getByRole('button', { name: 'Remettre ces pass' }).click();
	await expect(page.getByRole('alert')).toContainText('Saisissez au moins un code');
	await expectNoAxeViolations(page, '/espace/pass/remettre (an error)');
	await page.getByLabel(/^Codes des pass, un par ligne/).fill(activated[2]);
	await page.getByRole('button', { name: 'Remettre ces pass' }).click();
	await expect(page.getByRole('status')).toContainText(`1 pass remis à ${person.name}`);
	await expectNoAxeViolations(page, '/espace/pass/remettre (handed out)');
	await page.goto(`/espace/personnes/${person.id}`);
	await expectNoAxeViolations(page, 'the person’s record with its Pass Numérique');
	await prescriber.close();

	const mediator = await browser.newContext({ storageState: statePath('mediator') });
	page = await mediator.newPage();
	await page.goto('/espace/pass/encaisser');
	await expectNoAxeViolations(page, '/espace/pass/encaisser');
	await checkCode(page, distributed[2]);
	await expect(page.getByRole('heading', { level: 2, name: 'Ce pass est valable' })).toBeVisible();
	await expectNoAxeViolations(page, '/espace/pass/encaisser (checked)');
	await page.getByRole('button', { name: 'Encaisser ce pass' }).click();
	await expect(page.getByRole('alert')).toContainText('Choisissez l’accompagnement');
	await expectNoAxeViolations(page, '/espace/pass/encaisser (an error on step 2)');
	await mediator.close();
});

test('the camera scan: no button when the browser cannot decode QR codes; with it, a scanned QR code fills the code and checks it', async ({ browser }) => {
	const { distributed } = pass();
	const context = await browser.newContext({ storageState: statePath('mediator') });
	const page = await context.newPage();
	await page.goto('/espace/pass/encaisser');
	const hasDetector = await page.evaluate(() => 'BarcodeDetector' in window);
	if (!hasDetector) await expect(page.getByRole('button', { name: 'Scanner le QR code' })).toBeHidden();

	// a stand-in decoder that "sees" the voucher's QR code, and a stand-in camera
	await page.addInitScript(
		(link: string) => {
			class FakeDetector {
				static async getSupportedFormats() {
					return ['qr_code'];
				}
				async detect() {
					return [{ rawValue: link, format: 'qr_code' }];
				}
			}
			Object.defineProperty(window, 'BarcodeDetector', { value: FakeDetector, configurable: true });
			Object.defineProperty(navigator.mediaDevices, 'getUserMedia', {
				configurable: true,
				value: async () => {
					const canvas = document.createElement('canvas');
					canvas.width = 64;
					canvas.height = 64;
					const g = canvas.getContext('2d')!;
					let n = 0;
					setInterval(() => {
						g.fillStyle = n++ % 2 ? '#000' : '#fff';
						g.fillRect(0, 0, 64, 64);
					}, 50);
					return canvas.captureStream(20);
				}
			});
		},
		`${new URL(page.url()).origin}/pass/${distributed[2]}`
	);
	await page.reload();
	await choosePlace(page);
	const scan = page.getByRole('button', { name: 'Scanner le QR code' });
	await expect(scan).toBeVisible();
	await scan.click();
	await expect(page.getByRole('heading', { level: 2, name: 'Ce pass est valable' })).toBeVisible();
	await expect(page.locator('dl.dl')).toContainText(fmt(distributed[2]));
	await context.close();
});
