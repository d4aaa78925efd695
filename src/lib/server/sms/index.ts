/** The sms capability's one public entry. SMS: the provider adapter, the outbox channel, the replies received. */
export { queueSms, toGsm7, smsSegments, smsChannel, smsConfigured, SMS_MAX_SEGMENTS } from './service.ts';
export { normalisePhone, isMobile, formatPhone } from './model.ts';
export { type InboundSms, hasInboundSecret, parseInboundSms } from './inbound.ts';
