/**
 * Reading La Coop's export of activities (issue 14, item 8) as a table of text: the Coop
 * writes a workbook (« Activités »: a few lines about the export, then the table), read as it
 * is by coop-xlsx.ts, which hands its rows here as CSV text; a spreadsheet saves it as CSV
 * with those lines above the table, `;` or `,`, UTF-8 or Windows-1252, the day as 21/11/2026
 * and a cell of several values one a line. Our own Coop CSV (coop-export.ts) reads the same.
 * Pure: the communes and the duplicates are the import's (coop-import.ts).
 *
 * One activity a Coop id (« ID CRA »): a workshop is one line per participant, gathered
 * here. Every line is checked; what we have no word for is set aside and counted, never
 * invented. The person's name (« Bénéficiaire ») and the notes are never read.
 */
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { normalizeKey } from '../../text/keys.ts';
import { frenchSpacing } from '../../text/typography.ts';
import { decodeCsvBytes, BINARY, UNREADABLE } from '../web/spreadsheet.ts';
import { oneYearBefore, parseDay } from '../../time.ts';
import { dayLabel } from '../../components/format.ts';
import {
	MAX_DURATION,
	MAX_PARTICIPANTS,
	PROCEDURE_HELP_THEME,
	type AgeBand,
	type Autonomy,
	type Breakdown,
	type Gender,
	type Kind,
	type Location,
	type SocialStatus,
	type WorkshopLevel
} from './vocabulary.ts';
import {
	COLUMN_KEYS,
	readAgeBand,
	readAutonomy,
	readEquipment,
	readGender,
	readLevel,
	readPlace,
	readRedirection,
	readStatus,
	readTheme,
	readType,
	readYesNo,
	type CoopColumn
} from './coop.ts';
import { DIGITAL_THEMES, EQUIPMENT, PROCEDURE_THEMES, REDIRECTED_TO } from './vocabulary.ts';

/** One import is one request (the server takes 1 MB) and one transaction. */
export const COOP_MAX_BYTES = 768 * 1024;
export const COOP_MAX_LINES = 5000;
const fr = new Intl.NumberFormat('fr-FR');

/** The columns without which a line means nothing. */
export const REQUIRED_COLUMNS: CoopColumn[] = ['Date', 'Type', 'Canaux d’accompagnement', 'Durée (min)', 'Thématique(s) d’accompagnement'];

/** An activity of the file, checked, in our words. */
export interface CoopActivity {
	/** 'coop:<ID CRA>', or 'coop-sha256:<digest of the line>' when the line has no id */
	key: string;
	/** the Coop's id, lower case (also ours when the line came from our export) */
	coopId: string | null;
	/** the file's lines (as the spreadsheet numbers them) */
	lines: number[];
	date: string;
	kind: Kind;
	location: Location;
	durationMinutes: number;
	themes: string[];
	procedureThemes: string[];
	equipment: string[];
	autonomy: Autonomy | null;
	level: WorkshopLevel | null;
	redirectedTo: string[];
	title: string | null;
	participants: number;
	/** an individual's anonymous profile */
	gender: Gender | null;
	ageBand: AgeBand | null;
	socialStatus: SocialStatus | null;
	/** the person's commune as written (resolved by the import) */
	commune: { insee: string; name: string; postcode: string } | null;
	breakdown: Breakdown | null;
	/** « Nom du lieu », to find the structure's place of that name */
	placeName: string;
}

export interface Rejection {
	line: number;
	/** the Coop's id of the line, when it has one */
	id: string | null;
	reasons: string[];
}

/** Values of the file we have no field or word for: counted, and listed when they are words of the Coop's vocabularies. */
export interface Dropped {
	column: string;
	count: number;
	values: string[];
}

export type CoopRead =
	| { error: string }
	| {
			error: null;
			activities: CoopActivity[];
			rejected: Rejection[];
			dropped: Dropped[];
			/** the table's lines read (one per person) */
			lines: number;
			/** lines of an individual activity found twice in the file */
			repeated: number;
			warning: string | null;
			/** the text as read (a Windows-1252 file: its accents right), the names and notes left empty: carried to the « Importer » step */
			text: string;
	  };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const NOT_A_COOP_FILE = (missing: string[]) =>
	`Ce fichier ne ressemble pas à l’export des activités de la Coop\u00a0: ${missing.length > 1 ? 'il manque les colonnes' : 'il manque la colonne'} ${missing
		.map((m) => `« ${m} »`)
		.join(', ')}. Dans la Coop, ouvrez « Mes activités », choisissez « Exporter », puis importez ici le fichier obtenu, tel quel.`;

/** Several values in one cell: one a line, as the Coop writes them (or `|`, `,`, `;` when typed by hand). */
const valuesOf = (cell: string) =>
	cell
		.split(/\r?\n|[|,;]/)
		.map((v) => v.trim())
		.filter(Boolean);

/** A title neutralised against formulas (a leading apostrophe) comes back as typed. */
const unquoted = (s: string) => (/^'[=+\-@]/.test(s) ? s.slice(1) : s);

interface LineRead {
	line: number;
	id: string | null;
	reasons: string[];
	/** the activity's fields, identical on every line of a workshop */
	activity: Omit<CoopActivity, 'key' | 'coopId' | 'lines' | 'participants' | 'gender' | 'ageBand' | 'socialStatus' | 'commune' | 'breakdown'>;
	person: { gender: Gender | null; ageBand: AgeBand | null; socialStatus: SocialStatus | null; commune: CoopActivity['commune'] };
	/** « 2/8 » → 8 */
	of: number;
	dropped: { column: string; value: string | null }[];
}

/** The table's first line names at least three of the Coop's columns (the export's lines about itself come before it). */
export const isCoopHeader = (cells: string[]) => cells.filter((cell) => COLUMN_KEYS.has(normalizeKey(cell))).length >= 3;
/** How far down the table may start. */
export const HEADER_WITHIN = 60;

/** The first line of the text that is the table's header. */
function headerLine(text: string): { offset: number; index: number; delimiter: string } | null {
	let offset = 0;
	const lines = text.split('\n');
	for (let i = 0; i < lines.length && i < HEADER_WITHIN; i++) {
		const line = lines[i];
		const count = (c: string) => line.split(c).length - 1;
		const delimiter = [';', ',', '\t'].sort((a, b) => count(b) - count(a))[0];
		if (isCoopHeader(line.split(delimiter).map((cell) => cell.replace(/^"|"$/g, '')))) return { offset, index: i, delimiter };
		offset += line.length + 1;
	}
	return null;
}

function readLine(cells: Map<CoopColumn, string>, line: number, today: string): LineRead {
	const reasons: string[] = [];
	const dropped: LineRead['dropped'] = [];
	const cell = (c: CoopColumn) => (cells.get(c) ?? '').trim();

	const rawId = cell('ID CRA');
	let id: string | null = null;
	if (rawId) {
		if (UUID.test(rawId)) id = rawId.toLowerCase();
		else reasons.push(`ID CRA « ${rawId} »\u00a0: ce n’est pas un identifiant de la Coop (36 caractères, comme 0b7c…-…).`);
	}

	// the day: a spreadsheet writes 21/11/2026, our export too; 2026-11-21 is read as well
	let date = today;
	const rawDate = cell('Date');
	const day = rawDate ? parseDay(rawDate.replace(/[ T].*$/, '')) : null;
	if (!rawDate) reasons.push('Date manquante.');
	else if (!day) reasons.push(`Date « ${rawDate} »\u00a0: écrivez-la ainsi\u00a0: 21/11/2026.`);
	else if (day > today) reasons.push(`Date « ${rawDate} »\u00a0: elle est dans le futur.`);
	else if (day < oneYearBefore(today))
		reasons.push(
			`Date « ${rawDate} »\u00a0: plus d’un an\u00a0; un accompagnement s’enregistre au plus un an après (le ${dayLabel(oneYearBefore(today))} ou après). Exportez de la Coop une période plus courte.`
		);
	else date = day;

	const kind = readType(cell('Type'));
	if (!kind) reasons.push(`Type « ${cell('Type')} »\u00a0: « Accompagnement individuel » ou « Atelier collectif » attendu.`);
	const location = readPlace(cell('Canaux d’accompagnement'));
	if (!location)
		reasons.push(`Canal « ${cell('Canaux d’accompagnement')} »\u00a0: « Lieu d’activité », « À domicile », « À distance » ou « Autre lieu » attendu.`);

	const rawDuration = cell('Durée (min)');
	const durationMinutes = Number(rawDuration);
	if (!/^\d+$/.test(rawDuration) || durationMinutes < 1 || durationMinutes > MAX_DURATION)
		reasons.push(`Durée « ${rawDuration} »\u00a0: un nombre entier de minutes, de 1 à ${MAX_DURATION}.`);

	// themes: the Coop's, each ours or set aside (« Associations »); a procedure implies « Aide aux démarches administratives »
	const themes = new Set<string>();
	const procedureThemes = new Set<string>();
	for (const v of valuesOf(cell('Thématique(s) d’accompagnement'))) {
		const t = readTheme(v);
		if (!t) reasons.push(`Thématique « ${v} »\u00a0: elle n’est pas dans la liste de la Coop.`);
		else if (!t.ours) {
			dropped.push({ column: 'Thématique(s) d’accompagnement', value: v });
			themes.add(PROCEDURE_HELP_THEME);
		} else if (t.procedure) {
			procedureThemes.add(t.ours);
			themes.add(PROCEDURE_HELP_THEME);
		} else themes.add(t.ours);
	}
	if (!themes.size && !reasons.some((r) => r.startsWith('Thématique'))) reasons.push('Aucune thématique\u00a0: la Coop en demande au moins une.');

	const equipment = new Set<string>();
	for (const v of valuesOf(cell('Matériel numérique utilisé'))) {
		const e = readEquipment(v);
		if (e) equipment.add(e);
		else reasons.push(`Matériel « ${v} »\u00a0: « Ordinateur », « Téléphone », « Tablette », « Autre » ou « Pas de matériel » attendu.`);
	}

	const rawStars = cell('Niveau d’autonomie (ou de l’atelier)');
	let autonomy: Autonomy | null = null;
	let level: WorkshopLevel | null = null;
	if (rawStars && kind) {
		if (kind === 'individual') autonomy = readAutonomy(rawStars) ?? null;
		else level = readLevel(rawStars) ?? null;
		if (!autonomy && !level) reasons.push(`Niveau « ${rawStars} »\u00a0: 1/3, 2/3 ou 3/3 attendu.`);
	}

	// one structure in the Coop, a list here; « Oui » without a structure has no field here
	const redirectedTo: string[] = [];
	const rawStructure = cell('Structure de redirection');
	const redirected = readYesNo(cell('Bénéficiaire réorienté'));
	if (redirected === undefined) reasons.push(`Bénéficiaire réorienté « ${cell('Bénéficiaire réorienté')} »\u00a0: « Oui » ou « Non » attendu.`);
	if (rawStructure) {
		const r = readRedirection(rawStructure);
		if (r) redirectedTo.push(r);
		else reasons.push(`Structure de redirection « ${rawStructure} »\u00a0: elle n’est pas dans la liste de la Coop.`);
	} else if (redirected) dropped.push({ column: 'Bénéficiaire réorienté', value: 'Oui, sans structure' });

	const rawGender = cell('Genre du bénéficiaire');
	const gender = rawGender ? (readGender(rawGender) ?? null) : null;
	if (rawGender && !gender) reasons.push(`Genre « ${rawGender} »\u00a0: « Féminin », « Masculin » ou « Non communiqué » attendu.`);
	const rawAge = cell('Tranche d’âge du bénéficiaire');
	const age = rawAge ? readAgeBand(rawAge) : null;
	if (rawAge && !age) reasons.push(`Tranche d’âge « ${rawAge} »\u00a0: elle n’est pas dans la liste de la Coop.`);
	const rawStatus = cell('Statut du bénéficiaire');
	const socialStatus = rawStatus ? (readStatus(rawStatus) ?? null) : null;
	if (rawStatus && !socialStatus) reasons.push(`Statut « ${rawStatus} »\u00a0: il n’est pas dans la liste de la Coop.`);
	const commune = {
		insee: cell('Code Insee du bénéficiaire'),
		name: cell('Commune du bénéficiaire'),
		postcode: cell('Code postal du bénéficiaire')
	};

	// « 2/8 »: the workshop's eighth participant's line
	const rawOf = cell('Participants');
	const parts = /^\s*(\d+)\s*(?:\/\s*(\d+))?\s*$/.exec(rawOf);
	const of = parts ? Number(parts[2] ?? parts[1]) : 1;
	if (rawOf && (!parts || of < 1 || of > MAX_PARTICIPANTS)) reasons.push(`Participants « ${rawOf} »\u00a0: 1, ou « 2/8 » pour une ligne d’un atelier de 8.`);

	for (const c of ['Tags', 'Nom de la démarche administrative'] as const) if (cell(c)) dropped.push({ column: c, value: null });

	// « Atelier : … » with French spacing, as the form writes it
	const title = frenchSpacing(unquoted(cell('Nom de l’atelier')).slice(0, 120) || null);
	return {
		line,
		id,
		reasons,
		activity: {
			date,
			kind: kind ?? 'individual',
			location: location ?? 'place',
			durationMinutes,
			themes: DIGITAL_THEMES.filter((t) => themes.has(t)),
			procedureThemes: PROCEDURE_THEMES.filter((t) => procedureThemes.has(t)),
			equipment: EQUIPMENT.filter((e) => equipment.has(e)),
			autonomy,
			level,
			redirectedTo: REDIRECTED_TO.filter((r) => redirectedTo.includes(r)),
			title: kind === 'collective' ? title : null,
			placeName: cell('Nom du lieu')
		},
		person: {
			gender,
			ageBand: age && age !== 'unknown' ? age : null,
			socialStatus,
			commune: commune.insee || commune.name ? commune : null
		},
		of: parts ? of : 1,
		dropped
	};
}

const digest = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

/** Counts of a workshop's participants by what their lines say (« Non communiqué » left out, like the form). */
function breakdownOf(people: LineRead['person'][]): Breakdown | null {
	const b: Breakdown = {};
	const add = <K extends string>(key: keyof Breakdown, v: K | null) => {
		if (!v || v === 'unknown') return;
		const counts = ((b as Record<string, Record<string, number>>)[key] ??= {});
		counts[v] = (counts[v] ?? 0) + 1;
	};
	for (const p of people) {
		add('gender', p.gender);
		add('ageBand', p.ageBand);
		add('status', p.socialStatus);
	}
	return Object.keys(b).length ? b : null;
}

/**
 * The Coop's table as CSV → its activities in our words, the lines refused (with why), the
 * values set aside. Each line is numbered as the spreadsheet numbers it (the workbook's row).
 */
export function readCoopCsv(input: Uint8Array | string, today: string): CoopRead {
	const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
	if (!size || (typeof input === 'string' && !input.trim())) return { error: 'Le fichier est vide.' };
	if (size > COOP_MAX_BYTES)
		return {
			error: `Le fichier pèse ${fr.format(Math.ceil(size / 1024))}\u00a0Ko\u00a0: ${fr.format(COOP_MAX_BYTES / 1024)}\u00a0Ko au plus par import. Exportez de la Coop une période plus courte (un trimestre, par exemple), puis importez chaque fichier.`
		};
	const decoded = typeof input === 'string' ? { text: input, warning: null, error: BINARY.test(input) ? UNREADABLE : null } : decodeCsvBytes(input);
	if (decoded.error !== null) return { error: decoded.error };
	const text = decoded.text!.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');

	const head = headerLine(text);
	if (!head) return { error: NOT_A_COOP_FILE(REQUIRED_COLUMNS) };
	let records: string[][];
	try {
		records = parse(text.slice(head.offset), { delimiter: head.delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, bom: true });
	} catch (e) {
		return { error: `Le fichier n’est pas un CSV lisible (${(e as { code?: string }).code ?? 'format'})\u00a0: enregistrez-le au format « CSV UTF-8 ».` };
	}
	const columns = records[0].map((h) => COLUMN_KEYS.get(normalizeKey(h)) ?? null);
	const missing = REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
	if (missing.length) return { error: NOT_A_COOP_FILE(missing) };
	const body = records
		.slice(1)
		.map((cells, i) => ({ cells, line: head.index + 2 + i }))
		.filter(({ cells }) => cells.some((c) => c.trim()));
	if (!body.length) return { error: 'Le fichier ne contient aucune activité (seulement le nom des colonnes).' };
	if (body.length > COOP_MAX_LINES)
		return {
			error: `Le fichier compte ${fr.format(body.length)}\u00a0lignes\u00a0: ${fr.format(COOP_MAX_LINES)}\u00a0au plus par import. Exportez de la Coop une période plus courte, puis importez chaque fichier.`
		};

	const read = body.map(({ cells, line }) => {
		const byColumn = new Map<CoopColumn, string>();
		columns.forEach((c, i) => {
			if (c && c !== 'Bénéficiaire' && c !== 'Notes supplémentaires') byColumn.set(c, cells[i] ?? '');
		});
		return readLine(byColumn, line, today);
	});

	// the activities: a workshop's lines share its id (or, without one, everything but the person)
	const groups = new Map<string, LineRead[]>();
	const seen = new Map<string, number>();
	for (const r of read) {
		const shape = { ...r.activity, placeName: normalizeKey(r.activity.placeName) };
		let key: string;
		if (r.id) key = `coop:${r.id}`;
		else if (r.activity.kind === 'collective') key = `coop-sha256:${digest(shape)}`;
		else {
			// identical individual lines are different people helped alike: numbered in the file's order
			const base = digest([shape, r.person]);
			const n = (seen.get(base) ?? 0) + 1;
			seen.set(base, n);
			key = `coop-sha256:${n > 1 ? digest([base, n]) : base}`;
		}
		const list = groups.get(key) ?? [];
		list.push(r);
		groups.set(key, list);
	}

	const activities: CoopActivity[] = [];
	const rejected: Rejection[] = [];
	const droppedMap = new Map<string, Dropped>();
	let repeated = 0;
	for (const [key, list] of groups) {
		let lines = list;
		const first = lines[0];
		if (first.activity.kind === 'individual' && lines.length > 1 && first.id) {
			// an individual activity is one line: the others are the same line again
			repeated += lines.length - 1;
			lines = [first];
		}
		const bad = lines.filter((l) => l.reasons.length);
		if (bad.length) {
			for (const l of bad) rejected.push({ line: l.line, id: l.id, reasons: l.reasons });
			continue;
		}
		const same = JSON.stringify(first.activity);
		const odd = lines.find((l) => JSON.stringify(l.activity) !== same);
		if (odd) {
			rejected.push({
				line: odd.line,
				id: odd.id,
				reasons: [`Les lignes de cette activité (lignes ${lines.map((l) => l.line).join(', ')}) ne disent pas la même chose (date, type, durée, thématiques…).`]
			});
			continue;
		}
		// what is set aside is the activity's: counted once, whatever its number of lines
		for (const d of first.dropped) {
			const entry = droppedMap.get(d.column) ?? { column: d.column, count: 0, values: [] };
			entry.count++;
			if (d.value && !entry.values.includes(d.value)) entry.values.push(d.value);
			droppedMap.set(d.column, entry);
		}
		const individual = first.activity.kind === 'individual';
		const participants = individual ? 1 : Math.min(MAX_PARTICIPANTS, Math.max(lines.length, ...lines.map((l) => l.of)));
		activities.push({
			key,
			coopId: first.id,
			lines: lines.map((l) => l.line),
			...first.activity,
			participants,
			gender: individual ? first.person.gender : null,
			ageBand: individual ? first.person.ageBand : null,
			socialStatus: individual ? first.person.socialStatus : null,
			commune: individual ? first.person.commune : null,
			breakdown: individual ? null : breakdownOf(lines.map((l) => l.person))
		});
	}
	rejected.sort((a, b) => a.line - b.line);
	return {
		error: null,
		activities,
		rejected,
		dropped: [...droppedMap.values()],
		lines: read.length,
		repeated,
		warning: decoded.warning,
		text: carried(text, head, records, columns)
	};
}

/**
 * The text the « Importer » step carries (in the page, then posted again): the file's, the
 * person's name and the notes left empty, as the workbook's (coop-xlsx.ts). They are never
 * read; sent back in a hidden field, a note about someone's health travelled for nothing.
 * The table's records stay the same, so its lines keep their numbers.
 */
function carried(text: string, head: { offset: number; delimiter: string }, records: string[][], columns: (CoopColumn | null)[]): string {
	const unread = columns.map((c) => c === 'Bénéficiaire' || c === 'Notes supplémentaires');
	if (!records.slice(1).some((r) => r.some((v, i) => unread[i] && v))) return text;
	const table = records.map((r, n) => (n === 0 ? r : r.map((v, i) => (unread[i] ? '' : v))));
	return text.slice(0, head.offset) + stringify(table, { delimiter: head.delimiter, record_delimiter: '\n', quoted_match: /[\r\n]/ });
}
