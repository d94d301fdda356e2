// Live SMS sending: the drivers a provider row describes. Other modules import from here (or messaging/index.ts).
export { smsDriverFor, type DriverRefusal, type SmsDriverOptions } from './driver-for-provider.ts';
export type { OutboundSms, SmsDriver, SmsSendResult } from './sms-driver.ts';
export { fillTemplate, httpSmsProvider, parseHttpSmsProvider, type HttpSmsOptions, type HttpSmsProvider } from './http-provider.ts';
export { measureSms, type SmsEncoding, type SmsLength } from './sms-text.ts';
export { SmppSessions, isSmppRow, type InboundSmsHandler, type ReceiptHandler } from './smpp-sessions.ts';
export type { InboundSms } from './smpp-inbound.ts';
export { normalizeMessageId, receiptIdCandidates, type ReceiptOutcome, type SmppReceipt } from './smpp-receipt.ts';
export { parseSmppProvider, SMPP_NUMERIC_PARAMETERS, type SmppSettings } from './smpp-settings.ts';
export { sipMessageProvider, splitForUdp, type SipMessageSender, type SipSmsOptions } from './sip-message-provider.ts';
export { parseSipSmsProvider, sipSmsPort, SIP_SMS_PROTOCOLS, type SipSmsProvider } from './sip-message-provider-row.ts';
