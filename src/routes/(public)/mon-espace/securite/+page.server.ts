/**
 * « Sécurité » (Mon espace): the passkeys (add one, named « Mon téléphone »…, or remove
 * it), the recovery sheet (print a new one: feuille.pdf), the sessions open now (end one,
 * or all the others).
 */
import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { addPasskey, endSessionsByPerson, openSessionsOf, passkeysOf, recoveryStatus, removePasskey } from '#lib/server/beneficiaries/index.ts';
import { formatDate, formatDateTime } from '#lib/components/format.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';

export const csr = false;

export const load: PageServerLoad = async ({ locals }) => {
	const person = locals.person!;
	const db = (await getDatabase()).db;
	const [passkeys, sheet, sessions] = await Promise.all([
		passkeysOf(db, person.beneficiaryIds),
		recoveryStatus(db, person.beneficiaryIds),
		openSessionsOf(db, person)
	]);
	return {
		passkeys: passkeys.map((p) => ({ id: p.id, name: p.name, since: formatDate(p.createdAt), lastUsed: p.lastUsedAt ? formatDate(p.lastUsedAt) : null })),
		sheet: sheet ? { since: formatDate(sheet.issuedAt), left: sheet.left } : null,
		sessions: sessions.map((s) => ({ id: s.id, how: s.viaLabel, device: s.device, since: formatDateTime(s.createdAt), current: s.current }))
	};
};

export const actions: Actions = {
	ajouterCle: async ({ request, locals }) => {
		const f = await request.formData();
		const name = String(f.get('nom') ?? '').slice(0, 200);
		const r = await addPasskey(
			await getDatabase(),
			locals.person!,
			{ response: String(f.get('reponse') ?? '').slice(0, 20_000), name },
			{ origin: publicOrigin() },
			{ ip: locals.ip }
		);
		if (r.status !== 'ok') return fail(400, { passkeyError: r.message, name });
		return { passkeyAdded: r.name };
	},
	supprimerCle: async ({ request, locals }) => {
		const f = await request.formData();
		const removed = await removePasskey(await getDatabase(), locals.person!, String(f.get('cle') ?? '').slice(0, 400), { ip: locals.ip });
		return { passkeyRemoved: removed };
	},
	fermer: async ({ request, locals }) => {
		const f = await request.formData();
		const which = String(f.get('session') ?? '').slice(0, 64);
		const n = await endSessionsByPerson(await getDatabase(), locals.person!, which === 'autres' ? null : which, { ip: locals.ip });
		return { sessionsEnded: n };
	}
};
