// One `info=` type of INFO: its syntax, whether it needs one tenant, and its answer.
import type { RequestContext } from '../../handler.ts';
import { notImplemented } from '../../handler.ts';
import type { Format, Reply } from '../../reply.ts';

export interface InfoType {
  readonly syntax: string;
  readonly tenant: 'required' | 'optional';
  /** Default plain and json. */
  readonly formats?: readonly Format[];
  handle(ctx: RequestContext): Promise<Reply>;
  /** Set on the types that answer `Not implemented` until their capability lands. */
  readonly notImplemented?: true;
}

export function laterInfo(name: string, syntax: string, tenant: 'required' | 'optional' = 'required', formats?: readonly Format[]): InfoType {
  return { syntax, tenant, ...(formats ? { formats } : {}), notImplemented: true, handle: async () => notImplemented(`INFO ${name}`) };
}
