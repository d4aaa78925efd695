/** The mail capability's one public entry. E-mail: the outbox, its delivery worker and the templates. */
export {
	mailConfigured,
	startMailWorker,
	MAIL_QUEUE,
	invitationMail,
	queueMail,
	passwordResetMail,
	plainMail,
	tagOutbox,
	purgeMessagesOf,
	MAIL_RETENTION_DAYS,
	staleReminderMail,
	type Mail,
	queueOutbox,
	deliver,
	sweepOutbox,
	purgeOutbox,
	outboxFor,
	useSmsChannel,
	type SmsChannel
} from './service.ts';
export { pendingRoleMail, roleAddedMail } from './templates.ts';
export { personalData } from './personal-data.ts';
