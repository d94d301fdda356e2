// SMS: the SMS reqtype's use case and the tenant's SMS log.
export { SmsService, type QueuedSms, type SmsOrder, type SmsSettings } from './sms-service.ts';
