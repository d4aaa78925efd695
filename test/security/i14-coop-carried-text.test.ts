/**
 * Issue 14, attack on the import of La Coop's CSV: the person's name (« Bénéficiaire ») and
 * the notes, never read, went back to the page in the text carried to the « Importer » step
 * (a hidden field), then were posted again; the workbook's text already left them empty.
 */
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { readCoopCsv } from '../../src/lib/server/accompaniments/coop-read.ts';

describe('issue 14, attack: La Coop’s CSV', () => {
	it('the text carried to « Importer » holds neither the person’s name nor the notes, and reads back the same', async () => {
		const csv = await readFile(new URL('../fixtures/coop/activites-coop.csv', import.meta.url), 'utf8');
		expect(csv).toContain('Cunégonde Zorglub');
		const first = readCoopCsv(csv, '2026-11-21');
		if (first.error !== null) throw new Error(first.error);
		expect(first.text).not.toContain('Zorglub');
		expect(first.text).not.toContain('NoteCanari');
		const again = readCoopCsv(first.text, '2026-11-21');
		if (again.error !== null) throw new Error(again.error);
		expect(again.activities).toEqual(first.activities);
		expect(again.rejected).toEqual(first.rejected);
	});
});
