import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import {
	accountOverview,
	answerPendingRole,
	changePassword,
	logoutEverywhere,
	logoutOneSession,
	pendingRoles,
	ROLE_LABELS,
	PASSWORD_MIN_LENGTH
} from '#lib/server/accounts/index.ts';
import { publicLinks } from '#lib/server/jobs/maintenance.ts';
import { clearSessionCookie } from '#lib/server/web/session-cookie.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const s = locals.session!;
	const db = await getDatabase();
	const [o, pending] = await Promise.all([accountOverview(db, s), pendingRoles(db, s)]);
	return {
		sessionEnded: url.searchParams.has('session-fermee'),
		pending: pending.map((p) => ({ ...p, expiresAt: p.expiresAt.toISOString() })),
		user: { email: s.user.email, displayName: s.user.displayName, totpEnrolled: s.user.totpEnrolled, isAdmin: s.user.isAdmin },
		roles: o.roles.map((r) => ({ ...r, roleLabel: ROLE_LABELS[r.role] })),
		sessions: o.sessions.map((x) => ({ ...x, createdAt: x.createdAt.toISOString(), lastSeenAt: x.lastSeenAt.toISOString() })),
		recoveryCodesLeft: o.recoveryCodesLeft,
		mfaRequired: o.mfaRequired,
		minLength: PASSWORD_MIN_LENGTH
	};
};

export const actions: Actions = {
	password: async ({ request, locals }) => {
		const form = await request.formData();
		const r = await changePassword(
			await getDatabase(),
			locals.session!,
			{ current: String(form.get('current') ?? ''), next: String(form.get('next') ?? ''), confirm: String(form.get('confirm') ?? '') },
			locals.ip
		);
		if (!r.ok) return fail(400, { passwordErrors: r.fields });
		return { passwordChanged: true };
	},
	/** a role offered to this account: only its owner, logged in, makes it effective */
	role: async ({ request, locals }) => {
		const form = await request.formData();
		const db = await getDatabase();
		const r = await answerPendingRole(db, locals.session!, String(form.get('id') ?? ''), form.get('answer') === 'accept', {
			ip: locals.ip,
			...(await publicLinks(db))
		});
		if (!r.ok) return fail(r.message.startsWith('Vous ne pouvez pas') ? 403 : 400, { roleError: r.message });
		return { roleAnswered: r.accepted ? 'accepted' : 'refused' };
	},
	/** one session of another device ends; this one stays */
	session: async ({ request, locals }) => {
		const form = await request.formData();
		const ended = await logoutOneSession(await getDatabase(), locals.session!, String(form.get('ref') ?? ''), locals.ip);
		if (!ended) return fail(400, { sessionError: 'Cette session est déjà fermée, ou c’est celle de cet appareil (utilisez « Se déconnecter »).' });
		redirect(303, '/compte?session-fermee#sessions');
	},
	everywhere: async ({ locals, cookies, url }) => {
		await logoutEverywhere(await getDatabase(), locals.session!, locals.ip);
		clearSessionCookie(cookies, url);
		redirect(303, '/connexion?deconnecte');
	}
};
