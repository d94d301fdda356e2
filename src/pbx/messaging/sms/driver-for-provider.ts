// smsDriverFor: the driver a provider row (pr_tech SMS, pr_smsprotocol) describes, or why it cannot send.
import type { ObjectRow } from '../../../domain/index.ts';
import { err, ok, type Result } from '../../../shared/index.ts';
import { httpSmsProvider, parseHttpSmsProvider, type HttpSmsOptions } from './http-provider.ts';
import type { SmsDriver } from './sms-driver.ts';
import type { SmppSessions } from './smpp-sessions.ts';

/** Why a provider row cannot send: its protocol is not built yet, or the row is incomplete. */
export type DriverRefusal = { readonly kind: 'not-implemented' | 'invalid'; readonly message: string };

/** What the drivers need from the node: HTTP limits, and the SMPP session registry (absent = SMPP cannot send here). */
export interface SmsDriverOptions extends HttpSmsOptions {
  readonly smpp?: SmppSessions;
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
  return err({ kind: 'not-implemented', message: `Not implemented: SMS protocol ${protocol} (provider ${String(row.pr_id)}); only HTTP, HTTP-POST, JSON and SMPP providers are built` });
}
