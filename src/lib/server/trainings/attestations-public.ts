/**
 * The attestations seen from outside (issue 17, item 5; decision 0021), without a session,
 * on the owner's connection (row-level security keeps attestations to their département and
 * holder; these reads are by what only the paper or the holder has):
 * - the public check by number (the QR code's page): « valide » with the minimum (the
 *   holder's name, the training, the half-days, the hours, the organiser and the issuer),
 *   « révoquée » or « non valide » (its content no longer matches its digest or signature)
 *   with nothing of the person, « inconnue » for a number that does not exist (or no
 *   longer: erased with the registration);
 * - the holder's own page, by their registration's link: the PDF and the Open Badges 3.0
 *   credential (a VC-JWT signed with the instance's key);
 * - a submitted credential checked (the verification endpoint): the signature, then the
 *   attestation it names, still valid and saying the same.
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { slotLabel } from './model.ts';
import { trainingAttestations, type TrainingRegistration } from './db.ts';
import { contentHolds, publicJwk, readJwt, signJwt } from './attestation-keys.ts';
import { NUMBER, hoursText, type AttestationContent } from './attestations.ts';
import { byToken } from './tokens.ts';
import type { Links } from './messages.ts';

export type AttestationStatus = 'valid' | 'revoked' | 'invalid' | 'unknown';

export const ATTESTATION_STATUS_TITLE: Record<AttestationStatus, string> = {
	valid: 'Attestation valide',
	revoked: 'Attestation révoquée',
	invalid: 'Attestation non valide',
	unknown: 'Attestation inconnue'
};

/** What the public page shows of a valid attestation: nothing else of the person. */
export interface AttestationShown {
	number: string;
	holder: string;
	training: string;
	halfDays: string[];
	hours: string;
	organiser: string;
	trainer: string;
	issuer: string;
	issuedOn: string;
}

type Row = typeof trainingAttestations.$inferSelect;

function statusOf(row: Row | undefined): AttestationStatus {
	if (!row) return 'unknown';
	if (!contentHolds(row)) return 'invalid';
	const c = row.content as AttestationContent;
	// the columns the lists show must say what was signed
	if (c.number !== row.number || c.holder !== row.holderName || c.minutes !== row.minutes) return 'invalid';
	return row.revokedAt ? 'revoked' : 'valid';
}

function shown(row: Row): AttestationShown {
	const c = row.content as AttestationContent;
	return {
		number: c.number,
		holder: c.holder,
		training: c.training.title,
		halfDays: c.halfDays.map((h) => slotLabel({ day: h.day, startTime: h.start, endTime: h.end })),
		hours: hoursText(c.minutes),
		organiser: c.organiser,
		trainer: c.trainer,
		issuer: c.issuer,
		issuedOn: c.issuedOn
	};
}

async function byNumber(database: Database, number: string): Promise<Row | undefined> {
	if (!NUMBER.test(number)) return undefined;
	const [row] = await database.privileged.db.select().from(trainingAttestations).where(eq(trainingAttestations.number, number));
	return row;
}

/** The public check of an attestation's number. */
export async function checkAttestation(database: Database, number: string): Promise<{ status: AttestationStatus; shown: AttestationShown | null }> {
	const row = await byNumber(database, String(number ?? '').toUpperCase());
	const status = statusOf(row);
	return { status, shown: status === 'valid' && row ? shown(row) : null };
}

/** The holder's attestation, by their registration's link: null when the link or the attestation does not exist. */
export async function holderAttestation(
	database: Database,
	token: string
): Promise<{ registration: TrainingRegistration; row: Row; status: AttestationStatus; shown: AttestationShown } | null> {
	const registration = await byToken(database.privileged.db, token);
	if (!registration) return null;
	const [row] = await database.privileged.db.select().from(trainingAttestations).where(eq(trainingAttestations.registrationId, registration.id));
	if (!row) return null;
	return { registration, row, status: statusOf(row), shown: shown(row) };
}

export const verificationLink = (links: Links, number: string) => `${links.origin}/formations/attestations/${number}`;
export const issuerId = (links: Links) => `${links.origin}/formations/attestations/emetteur`;

/** The issuer's profile (Open Badges 3.0 `Profile`), with the public key that signs the credentials. */
export function issuerProfile(links: Links) {
	return {
		'@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
		id: issuerId(links),
		type: ['Profile'],
		name: links.instanceName,
		url: links.origin,
		publicKey: publicJwk()
	};
}

const CRITERIA =
	'Être inscrit à la session et présent à au moins une de ses demi-journées (feuille d’émargement signée ou présence pointée à l’écran par l’organisateur). La durée attestée est la somme des demi-journées suivies.';

/** The Open Badges 3.0 credential (VC data model 2.0) of an attestation, and its VC-JWT. */
export function openBadge(links: Links, row: Row): { credential: Record<string, unknown>; jwt: string } {
	const c = row.content as AttestationContent;
	const first = c.halfDays[0];
	const last = c.halfDays.at(-1) ?? first;
	const credential = {
		'@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
		id: verificationLink(links, c.number),
		type: ['VerifiableCredential', 'OpenBadgeCredential'],
		name: `Attestation de formation\u00a0: ${c.training.title}`,
		issuer: { id: issuerId(links), type: ['Profile'], name: c.issuer, url: links.origin },
		validFrom: row.issuedAt.toISOString(),
		credentialSubject: {
			type: ['AchievementSubject'],
			identifier: [{ type: 'IdentityObject', identityType: 'name', hashed: false, identityHash: c.holder }],
			activityStartDate: first ? `${first.day}T${first.start}:00` : undefined,
			activityEndDate: last ? `${last.day}T${last.end}:00` : undefined,
			achievement: {
				id: `${links.origin}/formations/${c.sessionId}`,
				type: ['Achievement'],
				achievementType: 'Course',
				name: c.training.title,
				description: `Formation des aidants au numérique organisée par ${c.organiser || c.issuer}.`,
				criteria: { narrative: CRITERIA },
				creator: { id: issuerId(links), type: ['Profile'], name: c.organiser || c.issuer },
				inLanguage: 'fr',
				humanCode: c.number
			},
			result: [{ type: ['Result'], value: `${c.minutes} minutes` }]
		}
	};
	const clean = JSON.parse(JSON.stringify(credential)) as Record<string, unknown>;
	return { credential: clean, jwt: signJwt(clean) };
}

/** A credential submitted for checking (a VC-JWT, or JSON carrying one): what it says and whether it holds. */
export async function verifyCredential(
	database: Database,
	links: Links,
	submitted: string
): Promise<{ verified: boolean; status: AttestationStatus; checks: Record<string, boolean>; number: string | null }> {
	let jwt = String(submitted ?? '').trim();
	if (jwt.startsWith('{')) {
		try {
			const o = JSON.parse(jwt);
			jwt = typeof o?.credential === 'string' ? o.credential : typeof o?.jwt === 'string' ? o.jwt : '';
		} catch {
			jwt = '';
		}
	}
	const payload = readJwt(jwt);
	const checks: Record<string, boolean> = { signature: !!payload, type: false, attestation: false, content: false, notRevoked: false };
	if (!payload) return { verified: false, status: 'invalid', checks, number: null };
	checks.type = Array.isArray(payload.type) && payload.type.includes('OpenBadgeCredential');
	const id = typeof payload.id === 'string' ? payload.id : '';
	const number = id.startsWith(verificationLink(links, '')) ? id.slice(verificationLink(links, '').length) : null;
	const row = number ? await byNumber(database, number) : undefined;
	const status = statusOf(row);
	checks.attestation = !!row;
	checks.notRevoked = !!row && !row.revokedAt;
	if (row && status !== 'invalid') {
		const expected = openBadge(links, row).credential;
		const { credentialSubject: a, issuer: ia } = expected as { credentialSubject: unknown; issuer: unknown };
		checks.content = JSON.stringify(a) === JSON.stringify(payload.credentialSubject) && JSON.stringify(ia) === JSON.stringify(payload.issuer);
	}
	const verified = Object.values(checks).every(Boolean) && status === 'valid';
	return { verified, status: checks.content || status !== 'valid' ? status : 'invalid', checks, number };
}
