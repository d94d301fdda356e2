// The inbound-SMS webhook for HTTP SMS providers: POST (or GET) /sms/inbound/<providerId>, authenticated by the
// provider's secret (its pr_smspassword) given as HTTP Basic auth's password, an X-Callgrid-Secret header or a `secret`
// query parameter; the body (form, JSON with nested fields as dotted paths, or a GET's query) is mapped to the DID's
// fields by the inbound SMS use case. Answers 200 {"status":"received","id":N}, or a plain-text 4xx saying what was wrong.
import type { Context, Hono } from 'hono';
import { PbxError, type Logger } from '../shared/index.ts';
import { flattenJson, type Services } from '../services/index.ts';
import { knownError, methodNotAllowed, plainAnswer, type EdgeAnswer } from './error-answers.ts';
import { logUrl } from './log-url.ts';
import { readBodyBytes } from './request-body.ts';

export const SMS_WEBHOOK_PATH = '/sms/inbound/:providerId';
/** An SMS and a provider's metadata fit many times over; more is not an SMS. */
const MAX_BODY_BYTES = 64 * 1024;
const CHALLENGE = { 'WWW-Authenticate': 'Basic realm="callgrid-sms", charset="UTF-8"' };

const send = (c: Context, answer: EdgeAnswer, extra: Record<string, string> = {}) => c.body(answer.body, answer.status as 200, { ...answer.headers, ...extra });

export function mountSmsWebhook(app: Hono, services: Services, logger: Logger): void {
  const handler = async (c: Context) => {
    try {
      const providerId = parseProviderId(c.req.param('providerId') ?? '');
      const secret = presentedSecret(c);
      if (secret === undefined) return send(c, plainAnswer(new PbxError('auth_failed', "Missing secret: give the provider's pr_smspassword as Basic auth password, X-Callgrid-Secret header or secret parameter")), CHALLENGE);
      // The body is read only once the sender is known: a stranger costs one lookup, never a parse.
      if (!(await services.inboundSms.authenticate(providerId, secret, remoteAddress(c)))) return send(c, plainAnswer(new PbxError('auth_failed', `Unknown provider ${providerId} or wrong secret`)), CHALLENGE);
      const receipt = await services.inboundSms.receiveFields(providerId, await readFields(c));
      return c.json({ status: 'received', id: receipt.id });
    } catch (error) {
      return send(c, plainAnswer(knownError(error, (e) => logger.error({ err: e, url: logUrl(c.req.url, (name) => c.req.header(name)) }, 'sms webhook: unexpected error'))));
    }
  };
  app.post(SMS_WEBHOOK_PATH, handler);
  app.get(SMS_WEBHOOK_PATH, handler);
  app.all(SMS_WEBHOOK_PATH, (c) => send(c, plainAnswer(methodNotAllowed(`Method ${c.req.method} not allowed; use POST (or GET)`, ['GET', 'POST']))));
}

/** The client's address as @hono/node-server gives it (env.incoming), for the wrong-secret throttle. */
function remoteAddress(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'local';
}

function parseProviderId(text: string): number {
  const id = /^[1-9][0-9]{0,9}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(id)) throw new PbxError('invalid_parameter', `Invalid provider id '${text.slice(0, 20)}': the path is /sms/inbound/<pr_id>`);
  return id;
}

/** Basic auth's password, else X-Callgrid-Secret, else the `secret` query parameter. */
function presentedSecret(c: Context): string | undefined {
  const authorization = c.req.header('authorization') ?? '';
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (basic?.[1] !== undefined) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) return decoded.slice(colon + 1);
  }
  const header = c.req.header('x-callgrid-secret');
  if (header !== undefined && header !== '') return header;
  const query = c.req.query('secret');
  return query === undefined || query === '' ? undefined : query;
}

/** The query's fields (but the secret), then the body's: form, JSON, or none. */
async function readFields(c: Context): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  for (const [name, value] of new URL(c.req.url).searchParams) if (name !== 'secret') fields[name] = value;
  if (c.req.method !== 'POST') return fields;
  const bytes = await readBodyBytes(c.req.raw, MAX_BODY_BYTES);
  const body = Buffer.from(bytes).toString('utf8');
  if (body.trim() === '') return fields;
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json' || type.endsWith('+json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new PbxError('invalid_json', 'Invalid JSON body');
    }
    const flat = flattenJson(parsed);
    if (flat === undefined) throw new PbxError('invalid_json', 'Invalid JSON body: an object of fields is expected');
    return { ...fields, ...flat };
  }
  if (type === '' || type === 'application/x-www-form-urlencoded') {
    for (const [name, value] of new URLSearchParams(body)) fields[name] = value;
    return fields;
  }
  throw new PbxError('unsupported_format', `Unsupported Content-Type ${type}: send application/x-www-form-urlencoded or application/json`);
}
