/**
 * Printable Pass Numérique booklets (carnets), in two formats:
 *
 * - `a4`: sheets to cut, 10 vouchers a page in a 2 × 5 grid of 105 × 59.4 mm (A4 cut in
 *   ten, no waste), dashed cut lines between them. A booklet is never split across two
 *   pages: booklets of 5 share a page, a booklet of 10 fills one. After the vouchers, a
 *   slip per booklet in the same grid, to hand out with it: where to use the pass (the QR
 *   code of `${origin}/lieux?pass=1` and that address), who proposes and funds it.
 * - `a6`: one A6 page per voucher, each booklet preceded by its cover (the campaign, the
 *   booklet's number, how to use a pass in plain French, the validity) and followed by
 *   its back (where to use the pass, who proposes and funds it, as on the A4 slips).
 *
 * Every voucher shows "Pass Numérique", its face value, the campaign, its validity in
 * French, its booklet and position, the QR code of `${origin}/pass/${code}` and the code
 * in print (Courier-Bold, for typing when the QR code cannot be read).
 *
 * Built for runs of 10,000 vouchers and more (issue 5: ≤ 30 s, bounded memory):
 * - the QR codes are vector paths, one path and one fill per code, each row's runs of
 *   dark modules as rectangles, in module units under one scaling (short, compressible);
 * - pages are written out as soon as they are done (no page buffering, no "Page x sur y":
 *   a booklet has its own numbering), structure elements are flushed booklet by booklet,
 *   and the writer waits for the destination to drain before drawing the next booklet;
 * - texts that are the same on every voucher are sanitised, measured and wrapped once.
 *
 * The conventions of `pdf.ts`: the built-in Helvetica (and Courier) with WinAnsi text, a
 * tagged PDF 1.7 in French with its title shown by the viewer, the QR codes as figures
 * whose text alternative is the code, decoration (cut lines, tints) as artifacts.
 */
import PDFDocument from 'pdfkit';
import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { isValidCode } from '../pass/index.ts';
import { euros } from '../../components/format.ts';
import { frenchDate } from './pdf-text.ts';
import type { BookletFormat, BookletsData, Run } from './booklets-parts.ts';
import { PER_PAGE, a4Layout, a6Layout, drawA4Slip, drawA4Voucher, drawA6Back, drawA6Cover, drawA6Voucher, drawCutLines } from './booklets-pages.ts';

export type { BookletFormat, BookletsData };

// --- writing ---------------------------------------------------------------------------

function validate(data: BookletsData): void {
	const c = data.campaign;
	if (!Number.isInteger(c.faceValueCents) || c.faceValueCents <= 0) throw new Error('booklets: the face value must be a positive number of cents');
	if (!/^\d{4}-\d{2}-\d{2}$/.test(c.validUntil)) throw new Error('booklets: validUntil must be a date YYYY-MM-DD');
	if (!/^https?:\/\/[^/\s]+/.test(data.origin)) throw new Error('booklets: origin must be an absolute http(s) URL');
	let vouchers = 0;
	for (const b of data.booklets) {
		b.vouchers.forEach((v, i) => {
			if (!isValidCode(v.code)) throw new Error(`booklets: booklet ${b.number}, voucher ${i + 1}: not a normalised valid code`);
		});
		vouchers += b.vouchers.length;
	}
	if (!vouchers) throw new Error('booklets: no voucher to print');
}

/** What the PDF is called, in the viewer's title bar and its metadata. */
export function bookletsTitle(data: BookletsData): string {
	const numbers = data.booklets.map((b) => b.number);
	const first = Math.min(...numbers);
	const last = Math.max(...numbers);
	const range = numbers.length === 1 ? `carnet n° ${first}` : `carnets n° ${first} à ${last}`;
	return `Pass Numérique — ${data.campaign.name} — ${range}`;
}

/** Resolves when `out` can take more, rejects when it fails or closes first. */
function drained(out: NodeJS.WritableStream): Promise<void> {
	return new Promise((resolve, reject) => {
		const done = (err?: Error) => {
			out.off('drain', onDrain);
			out.off('error', onError);
			out.off('close', onClose);
			if (err) reject(err);
			else resolve();
		};
		const onDrain = () => done();
		const onError = (e: Error) => done(e);
		const onClose = () => done(new Error('booklets: the destination closed before the end of the document'));
		out.on('drain', onDrain);
		out.on('error', onError);
		out.on('close', onClose);
	});
}

/**
 * Writes the booklets' PDF into `out` (a file, an HTTP response…) as it is drawn, page
 * after page, waiting for `out` to drain; ends `out` and resolves once it has finished.
 * Rejects (and stops drawing) if `out` fails or closes first.
 */
export async function writeBookletsPdf(data: BookletsData, format: BookletFormat, out: NodeJS.WritableStream): Promise<void> {
	validate(data);
	const total = data.booklets.reduce((n, b) => n + b.vouchers.length, 0);
	const doc = new PDFDocument({
		autoFirstPage: false,
		bufferPages: false,
		pdfVersion: '1.7',
		tagged: true,
		lang: 'fr-FR',
		displayTitle: true,
		info: {
			Title: bookletsTitle(data),
			Author: data.instanceName,
			Creator: data.instanceName,
			Subject: `${total} pass de ${euros(data.campaign.faceValueCents)}, ${format === 'a4' ? 'planches A4 à découper' : 'carnets A6'}`
		}
	});
	let failure: Error | null = null;
	let needDrain = false;
	const fail = (e: Error) => (failure ??= e);
	const closed = () => fail(new Error('booklets: the destination closed before the end of the document'));
	out.on('error', fail);
	out.on('close', closed);
	doc.on('error', fail);
	doc.on('data', (chunk: Buffer) => {
		if (!out.write(chunk)) needDrain = true;
	});
	const ended = new Promise<void>((resolve) => doc.on('end', resolve));

	const run: Run = {
		doc,
		data,
		origin: data.origin.replace(/\/+$/, ''),
		value: euros(data.campaign.faceValueCents),
		// "jeudi 31 décembre 2026", the date itself kept on one line
		until: frenchDate(data.campaign.validUntil).replace(/(\d+) (\S+) (\d{4})$/, '$1\u00a0$2\u00a0$3')
	};
	const root = doc.struct('Document');
	doc.addStructure(root);
	const page = { size: format === 'a4' ? 'A4' : 'A6', margins: { top: 0, bottom: 0, left: 0, right: 0 } };

	try {
		if (format === 'a4') {
			let used = PER_PAGE; // no page yet
			let layout: ReturnType<typeof a4Layout> | null = null;
			for (const b of data.booklets) {
				const n = b.vouchers.length;
				if (used + Math.min(n, PER_PAGE) > PER_PAGE) {
					if (layout) drawCutLines(doc, used);
					doc.addPage(page);
					layout ??= a4Layout(run);
					used = 0;
				}
				const sect = doc.struct('Sect');
				root.add(sect);
				for (let i = 0; i < n; i++) {
					if (used === PER_PAGE) {
						drawCutLines(doc, used);
						doc.addPage(page);
						used = 0;
					}
					const code = b.vouchers[i].code;
					drawA4Voucher(run, layout!, sect, used++, b.number, i + 1, n, code);
				}
				sect.end();
				await pause();
			}
			drawCutLines(doc, used);
			// then a slip per booklet, on pages of their own: where to use the pass, who funds it
			const slips = doc.struct('Sect');
			root.add(slips);
			used = PER_PAGE;
			for (const b of data.booklets) {
				if (used === PER_PAGE) {
					if (b !== data.booklets[0]) drawCutLines(doc, used);
					doc.addPage(page);
					used = 0;
				}
				drawA4Slip(run, layout!, slips, used++, b.number, b.vouchers.length);
			}
			drawCutLines(doc, used);
			slips.end();
		} else {
			let layout: ReturnType<typeof a6Layout> | null = null;
			for (const b of data.booklets) {
				const n = b.vouchers.length;
				doc.addPage(page);
				layout ??= a6Layout(run);
				const sect = doc.struct('Sect');
				root.add(sect);
				drawA6Cover(run, layout, sect, b.number, n);
				b.vouchers.forEach(({ code }, i) => {
					doc.addPage(page);
					drawA6Voucher(run, layout!, sect, b.number, i + 1, n, code);
				});
				doc.addPage(page);
				drawA6Back(run, layout, sect);
				sect.end();
				await pause();
			}
		}
		root.end();
		doc.end();
		await ended;
		if (failure) throw failure;
		out.off('close', closed);
		await new Promise<void>((resolve, reject) => {
			out.once('finish', resolve);
			out.once('error', reject);
			out.end();
		});
	} finally {
		out.off('error', fail);
		out.off('close', closed);
	}

	/** After each booklet: wait for `out` to drain, or let the event loop breathe. */
	async function pause() {
		if (failure) throw failure;
		if (needDrain) {
			needDrain = false;
			await drained(out);
		} else await nextTurn();
		if (failure) throw failure;
	}
}

/** The booklets' PDF as one buffer (small runs; for big ones, `writeBookletsPdf`). */
export async function bookletsPdf(data: BookletsData, format: BookletFormat): Promise<Buffer> {
	const chunks: Buffer[] = [];
	const sink = new Writable({
		write(chunk: Buffer, _enc, cb) {
			chunks.push(chunk);
			cb();
		}
	});
	await writeBookletsPdf(data, format, sink);
	return Buffer.concat(chunks);
}
