/**
 * One mandate, for a helper of the structure that holds it. Prepared: the page is the
 * person's, in plain words (« Vous autorisez … »), to confirm on this screen or with a code
 * sent to their own phone or e-mail. Signed: its themes (each can be withdrawn), its end,
 * its attestation, its uses, and « Démarche faite pour la personne ».
 */
import { isActionFailure, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import {
	cancelMandate,
	confirmByCode,
	confirmOnScreen,
	mandateDetail,
	recordProcedure,
	revokeMandate,
	revokeTheme,
	sendMandateCode
} from '#lib/server/mandates/index.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';

export const csr = false;

export const load: PageServerLoad = async ({ params, locals, url }) => {
	try {
		const d = await mandateDetail(await getDatabase(), locals.session!.actor, params.mandat);
		if (d.mandate.beneficiaryId !== params.id) redirect(303, `/espace/personnes/${d.mandate.beneficiaryId}/mandats/${d.mandate.id}`);
		return { ...d, done: url.searchParams.get('fait') };
	} catch (e) {
		pageError(e);
	}
};

async function run(fn: () => Promise<unknown>, values?: unknown) {
	try {
		await fn();
		return null;
	} catch (e) {
		return formFailure(e, { values });
	}
}

const back = (p: { id: string; mandat: string }, done: string) => redirect(303, `/espace/personnes/${p.id}/mandats/${p.mandat}?fait=${done}`);

export const actions: Actions = {
	confirmerEcran: async ({ params, request, locals }) => {
		const f = await request.formData();
		const ticks = { personAgrees: f.get('accord') === '1', professionalAttests: f.get('attestation') === '1', decisionSeen: f.get('decision') === '1' };
		const r = await run(async () => confirmOnScreen(await getDatabase(), locals.session!.actor, params.mandat, ticks, locals.ip), ticks);
		if (isActionFailure(r)) return r;
		back(params, 'confirme');
	},
	envoyerCode: async ({ params, request, locals }) => {
		const channel = String((await request.formData()).get('canal') ?? '');
		const r = await run(async () => sendMandateCode(await getDatabase(), locals.session!.actor, params.mandat, channel, locals.ip));
		if (isActionFailure(r)) return r;
		back(params, 'code-envoye');
	},
	confirmerCode: async ({ params, request, locals }) => {
		const code = String((await request.formData()).get('code') ?? '').slice(0, 20);
		const r = await run(async () => confirmByCode(await getDatabase(), locals.session!.actor, params.mandat, code, locals.ip), { code });
		if (isActionFailure(r)) return r;
		back(params, 'confirme');
	},
	abandonner: async ({ params, locals }) => {
		const r = await run(async () => cancelMandate(await getDatabase(), locals.session!.actor, params.mandat, locals.ip));
		if (isActionFailure(r)) return r;
		redirect(303, `/espace/personnes/${params.id}/mandats`);
	},
	retirerDomaine: async ({ params, request, locals }) => {
		const theme = String((await request.formData()).get('domaine') ?? '').slice(0, 40);
		const r = await run(async () => revokeTheme(await getDatabase(), { kind: 'structure', actor: locals.session!.actor, ip: locals.ip }, params.mandat, theme));
		if (isActionFailure(r)) return r;
		back(params, 'domaine-retire');
	},
	arreter: async ({ params, request, locals }) => {
		if ((await request.formData()).get('confirmer') !== '1') return { confirmEnd: true };
		const r = await run(async () => revokeMandate(await getDatabase(), { kind: 'structure', actor: locals.session!.actor, ip: locals.ip }, params.mandat));
		if (isActionFailure(r)) return r;
		back(params, 'arrete');
	},
	demarche: async ({ params, request, locals }) => {
		const f = await request.formData();
		const values = { theme: String(f.get('theme') ?? '').slice(0, 40), label: String(f.get('label') ?? '').slice(0, 200) };
		const r = await run(async () => recordProcedure(await getDatabase(), locals.session!.actor, params.mandat, values, locals.ip), values);
		if (isActionFailure(r)) return r;
		back(params, 'demarche');
	}
};
