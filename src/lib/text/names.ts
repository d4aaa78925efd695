/**
 * Names typed or imported by someone (a structure, a place, a person) and then written into
 * pages and e-mails sent in the instance's name. An attacker could name a structure
 * « Cliquez ici : https://evil.example » or break a line in it, and every invitation to that
 * structure would carry their sentence and their link. So names are checked when they come
 * in (`nameProblem`: one line, no invisible characters, nothing that looks like a web or an
 * e-mail address), and neutralised when an e-mail is written (`inlineName`), for the names
 * written before this check or imported from open data.
 */

/** line breaks and controls (C0, C1), zero-width and bidirectional controls, the byte order mark */
const INVISIBLE = /[\p{Cc}\p{Zl}\p{Zp}\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u;
const LINE_BREAK = /[\n\r\v\f\u0085\u2028\u2029]/;
/** ordinary spaces (not the non-breaking ones of French typography) */
const SPACES = /[ \t\u1680\u2000-\u200a\u205f\u3000]+/gu;

/**
 * What a mail client turns into a link: a scheme (`https://`, `ftp://`), `www.`, or a word
 * followed by a dot and a common top-level domain (« evil.example », « agen.fr »). Initials
 * (« J.Verne », « S.A.R.L. ») are names, not addresses.
 */
const TLD =
	'fr|com|org|net|eu|info|io|co|me|app|dev|xyz|site|online|link|click|ly|biz|gouv|example|test|invalid|top|shop|store|page|bzh|paris|re|gp|mq|gf|yt|pm|nc|pf|ru|cn|tk';
const SCHEME = /\b[a-z][a-z0-9+.-]*:\/\//i;
const WWW = /\bwww\./i;
const DOMAIN = new RegExp(`[\\p{L}\\p{N}-]\\.(?:${TLD})(?![\\p{L}\\p{N}])`, 'iu');
const DOMAIN_ALL = new RegExp(`([\\p{L}\\p{N}-])\\.(${TLD})(?![\\p{L}\\p{N}])`, 'giu');

/** ordinary spaces and tabs collapsed, NFC, trimmed (what a name field stores) */
export function tidyName(s: string): string {
	return s.normalize('NFC').replace(SPACES, ' ').trim();
}

/**
 * Why this name cannot be taken, in French (`what`: « Le nom de la structure »), or null.
 * Run on a tidied name (tidyName).
 */
export function nameProblem(s: string, what = 'Le nom'): string | null {
	if (LINE_BREAK.test(s)) return `${what} doit tenir sur une seule ligne\u00a0: retirez les retours à la ligne.`;
	if (INVISIBLE.test(s)) return `${what} contient des caractères invisibles ou de contrôle\u00a0: retapez-le.`;
	if (s.includes('@'))
		return `${what} ne peut pas contenir d’adresse e-mail ni de «\u00a0@\u00a0»\u00a0: écrivez seulement le nom. Exemple\u00a0: Médiathèque de Nérac`;
	if (SCHEME.test(s) || WWW.test(s) || DOMAIN.test(s))
		return `${what} ne peut pas contenir d’adresse de site (lien)\u00a0: écrivez seulement le nom. Exemple\u00a0: Médiathèque de Nérac`;
	return null;
}

/**
 * A name as an e-mail writes it inside a sentence, text or HTML part: on one line (line
 * breaks, controls and invisible characters become a space, spaces collapsed), 200
 * characters at most, and every part that looks like an address broken so that no mail
 * client makes a link of it: « https[:]//evil[.]example », « contact[@]evil[.]example ».
 * An ordinary name is unchanged.
 */
export function inlineName(s: string | null | undefined): string {
	let t = String(s ?? '')
		.normalize('NFC')
		.replace(new RegExp(INVISIBLE.source, 'gu'), ' ')
		.replace(SPACES, ' ')
		.trim();
	if (t.length > 200) t = t.slice(0, 199).trimEnd() + '…';
	return t
		.replace(/:\/\//g, '[:]//')
		.replace(/@/g, '[@]')
		.replace(/\b(www)\./gi, '$1[.]')
		.replace(DOMAIN_ALL, '$1[.]$2');
}
