// /extensions/state (spec §5.4): one extension's live state, from CallService.extensionState, the same
// reading of live channels and registrations as proxyapi.php's INFO extstate, so the two APIs agree.
import { z } from 'zod';
import type { ExtensionState } from '../../services/index.ts';
import { PbxError } from '../../shared/index.ts';
import type { Action } from './report-actions.ts';

const STATE_KEYS = ['UniqueID', 'LinkedID', 'Connected Line ID', 'Connected Line ID Name', 'Context', 'Extension', 'Direction', 'OtherParty'] as const;
type StateRow = Record<(typeof STATE_KEYS)[number], string>;

const IDLE: StateRow = Object.fromEntries(STATE_KEYS.map((k) => [k, ''])) as StateRow;

/** The 8 keys of §5.4: KO when not registered, all empty when idle, the extension's call otherwise. */
function stateRow(state: ExtensionState): StateRow {
  if (state.kind === 'unregistered') return { ...IDLE, UniqueID: 'KO', LinkedID: 'Extension not registered' };
  if (state.kind === 'idle') return IDLE;
  const c = state.channel;
  return {
    UniqueID: c.uniqueId,
    LinkedID: c.linkedId,
    'Connected Line ID': c.connectedNum,
    'Connected Line ID Name': c.connectedName,
    Context: c.context,
    Extension: c.exten,
    Direction: c.direction,
    // The connected line, else the number dialled (a call still ringing has no connected line).
    OtherParty: c.connectedNum || c.exten,
  };
}

export const extensionStateAction: Action = {
  operations: {
    get: {
      summary:
        'Live state of one extension: not registered = UniqueID KO, LinkedID "Extension not registered"; registered and idle = every value empty; ' +
        'on a call = its channel (answered first, else the oldest): ids, connected line, context, number dialled, direction, other party.',
      parameters: [{ name: 'number', description: 'the extension number (also ext)', required: true }],
      response: z.strictObject(Object.fromEntries(STATE_KEYS.map((k) => [k, z.string()]))),
      errors: ['missing_required_field', 'extension_not_found'],
    },
  },
  async handle(call) {
    if (call.rest.length > 0) throw new PbxError('unknown_path', `Not found: /extensions/state/${call.rest.join('/')}.`);
    // §5.4: the tenant is required even with the global key (a number means nothing without it).
    if (call.scope === null) throw new PbxError('tenant_required', '/extensions/state needs tenant=<tenant code>, also with the global key.');
    const number = (call.query.get('number') ?? call.query.get('ext') ?? '').trim();
    if (number === '') throw new PbxError('missing_parameter', 'Missing number: send number=<extension number> (or ext=).');
    try {
      return { status: 200, json: stateRow(await call.services.calls.extensionState(call.scope, number)) };
    } catch (caught) {
      if (caught instanceof PbxError && caught.code === 'not_found') throw new PbxError('extension_not_found', 'Extension not found.');
      throw caught;
    }
  },
};
