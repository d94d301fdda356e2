// pino, with every place a secret can travel redacted: API keys (query `key`,
// X-API-Key, Authorization), passwords, SIP secrets and tokens.
import { pino, type Logger } from 'pino';

export type { Logger };

const SECRET_FIELDS = ['key', 'apikey', 'password', 'secret', 'token', 'authorization', 'x-api-key', 'us_password', 'jsondata', 'fullKey', 'readOnlyKey', 'adminKey'];

const REDACT_PATHS = SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' }, base: { app: 'callgrid' } };
  return destination ? pino(options, destination as never) : pino(options);
}

const SECRET_QUERY = new RegExp(`([?&](?:${SECRET_FIELDS.join('|')})=)[^&#]*`, 'gi');

/** A URL fit for a log line: values of secret-bearing query parameters replaced. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[REDACTED]');
}

export const silentLogger: Logger = pino({ level: 'silent' });
