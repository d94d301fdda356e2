// Live SMS sending: the drivers a provider row describes. Other modules import from here (or messaging/index.ts).
export { smsDriverFor, type DriverRefusal } from './driver-for-provider.ts';
export type { OutboundSms, SmsDriver, SmsSendResult } from './sms-driver.ts';
export { fillTemplate, httpSmsProvider, parseHttpSmsProvider, type HttpSmsOptions, type HttpSmsProvider } from './http-provider.ts';
export { measureSms, type SmsEncoding, type SmsLength } from './sms-text.ts';
