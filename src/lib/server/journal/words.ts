/**
 * The words the journal's sentences and details are made of (pure): numbers, amounts, roles,
 * statuses, dates and field names in French.
 */
import { ROLE_LABELS, type Role } from '../accounts/index.ts';
import { STATUS_LABELS, type ReferralStatus } from '../referral/index.ts';
import { formatDate, euros } from '../../components/format.ts';

export const nf = new Intl.NumberFormat('fr-FR');
export const num = (v: unknown): string => (typeof v === 'number' && Number.isFinite(v) ? nf.format(v) : '?');
export const str = (v: unknown): string => (typeof v === 'string' ? v : v == null ? '' : String(v));
export const money = (v: unknown): string => (typeof v === 'number' ? euros(v) : '?');
export const role = (v: unknown): string => (typeof v === 'string' && Object.hasOwn(ROLE_LABELS, v) ? `« ${ROLE_LABELS[v as Role]} »` : 'un rôle');
export const status = (v: unknown): string => (typeof v === 'string' && Object.hasOwn(STATUS_LABELS, v) ? STATUS_LABELS[v as ReferralStatus] : str(v));
export const plural = (n: unknown, one: string, many: string) => `${num(n)} ${typeof n === 'number' && n > 1 ? many : one}`;
export const fieldList = (v: unknown): string =>
	Array.isArray(v) && v.length ? [...new Set(v.map((x) => FIELD_LABELS[String(x)] ?? String(x)))].join(', ') : 'des champs';
/** "2026-12-20" → "20 décembre 2026" (as the place's page says it: « rouvre le 20 décembre 2026 ») */
export const frDate = (v: string): string => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? (formatDate(v) ?? v) : v);

/** "de Camille" / "d’Anne" / "d’une personne". */
export function de(x: string): string {
	return /^[aeiouyàâäéèêëîïôöûüœ]/i.test(x) ? `d’${x}` : `de ${x}`;
}

/** "une personne" → "Une personne" (a sentence's first word). */
export function capital(x: string): string {
	return x ? x.charAt(0).toUpperCase() + x.slice(1) : x;
}

/** The fields of the entries' details, as a French reader names them. */
export const FIELD_LABELS: Record<string, string> = {
	firstName: 'prénom',
	lastName: 'nom',
	pseudonym: 'pseudonyme',
	birthYear: 'année de naissance',
	communeCode: 'commune',
	communeName: 'commune',
	phone: 'téléphone',
	email: 'e-mail',
	preferredContact: 'moyen de contact',
	language: 'langue',
	accessibilityNeeds: 'besoins particuliers',
	accessibilityNote: 'note sur les besoins',
	nom: 'nom',
	adresse: 'adresse',
	complement_adresse: 'complément d’adresse',
	code_postal: 'code postal',
	commune: 'commune',
	horaires: 'horaires',
	telephone: 'téléphone',
	courriels: 'e-mails',
	site_web: 'site web',
	services: 'services',
	latitude: 'position',
	longitude: 'position',
	presentation_resume: 'présentation',
	presentation_detail: 'présentation détaillée',
	publics_specifiquement_adresses: 'publics',
	frais_a_charge: 'frais',
	modalites_acces: 'modalités d’accès',
	modalites_accompagnement: 'modalités d’accompagnement',
	prise_rdv: 'prise de rendez-vous',
	date_maj: 'date de mise à jour',
	// a place's identity, as the coordinators' form names it
	complementAdresse: 'complément d’adresse',
	codePostal: 'code postal',
	pivot: 'SIRET',
	position: 'position'
};
