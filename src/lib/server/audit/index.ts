/**
 * The audit capability's one public entry: the journal (written in the caller's transaction,
 * hash-chained), its search, its checks and signed checkpoints (its French reading is the journal
 * capability's). Other code imports from here, never from the files inside
 * (the table of db.ts aside).
 */
export { changedFields, chainHash, digest, seal, type AuditActor, type AuditEntry } from './model.ts';
export { journal, searchJournal, verifyChain, type AuditRow, type JournalQuery } from './service.ts';
export { AuditIntegrityError, checkpointFile, formatAuditReport, keyFingerprint, makeCheckpoint, verifyAudit } from './checkpoint.ts';
export { entriesAbout, entriesAboutPage, entriesWithDetails, actorsInJournal } from './about.ts';
