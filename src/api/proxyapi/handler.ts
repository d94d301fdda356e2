// The contract of a reqtype handler and the context it runs in.
import type { Tenant } from '../../domain/index.ts';
import { PbxError } from '../../shared/index.ts';
import type { Caller, Services } from '../../services/index.ts';
import type { Translate } from './i18n.ts';
import type { Params } from './params.ts';
import type { Format, Reply } from './reply.ts';

export interface RequestContext {
  readonly params: Params;
  readonly caller: Caller;
  readonly services: Services;
  readonly format: Format;
  /** `cache=no`: read through every cache. */
  readonly useCache: boolean;
  readonly translate: Translate;
  /** The caller's address, for counting failed credential checks. */
  readonly address: string;
}

/** A requirement that may depend on the request (e.g. SETTING GET reads, SET writes). */
export type Need<T> = T | ((params: Params) => T);

export interface ReqtypeHandler {
  /** Parameter syntax, shown by HELP. */
  readonly syntax: string;
  /** `required`: the request must act on one tenant (an admin key must name it). */
  readonly tenant: Need<'required' | 'optional'>;
  /** Only the admin (global) key may run it. */
  readonly adminOnly: Need<boolean>;
  /** It changes data, so a read-only key is refused. */
  readonly writes: Need<boolean>;
  /**
   * The formats it can answer in (default plain and json), checked before it
   * runs: a write must never be committed and then answered with an error.
   */
  readonly formats?: Need<readonly Format[]>;
  handle(ctx: RequestContext): Promise<Reply>;
}

export const PLAIN_AND_JSON: readonly Format[] = ['plain', 'json'];
export const ANY_FORMAT: readonly Format[] = ['plain', 'json', 'xml', 'csv'];

export function resolveNeed<T>(need: Need<T>, params: Params): T {
  return typeof need === 'function' ? (need as (p: Params) => T)(params) : need;
}

/** The tenant the request acts on; callers of `tenant: 'required'` handlers always have one. */
export function tenantOf(ctx: RequestContext): Tenant {
  const tenant = ctx.caller.tenant;
  if (!tenant) throw new PbxError('missing_parameter', 'No tenant specified');
  return tenant;
}

export function notImplemented(what: string): never {
  throw new PbxError('not_implemented', `Not implemented: ${what}`);
}
