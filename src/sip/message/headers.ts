// An ordered, case-insensitive SIP header list (RFC 3261 §7.3). Names are kept
// in their long canonical form; compact forms (§7.3.3) are expanded on entry.

// Maps, not object literals: a header named `constructor` or `__proto__` must not find Object.prototype.
const COMPACT: ReadonlyMap<string, string> = new Map(Object.entries({
  a: 'accept-contact', b: 'referred-by', c: 'content-type', d: 'request-disposition', e: 'content-encoding',
  f: 'from', i: 'call-id', j: 'reject-contact', k: 'supported', l: 'content-length', m: 'contact',
  o: 'event', r: 'refer-to', s: 'subject', t: 'to', u: 'allow-events', v: 'via', x: 'session-expires', y: 'identity',
}));

/** Display casing used when serializing. */
const CANONICAL: ReadonlyMap<string, string> = new Map(Object.entries({
  'call-id': 'Call-ID', cseq: 'CSeq', 'www-authenticate': 'WWW-Authenticate', 'mime-version': 'MIME-Version',
  'rseq': 'RSeq', 'rack': 'RAck', 'sip-etag': 'SIP-ETag', 'sip-if-match': 'SIP-If-Match',
}));

/** Headers whose values are comma-separated lists (RFC 3261 §7.3.1); others (e.g. WWW-Authenticate, Date) are not split. */
const LIST_HEADERS = new Set([
  'via', 'contact', 'route', 'record-route', 'allow', 'supported', 'require', 'proxy-require', 'unsupported',
  'accept', 'accept-encoding', 'accept-language', 'content-encoding', 'allow-events', 'in-reply-to', 'alert-info',
  'call-info', 'error-info', 'path', 'service-route', 'reason', 'p-asserted-identity', 'security-client',
]);

/**
 * The headers of nearly every message, by their canonical name and their usual spelling: looked up first, so those
 * names cost no lower-casing and every message shares one string per name (a server holds hundreds of thousands of
 * messages in transactions waiting out their timers, each with its own copy of "via", "from", "to" otherwise).
 */
const KNOWN = new Map<string, string>();

export function canonicalName(name: string): string {
  const known = KNOWN.get(name);
  if (known !== undefined) return known;
  const lower = name.toLowerCase();
  return lower.length === 1 ? (COMPACT.get(lower) ?? lower) : (KNOWN.get(lower) ?? lower);
}

export function displayName(canonical: string): string {
  return CANONICAL.get(canonical) ?? canonical.replace(/(^|-)([a-z])/g, (_m, dash: string, ch: string) => dash + ch.toUpperCase());
}

for (const name of [
  'via', 'from', 'to', 'call-id', 'cseq', 'contact', 'max-forwards', 'content-length', 'content-type', 'user-agent', 'server',
  'expires', 'authorization', 'www-authenticate', 'proxy-authorization', 'proxy-authenticate', 'allow', 'supported', 'require',
  'route', 'record-route', 'date', 'event', 'subscription-state', 'accept', 'allow-events', 'min-expires', 'timestamp',
]) {
  KNOWN.set(name, name);
  KNOWN.set(displayName(name), name);
}

export function isListHeader(canonical: string): boolean {
  return LIST_HEADERS.has(canonical);
}

/** Splits a list header value at commas outside quotes and angle brackets. */
export function splitList(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charCodeAt(i);
    if (quoted) {
      if (ch === 0x5c /* \ */) i++;
      else if (ch === 0x22 /* " */) quoted = false;
    } else if (ch === 0x22) quoted = true;
    else if (ch === 0x3c /* < */) depth++;
    else if (ch === 0x3e /* > */) depth = Math.max(0, depth - 1);
    else if (ch === 0x2c /* , */ && depth === 0) {
      parts.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(value.slice(start).trim());
  return parts.filter((p) => p !== '');
}

export class Headers {
  /**
   * Canonical lower-case name, raw value, name, value, ... in wire order: one flat array rather than a [name, value]
   * pair each, since messages are kept by the hundred thousand in transactions waiting out Timer J (a pair costs two
   * objects; here a header costs two slots).
   */
  private items: string[] = [];

  constructor(entries: Iterable<readonly [string, string]> = []) {
    for (const [name, value] of entries) this.append(name, value);
  }

  /** The first value of a header, as it appeared (a whole line for list headers). */
  get(name: string): string | undefined {
    const at = this.indexOf(canonicalName(name));
    return at < 0 ? undefined : this.items[at + 1];
  }

  /** Every value; list headers are split into their elements across all lines. */
  getAll(name: string): string[] {
    const key = canonicalName(name);
    const values: string[] = [];
    const { items } = this;
    for (let i = 0; i < items.length; i += 2) if (items[i] === key) values.push(items[i + 1] as string);
    return isListHeader(key) ? values.flatMap(splitList) : values;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  append(name: string, value: string): this {
    this.items.push(canonicalName(name), value);
    return this;
  }

  /** Puts `value` before the existing values of the same header (e.g. a new top Via). */
  prepend(name: string, value: string): this {
    const key = canonicalName(name);
    const at = this.indexOf(key);
    this.items.splice(at < 0 ? this.items.length : at, 0, key, value);
    return this;
  }

  /** Replaces every value of the header with one value. */
  set(name: string, value: string): this {
    const key = canonicalName(name);
    const at = this.indexOf(key);
    this.delete(key);
    this.items.splice(at < 0 ? this.items.length : at, 0, key, value);
    return this;
  }

  delete(name: string): this {
    const key = canonicalName(name);
    for (let i = this.items.length - 2; i >= 0; i -= 2) if (this.items[i] === key) this.items.splice(i, 2);
    return this;
  }

  /** Removes the first element of a list header (the top Via when a response goes upstream). */
  shift(name: string): string | undefined {
    const at = this.indexOf(canonicalName(name));
    const line = at < 0 ? undefined : this.items[at + 1];
    if (line === undefined) return undefined;
    const [first, ...rest] = splitList(line);
    if (rest.length === 0) this.items.splice(at, 2);
    else this.items[at + 1] = rest.join(', ');
    return first;
  }

  /** How many header lines there are; nameAt/valueAt read them in wire order without making pairs. */
  get size(): number {
    return this.items.length / 2;
  }

  /** The canonical name of line `index` (0-based, wire order), or undefined past the end. */
  nameAt(index: number): string | undefined {
    return this.items[index * 2];
  }

  /** The value of line `index` (0-based, wire order), or undefined past the end. */
  valueAt(index: number): string | undefined {
    return this.items[index * 2 + 1];
  }

  /** [name, value] pairs in wire order: a copy, so changing the headers afterwards does not change it. */
  entries(): ReadonlyArray<readonly [string, string]> {
    const pairs: Array<readonly [string, string]> = [];
    const { items } = this;
    for (let i = 0; i < items.length; i += 2) pairs.push([items[i] as string, items[i + 1] as string]);
    return pairs;
  }

  clone(): Headers {
    const copy = new Headers();
    copy.items = this.items.slice();
    return copy;
  }

  /**
   * Drops the spare room appends left, for headers kept long (a transaction waiting out its timer); `own` may swap each
   * value for an equal string (one that keeps no received packet alive).
   */
  compact(own?: (value: string) => string): this {
    this.items = own === undefined ? this.items.slice() : this.items.map((item, i) => (i % 2 === 1 ? own(item) : item));
    return this;
  }

  /** The position of the first header named `key` (canonical), or -1. */
  private indexOf(key: string): number {
    const { items } = this;
    for (let i = 0; i < items.length; i += 2) if (items[i] === key) return i;
    return -1;
  }
}
