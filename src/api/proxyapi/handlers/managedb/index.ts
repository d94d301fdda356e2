// MANAGEDB: CRUD on PBX objects, dispatched on `object=` and `action=`.
import { PbxError } from '../../../../shared/index.ts';
import { ANY_FORMAT, type ReqtypeHandler } from '../../handler.ts';
import type { Params } from '../../params.ts';
import { type ManagedObject, type ObjectAction } from './managed-object.ts';
import { storedObject } from './stored-object.ts';
import { sipregsObject } from './sipregs-object.ts';
import { tenantObject } from './tenant-object.ts';
import { userObject } from './user-object.ts';
import { catalogueObject } from './catalogue-object.ts';
import { conditionActions } from './condition-actions.ts';
import { destinationActions } from './destination-actions.ts';
import { huntlistActions } from './huntlist-actions.ts';
import { ivrActions } from './ivr-actions.ts';
import { providerActions, routeActions, routingProfileActions } from './route-actions.ts';
import { mediaFileActions } from './mediafile-actions.ts';

const CRUD = ['list', 'get', 'add', 'update', 'delete'] as const;

export const MANAGED_OBJECTS = {
  tenant: tenantObject,
  user: userObject,
  custom: storedObject('custom', false, CRUD),
  customtype: storedObject('customtype', true, ['list']),
  phone: storedObject('phone', false, ['list', 'get', 'add', 'update']),
  mediafile: storedObject('mediafile', false, [...CRUD, 'updatebinary', 'getbinary'], mediaFileActions),
  huntlist: storedObject('huntlist', false, [...CRUD, 'getextensions', 'setextensions'], huntlistActions),
  extension: catalogueObject('extension', false),
  provider: storedObject('provider', true, [...CRUD, 'listroutes'], providerActions),
  did: storedObject('did', false, CRUD),
  musiconhold: storedObject('musiconhold', false, CRUD),
  conference: storedObject('conference', false, CRUD),
  routingprofile: storedObject('routingprofile', true, [...CRUD, 'listroutes'], routingProfileActions),
  route: storedObject('route', true, CRUD, routeActions),
  destination: storedObject('destination', false, ['list', 'replace'], destinationActions),
  ivr: storedObject('ivr', false, [...CRUD, 'getdestinations'], ivrActions),
  calleridblacklist: storedObject('calleridblacklist', false, CRUD),
  // Callgrid's object for CALLERIDMOD-<id> rules (MiRTA's is not published).
  calleridmodification: storedObject('calleridmodification', false, CRUD),
  condition: storedObject('condition', false, [...CRUD, 'getdestinations', 'getextendedinfos', 'replaceextendedinfos'], conditionActions),
  sipregs: sipregsObject,
  phonephonebook: storedObject('phonephonebook', false, CRUD),
  voicemail: storedObject('voicemail', false, [...CRUD, 'listmessages', 'getmessagerecording', 'putmessagerecording']),
  queue: storedObject('queue', false, CRUD),
} satisfies Record<string, ManagedObject>;

type ObjectName = keyof typeof MANAGED_OBJECTS;

/** Names are case-insensitive and may be plural (`CUSTOMTYPES`, `phones`). */
function objectOf(params: Params): [string, ManagedObject] {
  const given = params.requireWord('object');
  const name = Object.hasOwn(MANAGED_OBJECTS, given) ? given : given.replace(/s$/, '');
  if (!Object.hasOwn(MANAGED_OBJECTS, name)) {
    throw new PbxError('unknown_object', `Unknown object ${given} for MANAGEDB: expected one of ${Object.keys(MANAGED_OBJECTS).join(', ')}`);
  }
  return [name, MANAGED_OBJECTS[name as ObjectName]];
}

function actionOf(params: Params): ObjectAction {
  const [name, object] = objectOf(params);
  const action = params.requireWord('action');
  const found = Object.hasOwn(object.actions, action) ? object.actions[action] : undefined;
  if (!found) throw new PbxError('unknown_action', `Unknown action ${action} for MANAGEDB ${name}: expected one of ${Object.keys(object.actions).join(', ')}`);
  return found;
}

export const manageDb: ReqtypeHandler = {
  syntax:
    'Create, read, update and delete PBX objects; answers JSON.\n  object, action, objectid, jsondata (POST, JSON), tenant (tenant objects), filter (tenant list: column=\'value\' [AND ...]), tenantid (user addtenant/deltenant)\n' +
    Object.entries(MANAGED_OBJECTS)
      .map(([name, object]) => `    ${name}${object.global ? ' (admin key)' : ''}: ${Object.keys(object.actions).join(', ')}`)
      .join('\n'),
  tenant: (p) => (objectOf(p)[1].global ? 'optional' : 'required'),
  adminOnly: (p) => objectOf(p)[1].global,
  writes: (p) => actionOf(p).writes,
  formats: ANY_FORMAT,
  handle: (ctx) => actionOf(ctx.params).handle(ctx),
};
