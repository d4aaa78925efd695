/** Steering (issue 16): the public entry of the capability. */
export * from './model.ts';
export { steeringContext, steeringDepartments, type SteeringContext } from './context.ts';
export { refreshSteeringFacts, lastRefresh, FACT_KINDS, type RefreshReport } from './facts.ts';
export { lastPublishedMonth, publicationInstant, publishedMonths, PUBLICATION_DAY } from './publication.ts';
export { demandSections } from './demand.ts';
export { outcomeSections, OUTCOME_SECTIONS, type OutcomeSection } from './outcomes.ts';
export { partnerSections, fieldOf, PARTNER_FIELDS } from './partners.ts';
export { steeringCsv, steeringCsvName } from './csv.ts';
export type { SteeringSection, ShownTable } from './sections.ts';
