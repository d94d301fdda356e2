// pino, with every place a secret can travel redacted: API keys (query `key`,
// X-API-Key, Authorization), passwords, SIP secrets and tokens.
import { pino, type Logger } from 'pino';

export type { Logger };

const SECRET_FIELDS = ['key', 'apikey', 'password', 'secret', 'token', 'authorization', 'x-api-key', 'us_password', 'jsondata', 'fullKey', 'readOnlyKey', 'adminKey'];

// pino's path redaction also covers child bindings; the log formatter below reaches any depth.
const REDACT_PATHS = SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);
const SECRET_SET = new Set(SECRET_FIELDS.map((f) => f.toLowerCase()));

/** Replaces secret-named fields at any depth (pino's path redaction only reaches fixed depths). */
function redactDeep(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 8 || value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = SECRET_SET.has(key.toLowerCase()) ? '[REDACTED]' : redactDeep(inner, depth + 1);
  return out;
}

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    formatters: { log: (object: Record<string, unknown>) => redactDeep(object) as Record<string, unknown> },
    base: { app: 'callgrid' },
  };
  // Synchronous writes: a shutdown's last lines reach the log, and a vanished
  // reader of stdout cannot leave the process spinning on a pending buffer.
  return pino(options, (destination ?? pino.destination({ dest: 1, sync: true })) as never);
}

/** A URL fit for a log line: values of secret-bearing query parameters replaced (names compared decoded, as the server reads them). */
export function redactUrl(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return url;
  const hash = url.indexOf('#', query);
  const end = hash < 0 ? url.length : hash;
  const pairs = url.slice(query + 1, end).split('&').map((pair) => {
    const equals = pair.indexOf('=');
    const rawName = equals < 0 ? pair : pair.slice(0, equals);
    let name: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      name = rawName;
    }
    return SECRET_SET.has(name.toLowerCase()) ? `${rawName}=[REDACTED]` : pair;
  });
  return `${url.slice(0, query + 1)}${pairs.join('&')}${url.slice(end)}`;
}

export const silentLogger: Logger = pino({ level: 'silent' });
