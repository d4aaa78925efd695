/**
 * The instance's settings, pure: defaults from the environment, colour contrasts and the
 * schema of what an administrator may change.
 */
import { z } from 'zod';
import { isDepartmentCode } from './model.ts';

export interface InstanceSettings {
	name: string;
	departmentCodes: string[];
	logoUrl: string | null;
	colorPrimary: string;
	colorAccent: string;
	contactEmail: string | null;
	/** the publisher: its name and postal address (mentions légales) */
	publisher: string | null;
	/** the director of the publication (usually the Département's president) */
	publicationDirector: string | null;
	/** the host: name, address, telephone */
	host: string | null;
	/** how to reach the data protection officer: an e-mail address or a postal address */
	dpoContact: string | null;
	/** the accessibility contact: an e-mail address or a web page */
	accessibilityContact: string | null;
	updatedAt: Date;
}

export const DEFAULT_INSTANCE_NAME = 'Déclic 47 — réseau d’inclusion numérique';
export const DEFAULT_COLOR_PRIMARY = '#1f4e8c';
/** burnt orange, 5.5:1 against white: usable for text, borders and focus rings */
export const DEFAULT_COLOR_ACCENT = '#b34700';

/** The Départements of the embedded demo: Lot-et-Garonne and its neighbours. */
export function demoDepartments(): string[] {
	return ['47', '33', '24', '46', '82', '32', '40'];
}

/** Defaults for the one settings row, from MAILLAGE_NAME and MAILLAGE_DEPARTEMENTS ("47" or "47,33"). */
export function defaultInstanceSettings(env: Record<string, string | undefined> = process.env): Omit<InstanceSettings, 'updatedAt'> {
	const deps = (env.MAILLAGE_DEPARTEMENTS ?? '47')
		.split(/[\s,;]+/)
		.map((d) => d.trim().toUpperCase())
		.map((d) => (/^\d$/.test(d) ? `0${d}` : d))
		.filter(isDepartmentCode);
	return {
		name: env.MAILLAGE_NAME?.trim() || DEFAULT_INSTANCE_NAME,
		departmentCodes: deps.length ? [...new Set(deps)] : ['47'],
		logoUrl: null,
		colorPrimary: DEFAULT_COLOR_PRIMARY,
		colorAccent: DEFAULT_COLOR_ACCENT,
		contactEmail: null,
		publisher: null,
		publicationDirector: null,
		host: null,
		dpoContact: null,
		accessibilityContact: null
	};
}

/** WCAG 2.1 relative luminance of a #rrggbb colour. */
export function relativeLuminance(hex: string): number {
	const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
	return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrastRatio(a: string, b: string): number {
	const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
	return (hi + 0.05) / (lo + 0.05);
}

const formatRatio = (r: number) => (Math.floor(r * 100) / 100).toFixed(2).replace('.', ',');

const emptyToNull = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : v);

const hexColour = (what: string) =>
	z
		.string({ message: `${what}\u00a0: une couleur est attendue.` })
		.trim()
		.regex(/^#[0-9a-fA-F]{6}$/, { message: `${what}\u00a0: couleur attendue au format #rrggbb (par exemple #1f4e8c).` })
		.transform((s) => s.toLowerCase());

/** A text of the legal pages (several lines allowed), empty → null. */
const legalText = (what: string, max: number) =>
	z.preprocess(
		emptyToNull,
		z
			.string()
			.trim()
			.max(max, { message: `${what}\u00a0: ${max} caractères au plus.` })
			.nullable()
	);

/** What an administrator may change; department codes are checked against the database by the service. */
export const instanceSettingsPatchSchema = z.strictObject(
	{
		name: z
			.string({ message: 'Le nom est obligatoire.' })
			.trim()
			.min(2, { message: 'Le nom doit compter au moins 2 caractères.' })
			.max(120, { message: 'Le nom doit compter au plus 120 caractères.' })
			.optional(),
		departmentCodes: z
			.array(
				z
					.string()
					.trim()
					.toUpperCase()
					.transform((d) => (/^\d$/.test(d) ? `0${d}` : d))
					.refine(isDepartmentCode, { message: 'Code de département invalide (exemples\u00a0: 47, 2A, 974).' }),
				{ message: 'Liste de départements attendue.' }
			)
			.min(1, { message: 'Indiquez au moins un département.' })
			.max(20, { message: 'Vingt départements au plus.' })
			.transform((codes) => [...new Set(codes)])
			.optional(),
		logoUrl: z
			.preprocess(
				emptyToNull,
				z
					.string()
					.trim()
					.max(2000, { message: 'L’adresse du logo est trop longue.' })
					.refine((s) => /^https:\/\/[^\s]+$/i.test(s) || /^\/[^\s/][^\s]*$/.test(s), {
						message: 'Le logo doit être une adresse https://… ou un chemin du site commençant par « / ».'
					})
					.nullable()
			)
			.optional(),
		colorPrimary: hexColour('Couleur principale')
			.superRefine((c, ctx) => {
				const ratio = contrastRatio(c, '#ffffff');
				if (ratio < 4.5)
					ctx.addIssue({
						code: 'custom',
						message: `Couleur principale ${c} trop claire\u00a0: le texte blanc n’y est pas lisible (contraste ${formatRatio(ratio)}:1, il faut au moins 4,5:1 pour le niveau AA). Choisissez une couleur plus foncée.`
					});
			})
			.optional(),
		colorAccent: hexColour('Couleur d’accent').optional(),
		contactEmail: z.preprocess(emptyToNull, z.email({ message: 'Adresse e-mail de contact invalide.' }).max(254).nullable()).optional(),
		publisher: legalText('L’éditeur', 600).optional(),
		publicationDirector: legalText('Le directeur ou la directrice de la publication', 200).optional(),
		host: legalText('L’hébergeur', 600).optional(),
		dpoContact: z
			.preprocess(
				emptyToNull,
				z
					.string()
					.trim()
					.max(600, { message: 'Le contact du délégué à la protection des données est trop long (600 caractères au plus).' })
					.refine((s) => !s.includes('@') || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s), {
						message: 'Contact du délégué à la protection des données\u00a0: adresse e-mail invalide. Exemple\u00a0: dpo@cd47.fr'
					})
					.nullable()
			)
			.optional(),
		accessibilityContact: z
			.preprocess(
				emptyToNull,
				z
					.string()
					.trim()
					.max(600, { message: 'Le contact pour l’accessibilité est trop long (600 caractères au plus).' })
					.refine((s) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s) || /^https:\/\/\S+$/i.test(s), {
						message: 'Contact pour l’accessibilité\u00a0: une adresse e-mail ou une page https://… Exemple\u00a0: accessibilite@cd47.fr'
					})
					.nullable()
			)
			.optional()
	},
	{ error: (issue) => (issue.code === 'unrecognized_keys' ? `Champ(s) inconnu(s)\u00a0: ${issue.keys.join(', ')}.` : undefined) }
);

export type InstanceSettingsPatch = z.input<typeof instanceSettingsPatchSchema>;
