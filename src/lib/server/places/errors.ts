/** The error of a change to a place refused (forbidden, unknown, conflicting, invalid or throttled), its message in French for the person. */
export class PlaceManagementError extends Error {
	constructor(
		public code: 'forbidden' | 'not_found' | 'conflict' | 'invalid' | 'throttled',
		message: string,
		public fields: Record<string, string> = {}
	) {
		super(message);
	}
}
