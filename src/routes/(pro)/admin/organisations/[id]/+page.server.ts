import { error, fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { getInstanceSettings } from '#lib/server/territory/service.ts';
import { mailConfigured } from '#lib/server/mail/service.ts';
import {
	AccountError,
	invite,
	organisationDetail,
	ORGANISATION_KINDS,
	removeMember,
	updateOrganisation,
	revokeInvitation,
	can,
	ROLE_LABELS,
	ROLES,
	setUserActive,
	type Role
} from '#lib/server/accounts/service.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';

export const load: PageServerLoad = async ({ params, locals, url }) => {
	const d = await organisationDetail(await getDatabase(), locals.session!.actor, params.id);
	if (!d) error(404, 'Cette structure n’existe pas, ou elle n’est pas sur votre territoire.');
	return {
		created: url.searchParams.has('cree'),
		organisation: { ...d.organisation, kindLabel: ORGANISATION_KINDS[d.organisation.kind as keyof typeof ORGANISATION_KINDS] ?? d.organisation.kind },
		members: d.members.map((m) => ({ ...m, roleLabel: ROLE_LABELS[m.role] })),
		invitations: d.invitations.map((i) => ({ id: i.id, email: i.email, displayName: i.displayName, roleLabel: ROLE_LABELS[i.role as Role], expiresAt: i.expiresAt.toISOString() })),
		roles: d.canInvite.map((r) => ({ value: r, label: ROLE_LABELS[r] })),
		canDeactivate: d.canDeactivate,
		canManage: can(locals.session!.actor, 'organisation.manage', { departmentCode: d.organisation.departmentCode }),
		kinds: Object.entries(ORGANISATION_KINDS).map(([value, label]) => ({ value, label })),
		me: locals.session!.userId
	};
};

function failure(e: unknown, values?: Record<string, string>) {
	if (e instanceof AccountError) return fail(e.code === 'forbidden' ? 403 : e.code === 'not_found' ? 404 : 400, { message: e.message, fields: e.fields, values });
	throw e;
}

export const actions: Actions = {
	invite: async ({ params, request, locals, url }) => {
		const form = await request.formData();
		const values = { email: String(form.get('email') ?? ''), displayName: String(form.get('displayName') ?? ''), role: String(form.get('role') ?? '') };
		try {
			if (!ROLES.includes(values.role as Role)) throw new AccountError('invalid', 'Vérifiez les champs signalés.', { role: 'Choisissez le rôle.' });
			const db = await getDatabase();
			const r = await invite(db, locals.session!.actor, { ...values, role: values.role as Role, organisationId: params.id }, {
				ip: locals.ip,
				origin: publicOrigin(),
				instanceName: (await getInstanceSettings(db)).name
			});
			// without an SMTP server (a demo, a first install) the link is shown to be passed on by hand
			return { invited: { email: r.invitation.email, existingAccount: r.existingAccount, link: mailConfigured() || r.existingAccount ? null : `${publicOrigin()}/invitation/${r.token}` } };
		} catch (e) {
			return failure(e, values);
		}
	},
	update: async ({ params, request, locals }) => {
		const form = await request.formData();
		const values = {
			name: String(form.get('name') ?? ''),
			siret: String(form.get('siret') ?? ''),
			kind: String(form.get('kind') ?? ''),
			departmentCode: String(form.get('departmentCode') ?? ''),
			active: form.get('active') === '1'
		};
		try {
			await updateOrganisation(await getDatabase(), locals.session!.actor, params.id, values, locals.ip);
			return { updated: true };
		} catch (e) {
			if (e instanceof AccountError) return fail(e.code === 'forbidden' ? 403 : 400, { message: e.message, orgFields: e.fields, orgValues: values });
			throw e;
		}
	},
	revoke: async ({ request, locals }) => {
		const form = await request.formData();
		try {
			await revokeInvitation(await getDatabase(), locals.session!.actor, String(form.get('id') ?? ''), locals.ip);
			return { revoked: true };
		} catch (e) {
			return failure(e);
		}
	},
	remove: async ({ params, request, locals }) => {
		const form = await request.formData();
		try {
			await removeMember(await getDatabase(), locals.session!.actor, { userId: String(form.get('userId') ?? ''), organisationId: params.id, role: String(form.get('role') ?? '') as Role }, locals.ip);
			return { removed: true };
		} catch (e) {
			return failure(e);
		}
	},
	deactivate: async ({ request, locals }) => {
		const form = await request.formData();
		try {
			await setUserActive(await getDatabase(), locals.session!.actor, String(form.get('userId') ?? ''), form.get('active') === '1', locals.ip);
			return { deactivated: form.get('active') !== '1' };
		} catch (e) {
			return failure(e);
		}
	}
};
