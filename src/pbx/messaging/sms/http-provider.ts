// An HTTP SMS gateway described by its provider row: pr_smsurl is the URL with {from} {to} {text} placeholders
// (each replaced URL-encoded), pr_smsprotocol the request (HTTP / HTTP-GET: GET the URL; HTTP-POST: POST the URL's
// query as an application/x-www-form-urlencoded body; JSON: POST {"from","to","text"}), pr_smsuser/pr_smspassword
// basic auth. Success is a 2xx answer. Redirects are never followed (a gateway must not send the text and the
// credentials elsewhere), the wait is bounded and so is what is read of the answer.
import type { ObjectRow } from '../../../domain/index.ts';
import { err, ok, type Result } from '../../../shared/index.ts';
import type { OutboundSms, SmsDriver, SmsSendResult } from './sms-driver.ts';

export interface HttpSmsProvider {
  readonly providerId: number;
  readonly url: string;
  readonly mode: 'get' | 'form' | 'json';
  readonly user: string;
  readonly password: string;
}

export interface HttpSmsOptions {
  /** How long to wait for the gateway's answer (default 10 s). */
  readonly timeoutMs?: number;
  /** How much of the answer is read (default 64 KiB): enough for an id, never a flood into memory. */
  readonly maxResponseBytes?: number;
}

const PLACEHOLDER = /\{([a-z]+)\}/g;
const KNOWN = new Set(['from', 'to', 'text']);

export function parseHttpSmsProvider(row: ObjectRow): Result<HttpSmsProvider, string> {
  const id = Number(row.pr_id);
  const template = String(row.pr_smsurl ?? '').trim();
  if (template === '') return err(`Provider ${id} has no pr_smsurl`);
  const unknown = [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '').filter((name) => !KNOWN.has(name));
  if (unknown.length > 0) return err(`Provider ${id}: pr_smsurl has unknown placeholder {${unknown[0]}} (known: {from} {to} {text})`);
  let url: URL;
  try {
    url = new URL(template.replace(PLACEHOLDER, 'x'));
  } catch {
    return err(`Provider ${id}: pr_smsurl is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return err(`Provider ${id}: pr_smsurl must be http:// or https://`);
  // Credentials belong in pr_smsuser/pr_smspassword, which are never shown; a URL is logged and listed.
  if (url.username !== '' || url.password !== '') return err(`Provider ${id}: put the credentials in pr_smsuser/pr_smspassword, not in pr_smsurl`);
  const protocol = String(row.pr_smsprotocol ?? '').trim().toUpperCase();
  const mode = protocol === 'HTTP-POST' ? 'form' : protocol === 'JSON' ? 'json' : 'get';
  return ok({ providerId: id, url: template, mode, user: String(row.pr_smsuser ?? ''), password: String(row.pr_smspassword ?? '') });
}

/** The template with each placeholder replaced by its value, URL-encoded. */
export function fillTemplate(template: string, sms: OutboundSms): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (KNOWN.has(name) ? encodeURIComponent(sms[name as keyof OutboundSms]) : whole));
}

export function httpSmsProvider(provider: HttpSmsProvider, options: HttpSmsOptions = {}): SmsDriver {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxResponseBytes ?? 64 * 1024;
  return {
    async send(sms: OutboundSms): Promise<SmsSendResult> {
      const filled = new URL(fillTemplate(provider.url, sms));
      const headers: Record<string, string> = { accept: 'application/json, text/plain;q=0.9, */*;q=0.5' };
      if (provider.user !== '' || provider.password !== '') headers.authorization = `Basic ${Buffer.from(`${provider.user}:${provider.password}`).toString('base64')}`;
      let body: string | undefined;
      if (provider.mode === 'form') {
        body = filled.search.slice(1);
        filled.search = '';
        headers['content-type'] = 'application/x-www-form-urlencoded';
      } else if (provider.mode === 'json') {
        body = JSON.stringify({ from: sms.from, to: sms.to, text: sms.text });
        headers['content-type'] = 'application/json';
      }
      try {
        const response = await fetch(filled, { method: body === undefined ? 'GET' : 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
        const text = await readBounded(response, maxBytes);
        if (response.status >= 300 && response.status < 400) return { ok: false, error: `provider answered a redirect (HTTP ${response.status}), which is not followed` };
        if (response.status < 200 || response.status >= 300) return { ok: false, error: `provider answered HTTP ${response.status}${summary(text)}` };
        const id = messageId(text);
        return { ok: true, providerIds: id === undefined ? [] : [id] };
      } catch (error) {
        // Only the kind of failure: the URL may carry the text and numbers, and nothing of the request is echoed.
        const name = error instanceof Error ? error.name : '';
        return { ok: false, error: name === 'TimeoutError' || name === 'AbortError' ? `provider did not answer within ${timeoutMs} ms` : 'provider unreachable' };
      }
    },
  };
}

/** At most maxBytes of the body, as text; the rest is not read. */
async function readBounded(response: Response, maxBytes: number): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= maxBytes) {
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}

const summary = (text: string): string => {
  const line = text.replace(/\s+/g, ' ').trim().slice(0, 200);
  return line === '' ? '' : `: ${line}`;
};

/** The gateway's id of the message when it answers JSON carrying one (id, message_id, messageId). */
function messageId(text: string): string | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const record = value as Record<string, unknown>;
    for (const key of ['id', 'message_id', 'messageId', 'messageid']) {
      const id = record[key];
      if (typeof id === 'string' || typeof id === 'number') return String(id).slice(0, 128);
    }
  } catch {
    // A plain answer carries no id we can tell apart.
  }
  return undefined;
}
