/**
 * Accounts: roles, organisation kinds, the password policy, input schemas. Pure, no I/O.
 */
import { z } from 'zod';
import { dictionary } from '@zxcvbn-ts/language-common';
import { isValidSiret } from '../../text/identifiers.ts';
import { frenchSpacing } from '../../text/typography';
import { nameProblem, tidyName } from '../../text/names.ts';
import { DomainError } from '../errors.ts';

export const ROLES = ['coordinator', 'partner', 'prescriber', 'mediator', 'place_manager'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
	coordinator: 'Coordination départementale',
	partner: 'Partenaire (opérateur)',
	prescriber: 'Prescripteur (orientation)',
	mediator: 'Médiateur numérique',
	place_manager: 'Responsable de lieu'
};

/** Roles that can see personal data about people helped: their accounts need a second factor. */
/** Every role: place managers too, since they receive referrals (the person's name and contact). */
export const ROLES_WITH_PERSONAL_DATA: readonly Role[] = ['coordinator', 'partner', 'prescriber', 'mediator', 'place_manager'];

export const ORGANISATION_KINDS = {
	departement: 'Département',
	operateur: 'Opérateur partenaire (CAF, MSA, CPAM, CARSAT…)',
	ccas: 'CCAS / CIAS',
	collectivite: 'Commune ou intercommunalité',
	association: 'Association',
	france_services: 'France Services',
	mediatheque: 'Médiathèque / bibliothèque',
	emploi: 'Service de l’emploi (France Travail, mission locale)',
	autre: 'Autre structure'
} as const;
export type OrganisationKind = keyof typeof ORGANISATION_KINDS;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

const COMMON = new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));

/**
 * ANSSI's recommendation for passwords that protect access to personal data: long enough
 * (12 characters at least), no composition rule, and not a known common password, nor one
 * made of a common password with digits or symbols around it ("azertyuiop123!").
 * Returns the French message to show, or null when the password is acceptable.
 */
export function passwordProblem(password: string, context: { email?: string; name?: string } = {}): string | null {
	const length = Array.from(password).length;
	if (length < PASSWORD_MIN_LENGTH) return `Le mot de passe doit compter au moins ${PASSWORD_MIN_LENGTH} caractères (il en a ${length}).`;
	if (length > PASSWORD_MAX_LENGTH) return `Le mot de passe doit compter au plus ${PASSWORD_MAX_LENGTH} caractères.`;
	const lower = password.toLowerCase();
	const core = lower.replace(/^[\d\W_]+|[\d\W_]+$/gu, '');
	if (COMMON.has(lower) || (core.length >= 4 && COMMON.has(core)) || /^(.)\1+$/u.test(password) || isSequence(lower))
		return 'Ce mot de passe fait partie des mots de passe les plus courants\u00a0: choisissez-en un autre, par exemple une phrase de plusieurs mots.';
	const letters = (s: string | undefined) => (s ?? '').toLowerCase().replace(/[\d\W_]+/gu, '');
	const mine = letters(password);
	const local = letters(context.email?.split('@')[0]);
	if ((local.length >= 4 && mine === local) || (context.name && mine === letters(context.name)))
		return 'Le mot de passe ne doit pas reprendre votre nom ou votre adresse e-mail.';
	return null;
}

function isSequence(s: string): boolean {
	const rows = [
		'0123456789012345678901234567890',
		'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz',
		'azertyuiopqsdfghjklmwxcvbn',
		'qwertyuiopasdfghjklzxcvbnm'
	];
	return rows.some((r) => r.includes(s) || [...r].reverse().join('').includes(s));
}

export const emailSchema = z
	.string()
	.trim()
	.toLowerCase()
	.max(254, { error: 'L’adresse e-mail est trop longue.' })
	.pipe(z.email({ error: 'L’adresse e-mail n’est pas valide. Exemple\u00a0: prenom.nom@exemple.fr' }));

export const loginSchema = z.object({
	email: emailSchema,
	password: z
		.string()
		.min(1, { error: 'Saisissez votre mot de passe.' })
		.max(PASSWORD_MAX_LENGTH * 4)
});

export const totpCodeSchema = z
	.string()
	.transform((s) => s.replace(/\s+/g, ''))
	.pipe(z.string().regex(/^\d{6}$/, { error: 'Le code compte 6 chiffres, sans espace. Exemple\u00a0: 123456' }));

/** Recovery codes are shown as xxxx-xxxx-xxxx (no ambiguous characters). */
export const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export function normaliseRecoveryCode(s: string): string {
	return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export const organisationSchema = z.object({
	// one line, no invisible character, no web or e-mail address: the name goes into invitations (text/names.ts)
	name: z
		.string()
		.transform(tidyName)
		.pipe(
			z
				.string()
				.min(2, { error: 'Indiquez le nom de la structure.' })
				.max(200, { error: 'Le nom est trop long (200 caractères au plus).' })
				.superRefine((s, ctx) => {
					const problem = nameProblem(s, 'Le nom de la structure');
					if (problem) ctx.addIssue({ code: 'custom', message: problem });
				})
		)
		.transform((s) => frenchSpacing(s)),
	siret: z
		.string()
		.trim()
		.transform((s) => s.replace(/\s+/g, ''))
		.pipe(z.union([z.literal(''), z.string().regex(/^\d{14}$/, { error: 'Le SIRET compte 14 chiffres. Exemple\u00a0: 224\u202f700\u202f014\u202f00017' })]))
		.refine((s) => !s || isValidSiret(s), { error: 'Ce SIRET n’est pas valide\u00a0: vérifiez les chiffres (la clé de contrôle ne correspond pas).' })
		.optional()
		.transform((s) => s || null),
	kind: z.enum(Object.keys(ORGANISATION_KINDS) as [OrganisationKind, ...OrganisationKind[]], { error: 'Choisissez le type de structure.' }),
	departmentCode: z
		.string()
		.trim()
		.toUpperCase()
		.regex(/^(\d{2}|2A|2B|97\d)$/, { error: 'Choisissez le département de la structure.' })
});

/**
 * A person's name as it will appear in e-mails and pages: Unicode NFC, spaces collapsed
 * (tabs, line breaks and non-breaking spaces included), and only what a name is made of —
 * letters (then digits), with spaces, hyphens, apostrophes and dots between them. No
 * address, link, markup or line break: the name goes into an e-mail sent in the instance's name.
 */
export const displayNameSchema = z
	.string()
	.transform((s) =>
		s
			.normalize('NFC')
			.replace(/[\s\u00a0\u202f]+/gu, ' ')
			.replace(/[’ʼ`]/gu, '’')
			.trim()
	)
	.pipe(
		z
			.string()
			.min(2, { error: 'Indiquez le prénom et le nom.' })
			.max(120, { error: 'Le nom est trop long (120 caractères au plus).' })
			.regex(/^\p{L}[\p{L}\p{M}\p{N} .’'-]*$/u, {
				error: 'Le nom ne peut contenir que des lettres, des espaces, des traits d’union et des apostrophes. Exemple\u00a0: Camille Martin'
			})
			.refine((s) => !/[\p{L}\p{N}]\.[\p{L}\p{N}]{2,}/u.test(s), { error: 'Le nom ne peut pas contenir d’adresse de site. Exemple\u00a0: Camille Martin' })
	);

/** A refusal of the accounts' use cases (the one error model, ../errors.ts). */
export class AccountError extends DomainError<'invalid' | 'forbidden' | 'not_found' | 'conflict'> {
	constructor(code: AccountError['code'], message: string, fields: Record<string, string> = {}) {
		super(code, message, { fields });
	}
}

/** A zod error as the forms show it: the first message of each field ('form' for the whole). */
export function fieldErrors(issues: { path: PropertyKey[]; message: string }[]): Record<string, string> {
	const out: Record<string, string> = {};
	for (const i of issues) out[String(i.path[0] ?? 'form')] ??= i.message;
	return out;
}
