/**
 * The legal pages (issue 12, item 14): mentions légales, the personal-data notice (RGPD
 * art. 13–14), the accessibility statement, cookies. What they say of the publisher, the
 * host and the contacts comes from the instance's settings (/admin/instance); the
 * retention periods come from the code that applies them, so the notice cannot drift.
 */
import { getDatabase, type Database } from '../db/client.ts';
import { getInstanceSettings } from '../territory/index.ts';
import { RETENTION_MONTHS, PERSON_LINK_DAYS, PERSON_SESSION_MINUTES, PERSON_COOKIE } from '../beneficiaries/index.ts';
import { ABSOLUTE_HOURS, IDLE_MINUTES, INVITATION_DAYS, OIDC_COOKIE } from '../accounts/index.ts';
import { EXPIRED_INVITATION_DAYS } from '../jobs/maintenance.ts';
import { MAIL_RETENTION_DAYS } from '../mail/index.ts';
import { EXPIRY_DAYS } from '../referral/index.ts';
import { CONFIRM_HOURS, REGISTRATION_RETENTION_MONTHS } from '../trainings/index.ts';

import type { Contact } from '../../components/legal.ts';
export type { Contact };

export function contactOf(value: string | null | undefined): Contact {
	const v = value?.trim();
	if (!v) return null;
	if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) return { kind: 'email', value: v };
	if (/^https:\/\/\S+$/i.test(v)) return { kind: 'url', value: v };
	return {
		kind: 'text',
		lines: v
			.split(/\r?\n/)
			.map((l) => l.trim())
			.filter(Boolean)
	};
}

const lines = (v: string | null | undefined): string[] | null => {
	const ls = (v ?? '')
		.split(/\r?\n/)
		.map((l) => l.trim())
		.filter(Boolean);
	return ls.length ? ls : null;
};

export async function legalInfo(database?: Database) {
	const s = await getInstanceSettings(database ?? (await getDatabase()));
	return {
		siteName: s.name,
		publisher: lines(s.publisher),
		/** the publisher's first line (its name), for sentences: "Le Département de …" */
		publisherName: lines(s.publisher)?.[0] ?? null,
		publicationDirector: s.publicationDirector?.trim() || null,
		host: lines(s.host),
		dpo: contactOf(s.dpoContact),
		accessibility: contactOf(s.accessibilityContact) ?? contactOf(s.contactEmail),
		contact: contactOf(s.contactEmail),
		departmentCodes: s.departmentCodes
	};
}

/** The durations the notice states, from the constants the code applies. */
export const RETENTION = {
	recordMonths: RETENTION_MONTHS,
	personLinkDays: PERSON_LINK_DAYS,
	personSessionMinutes: PERSON_SESSION_MINUTES,
	sessionHours: ABSOLUTE_HOURS,
	sessionIdleMinutes: IDLE_MINUTES,
	invitationDays: INVITATION_DAYS,
	expiredInvitationDays: EXPIRED_INVITATION_DAYS,
	mailDays: MAIL_RETENTION_DAYS,
	referralExpiryDays: EXPIRY_DAYS,
	trainingMonths: REGISTRATION_RETENTION_MONTHS,
	trainingConfirmHours: CONFIRM_HOURS
};

/** The cookies the site sets: all necessary to a service asked for, none to measure or advertise. */
export const COOKIES = [
	{
		name: 'maillage_session',
		purpose: 'Garder connecté un professionnel dans son espace (sur un site en https, son nom commence par « __Host- »).',
		duration: `La session : ${IDLE_MINUTES} minutes sans activité, ${ABSOLUTE_HOURS} heures au plus.`
	},
	{
		name: PERSON_COOKIE,
		purpose: 'Garder ouverte la page « Mes orientations » d’une personne, après son lien ou son code.',
		duration: `${PERSON_SESSION_MINUTES} minutes.`
	},
	{
		name: OIDC_COOKIE,
		purpose: 'Relier le retour de ProConnect à la demande de connexion (protection contre la falsification).',
		duration: '10 minutes, pendant la connexion.'
	}
];
