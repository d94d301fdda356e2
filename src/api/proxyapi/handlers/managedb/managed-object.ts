// One MANAGEDB object: whether it is global (admin key only) and its actions.
import type { RequestContext } from '../../handler.ts';
import { notImplemented } from '../../handler.ts';
import type { Reply } from '../../reply.ts';

export interface ObjectAction {
  readonly writes: boolean;
  handle(ctx: RequestContext): Promise<Reply>;
  /** Set on the actions that answer `Not implemented` until their capability lands. */
  readonly notImplemented?: true;
}

export interface ManagedObject {
  /** Global objects (tenant, user, provider, ...) need the admin key and no tenant. */
  readonly global: boolean;
  readonly actions: Readonly<Record<string, ObjectAction>>;
}

const READ_ACTIONS = new Set(['list', 'get', 'getbinary', 'getextensions', 'getdestinations', 'getextendedinfos', 'listtenants', 'listroutes', 'listmessages', 'getmessagerecording']);

/** An object whose storage lands in a later issue: every action answers `Not implemented`. */
export function laterObject(name: string, global: boolean, actions: readonly string[]): ManagedObject {
  return {
    global,
    actions: Object.fromEntries(
      actions.map((action) => [action, { writes: !READ_ACTIONS.has(action), notImplemented: true, handle: async () => notImplemented(`MANAGEDB ${name} ${action}`) }]),
    ),
  };
}

/** A stored row as MiRTA returns it: every value a string (or null), write-only columns left out. */
export function mirtaRow(row: object, writeOnly: readonly string[] = []): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [column, value] of Object.entries(row)) {
    if (writeOnly.includes(column)) continue;
    out[column] = value === null || value === undefined ? null : String(value);
  }
  return out;
}

export const json = (value: unknown): Reply => ({ kind: 'json', json: value });
