/**
 * Small real files for the vault's tests: a one-page PDF carrying a sentence, and a small
 * photo. Made at test time, so the tests need no fixture on disk.
 */
/** A minimal valid one-page PDF showing `line` (Helvetica), uncompressed so the text is in the bytes. */
export function tinyPdf(line: string): Buffer {
	const esc = line.replace(/[\\()]/g, (c) => `\\${c}`).replace(/[^\x20-\x7e]/g, '?');
	const content = `BT /F1 12 Tf 72 720 Td (${esc}) Tj ET`;
	const objects = [
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
		`<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
		'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'
	];
	let out = '%PDF-1.4\n';
	const offsets: number[] = [];
	objects.forEach((o, i) => {
		offsets.push(out.length);
		out += `${i + 1} 0 obj\n${o}\nendobj\n`;
	});
	const xref = out.length;
	out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
	out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(out, 'latin1');
}

/** A real photo (a 64×48 gradient, with EXIF carrying a GPS position), made with sharp: the vault re-encodes it without its metadata. */
export async function tinyJpeg(): Promise<Buffer> {
	const { default: sharp } = await import('sharp');
	const w = 64;
	const h = 48;
	const raw = Buffer.alloc(w * h * 3);
	for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set([x * 4, y * 5, 128], (y * w + x) * 3);
	return sharp(raw, { raw: { width: w, height: h, channels: 3 } })
		.jpeg({ quality: 90 })
		.withExif({ IFD0: { Artist: 'Odette Garrigues' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '44/1 12/1 0/1' } })
		.toBuffer();
}
