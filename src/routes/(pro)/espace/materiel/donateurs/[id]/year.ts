import { parisDay } from '#lib/time.ts';

/** The report's year from `?annee=`, this year by default (a bad value: this year). */
export function reportYear(url: URL): number {
	const y = Number(url.searchParams.get('annee'));
	return Number.isInteger(y) && y >= 2000 && y <= 2100 ? y : Number(parisDay().slice(0, 4));
}
