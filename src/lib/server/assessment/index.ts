/**
 * The assessment capability's public entry. The public self-assessment (/diagnostic) is
 * anonymous: answers are scored and the places recommended, nothing is stored; a
 * professional's assessment with a person is recorded by beneficiaries/ (recordAssessment).
 */
export { QUESTIONS, QUESTIONNAIRE_VERSION, AXES, AUTONOMY_SCALE, assess, checkAnswers, type Answers, type Assessment, type Question } from './model.ts';
export { recommendPlaces, scorePlace, type Recommendation } from './recommend.ts';
