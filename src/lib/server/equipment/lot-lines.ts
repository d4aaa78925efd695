/**
 * A lot's devices as typed or uploaded (issue 18): one device a line, `;` or `,` between the
 * cells — type ; brand ; model ; serial ; year ; state on receipt — a header line allowed.
 * All or nothing: the first lines in error are named and nothing is kept. Pure: no I/O.
 */
import { parse } from 'csv-parse/sync';
import { DEVICE_TYPES, deviceLine, type DeviceLine, type DeviceType } from './model.ts';

/** The most lines (devices) a lot takes, as lotInput. */
export const MAX_LOT_LINES = 2000;
/** The most characters of the lines or the file (2 000 lines of 100 characters, roughly). */
export const MAX_LOT_TEXT = 200_000;

const key = (s: string) =>
	s
		.normalize('NFD')
		.replace(/\p{Diacritic}/gu, '')
		.toLowerCase()
		.replace(/[^a-z]+/g, ' ')
		.trim();

const TYPE_WORDS = new Map<string, DeviceType>([
	...Object.entries(DEVICE_TYPES).flatMap(([k, label]) => [[key(k), k as DeviceType] as const, [key(label), k as DeviceType] as const]),
	['portable', 'laptop'],
	['ordinateur', 'laptop'],
	['fixe', 'desktop'],
	['unite centrale', 'desktop'],
	['telephone', 'smartphone'],
	['ecran', 'screen'],
	['moniteur', 'screen'],
	['autre', 'other']
]);

/** The device type a cell names (its key or its French label, accents and case aside), or null. */
export function deviceTypeOf(cell: string): DeviceType | null {
	return TYPE_WORDS.get(key(cell)) ?? null;
}

export type LotLines = { ok: true; devices: DeviceLine[] } | { ok: false; error: string };

/** The devices of the lines, or the error naming the line(s) in error (at most three). */
export function parseLotLines(text: string): LotLines {
	if (text.length > MAX_LOT_TEXT) return { ok: false, error: 'Le texte est trop long (200 000 caractères au plus)\u00a0: importez un fichier plus court.' };
	const body = text.replace(/^\uFEFF/, '');
	let rows: string[][];
	try {
		rows = parse(body, {
			delimiter: [';', ',', '\t'],
			relax_column_count: true,
			relax_quotes: true,
			skip_empty_lines: true,
			trim: true,
			max_record_size: 5000
		}) as string[][];
	} catch (e) {
		const line = (e as { lines?: number }).lines;
		return { ok: false, error: `Ligne ${line ?? '?'}\u00a0: la ligne ne peut pas être lue (guillemet non fermé ?).` };
	}
	// the line number in the text, for the messages (csv-parse skipped the blank lines)
	const numbers: number[] = [];
	body.split(/\r\n|\n|\r/).forEach((l, i) => {
		if (l.trim()) numbers.push(i + 1);
	});
	let start = 0;
	if (rows.length && !deviceTypeOf(rows[0][0] ?? '') && key(rows[0][0] ?? '') === 'type') start = 1;
	const lines = rows.slice(start);
	if (!lines.length) return { ok: false, error: 'Indiquez au moins un appareil, une ligne par appareil.' };
	if (lines.length > MAX_LOT_LINES) return { ok: false, error: `${MAX_LOT_LINES} appareils au plus par lot (${lines.length} lignes).` };
	const devices: DeviceLine[] = [];
	const errors: string[] = [];
	lines.forEach((cells, i) => {
		const n = numbers[i + start] ?? i + start + 1;
		if (cells.length > 6) {
			errors.push(`Ligne ${n}\u00a0: 6 colonnes au plus (type\u00a0; marque\u00a0; modèle\u00a0; numéro de série\u00a0; année\u00a0; état).`);
			return;
		}
		const [type = '', brand = '', model = '', serial = '', year = '', state = ''] = cells;
		const t = deviceTypeOf(type);
		if (!t) {
			errors.push(`Ligne ${n}\u00a0: type d’appareil inconnu «\u202f${type.slice(0, 40)}\u202f» (portable, fixe, tablette, smartphone, écran ou autre).`);
			return;
		}
		const parsed = deviceLine.safeParse({ type: t, brand, model, serial, manufactureYear: year, stateOnReceipt: state });
		if (!parsed.success) {
			const issue = parsed.error.issues[0];
			const column =
				{ brand: 'marque', model: 'modèle', serial: 'numéro de série', manufactureYear: 'année', stateOnReceipt: 'état' }[String(issue.path[0])] ?? '';
			errors.push(`Ligne ${n}\u00a0: ${column ? `${column}, ` : ''}${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}`);
			return;
		}
		devices.push(parsed.data);
	});
	if (errors.length) return { ok: false, error: errors.slice(0, 3).join(' ') + (errors.length > 3 ? ` Et ${errors.length - 3} autres lignes en erreur.` : '') };
	return { ok: true, devices };
}
