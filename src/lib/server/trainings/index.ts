/**
 * The trainings capability's one public entry (issue 17): the catalogue of trainings for
 * helpers, their sessions in half-day slots, events, registrations with a waiting list. The
 * tables stay in db.ts.
 */
export * from './model.ts';
