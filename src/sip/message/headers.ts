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

export function canonicalName(name: string): string {
  const lower = name.toLowerCase();
  return lower.length === 1 ? (COMPACT.get(lower) ?? lower) : lower;
}

export function displayName(canonical: string): string {
  return CANONICAL.get(canonical) ?? canonical.replace(/(^|-)([a-z])/g, (_m, dash: string, ch: string) => dash + ch.toUpperCase());
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
  /** [canonical lower-case name, raw value] in wire order. */
  private readonly list: Array<[string, string]> = [];

  constructor(entries: Iterable<readonly [string, string]> = []) {
    for (const [name, value] of entries) this.append(name, value);
  }

  /** The first value of a header, as it appeared (a whole line for list headers). */
  get(name: string): string | undefined {
    const key = canonicalName(name);
    return this.list.find(([n]) => n === key)?.[1];
  }

  /** Every value; list headers are split into their elements across all lines. */
  getAll(name: string): string[] {
    const key = canonicalName(name);
    const values = this.list.filter(([n]) => n === key).map(([, v]) => v);
    return isListHeader(key) ? values.flatMap(splitList) : values;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  append(name: string, value: string): this {
    this.list.push([canonicalName(name), value]);
    return this;
  }

  /** Puts `value` before the existing values of the same header (e.g. a new top Via). */
  prepend(name: string, value: string): this {
    const key = canonicalName(name);
    const index = this.list.findIndex(([n]) => n === key);
    this.list.splice(index < 0 ? this.list.length : index, 0, [key, value]);
    return this;
  }

  /** Replaces every value of the header with one value. */
  set(name: string, value: string): this {
    const key = canonicalName(name);
    const index = this.list.findIndex(([n]) => n === key);
    this.delete(key);
    this.list.splice(index < 0 ? this.list.length : index, 0, [key, value]);
    return this;
  }

  delete(name: string): this {
    const key = canonicalName(name);
    for (let i = this.list.length - 1; i >= 0; i--) if (this.list[i]?.[0] === key) this.list.splice(i, 1);
    return this;
  }

  /** Removes the first element of a list header (the top Via when a response goes upstream). */
  shift(name: string): string | undefined {
    const key = canonicalName(name);
    const index = this.list.findIndex(([n]) => n === key);
    const entry = this.list[index];
    if (!entry) return undefined;
    const [first, ...rest] = splitList(entry[1]);
    if (rest.length === 0) this.list.splice(index, 1);
    else entry[1] = rest.join(', ');
    return first;
  }

  entries(): ReadonlyArray<readonly [string, string]> {
    return this.list;
  }

  clone(): Headers {
    return new Headers(this.list);
  }
}
