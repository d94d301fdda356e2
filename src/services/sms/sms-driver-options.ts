// The one place a provider row's driver options are assembled, for sends (SmsService) and auto-answers
// (InboundSmsService) alike: HTTP limits, the SMPP sessions, and the SIP stack once SIP runs.
import type { HttpSmsOptions, SmppSessions, SmsDriverOptions } from '../../pbx/index.ts';

export interface DriverSettings {
  readonly http?: HttpSmsOptions;
  readonly smpp?: SmppSessions;
  /** How SIP MESSAGE providers' host names are resolved (default: the system resolver). */
  readonly resolveHost?: SmsDriverOptions['resolveHost'];
}

export function driverOptions(settings: DriverSettings, sip: SmsDriverOptions['sip']): SmsDriverOptions {
  return {
    ...settings.http,
    ...(settings.smpp === undefined ? {} : { smpp: settings.smpp }),
    ...(sip === undefined ? {} : { sip }),
    ...(settings.resolveHost === undefined ? {} : { resolveHost: settings.resolveHost }),
  };
}
