/** The Pass forms' answer to a refusal, through the one mapping (web/errors.ts). */
import { describe, expect, it } from 'vitest';
import { isHttpError } from '@sveltejs/kit';
import { PassError } from '#lib/server/pass/index.ts';
import { CareError } from '#lib/server/beneficiaries/index.ts';
import { fundFailure, passFailure } from './failure.server.ts';

const thrown = (fn: () => unknown) => {
	try {
		fn();
	} catch (e) {
		return e;
	}
	throw new Error('nothing thrown');
};

describe('passFailure', () => {
	it('invalid 400 and conflict 409 stay on the page with the fields and what was typed; not_found and forbidden are pages', () => {
		const invalid = passFailure(new PassError('invalid', 'Le SIRET n’est pas valide.', { siret: '14 chiffres' }), 'qualifier', { siret: '123' });
		expect(invalid.status).toBe(400);
		expect(invalid.data).toEqual({
			message: 'Le SIRET n’est pas valide.',
			code: 'invalid',
			fields: { siret: 'Le SIRET n’est pas valide. 14 chiffres' },
			values: { siret: '123' },
			target: 'qualifier'
		});
		// several fields: each says its own
		expect(passFailure(new PassError('invalid', 'Incomplet.', { a: 'A\u00a0?', b: 'B\u00a0?' }), 'f').data.fields).toEqual({ a: 'A\u00a0?', b: 'B\u00a0?' });
		const conflict = passFailure(new PassError('conflict', 'Ce relevé est déjà payé.'), 'payer');
		expect(conflict.status).toBe(409);
		expect(conflict.data.message).toBe('Ce relevé est déjà payé.');
		expect(passFailure(new PassError('throttled', 'Trop d’essais.'), 'x').status).toBe(429);
		const nf = thrown(() => passFailure(new PassError('not_found', 'Cette alerte n’existe pas.'), 'x'));
		expect(isHttpError(nf) && nf.status).toBe(404);
		const fb = thrown(() => passFailure(new PassError('forbidden', 'Non.'), 'x'));
		expect(isHttpError(fb) && fb.status).toBe(403);
		const bug = new Error('boom');
		expect(thrown(() => passFailure(bug, 'x'))).toBe(bug);
	});
});

describe('fundFailure', () => {
	it('names the form and keeps what was typed; a campaign not found is the 404 page; another capability’s refusal maps the same way', () => {
		const f = fundFailure(new PassError('forbidden', 'Seule la coordination du département finance ses campagnes.'), 'versement', { funderId: 'x' });
		expect(f.status).toBe(403);
		expect(f.data).toEqual({
			code: 'forbidden',
			message: 'Seule la coordination du département finance ses campagnes.',
			fields: {},
			form: 'versement',
			values: { funderId: 'x' }
		});
		const nf = thrown(() => fundFailure(new PassError('not_found', 'Cette campagne n’existe pas.'), 'generer', {}));
		expect(isHttpError(nf) && nf.status).toBe(404);
		expect(fundFailure(new CareError('conflict', 'Ce dossier a été anonymisé.'), 'confier', {}).status).toBe(409);
	});
});
