/**
 * « Qui voit mes informations » (Mon espace): every grant about the person in force or
 * ended lately — consents (withdrawn here in two steps), mandates and document shares
 * (their own pages act on them) — and the links that open this space without a code.
 */
import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { liveLinks, personGrants, readPersonSession, revokeLinksByPerson, withdrawConsent, type PersonGrantView } from '#lib/server/beneficiaries/index.ts';
import { clearPersonCookie } from '#lib/server/web/person-cookie.ts';
import { formatDate } from '#lib/components/format.ts';
import { formFailure } from '#lib/server/web/errors.ts';

export const csr = false;

const view = (g: PersonGrantView) => ({
	id: g.id,
	who: g.who,
	shows: g.shows,
	purpose: g.purpose,
	since: formatDate(g.since),
	// « jusqu’au 7 janvier » names the last day: a grant's end is the first instant after it (midnight)
	until: g.until ? formatDate(new Date(g.until.getTime() - 1)) : null,
	inForce: g.inForce,
	ended: g.endedLabel,
	endedOn: g.endedAt ? formatDate(g.endedAt) : null
});

export const load: PageServerLoad = async ({ locals }) => {
	const person = locals.person!;
	const db = (await getDatabase()).db;
	const [grants, links] = await Promise.all([personGrants(db, person.beneficiaryIds), liveLinks(db, person.beneficiaryIds)]);
	return {
		consents: (grants.consent ?? []).map(view),
		mandates: (grants.mandate ?? []).map(view),
		// the vault opened at a counter first: the whole vault, to one professional, for a few minutes
		shares: [...(grants.vault_presence ?? []), ...(grants.document_share ?? [])].map(view),
		links: links.map((l) => ({ id: l.id, label: l.label, since: formatDate(l.createdAt), until: formatDate(l.expiresAt), current: l.id === person.linkId }))
	};
};

export const actions: Actions = {
	retirer: async ({ request, locals }) => {
		const f = await request.formData();
		const id = String(f.get('accord') ?? '').slice(0, 64);
		if (f.get('confirmer') !== '1') return { confirmId: id };
		try {
			await withdrawConsent(await getDatabase(), { person: locals.person!.beneficiaryIds }, id, locals.ip);
			return { withdrawn: true as const };
		} catch (e) {
			return formFailure(e, (d) => ({ withdrawError: d.message }));
		}
	},
	liens: async ({ request, locals, cookies, url }) => {
		const f = await request.formData();
		const which = String(f.get('lien') ?? '').slice(0, 64);
		const db = await getDatabase();
		const n = await revokeLinksByPerson(db, locals.person!, which === 'tous' ? null : which, { ip: locals.ip });
		// the link this session came by: the session ended with it
		if (!(await readPersonSession(db.db, locals.personToken ?? undefined))) {
			clearPersonCookie(cookies, url);
			redirect(303, '/mon-espace/connexion?lien=desactive');
		}
		return { linksRevoked: n };
	}
};
