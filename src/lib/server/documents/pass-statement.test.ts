// typography: ignore-file (pdftotext gives the printed non-breaking spaces back as spaces)
/**
 * The Pass Numérique statement, read back as the accounts office's tools would: the text
 * layer with pdftotext (title, place, structure and SIRET, every voucher, the total,
 * paid or due, accents intact), the metadata with pdfinfo. Skipped, saying so, without
 * poppler-utils.
 */
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { passStatementPdf, passStatementTitle, type PassStatementData } from './pass-statement.ts';

const installed = (bin: string) => !spawnSync(bin, ['-v'], { stdio: 'ignore' }).error;
const poppler = installed('pdftotext') && installed('pdfinfo');
const needPoppler = (ctx: TestContext) => {
	if (!poppler) ctx.skip('pdftotext or pdfinfo is missing: install poppler-utils (apt-get install poppler-utils)');
};

function run(bin: string, args: string[]): string {
	const r = spawnSync(bin, args, { encoding: 'utf8' });
	if (r.error) throw r.error;
	if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
	return r.stdout;
}
const text = (file: string) => run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']);
/** in reading order, a table's cells one after the other (their lines wrapped) */
const raw = (file: string) => run('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-']);
/** runs of white space (no-break ones included) as one space */
const flat = (s: string) => s.replace(/\s+/g, ' ');
function info(file: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const line of run('pdfinfo', ['-enc', 'UTF-8', file]).split('\n')) {
		const m = /^([^:]+):\s*(.*)$/.exec(line);
		if (m) out[m[1].trim()] = m[2].trim();
	}
	return out;
}

let dir = '';
beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'maillage-pass-statement-'));
});
afterAll(() => {
	if (dir) rmSync(dir, { recursive: true, force: true });
});
const save = (name: string, pdf: Buffer) => {
	const file = join(dir, name);
	writeFileSync(file, pdf);
	return file;
};

const CODES = Array.from({ length: 45 }, (_, i) => `7K2M-9QXA-${String(1000 + i)}-Z${i % 10}`);
const statement: PassStatementData = {
	instanceName: 'Déclic 47',
	id: '3f2a9c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b',
	month: 'novembre 2026',
	place: { name: 'Médiathèque Lucien-Lagarde – espace numérique', commune: 'Nérac' },
	organisation: { name: 'Communauté de communes de l’Albret', siret: '21470000000018' },
	vouchers: CODES.map((code, i) => ({
		code,
		redeemedAt: new Date(Date.UTC(2026, 10, 1 + (i % 28), 9 + (i % 8), (i * 7) % 60)),
		campaign: i % 3 ? 'Pass Numérique 2026' : 'Seniors connectés – Albret',
		accompanimentDate: i % 5 ? `2026-11-${String(1 + (i % 28)).padStart(2, '0')}` : null,
		by: i % 2 ? 'Léo Médiation' : 'Zoé Étienne',
		faceValueCents: i === 0 ? 1050 : 1000
	})),
	totalCents: 45 * 1000 + 50,
	paidAt: null,
	paymentRef: null,
	madeAt: new Date('2026-12-02T08:15:00Z')
};

describe('the Pass Numérique statement', () => {
	let file = '';
	beforeAll(async () => {
		const pdf = await passStatementPdf(statement);
		expect(pdf.subarray(0, 8).toString('latin1')).toBe('%PDF-1.7');
		file = save('releve.pdf', pdf);
	});

	it('names the month, the place, the structure and its SIRET, lists every voucher and says what is due', (ctx) => {
		needPoppler(ctx);
		const out = text(file);
		const all = flat(raw(file));
		for (const s of [
			'Relevé Pass Numérique — novembre 2026',
			'Médiathèque Lucien-Lagarde – espace numérique (Nérac)',
			'Communauté de communes de l’Albret',
			'214 700 000 00018',
			'Référence : 3F2A9C1E',
			'Code du pass',
			'Accompagné le',
			'Pass Numérique 2026',
			'10,50 €',
			'450,50 € pour 45 pass',
			'À payer',
			'Le fonds départemental versera 450,50 € à Communauté de communes de l’Albret.',
			'Document établi le 2 décembre 2026 à 9 h 15'
		])
			expect(all).toContain(s);
		// every voucher, once (the header row repeats on each page, not the lines)
		for (const code of CODES) expect(out.split(code).length - 1, code).toBe(1);
		// the first voucher: redeemed on 1 November at 10 h 00 Paris time, its accompaniment none
		expect(all).toContain('1er novembre 2026 à 10 h');
		// rows of two or three lines: 45 vouchers on a few pages
		expect(Number(info(file).Pages)).toBeLessThanOrEqual(5);
		expect(out).not.toContain('Payé le');
		expect(out).not.toMatch(/[\ufffd]|Ã©/);
	});

	it('says when it was paid and with which reference', async (ctx) => {
		needPoppler(ctx);
		const paid = save(
			'releve-paye.pdf',
			await passStatementPdf({
				...statement,
				vouchers: statement.vouchers.slice(0, 2),
				totalCents: 2050,
				paidAt: new Date('2026-12-15T10:00:00Z'),
				paymentRef: 'MANDAT-2026-1187'
			})
		);
		const all = flat(text(paid));
		expect(all).toContain('20,50 € pour 2 pass');
		expect(all).toContain('Payé le 15 décembre 2026 (référence MANDAT-2026-1187)');
		expect(all).not.toContain('À payer');
		expect(all).not.toContain('versera');
	});

	it('an empty statement says so', async (ctx) => {
		needPoppler(ctx);
		const empty = save(
			'releve-vide.pdf',
			await passStatementPdf({ ...statement, vouchers: [], totalCents: 0, organisation: { ...statement.organisation, siret: null } })
		);
		const all = flat(text(empty));
		expect(all).toContain('Ce relevé ne compte aucun pass.');
		expect(all).toContain('SIRET : Non renseigné');
		expect(all).toContain('0 € pour 0 pass');
	});

	it('is a tagged A4 PDF in French, titled, its pages numbered', (ctx) => {
		needPoppler(ctx);
		const i = info(file);
		expect(i.Title).toBe(passStatementTitle('novembre 2026'));
		expect(i.Author).toBe('Déclic 47');
		expect(i.Tagged).toBe('yes');
		expect(i['Page size']).toContain('(A4)');
		const pages = Number(i.Pages);
		expect(pages).toBeGreaterThan(1);
		const footers = [...text(file).matchAll(/Page (\d+) sur (\d+)/g)].map((m) => `${m[1]}/${m[2]}`);
		expect(footers).toEqual(Array.from({ length: pages }, (_, k) => `${k + 1}/${pages}`));
		const raw = readFileSync(file, 'latin1');
		expect(raw).toContain('/Lang (fr-FR)');
		const struct = run('pdfinfo', ['-struct', file]);
		for (const tag of ['H1', 'H2', 'Table', 'TR', 'TH', 'TD']) expect(struct).toMatch(new RegExp(`^\\s*${tag}\\b`, 'm'));
	});
});
