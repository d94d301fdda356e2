// The SMPP 3.4 settings a provider row (pr_tech SMS, pr_smsprotocol SMPP) describes.
//   pr_smsurl       smpp://host[:port][?name=value&...] (or host[:port]); port default 2775. TLS is not built.
//   pr_smsuser      system_id of bind_transceiver;  pr_smspassword: its password (never logged). SMPP 3.4 allows
//                   15 and 8 characters; longer ones (up to 64) are sent as given, for SMSCs that take them.
// Query parameters (all optional):
//   system_type=              bind system_type (default '')
//   tps=10                    submit_sm per second allowed by the provider (token bucket; 0 = unlimited)
//   window=10                 submit_sm awaiting their submit_sm_resp at once
//   concat=udh|sar            long messages: a UDH in short_message (default) or the sar_* TLVs
//   source_ton, source_npi    default by the sender: +digits 1/1 (the + dropped), digits 0/1, letters 5/0
//   dest_ton, dest_npi        default by the number: +digits 1/1 (the + dropped), digits 0/1
//   registered_delivery=1     1 asks for a delivery receipt on the final outcome; 0 for none
//   enquire_link_s=30         keep-alive period; no enquire_link_resp within it drops and rebinds the session
//   reconnect_ms=1000         first back-off before reconnecting, doubled on each failure up to reconnect_max_ms=30000
//   throttle_ms=1000          pause after ESME_RTHROTTLED / ESME_RMSGQFUL, doubled per repeat up to 16x; throttle_retries=8
//   bind_wait_ms=10000        how long a send waits for a bound session before failing
//   submit_timeout_ms=10000   how long a submit_sm (and bind_transceiver) waits for its answer
// Data coding: 0 (SMSC default alphabet = GSM 7-bit, unpacked) when every character is in GSM 03.38, else 8 (UCS-2).
// A submit whose answer is lost with the connection is sent again after rebinding (at most twice): the SMSC may
// then have it twice, as with any SMPP client that cannot tell whether the first one arrived.
import { err, ok, type Result } from '../../../shared/index.ts';
import type { ObjectRow } from '../../../domain/index.ts';
import type { ConcatMode } from './smpp-text.ts';

export interface SmppSettings {
  readonly providerId: number;
  readonly host: string;
  readonly port: number;
  readonly systemId: string;
  readonly password: string;
  readonly systemType: string;
  readonly tps: number;
  readonly window: number;
  readonly concat: ConcatMode;
  readonly sourceTon?: number;
  readonly sourceNpi?: number;
  readonly destTon?: number;
  readonly destNpi?: number;
  readonly registeredDelivery: number;
  readonly enquireLinkMs: number;
  readonly reconnectMs: number;
  readonly reconnectMaxMs: number;
  readonly throttleMs: number;
  readonly throttleRetries: number;
  readonly bindWaitMs: number;
  readonly submitTimeoutMs: number;
}

/** The query parameters understood, with [min, max] for numbers (for docs/compatibility.md and the refusals). */
export const SMPP_NUMERIC_PARAMETERS: Readonly<Record<string, readonly [number, number]>> = {
  tps: [0, 100_000],
  window: [1, 1000],
  source_ton: [0, 6],
  source_npi: [0, 18],
  dest_ton: [0, 6],
  dest_npi: [0, 18],
  registered_delivery: [0, 31],
  enquire_link_s: [1, 3600],
  reconnect_ms: [10, 600_000],
  reconnect_max_ms: [10, 3_600_000],
  throttle_ms: [1, 600_000],
  throttle_retries: [0, 100],
  bind_wait_ms: [0, 600_000],
  submit_timeout_ms: [10, 600_000],
};
const TEXT_PARAMETERS = new Set(['system_type', 'concat']);

export function parseSmppProvider(row: ObjectRow): Result<SmppSettings, string> {
  const id = Number(row.pr_id);
  const raw = String(row.pr_smsurl ?? '').trim();
  if (raw === '') return err(`Provider ${id} has no pr_smsurl: give the SMSC as smpp://host:port`);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `smpp://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return err(`Provider ${id}: pr_smsurl '${raw}' is not smpp://host:port (a port must be 1-65535)`);
  }
  if (url.protocol !== 'smpp:') return err(`Provider ${id}: pr_smsurl must start with smpp:// (TLS SMPP is not implemented)`);
  if (url.hostname === '') return err(`Provider ${id}: pr_smsurl '${raw}' has no host`);
  if (url.username !== '' || url.password !== '') return err(`Provider ${id}: put system_id and password in pr_smsuser/pr_smspassword, not in pr_smsurl`);
  const port = url.port === '' ? 2775 : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return err(`Provider ${id}: pr_smsurl port '${url.port}' must be 1-65535`);
  const systemId = String(row.pr_smsuser ?? '');
  if (systemId === '') return err(`Provider ${id} has no pr_smsuser: the SMPP system_id`);
  // SMPP 3.4 allows 15 and 8 characters; some SMSCs take longer ones, so they are sent as given up to a sane bound.
  if (systemId.length > 64) return err(`Provider ${id}: pr_smsuser (system_id) is over 64 characters`);
  const password = String(row.pr_smspassword ?? '');
  if (password.length > 64) return err(`Provider ${id}: pr_smspassword is over 64 characters`);
  const numbers: Record<string, number> = {};
  for (const [name, value] of url.searchParams) {
    const range = SMPP_NUMERIC_PARAMETERS[name];
    if (range !== undefined) {
      const n = Number(value);
      if (value.trim() === '' || !Number.isInteger(n) || n < range[0] || n > range[1]) return err(`Provider ${id}: pr_smsurl ${name}=${value} must be a whole number ${range[0]}-${range[1]}`);
      numbers[name] = n;
    } else if (!TEXT_PARAMETERS.has(name)) {
      return err(`Provider ${id}: pr_smsurl has unknown parameter '${name}' (known: ${[...TEXT_PARAMETERS, ...Object.keys(SMPP_NUMERIC_PARAMETERS)].join(', ')})`);
    }
  }
  const concat = (url.searchParams.get('concat') ?? 'udh').toLowerCase();
  if (concat !== 'udh' && concat !== 'sar') return err(`Provider ${id}: pr_smsurl concat=${concat} must be udh or sar`);
  const systemType = url.searchParams.get('system_type') ?? '';
  if (systemType.length > 12) return err(`Provider ${id}: pr_smsurl system_type is over 12 characters`);
  const optional = (name: string, key: string) => (numbers[name] === undefined ? {} : { [key]: numbers[name] });
  const reconnectMs = numbers.reconnect_ms ?? 1000;
  return ok({
    providerId: id,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    systemId,
    password,
    systemType,
    tps: numbers.tps ?? 10,
    window: numbers.window ?? 10,
    concat,
    ...optional('source_ton', 'sourceTon'),
    ...optional('source_npi', 'sourceNpi'),
    ...optional('dest_ton', 'destTon'),
    ...optional('dest_npi', 'destNpi'),
    registeredDelivery: numbers.registered_delivery ?? 1,
    enquireLinkMs: (numbers.enquire_link_s ?? 30) * 1000,
    reconnectMs,
    reconnectMaxMs: Math.max(reconnectMs, numbers.reconnect_max_ms ?? 30_000),
    throttleMs: numbers.throttle_ms ?? 1000,
    throttleRetries: numbers.throttle_retries ?? 8,
    bindWaitMs: numbers.bind_wait_ms ?? 10_000,
    submitTimeoutMs: numbers.submit_timeout_ms ?? 10_000,
  });
}

/** TON/NPI and the address as SMPP carries it: the leading + dropped for an international number. */
export function smppAddress(address: string, ton: number | undefined, npi: number | undefined): { readonly ton: number; readonly npi: number; readonly addr: string } {
  const plus = address.startsWith('+');
  const digits = /^\+?[0-9]+$/.test(address);
  const byContent = plus && digits ? { ton: 1, npi: 1 } : digits ? { ton: 0, npi: 1 } : { ton: 5, npi: 0 };
  return { ton: ton ?? byContent.ton, npi: npi ?? byContent.npi, addr: plus && digits ? address.slice(1) : address };
}

/** What makes two rows the same session: a change to any of these rebinds. */
export const settingsKey = (s: SmppSettings): string => JSON.stringify(s);
