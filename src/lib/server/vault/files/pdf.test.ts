import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDomainError } from '../../errors';
import { inspectPdf, inspectWithoutPoppler } from './pdf';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../../../../test/fixtures/vault', name));

async function refusal(p: Promise<unknown>): Promise<string> {
	try {
		await p;
	} catch (e) {
		if (isDomainError(e) && e.code === 'invalid') return e.message;
		throw e;
	}
	throw new Error('not refused');
}

describe('inspectPdf', () => {
	it('counts the pages', async () => {
		expect(await inspectPdf(fixture('three-pages.pdf'))).toEqual({ pages: 3, encrypted: false });
	});

	it('keeps a PDF that is encrypted but opens without a password (restricted printing, as payslips)', async () => {
		expect(await inspectPdf(fixture('restricted.pdf'))).toEqual({ pages: 2, encrypted: true });
	});

	it('refuses a PDF that asks for a password, and tells how to save it without one', async () => {
		const message = await refusal(inspectPdf(fixture('password.pdf')));
		expect(message).toMatch(/mot de passe/);
		expect(message).toMatch(/Enregistrer en PDF/);
	});

	it('refuses a malformed or cut PDF', async () => {
		for (const name of ['malformed.pdf', 'truncated.pdf']) expect(await refusal(inspectPdf(fixture(name)))).toMatch(/abîmé/);
		expect(await refusal(inspectPdf(Buffer.from('%PDF-1.4\n')))).toMatch(/abîmé/);
	});

	it('refuses what is not a PDF, and a PDF with a ZIP archive glued after it', async () => {
		expect(await refusal(inspectPdf(fixture('page-web.pdf')))).toMatch(/abîmé/);
		expect(await refusal(inspectPdf(fixture('polyglot-pdf-zip.pdf')))).toMatch(/abîmé/);
	});

	it('names the file as the caller does', async () => {
		expect(await refusal(inspectPdf(fixture('malformed.pdf'), 'Le 2e fichier'))).toMatch(/^Le 2e fichier est abîmé/);
	});
});

describe('without poppler (pdf-lib)', () => {
	it('counts the pages and refuses malformed or encrypted files', async () => {
		expect(await inspectWithoutPoppler(fixture('three-pages.pdf'), 'Ce PDF')).toEqual({ pages: 3, encrypted: false });
		expect(await refusal(inspectWithoutPoppler(fixture('truncated.pdf'), 'Ce PDF'))).toMatch(/abîmé/);
		expect(await refusal(inspectWithoutPoppler(fixture('password.pdf'), 'Ce PDF'))).toMatch(/mot de passe/);
	});
});
