/** Steering (issue 16): the public entry of the capability. */
export * from './model.ts';
export { steeringContext, steeringDepartments, type SteeringContext } from './context.ts';
export { levelPlural, NO_EPCI, OUTSIDE_AREAS, unitsOf, type SteeringUnit, type UnitCommune, type UnitFigure } from './units.ts';
export type { SteeringBlock, SteeringMap } from './blocks.ts';
export { DEFAULT_HALF_DAYS, HALF_DAYS, halfDaysOpen } from './offer-model.ts';
export { fragilitySection, offerSection, parseHalfDays, steeringOverview, type FragilitySection, type OfferSection, type SteeringOverview } from './offer.ts';
export { csvValue, steeringExport, steeringReport, steeringWorkbook, scopeLine, STEERING_SECTIONS, SECTION_TITLES, type SectionTables } from './exports.ts';
export { sectionsGeometry, steeringMaps, type BlockMap } from './maps.ts';
export { openDataCatalogue, openDataTable, openTrainingFigures, OPEN_TABLES, type TrainingOpenFigures } from './open-data.ts';
export { refreshSteeringFacts, lastRefresh, FACT_KINDS, type RefreshReport } from './facts.ts';
export { warmSteering, type WarmReport } from './warm.ts';
export { lastPublishedMonth, publicationInstant, publishedMonths, PUBLICATION_DAY } from './publication.ts';
export { demandSections } from './demand.ts';
export { outcomeSections, OUTCOME_SECTIONS, type OutcomeSection } from './outcomes.ts';
export { partnerSections, fieldOf, PARTNER_FIELDS } from './partners.ts';
export { trainingSections } from './trainings.ts';
export type { SteeringSection, ShownTable } from './sections.ts';
