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
  return destination ? pino(options, destination as never) : pino(options);
}

const SECRET_QUERY = new RegExp(`([?&](?:${SECRET_FIELDS.join('|')})=)[^&#]*`, 'gi');

/** A URL fit for a log line: values of secret-bearing query parameters replaced. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[REDACTED]');
}

export const silentLogger: Logger = pino({ level: 'silent' });
