/**
 * What a PDF sent to the vault holds, checked before it is kept byte for byte: that a PDF
 * reader opens it, how many pages it has, and that it asks for no password (the person's
 * helper could not read it, nor could we draw its thumbnail).
 *
 * poppler's `pdfinfo` reads it in its own process (see poppler.ts): it opens what the usual
 * readers open (it repairs a damaged cross-reference table as they do) and tells a PDF that
 * needs a password from one that is only restricted (encrypted with an empty password, as
 * many payslips and bank statements are: those open without a password and are kept).
 * Without poppler, pdf-lib parses it in the server's process; it cannot tell those two kinds
 * of encryption apart, so every encrypted PDF is then refused.
 */
import { PDFDocument } from 'pdf-lib';
import { DomainError } from '../../errors';
import { log } from '../../log';
import { detectType } from './detect';
import { runTool, ToolMissing } from './poppler';

export interface PdfFacts {
	pages: number;
	/** encrypted, but it opens without a password (printing or copying restricted) */
	encrypted: boolean;
}

/** Why a PDF is refused; the message names the file the way the caller does. */
export type PdfProblem = 'malformed' | 'password' | 'no_page';

export function pdfRefusal(problem: PdfProblem, subject = 'Ce PDF'): string {
	switch (problem) {
		case 'malformed':
			return `${subject} est abîmé\u00a0: il ne peut pas être ouvert. Téléchargez-le de nouveau depuis le site qui l’a fourni, ou prenez le papier en photo.`;
		case 'password':
			return (
				`${subject} est protégé par un mot de passe. Ouvrez-le avec son mot de passe, choisissez Imprimer, ` +
				'puis « Enregistrer en PDF »\u00a0: le nouveau fichier n’aura plus de mot de passe. Envoyez ce nouveau fichier.'
			);
		case 'no_page':
			return `${subject} n’a aucune page. Choisissez un autre fichier.`;
	}
}

function refuse(problem: PdfProblem, subject: string, cause?: unknown): DomainError {
	return new DomainError('invalid', pdfRefusal(problem, subject), { details: { problem }, cause });
}

/**
 * A ZIP archive glued after the PDF's end (a PDF/ZIP polyglot: the same file opens as a
 * document and as an archive). No PDF writer does that; the vault keeps PDFs as they are
 * sent, so such a file is refused rather than cleaned.
 */
function zipGlued(bytes: Buffer): boolean {
	const end = bytes.lastIndexOf('%%EOF');
	if (end < 0) return false;
	const tail = bytes.subarray(end);
	return tail.includes('PK\x05\x06') || tail.includes('PK\x03\x04');
}

let warnedMissing = false;

/** The page count of a PDF and whether it is encrypted; a French DomainError when it cannot be kept. */
export async function inspectPdf(bytes: Buffer, subject = 'Ce PDF'): Promise<PdfFacts> {
	if (detectType(bytes) !== 'application/pdf' || zipGlued(bytes)) throw refuse('malformed', subject);
	try {
		return await withPdfinfo(bytes, subject);
	} catch (e) {
		if (!(e instanceof ToolMissing)) throw e;
		if (!warnedMissing) log('warn', 'vault: pdfinfo missing, PDFs are read by pdf-lib (install poppler-utils)');
		warnedMissing = true;
		return withPdfLib(bytes, subject);
	}
}

async function withPdfinfo(bytes: Buffer, subject: string): Promise<PdfFacts> {
	const r = await runTool('pdfinfo', ['-'], bytes);
	if (r.code !== 0) {
		// "Command Line Error: Incorrect password", exit code 1
		if (/incorrect password/i.test(r.stderr)) throw refuse('password', subject);
		throw refuse('malformed', subject, new Error(`pdfinfo: ${r.timedOut ? 'timed out' : `exit ${r.code}`}`));
	}
	const text = r.stdout.toString('latin1');
	const pages = Number(/^Pages:\s+(\d+)/m.exec(text)?.[1] ?? NaN);
	if (!Number.isFinite(pages)) throw refuse('malformed', subject);
	if (pages === 0) throw refuse('no_page', subject);
	return { pages, encrypted: /^Encrypted:\s+yes/m.test(text) };
}

async function withPdfLib(bytes: Buffer, subject: string): Promise<PdfFacts> {
	let doc: PDFDocument;
	try {
		doc = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: true });
	} catch (e) {
		throw refuse('malformed', subject, e);
	}
	if (doc.isEncrypted) throw refuse('password', subject);
	let pages: number;
	try {
		pages = doc.getPageCount();
	} catch (e) {
		throw refuse('malformed', subject, e);
	}
	if (pages === 0) throw refuse('no_page', subject);
	return { pages, encrypted: false };
}

/** for the tests: read with pdf-lib as when poppler is missing */
export const inspectWithoutPoppler = withPdfLib;
