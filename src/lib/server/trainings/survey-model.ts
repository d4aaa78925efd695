/**
 * The satisfaction survey (issue 17), pure: its questions (a 1–5 scale and an optional
 * comment, in French), reading an answer from a form, and the organiser's results — counts
 * per score and averages, shown only from MIN_ANSWERS answers and once the survey has closed
 * (so that the results never move after they are shown: a result seen at 5 answers and again
 * at 6 would give the 6th by difference). Comments are shown under the same conditions, in
 * an order that says nothing of when they were written.
 */
import { addDays } from '../../time.ts';

export const SURVEY_QUESTIONS = [
	{ key: 'contenu', label: 'Le contenu de la formation répondait à mes besoins.' },
	{ key: 'clarte', label: 'Les explications de l’intervenant étaient claires.' },
	{ key: 'organisation', label: 'L’organisation (lieu ou connexion, horaires, durée) était satisfaisante.' },
	{ key: 'utilite', label: 'Je pourrai utiliser ce que j’ai appris dans ma pratique.' },
	{ key: 'global', label: 'Dans l’ensemble, je suis satisfait de cette formation.' }
] as const;
export type SurveyQuestion = (typeof SURVEY_QUESTIONS)[number]['key'];
export const SURVEY_KEYS = SURVEY_QUESTIONS.map((q) => q.key) as SurveyQuestion[];

/** The scale, 1 to 5. */
export const SURVEY_SCALE = [
	{ value: 1, label: 'Pas du tout d’accord' },
	{ value: 2, label: 'Plutôt pas d’accord' },
	{ value: 3, label: 'Ni d’accord ni pas d’accord' },
	{ value: 4, label: 'Plutôt d’accord' },
	{ value: 5, label: 'Tout à fait d’accord' }
] as const;

/** No result, no comment below this many answers (the steering space's threshold: 1 to 4 persons are never told). */
export const MIN_ANSWERS = 5;
/** The survey's link works until this many days after the session's last day; the results are shown from the day after. */
export const SURVEY_OPEN_DAYS = 21;
export const COMMENT_MAX = 2000;

/** The last Paris day the survey of a session ending on `lastDay` takes answers. */
export const surveyClosesOn = (lastDay: string) => addDays(lastDay, SURVEY_OPEN_DAYS);

export type SurveyScores = Record<SurveyQuestion, number>;

export interface SurveyInput {
	scores: Partial<Record<SurveyQuestion, number>>;
	comment: string;
}

/** What the form sent (every question answered 1–5; the comment optional, trimmed, at most COMMENT_MAX characters). */
export function readSurveyForm(form: FormData): SurveyInput {
	const scores: SurveyInput['scores'] = {};
	for (const k of SURVEY_KEYS) {
		const v = String(form.get(k) ?? '');
		if (/^[1-5]$/.test(v)) scores[k] = Number(v);
	}
	return { scores, comment: String(form.get('commentaire') ?? '') };
}

/** The fields in error (French messages), empty when the answer is whole. */
export function surveyErrors(input: SurveyInput): Record<string, string> {
	const out: Record<string, string> = {};
	for (const q of SURVEY_QUESTIONS) if (!input.scores[q.key]) out[q.key] = 'Choisissez une réponse de 1 à 5.';
	if (input.comment.trim().length > COMMENT_MAX) out.commentaire = `Le commentaire dépasse ${COMMENT_MAX} caractères.`;
	return out;
}

export interface SurveyResults {
	/** answers received */
	answers: number;
	/** the survey's last day */
	closesOn: string;
	/** shown: closed and at least MIN_ANSWERS answers */
	shown: boolean;
	/** why not shown, in French */
	reason: string | null;
	questions: { key: SurveyQuestion; label: string; counts: number[]; average: number | null }[];
	comments: string[];
}

/** The organiser's view of a session's answers (scores as stored: question → 1–5). */
export function surveyResults(rows: readonly { scores: unknown; comment: string }[], lastDay: string, today: string): SurveyResults {
	const closesOn = surveyClosesOn(lastDay);
	const answers = rows.length;
	const closed = today > closesOn;
	const shown = closed && answers >= MIN_ANSWERS;
	const reason = shown
		? null
		: !closed
			? `Les résultats s’affichent à la clôture de l’enquête (le lendemain du ${frDay(closesOn)}), s’il y a au moins ${MIN_ANSWERS} réponses\u00a0: affichés plus tôt, ils permettraient de retrouver la réponse d’une personne en comparant deux consultations.`
			: `Moins de ${MIN_ANSWERS} réponses\u00a0: les résultats et les commentaires ne sont pas affichés, pour que personne ne puisse être reconnu.`;
	const questions = SURVEY_QUESTIONS.map((q) => {
		const counts = [0, 0, 0, 0, 0];
		for (const r of rows) {
			const v = Number((r.scores as Record<string, unknown>)?.[q.key]);
			if (v >= 1 && v <= 5) counts[v - 1]++;
		}
		const n = counts.reduce((a, b) => a + b, 0);
		const average = n ? Math.round((counts.reduce((a, c, i) => a + c * (i + 1), 0) / n) * 10) / 10 : null;
		return { key: q.key, label: q.label, counts: shown ? counts : [], average: shown ? average : null };
	});
	// the comments in alphabetical order: the order they were written in is not told
	const comments = shown
		? rows
				.map((r) => r.comment.trim())
				.filter(Boolean)
				.sort((a, b) => a.localeCompare(b, 'fr'))
		: [];
	return { answers, closesOn, shown, reason, questions, comments };
}

const frDay = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
