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

export async function readParams(request: ApiRequest): Promise<Params> {
  const values = new Map<string, string>();
  const url = request.url;
  const query = url.indexOf('?');
  // Only the query string is needed; parsing the whole URL is measurable on the hot path.
  if (query >= 0) for (const [name, value] of new URLSearchParams(url.slice(query + 1).split('#', 1)[0])) values.set(name, value);
  const form = await request.readForm();
  for (const [name, value] of form.fields) values.set(name, value);
  for (const [name, value] of values) {
    // NUL never belongs in a parameter, and PostgreSQL text cannot store it.
    if (value.includes('\u0000')) throw new PbxError('invalid_parameter', `Invalid ${name}: contains a NUL character`);
  }
  return new Params(values, form.files);
}
