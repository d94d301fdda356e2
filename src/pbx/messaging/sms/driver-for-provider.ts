// smsDriverFor: the driver a provider row (pr_tech SMS, pr_smsprotocol) describes, or why it cannot send.
import type { ObjectRow } from '../../../domain/index.ts';
import { err, ok, type Result } from '../../../shared/index.ts';
import { httpSmsProvider, parseHttpSmsProvider, type HttpSmsOptions } from './http-provider.ts';
import type { SmsDriver } from './sms-driver.ts';
import type { SmppSessions } from './smpp-sessions.ts';
import { sipMessageProvider, type SipMessageSender, type SipSmsOptions } from './sip-message-provider.ts';
import { parseSipSmsProvider, SIP_SMS_PROTOCOLS } from './sip-message-provider-row.ts';

/** Why a provider row cannot send: its protocol is not built yet, or the row is incomplete. */
export type DriverRefusal = { readonly kind: 'not-implemented' | 'invalid'; readonly message: string };

/**
 * What the drivers need from the node: HTTP limits (timeoutMs also bounds a SIP MESSAGE's wait), the SMPP session
 * registry (absent = SMPP cannot send here) and the node's SIP stack (absent = SIP MESSAGE providers cannot send here).
 */
export interface SmsDriverOptions extends HttpSmsOptions, Pick<SipSmsOptions, 'resolveHost'> {
  readonly smpp?: SmppSessions;
  readonly sip?: SipMessageSender;
}

/** Protocols of pr_smsprotocol answered by the HTTP driver (case-insensitive; '' = HTTP). */
const HTTP_PROTOCOLS = new Set(['', 'HTTP', 'HTTP-GET', 'HTTP-POST', 'JSON']);

export function smsDriverFor(row: ObjectRow, options: SmsDriverOptions = {}): Result<SmsDriver, DriverRefusal> {
  const protocol = String(row.pr_smsprotocol ?? '').trim().toUpperCase();
  if (HTTP_PROTOCOLS.has(protocol)) {
    const parsed = parseHttpSmsProvider(row);
    return parsed.ok ? ok(httpSmsProvider(parsed.value, options)) : err({ kind: 'invalid', message: parsed.error });
  }
  if (protocol === 'SMPP') {
    if (options.smpp === undefined) return err({ kind: 'not-implemented', message: `Not implemented: SMPP provider ${String(row.pr_id)} on a node without SMPP sessions running` });
    const session = options.smpp.driver(row);
    return session.ok ? ok(session.value) : err({ kind: 'invalid', message: session.error });
  }
  if (SIP_SMS_PROTOCOLS.has(protocol)) {
    // The row is checked first: a bad pr_smsurl is the operator's to fix wherever SIP runs.
    const parsed = parseSipSmsProvider(row);
    if (!parsed.ok) return err({ kind: 'invalid', message: parsed.error });
    if (options.sip === undefined) return err({ kind: 'not-implemented', message: `Not implemented: SIP MESSAGE provider ${String(row.pr_id)} on a node without SIP running` });
    const sipOptions: SipSmsOptions = { ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }), ...(options.resolveHost === undefined ? {} : { resolveHost: options.resolveHost }) };
    return ok(sipMessageProvider(parsed.value, options.sip, sipOptions));
  }
  return err({ kind: 'not-implemented', message: `Not implemented: SMS protocol ${protocol} (provider ${String(row.pr_id)}); only HTTP, HTTP-POST, JSON, SMPP and SIP (MESSAGE) providers are built` });
}
