// One `info=` type of INFO: its syntax, whether it needs one tenant, and its answer.
import type { RequestContext } from '../../handler.ts';
import { notImplemented } from '../../handler.ts';
import type { Reply } from '../../reply.ts';

export interface InfoType {
  readonly syntax: string;
  readonly tenant: 'required' | 'optional';
  readonly adminOnly?: boolean;
  handle(ctx: RequestContext): Promise<Reply>;
}

export function laterInfo(name: string, syntax: string, tenant: 'required' | 'optional' = 'required'): InfoType {
  return { syntax, tenant, handle: async () => notImplemented(`INFO ${name}`) };
}
