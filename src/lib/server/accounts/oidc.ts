/**
 * OpenID Connect login for agents, compatible with ProConnect: discovery, authorization
 * code with PKCE (S256), state and nonce kept in a short-lived encrypted cookie, `acr`
 * requested and checked, user info fetched (signed JWT or JSON). The identity links to an
 * account by the subject once linked, else by e-mail: an existing account, or a pending
 * invitation for that address (accepted on the way). Nobody gets an account without an
 * invitation.
 *
 * Environment: OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET; OIDC_SCOPES (default the
 * ProConnect ones); OIDC_ACR_VALUES (asked and required, default eidas1); OIDC_MFA_ACR (the
 * acr values that count as a second factor, default eidas2,eidas3); OIDC_TRUST_MFA (1: a
 * login the provider vouches with a second factor, by those acr values or `amr: mfa`, skips
 * our TOTP; default off, the TOTP is asked); OIDC_NAME (the button's label, default ProConnect).
 *
 * An identity is linked to an account (or to an invitation) by its e-mail only when the
 * provider says the address is verified (`email_verified: true`); once linked, by its subject.
 */
import * as client from 'openid-client';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { decrypt, encrypt } from '../security/secret.ts';
import { invitations, memberships, users } from './db.ts';
import { createSession, type SessionMeta } from './sessions.ts';
import { actorFor, requiresMfa } from './actors.ts';

const FLOW_TTL_MS = 10 * 60_000;
const list = (v: string | undefined, d: string) => (v ?? d).split(/[\s,]+/).filter(Boolean);

export function oidcSettings() {
	const issuer = process.env.OIDC_ISSUER;
	const clientId = process.env.OIDC_CLIENT_ID;
	if (!issuer || !clientId) return null;
	return {
		issuer,
		clientId,
		clientSecret: process.env.OIDC_CLIENT_SECRET ?? '',
		scopes: list(process.env.OIDC_SCOPES, 'openid email given_name usual_name uid siret idp_id'),
		acrValues: list(process.env.OIDC_ACR_VALUES, 'eidas1'),
		mfaAcr: list(process.env.OIDC_MFA_ACR, 'eidas2,eidas3'),
		/** whether the provider's second factor replaces ours (issue 11: off unless set) */
		trustMfa: process.env.OIDC_TRUST_MFA === '1',
		/**
		 * whether the provider vouches for every address it sends, claim or not: ProConnect sends
		 * no `email_verified` (its identity providers give the agent's professional address);
		 * an explicit `email_verified: false` is refused whatever this says
		 */
		emailsVerified: process.env.OIDC_EMAILS_VERIFIED === '1',
		name: process.env.OIDC_NAME ?? 'ProConnect'
	};
}

let cached: { key: string; config: Promise<client.Configuration> } | undefined;
function configuration(s: NonNullable<ReturnType<typeof oidcSettings>>): Promise<client.Configuration> {
	const key = `${s.issuer}|${s.clientId}`;
	if (!cached || cached.key !== key) {
		const url = new URL(s.issuer);
		const config = client
			.discovery(url, s.clientId, { client_secret: s.clientSecret }, client.ClientSecretPost(s.clientSecret), {
				// a local provider in tests and development; production issuers are https
				execute: url.protocol === 'http:' ? [client.allowInsecureRequests] : []
			})
			.catch((e) => {
				cached = undefined;
				throw e;
			});
		cached = { key, config };
	}
	return cached.config;
}

export const OIDC_COOKIE = 'maillage_oidc';
interface Flow {
	v: string;
	s: string;
	n: string;
	t: number;
	r: string | null;
}

/** Where to send the browser, and the cookie that remembers this attempt. */
export async function startOidcLogin(redirectUri: string, back: string | null): Promise<{ url: string; cookie: string }> {
	const s = oidcSettings();
	if (!s) throw new Error('OIDC is not configured');
	const config = await configuration(s);
	const flow: Flow = { v: client.randomPKCECodeVerifier(), s: client.randomState(), n: client.randomNonce(), t: Date.now(), r: back };
	const url = client.buildAuthorizationUrl(config, {
		redirect_uri: redirectUri,
		scope: s.scopes.join(' '),
		code_challenge: await client.calculatePKCECodeChallenge(flow.v),
		code_challenge_method: 'S256',
		state: flow.s,
		nonce: flow.n,
		acr_values: s.acrValues.join(' '),
		// ProConnect asks for the acr claim explicitly
		claims: JSON.stringify({ id_token: { amr: { essential: true }, acr: { essential: true } } })
	});
	return { url: url.href, cookie: encrypt('oidc', JSON.stringify(flow)) };
}

export type OidcResult =
	| { status: 'ok'; token: string; next: 'home' | 'second-factor' | 'enrol'; back: string | null }
	| { status: 'error'; code: 'expired' | 'denied' | 'no-account' | 'inactive' | 'acr' | 'email' | 'failed'; message: string };

const MESSAGES = {
	expired: 'La connexion a pris trop de temps ou a été interrompue. Recommencez.',
	denied: 'La connexion a été annulée.',
	'no-account':
		'Aucun compte ni invitation ne correspond à votre adresse e-mail professionnelle. Demandez une invitation à l’équipe de coordination de votre Département.',
	inactive: 'Ce compte est désactivé. Adressez-vous à l’équipe de coordination de votre Département.',
	acr: 'Le niveau de sécurité de cette connexion est insuffisant. Recommencez avec votre fournisseur d’identité habituel.',
	email: 'Votre fournisseur d’identité n’a pas transmis d’adresse e-mail vérifiée.',
	failed: 'La connexion n’a pas abouti. Réessayez dans quelques minutes.',
	indisponible: 'Le service d’identification ne répond pas. Réessayez dans quelques minutes, ou connectez-vous avec votre mot de passe.'
} as const;
type OidcErrorCode = Exclude<keyof typeof MESSAGES, 'indisponible'>;
const fail = (code: OidcErrorCode): OidcResult => ({ status: 'error', code, message: MESSAGES[code] });

/** The French message for an error code carried back to /connexion?erreur=… (unknown codes: the generic one). */
export function oidcErrorMessage(code: string): string {
	return MESSAGES[code as keyof typeof MESSAGES] ?? MESSAGES.failed;
}

/** The callback: checks everything, links or finds the account, opens a session. */
export async function finishOidcLogin(
	database: Database,
	currentUrl: URL,
	cookie: string | undefined,
	meta: SessionMeta,
	now = new Date()
): Promise<OidcResult> {
	const s = oidcSettings();
	if (!s) return fail('failed');
	let flow: Flow;
	try {
		flow = JSON.parse(decrypt('oidc', cookie ?? ''));
	} catch {
		return fail('expired');
	}
	if (now.getTime() - flow.t > FLOW_TTL_MS) return fail('expired');
	if (currentUrl.searchParams.get('error')) return fail(currentUrl.searchParams.get('error') === 'access_denied' ? 'denied' : 'failed');
	let claims: client.IDToken;
	let info: client.UserInfoResponse;
	try {
		const config = await configuration(s);
		const tokens = await client.authorizationCodeGrant(config, currentUrl, {
			pkceCodeVerifier: flow.v,
			expectedState: flow.s,
			expectedNonce: flow.n,
			idTokenExpected: true
		});
		claims = tokens.claims()!;
		info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
	} catch (e) {
		await journal(database.privileged.db, {
			actor: { kind: 'public' },
			action: 'session.oidc_failed',
			targetType: 'user',
			ip: meta.ip,
			details: { error: String((e as Error).message).slice(0, 120) }
		});
		return fail('failed');
	}
	const acr = typeof claims.acr === 'string' ? claims.acr : null;
	if (s.acrValues.length && (!acr || ![...s.acrValues, ...s.mfaAcr].includes(acr))) return fail('acr');
	const rawEmail = (info.email ?? claims.email) as string | undefined;
	if (!rawEmail) return fail('email');
	// only an address the provider has verified may link an identity to an account or an invitation
	const said = info.email !== undefined ? info.email_verified : claims.email_verified;
	const verified = said === true || (s.emailsVerified && said === undefined);
	const email = rawEmail.trim().toLowerCase();
	const issuer = (claims.iss as string) ?? s.issuer;
	const providerMfa = (acr !== null && s.mfaAcr.includes(acr)) || (Array.isArray(claims.amr) && (claims.amr as string[]).includes('mfa'));
	const mfa = s.trustMfa && providerMfa;

	const result = await database.privileged.db.transaction(async (tx) => {
		let [user] = await tx
			.select()
			.from(users)
			.where(and(eq(users.oidcIssuer, issuer), eq(users.oidcSubject, claims.sub)));
		if (!user && !verified) return 'unverified' as const;
		if (!user) [user] = await tx.select().from(users).where(eq(users.email, email));
		if (!user) {
			// a pending invitation for this address: accepted now, the account has no password
			const [inv] = await tx
				.select()
				.from(invitations)
				.where(
					and(
						eq(invitations.email, email),
						isNull(invitations.usedAt),
						isNull(invitations.revokedAt),
						sql`${invitations.expiresAt} > ${now.toISOString()}::timestamptz`
					)
				)
				.orderBy(invitations.createdAt)
				.limit(1);
			if (!inv) return null;
			const displayName = [info.given_name, info.usual_name ?? info.family_name].filter(Boolean).join(' ') || inv.displayName;
			[user] = await tx.insert(users).values({ email, displayName, isAdmin: inv.isAdmin, oidcIssuer: issuer, oidcSubject: claims.sub }).returning();
			await tx.update(invitations).set({ usedAt: now }).where(eq(invitations.id, inv.id));
			await tx.insert(memberships).values({ userId: user.id, organisationId: inv.organisationId, role: inv.role }).onConflictDoNothing();
			await journal(tx, {
				actor: { kind: 'user', id: user.id },
				action: 'invitation.accepted',
				targetType: 'invitation',
				targetId: inv.id,
				ip: meta.ip,
				details: { organisationId: inv.organisationId, role: inv.role, via: 'oidc' }
			});
		} else if (user.oidcSubject && (user.oidcSubject !== claims.sub || user.oidcIssuer !== issuer)) {
			// the address now belongs to another identity at the provider: no silent takeover
			return 'conflict' as const;
		} else if (!user.oidcSubject) {
			await tx.update(users).set({ oidcIssuer: issuer, oidcSubject: claims.sub, updatedAt: now }).where(eq(users.id, user.id));
			await journal(tx, { actor: { kind: 'user', id: user.id }, action: 'user.oidc_linked', targetType: 'user', targetId: user.id, ip: meta.ip });
		}
		if (!user.active) return 'inactive' as const;
		await tx.update(users).set({ lastLoginAt: now }).where(eq(users.id, user.id));
		const token = await createSession(tx, user.id, { method: 'oidc', mfa, ...meta }, now);
		await journal(tx, {
			actor: { kind: 'user', id: user.id },
			action: 'session.oidc_ok',
			targetType: 'user',
			targetId: user.id,
			ip: meta.ip,
			details: { acr, mfa, providerMfa }
		});
		return { token, userId: user.id, enrolled: !!user.totpConfirmedAt };
	});
	if (result === 'unverified') {
		await journal(database.db, {
			actor: { kind: 'public' },
			action: 'session.oidc_failed',
			targetType: 'user',
			ip: meta.ip,
			details: { error: 'email not verified' }
		});
		return fail('email');
	}
	if (result === null || result === 'conflict') return fail('no-account');
	if (result === 'inactive') return fail('inactive');
	const actor = await actorFor(database.privileged.db, result.userId, mfa);
	const next = mfa || !requiresMfa(actor) ? 'home' : result.enrolled ? 'second-factor' : 'enrol';
	return { status: 'ok', token: result.token, next, back: flow.r };
}
