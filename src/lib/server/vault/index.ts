/**
 * The vault capability's public entry (issue 15): the person's coffre-fort numérique. Its
 * documents (deposit, list, open, delete), shares and the person present at a counter, the
 * export of everything, the monthly integrity check and the expiry reminders, master key
 * rotation. The crypto and the blob store are in store/, the file checks in files/.
 */
export * from './model.ts';
export { type VaultActor, type PlaceLinkReader, NOT_FOUND } from './access.ts';
export {
	depositDocument,
	personDocuments,
	documentsForProfessional,
	openDocument,
	deleteDocument,
	vaultSummary,
	type DepositInput,
	type DocumentView,
	type OpenMode
} from './documents.ts';
export { shareDocuments, revokeShare, personShares, shareTargets, type ShareInput, type ShareView } from './shares.ts';
export {
	shareWithReferral,
	referralDocuments,
	followReferralShares,
	type ReferralFacts,
	type ReferralGrantee,
	type CounterHelper,
	type JoinedDocument
} from './referral-shares.ts';
export { askPresence, confirmPresence, closePresence, pendingPresenceCode, PRESENCE_CODE_MINUTES, PRESENCE_CODE_TRIES } from './presence.ts';
export { exportVault } from './export.ts';
export { reminderContacts, chooseReminderContact, type ReminderContact } from './reminders.ts';
export { closeVault } from './close.ts';
export { requestDocument, personRequests, requestsForProfessional, provideRequest, cancelRequest, REQUEST_NOTE_MAX, type RequestView } from './requests.ts';
export { checkIntegrity, remindExpiringDocuments, purgeOrphanBlobs, type IntegrityReport } from './jobs.ts';
export { rewrapPersonKeys } from './keys.ts';
export { loadMasterKeys, masterKeyFilePath, rotateMasterKeyFile } from './store/keys.ts';
export { vaultRuntime, setVaultRuntime, type VaultRuntime } from './runtime.ts';
export { vaultStorage, masterKeyIdsInUse, checkMasterKeys, type VaultStorage } from './backup.ts';
export { personalData } from './personal-data.ts';
export { QUOTA_BYTES_PER_PERSON as QUOTA_BYTES, MAX_PDF_BYTES, MAX_PHOTO_BYTES, MAX_PHOTOS_PER_DOCUMENT } from './files/limits.ts';
