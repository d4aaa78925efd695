/**
 * How the coordinators' Pass Numérique forms answer a refusal, through the one mapping
 * (web/errors.ts): a voucher, campaign or statement that is not found, or not theirs, is
 * the error page; anything else is the form again, with the status of the refusal's code.
 */
import { formFailure } from '#lib/server/web/errors.ts';
import type { DomainError } from '#lib/server/errors.ts';

/** The codes a Pass form has nothing to show again for: the error page (404, 403). */
const PAGE = ['not_found', 'forbidden'];

/**
 * One field wrong: its message says what to do, then what the field expects
 * (« Indiquez la référence du virement. Par exemple … »).
 */
function oneFieldSays(e: DomainError<string>): Record<string, string> {
	const keys = Object.keys(e.fields);
	return e.code === 'invalid' && keys.length === 1 && !e.fields[keys[0]].includes(e.message) ? { [keys[0]]: `${e.message} ${e.fields[keys[0]]}` } : e.fields;
}

/** The steering pages (places, statements, alerts): `target` names the form that failed, `values` what was typed. */
export function passFailure(e: unknown, target: string, values: Record<string, string> = {}) {
	return formFailure(e, (d) => ({ fields: oneFieldSays(d), values, target }), { page: PAGE });
}

/** The fund's pages (contributions, campaigns): `form` names the form that failed; a campaign not found is the error page. */
export function fundFailure<V>(e: unknown, form: string, values: V) {
	return formFailure(e, { form, values }, { page: ['not_found'] });
}
