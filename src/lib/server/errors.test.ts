import { describe, expect, it } from 'vitest';
import { isHttpError } from '@sveltejs/kit';
import { DomainError, ERROR_STATUS } from './errors.ts';
import { apiError, formFailure, jsonRefusal, pageError } from './web/errors.ts';
import { ApiError } from './api/errors.ts';

describe('the one error model', () => {
	it('gives each code its HTTP status, unless the use case says another', () => {
		for (const [code, status] of Object.entries(ERROR_STATUS)) expect(new DomainError(code as keyof typeof ERROR_STATUS, 'x').status).toBe(status);
		expect(new DomainError('forbidden', 'Ce lieu n’existe pas.', { status: 404 }).status).toBe(404);
		expect(new ApiError(400, 'invalid_cursor', 'Le curseur est périmé.').status).toBe(400);
		expect(new ApiError(400, 'invalid_cursor', 'x')).toBeInstanceOf(DomainError);
	});

	it('answers a page with the error page, its status and the French message', () => {
		try {
			pageError(new DomainError('not_found', 'Cette personne n’est pas suivie par votre structure.'));
			expect.unreachable();
		} catch (e) {
			expect(isHttpError(e)).toBe(true);
			expect(e).toMatchObject({ status: 404, body: { message: 'Cette personne n’est pas suivie par votre structure.' } });
		}
	});

	it('answers a form with its message, its field errors and what was typed', () => {
		const f = formFailure(new DomainError('invalid', 'Le formulaire contient 1 erreur.', { fields: { nom: 'Le nom est obligatoire.' } }), {
			values: { prenom: 'Rosa' }
		});
		expect(f.status).toBe(400);
		expect(f.data).toEqual({
			code: 'invalid',
			message: 'Le formulaire contient 1 erreur.',
			fields: { nom: 'Le nom est obligatoire.' },
			values: { prenom: 'Rosa' }
		});
	});

	it('answers the API with one JSON shape', async () => {
		const r = apiError(new DomainError('conflict', 'Ce lieu a changé entre-temps.', { details: { version: 3 } }), { 'access-control-allow-origin': '*' });
		expect(r.status).toBe(409);
		expect(r.headers.get('content-type')).toMatch(/^application\/json/);
		expect(r.headers.get('access-control-allow-origin')).toBe('*');
		expect(await r.json()).toEqual({ error: { status: 409, code: 'conflict', message: 'Ce lieu a changé entre-temps.', details: { version: 3 } } });
		expect(await jsonRefusal(401, 'unauthenticated', 'Connexion requise.').json()).toEqual({
			error: { status: 401, code: 'unauthenticated', message: 'Connexion requise.' }
		});
	});

	it('throws on anything that is not a refusal of the domain (a fault of ours: a 500 with a reference)', () => {
		const bug = new TypeError('x is undefined');
		expect(() => pageError(bug)).toThrow(bug);
		expect(() => formFailure(bug)).toThrow(bug);
		expect(() => apiError(bug)).toThrow(bug);
	});
});
