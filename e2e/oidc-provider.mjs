// @ts-nocheck -- a test double run by Playwright: a real OpenID Connect provider (oidc-provider)
/**
 * A local identity provider standing in for ProConnect in the browser tests: discovery,
 * authorization code with PKCE, nonce, state, `acr` (eidas1, or eidas2 for addresses
 * starting with "mfa."), user info. Its login page asks only for the e-mail address:
 * what is under test is our side of the protocol.
 *
 * Env: OIDC_PORT, OIDC_REDIRECT_URI, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET.
 */
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
	clients: [
		{
			client_id: process.env.OIDC_CLIENT_ID,
			client_secret: process.env.OIDC_CLIENT_SECRET,
			redirect_uris: [process.env.OIDC_REDIRECT_URI],
			grant_types: ['authorization_code'],
			response_types: ['code'],
			token_endpoint_auth_method: 'client_secret_post'
		}
	],
	pkce: { required: () => true },
	acrValues: ['eidas1', 'eidas2'],
	claims: {
		openid: ['sub'],
		email: ['email', 'email_verified'],
		given_name: ['given_name'],
		usual_name: ['usual_name'],
		uid: ['uid'],
		siret: ['siret'],
		idp_id: ['idp_id']
	},
	features: { devInteractions: { enabled: false }, claimsParameter: { enabled: true } },
	cookies: { keys: ['a local test key, not a secret'] },
	interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
	async findAccount(_ctx, id) {
		return {
			accountId: id,
			// addresses starting with "unverified." are sent with email_verified false, "unchecked." without it
			claims: async () => ({
				sub: `sub-${id}`,
				email: id,
				...(id.startsWith('unchecked.') ? {} : { email_verified: !id.startsWith('unverified.') }),
				given_name: 'Alex',
				usual_name: 'Agent',
				uid: id,
				siret: '21470001500016',
				idp_id: 'test'
			})
		};
	}
});

const page = (body) =>
	`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Fournisseur d’identité de test</title></head><body><main>${body}</main></body></html>`;

const handler = provider.callback();
createServer(async (req, res) => {
	const m = /^\/interaction\/([\w-]+)(\/login)?$/.exec(req.url.split('?')[0]);
	if (!m) return handler(req, res);
	try {
		const details = await provider.interactionDetails(req, res);
		if (details.prompt.name === 'login' && req.method === 'GET') {
			res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
			return res.end(
				page(
					`<h1>Identification de test</h1><form method="post" action="/interaction/${details.uid}/login"><label for="email">Adresse e-mail</label><input id="email" name="email" type="email" required><button type="submit">Continuer</button></form>`
				)
			);
		}
		if (details.prompt.name === 'login') {
			let body = '';
			for await (const chunk of req) body += chunk;
			const email = new URLSearchParams(body).get('email') ?? '';
			const acr = email.startsWith('mfa.') ? 'eidas2' : 'eidas1';
			return provider.interactionFinished(
				req,
				res,
				{ login: { accountId: email, acr, amr: acr === 'eidas2' ? ['pwd', 'mfa'] : ['pwd'] } },
				{ mergeWithLastSubmission: false }
			);
		}
		// consent: granted at once (the relying party is this platform)
		const grant = new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
		grant.addOIDCScope(String(details.params.scope));
		grant.addOIDCClaims(['acr', 'amr']);
		const grantId = await grant.save();
		return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
	} catch (e) {
		res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
		res.end(String(e.message));
	}
}).listen(port, '127.0.0.1', () => console.log(`oidc provider on ${issuer}`));
