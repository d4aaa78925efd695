/**
 * Assessment use cases. The public self-assessment (/diagnostic) is anonymous: answers are
 * scored and the places recommended, nothing is stored.
 */
export { QUESTIONS, QUESTIONNAIRE_VERSION, AXES, AUTONOMY_SCALE, assess, checkAnswers, type Answers, type Assessment, type Question } from './model.ts';
export { recommendPlaces, scorePlace, type Recommendation } from './recommend.ts';
