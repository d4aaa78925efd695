/**
 * The audit capability's one public entry: the journal (written in the caller's transaction,
 * hash-chained), its search, its checks and signed checkpoints, and its French reading (the
 * sentences, the filters, the CSV). Other code imports from here, never from the files inside
 * (the table of db.ts aside).
 */
export { changedFields, chainHash, digest, seal, type AuditActor, type AuditEntry } from './model.ts';
export { journal, searchJournal, verifyChain, type AuditRow } from './service.ts';
export { AuditIntegrityError, checkpointFile, formatAuditReport, keyFingerprint, makeCheckpoint, verifyAudit } from './checkpoint.ts';
export { JOURNAL_CSV_MAX, journalActors, journalCsv, journalOrganisations, readableEntries } from './readable.ts';
export { filtersQuery, journalQuery, PERIODS, readFilters } from './filters.ts';
export { actionChoices } from './sentences.ts';
