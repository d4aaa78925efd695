/**
 * The one mapping (decision 0012) as the routes use it: each capability's refusal answers a
 * form with the status of its code, its message and fields, what the page keeps, and the
 * error page for the codes a form has nothing to show again.
 */
import { describe, expect, it } from 'vitest';
import { isHttpError } from '@sveltejs/kit';
import { formFailure, pageError, apiError } from './errors.ts';
import { DomainError } from '../errors.ts';
import { PlaceManagementError } from '../places/index.ts';
import { CareError } from '../beneficiaries/index.ts';
import { AccountError } from '../accounts/index.ts';
import { PassError } from '../pass/index.ts';

/** the error page an action or a load throws, as SvelteKit's HttpError */
function thrown(f: () => unknown): { status: number; body: { message: string } } {
	try {
		f();
	} catch (e) {
		if (isHttpError(e)) return e as never;
		throw e;
	}
	throw new Error('nothing thrown');
}

describe('formFailure', () => {
	it('gives every capability’s refusal the status of its code', () => {
		const cases: [DomainError<string>, number][] = [
			[new PlaceManagementError('invalid', 'Vérifiez les champs signalés.', { nom: 'Le nom est obligatoire.' }), 400],
			[new PlaceManagementError('forbidden', 'Vous ne gérez pas ce lieu.'), 403],
			[new PlaceManagementError('not_found', 'Ce lieu n’existe pas.'), 404],
			[new PlaceManagementError('conflict', 'Ce lieu est déjà fermé.'), 409],
			[new PlaceManagementError('throttled', 'Trop de demandes\u00a0: réessayez demain.'), 429],
			[new CareError('conflict', 'Cette orientation a déjà reçu une réponse.'), 409],
			[new CareError('not_found', 'Cette personne n’est pas suivie par votre structure.'), 404],
			[new AccountError('conflict', 'Cette personne a déjà ce rôle.'), 409],
			[new AccountError('forbidden', 'Vous ne pouvez pas inviter à ce rôle.'), 403],
			[new PassError('throttled', 'Trop d’essais\u00a0: attendez une minute.'), 429],
			[new DomainError('unavailable', 'La recherche d’adresse ne répond pas.'), 503]
		];
		for (const [e, status] of cases) {
			const f = formFailure(e);
			expect(f.status, `${e.name} ${e.code}`).toBe(status);
			expect(f.data).toEqual({ code: e.code, message: e.message, fields: e.fields });
		}
	});

	it('keeps what the page needs, fixed or computed from the refusal (a page with several forms places it)', () => {
		const e = new AccountError('invalid', 'Vérifiez les champs signalés.', { email: 'Cette adresse a déjà ce rôle.' });
		expect(formFailure(e, { values: { email: 'a@b.fr' } }).data).toEqual({
			code: 'invalid',
			message: 'Vérifiez les champs signalés.',
			fields: { email: 'Cette adresse a déjà ce rôle.' },
			values: { email: 'a@b.fr' }
		});
		// spread last: the fields of a second form go under their own key, the page's `fields` stay empty
		const f = formFailure(e, (d) => ({ fields: {}, roleFields: { role: d.fields.email ?? d.message } }));
		expect(f.status).toBe(400);
		expect(f.data).toEqual({ code: 'invalid', message: 'Vérifiez les champs signalés.', fields: {}, roleFields: { role: 'Cette adresse a déjà ce rôle.' } });
	});

	it('answers the error page for the codes the action lists, the form for the others', () => {
		const page = { page: ['not_found', 'forbidden'] };
		expect(thrown(() => formFailure(new PassError('not_found', 'Cette campagne n’existe pas.'), {}, page))).toMatchObject({
			status: 404,
			body: { message: 'Cette campagne n’existe pas.' }
		});
		expect(thrown(() => formFailure(new PassError('forbidden', 'Réservé à la coordination.'), {}, page)).status).toBe(403);
		expect(formFailure(new PassError('conflict', 'Ce carnet est déjà confié.'), { form: 'confier' }, page).status).toBe(409);
	});

	it('throws on anything else (a fault of ours: a 500 with a reference)', () => {
		const bug = new RangeError('Invalid time value');
		expect(() => formFailure(bug, { values: {} })).toThrow(bug);
		expect(() => formFailure(bug, () => ({}), { page: ['not_found'] })).toThrow(bug);
	});
});

describe('pageError and apiError', () => {
	it('answer a capability’s refusal with the status of its code', async () => {
		expect(thrown(() => pageError(new CareError('forbidden', 'Réservé aux membres de la structure.')))).toMatchObject({
			status: 403,
			body: { message: 'Réservé aux membres de la structure.' }
		});
		expect(thrown(() => pageError(new CareError('not_found', 'Cette orientation n’existe pas.'))).status).toBe(404);
		const r = apiError(new CareError('invalid', 'Vérifiez les champs signalés.', { telephone: 'Ce numéro n’est pas valide.' }));
		expect(r.status).toBe(400);
		expect(await r.json()).toEqual({
			error: { status: 400, code: 'invalid', message: 'Vérifiez les champs signalés.', fields: { telephone: 'Ce numéro n’est pas valide.' } }
		});
	});
});
