/**
 * French spacing in text that comes from outside (the sources' place names, structure
 * names typed by users): « : », « ; », « ? », « ! » ending a phrase follow a non-breaking
 * space, so "ESPACE 3E: EMPLOI" and "Les restos du coeur : AD33" read "ESPACE 3E : EMPLOI"
 * without a line break before the colon. A URL ("https://"), a time ("10:30") or a ratio
 * ("1:2") is left alone: the sign is not followed by a space there.
 */
const HIGH_PUNCT = /([^\s\u00a0\u202f:;?!])[ \u00a0\u202f]?([:;?!])(?=\s|$)/gu;

export function frenchSpacing(text: string): string;
export function frenchSpacing(text: string | null): string | null;
export function frenchSpacing(text: string | null): string | null {
	if (text == null || !/[:;?!]/.test(text)) return text;
	return text.replace(HIGH_PUNCT, '$1\u00a0$2');
}
