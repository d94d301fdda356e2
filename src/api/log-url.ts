// A request URL fit for a log line. Secret parameters are redacted by their base name, so PHP's array
// forms (`key[]=`, `key%5B0%5D=`) are caught too, and the request's key values are redacted wherever
// else the URL repeats them (another parameter, the path, escaped).
import { redactUrl } from '../shared/index.ts';

const REDACTED = '[REDACTED]';

/** Shorter values are not searched for elsewhere: no key or secret is this short, and it would garble the line. */
const MIN_SECRET_LENGTH = 6;

/**
 * Whether the logger's list of secret names (shared/logger.ts) holds `name`. Asked through redactUrl,
 * so that there stays one list.
 */
function listedSecret(name: string): boolean {
  const probe = `?${encodeURIComponent(name)}=v`;
  return redactUrl(probe) !== probe;
}

/** `key`, `key[]`, `key[0]`, `key[a][b]`: PHP reads them all as `key`, so the part before `[` decides. */
function secretName(name: string): boolean {
  const bracket = name.indexOf('[');
  return listedSecret(bracket > 0 ? name.slice(0, bracket) : name);
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

interface Pair {
  readonly raw: string;
  readonly rawName: string;
  readonly name: string;
  readonly value: string;
}

function pairsOf(query: string): Pair[] {
  return query.split('&').map((raw) => {
    const equals = raw.indexOf('=');
    const rawName = equals < 0 ? raw : raw.slice(0, equals);
    return { raw, rawName, name: decode(rawName), value: equals < 0 ? '' : decode(raw.slice(equals + 1)) };
  });
}

/** The key values of the request: secret-named parameters, X-API-Key, and the Authorization credentials. */
function secretValues(pairs: readonly Pair[], header: (name: string) => string | undefined): string[] {
  const values = pairs.filter((pair) => secretName(pair.name)).map((pair) => pair.value);
  const apiKey = header('x-api-key');
  if (apiKey) values.push(apiKey.trim());
  const credentials = /^\s*\S+\s+(\S+)\s*$/.exec(header('authorization') ?? '')?.[1];
  if (credentials) values.push(credentials);
  return values.filter((value) => value.length >= MIN_SECRET_LENGTH);
}

/** The URL with secrets replaced by `[REDACTED]`; `header` reads the request's headers. */
export function logUrl(url: string, header: (name: string) => string | undefined): string {
  const question = url.indexOf('?');
  const hash = url.indexOf('#', question < 0 ? 0 : question);
  const pathEnd = question >= 0 ? question : hash >= 0 ? hash : url.length;
  const queryEnd = hash >= 0 ? hash : url.length;
  const pairs = question < 0 ? [] : pairsOf(url.slice(question + 1, queryEnd));
  const secrets = secretValues(pairs, header);
  const holdsSecret = (text: string) => secrets.some((secret) => text.includes(secret));
  // Path segments and the fragment are compared decoded, so an escaped copy is found too.
  const scrub = (part: string) => part.split('/').map((segment) => (holdsSecret(decode(segment)) ? REDACTED : segment)).join('/');

  const path = scrub(url.slice(0, pathEnd));
  const query =
    question < 0
      ? ''
      : `?${pairs
          .map((pair) => {
            if (secretName(pair.name)) return `${pair.rawName}=${REDACTED}`;
            const name = holdsSecret(pair.name) ? REDACTED : pair.rawName;
            const value = holdsSecret(pair.value) ? REDACTED : pair.raw.slice(pair.rawName.length + 1);
            return pair.raw.includes('=') ? `${name}=${value}` : name;
          })
          .join('&')}`;
  const fragment = hash < 0 ? '' : `#${scrub(url.slice(hash + 1))}`;
  return `${path}${query}${fragment}`;
}
