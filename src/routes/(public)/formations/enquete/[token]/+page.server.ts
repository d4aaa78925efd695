import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { answerSurvey, COMMENT_MAX, readSurveyForm, SURVEY_QUESTIONS, SURVEY_SCALE, surveyByToken } from '#lib/server/trainings/index.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';

/** The anonymous satisfaction survey of a training session, by its one-use link (sent by e-mail); no script */
export const csr = false;

export const load: PageServerLoad = async ({ params, url }) => {
	try {
		return {
			survey: await surveyByToken(await getDatabase(), params.token),
			questions: SURVEY_QUESTIONS,
			scale: SURVEY_SCALE,
			commentMax: COMMENT_MAX,
			thanks: url.searchParams.get('fait') === 'merci'
		};
	} catch (e) {
		pageError(e);
	}
};

export const actions: Actions = {
	default: async ({ params, request }) => {
		const input = readSurveyForm(await request.formData());
		try {
			await answerSurvey(await getDatabase(), params.token, input);
		} catch (e) {
			return formFailure(e, { values: input }, { page: ['not_found'] });
		}
		redirect(303, `/formations/enquete/${params.token}?fait=merci`);
	}
};
