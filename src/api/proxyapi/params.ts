// Request parameters with PHP `$_REQUEST` semantics: the query string and an
// urlencoded or multipart body together, the body winning on a clash.
import { PbxError } from '../../shared/index.ts';
import type { ApiRequest } from './api-request.ts';
import { MAX_PARAMETERS, tooManyParameters } from '../request-body.ts';

export class Params {
  constructor(
    private readonly values: ReadonlyMap<string, string>,
    readonly files: ReadonlyMap<string, File> = new Map(),
  ) {}

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  /** A present, non-empty value, or `No <name> specified`. */
  require(name: string, alias?: string): string {
    const value = this.get(name) ?? (alias === undefined ? undefined : this.get(alias));
    if (value === undefined || value.trim() === '') {
      throw new PbxError('missing_parameter', `No ${name} specified`);
    }
    return value;
  }

  /** A discriminator (reqtype, info, action, subreqtype, object, filter value): case-insensitive. */
  word(name: string): string | undefined {
    const value = this.get(name)?.trim();
    return value ? value.toLowerCase() : undefined;
  }

  requireWord(name: string): string {
    return this.require(name).trim().toLowerCase();
  }

  /** A positive database id such as `objectid`. */
  requireId(name: string): number {
    const text = this.require(name).trim();
    if (!/^\d{1,10}$/.test(text) || Number(text) < 1 || Number(text) > 2_147_483_647) {
      throw new PbxError('invalid_parameter', `Invalid ${name} '${text}': expected a positive whole number`);
    }
    return Number(text);
  }

  /** The JSON document of a write (`jsondata`, or another field such as PHONEBOOK's `values`). */
  requireJson(name = 'jsondata'): unknown {
    const text = this.require(name);
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new PbxError('invalid_parameter', `Invalid ${name}: not valid JSON (${(error as Error).message})`);
    }
  }
}

/**
 * application/x-www-form-urlencoded pairs as URLSearchParams reads them ('+' is a
 * space, bad escapes kept as written), without its per-call overhead: every API
 * request passes here. Reads the query string of `url` from `from` up to any '#'.
 */
export function readQuery(url: string, from: number, into: Map<string, string>, budget = Infinity): number {
  const hash = url.indexOf('#', from);
  return readPairs(url, from, hash < 0 ? url.length : hash, into, budget);
}

/**
 * The pairs of `text` between `from` and `end`; answers how many there were. More than `budget`
 * is refused as soon as the pair after the budget is seen, before it or any later one is decoded.
 */
export function readPairs(text: string, from: number, end: number, into: Map<string, string>, budget = Infinity): number {
  let start = from;
  let count = 0;
  while (start < end) {
    let amp = text.indexOf('&', start);
    if (amp < 0 || amp > end) amp = end;
    if (amp > start) {
      if (++count > budget) throw tooManyParameters();
      const eq = text.indexOf('=', start);
      const split = eq >= 0 && eq < amp;
      into.set(decodeFormComponent(text.slice(start, split ? eq : amp)), split ? decodeFormComponent(text.slice(eq + 1, amp)) : '');
    }
    start = amp + 1;
  }
  return count;
}

function decodeFormComponent(text: string): string {
  const spaced = text.includes('+') ? text.replace(/\+/g, ' ') : text;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    // As WHATWG percent-decoding: bytes from valid escapes, the rest as written, then
    // UTF-8 with U+FFFD for invalid sequences (what URLSearchParams yields).
    return percentDecodeBytes(spaced).toString('utf8');
  }
}

function percentDecodeBytes(text: string): Buffer {
  const bytes: number[] = [];
  const hex = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 37 && i + 2 < text.length && hex(text.charCodeAt(i + 1)) && hex(text.charCodeAt(i + 2))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      const ch = String.fromCodePoint(text.codePointAt(i) ?? c);
      bytes.push(...Buffer.from(ch, 'utf8'));
      i += ch.length - 1;
    }
  }
  return Buffer.from(bytes);
}

/** The query string's parameters, and how many pairs it had (the body may bring what is left of the cap). */
export interface QueryParams {
  readonly values: Map<string, string>;
  readonly count: number;
}

/** The query string's parameters, at most MAX_PARAMETERS of them. */
export function readQueryParams(url: string): QueryParams {
  const values = new Map<string, string>();
  const query = url.indexOf('?');
  // Only the query string is needed; parsing the whole URL is measurable on the hot path.
  const count = query >= 0 ? readQuery(url, query + 1, values, MAX_PARAMETERS) : 0;
  return { values, count };
}

const NO_SCREEN = async (): Promise<void> => {};

/**
 * The query string's parameters with the body's over them (the query's map is filled in place: it is
 * read once per request), the body's share of the cap being what the query left. `beforeParse` sees
 * the body's key before a costly parse (ApiRequest.readForm).
 */
export async function readParams(request: ApiRequest, query: QueryParams, beforeParse: (bodyKey: string | undefined) => Promise<void> = NO_SCREEN): Promise<Params> {
  const values = query.values;
  const form = await request.readForm(MAX_PARAMETERS - query.count, beforeParse);
  for (const [name, value] of form.fields) values.set(name, value);
  for (const [name, value] of values) {
    // NUL never belongs in a parameter, and PostgreSQL text cannot store it.
    if (value.includes('\u0000')) throw new PbxError('invalid_parameter', `Invalid ${name}: contains a NUL character`);
  }
  return new Params(values, form.files);
}
