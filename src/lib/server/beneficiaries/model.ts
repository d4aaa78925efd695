/**
 * The person helped (beneficiary): pure rules. Minimal identity, the ways to reach them,
 * what a consent covers, duplicate detection, the 24-month retention.
 */
import { z } from 'zod';
import { GRANT_METHODS, GRANT_STATUSES } from '../grants/index.ts';
import { normalisePhone, isMobile, formatPhone } from '../sms/index.ts';

export { isMobile };

export const PREFERRED_CONTACTS = {
	sms: 'Par SMS',
	phone: 'Par téléphone',
	email: 'Par e-mail',
	post: 'Par courrier, ou en passant sur place',
	none: 'Ne souhaite pas être contactée'
} as const;
export type PreferredContact = keyof typeof PREFERRED_CONTACTS;

/**
 * Not a choice, so not offered on the form: what a record holds when no way was chosen and
 * the person gave no phone nor e-mail (defaultContact), or once anonymised. Having no
 * contact is not refusing to be contacted ('none' is said only when she asks for it).
 */
export const NO_CONTACT = 'unknown';
export const NO_CONTACT_LABEL = 'Pas de moyen de contact enregistré';
export type RecordedContact = PreferredContact | typeof NO_CONTACT;

/** What a record's way to be contacted reads (PREFERRED_CONTACTS, or NO_CONTACT_LABEL); '' when none is known to the reader. */
export function contactLabel(value: string | null | undefined): string {
	if (!value) return '';
	if (value === NO_CONTACT) return NO_CONTACT_LABEL;
	return PREFERRED_CONTACTS[value as PreferredContact] ?? value;
}

export const LANGUAGES = {
	fr: 'Français',
	en: 'Anglais',
	ar: 'Arabe',
	es: 'Espagnol',
	pt: 'Portugais',
	tr: 'Turc',
	ro: 'Roumain',
	ru: 'Russe',
	uk: 'Ukrainien',
	lsf: 'Langue des signes française',
	other: 'Une autre langue'
} as const;
export type Language = keyof typeof LANGUAGES;

export const ACCESSIBILITY_NEEDS = {
	vision: 'Voit mal ou pas du tout',
	hearing: 'Entend mal ou pas du tout',
	mobility: 'Se déplace difficilement',
	reading: 'Lit ou écrit difficilement',
	time: 'A besoin de temps et d’explications simples'
} as const;
export type AccessibilityNeed = keyof typeof ACCESSIBILITY_NEEDS;

/**
 * What a consent lets another organisation see: ONE table, scope → the fields it reveals,
 * read by every view another structure gets (the place's view of a referral and its link,
 * the record page, the place's e-mails, the printed sheet) and by the labels of the consent
 * form. A field in no scope the consent lists is never shown to them. Health and
 * disability details are a scope of their own (sensitive data, RGPD art. 9): never ticked
 * by default, never implied by another scope.
 */
export const SCOPE_FIELDS = {
	identity: ['firstName', 'lastName', 'pseudonym', 'communeName', 'communeCode', 'language'],
	contact: ['phone', 'email', 'preferredContact'],
	health: ['accessibilityNeeds', 'accessibilityNote'],
	assessment: ['assessment'],
	referral_reason: ['reason']
} as const;
export type ConsentScope = keyof typeof SCOPE_FIELDS;
export type SharedField = (typeof SCOPE_FIELDS)[ConsentScope][number];

/** Scopes of sensitive data (RGPD art. 9): asked for explicitly, never by default. */
export const SENSITIVE_SCOPES: readonly ConsentScope[] = ['health'];

/** What the consent form ticks first (the diagnostic only when there is one): never a sensitive scope. */
export const DEFAULT_CONSENT_SCOPES: readonly ConsentScope[] = ['identity', 'contact', 'referral_reason', 'assessment'];

/** How the consent form names each field (with its article). */
export const SHARED_FIELD_LABELS: Record<SharedField, string> = {
	firstName: 'son prénom',
	lastName: 'son nom',
	pseudonym: 'son pseudonyme',
	communeName: 'sa commune',
	communeCode: 'le code de sa commune',
	language: 'sa langue',
	phone: 'son téléphone',
	email: 'son adresse e-mail',
	preferredContact: 'comment elle préfère être contactée',
	accessibilityNeeds: 'ses besoins liés à sa santé ou à un handicap (vue, audition, déplacement, lecture, temps)',
	accessibilityNote: 'la note qui précise ces besoins',
	assessment: 'le résultat de son diagnostic numérique (niveaux, besoins, urgence)',
	reason: 'le motif de l’orientation'
};

const SCOPE_TITLES: Record<ConsentScope, string> = {
	identity: 'Identité',
	contact: 'Coordonnées',
	health: 'Santé et handicap (donnée sensible)',
	assessment: 'Diagnostic numérique',
	referral_reason: 'Motif'
};

const listFrAnd = (items: readonly string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} et ${items[items.length - 1]}`);

/** 'Identité : son prénom, son nom, …': what the consent form and the record's consents say each scope shares. */
export const CONSENT_SCOPES = Object.fromEntries(
	(Object.keys(SCOPE_FIELDS) as ConsentScope[]).map((s) => [
		s,
		`${SCOPE_TITLES[s]}\u00a0: ${listFrAnd(SCOPE_FIELDS[s].filter((f) => f !== 'communeCode').map((f) => SHARED_FIELD_LABELS[f]))}`
	])
) as Record<ConsentScope, string>;

/** The fields a set of scopes reveals. */
export function revealedFields(scope: readonly string[]): Set<SharedField> {
	return new Set(scope.flatMap((s) => (Object.hasOwn(SCOPE_FIELDS, s) ? [...SCOPE_FIELDS[s as ConsentScope]] : [])));
}

type PersonFields = {
	firstName: string | null;
	lastName: string | null;
	pseudonym: string | null;
	communeName: string | null;
	communeCode: string | null;
	language: string;
	phone: string | null;
	email: string | null;
	preferredContact: string;
	accessibilityNeeds: string[];
	accessibilityNote: string | null;
};

/**
 * The person as another structure sees them under `scope`: each field the scopes do not
 * reveal is null (an empty list for the needs). `name` ('Marie D.') needs the identity.
 */
export function scopedPerson(b: PersonFields & { anonymisedAt?: Date | null }, scope: readonly string[]) {
	const f = revealedFields(scope);
	const v = <K extends SharedField & keyof PersonFields>(k: K): PersonFields[K] | null => (f.has(k) ? b[k] : null);
	return {
		name: f.has('firstName') ? shortName(b) : 'La personne',
		fullName: f.has('lastName') ? fullName(b) : f.has('firstName') ? shortName(b) : 'La personne',
		firstName: v('firstName'),
		lastName: v('lastName'),
		pseudonym: v('pseudonym'),
		communeName: v('communeName'),
		communeCode: v('communeCode'),
		language: v('language'),
		phone: v('phone'),
		email: v('email'),
		preferredContact: v('preferredContact'),
		accessibilityNeeds: f.has('accessibilityNeeds') ? b.accessibilityNeeds : [],
		accessibilityNote: v('accessibilityNote')
	};
}

/** How a consent is given: the grants' methods but the one-time code (grants/model.ts). */
export const CONSENT_METHODS = { signature: GRANT_METHODS.signature, oral: GRANT_METHODS.oral, sms: GRANT_METHODS.sms } as const;
export type ConsentMethod = keyof typeof CONSENT_METHODS;

/** Where a consent stands: a grant's statuses (grants/model.ts). Only 'in_force' (and not withdrawn) opens anything. */
export const CONSENT_STATUSES = GRANT_STATUSES;
export type ConsentStatus = keyof typeof CONSENT_STATUSES;

// ——— consent by SMS reply ———

/** A consent asked by SMS waits this long for the person's answer. */
export const CONSENT_REQUEST_DAYS = 7;
/** How many times the professional may send the SMS again. */
export const CONSENT_REQUEST_RESENDS = 1;

/** What each scope is called in the SMS (short, addressed to the person). */
const SCOPE_IN_SMS: Record<ConsentScope, string> = {
	identity: 'vos nom, commune et langue',
	contact: 'vos téléphone et e-mail',
	health: 'vos besoins liés à la santé ou au handicap',
	assessment: 'votre diagnostic numérique',
	referral_reason: 'le motif de votre demande'
};

const listFr = (items: string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} et ${items[items.length - 1]}`);
const clip = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1).trimEnd()}.`);

/**
 * The SMS that asks for the person's consent: who asks, what is shared with whom, how to
 * answer, with the request's reference. `fits` shortens the names when the text is too
 * long for the SMS limit (the caller passes the check).
 */
export function consentRequestText(
	p: { organisation: string; withName: string; scope: readonly string[]; reference: string; days?: number },
	fits: (text: string) => boolean = () => true
): string {
	const what = listFr(p.scope.filter((s): s is ConsentScope => Object.hasOwn(SCOPE_IN_SMS, s)).map((s) => SCOPE_IN_SMS[s])) || 'vos informations';
	const build = (org: string, to: string, shared: string) =>
		`${org} vous demande votre accord pour transmettre ${shared} à ${to}, pour vous y orienter. ` +
		`Répondez OUI ${p.reference} pour accepter, NON ${p.reference} pour refuser. ` +
		`Sans réponse sous ${p.days ?? CONSENT_REQUEST_DAYS} jours, rien n'est transmis.`; // typography: gsm (SMS text: straight apostrophes stay GSM-7)
	for (const [n, shared] of [
		[200, what],
		[60, what],
		[40, 'vos informations'],
		[25, 'vos informations']
	] as const) {
		const t = build(clip(p.organisation, n), clip(p.withName, n), shared);
		if (fits(t)) return t;
	}
	return build(clip(p.organisation, 20), clip(p.withName, 20), 'vos informations');
}

export type ConsentAnswer = 'yes' | 'no';

const YES_WORDS = new Set(['oui', 'ok', 'okay', 'oki', 'yes', 'ouais', 'daccord', 'accepte']);
const NO_WORDS = new Set(['non', 'no', 'nan', 'stop', 'refuse']);
/** Phrases of several words, read as one word first. */
const PHRASES: [RegExp, string][] = [
	[/\b(je ne suis pas|pas) d accord\b/g, 'non'],
	[/\bje refuse\b/g, 'refuse'],
	[/\b(je suis )?d accord\b/g, 'daccord'],
	[/\bj(e)? accepte\b/g, 'accepte']
];
/** Words of politeness that may come with the answer without changing it. */
const FILLER = new Set(['merci', 'beaucoup', 'bonjour', 'bonsoir', 'madame', 'monsieur', 'svp', 'stp', 'cordialement', 'bien', 'sur', 'c', 'est', 'bon']);

/**
 * Reads the person's reply: OUI / NON (and their usual variants: "ok", "Oui 4821",
 * "d'accord", "STOP", "non merci"), with the request's reference when there is one. A
 * reply that says more ("oui mais pas mon téléphone") is not an answer: consent must be
 * unambiguous, so it is left for the professional to clear up.
 */
export function parseConsentReply(text: string): { answer: ConsentAnswer | null; reference: string | null } {
	const t = String(text ?? '')
		.slice(0, 500)
		.normalize('NFD')
		.replace(/\p{M}/gu, '')
		.toLowerCase();
	const digits = t.replace(/\D/g, '');
	const reference = digits ? digits : null;
	let phrase = t.replace(/[^a-z]+/g, ' ').trim();
	for (const [re, word] of PHRASES) phrase = phrase.replace(re, word);
	const words = phrase.split(' ').filter((w) => w && !FILLER.has(w));
	if (words.length && words.every((w) => YES_WORDS.has(w))) return { answer: 'yes', reference };
	if (words.length && words.every((w) => NO_WORDS.has(w))) return { answer: 'no', reference };
	return { answer: null, reference };
}

/**
 * The person's address as the journal keeps it: the network, not the device (IPv4 /24,
 * IPv6 /48). Enough to see a guessing session from one network; not enough to single out
 * a household.
 */
export function personIp(ip: string | null | undefined): string | null {
	if (!ip) return null;
	const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/i.exec(ip);
	if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0`;
	if (ip.includes(':')) {
		const head = ip.split('::')[0].split(':').filter(Boolean).slice(0, 3);
		return `${head.join(':')}::`;
	}
	return null;
}

/** Records without activity for this long are anonymised. */
export const RETENTION_MONTHS = 24;

export function retentionCutoff(now: Date): Date {
	const d = new Date(now);
	d.setUTCMonth(d.getUTCMonth() - RETENTION_MONTHS);
	return d;
}

/** Lower-case, no accents, no punctuation, single spaces. */
export function normalizeName(s: string | null | undefined): string {
	return (s ?? '')
		.normalize('NFD')
		.replace(/\p{M}/gu, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, ' ')
		.trim();
}

export function nameKeyOf(p: { firstName?: string | null; lastName?: string | null; pseudonym?: string | null }): string | null {
	const k = normalizeName([p.firstName, p.lastName ?? p.pseudonym].filter(Boolean).join(' '));
	return k || null;
}

/** A French (or overseas) phone number in E.164, or null when it is not a valid one. */
export const normalizePhone = normalisePhone;

/** '+33612345678' → '06 12 34 56 78' */
export function displayPhone(e164: string | null | undefined): string {
	return e164 ? formatPhone(e164) : '';
}

/** 'Marie D.': what a list or a message shows of a person. */
export function shortName(p: { firstName: string | null; lastName: string | null; pseudonym: string | null; anonymisedAt?: Date | null }): string {
	if (p.anonymisedAt) return 'Personne anonymisée';
	if (p.pseudonym && !p.lastName) return p.firstName ? `${p.firstName} (${p.pseudonym})` : p.pseudonym;
	return [p.firstName, p.lastName ? `${p.lastName.charAt(0).toUpperCase()}.` : null].filter(Boolean).join(' ') || 'Sans nom';
}

export function fullName(p: { firstName: string | null; lastName: string | null; pseudonym: string | null; anonymisedAt?: Date | null }): string {
	if (p.anonymisedAt) return 'Personne anonymisée';
	const name = [p.firstName, p.lastName].filter(Boolean).join(' ');
	if (p.pseudonym) return name ? `${name} (${p.pseudonym})` : p.pseudonym;
	return name || 'Sans nom';
}

const text = (max: number) =>
	z
		.string()
		.trim()
		.max(max, `${max} caractères au plus.`)
		.transform((s) => s || null)
		.nullable()
		.optional()
		.transform((s) => s ?? null);

const thisYear = () => new Date().getUTCFullYear();

/** The form of a person's record (the commune is resolved by the service). */
/** How to contact a person who did not say: by e-mail if they gave one, else SMS to a portable, else a call, else: no way recorded (NO_CONTACT). */
export function defaultContact(v: { phone?: string | null; email?: string | null }): RecordedContact {
	if (v.email) return 'email';
	if (v.phone && isMobile(v.phone)) return 'sms';
	if (v.phone) return 'phone';
	// nothing to reach her with: said as such, never as a refusal ('none')
	return NO_CONTACT;
}

export const beneficiaryInput = z
	.object({
		firstName: text(80),
		lastName: text(80),
		pseudonym: text(80),
		birthYear: z
			.string()
			.trim()
			.optional()
			.transform((s, ctx) => {
				if (!s) return null;
				const n = Number(s);
				if (!/^\d{4}$/.test(s) || n < 1900 || n > thisYear()) {
					ctx.addIssue({ code: 'custom', message: `Indiquez une année sur 4 chiffres, entre 1900 et ${thisYear()}. Exemple\u00a0: 1958` });
					return z.NEVER;
				}
				return n;
			}),
		commune: text(120),
		phone: z
			.string()
			.trim()
			.optional()
			.transform((s, ctx) => {
				if (!s) return null;
				const p = normalizePhone(s);
				if (!p) {
					ctx.addIssue({ code: 'custom', message: 'Ce numéro de téléphone n’est pas valide. Exemple\u00a0: 06 12 34 56 78' });
					return z.NEVER;
				}
				return p;
			}),
		email: z
			.string()
			.trim()
			.toLowerCase()
			.optional()
			.transform((s, ctx) => {
				if (!s) return null;
				if (!z.email().safeParse(s).success) {
					ctx.addIssue({ code: 'custom', message: 'Cette adresse e-mail n’est pas valide. Exemple\u00a0: nom@exemple.fr' });
					return z.NEVER;
				}
				return s;
			}),
		// not chosen: a way that works with what was given (defaultContact), never SMS without a portable
		preferredContact: z
			.union([z.literal(''), z.enum(Object.keys(PREFERRED_CONTACTS) as [PreferredContact, ...PreferredContact[]])], {
				message: 'Choisissez comment la personne souhaite être contactée.'
			})
			.optional(),
		language: z.enum(Object.keys(LANGUAGES) as [Language, ...Language[]], { message: 'Choisissez une langue de la liste.' }).default('fr'),
		accessibilityNeeds: z.array(z.enum(Object.keys(ACCESSIBILITY_NEEDS) as [AccessibilityNeed, ...AccessibilityNeed[]])).default([]),
		accessibilityNote: text(500)
	})
	.transform((v) => ({ ...v, preferredContact: v.preferredContact || defaultContact(v) }))
	.superRefine((v, ctx) => {
		if (!v.firstName && !v.pseudonym)
			ctx.addIssue({ code: 'custom', path: ['firstName'], message: 'Indiquez au moins un prénom, ou un pseudonyme si la personne préfère.' });
		if ((v.preferredContact === 'sms' || v.preferredContact === 'phone') && !v.phone)
			ctx.addIssue({ code: 'custom', path: ['phone'], message: 'Pour être contactée par téléphone ou SMS, la personne doit donner un numéro.' });
		if (v.preferredContact === 'sms' && v.phone && !isMobile(v.phone))
			ctx.addIssue({
				code: 'custom',
				path: ['phone'],
				message: 'Ce numéro n’est pas un portable\u00a0: il ne peut pas recevoir de SMS. Choisissez « Par téléphone ».'
			});
		if (v.preferredContact === 'email' && !v.email)
			ctx.addIssue({ code: 'custom', path: ['email'], message: 'Pour être contactée par e-mail, la personne doit donner une adresse.' });
	});
export type BeneficiaryInput = z.output<typeof beneficiaryInput>;

export const consentInput = z.object({
	method: z.enum(Object.keys(CONSENT_METHODS) as [ConsentMethod, ...ConsentMethod[]], { message: 'Indiquez comment la personne a donné son accord.' }),
	scope: z
		.array(z.enum(Object.keys(CONSENT_SCOPES) as [ConsentScope, ...ConsentScope[]]))
		.min(1, 'Cochez au moins ce que la personne accepte de partager.')
		.refine((s) => s.includes('identity'), 'Le lieu doit au moins connaître le prénom de la personne pour la recevoir\u00a0: cochez « Identité ».')
});
export type ConsentInput = z.output<typeof consentInput>;

// ——— duplicates ———

export interface DuplicateCandidate {
	id: string;
	firstName: string | null;
	lastName: string | null;
	pseudonym: string | null;
	birthYear: number | null;
	phone: string | null;
	email: string | null;
	communeCode: string | null;
	nameKey: string | null;
}

/**
 * How likely two records are the same person, 0 to 1, with the reasons. Same phone or
 * e-mail is strong; the same name is strong only with the same birth year or commune; a
 * different birth year rules it out.
 */
export function duplicateScore(a: Omit<DuplicateCandidate, 'id'>, b: Omit<DuplicateCandidate, 'id'>): { score: number; reasons: string[] } {
	const reasons: string[] = [];
	if (a.birthYear && b.birthYear && a.birthYear !== b.birthYear) return { score: 0, reasons };
	let score = 0;
	if (a.phone && a.phone === b.phone) {
		score += 0.6;
		reasons.push('même téléphone');
	}
	if (a.email && a.email === b.email) {
		score += 0.6;
		reasons.push('même e-mail');
	}
	if (a.nameKey && a.nameKey === b.nameKey) {
		score += 0.4;
		reasons.push('même nom');
		if (a.birthYear && a.birthYear === b.birthYear) {
			score += 0.3;
			reasons.push('même année de naissance');
		}
		if (a.communeCode && a.communeCode === b.communeCode) {
			score += 0.2;
			reasons.push('même commune');
		}
	}
	return { score: Math.min(1, score), reasons };
}

export const DUPLICATE_THRESHOLD = 0.4;

// ——— forms ———

const options = (o: Record<string, string>) => Object.entries(o).map(([value, label]) => ({ value, label }));
/** The choices of the person form, as the pages list them. */
export const PERSON_FORM_VOCAB = {
	contacts: options(PREFERRED_CONTACTS),
	languages: options(LANGUAGES),
	needs: options(ACCESSIBILITY_NEEDS),
	scopes: options(CONSENT_SCOPES),
	methods: options(CONSENT_METHODS)
};

/** The raw values of the person form (what beneficiaryInput parses, and what a page shows back). */
export function personFormValues(f: FormData): Record<string, string | string[]> {
	const s = (k: string) => String(f.get(k) ?? '').slice(0, 1000);
	return {
		firstName: s('firstName'),
		lastName: s('lastName'),
		pseudonym: s('pseudonym'),
		birthYear: s('birthYear'),
		commune: s('commune'),
		phone: s('phone'),
		email: s('email'),
		preferredContact: s('preferredContact'),
		language: s('language') || 'fr',
		accessibilityNeeds: f.getAll('accessibilityNeeds').map(String),
		accessibilityNote: s('accessibilityNote')
	};
}
