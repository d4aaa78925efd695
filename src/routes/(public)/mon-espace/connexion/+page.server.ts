/**
 * Signing in to Mon espace without a password (issue 15): a one-time code sent by SMS or
 * e-mail to the contact a professional recorded; a code of the printed recovery sheet; or
 * a passkey (the page's script, an enhancement: everything else works without
 * JavaScript). `?retour=` leads back to a page of Mon espace only (personReturnPath).
 */
import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import {
	requestPersonCode,
	verifyPersonCode,
	openPersonSession,
	signInWithRecoveryCode,
	signInWithPasskey,
	personReturnPath
} from '#lib/server/beneficiaries/index.ts';
import { loadInstance } from '#lib/components/instance.server.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';
import { setPersonCookie } from '#lib/server/web/person-cookie.ts';

export const csr = false;

export const load: PageServerLoad = async ({ locals, url }) => {
	const back = personReturnPath(url.searchParams.get('retour'));
	// a session opened by a link is asked for more before the vault (documents/vault.server.ts)
	const vaultStepUp = url.searchParams.get('coffre') === '1' && locals.person?.via === 'link';
	if (locals.person && !vaultStepUp) redirect(303, back);
	return { back, vaultStepUp, loggedOut: url.searchParams.get('deconnecte') === '1', linkEnded: url.searchParams.get('lien') === 'desactive' };
};

const field = (f: FormData, name: string, max = 200) =>
	String(f.get(name) ?? '')
		.trim()
		.slice(0, max);

const meta = (request: Request, ip: string | null) => ({ ip, userAgent: request.headers.get('user-agent') });

export const actions: Actions = {
	code: async ({ request, locals }) => {
		const f = await request.formData();
		const contact = field(f, 'contact');
		const back = personReturnPath(field(f, 'retour', 500));
		const instance = await loadInstance();
		const r = await requestPersonCode(await getDatabase(), contact, { ip: locals.ip, instanceName: instance.name });
		if (r.status === 'sent') return { step: 'code' as const, contact, back };
		return fail(r.status === 'throttled' ? 429 : 400, { step: 'contact' as const, contact, back, error: r.message });
	},
	verifier: async ({ request, locals, cookies, url }) => {
		const f = await request.formData();
		const contact = field(f, 'contact');
		const back = personReturnPath(field(f, 'retour', 500));
		const db = await getDatabase();
		const r = await verifyPersonCode(db, contact, field(f, 'code', 20), { ip: locals.ip });
		if (r.status !== 'ok') return fail(r.status === 'throttled' ? 429 : 400, { step: 'code' as const, contact, back, error: r.message });
		setPersonCookie(cookies, url, await openPersonSession(db, r.beneficiaryIds, meta(request, locals.ip)));
		redirect(303, back);
	},
	secours: async ({ request, locals, cookies, url }) => {
		const f = await request.formData();
		const back = personReturnPath(field(f, 'retour', 500));
		const r = await signInWithRecoveryCode(await getDatabase(), field(f, 'secours', 40), meta(request, locals.ip));
		// the code typed is not shown again: it is a secret
		if (r.status !== 'ok') return fail(r.status === 'throttled' ? 429 : 400, { step: 'contact' as const, back, recoveryError: r.message });
		setPersonCookie(cookies, url, r.token);
		redirect(303, back);
	},
	cle: async ({ request, locals, cookies, url }) => {
		const f = await request.formData();
		const back = personReturnPath(field(f, 'retour', 500));
		const r = await signInWithPasskey(
			await getDatabase(),
			String(f.get('reponse') ?? '').slice(0, 20_000),
			{ origin: publicOrigin() },
			meta(request, locals.ip)
		);
		if (r.status !== 'ok') return fail(r.status === 'throttled' ? 429 : 400, { step: 'contact' as const, back, passkeyError: r.message });
		setPersonCookie(cookies, url, r.token);
		redirect(303, back);
	}
};
