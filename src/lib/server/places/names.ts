/**
 * Names of places written in capitals by their sources (« MISSION LOCALE DE L AGENAIS »),
 * and their spelling in normal case (« Mission locale de l’Agenais »), the communes' and
 * départements' names spelt right: for the coordinators' work list and its one-click fix.
 */
import type { DbOrTx } from '../db/client.ts';
import { properNamesIn } from '../territory/index.ts';
import { normalizeKey } from './values.ts';

/** Words of place names kept in lower case (after the first), their accents put back when a name in capitals lost them. */
const COMMON_WORDS = Object.fromEntries(
	(
		'numérique numériques département départemental départementale départementaux médiathèque médiathèques bibliothèque communauté communautaire agglomération ' +
		'cité école écoles réseau solidarité solidarités solidaire sécurité université collège lycée télécentre métropole pôle intérêt développement économique ' +
		'génération générations réussite réinsertion médiation médiateur médiatrice activité activités préfecture sous-préfecture général générale régional régionale ' +
		'région européen européenne association espace espaces centre centres maison maisons mission locale local social sociale sociaux communal communale ' +
		'intercommunal intercommunale municipal municipale public publique publics services service mairie commune communes lieu tiers campus emploi formation ' +
		'insertion jeunesse jeunes culture culturel culturelle loisirs famille familles quartier quartiers salle atelier ateliers point accueil information conseil ' +
		'action aide aidants entraide secours populaire club comité foyer résidence habitat logement santé handicap retraite retraités aînés seniors âgés âgées ' +
		'fabrique ressources permanence antenne bureau poste guichet unique itinérant itinérante bus mobile caisse allocations familiales affaires collectif collective ' +
		'citoyen citoyenne citoyens coopérative fédération union chambre métiers artisanat commerce office tourisme hospitalier hôpital établissement scolaire ' +
		'éducation ligue enseignement tous toutes pour avec chez numérique informatique multimédia cyberbase cybercentre animation vie sociale ville pays accès droits ' +
		'inclusion inclusive numériques agence direction territorial territoriale territoire solidarités emplois initiative initiatives insertion gare marché place rue avenue'
	)
		.split(' ')
		.map((w) => [normalizeKey(w), w])
);
/** Articles and prepositions: lower case but as the first word. */
const SMALL_WORDS = new Set(['de', 'du', 'des', 'la', 'le', 'les', 'et', 'à', 'au', 'aux', 'en', 'sur', 'sous', 'pour', 'par', 'd', 'l']);
const KEEP_UPPER =
	/^(CCAS|CIAS|CAF|MSA|CPAM|EPN|MJC|MSAP|PIJ|BIJ|FS|CD|CC|CCI|UDAF|ADIL|CIDFF|FJT|II|III|IV|SNCF|EHPAD|PMI|MDPH|MDS|CSC|RSA|CNFPT|QPV|ZRR|APF|MFR|AFPA|GRETA|IUT|CFA|PIMMS|PIMM|MSAP|UNA|VGA|ADMR|CIO|CLIC|SIAO|UDCCAS|ANPE)$/;
/** An acronym written in capitals: 2 to 5 letters without a vowel (CCPL), or letters and digits together (CCPL47). */
const looksAcronym = (w: string) =>
	(/^\p{Lu}{2,5}$/u.test(w) && !/[AEIOUYÀÂÉÈÊËÎÏÔÛÙÜ]/.test(w)) || (/\p{Lu}/u.test(w) && /\d/.test(w) && w === w.toLocaleUpperCase('fr'));
const capitalise = (w: string) => w.charAt(0).toLocaleUpperCase('fr') + w.slice(1);

/**
 * Suggested spelling of a name written in capitals, its letters kept (only the case changes;
 * accents lost by the source are put back for the common words of place names):
 * "CAMPUS NUMERIQUE 47" → "Campus numérique 47", "MISSION LOCALE DE L AGENAIS" → "Mission
 * locale de l’Agenais". The first word takes a capital; articles, prepositions and common
 * words are in lower case; acronyms are kept; other words (proper names) take a capital,
 * each part of a hyphenated one but its little words: "LOT-ET-GARONNE" → "Lot-et-Garonne".
 * `properNames` (normalizeKey of a name → its spelling: the communes and départements)
 * rewrites "LOT ET GARONNE" as "Lot-et-Garonne" and "NERAC" as "Nérac".
 */
const COMPOUND_DEPARTMENTS = new Map(
	[
		'Lot-et-Garonne',
		'Tarn-et-Garonne',
		'Loir-et-Cher',
		'Indre-et-Loire',
		'Maine-et-Loire',
		'Ille-et-Vilaine',
		'Eure-et-Loir',
		'Saône-et-Loire',
		'Meurthe-et-Moselle',
		'Seine-et-Marne'
	].map((n) => [normalizeKey(n), n])
);

/** The communes' and départements' names (normalizeKey → spelling) for normalCase(), of the départements given. */
export async function properNamesOf(db: DbOrTx, departmentCodes: (string | null)[]): Promise<Map<string, string>> {
	const codes = [...new Set(departmentCodes.filter((c): c is string => !!c))];
	const out = new Map<string, string>();
	if (!codes.length) return out;
	for (const name of await properNamesIn(db, codes)) out.set(normalizeKey(name), name);
	return out;
}

export function normalCase(name: string, properNames: ReadonlyMap<string, string> = COMPOUND_DEPARTMENTS): string {
	if (properNames !== COMPOUND_DEPARTMENTS) properNames = new Map([...COMPOUND_DEPARTMENTS, ...properNames]);
	const tokens = [...name.matchAll(/[\p{L}\p{N}]+/gu)].map((m) => ({ text: m[0], start: m.index!, end: m.index! + m[0].length }));
	let out = '';
	let at = 0;
	for (let i = 0; i < tokens.length; i++) {
		const t = tokens[i];
		const first = i === 0;
		const sepBefore = name.slice(at, t.start);
		// a proper name of several words (the longest first), written with spaces, hyphens or apostrophes between them
		{
			let matched = false;
			for (let j = Math.min(tokens.length, i + 6); j > i; j--) {
				const span = tokens.slice(i, j);
				if (span.some((x, k) => k > 0 && !/^[\s\-'’]+$/.test(name.slice(span[k - 1].end, x.start)))) continue;
				const key = normalizeKey(span.map((x) => x.text).join(' '));
				const proper = properNames.get(key);
				if (!proper || (j === i + 1 && COMMON_WORDS[key])) continue;
				out += sepBefore + (first ? capitalise(proper) : proper);
				at = span[span.length - 1].end;
				i = j - 1;
				matched = true;
				break;
			}
			if (matched) continue;
		}
		out += sepBefore;
		at = t.end;
		const w = t.text;
		const lower = w.toLocaleLowerCase('fr');
		const next = tokens[i + 1];
		// « L AGENAIS », « D ACTION »: the apostrophe the source replaced with a space
		if ((lower === 'l' || lower === 'd') && next && name.slice(t.end, next.start) === ' ' && /^[aeiouyhàâéèêîôûæœ]/i.test(next.text.normalize('NFC'))) {
			out += (first ? w.toLocaleUpperCase('fr') : lower) + '’';
			at = next.start;
			continue;
		}
		if (KEEP_UPPER.test(w) || looksAcronym(w)) out += w;
		else if (!first && lower === 'a' && w === 'A') out += 'à';
		else if (SMALL_WORDS.has(lower)) out += first ? capitalise(lower) : lower;
		else if (COMMON_WORDS[normalizeKey(w)]) {
			// the source's accents when it has them, else the word's
			const word = lower !== normalizeKey(w) ? lower : COMMON_WORDS[normalizeKey(w)];
			out += first ? capitalise(word) : word;
		} else out += capitalise(lower);
	}
	return out + name.slice(at);
}

/** A name in capitals (at least 4 letters, none lower-case). */
export function inCapitals(name: string): boolean {
	const letters = name.replace(/[^\p{L}]/gu, '');
	return letters.length >= 4 && letters === letters.toLocaleUpperCase('fr') && letters !== letters.toLocaleLowerCase('fr');
}
