import { error, fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { getInstanceSettings } from '#lib/server/territory/index.ts';
import { mailConfigured } from '#lib/server/mail/index.ts';
import {
	AccountError,
	invite,
	organisationDetail,
	ORGANISATION_KINDS,
	removeMember,
	updateOrganisation,
	revokeInvitation,
	ROLE_LABELS,
	ROLES,
	setUserActive,
	invitationToken,
	remindInvitation,
	roleLabels,
	type Role
} from '#lib/server/accounts/index.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';
import { formFailure } from '#lib/server/web/errors.ts';

/** The same page serves the coordinators (/admin/organisations/…) and a place manager's own structure (/espace/structure/…). */
const inSpace = (url: URL) => url.pathname.startsWith('/espace/');

const NOT_HERE = 'Cette structure n’existe pas, ou elle n’est pas sur votre territoire.';

/**
 * The structure of the URL as the actor reads it (else 404), for the forms that act on one
 * of its members or invitations: the id posted must be one of this structure's, so that an
 * action never lands on someone else's through another structure's page.
 */
async function thisStructure(id: string, actor: Parameters<typeof organisationDetail>[1]) {
	const d = await organisationDetail(await getDatabase(), actor, id);
	if (!d) error(404, NOT_HERE);
	return d;
}

export const load: PageServerLoad = async ({ params, locals, url }) => {
	const d = await thisStructure(params.id, locals.session!.actor);
	const now = new Date();
	// without an SMTP server (a demo, a first install) the links are shown, to be passed on by hand
	const showLinks = !mailConfigured();
	const invitations = d.invitations.map((i) => ({
		id: i.id,
		email: i.email,
		displayName: i.displayName,
		roleLabel: roleLabels(i.role, i.extraRoles),
		expiresAt: i.expiresAt.toISOString(),
		expired: i.expiresAt <= now,
		reminders: i.reminders,
		link: showLinks && i.expiresAt > now ? `${publicOrigin()}/invitation/${invitationToken(i, now)}` : null
	}));
	const justInvited = invitations.find((i) => i.id === url.searchParams.get('invitation')) ?? null;
	const reminded = invitations.find((i) => i.id === url.searchParams.get('relance')) ?? null;
	const people = [...new Map(d.members.map((m) => [m.userId, { userId: m.userId, displayName: m.displayName }])).values()];
	return {
		created: url.searchParams.has('cree'),
		space: inSpace(url),
		organisation: { ...d.organisation, kindLabel: ORGANISATION_KINDS[d.organisation.kind as keyof typeof ORGANISATION_KINDS] ?? d.organisation.kind },
		members: d.members.map((m) => ({ ...m, roleLabel: ROLE_LABELS[m.role] })),
		places: d.places,
		people,
		invitations,
		justInvited: justInvited ? { email: justInvited.email, existingAccount: url.searchParams.has('existant'), link: justInvited.link } : null,
		reminded: reminded ? { email: reminded.email, link: reminded.link } : null,
		roles: d.canInvite.map((r) => ({ value: r, label: ROLE_LABELS[r] })),
		canDeactivate: d.canDeactivate,
		canManage: d.canManage,
		kinds: Object.entries(ORGANISATION_KINDS).map(([value, label]) => ({ value, label })),
		me: locals.session!.userId
	};
};

export const actions: Actions = {
	invite: async ({ params, request, locals, url }) => {
		const form = await request.formData();
		const values = { email: String(form.get('email') ?? ''), displayName: String(form.get('displayName') ?? ''), role: String(form.get('role') ?? '') };
		let done: { id: string; existing: boolean };
		try {
			if (!ROLES.includes(values.role as Role)) throw new AccountError('invalid', 'Vérifiez les champs signalés.', { role: 'Choisissez le rôle.' });
			const db = await getDatabase();
			const r = await invite(
				db,
				locals.session!.actor,
				{ ...values, role: values.role as Role, organisationId: params.id },
				{
					ip: locals.ip,
					origin: publicOrigin(),
					instanceName: (await getInstanceSettings(db)).name
				}
			);
			done = { id: r.invitation.id, existing: r.existingAccount };
		} catch (e) {
			return formFailure(e, { values });
		}
		// Post/Redirect/Get: reloading the page does not send the invitation again
		redirect(303, `${url.pathname}?invitation=${done.id}${done.existing ? '&existant=1' : ''}#inviter`);
	},
	/** a role more for someone already in the structure: offered, their owner accepts it in « Mon compte » */
	addRole: async ({ params, request, locals, url }) => {
		const form = await request.formData();
		const userId = String(form.get('userId') ?? '');
		const role = String(form.get('role') ?? '');
		const db = await getDatabase();
		const d = await organisationDetail(db, locals.session!.actor, params.id);
		const member = d?.members.find((m) => m.userId === userId);
		if (!member) return fail(400, { roleFields: { userId: 'Choisissez un membre de la structure.' }, roleValues: { userId, role } });
		if (!ROLES.includes(role as Role)) return fail(400, { roleFields: { role: 'Choisissez le rôle à proposer.' }, roleValues: { userId, role } });
		if (d!.members.some((m) => m.userId === userId && m.role === role))
			return fail(400, { roleFields: { role: `${member.displayName} a déjà ce rôle dans la structure.` }, roleValues: { userId, role } });
		let id: string;
		try {
			const r = await invite(
				db,
				locals.session!.actor,
				{ email: member.email, displayName: member.displayName, role: role as Role, organisationId: params.id },
				{
					ip: locals.ip,
					origin: publicOrigin(),
					instanceName: (await getInstanceSettings(db)).name
				}
			);
			id = r.invitation.id;
		} catch (e) {
			// the role form's own field says it; the invitation form above keeps its fields empty
			return formFailure(e, (d) => ({ fields: {}, roleFields: { role: d.fields.email ?? d.fields.role ?? d.message }, roleValues: { userId, role } }));
		}
		redirect(303, `${url.pathname}?invitation=${id}&existant=1#inviter`);
	},
	remind: async ({ params, request, locals, url }) => {
		const form = await request.formData();
		const id = String(form.get('id') ?? '');
		const d = await thisStructure(params.id, locals.session!.actor);
		if (!d.invitations.some((i) => i.id === id)) return fail(400, { message: 'Cette invitation n’est pas en attente dans cette structure.' });
		try {
			const db = await getDatabase();
			await remindInvitation(db, locals.session!.actor, id, { origin: publicOrigin(), instanceName: (await getInstanceSettings(db)).name }, locals.ip);
		} catch (e) {
			return formFailure(e);
		}
		redirect(303, `${url.pathname}?relance=${id}#invitations`);
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
			// the structure's form has its own fields
			return formFailure(e, (d) => ({ fields: {}, orgFields: d.fields, orgValues: values }));
		}
	},
	revoke: async ({ params, request, locals }) => {
		const form = await request.formData();
		const id = String(form.get('id') ?? '');
		const d = await thisStructure(params.id, locals.session!.actor);
		if (!d.invitations.some((i) => i.id === id)) return fail(400, { message: 'Cette invitation n’est pas en attente dans cette structure.' });
		try {
			await revokeInvitation(await getDatabase(), locals.session!.actor, id, locals.ip);
			return { revoked: true };
		} catch (e) {
			return formFailure(e);
		}
	},
	remove: async ({ params, request, locals }) => {
		const form = await request.formData();
		try {
			await removeMember(
				await getDatabase(),
				locals.session!.actor,
				{ userId: String(form.get('userId') ?? ''), organisationId: params.id, role: String(form.get('role') ?? '') as Role },
				locals.ip
			);
			return { removed: true };
		} catch (e) {
			return formFailure(e);
		}
	},
	deactivate: async ({ params, request, locals }) => {
		const form = await request.formData();
		const userId = String(form.get('userId') ?? '');
		const d = await thisStructure(params.id, locals.session!.actor);
		if (!d.members.some((m) => m.userId === userId)) return fail(400, { message: 'Ce compte n’est pas membre de cette structure.' });
		try {
			await setUserActive(await getDatabase(), locals.session!.actor, userId, form.get('active') === '1', locals.ip);
			return { deactivated: form.get('active') !== '1' };
		} catch (e) {
			return formFailure(e);
		}
	}
};
