/**
 * The words and pure rules of mandates (issue 15, item 8): the procedure themes a mandate
 * covers (the national vocabulary, DOMAIN.md), its durations, the legal representatives,
 * when it ends, what was signed (canonical JSON and its digest), the texts the person
 * reads (the summary on the helper's screen, the code, the reminders). No I/O.
 */
import { VAULT_CATEGORIES } from '../../text/vault-categories.ts';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { addDays, parisDay, parisMidnight } from '../../time.ts';
import { formatDate, formatDateTime } from '../../components/format.ts';

/** The procedure themes (the national vocabulary of accompaniments), by key: the scope of a mandate. */
export const MANDATE_THEMES = {
	papiers: 'Papiers – Élections – Citoyenneté',
	famille: 'Famille – Scolarité',
	social: 'Social – Santé',
	travail: 'Travail – Formation',
	logement: 'Logement',
	transports: 'Transports – Mobilité',
	argent: 'Argent – Impôts',
	justice: 'Justice',
	etrangers: 'Étrangers – Europe',
	loisirs: 'Loisirs – Sports – Culture'
} as const;
export type MandateTheme = keyof typeof MANDATE_THEMES;
export const THEME_KEYS = Object.keys(MANDATE_THEMES) as MandateTheme[];
export const isTheme = (s: string): s is MandateTheme => Object.hasOwn(MANDATE_THEMES, s);
/** The theme of a label of the national vocabulary (an accompaniment's procedure theme), if it is one. */
export const themeOfLabel = (label: string): MandateTheme | null => THEME_KEYS.find((k) => MANDATE_THEMES[k] === label) ?? null;

/** A grant of a mandate covers its theme, and the person's identity (the helpers must know for whom they act). */
export const themeScope = (t: MandateTheme) => `theme:${t}`;
export const scopesOfTheme = (t: MandateTheme, vaultAccess = false) => [
	'identity',
	themeScope(t),
	...(vaultAccess ? (THEME_VAULT_CATEGORIES[t] ?? []).map((c) => `category:${c}`) : [])
];
export const themeOfScopes = (scopes: readonly string[]): MandateTheme | null => {
	const s = scopes.find((x) => x.startsWith('theme:'))?.slice(6) ?? '';
	return isTheme(s) ? s : null;
};

/**
 * The vault's categories a mandate's theme reaches, when the person ticked « avec accès à
 * mes documents » (issue 15): what the helpers may read, and deposit, under that theme.
 * The vault's category keys (vault/model.ts CATEGORIES), kept here as words so that
 * mandates depend on no vault code; a theme absent here reaches no document.
 */
/** The vault's categories, in the words the person reads. */
export const VAULT_CATEGORY_LABELS: Readonly<Record<string, string>> = VAULT_CATEGORIES;

export const THEME_VAULT_CATEGORIES: Readonly<Partial<Record<MandateTheme, readonly string[]>>> = {
	argent: ['impots', 'ressources'],
	logement: ['logement'],
	social: ['sante', 'ressources'],
	famille: ['famille'],
	travail: ['emploi', 'ressources'],
	papiers: ['identite'],
	etrangers: ['identite']
};

/** The vault categories the themes reach together, each once, in the table's order. */
export const vaultCategoriesOf = (themes: readonly string[]): string[] => [
	...new Set(THEME_KEYS.filter((t) => themes.includes(t)).flatMap((t) => THEME_VAULT_CATEGORIES[t] ?? []))
];

export const MANDATE_DURATIONS = { '1d': '1 jour', '1m': '1 mois', '6m': '6 mois', '12m': '12 mois' } as const;
export type MandateDuration = keyof typeof MANDATE_DURATIONS;

/** Who gives the mandate for a person who cannot alone. */
export const REPRESENTATIVE_KINDS = {
	tutelle: 'Tuteur ou tutrice (tutelle)',
	curatelle: 'Curateur ou curatrice (curatelle)',
	habilitation_familiale: 'Personne habilitée (habilitation familiale)'
} as const;
export type RepresentativeKind = keyof typeof REPRESENTATIVE_KINDS;

export const MANDATE_METHODS = {
	signature: 'Confirmé sur l’écran de l’aidant',
	code: 'Confirmé avec un code reçu par la personne'
} as const;
export type MandateMethod = keyof typeof MANDATE_METHODS;

export const USE_KINDS = { accompaniment: 'Accompagnement', vault: 'Document du coffre-fort', procedure: 'Démarche faite pour la personne' } as const;
export type UseKind = keyof typeof USE_KINDS;

export const CODE_MINUTES = 15;
export const CODE_TRIES = 5;
/** a prepared mandate's code can be sent this many times */
export const CODE_SENDS = 3;
/** the reminders before the end, in days */
export const REMINDER_DAYS = [30, 7] as const;

/** Months added to a Paris day ('YYYY-MM-DD'), the day clamped to the month's last. */
export function addMonths(day: string, n: number): string {
	const [y, m, d] = day.split('-').map(Number);
	const total = y * 12 + (m - 1) + n;
	const ny = Math.floor(total / 12);
	const nm = (total % 12) + 1;
	const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
	return `${String(ny).padStart(4, '0')}-${String(nm).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/**
 * When a mandate confirmed at `from` ends: 24 hours later for a day; for months, at the end
 * of the same Paris date N months later (a mandate of 1 month signed on 5 March runs to 5
 * April included).
 */
export function mandateEnd(duration: MandateDuration, from: Date): Date {
	if (duration === '1d') return new Date(from.getTime() + 86_400_000);
	const months = duration === '1m' ? 1 : duration === '6m' ? 6 : 12;
	return parisMidnight(addDays(addMonths(parisDay(from), months), 1));
}

/** « jusqu’au 5 avril 2027 inclus », or for a day « jusqu’au 6 mars 2027 à 14 h 30 ». */
export function untilWords(duration: string, until: Date, opts: { nbsp?: boolean } = {}): string {
	if (duration === '1d') return `jusqu’au ${formatDateTime(until, { nbsp: opts.nbsp })}`;
	return `jusqu’au ${formatDate(new Date(until.getTime() - 1))} inclus`;
}

/** Which reminders are due at `now` for a mandate ending at `until` that lasts `duration`: a day's none, a month's D-7 only. */
export function remindersOf(duration: string): readonly (30 | 7)[] {
	if (duration === '1d') return [];
	if (duration === '1m') return [7];
	return REMINDER_DAYS;
}

export const listFr = (items: readonly string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} et ${items[items.length - 1]}`);
export const themeLabels = (themes: readonly string[]) => THEME_KEYS.filter((k) => themes.includes(k)).map((k) => MANDATE_THEMES[k]);

/** What a mandate says, as it is signed: the one content its digest proves. */
export interface MandateContent {
	v: 1;
	mandate: string;
	person: string;
	structure: { id: string; name: string };
	themes: string[];
	duration: string;
	validFrom: string;
	validUntil: string;
	method: MandateMethod;
	representative: { kind: RepresentativeKind; name: string } | null;
	/** the vault's categories opened to the structure (only when the person opened them) */
	vault?: string[];
	law: string;
}

export const LEGAL_MENTION =
	'Code civil, articles 1984 à 2010\u00a0: le mandat est l’acte par lequel une personne donne à une autre le pouvoir de faire quelque chose pour elle et en son nom. La personne peut y mettre fin à tout moment (article 2004). Celui qui agit rend compte de ce qu’il a fait (article 1993).';

/** JSON with its keys sorted at every level: the same content always gives the same text. */
export function canonicalJson(v: unknown): string {
	if (v === null || typeof v !== 'object') return JSON.stringify(v);
	if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
	const o = v as Record<string, unknown>;
	return `{${Object.keys(o)
		.filter((k) => o[k] !== undefined)
		.sort()
		.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
		.join(',')}}`;
}

export const mandateDigest = (c: MandateContent) => createHash('sha256').update(canonicalJson(c), 'utf8').digest('hex');

/** The digest in groups of 4, on several lines, as printed (readable aloud, comparable by eye). */
export const digestLines = (digest: string) => (digest.match(/.{1,32}/g) ?? []).map((l) => (l.match(/.{1,4}/g) ?? []).join(' '));

/** What the form to prepare a mandate sends. */
export const prepareInput = z
	.object({
		organisationId: z.string().uuid({ message: 'Choisissez la structure qui reçoit le mandat.' }),
		themes: z
			.array(z.string())
			.transform((a) => [...new Set(a)])
			.pipe(z.array(z.enum(THEME_KEYS as [MandateTheme, ...MandateTheme[]])).min(1, { message: 'Choisissez au moins un domaine.' })),
		duration: z.enum(['1d', '1m', '6m', '12m'], { message: 'Choisissez une durée.' }),
		representativeKind: z
			.union([z.literal(''), z.enum(['tutelle', 'curatelle', 'habilitation_familiale'])], { message: 'Choisissez le type de mesure.' })
			.default(''),
		representativeName: z.string().trim().max(120, { message: 'Ce nom est trop long (120 caractères au plus).' }).default(''),
		/** the person also opens their vault, for the documents of the categories the themes need */
		vaultAccess: z.boolean().default(false)
	})
	.superRefine((v, ctx) => {
		if (v.representativeKind && !v.representativeName)
			ctx.addIssue({ code: 'custom', path: ['representativeName'], message: 'Écrivez le nom du représentant légal.' });
		if (!v.representativeKind && v.representativeName)
			ctx.addIssue({
				code: 'custom',
				path: ['representativeKind'],
				message: 'Choisissez le type de mesure\u00a0: tutelle, curatelle ou habilitation familiale.'
			});
	});
export type PrepareInput = z.infer<typeof prepareInput>;

/**
 * The summary the person reads on the helper's screen, addressed to them (or to their
 * representative, who gives it for them).
 */
export function personSummary(p: {
	structure: string;
	person: string;
	themes: readonly string[];
	duration: string;
	until: Date;
	representative: { kind: string; name: string } | null;
}): { lead: string; themes: string[]; end: string; revoke: string } {
	const labels = themeLabels(p.themes);
	const who = p.representative ? `Vous autorisez ${p.structure} à faire pour ${p.person}` : `Vous autorisez ${p.structure} à faire pour vous`;
	return {
		lead: `${who} les démarches de ${labels.length > 1 ? 'ces domaines' : 'ce domaine'}\u00a0:`,
		themes: labels,
		end: `Ce mandat dure ${MANDATE_DURATIONS[p.duration as MandateDuration] ?? p.duration}, ${untilWords(p.duration, p.until)}.`,
		revoke: 'Vous pouvez l’arrêter quand vous voulez, pour un domaine ou pour tout. Chaque fois que la structure agit pour vous, vous le voyez dans Mon espace.'
	};
}

/** The one-time code to confirm a mandate (SMS: made GSM-7 by toGsm7 when sent). */
export function mandateCodeText(code: string, structure: string): string {
	return `Votre code pour confirmer le mandat donné à ${structure}\u00a0: ${code}. Valable ${CODE_MINUTES} minutes. Ne le donnez que si vous êtes d'accord.`; // typography: gsm
}

/** The reminder to the person before the end (SMS: made GSM-7 by toGsm7 when sent). */
export function reminderText(p: { structure: string; until: string; days: number }): string {
	return `Le mandat donné à ${p.structure} pour vos démarches se termine dans ${p.days} jours (${p.until}). Pour le prolonger, allez les voir. Sinon, il s'arrête tout seul.`; // typography: gsm
}
