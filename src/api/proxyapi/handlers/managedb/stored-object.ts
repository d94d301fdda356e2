// A MANAGEDB object by name: its CRUD actions run on the catalogue once the object is stored there,
// and every action not built yet answers `Not implemented` (spec: a clear error, never a fake answer).
import { CATALOGUE } from '../../../../domain/index.ts';
import { catalogueObject, type CrudAction } from './catalogue-object.ts';
import { laterObject, type ManagedObject } from './managed-object.ts';

const CRUD: readonly string[] = ['list', 'get', 'add', 'update', 'delete'];

export function storedObject(name: string, global: boolean, actions: readonly string[], extra: ManagedObject['actions'] = {}): ManagedObject {
  const later = laterObject(name, global, actions);
  if (!CATALOGUE[name]) return { global, actions: { ...later.actions, ...extra } };
  const crud = catalogueObject(name, global, actions.filter((a): a is CrudAction => CRUD.includes(a)));
  return { global, actions: { ...later.actions, ...crud.actions, ...extra } };
}
