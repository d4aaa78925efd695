/**
 * The onboarding file as read (issue 12, item 9): its bytes decoded (UTF-8, else Windows-1252),
 * its limits, its columns by their French names and the words of its « role » and « type »
 * cells. Pure: what the lines mean is onboarding.ts's.
 */
import { parse } from 'csv-parse/sync';
import { normalizeKey } from '../../text/keys.ts';
import { BINARY, decodeCsvBytes, UNREADABLE } from '../web/spreadsheet.ts';
import { ORGANISATION_KINDS, ROLE_LABELS, ROLES, type OrganisationKind, type Role } from './model.ts';

/**
 * One import is one request and one transaction: 3,000 lines took 7 s of the server's time.
 * Above these, the file is refused whole (nothing read, nothing written) with a French
 * message saying the limit and how to split the file.
 */
export const MAX_LINES = 1000;
export const MAX_BYTES = 512 * 1024;
const fr = new Intl.NumberFormat('fr-FR');
const SPLIT_HINT = `Découpez-le en plusieurs fichiers de ${fr.format(MAX_LINES)}\u00a0lignes au plus, en recopiant la première ligne (le nom des colonnes) en haut de chacun, puis importez-les l’un après l’autre.`;
export const tooManyLines = (n: number) =>
	`Le fichier compte ${fr.format(n)}\u00a0lignes\u00a0: ${fr.format(MAX_LINES)}\u00a0au plus par import. ${SPLIT_HINT}`;
export const tooLarge = (bytes: number) =>
	`Le fichier pèse ${fr.format(Math.ceil(bytes / 1024))}\u00a0Ko\u00a0: ${fr.format(MAX_BYTES / 1024)}\u00a0Ko au plus par import. ${SPLIT_HINT}`;

/** A line of the file, as read (strings, trimmed). */
export interface OnboardingRow {
	structure: string;
	siret?: string;
	type?: string;
	departement?: string;
	lieu?: string;
	nom?: string;
	courriel?: string;
	role?: string;
}

const HEADERS: Record<string, keyof OnboardingRow> = {
	structure: 'structure',
	'nom de la structure': 'structure',
	'nom structure': 'structure',
	siret: 'siret',
	type: 'type',
	'type de structure': 'type',
	departement: 'departement',
	lieu: 'lieu',
	'id lieu': 'lieu',
	'lieu id': 'lieu',
	'identifiant du lieu': 'lieu',
	nom: 'nom',
	'prenom et nom': 'nom',
	'nom du membre': 'nom',
	courriel: 'courriel',
	email: 'courriel',
	'e mail': 'courriel',
	'adresse e mail': 'courriel',
	role: 'role',
	roles: 'role'
};

const ROLE_WORDS: Record<string, Role> = {
	...Object.fromEntries(ROLES.map((r) => [r.replace('_', ' '), r])),
	...Object.fromEntries(Object.entries(ROLE_LABELS).map(([r, l]) => [normalizeKey(l), r as Role])),
	responsable: 'place_manager',
	'responsable de lieu': 'place_manager',
	mediateur: 'mediator',
	mediatrice: 'mediator',
	'mediateur numerique': 'mediator',
	'conseiller numerique': 'mediator',
	prescripteur: 'prescriber',
	prescriptrice: 'prescriber',
	partenaire: 'partner',
	coordination: 'coordinator',
	coordinateur: 'coordinator',
	coordinatrice: 'coordinator'
};

/** The words of the « type » column. */
export const KIND_WORDS: Record<string, OrganisationKind> = {
	...Object.fromEntries(Object.keys(ORGANISATION_KINDS).map((k) => [normalizeKey(k), k as OrganisationKind])),
	...Object.fromEntries(Object.entries(ORGANISATION_KINDS).map(([k, l]) => [normalizeKey(l), k as OrganisationKind])),
	ccas: 'ccas',
	cias: 'ccas',
	commune: 'collectivite',
	mairie: 'collectivite',
	intercommunalite: 'collectivite',
	mediatheque: 'mediatheque',
	bibliotheque: 'mediatheque',
	'france services': 'france_services'
};

/** What the file says, line by line, or the reason it cannot be read at all (its bytes: decoded by decodeCsvBytes). */
export function readOnboardingCsv(
	input: string | Uint8Array
): { rows: OnboardingRow[]; error: null; warning: string | null; text: string } | { rows: null; error: string; warning: null; text: null } {
	const fail = (error: string) => ({ rows: null, error, warning: null, text: null });
	const bytes = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
	if (bytes > MAX_BYTES) return fail(tooLarge(bytes));
	const decoded = typeof input === 'string' ? { text: input, warning: null, error: BINARY.test(input) ? UNREADABLE : null } : decodeCsvBytes(input);
	if (decoded.error !== null) return fail(decoded.error);
	const { warning } = decoded;
	const body = decoded.text!.replace(/^\uFEFF/, '');
	const first = body.split(/\r?\n/, 1)[0] ?? '';
	if (!first.trim()) return fail('Le fichier est vide.');
	const delimiter = (first.match(/;/g)?.length ?? 0) > (first.match(/,/g)?.length ?? 0) ? ';' : ',';
	let records: string[][];
	try {
		records = parse(body, { delimiter, relax_column_count: true, skip_empty_lines: true, trim: true, bom: true });
	} catch (e) {
		return fail(`Le fichier n’est pas un CSV lisible (${(e as { code?: string }).code ?? 'format'})\u00a0: enregistrez-le au format « CSV UTF-8 ».`);
	}
	const header = records[0].map((h) => HEADERS[normalizeKey(h)] ?? null);
	if (!header.includes('structure'))
		return fail(
			'La première ligne doit nommer les colonnes, dont « structure ». Colonnes possibles\u00a0: structure, siret, type, departement, lieu, nom, courriel, role.'
		);
	if (records.length - 1 > MAX_LINES) return fail(tooManyLines(records.length - 1));
	const rows = records.slice(1).map((rec) => {
		const row: OnboardingRow = { structure: '' };
		header.forEach((key, i) => {
			if (key && rec[i] !== undefined) row[key] = rec[i].trim();
		});
		return row;
	});
	return { rows, error: null, warning, text: body };
}

/** The « role » cell: roles joined with `|`, `+` or `/` (« responsable de lieu » when empty), and the words not understood. */
export function parseRoles(v: string | undefined): { roles: Role[]; bad: string[] } {
	const words = (v ?? '')
		.split(/[|+/]/)
		.map((w) => w.trim())
		.filter(Boolean);
	if (!words.length) return { roles: ['place_manager'], bad: [] };
	const roles: Role[] = [];
	const bad: string[] = [];
	for (const w of words) {
		const r = ROLE_WORDS[normalizeKey(w)];
		if (r) {
			if (!roles.includes(r)) roles.push(r);
		} else bad.push(w);
	}
	return { roles, bad };
}
