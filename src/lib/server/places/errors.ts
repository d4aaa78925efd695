/** The error of a change to a place refused (forbidden, unknown, conflicting, invalid or throttled), its message in French for the person. */
import { DomainError } from '../errors.ts';
export class PlaceManagementError extends DomainError<'forbidden' | 'not_found' | 'conflict' | 'invalid' | 'throttled'> {
	constructor(code: PlaceManagementError['code'], message: string, fields: Record<string, string> = {}) {
		super(code, message, { fields });
	}
}
