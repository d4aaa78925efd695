/**
 * French typography faults in a page's visible text (issue 12, item 15). Returns the
 * faulty snippets ("…Horaires : …" with an ordinary space, "05(Agen)", "+33 6 12…").
 */
const NBSP = '\u00A0\u202F';
/** ":" ";" "?" "!" ending a word or phrase must follow a non-breaking space */
const HIGH_PUNCT = new RegExp(`(^|[^\\s${NBSP}:;?!])( ?)([:;?!])(?=\\s|$)`, 'gmu');
/** "(" glued to the word before it; plural marks "lieu(x)", "inscrit(e)" are not faults */
const GLUED_PAREN = /[\p{L}\d]\((?!(?:s|x|e|es|nes|ne|le|trice|rice)\))/gu;
const INTERNATIONAL_PHONE = /\+33[\s.]?\d/g;

function snippet(text: string, index: number): string {
	return text.slice(Math.max(0, index - 25), index + 15).replace(/\s+/g, ' ');
}

export function typographyFaults(text: string): string[] {
	const faults: string[] = [];
	for (const m of text.matchAll(HIGH_PUNCT)) {
		const before = text.slice(Math.max(0, m.index! - 12), m.index! + m[1].length);
		// a URL or a time ("https:", "10:") is not French punctuation
		if (/[a-z]+$/i.test(before) && /https?$|mailto$|geo$|tel$/i.test(before)) continue;
		faults.push(`space before "${m[3]}": …${snippet(text, m.index! + m[1].length)}…`);
	}
	for (const m of text.matchAll(GLUED_PAREN)) faults.push(`no space before "(": …${snippet(text, m.index!)}…`);
	for (const m of text.matchAll(INTERNATIONAL_PHONE)) faults.push(`phone not in French format: …${snippet(text, m.index!)}…`);
	return faults;
}
