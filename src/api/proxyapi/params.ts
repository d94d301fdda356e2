// Request parameters with PHP `$_REQUEST` semantics: the query string and an
// urlencoded or multipart body together, the body winning on a clash.
import { PbxError } from '../../shared/index.ts';
import type { ApiRequest } from './api-request.ts';

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
 * request passes here.
 */
export function readQuery(url: string, from: number, into: Map<string, string>): void {
  const hash = url.indexOf('#', from);
  const end = hash < 0 ? url.length : hash;
  let start = from;
  while (start < end) {
    let amp = url.indexOf('&', start);
    if (amp < 0 || amp > end) amp = end;
    if (amp > start) {
      const eq = url.indexOf('=', start);
      const split = eq >= 0 && eq < amp;
      into.set(decodeFormComponent(url.slice(start, split ? eq : amp)), split ? decodeFormComponent(url.slice(eq + 1, amp)) : '');
    }
    start = amp + 1;
  }
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

export async function readParams(request: ApiRequest): Promise<Params> {
  const values = new Map<string, string>();
  const url = request.url;
  const query = url.indexOf('?');
  // Only the query string is needed; parsing the whole URL is measurable on the hot path.
  if (query >= 0) readQuery(url, query + 1, values);
  const form = await request.readForm();
  for (const [name, value] of form.fields) values.set(name, value);
  for (const [name, value] of values) {
    // NUL never belongs in a parameter, and PostgreSQL text cannot store it.
    if (value.includes('\u0000')) throw new PbxError('invalid_parameter', `Invalid ${name}: contains a NUL character`);
  }
  return new Params(values, form.files);
}
